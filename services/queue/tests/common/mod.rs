//! Test harness: a queue server on port 0 over a fresh database — SQLite by default,
//! PostgreSQL (a fresh schema per test) when `ONESTOP_TEST_POSTGRES_URL` is set — with
//! a hand-set clock, and Redis fan-out when `ONESTOP_TEST_REDIS_URL` is set.

#![allow(dead_code, unused_imports)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use onestop_kit::auth::TokenKeys;
use onestop_kit::{Clock, Role};
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use onestop_queue::{Board, BoardOptions, Migrator, QueueApi, Store};
use onestop_testkit::{FreshDatabase, Spawned, spawn_grpc, unique};
use tonic::transport::Channel;

pub use onestop_kit::client::authorized as with_token;
pub use onestop_testkit::{SECRET, backend, redis_url};

pub const CENTER: &str = "test-centre";

/// Thursday 26 November 2026, 08:00 in Asia/Ho_Chi_Minh.
pub fn morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap()
}

pub struct TestQueue {
    pub client: QueueServiceClient<Channel>,
    pub addr: String,
    pub keys: TokenKeys,
    pub clock: Clock,
    pub api: QueueApi,
    pub store: Store,
    server: Spawned,
    db: FreshDatabase,
    redis: Option<String>,
    catch_up: Duration,
    namespace: String,
}

/// A server over a fresh database; `redis` switches Redis fan-out on.
pub async fn spawn_with(redis: Option<String>, catch_up: Duration) -> TestQueue {
    let db = FreshDatabase::new("queue", 8);
    let clock = Clock::manual(morning());
    serve_on(db, clock, redis, catch_up, unique()).await
}

/// A server over a fresh database with the default fan-out (Redis when the
/// environment says so).
pub async fn spawn() -> TestQueue {
    spawn_with(redis_url(), Duration::from_secs(1)).await
}

async fn serve_on(
    db: FreshDatabase,
    clock: Clock,
    redis: Option<String>,
    catch_up: Duration,
    namespace: String,
) -> TestQueue {
    let store = Store::new(db.migrate::<Migrator>().await);
    let board = Board::start(
        store.clone(),
        BoardOptions {
            redis_url: redis.clone(),
            namespace: namespace.clone(),
            catch_up_every: catch_up,
            ..BoardOptions::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("board: {e}"));
    let api = QueueApi::new(store.clone(), board, clock.clone(), "https://ttpvhcc.test");
    let keys = onestop_testkit::keys();
    let server = spawn_grpc(
        &[onestop_queue::SERVICE_NAME],
        tonic::service::Routes::new(api.clone().into_server()),
        &keys,
    )
    .await;
    TestQueue {
        client: QueueServiceClient::new(server.channel().await),
        addr: server.url.clone(),
        keys,
        clock,
        api,
        store,
        server,
        db,
        redis,
        catch_up,
        namespace,
    }
}

impl TestQueue {
    /// A second server on the same database (and Redis), sharing the clock.
    pub async fn replica(&self) -> TestQueue {
        serve_on(
            self.db.share(),
            self.clock.clone(),
            self.redis.clone(),
            self.catch_up,
            self.namespace.clone(),
        )
        .await
    }

    pub fn token(&self, role: Role, who: &str) -> String {
        onestop_testkit::token(who, role, CENTER)
    }

    pub fn as_role<T>(&self, role: Role, who: &str, message: T) -> tonic::Request<T> {
        with_token(&self.token(role, who), message)
    }

    pub fn staff<T>(&self, who: &str, message: T) -> tonic::Request<T> {
        self.as_role(Role::Receptionist, who, message)
    }

    /// Centre with lines `a` (A), `b` (B); counters c1 [a, b], c2 [b, a], c3 [a].
    pub async fn seed(&self) {
        let mut c = self.client.clone();
        c.upsert_center(self.as_role(
            Role::Admin,
            "admin",
            pb::UpsertCenterRequest {
                center: Some(pb::Center {
                    center_id: CENTER.into(),
                    name_vi: "Trung tâm thử nghiệm".into(),
                    name_en: "Test centre".into(),
                    time_zone: "Asia/Ho_Chi_Minh".into(),
                    notify_position: 2,
                    long_wait_minutes: 30,
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap();
        for (code, prefix, capacity) in [("a", "A", 2), ("b", "B", 0)] {
            c.upsert_service_line(self.as_role(
                Role::Admin,
                "admin",
                pb::UpsertServiceLineRequest {
                    line: Some(pb::ServiceLine {
                        center_id: CENTER.into(),
                        code: code.into(),
                        prefix: prefix.into(),
                        name_vi: format!("Tuyến {prefix}"),
                        name_en: format!("Line {prefix}"),
                        slot_capacity: capacity,
                        ..Default::default()
                    }),
                },
            ))
            .await
            .unwrap();
        }
        for (id, number, lines) in [
            ("c1", 1, vec!["a", "b"]),
            ("c2", 2, vec!["b", "a"]),
            ("c3", 3, vec!["a"]),
        ] {
            c.upsert_counter(self.as_role(
                Role::Admin,
                "admin",
                pb::UpsertCounterRequest {
                    counter: Some(pb::Counter {
                        center_id: CENTER.into(),
                        counter_id: id.into(),
                        number,
                        name: format!("Quầy {number}"),
                        service_codes: lines.into_iter().map(String::from).collect(),
                        ..Default::default()
                    }),
                },
            ))
            .await
            .unwrap();
        }
    }

    pub async fn open(&self, counter: &str, who: &str) {
        self.client
            .clone()
            .open_counter(self.staff(
                who,
                pb::OpenCounterRequest {
                    center_id: CENTER.into(),
                    counter_id: counter.into(),
                },
            ))
            .await
            .unwrap();
    }

    pub async fn issue(
        &self,
        line: &str,
        priority: pb::PriorityClass,
    ) -> Result<pb::Ticket, tonic::Status> {
        self.client
            .clone()
            .issue_ticket(self.as_role(
                Role::Kiosk,
                "kiosk",
                pb::IssueTicketRequest {
                    center_id: CENTER.into(),
                    service_code: line.into(),
                    priority: priority as i32,
                    ..Default::default()
                },
            ))
            .await
            .map(|r| r.into_inner())
    }

    pub async fn call(
        &self,
        counter: &str,
        who: &str,
    ) -> Result<Option<pb::Ticket>, tonic::Status> {
        self.client
            .clone()
            .call_next(self.staff(
                who,
                pb::CallNextRequest {
                    center_id: CENTER.into(),
                    counter_id: counter.into(),
                },
            ))
            .await
            .map(|r| r.into_inner().ticket)
    }

    pub fn action(&self, counter: &str, ticket: &str) -> pb::TicketActionRequest {
        pb::TicketActionRequest {
            center_id: CENTER.into(),
            counter_id: counter.into(),
            ticket_id: ticket.into(),
        }
    }

    pub async fn board_seq(&self) -> i64 {
        onestop_queue::store::read::board_heads(&self.store)
            .await
            .unwrap()
            .into_iter()
            .find(|(c, _)| c == CENTER)
            .map_or(0, |(_, s)| s)
    }

    pub async fn stop(self) {
        self.server.stop();
        self.db.cleanup().await;
    }

    pub async fn stop_replica(self) {
        self.server.stop();
    }
}
