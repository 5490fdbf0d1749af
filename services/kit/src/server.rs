//! Server bootstrap: one function that serves a service's routes on an already-bound
//! listener with health, reflection, tracing, request timeouts, auth and a shutdown future.

use std::future::Future;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic_health::ServingStatus;

use crate::auth::{AuthInterceptor, TokenKeys};

/// What every server needs besides its routes.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Longest time one request may take.
    pub request_timeout: Duration,
    /// Keys that verify bearer tokens.
    pub keys: TokenKeys,
}

/// Reflection over every onestop proto and grpc.health.v1.
fn reflection() -> tonic_reflection::server::Builder<'static> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(onestop_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
}

/// Serves `routes` (whose gRPC service names are `service_names`) on `listener` until
/// `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    service_names: &'static [&'static str],
    routes: Routes,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    options: ServeOptions,
) -> Result<(), tonic::transport::Error> {
    let (reporter, health) = tonic_health::server::health_reporter();
    for name in service_names {
        reporter
            .set_service_status(*name, ServingStatus::Serving)
            .await;
    }
    let reflection_v1 = reflection().build_v1().expect("descriptor sets are valid");
    let reflection_v1alpha = reflection()
        .build_v1alpha()
        .expect("descriptor sets are valid");
    let addr = listener.local_addr().ok();
    // small request/response pairs: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    tracing::info!(services = ?service_names, ?addr, "grpc server listening");
    tonic::transport::Server::builder()
        .timeout(options.request_timeout)
        // long streams (display screens): find dead peers after a network blip
        .http2_keepalive_interval(Some(Duration::from_secs(20)))
        .http2_keepalive_timeout(Some(Duration::from_secs(10)))
        .trace_fn(|req| tracing::info_span!("grpc", method = %req.uri().path()))
        .layer(AuthInterceptor::new(options.keys).layer())
        .add_routes(routes)
        .add_service(health)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await
}
