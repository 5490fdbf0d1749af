//! The onestop gateway: public web pages in front of the gRPC services. It serves the
//! procedure catalogue: search (`/`), a procedure's public page (`/p/{code}`) and its
//! QR code (`/p/{code}/qr.svg`, `/p/{code}/qr.png`); and the queue floor: the kiosk
//! (`/kiosk/{center}`), the citizen's ticket page (`/t/{id}`) and the waiting hall's
//! display screen (`/display/{center}`, live through `/display/{center}/events`); and the
//! citizen's dossier: its public status page (`/d/{code}`, what the receipt's QR opens)
//! with online payment and the satisfaction rating, the web feedback form
//! (`/feedback/{center}`), the payment platform's callback (`/payments/callback`) and a
//! demo payment platform (`/pay`) for `onestop up`.
//!
//! Every route sits behind the guards of [`guard`]: connection cap and timeouts, request
//! timeout and body limit, security headers, a cross-site check on state-changing
//! requests and rate limits on the public actions.

mod dossier;
mod guard;
mod pages;
mod queue;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use onestop_proto::catalogue::v1 as pb;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use serde::Deserialize;
use tonic::transport::{Channel, Endpoint};

/// Where the gateway finds each service.
#[derive(Debug, Clone, Default)]
pub struct Upstreams {
    /// Catalogue gRPC address, e.g. `http://127.0.0.1:50051`.
    pub catalogue: String,
    /// Queue gRPC address, e.g. `http://127.0.0.1:50053`; empty: the queue pages answer
    /// 503 "not configured".
    pub queue: String,
    /// Dossier gRPC address, e.g. `http://127.0.0.1:50052`; empty: the dossier pages
    /// answer 503 "not configured".
    pub dossier: String,
    /// Bearer JWT (role `kiosk`) sent with the kiosk's IssueTicket calls; the queue's
    /// other calls from the gateway need none.
    pub kiosk_token: Option<String>,
    /// Shared secret of the payment callbacks' HMAC-SHA256 signature, for the demo
    /// payment platform at `/pay` (when the dossier service's provider is the gateway
    /// itself); `None`: `/pay` answers 404. Callbacks at `/payments/callback` are
    /// verified by the dossier service, not with this.
    pub payment_secret: Option<Vec<u8>>,
    /// Guards against slow and abusive clients: timeouts, body and connection limits,
    /// rate limits on the public actions.
    pub limits: onestop_kit::config::GatewayLimits,
    /// Redis shared by the replicas for the rate limits (`redis://…`); `None`: counted
    /// in this process.
    pub redis_url: Option<String>,
    /// Longest time a request may take to get its response headers, in seconds (a live
    /// event stream then flows without limit); 0: 30 s.
    pub request_timeout_secs: u64,
}

#[derive(Clone)]
struct AppState {
    catalogue: CatalogueServiceClient<Channel>,
}

/// The gateway's routes over lazily connected service clients.
pub fn router(upstreams: &Upstreams) -> Result<Router, tonic::transport::Error> {
    let channel = Endpoint::from_shared(upstreams.catalogue.clone())?.connect_lazy();
    let state = AppState {
        catalogue: CatalogueServiceClient::new(channel),
    };
    let routes = Router::new()
        .route("/", get(home))
        .route("/healthz", get(|| async { "ok" }))
        .route("/p/{code}", get(procedure_page))
        .route("/p/{code}/qr.svg", get(qr_svg))
        .route("/p/{code}/qr.png", get(qr_png))
        .with_state(state)
        .merge(queue::routes(upstreams)?)
        .merge(dossier::routes(upstreams)?);
    Ok(guard::protect(routes, upstreams))
}

/// Serves the gateway on `listener` until `shutdown` resolves, then lets open
/// connections finish (live event streams are cut after a few seconds). Connections are
/// capped and timed by `upstreams.limits` (see [`guard::listener`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    upstreams: Upstreams,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(&upstreams).map_err(std::io::Error::other)?;
    let limits = &upstreams.limits;
    let connection_limits = guard::listener::ConnectionLimits {
        header_read_timeout: Duration::from_secs(limits.header_read_timeout_secs.max(1)),
        idle_timeout: Duration::from_secs(limits.idle_timeout_secs.max(1)),
        max_connections: limits.max_connections.max(1),
        drain: guard::request_timeout(&upstreams).min(MAX_DRAIN),
    };
    tracing::info!(addr = ?listener.local_addr().ok(), "gateway listening");
    guard::listener::serve(listener, app, connection_limits, shutdown).await
}

/// Longest wait for open connections after shutdown.
const MAX_DRAIN: Duration = Duration::from_secs(10);

#[derive(Deserialize)]
struct HomeQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    field: String,
}

/// The HTTP status of a refused or failed call: the one table in kit.
pub(crate) fn http_status(status: &tonic::Status) -> StatusCode {
    StatusCode::from_u16(onestop_kit::error::http_status(status.code()))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn status_page(status: tonic::Status) -> Response {
    let code = http_status(&status);
    (code, Html(pages::error(code.as_u16(), status.message()))).into_response()
}

async fn home(State(state): State<AppState>, Query(query): Query<HomeQuery>) -> Response {
    let mut catalogue = state.catalogue.clone();
    let fields = match catalogue.list_fields(pb::ListFieldsRequest {}).await {
        Ok(r) => r.into_inner().fields,
        Err(s) => return status_page(s),
    };
    let results = if !query.q.trim().is_empty() {
        match catalogue
            .search_procedures(pb::SearchProceduresRequest {
                query: query.q.clone(),
                page_size: 50,
            })
            .await
        {
            Ok(r) => Some(r.into_inner().procedures),
            Err(s) if s.code() == tonic::Code::InvalidArgument => Some(Vec::new()),
            Err(s) => return status_page(s),
        }
    } else if !query.field.is_empty() {
        match catalogue
            .list_procedures(pb::ListProceduresRequest {
                field_code: query.field.clone(),
                page_size: 500,
                ..Default::default()
            })
            .await
        {
            Ok(r) => Some(r.into_inner().procedures),
            Err(s) => return status_page(s),
        }
    } else {
        None
    };
    Html(pages::home(
        &query.q,
        &query.field,
        &fields,
        results.as_deref(),
    ))
    .into_response()
}

async fn procedure_page(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    match state
        .catalogue
        .clone()
        .get_procedure(pb::GetProcedureRequest { code, version: 0 })
        .await
    {
        Ok(r) => Html(pages::procedure(&r.into_inner())).into_response(),
        Err(s) => status_page(s),
    }
}

async fn qr(state: AppState, code: String, format: pb::QrFormat) -> Response {
    match state
        .catalogue
        .clone()
        .get_procedure_qr(pb::GetProcedureQrRequest {
            code,
            format: format.into(),
        })
        .await
    {
        Ok(r) => {
            let r = r.into_inner();
            ([(header::CONTENT_TYPE, r.content_type)], r.data).into_response()
        }
        Err(s) => status_page(s),
    }
}

async fn qr_svg(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    qr(state, code, pb::QrFormat::Svg).await
}

async fn qr_png(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    qr(state, code, pb::QrFormat::Png).await
}
