//! Appointments: free slots, booking (bounded per phone), check-in at the kiosk.

use chrono::NaiveDate;
use onestop_kit::ServiceError;
use onestop_kit::auth::require_role;
use onestop_proto::queue::v1 as pb;
use tonic::{Request, Response, Status};

use super::bounds::Bounded;
use super::convert::{self, ts};
use super::service::{KIOSK, QueueApi, required};
use crate::domain::hours::{SLOT_MINUTES, slots};
use crate::domain::validate::{new_appointment_code, normalize_appointment_code, normalize_phone};
use crate::store::rows::{AppointmentRow, from_ms};
use crate::store::setup;

/// The `ListSlots` RPC.
pub(super) async fn list_slots(
    api: &QueueApi,
    req: Request<pb::ListSlotsRequest>,
) -> Result<Response<pb::ListSlotsResponse>, Status> {
    req.get_ref().check_bounds()?;
    let r = req.into_inner();
    required("center_id", &r.center_id)?;
    required("service_code", &r.service_code)?;
    let date = NaiveDate::parse_from_str(r.date.trim(), "%Y-%m-%d").map_err(|_| {
        ServiceError::invalid(
            "date",
            format!("`{}` is not a date like 2026-11-26", r.date),
        )
    })?;
    let center = setup::center(&api.store, &r.center_id).await?;
    let line = setup::lines(&api.store, &r.center_id)
        .await?
        .into_iter()
        .find(|l| l.code == r.service_code)
        .ok_or_else(|| ServiceError::NotFound(format!("service line `{}`", r.service_code)))?;
    let day = slots(&center.hours, date, center.tz);
    let (Some(first), Some(last)) = (day.first(), day.last()) else {
        return Ok(Response::new(pb::ListSlotsResponse { slots: vec![] }));
    };
    let booked = setup::booked(&api.store, &center.id, &line.code, first.0, last.1).await?;
    Ok(Response::new(pb::ListSlotsResponse {
        slots: day
            .iter()
            .map(|(start, end)| pb::Slot {
                start: Some(ts(start.timestamp_millis())),
                end: Some(ts(end.timestamp_millis())),
                capacity: line.slot_capacity,
                booked: booked
                    .iter()
                    .filter(|a| a.slot_start == start.timestamp_millis())
                    .count() as i32,
            })
            .collect(),
    }))
}

/// The `BookAppointment` RPC.
pub(super) async fn book_appointment(
    api: &QueueApi,
    req: Request<pb::BookAppointmentRequest>,
) -> Result<Response<pb::Appointment>, Status> {
    req.get_ref().check_bounds()?;
    let r = req.into_inner();
    let mut errors = Vec::new();
    if r.full_name.trim().is_empty() {
        errors.push(onestop_kit::FieldViolation::new("full_name", "is required"));
    }
    let phone = normalize_phone(&r.phone)
        .map_err(|e| errors.push(onestop_kit::FieldViolation::new("phone", e)))
        .ok();
    if r.slot_start.is_none() {
        errors.push(onestop_kit::FieldViolation::new(
            "slot_start",
            "is required",
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::InvalidArgument(errors).into());
    }
    let center = setup::center(&api.store, &r.center_id).await?;
    let line = setup::lines(&api.store, &r.center_id)
        .await?
        .into_iter()
        .find(|l| l.code == r.service_code)
        .ok_or_else(|| ServiceError::NotFound(format!("service line `{}`", r.service_code)))?;
    let start = from_ms(convert::ms(r.slot_start.as_ref().expect("checked")));
    let date = start.with_timezone(&center.tz).date_naive();
    let Some((slot_start, slot_end)) = slots(&center.hours, date, center.tz)
        .into_iter()
        .find(|(s, _)| *s == start)
    else {
        return Err(ServiceError::invalid(
            "slot_start",
            format!("is not the start of a {SLOT_MINUTES}-minute slot in opening hours"),
        )
        .into());
    };
    let now = api.clock.now();
    if slot_start <= now {
        return Err(
            ServiceError::FailedPrecondition("this slot has already started".into()).into(),
        );
    }
    if line.slot_capacity == 0 {
        return Err(ServiceError::FailedPrecondition(format!(
            "line {} takes no appointments",
            line.code
        ))
        .into());
    }
    let row = AppointmentRow {
        code: new_appointment_code(),
        center_id: center.id.clone(),
        line_code: line.code.clone(),
        slot_start: slot_start.timestamp_millis(),
        slot_end: slot_end.timestamp_millis(),
        full_name: r.full_name.trim().to_string(),
        phone: phone.expect("checked"),
        ticket_id: None,
        created_at: now.timestamp_millis(),
    };
    setup::book(&api.store, &row, line.slot_capacity).await?;
    Ok(Response::new(pb::Appointment {
        code: row.code,
        center_id: row.center_id,
        service_code: row.line_code,
        slot_start: Some(ts(row.slot_start)),
        slot_end: Some(ts(row.slot_end)),
        ticket_id: String::new(),
    }))
}

/// The `CheckIn` RPC.
pub(super) async fn check_in(
    api: &QueueApi,
    req: Request<pb::CheckInRequest>,
) -> Result<Response<pb::Ticket>, Status> {
    req.get_ref().check_bounds()?;
    // the role first: a stranger learns nothing about which codes exist
    let claims = require_role(&req, KIOSK)?;
    let code = normalize_appointment_code(&req.get_ref().appointment_code)
        .map_err(|e| ServiceError::invalid("appointment_code", e))?;
    let appointment = setup::appointment(&api.store, &code).await?;
    if !claims.covers_center(&appointment.center_id) {
        return Err(ServiceError::NotFound(format!("appointment {code}")).into());
    }
    Ok(Response::new(
        api.issue(
            &appointment.center_id,
            &appointment.line_code,
            0,
            "",
            &code,
            "",
        )
        .await?,
    ))
}
