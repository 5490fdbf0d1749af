//! The web form for citizens' feedback (phản ánh, kiến nghị): SubmitFeedback on the
//! `web` channel, which needs no token; feedback about a dossier needs the key printed
//! on its receipt (carried from the dossier page's link, or typed in).

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use serde::Deserialize;
use tonic::transport::Channel;

use super::pages::{self, FeedbackForm, FieldError, Said};
use super::{DossierState, field_errors, not_configured, status_page};

#[derive(Deserialize, Default)]
pub(super) struct CentersQuery {
    #[serde(default)]
    dossier: String,
    /// The dossier's key.
    #[serde(default)]
    k: String,
}

/// `GET /feedback`: every centre, each linking to its form.
pub(super) async fn centers_page(
    State(state): State<DossierState>,
    Query(query): Query<CentersQuery>,
) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    match client.clone().list_centers(pb::ListCentersRequest {}).await {
        Ok(r) => Html(pages::feedback_centers(
            &r.into_inner().centers,
            query.dossier.trim(),
            &super::key_of(&query.k),
        ))
        .into_response(),
        Err(s) => status_page(&s),
    }
}

/// The centre `center_id`, or the page to answer instead.
async fn center(
    client: &DossierServiceClient<Channel>,
    center_id: &str,
) -> Result<pb::Center, Response> {
    let centers = client
        .clone()
        .list_centers(pb::ListCentersRequest {})
        .await
        .map_err(|s| status_page(&s))?
        .into_inner()
        .centers;
    centers
        .into_iter()
        .find(|c| c.id == center_id)
        .ok_or_else(|| {
            (
                StatusCode::NOT_FOUND,
                Html(crate::pages::error(
                    404,
                    &format!("Không có trung tâm «{center_id}». / No centre `{center_id}`."),
                )),
            )
                .into_response()
        })
}

/// `GET /feedback/{center}`: the empty form (`?dossier=` fills in the dossier code).
pub(super) async fn form_page(
    State(state): State<DossierState>,
    Path(center_id): Path<String>,
    Query(query): Query<CentersQuery>,
) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    match center(&client, &center_id).await {
        Ok(center) => {
            let form = FeedbackForm {
                dossier_code: query.dossier.trim().to_string(),
                key: super::key_of(&query.k),
                ..Default::default()
            };
            Html(pages::feedback_form(&center, &form, &[])).into_response()
        }
        Err(page) => page,
    }
}

/// The feedback form (`application/x-www-form-urlencoded`).
#[derive(Deserialize, Debug, Default)]
pub(super) struct FeedbackFields {
    #[serde(default)]
    contact: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    dossier_code: String,
    #[serde(default)]
    key: String,
}

/// `POST /feedback/{center}`: submits on the `web` channel; the answer's due date on
/// success, the form again with what is wrong otherwise.
pub(super) async fn submit(
    State(state): State<DossierState>,
    Path(center_id): Path<String>,
    Form(fields): Form<FeedbackFields>,
) -> Response {
    let Some(client) = state.client else {
        return not_configured();
    };
    let center = match center(&client, &center_id).await {
        Ok(center) => center,
        Err(page) => return page,
    };
    let result = client
        .clone()
        .submit_feedback(pb::SubmitFeedbackRequest {
            center_id: center.id.clone(),
            channel: "web".into(),
            contact: fields.contact.trim().to_string(),
            content: fields.content.trim().to_string(),
            dossier_code: fields.dossier_code.trim().to_string(),
            key: fields.key.trim().to_string(),
        })
        .await;
    let refused = |http: StatusCode, errors: &[FieldError]| {
        let form = FeedbackForm {
            contact: fields.contact.clone(),
            content: fields.content.clone(),
            dossier_code: fields.dossier_code.clone(),
            key: String::new(),
        };
        (http, Html(pages::feedback_form(&center, &form, errors))).into_response()
    };
    match result {
        Ok(r) => Html(pages::feedback_received(&center, &r.into_inner())).into_response(),
        Err(s) if s.code() == tonic::Code::InvalidArgument => {
            refused(StatusCode::BAD_REQUEST, &field_errors(&s))
        }
        // feedback about a dossier without its key (or with a wrong one)
        Err(s) if s.code() == tonic::Code::PermissionDenied => refused(
            StatusCode::FORBIDDEN,
            &[FieldError {
                field: "key".into(),
                said: Said::split(s.message()),
            }],
        ),
        Err(s) => status_page(&s),
    }
}
