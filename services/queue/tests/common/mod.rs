//! Test harness: a queue server on port 0 over a fresh database — SQLite by default,
//! PostgreSQL (a fresh schema per test) when `ONESTOP_TEST_POSTGRES_URL` is set — with
//! a hand-set clock, and Redis fan-out when `ONESTOP_TEST_REDIS_URL` is set.

#![allow(dead_code)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use onestop_kit::auth::TokenKeys;
use onestop_kit::database::{DatabaseTarget, connect_and_migrate, drop_schema};
use onestop_kit::server::{ServeOptions, serve};
use onestop_kit::shutdown::{Shutdown, ShutdownTrigger};
use onestop_kit::{Clock, Role};
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use onestop_queue::{Board, BoardOptions, Migrator, QueueApi, Store};
use tonic::transport::Channel;

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";
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
    trigger: ShutdownTrigger,
    target: DatabaseTarget,
    redis: Option<String>,
    catch_up: Duration,
    namespace: String,
    cleanup: Option<(String, String)>,
    _dir: Option<std::sync::Arc<tempfile::TempDir>>,
}

pub fn backend() -> &'static str {
    if std::env::var("ONESTOP_TEST_POSTGRES_URL").is_ok() {
        "postgres"
    } else {
        "sqlite"
    }
}

pub fn redis_url() -> Option<String> {
    std::env::var("ONESTOP_TEST_REDIS_URL").ok()
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{:x}{:x}{}",
        nanos,
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A server over a fresh database; `redis` switches Redis fan-out on.
pub async fn spawn_with(redis: Option<String>, catch_up: Duration) -> TestQueue {
    onestop_kit::telemetry::init_for_tests();
    let (target, cleanup, dir) = match std::env::var("ONESTOP_TEST_POSTGRES_URL") {
        Ok(url) => {
            let schema = format!("queue_test_{}", unique());
            (
                DatabaseTarget {
                    url: url.clone(),
                    schema: Some(schema.clone()),
                    max_connections: 8,
                },
                Some((url, schema)),
                None,
            )
        }
        Err(_) => {
            let dir = tempfile::tempdir().unwrap();
            (
                DatabaseTarget {
                    url: format!("sqlite://{}/queue.db?mode=rwc", dir.path().display()),
                    schema: None,
                    max_connections: 8,
                },
                None,
                Some(std::sync::Arc::new(dir)),
            )
        }
    };
    let clock = Clock::manual(morning());
    serve_on(target, cleanup, dir, clock, redis, catch_up, unique()).await
}

/// A server over a fresh database with the default fan-out (Redis when the
/// environment says so).
pub async fn spawn() -> TestQueue {
    spawn_with(redis_url(), Duration::from_secs(1)).await
}

async fn serve_on(
    target: DatabaseTarget,
    cleanup: Option<(String, String)>,
    dir: Option<std::sync::Arc<tempfile::TempDir>>,
    clock: Clock,
    redis: Option<String>,
    catch_up: Duration,
    namespace: String,
) -> TestQueue {
    let db = connect_and_migrate::<Migrator>(&target)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test database {}: {e}", target.url));
    let store = Store::new(db);
    let board = Board::start(
        store.clone(),
        BoardOptions {
            redis_url: redis.clone(),
            namespace: namespace.clone(),
            catch_up_every: catch_up,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("board: {e}"));
    let api = QueueApi::new(store.clone(), board, clock.clone(), "https://ttpvhcc.test");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let keys = TokenKeys::from_secret(SECRET);
    let (trigger, shutdown) = Shutdown::new();
    tokio::spawn(serve(
        &[onestop_queue::SERVICE_NAME],
        tonic::service::Routes::new(api.clone().into_server()),
        listener,
        shutdown.wait(),
        ServeOptions {
            request_timeout: Duration::from_secs(30),
            keys: keys.clone(),
        },
    ));
    let client = QueueServiceClient::connect(addr.clone()).await.unwrap();
    TestQueue {
        client,
        addr,
        keys,
        clock,
        api,
        store,
        trigger,
        target,
        redis,
        catch_up,
        namespace,
        cleanup,
        _dir: dir,
    }
}

pub fn with_token<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

impl TestQueue {
    /// A second server on the same database (and Redis), sharing the clock.
    pub async fn replica(&self) -> TestQueue {
        serve_on(
            self.target.clone(),
            None,
            self._dir.clone(),
            self.clock.clone(),
            self.redis.clone(),
            self.catch_up,
            self.namespace.clone(),
        )
        .await
    }

    pub fn token(&self, role: Role, who: &str) -> String {
        self.keys
            .issue(who, role, CENTER, chrono::Duration::hours(12))
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

    pub async fn stop(mut self) {
        self.trigger.trigger();
        if let Some((url, schema)) = self.cleanup.take() {
            drop_schema(&url, &schema).await.expect("drop test schema");
        }
    }

    pub async fn stop_replica(self) {
        self.trigger.trigger();
    }
}
