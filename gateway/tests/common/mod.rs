//! The page tests' HTTP/1.1 client (`onestop_testkit::http`: one request per
//! connection, read to the end, chunked bodies joined) and the real queue service on a
//! local port ([`RealQueue`]).

#![allow(dead_code, unused_imports)]

use std::net::SocketAddr;
use std::time::Duration;

use onestop_kit::Role;
use onestop_kit::auth::TokenKeys;
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use onestop_testkit::{FreshDatabase, Spawned, spawn_grpc};
use tonic::transport::Channel;

pub use onestop_testkit::http::{Reply, dechunk, get, http};

/// Signs the tokens of [`RealQueue`]: the queue verifies them, the gateway's kiosk sends
/// one.
pub const QUEUE_SECRET: &[u8] = onestop_testkit::SECRET;

/// The service line [`RealQueue::seed_center`] gives every centre.
pub const QUEUE_LINE: &str = "ho-tich";

/// The real queue service (`onestop-queue`) over SQLite in a temporary folder, served
/// on a local port 0 (`onestop_testkit::spawn_grpc`) with the system clock; it stops
/// when this is dropped.
pub struct RealQueue {
    /// Where it listens.
    pub addr: SocketAddr,
    /// A client on it.
    pub client: QueueServiceClient<Channel>,
    /// The keys its tokens are signed with.
    pub keys: TokenKeys,
    server: Spawned,
    _db: FreshDatabase,
}

impl RealQueue {
    /// A fresh queue service with no centre yet.
    pub async fn start() -> Self {
        let db = FreshDatabase::sqlite("queue", 4);
        let store = onestop_queue::Store::new(db.migrate::<onestop_queue::Migrator>().await);
        let board = onestop_queue::Board::start(
            store.clone(),
            onestop_queue::BoardOptions {
                redis_url: None,
                namespace: "gateway-test".into(),
                catch_up_every: Duration::from_secs(1),
                ..Default::default()
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
        let keys = TokenKeys::from_secret(QUEUE_SECRET);
        let server = spawn_grpc(
            &[onestop_queue::SERVICE_NAME],
            tonic::service::Routes::new(api.into_server()),
            &keys,
        )
        .await;
        Self {
            addr: server.addr,
            client: QueueServiceClient::new(server.channel().await),
            keys,
            server,
            _db: db,
        }
    }

    /// Its gRPC address, as `Upstreams.queue` takes it.
    pub fn url(&self) -> String {
        self.server.url.clone()
    }

    /// A token of `role` for every centre.
    pub fn token(&self, role: Role) -> String {
        onestop_testkit::token("gateway-test", role, "*")
    }

    /// The kiosk token the gateway sends with IssueTicket (`Upstreams.kiosk_token`).
    pub fn kiosk_token(&self) -> String {
        self.token(Role::Kiosk)
    }

    fn admin<T>(&self, message: T) -> tonic::Request<T> {
        onestop_kit::client::authorized(&self.token(Role::Admin), message)
    }

    /// Creates centre `center_id` (default opening hours; tickets are issued at any
    /// hour) with the line [`QUEUE_LINE`] (prefix A) and counter 1 serving it, through
    /// the admin RPCs.
    pub async fn seed_center(&self, center_id: &str) {
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
            .list_service_lines(pb::ListServiceLinesRequest {
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
    pub async fn ticket(&self, id: &str) -> Option<pb::Ticket> {
        match self
            .client
            .clone()
            .get_ticket(pb::GetTicketRequest { id: id.into() })
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
