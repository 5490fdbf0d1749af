//! `onestop staff`: the reference staff client of the queue floor, over gRPC — open a
//! counter, call the next citizen, serve, transfer, park, finish, and watch the board —
//! and, under `onestop staff dossier`, of the dossier service ([`crate::staff_dossier`]).

use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use onestop_kit::auth::TokenKeys;
use onestop_kit::{Config, Role};
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use tonic::transport::Channel;

/// Who is calling and where.
#[derive(Args, Debug)]
pub struct StaffArgs {
    /// Queue server (default: this machine's `ports.queue`).
    #[arg(long, env = "ONESTOP_QUEUE_URL", global = true)]
    server: Option<String>,
    /// Centre (default: the `--token`'s centre, else muong-sai).
    #[arg(long, env = "ONESTOP_CENTER", global = true)]
    center: Option<String>,
    /// Your name as staff (the token's subject); one counter per person.
    #[arg(long = "as", env = "ONESTOP_STAFF", global = true)]
    who: Option<String>,
    /// A bearer token; without it one is signed with the data folder's secret.
    #[arg(long, env = "ONESTOP_TOKEN", global = true)]
    token: Option<String>,
    /// The signed token's role: receptionist (default), specialist, leader, admin…
    #[arg(long, env = "ONESTOP_ROLE", global = true)]
    role: Option<Role>,
    #[command(subcommand)]
    command: StaffCommand,
}

/// What to do.
#[derive(Subcommand, Debug)]
pub enum StaffCommand {
    /// Opens a counter for you (or resumes it after a pause).
    Open { counter: String },
    /// Pauses your counter.
    Pause {
        counter: String,
        /// Why (shown to managers), e.g. "nghỉ trưa".
        #[arg(long)]
        reason: String,
    },
    /// Closes your counter.
    Close { counter: String },
    /// Calls the next citizen to your counter.
    CallNext { counter: String },
    /// Calls the current ticket again.
    Recall {
        counter: String,
        ticket: Option<String>,
    },
    /// The called citizen did not come.
    NoShow {
        counter: String,
        ticket: Option<String>,
    },
    /// The called citizen is at the counter.
    Start {
        counter: String,
        ticket: Option<String>,
    },
    /// Finishes the current ticket.
    Finish {
        counter: String,
        ticket: Option<String>,
        /// What happened: received, consulted, returned, refused…
        #[arg(long, default_value = "received")]
        outcome: String,
        /// A dossier code received (repeat for several).
        #[arg(long = "dossier")]
        dossiers: Vec<String>,
        /// Call the next citizen at once.
        #[arg(long)]
        next: bool,
    },
    /// Sends the current ticket to another service line or counter.
    Transfer {
        counter: String,
        ticket: Option<String>,
        /// Target service line code.
        #[arg(long)]
        line: Option<String>,
        /// Target counter id.
        #[arg(long)]
        to_counter: Option<String>,
        /// Keep the citizen's original arrival time.
        #[arg(long)]
        keep_arrival: bool,
    },
    /// Sets the current ticket aside (the citizen fetches a paper).
    Park {
        counter: String,
        ticket: Option<String>,
    },
    /// Brings a parked ticket back (give the id `park` printed).
    Resume { counter: String, ticket: String },
    /// Issues a ticket as the kiosk would.
    Issue {
        /// Service line code, e.g. ho-tich.
        line: String,
        /// none, elderly, disabled, pregnant, child, veteran.
        #[arg(long, default_value = "none")]
        priority: String,
        /// Mobile number for "your turn is near".
        #[arg(long)]
        phone: Option<String>,
    },
    /// Counters and waiting lines now.
    Status,
    /// A ticket's position, estimate and why.
    Ticket { id: String },
    /// Watches the board, reconnecting and resuming after a network blip.
    Board {
        /// Resume after this sequence number (0: start from a snapshot).
        #[arg(long, default_value_t = 0)]
        after: i64,
        /// Stop after this many events.
        #[arg(long)]
        count: Option<usize>,
    },
    /// Today's figures (issued, served, waits, per line and counter).
    Stats,
    /// Dossiers, from reception to the return of results (the dossier service).
    Dossier(Box<crate::staff_dossier::DossierArgs>),
}

struct Session {
    client: QueueServiceClient<Channel>,
    center: String,
    token: String,
}

impl Session {
    fn req<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.metadata_mut().insert(
            "authorization",
            format!("Bearer {}", self.token)
                .parse()
                .expect("token is ascii"),
        );
        request
    }

    fn action(&self, counter: &str, ticket: String) -> tonic::Request<pb::TicketActionRequest> {
        self.req(pb::TicketActionRequest {
            center_id: self.center.clone(),
            counter_id: counter.to_string(),
            ticket_id: ticket,
        })
    }

    /// The ticket given, or the one the counter holds now.
    async fn current(&mut self, counter: &str, given: Option<String>) -> anyhow::Result<String> {
        if let Some(id) = given {
            return Ok(id);
        }
        // with the staff token: anonymous reads do not carry ticket ids
        let request = self.req(pb::ListCountersRequest {
            center_id: self.center.clone(),
        });
        let counters = self
            .client
            .list_counters(request)
            .await
            .map_err(fail)?
            .into_inner()
            .counters;
        let c = counters
            .iter()
            .find(|c| c.counter_id == counter)
            .with_context(|| format!("no counter `{counter}` in {}", self.center))?;
        anyhow::ensure!(
            !c.current_ticket_id.is_empty(),
            "quầy {} không giữ vé nào / counter {} holds no ticket; give the ticket id",
            c.number,
            c.number
        );
        Ok(c.current_ticket_id.clone())
    }
}

/// A gRPC error in words, with the fields at fault.
pub(crate) fn fail(status: tonic::Status) -> anyhow::Error {
    let fields = onestop_kit::error::violations_of(&status);
    let mut text = format!("{:?}: {}", status.code(), status.message());
    for (field, why) in fields {
        if !status.message().contains(&why) {
            text.push_str(&format!("\n  {field}: {why}"));
        }
    }
    anyhow::anyhow!(text)
}

fn parse_priority(text: &str) -> anyhow::Result<pb::PriorityClass> {
    Ok(match text {
        "none" => pb::PriorityClass::None,
        "elderly" => pb::PriorityClass::Elderly,
        "disabled" => pb::PriorityClass::Disabled,
        "pregnant" => pb::PriorityClass::Pregnant,
        "child" => pb::PriorityClass::ChildUnder6,
        "veteran" => pb::PriorityClass::Veteran,
        other => anyhow::bail!(
            "--priority `{other}`: use none, elderly, disabled, pregnant, child or veteran"
        ),
    })
}

fn status_vi(status: i32) -> &'static str {
    match pb::TicketStatus::try_from(status).unwrap_or_default() {
        pb::TicketStatus::Waiting => "đang chờ / waiting",
        pb::TicketStatus::Called => "đã gọi / called",
        pb::TicketStatus::Serving => "đang phục vụ / serving",
        pb::TicketStatus::Parked => "tạm gác / parked",
        pb::TicketStatus::Done => "đã xong / done",
        pb::TicketStatus::NoShow => "vắng mặt / no-show",
        pb::TicketStatus::Cancelled => "đã hủy / cancelled",
        pb::TicketStatus::Expired => "hết hạn / expired",
        pb::TicketStatus::Unspecified => "?",
    }
}

fn print_ticket(t: &pb::Ticket) {
    print!(
        "{}  {}  [{}]",
        t.number,
        status_vi(t.status),
        t.service_code
    );
    if t.counter_number > 0 {
        print!("  quầy / counter {}", t.counter_number);
    }
    if t.position > 0 {
        print!("  vị trí / position {}", t.position);
    }
    if let Some(w) = &t.estimated_wait {
        print!(
            "  chờ khoảng / wait ~{} phút/min ({}–{})",
            w.minutes, w.low_minutes, w.high_minutes
        );
    }
    println!("\n  id {}  {}", t.id, t.public_url);
    if !t.citizen_key.is_empty() {
        println!(
            "  mã bảo mật / key {} (in trên phiếu; cần để hủy / printed on the ticket; cancels it)",
            t.citizen_key
        );
    }
}

fn print_event(e: &pb::BoardEvent) {
    let kind = pb::BoardEventKind::try_from(e.kind).unwrap_or_default();
    let waiting: Vec<String> = {
        let mut w: Vec<_> = e.waiting.iter().collect();
        w.sort();
        w.iter().map(|(l, n)| format!("{l}:{n}")).collect()
    };
    match kind {
        pb::BoardEventKind::Snapshot => {
            println!("#{} bảng hiện tại / board now", e.sequence);
            if let Some(s) = &e.snapshot {
                for c in &s.counters {
                    let status = match pb::CounterStatus::try_from(c.status).unwrap_or_default() {
                        pb::CounterStatus::Open => "mở / open",
                        pb::CounterStatus::Paused => "tạm nghỉ / paused",
                        _ => "đóng / closed",
                    };
                    println!(
                        "  quầy {:>2}  {:<18} {}",
                        c.counter_number, status, c.ticket_number
                    );
                }
            }
            println!("  chờ / waiting {}", waiting.join(" "));
        }
        pb::BoardEventKind::Called | pb::BoardEventKind::Recalled => {
            println!(
                "#{} 🔔 {}  ({})",
                e.sequence, e.announcement_vi, e.announcement_en
            );
        }
        _ => println!(
            "#{} {:?} {} {} chờ / waiting {}",
            e.sequence,
            kind,
            e.ticket_number,
            if e.counter_number > 0 {
                format!("quầy {}", e.counter_number)
            } else {
                String::new()
            },
            waiting.join(" ")
        ),
    }
}

async fn watch(
    server: &str,
    center: &str,
    mut after: i64,
    count: Option<usize>,
) -> anyhow::Result<()> {
    let mut seen = 0usize;
    loop {
        let stream = async {
            // keep-alive pings notice a dead link that never closes, so the board reconnects
            let channel = tonic::transport::Endpoint::from_shared(server.to_string())?
                .http2_keep_alive_interval(Duration::from_secs(15))
                .keep_alive_timeout(Duration::from_secs(10))
                .keep_alive_while_idle(true)
                .connect()
                .await?;
            let mut client = QueueServiceClient::new(channel);
            let stream = client
                .watch_board(pb::WatchBoardRequest {
                    center_id: center.to_string(),
                    after_sequence: after,
                })
                .await?
                .into_inner();
            Ok::<_, anyhow::Error>(stream)
        }
        .await;
        match stream {
            Ok(mut stream) => loop {
                match stream.message().await {
                    Ok(Some(event)) => {
                        print_event(&event);
                        after = event.sequence.max(after);
                        seen += 1;
                        if count.is_some_and(|n| seen >= n) {
                            return Ok(());
                        }
                    }
                    Ok(None) => break,
                    Err(status) if status.code() == tonic::Code::NotFound => {
                        return Err(fail(status));
                    }
                    Err(status) => {
                        eprintln!("mất kết nối / connection lost: {}", status.message());
                        break;
                    }
                }
            },
            Err(e) => eprintln!("không kết nối được / cannot connect: {e}"),
        }
        eprintln!("đang nối lại từ #{after} / reconnecting after #{after}");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Runs one staff command.
pub async fn run(
    config: &Config,
    keys: impl FnOnce() -> anyhow::Result<TokenKeys>,
    args: StaffArgs,
) -> anyhow::Result<()> {
    let caller = crate::staff_dossier::Caller {
        who: args.who.clone(),
        role: args.role,
        token: args.token.clone(),
        center: args.center.clone(),
    };
    let command = match args.command {
        StaffCommand::Dossier(dossier) => {
            return crate::staff_dossier::run(config, keys, caller, *dossier).await;
        }
        other => other,
    };
    let center = caller.center();
    let server = args.server.clone().unwrap_or_else(|| config.queue_url());
    if let StaffCommand::Board { after, count } = command {
        return watch(&server, &center, after, count).await;
    }
    let (role, default_who) = match command {
        StaffCommand::Issue { .. } => (Role::Kiosk, Some("kiosk".to_string())),
        // reads: the subject does not matter
        StaffCommand::Status | StaffCommand::Ticket { .. } | StaffCommand::Stats => {
            (Role::Receptionist, Some("staff-cli".to_string()))
        }
        _ => (Role::Receptionist, std::env::var("USER").ok()),
    };
    let role = args.role.unwrap_or(role);
    let token = match args.token {
        Some(t) => t,
        None => {
            let who = args
                .who
                .clone()
                .or(default_who)
                .context("say who you are with --as NAME")?;
            keys()?.issue(&who, role, &center, chrono::Duration::hours(12))
        }
    };
    let client = QueueServiceClient::connect(server.clone())
        .await
        .with_context(|| format!("cannot reach the queue at {server}; is `onestop up` running?"))?;
    let mut s = Session {
        client,
        center: center.clone(),
        token,
    };
    match command {
        StaffCommand::Open { counter } => {
            let c = s
                .client
                .open_counter(s.req(pb::OpenCounterRequest {
                    center_id: center,
                    counter_id: counter,
                }))
                .await
                .map_err(fail)?
                .into_inner();
            println!(
                "quầy {} mở — {} / counter {} open for {}",
                c.number, c.staff, c.number, c.staff
            );
        }
        StaffCommand::Pause { counter, reason } => {
            let c = s
                .client
                .pause_counter(s.req(pb::PauseCounterRequest {
                    center_id: center,
                    counter_id: counter,
                    reason,
                }))
                .await
                .map_err(fail)?
                .into_inner();
            println!(
                "quầy {} tạm nghỉ: {} / counter {} paused",
                c.number, c.pause_reason, c.number
            );
        }
        StaffCommand::Close { counter } => {
            let c = s
                .client
                .close_counter(s.req(pb::CloseCounterRequest {
                    center_id: center,
                    counter_id: counter,
                }))
                .await
                .map_err(fail)?
                .into_inner();
            println!("quầy {} đóng / counter {} closed", c.number, c.number);
        }
        StaffCommand::CallNext { counter } => {
            let r = s
                .client
                .call_next(s.req(pb::CallNextRequest {
                    center_id: center,
                    counter_id: counter,
                }))
                .await
                .map_err(fail)?
                .into_inner();
            match r.ticket {
                Some(t) => {
                    println!("gọi / calling {} — {}", t.number, r.reason);
                    print_ticket(&t);
                }
                None => println!("{}", r.reason),
            }
        }
        StaffCommand::Recall { counter, ticket } => {
            let id = s.current(&counter, ticket).await?;
            print_ticket(
                &s.client
                    .recall(s.action(&counter, id))
                    .await
                    .map_err(fail)?
                    .into_inner(),
            );
        }
        StaffCommand::NoShow { counter, ticket } => {
            let id = s.current(&counter, ticket).await?;
            print_ticket(
                &s.client
                    .mark_no_show(s.action(&counter, id))
                    .await
                    .map_err(fail)?
                    .into_inner(),
            );
        }
        StaffCommand::Start { counter, ticket } => {
            let id = s.current(&counter, ticket).await?;
            print_ticket(
                &s.client
                    .start_serving(s.action(&counter, id))
                    .await
                    .map_err(fail)?
                    .into_inner(),
            );
        }
        StaffCommand::Park { counter, ticket } => {
            let id = s.current(&counter, ticket).await?;
            print_ticket(
                &s.client
                    .park(s.action(&counter, id))
                    .await
                    .map_err(fail)?
                    .into_inner(),
            );
            println!("  tiếp tục bằng / resume with: onestop staff resume {counter} <id above>");
        }
        StaffCommand::Resume { counter, ticket } => {
            print_ticket(
                &s.client
                    .resume(s.action(&counter, ticket))
                    .await
                    .map_err(fail)?
                    .into_inner(),
            );
        }
        StaffCommand::Finish {
            counter,
            ticket,
            outcome,
            dossiers,
            next,
        } => {
            let id = s.current(&counter, ticket).await?;
            let r = s
                .client
                .finish_serving(s.req(pb::FinishServingRequest {
                    center_id: center,
                    counter_id: counter,
                    ticket_id: id,
                    outcome,
                    dossier_codes: dossiers,
                    call_next: next,
                }))
                .await
                .map_err(fail)?
                .into_inner();
            if let Some(t) = r.finished {
                print_ticket(&t);
            }
            match r.next {
                Some(t) => {
                    println!("gọi tiếp / now calling {}", t.number);
                    print_ticket(&t);
                }
                None if next => println!("không còn ai chờ / nobody is waiting"),
                None => {}
            }
        }
        StaffCommand::Transfer {
            counter,
            ticket,
            line,
            to_counter,
            keep_arrival,
        } => {
            let id = s.current(&counter, ticket).await?;
            let t = s
                .client
                .transfer(s.req(pb::TransferRequest {
                    center_id: center,
                    counter_id: counter,
                    ticket_id: id,
                    to_service_code: line.unwrap_or_default(),
                    to_counter_id: to_counter.unwrap_or_default(),
                    keep_arrival,
                }))
                .await
                .map_err(fail)?
                .into_inner();
            print_ticket(&t);
        }
        StaffCommand::Issue {
            line,
            priority,
            phone,
        } => {
            let t = s
                .client
                .issue_ticket(s.req(pb::IssueTicketRequest {
                    center_id: center,
                    service_code: line,
                    priority: parse_priority(&priority)? as i32,
                    phone: phone.unwrap_or_default(),
                    appointment_code: String::new(),
                    request_id: String::new(),
                }))
                .await
                .map_err(fail)?
                .into_inner();
            print_ticket(&t);
        }
        StaffCommand::Ticket { id } => {
            let r = s
                .client
                .explain_position(pb::GetTicketRequest { id })
                .await
                .map_err(fail)?
                .into_inner();
            if let Some(t) = &r.ticket {
                print_ticket(t);
            }
            println!("  {}\n  {}", r.summary_vi, r.summary_en);
        }
        StaffCommand::Status => {
            let request = s.req(pb::ListCountersRequest {
                center_id: center.clone(),
            });
            let counters = s
                .client
                .list_counters(request)
                .await
                .map_err(fail)?
                .into_inner()
                .counters;
            for c in counters {
                let status = match pb::CounterStatus::try_from(c.status).unwrap_or_default() {
                    pb::CounterStatus::Open => "mở / open",
                    pb::CounterStatus::Paused => "tạm nghỉ / paused",
                    _ => "đóng / closed",
                };
                println!(
                    "quầy {:>2} {:<4} {:<18} {:<10} {:<6} [{}]",
                    c.number,
                    c.counter_id,
                    status,
                    c.staff,
                    c.current_ticket_number,
                    c.service_codes.join(", ")
                );
            }
            let lines = s
                .client
                .list_service_lines(pb::ListServiceLinesRequest { center_id: center })
                .await
                .map_err(fail)?
                .into_inner()
                .lines;
            for l in lines {
                println!(
                    "{} {:<11} chờ / waiting {:>3}  {}",
                    l.prefix, l.code, l.waiting, l.name_vi
                );
            }
        }
        StaffCommand::Stats => {
            let now = chrono::Utc::now();
            let from = now - chrono::Duration::hours(24);
            let r = s
                .client
                .queue_stats(s.req(pb::QueueStatsRequest {
                    center_id: center,
                    from: Some(prost_types::Timestamp {
                        seconds: from.timestamp(),
                        nanos: 0,
                    }),
                    to: Some(prost_types::Timestamp {
                        seconds: now.timestamp() + 1,
                        nanos: 0,
                    }),
                }))
                .await
                .map_err(fail)?
                .into_inner();
            println!(
                "24h: cấp/issued {}  phục vụ/served {}  vắng/no-show {}  hủy/cancelled {}  hết hạn/expired {}  chờ/wait p50 {:.1} p90 {:.1} phút/min",
                r.issued,
                r.served,
                r.no_show,
                r.cancelled,
                r.expired,
                r.wait_minutes_p50,
                r.wait_minutes_p90
            );
            for l in r.lines {
                println!(
                    "  {:<11} cấp {:>3} xong {:>3} vắng {:>3}  {:.1} phút/lượt",
                    l.service_code, l.issued, l.served, l.no_show, l.service_minutes_avg
                );
            }
            for c in r.counters {
                println!(
                    "  quầy {:>2}: xong {:>3}, {:.1} phút/lượt, mở {:.0}′, nghỉ {:.0}′, rảnh {:.0}′",
                    c.counter_number,
                    c.served,
                    c.service_minutes_avg,
                    c.open_minutes,
                    c.pause_minutes,
                    c.idle_minutes
                );
            }
        }
        StaffCommand::Board { .. } | StaffCommand::Dossier(_) => unreachable!("handled above"),
    }
    Ok(())
}
