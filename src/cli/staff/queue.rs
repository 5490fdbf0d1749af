//! `onestop staff open|call-next|start|finish|…`: the counter's commands on the queue
//! floor, over gRPC.

use anyhow::Context;
use clap::Subcommand;
use onestop_kit::auth::TokenKeys;
use onestop_kit::client::authorized;
use onestop_kit::{Config, Role};
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use tonic::transport::Channel;

use super::Caller;
use crate::cli::client::{Servers, connect, fail};

/// What to do on the queue floor.
#[derive(Subcommand, Debug)]
pub enum QueueCommand {
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
}

/// What a counter does to a ticket it holds, as one `TicketActionRequest`.
#[derive(Clone, Copy)]
enum Act {
    Recall,
    NoShow,
    Start,
    Park,
    Resume,
}

struct Session {
    client: QueueServiceClient<Channel>,
    center: String,
    token: String,
}

impl Session {
    fn req<T>(&self, message: T) -> tonic::Request<T> {
        authorized(&self.token, message)
    }

    fn action(&self, counter: &str, ticket: String) -> tonic::Request<pb::TicketActionRequest> {
        self.req(pb::TicketActionRequest {
            center_id: self.center.clone(),
            counter_id: counter.to_string(),
            ticket_id: ticket,
        })
    }

    /// One of the counter's actions on the ticket it holds.
    async fn act(&mut self, act: Act, counter: &str, ticket: String) -> anyhow::Result<pb::Ticket> {
        let request = self.action(counter, ticket);
        let response = match act {
            Act::Recall => self.client.recall(request).await,
            Act::NoShow => self.client.mark_no_show(request).await,
            Act::Start => self.client.start_serving(request).await,
            Act::Park => self.client.park(request).await,
            Act::Resume => self.client.resume(request).await,
        };
        Ok(response.map_err(fail)?.into_inner())
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

/// Runs one queue command as `caller`, against `server` (default: the configured queue).
pub async fn run(
    config: &Config,
    keys: impl FnOnce() -> anyhow::Result<TokenKeys>,
    caller: Caller,
    server: Option<String>,
    command: QueueCommand,
) -> anyhow::Result<()> {
    let center = caller.center();
    let server = server.unwrap_or_else(|| Servers::of(config).queue);
    if let QueueCommand::Board { after, count } = command {
        return super::board::watch(&server, &center, after, count).await;
    }
    let (role, read) = match command {
        QueueCommand::Issue { .. } => (Role::Kiosk, false),
        QueueCommand::Status | QueueCommand::Ticket { .. } | QueueCommand::Stats => {
            (Role::Receptionist, true)
        }
        _ => (Role::Receptionist, false),
    };
    let token = caller.token_or_sign(keys, role, read)?;
    let client = QueueServiceClient::new(connect(&server, "queue").await?);
    let mut s = Session {
        client,
        center: center.clone(),
        token,
    };
    match command {
        QueueCommand::Open { counter } => {
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
        QueueCommand::Pause { counter, reason } => {
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
        QueueCommand::Close { counter } => {
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
        QueueCommand::CallNext { counter } => {
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
        QueueCommand::Recall { counter, ticket } => {
            let id = s.current(&counter, ticket).await?;
            print_ticket(&s.act(Act::Recall, &counter, id).await?);
        }
        QueueCommand::NoShow { counter, ticket } => {
            let id = s.current(&counter, ticket).await?;
            print_ticket(&s.act(Act::NoShow, &counter, id).await?);
        }
        QueueCommand::Start { counter, ticket } => {
            let id = s.current(&counter, ticket).await?;
            print_ticket(&s.act(Act::Start, &counter, id).await?);
        }
        QueueCommand::Park { counter, ticket } => {
            let id = s.current(&counter, ticket).await?;
            print_ticket(&s.act(Act::Park, &counter, id).await?);
            println!("  tiếp tục bằng / resume with: onestop staff resume {counter} <id above>");
        }
        QueueCommand::Resume { counter, ticket } => {
            print_ticket(&s.act(Act::Resume, &counter, ticket).await?);
        }
        QueueCommand::Finish {
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
        QueueCommand::Transfer {
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
        QueueCommand::Issue {
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
        QueueCommand::Ticket { id } => {
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
        QueueCommand::Status => {
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
        QueueCommand::Stats => {
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
        QueueCommand::Board { .. } => unreachable!("handled above"),
    }
    Ok(())
}
