//! `onestop bench queue`: issue and call-next latency while counters call and a
//! kiosk issues at a set rate, and call → screen delivery to 100 and 1,000 watching
//! screens — each beside floors measured in the same run (a raw single-row
//! transaction on the same database, a gRPC health round trip) — then the floor's
//! invariants checked from the database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use hdrhistogram::Histogram;
use onestop_kit::auth::TokenKeys;
use onestop_kit::database::{DatabaseTarget, connect_and_migrate, drop_schema};
use onestop_kit::server::{ServeOptions, serve};
use onestop_kit::shutdown::Shutdown;
use onestop_kit::{Clock, Role};
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use onestop_queue::{Board, BoardOptions, Migrator, QueueApi, Store};
use tokio::sync::Mutex;
use tonic::transport::{Channel, Endpoint};

const CENTER: &str = "bench";
const LINES: [(&str, &str); 4] = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")];
const COUNTERS: usize = 8;
/// Tickets per second the kiosk issues while counters call.
const ISSUE_RATE: u64 = 100;

fn hist() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds")
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn line(h: &Histogram<u64>) -> String {
    format!(
        "p50 {:.3} ms  p99 {:.3} ms",
        ms(h.value_at_quantile(0.5)),
        ms(h.value_at_quantile(0.99))
    )
}

struct Bench {
    channel: Channel,
    keys: TokenKeys,
}

impl Bench {
    fn client(&self) -> QueueServiceClient<Channel> {
        QueueServiceClient::new(self.channel.clone())
    }

    fn req<T>(&self, role: Role, who: &str, message: T) -> tonic::Request<T> {
        let token = self
            .keys
            .issue(who, role, CENTER, chrono::Duration::hours(1));
        let mut r = tonic::Request::new(message);
        r.metadata_mut().insert(
            "authorization",
            format!("Bearer {token}").parse().expect("ascii"),
        );
        r
    }

    async fn issue(&self, line: &str) -> anyhow::Result<()> {
        self.client()
            .issue_ticket(self.req(
                Role::Kiosk,
                "kiosk",
                pb::IssueTicketRequest {
                    center_id: CENTER.into(),
                    service_code: line.into(),
                    ..Default::default()
                },
            ))
            .await?;
        Ok(())
    }

    /// Calls, starts and finishes one ticket at counter `i`; the call's latency, or
    /// `None` when nobody waited.
    async fn serve_one(&self, i: usize) -> anyhow::Result<Option<Duration>> {
        let staff = format!("staff{i}");
        let counter = format!("k{i}");
        let started = Instant::now();
        let called = self
            .client()
            .call_next(self.req(
                Role::Receptionist,
                &staff,
                pb::CallNextRequest {
                    center_id: CENTER.into(),
                    counter_id: counter.clone(),
                },
            ))
            .await?
            .into_inner();
        let took = started.elapsed();
        let Some(ticket) = called.ticket else {
            return Ok(None);
        };
        let action = pb::TicketActionRequest {
            center_id: CENTER.into(),
            counter_id: counter.clone(),
            ticket_id: ticket.id.clone(),
        };
        self.client()
            .start_serving(self.req(Role::Receptionist, &staff, action))
            .await?;
        self.client()
            .finish_serving(self.req(
                Role::Receptionist,
                &staff,
                pb::FinishServingRequest {
                    center_id: CENTER.into(),
                    counter_id: counter,
                    ticket_id: ticket.id,
                    outcome: "consulted".into(),
                    ..Default::default()
                },
            ))
            .await?;
        Ok(Some(took))
    }
}

async fn set_up(b: &Bench) -> anyhow::Result<()> {
    let mut c = b.client();
    c.upsert_center(b.req(
        Role::Admin,
        "admin",
        pb::UpsertCenterRequest {
            center: Some(pb::Center {
                center_id: CENTER.into(),
                name_vi: "Trung tâm đo tải".into(),
                name_en: "Bench centre".into(),
                ..Default::default()
            }),
        },
    ))
    .await?;
    for (code, prefix) in LINES {
        c.upsert_service_line(b.req(
            Role::Admin,
            "admin",
            pb::UpsertServiceLineRequest {
                line: Some(pb::ServiceLine {
                    center_id: CENTER.into(),
                    code: code.into(),
                    prefix: prefix.into(),
                    name_vi: format!("Tuyến {prefix}"),
                    ..Default::default()
                }),
            },
        ))
        .await?;
    }
    for i in 0..COUNTERS {
        c.upsert_counter(b.req(
            Role::Admin,
            "admin",
            pb::UpsertCounterRequest {
                counter: Some(pb::Counter {
                    center_id: CENTER.into(),
                    counter_id: format!("k{i}"),
                    number: i as i32 + 1,
                    name: format!("Quầy {}", i + 1),
                    service_codes: LINES.iter().map(|(c, _)| c.to_string()).collect(),
                    ..Default::default()
                }),
            },
        ))
        .await?;
        c.open_counter(b.req(
            Role::Receptionist,
            &format!("staff{i}"),
            pb::OpenCounterRequest {
                center_id: CENTER.into(),
                counter_id: format!("k{i}"),
            },
        ))
        .await?;
    }
    Ok(())
}

/// Floors: a raw single-row transaction on the same database, and a health round trip.
async fn floors(
    store: &Store,
    channel: Channel,
    n: usize,
) -> anyhow::Result<(Histogram<u64>, Histogram<u64>)> {
    use onestop_queue::store::floor_txn;
    floor_txn::prepare(store).await?;
    let mut txn_hist = hist();
    for _ in 0..n {
        let started = Instant::now();
        floor_txn::once(store).await?;
        txn_hist.record(started.elapsed().as_micros() as u64)?;
    }
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let mut health_hist = hist();
    for _ in 0..n {
        let started = Instant::now();
        health
            .check(tonic_health::pb::HealthCheckRequest {
                service: onestop_queue::SERVICE_NAME.into(),
            })
            .await?;
        health_hist.record(started.elapsed().as_micros() as u64)?;
    }
    Ok((txn_hist, health_hist))
}

/// Call → screen delivery: `screens` watchers, `calls` calls made one at a time.
async fn delivery(
    b: &Arc<Bench>,
    addr: &str,
    screens: usize,
    calls: usize,
) -> anyhow::Result<(Histogram<u64>, usize)> {
    let connections: Vec<Channel> = join_all((0..8).map(|_| async {
        Endpoint::from_shared(addr.to_string())
            .expect("address")
            .tcp_nodelay(true)
            .connect()
            .await
    }))
    .await
    .into_iter()
    .collect::<Result<_, _>>()?;
    let sent: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let results = Arc::new(Mutex::new(hist()));
    let received = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut ready = Vec::new();
    let mut handles = Vec::new();
    for s in 0..screens {
        let mut client = QueueServiceClient::new(connections[s % connections.len()].clone());
        let mut stream = client
            .watch_board(pb::WatchBoardRequest {
                center_id: CENTER.into(),
                after_sequence: 0,
            })
            .await?
            .into_inner();
        let (tx, rx) = tokio::sync::oneshot::channel();
        ready.push(rx);
        let sent = sent.clone();
        let results = results.clone();
        let received = received.clone();
        handles.push(tokio::spawn(async move {
            let mut tx = Some(tx);
            let mut seen = 0;
            let mut local = hist();
            while let Ok(Some(event)) = stream.message().await {
                if event.kind == pb::BoardEventKind::Snapshot as i32 {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(());
                    }
                    continue;
                }
                if event.kind != pb::BoardEventKind::Called as i32 {
                    continue;
                }
                if let Some(at) = *sent.lock().await {
                    local.record(at.elapsed().as_micros() as u64).ok();
                }
                received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                seen += 1;
                if seen == calls {
                    break;
                }
            }
            results.lock().await.add(&local).ok();
        }));
    }
    for r in ready {
        r.await?;
    }
    for i in 0..calls {
        b.issue(LINES[i % LINES.len()].0).await?;
        *sent.lock().await = Some(Instant::now());
        b.serve_one(i % COUNTERS).await?;
        // let the screens take the call before the next one
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for h in handles {
        tokio::time::timeout(Duration::from_secs(30), h).await??;
    }
    let h = results.lock().await.clone();
    Ok((h, received.load(std::sync::atomic::Ordering::Relaxed)))
}

async fn run_on(name: &str, target: DatabaseTarget, requests: usize) -> anyhow::Result<()> {
    println!("\n== {name}");
    let db = connect_and_migrate::<Migrator>(&target).await?;
    let store = Store::new(db);
    // a stress figure beyond what a centre's hall holds: the per-centre cap of a real
    // deployment is lifted for this in-process server only
    let board = Board::start(
        store.clone(),
        BoardOptions {
            max_watchers_per_center: 2_000,
            ..BoardOptions::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!(e))?;
    let api = QueueApi::new(
        store.clone(),
        board,
        Clock::system(),
        "http://bench.invalid",
    );
    let keys = TokenKeys::from_secret(b"bench-secret-bench-secret-bench-secret");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = format!("http://{}", listener.local_addr()?);
    let (trigger, shutdown) = Shutdown::new();
    let server = tokio::spawn(serve(
        &[onestop_queue::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        listener,
        shutdown.wait(),
        ServeOptions {
            request_timeout: Duration::from_secs(30),
            keys: keys.clone(),
        },
    ));
    let channel = Endpoint::from_shared(addr.clone())?
        .tcp_nodelay(true)
        .connect()
        .await?;
    let b = Arc::new(Bench {
        channel: channel.clone(),
        keys,
    });
    set_up(&b).await?;

    let (txn, health) = floors(&store, channel, requests).await?;
    println!("floor: raw single-row transaction   {}", line(&txn));
    println!("floor: gRPC health round trip       {}", line(&health));

    let mut issue = hist();
    for i in 0..requests {
        let started = Instant::now();
        b.issue(LINES[i % LINES.len()].0).await?;
        issue.record(started.elapsed().as_micros() as u64)?;
    }
    println!(
        "IssueTicket (sequential)            {}   ({:.2}x the transaction p99)",
        line(&issue),
        issue.value_at_quantile(0.99) as f64 / txn.value_at_quantile(0.99) as f64
    );

    // counters call while the kiosk keeps issuing at a set rate
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let issuer = {
        let b = b.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / ISSUE_RATE));
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tick.tick().await;
                if b.issue(LINES[i % LINES.len()].0).await.is_err() {
                    break;
                }
                i += 1;
            }
            i
        })
    };
    let started = Instant::now();
    let calls: Vec<anyhow::Result<(Histogram<u64>, usize)>> = join_all((0..COUNTERS).map(|i| {
        let b = b.clone();
        async move {
            let mut h = hist();
            let mut served = 0;
            while served < requests / COUNTERS {
                match b.serve_one(i).await? {
                    Some(took) => {
                        h.record(took.as_micros() as u64)?;
                        served += 1;
                    }
                    None => tokio::time::sleep(Duration::from_millis(2)).await,
                }
            }
            Ok((h, served))
        }
    }))
    .await;
    let elapsed = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let issued_meanwhile = issuer.await?;
    let mut call = hist();
    let mut served = 0;
    for r in calls {
        let (h, n) = r?;
        call.add(&h)?;
        served += n;
    }
    println!(
        "CallNext, {COUNTERS} counters concurrently   {}   ({:.2}x the transaction p99)",
        line(&call),
        call.value_at_quantile(0.99) as f64 / txn.value_at_quantile(0.99) as f64
    );
    println!(
        "  throughput: {served} citizens called+started+finished in {:.2} s = {:.0}/s ({:.0} calls/s); kiosk issued {issued_meanwhile} meanwhile at {ISSUE_RATE}/s",
        elapsed.as_secs_f64(),
        served as f64 / elapsed.as_secs_f64(),
        served as f64 / elapsed.as_secs_f64(),
    );

    // one counter alone, with the backlog the busy phase left: the call's own cost
    let backlog: i32 = onestop_queue::store::floor::counts_now(&store.db, CENTER)
        .await?
        .values()
        .sum();
    let mut alone = hist();
    for i in 0..(requests / 5).max(10) {
        b.issue(LINES[i % LINES.len()].0).await?;
        if let Some(took) = b.serve_one(0).await? {
            alone.record(took.as_micros() as u64)?;
        }
    }
    println!(
        "CallNext, one counter, {backlog:>4} waiting {}   ({:.2}x the transaction p99)",
        line(&alone),
        alone.value_at_quantile(0.99) as f64 / txn.value_at_quantile(0.99) as f64
    );

    for screens in [100usize, 1000] {
        let calls = 100;
        let (h, received) = delivery(&b, &addr, screens, calls).await?;
        println!(
            "call → screen, {screens:>4} screens        {}   ({received} deliveries of {} expected)",
            line(&h),
            screens * calls
        );
    }

    let audit = onestop_queue::store::audit::audit(&store, CENTER).await?;
    println!(
        "invariants: {} tickets, {} calls, {} board events — double calls {}, number gaps {}, sequence gaps {}, counters holding two {} => {}",
        audit.tickets,
        audit.calls,
        audit.events,
        audit.double_calls.len(),
        audit.number_gaps.len(),
        audit.sequence_gaps.len(),
        audit.busy_counters.len(),
        if audit.ok() { "OK" } else { "VIOLATED" }
    );
    trigger.trigger();
    let _ = server.await;
    anyhow::ensure!(audit.ok(), "queue invariants violated: {audit:?}");
    Ok(())
}

/// Runs the queue bench on SQLite and, when given, PostgreSQL.
pub async fn run(requests: usize, postgres_url: Option<String>) -> anyhow::Result<()> {
    println!(
        "onestop bench queue: {requests} requests per measurement, {COUNTERS} counters, {} lines",
        LINES.len()
    );
    let dir = tempfile::tempdir()?;
    run_on(
        "SQLite",
        DatabaseTarget {
            url: format!("sqlite://{}/queue.db?mode=rwc", dir.path().display()),
            schema: None,
            max_connections: 10,
        },
        requests,
    )
    .await?;
    if let Some(url) = postgres_url {
        let schema = format!("queue_bench_{}", std::process::id());
        let result = run_on(
            "PostgreSQL",
            DatabaseTarget {
                url: url.clone(),
                schema: Some(schema.clone()),
                max_connections: 10,
            },
            requests,
        )
        .await;
        drop_schema(&url, &schema).await?;
        result?;
    }
    Ok(())
}
