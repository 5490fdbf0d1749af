//! Test harness: a catalogue server on port 0 over a fresh database — SQLite by
//! default, PostgreSQL (a fresh schema per test) when `ONESTOP_TEST_POSTGRES_URL` is set.

#![allow(dead_code)]

use std::net::SocketAddr;

use onestop_catalogue::{CatalogueApi, Migrator};
use onestop_kit::Role;
use onestop_kit::auth::TokenKeys;
use onestop_kit::database::{DatabaseTarget, connect_and_migrate, drop_schema};
use onestop_kit::server::{ServeOptions, serve};
use onestop_kit::shutdown::{Shutdown, ShutdownTrigger};
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use tonic::transport::Channel;

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";
pub const BASE_URL: &str = "https://ttpvhcc.muongsai.example";

pub struct TestCatalogue {
    pub addr: SocketAddr,
    pub client: CatalogueServiceClient<Channel>,
    pub keys: TokenKeys,
    trigger: ShutdownTrigger,
    target: DatabaseTarget,
    cleanup: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl TestCatalogue {
    /// A token for `role`: an admin acts for every centre (the catalogue is shared and
    /// only an all-centres admin or the province may change it); other roles for one.
    pub fn token(&self, role: Role) -> String {
        let center = if role == Role::Admin {
            "*"
        } else {
            "muong-sai"
        };
        self.keys
            .issue("tester", role, center, chrono::Duration::hours(1))
    }

    /// `message` as a request carrying a bearer token for `role`.
    pub fn as_role<T>(&self, role: Role, message: T) -> tonic::Request<T> {
        with_token(&self.token(role), message)
    }

    pub async fn stop(mut self) {
        self.trigger.trigger();
        if let Some((url, schema)) = self.cleanup.take() {
            drop_schema(&url, &schema).await.expect("drop test schema");
        }
    }
}

pub fn with_token<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

/// Which database the suite runs on.
pub fn backend() -> &'static str {
    if std::env::var("ONESTOP_TEST_POSTGRES_URL").is_ok() {
        "postgres"
    } else {
        "sqlite"
    }
}

pub async fn spawn_catalogue() -> TestCatalogue {
    onestop_kit::telemetry::init_for_tests();
    let dir = tempfile::tempdir().unwrap();
    let (target, cleanup) = match std::env::var("ONESTOP_TEST_POSTGRES_URL") {
        Ok(url) => {
            let schema = format!("catalogue_test_{}", uuid_like());
            (
                DatabaseTarget {
                    url: url.clone(),
                    schema: Some(schema.clone()),
                    max_connections: 5,
                },
                Some((url, schema)),
            )
        }
        Err(_) => (
            DatabaseTarget {
                url: format!("sqlite://{}/catalogue.db?mode=rwc", dir.path().display()),
                schema: None,
                max_connections: 5,
            },
            None,
        ),
    };
    serve_on(target, cleanup, dir).await
}

impl TestCatalogue {
    /// A second server on the same database, as another replica would be.
    pub async fn replica(&self) -> TestCatalogue {
        serve_on(self.target.clone(), None, tempfile::tempdir().unwrap()).await
    }
}

async fn serve_on(
    target: DatabaseTarget,
    cleanup: Option<(String, String)>,
    dir: tempfile::TempDir,
) -> TestCatalogue {
    let db = connect_and_migrate::<Migrator>(&target)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test database {}: {e}", target.url));
    let api = CatalogueApi::new(db, BASE_URL);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let keys = TokenKeys::from_secret(SECRET);
    let (trigger, shutdown) = Shutdown::new();
    let options = ServeOptions {
        request_timeout: std::time::Duration::from_secs(30),
        keys: keys.clone(),
    };
    tokio::spawn(serve(
        &[onestop_catalogue::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        listener,
        shutdown.wait(),
        options,
    ));
    let client = CatalogueServiceClient::connect(format!("http://{addr}"))
        .await
        .unwrap();
    TestCatalogue {
        addr,
        client,
        keys,
        trigger,
        target,
        cleanup,
        _dir: dir,
    }
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:x}{:04x}", nanos, std::process::id() & 0xffff)
}
