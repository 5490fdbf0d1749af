//! The queue floor's public pages, over the queue service's gRPC API:
//!
//! - `GET /queue` — every centre with links to its kiosk and display screen;
//! - `GET /kiosk/{center}` — the kiosk touch screen; `POST /kiosk/{center}/tickets`
//!   issues a ticket and redirects to `GET /kiosk/{center}/tickets/{id}`, the printed
//!   ticket (80 mm) with its QR code;
//! - `GET /t/{id}` — the citizen's ticket page (what the QR opens);
//!   `POST /t/{id}/cancel` cancels it;
//! - `GET /display/{center}` — the waiting hall's screen, fed by
//!   `GET /display/{center}/events` (Server-Sent Events, resumable with `Last-Event-ID`).

mod board;
mod display;
mod labels;
mod pages;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use serde::Deserialize;
use tonic::transport::{Channel, Endpoint};
use tonic_types::StatusExt;

use crate::Upstreams;
use crate::http_status;
use pages::{CenterName, KioskError, KioskForm, seg};

#[derive(Clone)]
struct QueueState {
    /// `None` when no queue address is configured.
    client: Option<QueueServiceClient<Channel>>,
    kiosk_token: Option<Arc<str>>,
}

/// The queue routes over a lazily connected client (none when `upstreams.queue` is
/// empty: every page then answers 503).
pub(crate) fn routes(upstreams: &Upstreams) -> Result<Router, tonic::transport::Error> {
    let client = if upstreams.queue.trim().is_empty() {
        None
    } else {
        let channel = Endpoint::from_shared(upstreams.queue.clone())?.connect_lazy();
        Some(QueueServiceClient::new(channel))
    };
    let state = QueueState {
        client,
        kiosk_token: upstreams
            .kiosk_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(Arc::from),
    };
    Ok(Router::new()
        .route("/queue", get(centers_page))
        .route("/kiosk/{center}", get(kiosk_page))
        .route("/kiosk/{center}/tickets", post(issue_ticket))
        .route("/kiosk/{center}/tickets/{id}", get(printed_ticket))
        .route("/t/{id}", get(ticket_page))
        .route("/t/{id}/cancel", post(cancel_ticket))
        .route("/display/{center}", get(display_page))
        .route("/display/{center}/events", get(board_events))
        .with_state(state))
}

fn not_configured() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(crate::pages::error(
            503,
            "Hệ thống xếp hàng chưa được cấu hình trên cổng này. / The queue service is not configured on this gateway.",
        )),
    )
        .into_response()
}

fn status_page(status: &tonic::Status) -> Response {
    let code = http_status(status);
    if code.is_server_error() {
        tracing::warn!(code = ?status.code(), message = status.message(), "queue service call failed");
    }
    (
        code,
        Html(crate::pages::error(code.as_u16(), status.message())),
    )
        .into_response()
}

/// A centre's names from ListCenters; `None` if the service does not know the centre,
/// a generic name if it could not be asked.
async fn center_name(client: &QueueServiceClient<Channel>, center_id: &str) -> Option<CenterName> {
    match client.clone().list_centers(pb::ListCentersRequest {}).await {
        Ok(r) => r
            .into_inner()
            .centers
            .into_iter()
            .find(|c| c.center_id == center_id)
            .map(|c| CenterName {
                en: if c.name_en.is_empty() {
                    c.name_vi.clone()
                } else {
                    c.name_en
                },
                vi: c.name_vi,
            }),
        Err(status) => {
            tracing::debug!(code = ?status.code(), "centre names unavailable");
            Some(CenterName {
                vi: "Trung tâm Phục vụ hành chính công".into(),
                en: format!("Public Administration Service Centre · {center_id}"),
            })
        }
    }
}

/// A centre's names and service lines, or the page to answer instead.
async fn center_and_lines(
    client: &QueueServiceClient<Channel>,
    center_id: &str,
) -> Result<(CenterName, Vec<pb::ServiceLine>), Response> {
    let mut lines_client = client.clone();
    let (name, lines) = tokio::join!(
        center_name(client, center_id),
        lines_client.list_service_lines(pb::ListServiceLinesRequest {
            center_id: center_id.to_string(),
        })
    );
    let lines = lines.map_err(|s| status_page(&s))?.into_inner().lines;
    let name = name.ok_or_else(|| {
        status_page(&tonic::Status::not_found(format!(
            "Không có trung tâm `{center_id}` / no centre `{center_id}`"
        )))
    })?;
    Ok((name, lines))
}

async fn centers_page(State(state): State<QueueState>) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    match client.clone().list_centers(pb::ListCentersRequest {}).await {
        Ok(r) => Html(pages::centers(&r.into_inner().centers)).into_response(),
        Err(s) => status_page(&s),
    }
}

#[derive(Deserialize, Default)]
struct KioskQuery {
    #[serde(default)]
    print: String,
}

/// The citizen's key from a ticket's QR link (`?k=`) or the cancel form.
#[derive(Deserialize, Default)]
struct KeyParam {
    #[serde(default)]
    k: String,
}

/// The key as it may travel in a link: letters and digits only, at most 32.
fn clean_key(k: &str) -> String {
    k.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect()
}

fn autoprint(value: &str) -> bool {
    matches!(value, "1" | "true" | "yes")
}

async fn kiosk_page(
    State(state): State<QueueState>,
    Path(center): Path<String>,
    Query(query): Query<KioskQuery>,
) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    match center_and_lines(&client, &center).await {
        Ok((name, lines)) => Html(pages::kiosk(
            &center,
            &name,
            &lines,
            &KioskForm::default(),
            &[],
            autoprint(&query.print),
        ))
        .into_response(),
        Err(page) => page,
    }
}

/// The kiosk form (`application/x-www-form-urlencoded`).
#[derive(Deserialize, Debug, Default)]
struct IssueForm {
    #[serde(default)]
    service_code: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    appointment_code: String,
    #[serde(default)]
    print: String,
    /// The kiosk screen's id for this press (a double tap sends it twice).
    #[serde(default)]
    request_id: String,
}

/// What to tell the citizen at the kiosk when IssueTicket fails.
fn issue_errors(status: &tonic::Status, form: &IssueForm) -> Vec<KioskError> {
    let one = |field: &str, vi: &str, en: &str| {
        vec![KioskError {
            field: field.into(),
            vi: vi.into(),
            en: en.into(),
        }]
    };
    match status.code() {
        tonic::Code::InvalidArgument => {
            let violations = status
                .get_details_bad_request()
                .map(|b| b.field_violations)
                .unwrap_or_default();
            if violations.is_empty() {
                return one(
                    "",
                    "Thông tin chưa hợp lệ, vui lòng kiểm tra lại.",
                    status.message(),
                );
            }
            violations
                .into_iter()
                .map(|v| KioskError {
                    vi: labels::field(&v.field).2.into(),
                    en: v.description,
                    field: v.field,
                })
                .collect()
        }
        tonic::Code::NotFound if !form.appointment_code.trim().is_empty() => one(
            "appointment_code",
            "Không tìm thấy lịch hẹn với mã này.",
            status.message(),
        ),
        tonic::Code::NotFound => one(
            "service_code",
            "Không tìm thấy dịch vụ này.",
            status.message(),
        ),
        tonic::Code::FailedPrecondition | tonic::Code::Aborted => one(
            "",
            "Hiện chưa thể lấy số (ngoài giờ làm việc, hoặc lịch hẹn đã được xác nhận hay không còn hiệu lực).",
            status.message(),
        ),
        tonic::Code::Unauthenticated | tonic::Code::PermissionDenied => one(
            "",
            "Máy lấy số chưa được cấp quyền. Vui lòng báo cán bộ trung tâm.",
            &format!(
                "This kiosk is not authorised to issue tickets ({}).",
                status.message()
            ),
        ),
        _ => one(
            "",
            "Hệ thống tạm thời gián đoạn. Vui lòng thử lại hoặc báo cán bộ trung tâm.",
            &format!("The queue service is unavailable ({}).", status.message()),
        ),
    }
}

async fn issue_ticket(
    State(state): State<QueueState>,
    Path(center): Path<String>,
    Form(form): Form<IssueForm>,
) -> Response {
    let Some(client) = state.client.clone() else {
        return not_configured();
    };
    let result = match labels::priority_from_form(form.priority.trim()) {
        None => Err(tonic::Status::invalid_argument(format!(
            "`{}` is not a priority class",
            form.priority
        ))),
        Some(priority) => {
            let mut request = tonic::Request::new(pb::IssueTicketRequest {
                center_id: center.clone(),
                service_code: form.service_code.trim().to_string(),
                priority: priority as i32,
                phone: form.phone.trim().to_string(),
                appointment_code: form.appointment_code.trim().to_string(),
                request_id: form.request_id.trim().to_string(),
            });
            match authorise(&mut request, state.kiosk_token.as_deref()) {
                Ok(()) => client
                    .clone()
                    .issue_ticket(request)
                    .await
                    .map(tonic::Response::into_inner),
                Err(s) => Err(s),
            }
        }
    };
    match result {
        // the key is shown once, in the answer: it travels to the printed page in its link
        Ok(ticket) => Redirect::to(&format!(
            "/kiosk/{}/tickets/{}?k={}{}",
            seg(&center),
            seg(&ticket.id),
            seg(&ticket.citizen_key),
            if autoprint(&form.print) {
                "&print=1"
            } else {
                ""
            }
        ))
        .into_response(),
        Err(status) => {
            let mut errors = issue_errors(&status, &form);
            if status.code() == tonic::Code::InvalidArgument
                && labels::priority_from_form(form.priority.trim()).is_none()
            {
                errors = vec![KioskError {
                    field: "priority".into(),
                    vi: labels::field("priority").2.into(),
                    en: status.message().into(),
                }];
            }
            let code = http_status(&status);
            if code.is_server_error() || code == StatusCode::FORBIDDEN {
                tracing::warn!(code = ?status.code(), message = status.message(), "kiosk could not issue a ticket");
            }
            let (name, lines) = match center_and_lines(&client, &center).await {
                Ok(found) => found,
                Err(page) => return page,
            };
            let kept = KioskForm {
                priority: form.priority.clone(),
                phone: form.phone.clone(),
                appointment_code: form.appointment_code.clone(),
            };
            (
                code,
                Html(pages::kiosk(
                    &center,
                    &name,
                    &lines,
                    &kept,
                    &errors,
                    autoprint(&form.print),
                )),
            )
                .into_response()
        }
    }
}

/// Adds the kiosk's bearer token to `request`.
fn authorise<T>(request: &mut tonic::Request<T>, token: Option<&str>) -> Result<(), tonic::Status> {
    let Some(token) = token else {
        return Ok(());
    };
    if onestop_kit::client::set_bearer(request, token) {
        Ok(())
    } else {
        Err(tonic::Status::unauthenticated(
            "the configured kiosk token is not valid ASCII",
        ))
    }
}

/// The ticket's public address, or one built from the request's host when the service
/// did not give one.
fn public_url(ticket: &pb::Ticket, headers: &HeaderMap) -> String {
    if !ticket.public_url.is_empty() {
        return ticket.public_url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    format!("http://{host}/t/{}", seg(&ticket.id))
}

async fn printed_ticket(
    State(state): State<QueueState>,
    Path((center, id)): Path<(String, String)>,
    Query(query): Query<KioskQuery>,
    Query(key): Query<KeyParam>,
    headers: HeaderMap,
) -> Response {
    let key = clean_key(&key.k);
    let Some(client) = state.client else {
        return not_configured();
    };
    let ticket = match client
        .clone()
        .get_ticket(pb::GetTicketRequest { id: id.clone() })
        .await
    {
        Ok(r) => r.into_inner(),
        Err(s) => return status_page(&s),
    };
    if ticket.center_id != center {
        return status_page(&tonic::Status::not_found(format!("ticket `{id}`")));
    }
    let (name, lines) = match center_and_lines(&client, &center).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let mut url = public_url(&ticket, &headers);
    if !key.is_empty() {
        url = format!("{url}?k={key}");
    }
    Html(pages::printed_ticket(
        &center,
        &name,
        &ticket,
        &lines,
        &url,
        &key,
        autoprint(&query.print),
    ))
    .into_response()
}

/// The ticket with its explanation; without the explanation if only that failed.
async fn ticket_with_explanation(
    client: &QueueServiceClient<Channel>,
    id: &str,
) -> Result<(pb::Ticket, Option<pb::ExplainPositionResponse>), tonic::Status> {
    let explained = client
        .clone()
        .explain_position(pb::GetTicketRequest { id: id.to_string() })
        .await;
    match explained {
        Ok(r) => {
            let mut x = r.into_inner();
            if let Some(ticket) = x.ticket.take() {
                return Ok((ticket, Some(x)));
            }
        }
        Err(s)
            if matches!(
                s.code(),
                tonic::Code::NotFound | tonic::Code::InvalidArgument
            ) =>
        {
            return Err(s);
        }
        Err(s) => tracing::debug!(code = ?s.code(), "no explanation of the position"),
    }
    let ticket = client
        .clone()
        .get_ticket(pb::GetTicketRequest { id: id.to_string() })
        .await?
        .into_inner();
    Ok((ticket, None))
}

async fn render_ticket(
    client: &QueueServiceClient<Channel>,
    id: &str,
    code: StatusCode,
    notice: Option<(&str, &str)>,
    key: &str,
) -> Response {
    let (ticket, explanation) = match ticket_with_explanation(client, id).await {
        Ok(found) => found,
        Err(s) => return status_page(&s),
    };
    let lines = client
        .clone()
        .list_service_lines(pb::ListServiceLinesRequest {
            center_id: ticket.center_id.clone(),
        })
        .await
        .map(|r| r.into_inner().lines)
        .unwrap_or_default();
    (
        code,
        Html(pages::ticket(
            &ticket,
            &lines,
            explanation.as_ref(),
            notice,
            key,
        )),
    )
        .into_response()
}

async fn ticket_page(
    State(state): State<QueueState>,
    Path(id): Path<String>,
    Query(key): Query<KeyParam>,
) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    render_ticket(&client, &id, StatusCode::OK, None, &clean_key(&key.k)).await
}

async fn cancel_ticket(
    State(state): State<QueueState>,
    Path(id): Path<String>,
    Form(key): Form<KeyParam>,
) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    let key = clean_key(&key.k);
    match client
        .clone()
        .cancel_ticket(pb::CancelTicketRequest {
            id: id.clone(),
            reason: "cancelled by the citizen on the ticket page".into(),
            key: key.clone(),
        })
        .await
    {
        Ok(_) => Redirect::to(&format!("/t/{}", seg(&id))).into_response(),
        Err(s)
            if matches!(
                s.code(),
                tonic::Code::PermissionDenied | tonic::Code::Unauthenticated
            ) =>
        {
            render_ticket(
                &client,
                &id,
                StatusCode::FORBIDDEN,
                Some((
                    "Mã bảo mật không đúng: chỉ người giữ phiếu mới hủy được số này.",
                    "The key does not match: only the holder of the ticket can cancel it.",
                )),
                "",
            )
            .await
        }
        Err(s)
            if matches!(
                s.code(),
                tonic::Code::FailedPrecondition | tonic::Code::Aborted
            ) =>
        {
            render_ticket(
                &client,
                &id,
                StatusCode::CONFLICT,
                Some((
                    "Không thể hủy số này nữa (đã được phục vụ hoặc đã kết thúc).",
                    "This ticket can no longer be cancelled.",
                )),
                &key,
            )
            .await
        }
        Err(s) => status_page(&s),
    }
}

async fn display_page(State(state): State<QueueState>, Path(center): Path<String>) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    match center_and_lines(&client, &center).await {
        Ok((name, lines)) => Html(display::display(&center, &name, &lines)).into_response(),
        Err(page) => page,
    }
}

#[derive(Deserialize, Default)]
struct EventsQuery {
    after: Option<String>,
}

async fn board_events(
    State(state): State<QueueState>,
    Path(center): Path<String>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(client) = state.client else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the queue service is not configured",
        )
            .into_response();
    };
    let after = board::resume_from(&headers, query.after.as_deref());
    match client
        .clone()
        .watch_board(pb::WatchBoardRequest {
            center_id: center,
            after_sequence: after,
        })
        .await
    {
        Ok(r) => board::sse(r.into_inner()),
        // the browser would retry these for ever: answer for good
        Err(s)
            if matches!(
                s.code(),
                tonic::Code::NotFound | tonic::Code::InvalidArgument
            ) =>
        {
            (http_status(&s), s.message().to_string()).into_response()
        }
        Err(s) => {
            tracing::warn!(code = ?s.code(), message = s.message(), "board stream unavailable");
            board::retry_later(s.message())
        }
    }
}
