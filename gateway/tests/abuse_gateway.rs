//! Attacks on the gateway that must fail, through a real gateway on a local port in front
//! of the real queue service (`onestop-queue` over SQLite in a temporary folder, served on
//! another local port: `common::RealQueue`): a slow client trickling headers, a client
//! hogging connections, an idle connection, a huge body, a burst past the rate limit (in
//! process, and shared by two gateways through Redis when `ONESTOP_TEST_REDIS_URL` is
//! set), a forged `X-Forwarded-For` (believed only from a trusted proxy), a cross-site
//! form, pages without security headers, a slow upstream (a listener that accepts and
//! never answers) and a shutdown with a live event stream open. What an attack changed,
//! or did not, is asked of the queue over its gRPC API.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{RealQueue, Reply, get, http, issued_ticket};
use onestop_gateway::Upstreams;
use onestop_kit::config::GatewayLimits;
use onestop_proto::queue::v1 as pb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CENTER: &str = "muong-sai";
/// A second centre, for the per-centre budget.
const OTHER_CENTER: &str = "another";
const ISSUE_FORM: &str = "service_code=ho-tich&priority=&phone=&appointment_code=";

/// A real queue with [`CENTER`] seeded.
async fn start_queue() -> RealQueue {
    let queue = RealQueue::start().await;
    queue.seed_center(CENTER).await;
    queue
}

/// A gateway's settings in front of `queue`, its kiosk token signed with the queue's
/// secret.
fn upstreams(queue: &RealQueue, limits: GatewayLimits) -> Upstreams {
    Upstreams {
        // nothing listens there: the home page answers 503, with its headers
        catalogue: "http://127.0.0.1:9".into(),
        queue: queue.url(),
        kiosk_token: Some(queue.kiosk_token()),
        limits,
        ..Default::default()
    }
}

/// A gateway on a local port, and its shutdown switch.
struct Gateway {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn serve_gateway(upstreams: Upstreams) -> Gateway {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(onestop_gateway::serve(listener, upstreams, async move {
        let _ = stopped.await;
    }));
    Gateway {
        addr,
        stop: Some(stop),
        serving,
    }
}

/// A queue and one gateway with `limits` in front of it.
async fn start(limits: GatewayLimits) -> (RealQueue, Gateway) {
    let queue = start_queue().await;
    let gateway = serve_gateway(upstreams(&queue, limits)).await;
    (queue, gateway)
}

/// An upstream that hangs: it accepts connections and never answers (nor closes them).
async fn hanging_upstream() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    addr
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

/// The ticket a kiosk POST issued (its id and the citizen's key), from its redirect.
fn issued(reply: &Reply) -> (String, String) {
    assert_eq!(reply.status, 303, "{}", reply.body);
    issued_ticket(reply.location())
}

/// The status of ticket `id`, asked of the queue over gRPC.
async fn status_of(queue: &RealQueue, id: &str) -> pb::TicketStatus {
    queue
        .ticket(id)
        .await
        .unwrap_or_else(|| panic!("the queue does not know ticket {id}"))
        .status()
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
    let (_queue, gateway) = start(GatewayLimits {
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
    let (_queue, gateway) = start(GatewayLimits {
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
    let (_queue, gateway) = start(GatewayLimits {
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
    let (queue, gateway) = start(GatewayLimits {
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
    assert_eq!(queue.waiting(CENTER).await, 0);
    // a form within the limit still issues a ticket
    let (id, _key) = issued(&issue(gateway.addr, CENTER, &[]).await);
    assert_eq!(status_of(&queue, &id).await, pb::TicketStatus::Waiting);
    assert_eq!(queue.waiting(CENTER).await, 1);
}

#[tokio::test]
async fn a_burst_past_the_per_ip_limit_gets_429_and_issues_only_the_allowed_tickets() {
    const ALLOWED: usize = 5;
    let (queue, gateway) = start(GatewayLimits {
        per_ip_per_minute: ALLOWED as u32,
        ..GatewayLimits::default()
    })
    .await;
    fresh_window().await;
    let mut statuses = Vec::new();
    let mut tickets = Vec::new();
    let mut refused = None;
    for _ in 0..ALLOWED + 4 {
        let reply = issue(gateway.addr, CENTER, &[]).await;
        statuses.push(reply.status);
        match reply.status {
            303 => tickets.push(issued(&reply)),
            429 => refused = Some(reply),
            _ => {}
        }
    }
    assert_eq!(tickets.len(), ALLOWED, "{statuses:?}");
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
    // what the queue service holds, asked over its API: the allowed tickets, no more
    assert_eq!(queue.waiting(CENTER).await, ALLOWED as i32);
    for (id, _) in &tickets {
        assert_eq!(status_of(&queue, id).await, pb::TicketStatus::Waiting);
    }
    // the other public actions share the client's budget (a cancel with the right key
    // is refused and cancels nothing); pages do not count
    let (id, key) = &tickets[0];
    let cancel = http(
        gateway.addr,
        "POST",
        &format!("/t/{id}/cancel"),
        &[],
        &format!("k={key}"),
    )
    .await;
    assert_eq!(cancel.status, 429);
    assert_eq!(status_of(&queue, id).await, pb::TicketStatus::Waiting);
    assert_eq!(get(gateway.addr, "/kiosk/muong-sai").await.status, 200);
    assert_eq!(
        get(gateway.addr, &format!("/t/{id}?k={key}")).await.status,
        200
    );
}

#[tokio::test]
async fn a_burst_on_one_centre_leaves_other_centres_alone() {
    let (queue, gateway) = start(GatewayLimits {
        per_ip_per_minute: 1000,
        per_center_per_minute: 3,
        ..GatewayLimits::default()
    })
    .await;
    queue.seed_center(OTHER_CENTER).await;
    fresh_window().await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(issue(gateway.addr, CENTER, &[]).await.status);
    }
    assert_eq!(statuses, [303, 303, 303, 429, 429]);
    assert_eq!(issue(gateway.addr, OTHER_CENTER, &[]).await.status, 303);
    assert_eq!(queue.waiting(CENTER).await, 3);
    assert_eq!(queue.waiting(OTHER_CENTER).await, 1);
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
    let queue = RealQueue::start().await;
    // a centre no other run has counted
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let center = format!("rl-{nanos}");
    queue.seed_center(&center).await;
    let one = serve_gateway(Upstreams {
        redis_url: Some(url.clone()),
        ..upstreams(&queue, limits.clone())
    })
    .await;
    let two = serve_gateway(Upstreams {
        redis_url: Some(url),
        ..upstreams(&queue, limits)
    })
    .await;
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
    assert_eq!(queue.waiting(&center).await, ALLOWED as i32);
    assert!(
        statuses[ALLOWED..].iter().all(|s| *s == 429),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_forwarded_for_header_names_the_client_only_from_a_trusted_proxy() {
    let queue = start_queue().await;
    let limits = |trusted: &[&str]| GatewayLimits {
        per_ip_per_minute: 2,
        trusted_proxies: trusted.iter().map(|t| t.to_string()).collect(),
        ..GatewayLimits::default()
    };

    // this test's address (127.0.0.1) is not a trusted proxy: a client that forges a new
    // X-Forwarded-For on every request still spends its own budget
    let direct = serve_gateway(upstreams(&queue, limits(&["10.0.0.0/8"]))).await;
    fresh_window().await;
    let mut statuses = Vec::new();
    for i in 1..=4 {
        let forged = format!("203.0.113.{i}");
        statuses.push(
            issue(direct.addr, CENTER, &[("X-Forwarded-For", &forged)])
                .await
                .status,
        );
    }
    assert_eq!(
        statuses,
        [303, 303, 429, 429],
        "a forged X-Forwarded-For escaped the limit"
    );
    assert_eq!(queue.waiting(CENTER).await, 2);

    // behind a trusted proxy (this test's address, and a balancer network), each client
    // the proxy forwards for has its own budget
    let proxied = serve_gateway(upstreams(&queue, limits(&["127.0.0.0/8", "10.0.0.0/8"]))).await;
    fresh_window().await;
    let mut statuses = Vec::new();
    for forwarded in [
        Some("203.0.113.7"),
        Some("203.0.113.7"),
        Some("203.0.113.7"),
        // another client: its own budget
        Some("203.0.113.8"),
        Some("203.0.113.8"),
        // the first client forging an address to the left of the one the proxy wrote
        Some("198.51.100.1, 203.0.113.7"),
        // the second client through one more trusted hop
        Some("203.0.113.8, 10.1.2.3"),
        // a request from the proxy itself, forwarding for nobody
        None,
    ] {
        let headers: Vec<(&str, &str)> = forwarded
            .map(|f| ("X-Forwarded-For", f))
            .into_iter()
            .collect();
        statuses.push(issue(proxied.addr, CENTER, &headers).await.status);
    }
    assert_eq!(statuses, [303, 303, 429, 303, 303, 429, 429, 303]);
    assert_eq!(queue.waiting(CENTER).await, 2 + 5);
}

#[tokio::test]
async fn a_cross_site_form_is_refused_and_changes_nothing() {
    let (queue, gateway) = start(GatewayLimits::default()).await;
    let evil = issue(gateway.addr, CENTER, &[("Origin", "http://evil.example")]).await;
    assert_eq!(evil.status, 403, "{}", evil.body);
    assert!(evil.body.contains("trang web khác"), "{}", evil.body);
    assert!(evil.body.contains("another website"), "{}", evil.body);
    let fetch_site = issue(gateway.addr, CENTER, &[("Sec-Fetch-Site", "cross-site")]).await;
    assert_eq!(fetch_site.status, 403);
    let null_origin = issue(gateway.addr, CENTER, &[("Origin", "null")]).await;
    assert_eq!(null_origin.status, 403);
    assert_eq!(queue.waiting(CENTER).await, 0);

    // the kiosk's own page posting to its own origin is served
    let own = format!("http://{}", gateway.addr);
    let same = issue(
        gateway.addr,
        CENTER,
        &[("Origin", &own), ("Sec-Fetch-Site", "same-origin")],
    )
    .await;
    let (id, key) = issued(&same);
    assert_eq!(queue.waiting(CENTER).await, 1);

    // another site cannot cancel it either, even with the ticket's key
    let cancel_path = format!("/t/{id}/cancel");
    let cancel = http(
        gateway.addr,
        "POST",
        &cancel_path,
        &[("Origin", "https://evil.example")],
        &format!("k={key}"),
    )
    .await;
    assert_eq!(cancel.status, 403);
    assert_eq!(status_of(&queue, &id).await, pb::TicketStatus::Waiting);
    assert_eq!(queue.waiting(CENTER).await, 1);
    // the same cancel from the ticket page's own origin goes through
    let own_cancel = http(
        gateway.addr,
        "POST",
        &cancel_path,
        &[("Origin", &own)],
        &format!("k={key}"),
    )
    .await;
    assert_eq!(own_cancel.status, 303, "{}", own_cancel.body);
    assert_eq!(status_of(&queue, &id).await, pb::TicketStatus::Cancelled);

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
    let (_queue, gateway) = start(GatewayLimits {
        per_ip_per_minute: 1,
        ..GatewayLimits::default()
    })
    .await;
    fresh_window().await;
    let (id, key) = issued(&issue(gateway.addr, CENTER, &[]).await);
    for (path, framed, status) in [
        ("/".to_string(), false, 503),
        (format!("/t/{id}?k={key}"), false, 200),
        ("/kiosk/muong-sai".to_string(), false, 200),
        (format!("/kiosk/muong-sai/tickets/{id}?k={key}"), false, 200),
        ("/display/muong-sai".to_string(), true, 200),
        ("/no-such-page".to_string(), false, 404),
    ] {
        let reply = get(gateway.addr, &path).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
        assert_secure(&reply, &path, framed);
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
    let queue = start_queue().await;
    let hanging = hanging_upstream().await;
    // the queue is real; the catalogue hangs
    let gateway = serve_gateway(Upstreams {
        catalogue: format!("http://{hanging}"),
        request_timeout_secs: 1,
        ..upstreams(&queue, GatewayLimits::default())
    })
    .await;
    // one citizen waits before the screen connects
    issued(&issue(gateway.addr, CENTER, &[]).await);

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
    assert!(head.contains("\"kind\":\"snapshot\""), "{head:?}");
    assert!(head.contains("\"ho-tich\":1"), "{head:?}");
    // still live after the timeout: a ticket issued now reaches the screen
    issued(&issue(gateway.addr, CENTER, &[]).await);
    let live = read_for(&mut stream, Duration::from_millis(1500)).await;
    assert!(
        live.contains("\"kind\":\"waiting_changed\"") && live.contains("\"ho-tich\":2"),
        "no live event {:?} after the stream opened: {live:?}",
        started.elapsed()
    );
    assert!(
        !closed_within(&mut stream, Duration::from_millis(500)).await,
        "the event stream was cut after {:?}",
        started.elapsed()
    );

    // a page whose upstream call hangs gets 504 after about 1 s
    let started = Instant::now();
    let slow = get(gateway.addr, "/").await;
    let took = started.elapsed();
    assert_eq!(slow.status, 504, "{}", slow.body);
    assert!(slow.body.contains("Hết thời gian chờ"), "{}", slow.body);
    assert!(took < Duration::from_millis(2500), "{took:?}");

    // so does the kiosk page of a gateway whose queue hangs
    let stuck = serve_gateway(Upstreams {
        queue: format!("http://{hanging}"),
        request_timeout_secs: 1,
        ..upstreams(&queue, GatewayLimits::default())
    })
    .await;
    let started = Instant::now();
    let slow = get(stuck.addr, &format!("/kiosk/{CENTER}")).await;
    let took = started.elapsed();
    assert_eq!(slow.status, 504, "{}", slow.body);
    assert!(slow.body.contains("Hết thời gian chờ"), "{}", slow.body);
    assert!(took < Duration::from_millis(2500), "{took:?}");
    eprintln!("a hanging upstream answered 504 after {took:?}");
}

#[tokio::test]
async fn shutdown_stops_accepting_and_drains_even_with_a_live_stream_open() {
    let queue = start_queue().await;
    let mut gateway = serve_gateway(Upstreams {
        request_timeout_secs: 2,
        ..upstreams(&queue, GatewayLimits::default())
    })
    .await;
    let mut stream = TcpStream::connect(gateway.addr).await.unwrap();
    stream
        .write_all(format!("GET /display/{CENTER}/events HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let head = read_for(&mut stream, Duration::from_millis(1000)).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head:?}");
    assert!(head.contains("\"kind\":\"snapshot\""), "{head:?}");

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
