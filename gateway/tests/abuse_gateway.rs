//! Attacks on the gateway that must fail, through a real gateway on a local port in front
//! of a small in-memory queue service served by tonic: a slow client trickling headers, a
//! client hogging connections, an idle connection, a huge body, a burst past the rate
//! limit (in process, and shared by two gateways through Redis when
//! `ONESTOP_TEST_REDIS_URL` is set), a cross-site form, pages without security headers,
//! a slow upstream, and a shutdown with a live event stream open.

mod common;

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{Reply, get, http};
use futures::{Stream, StreamExt};
use onestop_gateway::Upstreams;
use onestop_kit::config::GatewayLimits;
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use onestop_proto::queue::v1::queue_service_server::{QueueService, QueueServiceServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};

const CENTER: &str = "muong-sai";
/// A centre whose service lines take 3 s to list.
const SLOW_CENTER: &str = "slow";
const ISSUE_FORM: &str = "service_code=ho-tich&priority=&phone=&appointment_code=";

/// What the fake queue service holds.
#[derive(Default)]
struct Floor {
    tickets: Vec<pb::Ticket>,
}

#[derive(Clone, Default)]
struct Fake(Arc<Mutex<Floor>>);

impl Fake {
    fn issued(&self) -> usize {
        self.0.lock().unwrap().tickets.len()
    }

    fn issued_for(&self, center: &str) -> usize {
        let floor = self.0.lock().unwrap();
        floor
            .tickets
            .iter()
            .filter(|t| t.center_id == center)
            .count()
    }
}

type BoardStream = Pin<Box<dyn Stream<Item = Result<pb::BoardEvent, Status>> + Send>>;

/// Implements the RPCs the pages use and answers `unimplemented` for the rest.
macro_rules! queue_service {
    ({ $($body:tt)* } unimplemented { $($name:ident($req:ty) -> $resp:ty;)* }) => {
        #[tonic::async_trait]
        impl QueueService for Fake {
            $($body)*
            $(
                async fn $name(&self, _request: Request<$req>) -> Result<Response<$resp>, Status> {
                    Err(Status::unimplemented(stringify!($name)))
                }
            )*
        }
    };
}

queue_service! {
    {
        type WatchBoardStream = BoardStream;

        async fn list_centers(
            &self,
            _request: Request<pb::ListCentersRequest>,
        ) -> Result<Response<pb::ListCentersResponse>, Status> {
            Ok(Response::new(pb::ListCentersResponse {
                centers: vec![pb::Center {
                    center_id: CENTER.into(),
                    name_vi: "Trung tâm Phục vụ hành chính công xã Mường Sại".into(),
                    name_en: "Mường Sại Public Administration Service Centre".into(),
                    time_zone: "Asia/Ho_Chi_Minh".into(),
                    ..Default::default()
                }],
            }))
        }

        async fn list_service_lines(
            &self,
            request: Request<pb::ListServiceLinesRequest>,
        ) -> Result<Response<pb::ListServiceLinesResponse>, Status> {
            let center_id = request.into_inner().center_id;
            if center_id == SLOW_CENTER {
                tokio::time::sleep(Duration::from_secs(3)).await;
            }
            Ok(Response::new(pb::ListServiceLinesResponse {
                lines: vec![pb::ServiceLine {
                    center_id,
                    code: "ho-tich".into(),
                    prefix: "A".into(),
                    name_vi: "Hộ tịch".into(),
                    name_en: "Civil status".into(),
                    ..Default::default()
                }],
            }))
        }

        async fn issue_ticket(
            &self,
            request: Request<pb::IssueTicketRequest>,
        ) -> Result<Response<pb::Ticket>, Status> {
            let r = request.into_inner();
            let mut floor = self.0.lock().unwrap();
            let n = floor.tickets.len() + 1;
            let ticket = pb::Ticket {
                id: format!("tk{n:04}"),
                center_id: r.center_id,
                number: format!("A{n:03}"),
                service_code: r.service_code,
                status: pb::TicketStatus::Waiting as i32,
                position: 1,
                ..Default::default()
            };
            floor.tickets.push(ticket.clone());
            Ok(Response::new(ticket))
        }

        async fn get_ticket(
            &self,
            request: Request<pb::GetTicketRequest>,
        ) -> Result<Response<pb::Ticket>, Status> {
            let floor = self.0.lock().unwrap();
            floor
                .tickets
                .iter()
                .find(|t| t.id == request.get_ref().id)
                .cloned()
                .map(Response::new)
                .ok_or_else(|| Status::not_found("no such ticket"))
        }

        async fn cancel_ticket(
            &self,
            request: Request<pb::CancelTicketRequest>,
        ) -> Result<Response<pb::Ticket>, Status> {
            let mut floor = self.0.lock().unwrap();
            let ticket = floor
                .tickets
                .iter_mut()
                .find(|t| t.id == request.get_ref().id)
                .ok_or_else(|| Status::not_found("no such ticket"))?;
            ticket.status = pb::TicketStatus::Cancelled as i32;
            Ok(Response::new(ticket.clone()))
        }

        async fn watch_board(
            &self,
            request: Request<pb::WatchBoardRequest>,
        ) -> Result<Response<BoardStream>, Status> {
            let snapshot = pb::BoardEvent {
                center_id: request.into_inner().center_id,
                sequence: 1,
                kind: pb::BoardEventKind::Snapshot as i32,
                snapshot: Some(pb::BoardSnapshot::default()),
                ..Default::default()
            };
            // one event, then a stream that stays open like a quiet hall
            let events = futures::stream::iter([Ok(snapshot)]).chain(futures::stream::pending());
            Ok(Response::new(Box::pin(events)))
        }
    }
    unimplemented {
        upsert_center(pb::UpsertCenterRequest) -> pb::Center;
        upsert_service_line(pb::UpsertServiceLineRequest) -> pb::ServiceLine;
        list_counters(pb::ListCountersRequest) -> pb::ListCountersResponse;
        upsert_counter(pb::UpsertCounterRequest) -> pb::Counter;
        open_counter(pb::OpenCounterRequest) -> pb::Counter;
        pause_counter(pb::PauseCounterRequest) -> pb::Counter;
        close_counter(pb::CloseCounterRequest) -> pb::Counter;
        call_next(pb::CallNextRequest) -> pb::CallNextResponse;
        recall(pb::TicketActionRequest) -> pb::Ticket;
        mark_no_show(pb::TicketActionRequest) -> pb::Ticket;
        start_serving(pb::TicketActionRequest) -> pb::Ticket;
        finish_serving(pb::FinishServingRequest) -> pb::FinishServingResponse;
        transfer(pb::TransferRequest) -> pb::Ticket;
        park(pb::TicketActionRequest) -> pb::Ticket;
        resume(pb::TicketActionRequest) -> pb::Ticket;
        explain_position(pb::GetTicketRequest) -> pb::ExplainPositionResponse;
        list_slots(pb::ListSlotsRequest) -> pb::ListSlotsResponse;
        book_appointment(pb::BookAppointmentRequest) -> pb::Appointment;
        check_in(pb::CheckInRequest) -> pb::Ticket;
        queue_stats(pb::QueueStatsRequest) -> pb::QueueStatsResponse;
    }
}

/// The fake queue service on a local port.
async fn start_queue() -> (Fake, SocketAddr) {
    let fake = Fake::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = QueueServiceServer::new(fake.clone());
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener))
            .await
            .unwrap();
    });
    (fake, addr)
}

/// A gateway in front of the queue at `queue`, and its shutdown switch.
struct Gateway {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start_gateway(
    queue: SocketAddr,
    limits: GatewayLimits,
    redis_url: Option<String>,
    request_timeout_secs: u64,
) -> Gateway {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let upstreams = Upstreams {
        // nothing listens there: the home page answers 503, with its headers
        catalogue: "http://127.0.0.1:9".into(),
        queue: format!("http://{queue}"),
        limits,
        redis_url,
        request_timeout_secs,
        ..Default::default()
    };
    let serving = tokio::spawn(onestop_gateway::serve(listener, upstreams, async move {
        let _ = stopped.await;
    }));
    Gateway {
        addr,
        stop: Some(stop),
        serving,
    }
}

/// A queue and one gateway with `limits`.
async fn start(limits: GatewayLimits) -> (Fake, SocketAddr, Gateway) {
    let (fake, queue) = start_queue().await;
    let gateway = start_gateway(queue, limits, None, 0).await;
    (fake, queue, gateway)
}

async fn queue_client(queue: SocketAddr) -> QueueServiceClient<Channel> {
    QueueServiceClient::connect(format!("http://{queue}"))
        .await
        .unwrap()
}

/// Whether the queue service knows ticket `id`, asked over its gRPC API.
async fn ticket_exists(client: &mut QueueServiceClient<Channel>, id: &str) -> bool {
    match client
        .get_ticket(pb::GetTicketRequest { id: id.into() })
        .await
    {
        Ok(_) => true,
        Err(s) if s.code() == Code::NotFound => false,
        Err(s) => panic!("GetTicket {id}: {s}"),
    }
}

async fn issue(addr: SocketAddr, center: &str, headers: &[(&str, &str)]) -> Reply {
    http(
        addr,
        "POST",
        &format!("/kiosk/{center}/tickets"),
        headers,
        ISSUE_FORM,
    )
    .await
}

/// Waits, if the minute is about to turn, for the next one: a burst must fit in one
/// rate-limit window.
async fn fresh_window() {
    let second = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 60;
    if second >= 50 {
        tokio::time::sleep(Duration::from_secs(61 - second)).await;
    }
}

/// Reads from `stream` until the peer closes it (or resets it); `false` if it is still
/// open after `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 4096];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// The bytes `stream` sends within `within`, as text.
async fn read_for(stream: &mut TcpStream, within: Duration) -> String {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    String::from_utf8_lossy(&raw).into_owned()
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_disconnected() {
    let (_fake, _queue, gateway) = start(GatewayLimits {
        header_read_timeout_secs: 1,
        ..GatewayLimits::default()
    })
    .await;
    let mut stream = TcpStream::connect(gateway.addr).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // one header byte every 200 ms, for ever
    let trickle = tokio::spawn(async move {
        loop {
            for byte in b"X-Slow: aaaaaaaaaaaaaaaa\r\n" {
                if writer.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    });
    let mut buf = [0u8; 1024];
    let closed = tokio::time::timeout(Duration::from_secs(3), async {
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    let took = started.elapsed();
    trickle.abort();
    assert!(
        closed.is_ok(),
        "a client trickling headers was still connected after 3 s"
    );
    assert!(
        took >= Duration::from_millis(900),
        "closed after {took:?}, before the 1 s header timeout"
    );
    eprintln!("slow client disconnected after {took:?}");
    // a client that sends its headers at once is served as before
    assert_eq!(get(gateway.addr, "/healthz").await.status, 200);
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_one_closes() {
    let (_fake, _queue, gateway) = start(GatewayLimits {
        max_connections: 2,
        header_read_timeout_secs: 30,
        idle_timeout_secs: 30,
        ..GatewayLimits::default()
    })
    .await;
    // two clients take both slots and say nothing
    let first = TcpStream::connect(gateway.addr).await.unwrap();
    let _second = TcpStream::connect(gateway.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // a third connects (the kernel queues it) but is not served
    let mut third = TcpStream::connect(gateway.addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let early = read_for(&mut third, Duration::from_millis(1500)).await;
    assert!(
        early.is_empty(),
        "the third connection was served past the cap: {early:?}"
    );
    // one slot frees: the waiting connection is served
    let freed = Instant::now();
    drop(first);
    let reply = read_for(&mut third, Duration::from_secs(5)).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply:?}");
    assert!(reply.ends_with("ok"), "{reply:?}");
    eprintln!(
        "waiting connection served {:?} after a slot freed",
        freed.elapsed()
    );
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let (_fake, _queue, gateway) = start(GatewayLimits {
        header_read_timeout_secs: 30,
        idle_timeout_secs: 1,
        ..GatewayLimits::default()
    })
    .await;
    let mut stream = TcpStream::connect(gateway.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let started = Instant::now();
    assert!(
        closed_within(&mut stream, Duration::from_secs(4)).await,
        "an idle connection was kept for more than 4 s with idle_timeout 1 s"
    );
    eprintln!("idle connection closed after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_and_changes_nothing() {
    let (fake, queue, gateway) = start(GatewayLimits {
        body_limit_bytes: 1024,
        ..GatewayLimits::default()
    })
    .await;
    let padding = "x".repeat(4096);
    let reply = http(
        gateway.addr,
        "POST",
        &format!("/kiosk/{CENTER}/tickets"),
        &[],
        &format!("{ISSUE_FORM}&phone={padding}"),
    )
    .await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(reply.body.contains("quá lớn"), "{}", reply.body);
    assert!(reply.body.contains("too large") || reply.body.contains("larger"));
    assert_eq!(fake.issued(), 0);
    assert!(!ticket_exists(&mut queue_client(queue).await, "tk0001").await);
    // a form within the limit still issues a ticket
    assert_eq!(issue(gateway.addr, CENTER, &[]).await.status, 303);
    assert_eq!(fake.issued(), 1);
}

#[tokio::test]
async fn a_burst_past_the_per_ip_limit_gets_429_and_issues_only_the_allowed_tickets() {
    const ALLOWED: usize = 5;
    let (fake, queue, gateway) = start(GatewayLimits {
        per_ip_per_minute: ALLOWED as u32,
        ..GatewayLimits::default()
    })
    .await;
    fresh_window().await;
    let mut statuses = Vec::new();
    let mut refused = None;
    for _ in 0..ALLOWED + 4 {
        let reply = issue(gateway.addr, CENTER, &[]).await;
        statuses.push(reply.status);
        if reply.status == 429 {
            refused = Some(reply);
        }
    }
    let ok = statuses.iter().filter(|s| **s == 303).count();
    assert_eq!(ok, ALLOWED, "{statuses:?}");
    assert!(
        statuses[ALLOWED..].iter().all(|s| *s == 429),
        "{statuses:?}"
    );
    let refused = refused.unwrap();
    let retry: u64 = refused
        .header("retry-after")
        .expect("a Retry-After header")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert!(
        refused
            .body
            .contains(&format!("vui lòng thử lại sau {retry} giây")),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(&format!("Too many requests, try again in {retry} seconds")),
        "{}",
        refused.body
    );
    // what the queue service holds, asked over its API
    let mut client = queue_client(queue).await;
    assert!(ticket_exists(&mut client, &format!("tk{ALLOWED:04}")).await);
    assert!(!ticket_exists(&mut client, &format!("tk{:04}", ALLOWED + 1)).await);
    assert_eq!(fake.issued(), ALLOWED);
    // the other public actions share the client's budget; pages do not count
    let cancel = http(gateway.addr, "POST", "/t/tk0001/cancel", &[], "").await;
    assert_eq!(cancel.status, 429);
    assert_eq!(get(gateway.addr, "/kiosk/muong-sai").await.status, 200);
    assert_eq!(get(gateway.addr, "/t/tk0001").await.status, 200);
}

#[tokio::test]
async fn a_burst_on_one_centre_leaves_other_centres_alone() {
    let (fake, _queue, gateway) = start(GatewayLimits {
        per_ip_per_minute: 1000,
        per_center_per_minute: 3,
        ..GatewayLimits::default()
    })
    .await;
    fresh_window().await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(issue(gateway.addr, CENTER, &[]).await.status);
    }
    assert_eq!(statuses, [303, 303, 303, 429, 429]);
    assert_eq!(issue(gateway.addr, "another", &[]).await.status, 303);
    assert_eq!(fake.issued_for(CENTER), 3);
    assert_eq!(fake.issued_for("another"), 1);
}

#[tokio::test]
async fn two_gateways_sharing_redis_share_one_budget() {
    let Ok(url) = std::env::var("ONESTOP_TEST_REDIS_URL") else {
        eprintln!("ONESTOP_TEST_REDIS_URL is not set: the shared rate limit is not tried");
        return;
    };
    // Redis must answer: an unreachable one fails the test, it does not skip it
    let client = redis::Client::open(url.as_str()).expect("ONESTOP_TEST_REDIS_URL parses");
    let mut connection = tokio::time::timeout(
        Duration::from_secs(5),
        client.get_multiplexed_async_connection(),
    )
    .await
    .expect("Redis answers within 5 s")
    .expect("Redis at ONESTOP_TEST_REDIS_URL is reachable");
    let pong: String = redis::cmd("PING")
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(pong, "PONG");

    const ALLOWED: usize = 4;
    let limits = GatewayLimits {
        per_ip_per_minute: 10_000,
        per_center_per_minute: ALLOWED as u32,
        ..GatewayLimits::default()
    };
    let (fake, queue) = start_queue().await;
    let one = start_gateway(queue, limits.clone(), Some(url.clone()), 0).await;
    let two = start_gateway(queue, limits, Some(url), 0).await;
    // a centre no other run has counted
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let center = format!("rl-{nanos}");
    fresh_window().await;
    let mut statuses = Vec::new();
    for i in 0..10 {
        let gateway = if i % 2 == 0 { one.addr } else { two.addr };
        statuses.push(issue(gateway, &center, &[]).await.status);
    }
    let ok = statuses.iter().filter(|s| **s == 303).count();
    assert_eq!(
        ok, ALLOWED,
        "the two gateways did not share one budget: {statuses:?}"
    );
    assert_eq!(fake.issued_for(&center), ALLOWED);
    assert!(
        statuses[ALLOWED..].iter().all(|s| *s == 429),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_cross_site_form_is_refused_and_changes_nothing() {
    let (fake, queue, gateway) = start(GatewayLimits::default()).await;
    let evil = issue(gateway.addr, CENTER, &[("Origin", "http://evil.example")]).await;
    assert_eq!(evil.status, 403, "{}", evil.body);
    assert!(evil.body.contains("trang web khác"), "{}", evil.body);
    assert!(evil.body.contains("another website"), "{}", evil.body);
    let fetch_site = issue(gateway.addr, CENTER, &[("Sec-Fetch-Site", "cross-site")]).await;
    assert_eq!(fetch_site.status, 403);
    let null_origin = issue(gateway.addr, CENTER, &[("Origin", "null")]).await;
    assert_eq!(null_origin.status, 403);
    assert_eq!(fake.issued(), 0);
    assert!(!ticket_exists(&mut queue_client(queue).await, "tk0001").await);

    // the kiosk's own page posting to its own origin is served
    let own = format!("http://{}", gateway.addr);
    let same = issue(
        gateway.addr,
        CENTER,
        &[("Origin", &own), ("Sec-Fetch-Site", "same-origin")],
    )
    .await;
    assert_eq!(same.status, 303, "{}", same.body);
    assert_eq!(fake.issued(), 1);

    // another site cannot cancel it either
    let cancel = http(
        gateway.addr,
        "POST",
        "/t/tk0001/cancel",
        &[("Origin", "https://evil.example")],
        "",
    )
    .await;
    assert_eq!(cancel.status, 403);
    let ticket = queue_client(queue)
        .await
        .get_ticket(pb::GetTicketRequest {
            id: "tk0001".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ticket.status, pb::TicketStatus::Waiting as i32);

    // the payment platform's callback is server-to-server: not checked here (the
    // dossier service is not configured, so 503, not 403)
    let callback = http(
        gateway.addr,
        "POST",
        "/payments/callback",
        &[
            ("Origin", "http://evil.example"),
            ("Content-Type", "application/json"),
        ],
        "{}",
    )
    .await;
    assert_ne!(callback.status, 403);
}

fn assert_secure(reply: &Reply, path: &str, framed: bool) {
    let csp = reply
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"));
    for directive in [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{path}: {csp} lacks {directive}");
    }
    assert_eq!(
        reply.header("x-content-type-options"),
        Some("nosniff"),
        "{path}"
    );
    assert_eq!(
        reply.header("referrer-policy"),
        Some("no-referrer"),
        "{path}"
    );
    if framed {
        assert!(csp.contains("frame-ancestors 'self'"), "{path}: {csp}");
        assert_eq!(
            reply.header("x-frame-options"),
            Some("SAMEORIGIN"),
            "{path}"
        );
    } else {
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{path}");
    }
}

#[tokio::test]
async fn every_page_carries_the_security_headers_and_only_the_display_may_be_framed() {
    let (_fake, _queue, gateway) = start(GatewayLimits {
        per_ip_per_minute: 1,
        ..GatewayLimits::default()
    })
    .await;
    fresh_window().await;
    assert_eq!(issue(gateway.addr, CENTER, &[]).await.status, 303);
    for (path, framed) in [
        ("/", false),
        ("/t/tk0001", false),
        ("/kiosk/muong-sai", false),
        ("/kiosk/muong-sai/tickets/tk0001", false),
        ("/display/muong-sai", true),
        ("/no-such-page", false),
    ] {
        let reply = get(gateway.addr, path).await;
        assert_secure(&reply, path, framed);
    }
    // refusals too
    let refused = issue(gateway.addr, CENTER, &[]).await;
    assert_eq!(refused.status, 429);
    assert_secure(&refused, "a 429", false);
    let cross = issue(gateway.addr, CENTER, &[("Origin", "http://evil.example")]).await;
    assert_eq!(cross.status, 403);
    assert_secure(&cross, "a 403", false);
}

#[tokio::test]
async fn a_slow_upstream_times_out_but_the_live_board_stream_does_not() {
    let (fake, queue) = start_queue().await;
    let gateway = start_gateway(queue, GatewayLimits::default(), None, 1).await;
    drop(fake);

    // the display's event stream outlives the 1 s request timeout
    let mut stream = TcpStream::connect(gateway.addr).await.unwrap();
    stream
        .write_all(format!("GET /display/{CENTER}/events HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let started = Instant::now();
    let head = read_for(&mut stream, Duration::from_millis(2500)).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head:?}");
    assert!(head.contains("text/event-stream"), "{head:?}");
    assert!(
        head.contains("\"sequence\":1") || head.contains("id: 1") || head.contains("id:1"),
        "{head:?}"
    );
    assert!(
        !closed_within(&mut stream, Duration::from_millis(500)).await,
        "the event stream was cut after {:?}",
        started.elapsed()
    );

    // a page whose upstream call hangs gets 504 after about 1 s, not 3
    let started = Instant::now();
    let slow = get(gateway.addr, &format!("/kiosk/{SLOW_CENTER}")).await;
    let took = started.elapsed();
    assert_eq!(slow.status, 504, "{}", slow.body);
    assert!(slow.body.contains("Hết thời gian chờ"), "{}", slow.body);
    assert!(took < Duration::from_millis(2500), "{took:?}");
}

#[tokio::test]
async fn shutdown_stops_accepting_and_drains_even_with_a_live_stream_open() {
    let (_fake, queue) = start_queue().await;
    let mut gateway = start_gateway(queue, GatewayLimits::default(), None, 2).await;
    let mut stream = TcpStream::connect(gateway.addr).await.unwrap();
    stream
        .write_all(format!("GET /display/{CENTER}/events HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let head = read_for(&mut stream, Duration::from_millis(500)).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head:?}");

    let started = Instant::now();
    gateway.stop.take().unwrap().send(()).unwrap();
    let served = tokio::time::timeout(Duration::from_secs(10), &mut gateway.serving)
        .await
        .expect("serve returns after the drain time");
    served.unwrap().unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(6), "{took:?}");
    eprintln!("shutdown with a live stream open took {took:?}");
    assert!(
        closed_within(&mut stream, Duration::from_secs(2)).await,
        "the live stream was left open after shutdown"
    );
    assert!(
        TcpStream::connect(gateway.addr).await.is_err(),
        "the gateway still accepts connections after shutdown"
    );
}
