//! A minimal HTTP/1.1 client for the page tests: one request per connection, read to
//! the end, chunked bodies joined; and the real queue service on a local port
//! ([`RealQueue`]).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An HTTP/1.1 response, body de-chunked.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn location(&self) -> &str {
        self.header("location").expect("a Location header")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

pub fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = std::str::from_utf8(&raw[..eol]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[eol + 2..eol + 2 + size]);
        raw = &raw[eol + 2 + size + 2..];
    }
}

/// One request over a fresh connection (`Connection: close`), read to the end. A body
/// is sent as a form unless `headers` name another Content-Type.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        }
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut raw))
        .await
        .expect("the response ends")
        .unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut reply = Reply {
        status,
        headers,
        body: String::new(),
    };
    let rest = &raw[split + 4..];
    let body = if reply
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    reply.body = String::from_utf8(body).unwrap();
    reply
}

pub async fn get(addr: SocketAddr, path: &str) -> Reply {
    http(addr, "GET", path, &[], "").await
}

/// Signs the tokens of [`RealQueue`]: the queue verifies them, the gateway's kiosk sends
/// one.
pub const QUEUE_SECRET: &[u8] = b"test-secret-test-secret-test-secret!";

/// The service line [`RealQueue::seed_center`] gives every centre.
pub const QUEUE_LINE: &str = "ho-tich";

/// The real queue service (`onestop-queue`) over SQLite in a temporary folder, served
/// by `onestop_kit::server::serve` on a local port 0 with the system clock; it stops
/// when this is dropped.
pub struct RealQueue {
    /// Where it listens.
    pub addr: SocketAddr,
    /// A client on it.
    pub client: onestop_proto::queue::v1::queue_service_client::QueueServiceClient<
        tonic::transport::Channel,
    >,
    /// The keys its tokens are signed with.
    pub keys: onestop_kit::auth::TokenKeys,
    _trigger: onestop_kit::shutdown::ShutdownTrigger,
    _dir: tempfile::TempDir,
}

impl RealQueue {
    /// A fresh queue service with no centre yet.
    pub async fn start() -> Self {
        use onestop_kit::database::{DatabaseTarget, connect_and_migrate};
        onestop_kit::telemetry::init_for_tests();
        let dir = tempfile::tempdir().unwrap();
        let target = DatabaseTarget {
            url: format!("sqlite://{}/queue.db?mode=rwc", dir.path().display()),
            schema: None,
            max_connections: 4,
        };
        let db = connect_and_migrate::<onestop_queue::Migrator>(&target)
            .await
            .unwrap();
        let store = onestop_queue::Store::new(db);
        let board = onestop_queue::Board::start(
            store.clone(),
            onestop_queue::BoardOptions {
                redis_url: None,
                namespace: "gateway-test".into(),
                catch_up_every: Duration::from_secs(1),
            },
        )
        .await
        .unwrap();
        let api = onestop_queue::QueueApi::new(
            store,
            board,
            onestop_kit::Clock::system(),
            "https://ttpvhcc.test",
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let keys = onestop_kit::auth::TokenKeys::from_secret(QUEUE_SECRET);
        let (trigger, shutdown) = onestop_kit::shutdown::Shutdown::new();
        tokio::spawn(onestop_kit::server::serve(
            &[onestop_queue::SERVICE_NAME],
            tonic::service::Routes::new(api.into_server()),
            listener,
            shutdown.wait(),
            onestop_kit::server::ServeOptions {
                request_timeout: Duration::from_secs(30),
                keys: keys.clone(),
            },
        ));
        let client = onestop_proto::queue::v1::queue_service_client::QueueServiceClient::connect(
            format!("http://{addr}"),
        )
        .await
        .unwrap();
        Self {
            addr,
            client,
            keys,
            _trigger: trigger,
            _dir: dir,
        }
    }

    /// Its gRPC address, as `Upstreams.queue` takes it.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A token of `role` for every centre.
    pub fn token(&self, role: onestop_kit::Role) -> String {
        self.keys
            .issue("gateway-test", role, "*", chrono::Duration::hours(12))
    }

    /// The kiosk token the gateway sends with IssueTicket (`Upstreams.kiosk_token`).
    pub fn kiosk_token(&self) -> String {
        self.token(onestop_kit::Role::Kiosk)
    }

    fn admin<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        let bearer = format!("Bearer {}", self.token(onestop_kit::Role::Admin));
        request
            .metadata_mut()
            .insert("authorization", bearer.parse().unwrap());
        request
    }

    /// Creates centre `center_id` (default opening hours; tickets are issued at any
    /// hour) with the line [`QUEUE_LINE`] (prefix A) and counter 1 serving it, through
    /// the admin RPCs.
    pub async fn seed_center(&self, center_id: &str) {
        use onestop_proto::queue::v1 as pb;
        let mut client = self.client.clone();
        client
            .upsert_center(self.admin(pb::UpsertCenterRequest {
                center: Some(pb::Center {
                    center_id: center_id.into(),
                    name_vi: "Trung tâm Phục vụ hành chính công xã Mường Sại".into(),
                    name_en: "Mường Sại Public Administration Service Centre".into(),
                    time_zone: "Asia/Ho_Chi_Minh".into(),
                    notify_position: 2,
                    long_wait_minutes: 30,
                    ..Default::default()
                }),
            }))
            .await
            .unwrap();
        client
            .upsert_service_line(self.admin(pb::UpsertServiceLineRequest {
                line: Some(pb::ServiceLine {
                    center_id: center_id.into(),
                    code: QUEUE_LINE.into(),
                    prefix: "A".into(),
                    name_vi: "Hộ tịch".into(),
                    name_en: "Civil status".into(),
                    ..Default::default()
                }),
            }))
            .await
            .unwrap();
        client
            .upsert_counter(self.admin(pb::UpsertCounterRequest {
                counter: Some(pb::Counter {
                    center_id: center_id.into(),
                    counter_id: "c1".into(),
                    number: 1,
                    name: "Quầy 1".into(),
                    service_codes: vec![QUEUE_LINE.into()],
                    ..Default::default()
                }),
            }))
            .await
            .unwrap();
    }

    /// Tickets waiting in `center_id`, every line together, from ListServiceLines.
    pub async fn waiting(&self, center_id: &str) -> i32 {
        self.client
            .clone()
            .list_service_lines(onestop_proto::queue::v1::ListServiceLinesRequest {
                center_id: center_id.into(),
            })
            .await
            .unwrap_or_else(|s| panic!("ListServiceLines {center_id}: {s}"))
            .into_inner()
            .lines
            .iter()
            .map(|l| l.waiting)
            .sum()
    }

    /// Ticket `id` from GetTicket; `None` if the queue does not know it.
    pub async fn ticket(&self, id: &str) -> Option<onestop_proto::queue::v1::Ticket> {
        match self
            .client
            .clone()
            .get_ticket(onestop_proto::queue::v1::GetTicketRequest { id: id.into() })
            .await
        {
            Ok(r) => Some(r.into_inner()),
            Err(s) if s.code() == tonic::Code::NotFound => None,
            Err(s) => panic!("GetTicket {id}: {s}"),
        }
    }
}

/// The ticket id and the citizen's key from the kiosk's redirect
/// (`/kiosk/{center}/tickets/{id}?k={key}`).
pub fn issued_ticket(location: &str) -> (String, String) {
    let (path, query) = location
        .split_once('?')
        .unwrap_or_else(|| panic!("no key in {location}"));
    let id = path.rsplit('/').next().unwrap().to_string();
    let key = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("k="))
        .unwrap_or_else(|| panic!("no key in {location}"))
        .to_string();
    assert!(!id.is_empty() && !key.is_empty(), "{location}");
    (id, key)
}
