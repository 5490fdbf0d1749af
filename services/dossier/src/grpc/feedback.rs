//! Citizens' ratings and feedback, assigned and answered within the working days the
//! centre sets.

use onestop_kit::auth::require_role;
use onestop_kit::{Role, ServiceError};
use onestop_proto::dossier::v1 as pb;
use tonic::{Request, Response, Status};

use super::convert;
use super::limits;
use super::service::{DossierApi, citizen_or_staff, random_id, required, staff};
use crate::domain::code::DossierCode;
use crate::domain::deadline::due_date;
use crate::store::entity::{FeedbackState, Status as Stored};
use crate::store::rows::FeedbackRow;
use crate::store::tx;
use crate::store::{feedback, rating, read};

/// The `RateDossier` RPC.
pub(super) async fn rate_dossier(
    api: &DossierApi,
    request: Request<pb::RateDossierRequest>,
) -> Result<Response<pb::Rating>, Status> {
    limits::rate_dossier(request.get_ref())?;
    let r = request.get_ref();
    if !(1..=5).contains(&r.score) {
        return Err(ServiceError::invalid("score", "từ 1 đến 5 — from 1 to 5").into());
    }
    let code = DossierCode::parse(&r.code)
        .map_err(|e| ServiceError::invalid("code", e))?
        .to_string();
    let row = read::by_code(&api.store, &code).await?;
    // who may rate before anything about the dossier's state is told
    citizen_or_staff(&api.keys, &request, &row, &r.key)?;
    if row.status != Stored::ResultReturned {
        return Err(ServiceError::invalid(
            "code",
            "chỉ đánh giá sau khi đã nhận kết quả — rate after the result has been returned",
        )
        .into());
    }
    let now = api.clock.now();
    let comment = r.comment.trim();
    if !rating::insert(&api.store, &row.id, &row.center_id, r.score, comment, now).await? {
        return Err(ServiceError::invalid(
            "code",
            "hồ sơ này đã được đánh giá — this dossier was already rated",
        )
        .into());
    }
    Ok(Response::new(pb::Rating {
        code,
        score: r.score,
        comment: comment.to_string(),
        rated_at: Some(convert::ts(now.timestamp_millis())),
    }))
}

/// The `SubmitFeedback` RPC.
pub(super) async fn submit_feedback(
    api: &DossierApi,
    request: Request<pb::SubmitFeedbackRequest>,
) -> Result<Response<pb::Feedback>, Status> {
    limits::submit_feedback(request.get_ref())?;
    let channel = request.get_ref().channel.trim().to_string();
    let by_staff = match channel.as_str() {
        "web" => staff(&request)
            .ok()
            .filter(|c| c.covers_center(request.get_ref().center_id.trim())),
        "hotline" | "counter" => {
            let claims = staff(&request)?;
            tx::check_center(&claims, request.get_ref().center_id.trim())?;
            Some(claims)
        }
        _ => {
            return Err(ServiceError::invalid("channel", "hotline, web hoặc counter").into());
        }
    };
    let r = request.get_ref();
    let mut errors = Vec::new();
    for (field, value) in [
        ("center_id", &r.center_id),
        ("contact", &r.contact),
        ("content", &r.content),
    ] {
        if let Err(ServiceError::InvalidArgument(v)) = required(field, value) {
            errors.extend(v);
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::InvalidArgument(errors).into());
    }
    let center = tx::center(&api.store.db, r.center_id.trim())
        .await
        .map_err(|_| {
            ServiceError::invalid("center_id", "không có trung tâm này — unknown centre")
        })?;
    let dossier_code = if r.dossier_code.trim().is_empty() {
        String::new()
    } else {
        let code = DossierCode::parse(&r.dossier_code)
            .map_err(|e| ServiceError::invalid("dossier_code", e))?
            .to_string();
        if by_staff.is_none() && r.key.trim().is_empty() {
            return Err(ServiceError::PermissionDenied(
                "phản ánh về một hồ sơ cần mã bảo mật in trên giấy tiếp nhận — feedback about a dossier needs the key printed on its receipt"
                    .into(),
            )
            .into());
        }
        let row = read::by_code(&api.store, &code)
            .await
            .ok()
            .filter(|row| row.center_id == center.center_id)
            .ok_or_else(|| {
                ServiceError::invalid(
                    "dossier_code",
                    "trung tâm không có hồ sơ mã này — this centre has no dossier with this code",
                )
            })?;
        citizen_or_staff(&api.keys, &request, &row, &r.key)?;
        code
    };
    let cal = tx::calendar(&api.store.db, &center).await?;
    let now = api.clock.now();
    let due = due_date(&cal, now, f64::from(center.feedback_answer_days))
        .map_err(ServiceError::Internal)?;
    let row = FeedbackRow {
        id: random_id("pa_"),
        center_id: center.center_id,
        channel,
        contact: r.contact.trim().to_string(),
        content: r.content.trim().to_string(),
        dossier_code,
        status: FeedbackState::Received,
        assignee: String::new(),
        answer: String::new(),
        received_at: now.timestamp_millis(),
        answer_due_at: due.timestamp_millis(),
        answered_at: None,
    };
    feedback::insert(&api.store, &row).await?;
    Ok(Response::new(convert::feedback(&row, now)))
}

/// The `AssignFeedback` RPC.
pub(super) async fn assign_feedback(
    api: &DossierApi,
    request: Request<pb::AssignFeedbackRequest>,
) -> Result<Response<pb::Feedback>, Status> {
    limits::assign_feedback(request.get_ref())?;
    let claims = require_role(&request, &[Role::Leader, Role::Admin])?.clone();
    let r = request.into_inner();
    let id = required("id", &r.id)?;
    let assignee = required("assignee", &r.assignee)?;
    tx::check_center(&claims, &feedback::get(&api.store, &id).await?.center_id)?;
    let row = feedback::assign(&api.store, &id, &assignee).await?;
    Ok(Response::new(convert::feedback(&row, api.clock.now())))
}

/// The `AnswerFeedback` RPC.
pub(super) async fn answer_feedback(
    api: &DossierApi,
    request: Request<pb::AnswerFeedbackRequest>,
) -> Result<Response<pb::Feedback>, Status> {
    limits::answer_feedback(request.get_ref())?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    let id = required("id", &r.id)?;
    let answer = required("answer", &r.answer)?;
    let current = feedback::get(&api.store, &id).await?;
    tx::check_center(&claims, &current.center_id)?;
    if !current.assignee.is_empty()
        && current.assignee != claims.sub
        && !matches!(claims.role, Role::Leader | Role::Admin)
    {
        return Err(ServiceError::PermissionDenied(format!(
            "phản ánh được giao cho {} — assigned to {}",
            current.assignee, current.assignee
        ))
        .into());
    }
    let now = api.clock.now();
    let row = feedback::answer(&api.store, &id, &answer, now).await?;
    Ok(Response::new(convert::feedback(&row, now)))
}

/// The `ListFeedback` RPC.
pub(super) async fn list_feedback(
    api: &DossierApi,
    request: Request<pb::ListFeedbackRequest>,
) -> Result<Response<pb::ListFeedbackResponse>, Status> {
    limits::list_feedback(request.get_ref())?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    let center_id = required("center_id", &r.center_id)?;
    tx::check_center(&claims, &center_id)?;
    if !["", "received", "assigned", "answered"].contains(&r.status.trim()) {
        return Err(ServiceError::invalid("status", "received, assigned hoặc answered").into());
    }
    let now = api.clock.now();
    let rows = feedback::list(
        &api.store,
        &center_id,
        r.status.trim(),
        r.overdue.then_some(now),
    )
    .await?;
    Ok(Response::new(pb::ListFeedbackResponse {
        feedback: rows.iter().map(|f| convert::feedback(f, now)).collect(),
    }))
}
