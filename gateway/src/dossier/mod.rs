//! The citizen's dossier pages, over the dossier service's gRPC API (every call here
//! needs no token):
//!
//! - `GET /d` — a box to type a dossier code, redirecting to `GET /d/{code}`;
//! - `GET /d/{code}` — the public status page the receipt's QR code opens: procedure,
//!   status, stage, dates, fees still due and, once the result is returned, the
//!   satisfaction rating. Only what `PublicDossier` carries: never a name, citizen ID,
//!   phone or address;
//! - `POST /d/{code}/pay` — asks for an online payment and redirects to the payment
//!   platform; `POST /d/{code}/rate` — the 1–5 rating;
//! - `GET /feedback`, `GET /feedback/{center}` and `POST /feedback/{center}` — the web
//!   form for citizens' feedback (phản ánh, kiến nghị);
//! - `POST /payments/callback` — the payment platform's signed callback (JSON);
//! - `GET /pay` and `POST /pay` — a demo payment platform for `onestop up`, only when
//!   [`Upstreams::payment_secret`](crate::Upstreams::payment_secret) is set.

mod feedback;
mod pages;
mod payment;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use serde::Deserialize;
use tonic::transport::{Channel, Endpoint};

use crate::Upstreams;
use pages::{FieldError, Notice, RateForm, Said, seg};

#[derive(Clone)]
struct DossierState {
    /// `None` when no dossier address is configured.
    client: Option<DossierServiceClient<Channel>>,
    /// The demo payment platform's signing secret; `None`: no demo platform.
    payment_secret: Option<Arc<[u8]>>,
}

/// The dossier routes over a lazily connected client (none when `upstreams.dossier` is
/// empty: every page then answers 503).
pub(crate) fn routes(upstreams: &Upstreams) -> Result<Router, tonic::transport::Error> {
    let client = if upstreams.dossier.trim().is_empty() {
        None
    } else {
        let channel = Endpoint::from_shared(upstreams.dossier.clone())?.connect_lazy();
        Some(DossierServiceClient::new(channel))
    };
    let state = DossierState {
        client,
        payment_secret: upstreams
            .payment_secret
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(Arc::from),
    };
    Ok(Router::new()
        .route("/d", get(lookup_page))
        .route("/d/{code}", get(dossier_page))
        .route("/d/{code}/pay", post(pay))
        .route("/d/{code}/rate", post(rate))
        .route("/feedback", get(feedback::centers_page))
        .route(
            "/feedback/{center}",
            get(feedback::form_page).post(feedback::submit),
        )
        .route("/payments/callback", post(payment::callback))
        .route("/pay", get(payment::demo_page).post(payment::demo_pay))
        .with_state(state))
}

fn not_configured() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(crate::pages::error(
            503,
            "Hệ thống quản lý hồ sơ chưa được cấu hình trên cổng này. / The dossier service is not configured on this gateway.",
        )),
    )
        .into_response()
}

fn http_status(status: &tonic::Status) -> StatusCode {
    match status.code() {
        tonic::Code::NotFound => StatusCode::NOT_FOUND,
        tonic::Code::InvalidArgument => StatusCode::BAD_REQUEST,
        tonic::Code::FailedPrecondition | tonic::Code::Aborted => StatusCode::CONFLICT,
        tonic::Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        tonic::Code::PermissionDenied => StatusCode::FORBIDDEN,
        tonic::Code::Unavailable | tonic::Code::DeadlineExceeded => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn log_failure(status: &tonic::Status, code: StatusCode) {
    if code.is_server_error() {
        tracing::warn!(code = ?status.code(), message = status.message(), "dossier service call failed");
    }
}

/// The field violations of an `INVALID_ARGUMENT`, each split into Vietnamese and
/// English; the status message when it carries none.
fn field_errors(status: &tonic::Status) -> Vec<FieldError> {
    let violations = onestop_kit::error::violations_of(status);
    if violations.is_empty() {
        return vec![FieldError {
            field: String::new(),
            said: Said::split(status.message()),
        }];
    }
    violations
        .into_iter()
        .map(|(field, description)| FieldError {
            said: Said::split(&description),
            field,
        })
        .collect()
}

/// A generic error page for a failed call.
fn status_page(status: &tonic::Status) -> Response {
    let code = http_status(status);
    log_failure(status, code);
    let said = if code.is_server_error() {
        Said::new(
            "Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau.",
            "The dossier service is unavailable; please try again later.",
        )
    } else {
        Said::split(status.message())
    };
    (
        code,
        Html(crate::pages::error(
            code.as_u16(),
            &format!("{} / {}", said.vi, said.en),
        )),
    )
        .into_response()
}

/// The page for a dossier code that LookupDossier refused: 404 for an unknown code,
/// 400 naming what is wrong with a malformed one.
fn lookup_failed(code: &str, status: &tonic::Status) -> Response {
    match status.code() {
        tonic::Code::NotFound => {
            (StatusCode::NOT_FOUND, Html(pages::unknown_code(code))).into_response()
        }
        tonic::Code::InvalidArgument => {
            let problem = field_errors(status)
                .into_iter()
                .next()
                .map(|e| e.said)
                .unwrap_or_default();
            (
                StatusCode::BAD_REQUEST,
                Html(pages::bad_code(code, &problem)),
            )
                .into_response()
        }
        _ => status_page(status),
    }
}

#[derive(Deserialize, Default)]
struct LookupQuery {
    code: Option<String>,
}

async fn lookup_page(Query(query): Query<LookupQuery>) -> Response {
    match query.code.as_deref().map(str::trim) {
        None => Html(pages::lookup("", None)).into_response(),
        Some("") => (
            StatusCode::BAD_REQUEST,
            Html(pages::lookup(
                "",
                Some(&Said::new(
                    "Vui lòng nhập mã hồ sơ in trên giấy tiếp nhận.",
                    "Please enter the dossier code printed on your receipt.",
                )),
            )),
        )
            .into_response(),
        Some(code) => Redirect::to(&format!("/d/{}", seg(code))).into_response(),
    }
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    rated: String,
}

/// The dossier's public page with `notice` and the rating form as given.
async fn render(
    client: &DossierServiceClient<Channel>,
    code: &str,
    http: StatusCode,
    notice: Option<Notice>,
    errors: &[FieldError],
    form: &RateForm,
) -> Response {
    match client
        .clone()
        .lookup_dossier(pb::LookupDossierRequest {
            code: code.to_string(),
        })
        .await
    {
        Ok(r) => {
            let dossier = r.into_inner();
            // a thank-you only for a dossier that was in fact rated
            let notice = notice.filter(|n| !matches!(n, Notice::Thanks) || dossier.rated);
            (
                http,
                Html(pages::dossier(&dossier, notice.as_ref(), errors, form)),
            )
                .into_response()
        }
        Err(s) => lookup_failed(code, &s),
    }
}

async fn dossier_page(
    State(state): State<DossierState>,
    Path(code): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    let notice = (query.rated == "1").then_some(Notice::Thanks);
    render(
        &client,
        &code,
        StatusCode::OK,
        notice,
        &[],
        &RateForm::default(),
    )
    .await
}

async fn pay(State(state): State<DossierState>, Path(code): Path<String>) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    match client
        .clone()
        .create_payment_request(pb::CreatePaymentRequestRequest {
            id: code.trim().to_string(),
        })
        .await
    {
        Ok(r) => Redirect::to(&r.into_inner().payment_url).into_response(),
        Err(s) if s.code() == tonic::Code::FailedPrecondition => {
            let notice = Notice::Problem(Said::split(s.message()));
            render(
                &client,
                &code,
                StatusCode::CONFLICT,
                Some(notice),
                &[],
                &RateForm::default(),
            )
            .await
        }
        Err(s) if s.code() == tonic::Code::NotFound => {
            (StatusCode::NOT_FOUND, Html(pages::unknown_code(&code))).into_response()
        }
        Err(s) => status_page(&s),
    }
}

/// The rating form (`application/x-www-form-urlencoded`).
#[derive(Deserialize, Debug, Default)]
struct RateFields {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

async fn rate(
    State(state): State<DossierState>,
    Path(code): Path<String>,
    Form(fields): Form<RateFields>,
) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    let kept = RateForm {
        score: fields.score.trim().to_string(),
        comment: fields.comment.clone(),
    };
    let Some(score) = fields
        .score
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|s| (1..=5).contains(s))
    else {
        let errors = [FieldError {
            field: "score".into(),
            said: Said::new(
                "Vui lòng chọn một mức từ 1 đến 5.",
                "Please choose a score from 1 to 5.",
            ),
        }];
        return render(
            &client,
            &code,
            StatusCode::BAD_REQUEST,
            None,
            &errors,
            &kept,
        )
        .await;
    };
    let result = client
        .clone()
        .rate_dossier(pb::RateDossierRequest {
            code: code.clone(),
            score,
            comment: fields.comment.trim().to_string(),
        })
        .await;
    match result {
        Ok(r) => {
            let rating = r.into_inner();
            let code = if rating.code.is_empty() {
                code
            } else {
                rating.code
            };
            Redirect::to(&format!("/d/{}?rated=1", seg(&code))).into_response()
        }
        Err(s) if s.code() == tonic::Code::InvalidArgument => {
            let errors = field_errors(&s);
            // the code itself refused (not returned yet, rated already): a conflict
            // with the dossier's state rather than a mistake in the form
            let http = if errors.iter().all(|e| e.field == "code") {
                StatusCode::CONFLICT
            } else {
                StatusCode::BAD_REQUEST
            };
            render(&client, &code, http, None, &errors, &kept).await
        }
        Err(s) if s.code() == tonic::Code::NotFound => {
            (StatusCode::NOT_FOUND, Html(pages::unknown_code(&code))).into_response()
        }
        Err(s) => status_page(&s),
    }
}
