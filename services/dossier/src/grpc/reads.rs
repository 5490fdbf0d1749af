//! Reading dossiers: one, a filtered page, the history, the deadline's explanation, and
//! the public lookup that shows no personal data.

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_proto::dossier::v1 as pb;
use tonic::{Request, Response, Status};

use super::convert::{self, from_ts};
use super::limits;
use super::service::{DossierApi, required, staff};
use crate::domain::code::DossierCode;
use crate::domain::deadline::{ClockState, explain};
use crate::store::tx;
use crate::store::{rating, read};

/// The `GetDossier` RPC.
pub(super) async fn get_dossier(
    api: &DossierApi,
    request: Request<pb::GetDossierRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::dossier_id(&request.get_ref().id)?;
    let claims = staff(&request)?;
    let key = required("id", &request.get_ref().id)?;
    let row = read::get(&api.store, &key).await?;
    tx::check_center(&claims, &row.center_id)?;
    api.reply(row).await
}

/// The `ListDossiers` RPC.
pub(super) async fn list_dossiers(
    api: &DossierApi,
    request: Request<pb::ListDossiersRequest>,
) -> Result<Response<pb::ListDossiersResponse>, Status> {
    limits::list_dossiers(request.get_ref())?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    let center_id = if r.center_id.trim().is_empty() && claims.center != "*" {
        claims.center.clone()
    } else {
        required("center_id", &r.center_id)?
    };
    tx::check_center(&claims, &center_id)?;
    if !(0..=10).contains(&r.status) {
        return Err(
            ServiceError::invalid("status", "mã trạng thái 1–10 — a status code 1–10").into(),
        );
    }
    if !(0..=5).contains(&r.stage) {
        return Err(ServiceError::invalid("stage", "giai đoạn 1–5 — a stage 1–5").into());
    }
    if !(0..=500).contains(&r.page_size) {
        return Err(ServiceError::invalid("page_size", "tối đa 500 — at most 500").into());
    }
    let page_size = if r.page_size == 0 {
        50
    } else {
        r.page_size as usize
    };
    let after = if r.page_token.is_empty() {
        None
    } else {
        Some(read::Cursor::parse(&r.page_token)?)
    };
    let filter = read::ListFilter {
        center_id,
        status: r.status,
        stage: r.stage,
        assignee: r.assignee.trim().to_string(),
        procedure_code: r.procedure_code.trim().to_string(),
        due_before: r
            .due_before
            .as_ref()
            .map(|t| from_ts(t, "due_before"))
            .transpose()?,
        overdue: r.overdue,
        text: r.text.trim().to_string(),
    };
    let now = api.clock.now();
    let (rows, next) = read::list(&api.store, &filter, now, page_size, after).await?;
    Ok(Response::new(pb::ListDossiersResponse {
        dossiers: rows
            .iter()
            .map(|row| convert::dossier(row, &[], &api.base_url, now))
            .collect(),
        next_page_token: next.map(|c| c.token()).unwrap_or_default(),
    }))
}

/// The `GetDossierHistory` RPC.
pub(super) async fn get_dossier_history(
    api: &DossierApi,
    request: Request<pb::GetDossierHistoryRequest>,
) -> Result<Response<pb::GetDossierHistoryResponse>, Status> {
    limits::dossier_id(&request.get_ref().id)?;
    let claims = staff(&request)?;
    let key = required("id", &request.get_ref().id)?;
    let row = read::get(&api.store, &key).await?;
    tx::check_center(&claims, &row.center_id)?;
    let entries = tx::history(&api.store.db, &row.id).await?;
    Ok(Response::new(pb::GetDossierHistoryResponse {
        entries: entries.iter().map(convert::history).collect(),
    }))
}

/// The `ExplainDeadline` RPC.
pub(super) async fn explain_deadline(
    api: &DossierApi,
    request: Request<pb::ExplainDeadlineRequest>,
) -> Result<Response<pb::DeadlineExplanation>, Status> {
    limits::dossier_id(&request.get_ref().id)?;
    let claims = staff(&request)?;
    let key = required("id", &request.get_ref().id)?;
    let row = read::get(&api.store, &key).await?;
    tx::check_center(&claims, &row.center_id)?;
    let center = tx::center(&api.store.db, &row.center_id).await?;
    let cal = tx::calendar(&api.store.db, &center).await?;
    let ledger = tx::ledger(&tx::history(&api.store.db, &row.id).await?)?;
    if ledger.is_empty() {
        return Err(ServiceError::FailedPrecondition(
            "hồ sơ chưa được tiếp nhận nên chưa tính hạn — not received yet, no deadline".into(),
        )
        .into());
    }
    let e = explain(&cal, &ledger).map_err(ServiceError::Internal)?;
    let now = api.clock.now();
    let ms = |t: DateTime<Utc>| Some(convert::ts(t.timestamp_millis()));
    Ok(Response::new(pb::DeadlineExplanation {
        started_at: ms(e.started_at),
        original_due: ms(e.original_due),
        due: ms(e.due_as_of(&cal, now)),
        judged_due: ms(e.judged_due),
        paused_working_minutes: e.paused_minutes,
        extended: e.extended,
        clock: match e.state {
            ClockState::Running => "running",
            ClockState::Paused { .. } => "paused",
            ClockState::Stopped { .. } => "stopped",
        }
        .into(),
        timeliness: convert::timeliness_of(e.timeliness.map(tx::timeliness_str)) as i32,
        lines: e.lines,
    }))
}

/// The `LookupDossier` RPC.
pub(super) async fn lookup_dossier(
    api: &DossierApi,
    request: Request<pb::LookupDossierRequest>,
) -> Result<Response<pb::PublicDossier>, Status> {
    limits::lookup_dossier(request.get_ref())?;
    let code = DossierCode::parse(&request.get_ref().code)
        .map_err(|e| ServiceError::invalid("code", e))?
        .to_string();
    let row = read::by_code(&api.store, &code).await?;
    let rated = rating::rated(&api.store, &row.id).await?;
    Ok(Response::new(convert::public(&row, rated)))
}
