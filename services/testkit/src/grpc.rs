//! A gRPC server on a local port 0, served by `onestop_kit::server::serve` as in
//! production (health, reflection, auth, timeouts).

use std::net::SocketAddr;
use std::time::Duration;

use onestop_kit::auth::TokenKeys;
use onestop_kit::server::{ServeOptions, serve};
use onestop_kit::shutdown::{Shutdown, ShutdownTrigger};
use tonic::service::Routes;
use tonic::transport::{Channel, Endpoint};

/// A running server. Dropping it (or its `trigger`) stops it.
#[derive(Debug)]
pub struct Spawned {
    /// Where it listens.
    pub addr: SocketAddr,
    /// `http://{addr}`, as clients and upstream settings take it.
    pub url: String,
    /// Starts its graceful shutdown.
    pub trigger: ShutdownTrigger,
    /// The serving task; it ends once shutdown has drained.
    pub task: tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
}

impl Spawned {
    /// A channel to it; panics when it cannot be reached.
    pub async fn channel(&self) -> Channel {
        Endpoint::from_shared(self.url.clone())
            .expect("a valid URL")
            .connect()
            .await
            .unwrap_or_else(|e| panic!("cannot reach the test server at {}: {e}", self.url))
    }

    /// Starts its graceful shutdown.
    pub fn stop(&self) {
        self.trigger.trigger();
    }
}

/// Serves `routes` (gRPC services `service_names`, reported serving by health) on
/// 127.0.0.1 port 0, verifying tokens with `keys`, requests timing out after 30 s.
pub async fn spawn_grpc(
    service_names: &'static [&'static str],
    routes: Routes,
    keys: &TokenKeys,
) -> Spawned {
    onestop_kit::telemetry::init_for_tests();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let (trigger, shutdown) = Shutdown::new();
    let task = tokio::spawn(serve(
        service_names,
        routes,
        listener,
        shutdown.wait(),
        ServeOptions {
            request_timeout: Duration::from_secs(30),
            keys: keys.clone(),
        },
    ));
    Spawned {
        addr,
        url: format!("http://{addr}"),
        trigger,
        task,
    }
}
