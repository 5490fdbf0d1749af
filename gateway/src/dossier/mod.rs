//! The citizen's dossier pages, over the dossier service's gRPC API (every call here
//! needs no token):
//!
//! - `GET /d` — a box to type a dossier code, redirecting to `GET /d/{code}`;
//! - `GET /d/{code}` — the public status page: procedure, status, stage, dates, fees
//!   still due. Only what `PublicDossier` carries: never a name, citizen ID, phone or
//!   address. The code alone shows the status only; where an action would be (paying,
//!   rating) the page asks for the key printed on the receipt;
//! - `GET /d/{code}?k=KEY` — what the receipt's QR code opens: the same page, the key
//!   carried (hidden) into the pay button, the rating form and the feedback link;
//! - `POST /d/{code}/pay` — asks for an online payment (with the key `k`) and redirects
//!   to the payment platform; `POST /d/{code}/rate` — the 1–5 rating (with `k`); a
//!   missing or wrong key is 403 and the page asks for it;
//! - `GET /feedback`, `GET /feedback/{center}` and `POST /feedback/{center}` — the web
//!   form for citizens' feedback (phản ánh, kiến nghị); feedback about a dossier needs
//!   its key;
//! - `POST /payments/callback` — the payment platform's signed callback (JSON);
//! - `GET /pay` and `POST /pay` — a demo payment platform for `onestop up`, only when
//!   [`Upstreams::payment_secret`](crate::Upstreams::payment_secret) is set.

mod feedback;
mod pages;
mod payment;

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use serde::Deserialize;
use tonic::transport::{Channel, Endpoint};

use crate::Upstreams;
use crate::http_status;
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
    /// The citizen's key, from the receipt's QR link or typed in.
    #[serde(default)]
    k: String,
}

/// The key as sent, trimmed; empty when it cannot be a key (too long).
fn key_of(text: &str) -> String {
    let key = text.trim();
    if key.chars().count() > onestop_kit::limits::CITIZEN_KEY {
        String::new()
    } else {
        key.to_string()
    }
}

/// The key problem of a refused action, to show with the form asking for the key.
fn key_refused(status: &tonic::Status) -> Notice {
    let said = Said::split(status.message());
    let sentence = |text: &str| {
        let mut chars = text.trim().trim_end_matches('.').chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect::<String>())
            .unwrap_or_default()
    };
    Notice::Problem(Said::new(
        format!(
            "{}. Vui lòng nhập mã bảo mật in trên phiếu hẹn.",
            sentence(&said.vi)
        ),
        format!(
            "{}. Please enter the key printed on your receipt.",
            sentence(&said.en)
        ),
    ))
}

/// The dossier's public page with `notice`, the rating form as given, and the
/// citizen's key (empty: the page asks for it where an action would be).
async fn render(
    client: &DossierServiceClient<Channel>,
    code: &str,
    http: StatusCode,
    notice: Option<Notice>,
    errors: &[FieldError],
    form: &RateForm,
    key: &str,
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
                Html(pages::dossier(&dossier, notice.as_ref(), errors, form, key)),
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
        &key_of(&query.k),
    )
    .await
}

/// The pay button's form: the citizen's key.
#[derive(Deserialize, Debug, Default)]
struct PayFields {
    #[serde(default)]
    k: String,
}

async fn pay(
    State(state): State<DossierState>,
    Path(code): Path<String>,
    fields: Result<Form<PayFields>, FormRejection>,
) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    // a bare POST (no form) is a request without the key
    let key = fields.map(|Form(f)| key_of(&f.k)).unwrap_or_default();
    match client
        .clone()
        .create_payment_request(pb::CreatePaymentRequestRequest {
            id: code.trim().to_string(),
            key: key.clone(),
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
                &key,
            )
            .await
        }
        Err(s) if s.code() == tonic::Code::PermissionDenied => {
            render(
                &client,
                &code,
                StatusCode::FORBIDDEN,
                Some(key_refused(&s)),
                &[],
                &RateForm::default(),
                "",
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
    /// The citizen's key (hidden in the form).
    #[serde(default)]
    k: String,
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
    let key = key_of(&fields.k);
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
            &key,
        )
        .await;
    };
    let result = client
        .clone()
        .rate_dossier(pb::RateDossierRequest {
            code: code.clone(),
            score,
            comment: fields.comment.trim().to_string(),
            key: key.clone(),
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
            Redirect::to(&format!("/d/{}?rated=1&k={}", seg(&code), seg(&key))).into_response()
        }
        Err(s) if s.code() == tonic::Code::PermissionDenied => {
            render(
                &client,
                &code,
                StatusCode::FORBIDDEN,
                Some(key_refused(&s)),
                &[],
                &kept,
                "",
            )
            .await
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
            render(&client, &code, http, None, &errors, &kept, &key).await
        }
        Err(s) if s.code() == tonic::Code::NotFound => {
            (StatusCode::NOT_FOUND, Html(pages::unknown_code(&code))).into_response()
        }
        Err(s) => status_page(&s),
    }
}
