//! Test harness: a catalogue server on port 0 over a fresh database — SQLite by
//! default, PostgreSQL (a fresh schema per test) when `ONESTOP_TEST_POSTGRES_URL` is set.

#![allow(dead_code, unused_imports)]

use std::net::SocketAddr;

use onestop_catalogue::{CatalogueApi, Migrator};
use onestop_kit::Role;
use onestop_kit::auth::TokenKeys;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use onestop_testkit::{FreshDatabase, Spawned, spawn_grpc};
use tonic::transport::Channel;

pub use onestop_kit::client::authorized as with_token;
pub use onestop_testkit::{SECRET, backend};

pub const BASE_URL: &str = "https://ttpvhcc.muongsai.example";

pub struct TestCatalogue {
    pub addr: SocketAddr,
    pub client: CatalogueServiceClient<Channel>,
    pub keys: TokenKeys,
    server: Spawned,
    db: FreshDatabase,
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
        onestop_testkit::token("tester", role, center)
    }

    /// `message` as a request carrying a bearer token for `role`.
    pub fn as_role<T>(&self, role: Role, message: T) -> tonic::Request<T> {
        with_token(&self.token(role), message)
    }

    pub async fn stop(self) {
        self.server.stop();
        self.db.cleanup().await;
    }

    /// A second server on the same database, as another replica would be.
    pub async fn replica(&self) -> TestCatalogue {
        serve_on(self.db.share()).await
    }
}

pub async fn spawn_catalogue() -> TestCatalogue {
    serve_on(FreshDatabase::new("catalogue", 5)).await
}

async fn serve_on(db: FreshDatabase) -> TestCatalogue {
    let api = CatalogueApi::new(db.migrate::<Migrator>().await, BASE_URL);
    let keys = onestop_testkit::keys();
    let server = spawn_grpc(
        &[onestop_catalogue::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        &keys,
    )
    .await;
    TestCatalogue {
        addr: server.addr,
        client: CatalogueServiceClient::new(server.channel().await),
        keys,
        server,
        db,
    }
}
