//! The work calendar: national and centre holidays, make-up working days.

use onestop_kit::auth::require_role;
use onestop_kit::{FieldViolation, Role, ServiceError};
use onestop_proto::dossier::v1 as pb;
use tonic::{Request, Response, Status};

use super::convert;
use super::limits;
use super::service::{DossierApi, required};
use crate::domain::calendar::{DayKind, DayStatus};
use crate::store::admin;
use crate::store::rows::HolidayRow;
use crate::store::tx;

/// The `ListHolidays` RPC.
pub(super) async fn list_holidays(
    api: &DossierApi,
    request: Request<pb::ListHolidaysRequest>,
) -> Result<Response<pb::ListHolidaysResponse>, Status> {
    limits::list_holidays(request.get_ref())?;
    let r = request.into_inner();
    let center = if r.center_id.trim().is_empty() {
        "*"
    } else {
        r.center_id.trim()
    };
    let rows = admin::holidays(&api.store, center, r.year).await?;
    Ok(Response::new(pb::ListHolidaysResponse {
        holidays: rows.iter().map(convert::holiday).collect(),
    }))
}

/// The `UpsertHoliday` RPC.
pub(super) async fn upsert_holiday(
    api: &DossierApi,
    request: Request<pb::UpsertHolidayRequest>,
) -> Result<Response<pb::Holiday>, Status> {
    limits::upsert_holiday(request.get_ref())?;
    let claims = require_role(&request, &[Role::Admin])?.clone();
    let h = request.into_inner().holiday.unwrap_or_default();
    let center_id = if h.center_id.trim().is_empty() {
        "*".to_string()
    } else {
        h.center_id.trim().to_string()
    };
    tx::check_center(&claims, &center_id)?;
    let mut errors = Vec::new();
    if chrono::NaiveDate::parse_from_str(h.date.trim(), "%Y-%m-%d").is_err() {
        errors.push(FieldViolation::new(
            "holiday.date",
            "dạng YYYY-MM-DD — use YYYY-MM-DD",
        ));
    }
    if DayKind::parse(h.kind.trim()).is_none() {
        errors.push(FieldViolation::new(
            "holiday.kind",
            "holiday, weekend_in_break, substitute_day_off hoặc makeup_workday",
        ));
    }
    let status = if h.status.trim().is_empty() {
        "announced"
    } else {
        h.status.trim()
    };
    if DayStatus::parse(status).is_none() {
        errors.push(FieldViolation::new(
            "holiday.status",
            "statutory, announced hoặc provisional",
        ));
    }
    if h.name_vi.trim().is_empty() {
        errors.push(FieldViolation::new(
            "holiday.name_vi",
            "bắt buộc — required",
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::InvalidArgument(errors).into());
    }
    if center_id != "*" {
        tx::center(&api.store.db, &center_id).await.map_err(|_| {
            ServiceError::invalid(
                "holiday.center_id",
                "không có trung tâm này — unknown centre",
            )
        })?;
    }
    let row = HolidayRow {
        center_id,
        day: h.date.trim().to_string(),
        kind: h.kind.trim().to_string(),
        name_vi: h.name_vi.trim().to_string(),
        name_en: h.name_en.trim().to_string(),
        status: status.to_string(),
        source: h.source.trim().to_string(),
    };
    admin::upsert_holiday(&api.store, &row).await?;
    Ok(Response::new(convert::holiday(&row)))
}

/// The `DeleteHoliday` RPC.
pub(super) async fn delete_holiday(
    api: &DossierApi,
    request: Request<pb::DeleteHolidayRequest>,
) -> Result<Response<pb::DeleteHolidayResponse>, Status> {
    limits::delete_holiday(request.get_ref())?;
    let claims = require_role(&request, &[Role::Admin])?.clone();
    let r = request.into_inner();
    let center_id = if r.center_id.trim().is_empty() {
        "*"
    } else {
        r.center_id.trim()
    };
    tx::check_center(&claims, center_id)?;
    let date = required("date", &r.date)?;
    let deleted = admin::delete_holiday(&api.store, center_id, &date).await?;
    Ok(Response::new(pb::DeleteHolidayResponse { deleted }))
}
