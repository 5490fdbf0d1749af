//! The gateway's guards against abusive clients:
//!
//! - [`listener`]: the accept loop — a connection cap, header-read and idle timeouts, the
//!   client's address for the rate limits, a graceful shutdown that drains;
//! - [`protect`]: the layers around every route — security headers ([`headers`]), a
//!   request timeout (to the response's headers, so a live event stream is not cut), a
//!   body limit, the cross-site check ([`origin`]) and the rate limits on the public
//!   actions ([`rate_limit`], which requests count: [`actions`]; who the client is behind
//!   trusted proxies: [`proxies`]);
//! - [`refusals`]: the pages a refused request gets.

pub(crate) mod actions;
pub(crate) mod headers;
pub(crate) mod listener;
pub(crate) mod origin;
pub(crate) mod proxies;
pub(crate) mod rate_limit;
pub(crate) mod redis_store;
pub(crate) mod refusals;
pub(crate) mod windows;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::Upstreams;
use rate_limit::{Limiter, Verdict};

/// Longest a request may take to get its response headers when
/// [`Upstreams::request_timeout_secs`] is 0.
pub(crate) const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The request timeout `upstreams` asks for.
pub(crate) fn request_timeout(upstreams: &Upstreams) -> Duration {
    match upstreams.request_timeout_secs {
        0 => DEFAULT_REQUEST_TIMEOUT,
        secs => Duration::from_secs(secs),
    }
}

/// Wraps `router` in the guards, outermost first: security headers on every response
/// (refusals included), the request timeout (504 when the response headers are not ready
/// in time; the body, such as the display's event stream, is not timed), the body limit
/// (413), then the cross-site check (403) and the rate limits (429).
pub(crate) fn protect(router: Router, upstreams: &Upstreams) -> Router {
    let limits = &upstreams.limits;
    let limiter = Arc::new(Limiter::new(limits, upstreams.redis_url.as_deref()));
    router
        .layer(middleware::from_fn_with_state(limiter, check))
        .layer(RequestBodyLimitLayer::new(limits.body_limit_bytes.max(1)))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            request_timeout(upstreams),
        ))
        .layer(middleware::from_fn(headers::secure))
}

/// The cross-site check, then the rate limits of the public action `request` is, if any.
async fn check(State(limiter): State<Arc<Limiter>>, request: Request, next: Next) -> Response {
    if let Some(refusal) = origin::refuse(&request) {
        return refusal;
    }
    if let Some(action) = actions::classify(request.method(), request.uri()) {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        let ip = limiter.client_ip(peer, request.headers());
        if let Verdict::Refused { retry_after_secs } =
            limiter.admit(ip, action.center.as_deref()).await
        {
            tracing::debug!(
                ip = ?ip,
                peer = ?peer,
                center = action.center.as_deref().unwrap_or(""),
                path = request.uri().path(),
                retry_after_secs,
                "rate limit: request refused"
            );
            return refusals::too_many_requests(retry_after_secs);
        }
    }
    next.run(request).await
}
