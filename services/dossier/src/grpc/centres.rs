//! The centres the dossier service knows: unit code, names, time zone.

use onestop_kit::auth::require_role;
use onestop_kit::{FieldViolation, Role, ServiceError};
use onestop_proto::dossier::v1 as pb;
use tonic::{Request, Response, Status};

use super::limits;
use super::service::{DossierApi, center_pb};
use crate::domain::code::check_unit;
use crate::store::admin;
use crate::store::rows::CenterRow;
use crate::store::tx;

/// The `UpsertCenter` RPC.
pub(super) async fn upsert_center(
    api: &DossierApi,
    request: Request<pb::UpsertCenterRequest>,
) -> Result<Response<pb::Center>, Status> {
    limits::upsert_center(request.get_ref())?;
    let claims = require_role(&request, &[Role::Admin])?.clone();
    let c = request.into_inner().center.unwrap_or_default();
    let mut errors = Vec::new();
    if c.id.trim().is_empty() {
        errors.push(FieldViolation::new("center.id", "bắt buộc — required"));
    } else {
        // one commune's admin edits their own centre only; `*` may create others
        tx::check_center(&claims, c.id.trim())?;
    }
    let unit = check_unit(c.unit_code.trim()).unwrap_or_else(|e| {
        errors.push(FieldViolation::new("center.unit_code", e));
        String::new()
    });
    let tz = if c.time_zone.trim().is_empty() {
        "Asia/Ho_Chi_Minh"
    } else {
        c.time_zone.trim()
    };
    if tz.parse::<chrono_tz::Tz>().is_err() {
        errors.push(FieldViolation::new(
            "center.time_zone",
            "múi giờ IANA, ví dụ Asia/Ho_Chi_Minh — an IANA time zone",
        ));
    }
    if c.name_vi.trim().is_empty() {
        errors.push(FieldViolation::new("center.name_vi", "bắt buộc — required"));
    }
    if !(0..=60).contains(&c.feedback_answer_days) {
        errors.push(FieldViolation::new(
            "center.feedback_answer_days",
            "0–60 ngày làm việc — 0–60 working days",
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::InvalidArgument(errors).into());
    }
    let row = CenterRow {
        center_id: c.id.trim().to_string(),
        unit_code: unit,
        name_vi: c.name_vi.trim().to_string(),
        name_en: c.name_en.trim().to_string(),
        time_zone: tz.to_string(),
        feedback_answer_days: if c.feedback_answer_days == 0 {
            10
        } else {
            c.feedback_answer_days
        },
    };
    admin::upsert_center(&api.store, &row).await?;
    Ok(Response::new(center_pb(&row)))
}

/// The `ListCenters` RPC.
pub(super) async fn list_centers(
    api: &DossierApi,
    _request: Request<pb::ListCentersRequest>,
) -> Result<Response<pb::ListCentersResponse>, Status> {
    let rows = admin::centers(&api.store).await?;
    Ok(Response::new(pb::ListCentersResponse {
        centers: rows.iter().map(center_pb).collect(),
    }))
}
