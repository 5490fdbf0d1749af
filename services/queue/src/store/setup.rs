//! Centre, service line and counter settings (admin), and appointments.

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use sea_orm::TransactionTrait;

use super::floor::json_value;
use super::rows::{AppointmentRow, Center, CenterRow, CounterRow, LineRow};
use super::tx::{Store, all, exec, one};

/// Every centre, by id.
pub async fn centers(store: &Store) -> Result<Vec<Center>, ServiceError> {
    let rows: Vec<CenterRow> = all(
        &store.db,
        "SELECT * FROM queue_centers ORDER BY center_id",
        vec![],
    )
    .await?;
    rows.into_iter().map(Center::try_from).collect()
}

/// One centre.
pub async fn center(store: &Store, center_id: &str) -> Result<Center, ServiceError> {
    one::<CenterRow>(
        &store.db,
        "SELECT * FROM queue_centers WHERE center_id = $1",
        vec![center_id.into()],
    )
    .await?
    .ok_or_else(|| ServiceError::NotFound(format!("centre `{center_id}`")))?
    .try_into()
}

/// Creates or replaces a centre's settings; its board sequence is kept.
pub async fn upsert_center(store: &Store, c: &Center) -> Result<(), ServiceError> {
    let _gate = store.gate().await;
    exec(
        &store.db,
        "INSERT INTO queue_centers (center_id, name_vi, name_en, time_zone, hours, policy, notify_position, long_wait_minutes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (center_id) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
           time_zone = excluded.time_zone, hours = excluded.hours, policy = excluded.policy,
           notify_position = excluded.notify_position, long_wait_minutes = excluded.long_wait_minutes",
        vec![
            c.id.clone().into(),
            c.name_vi.clone().into(),
            c.name_en.clone().into(),
            c.tz.name().into(),
            serde_json::to_string(&c.hours).expect("hours serialise").into(),
            serde_json::to_string(&c.policy).expect("policy serialises").into(),
            c.notify_position.into(),
            c.long_wait_minutes.into(),
        ],
    )
    .await?;
    Ok(())
}

/// A centre's lines, by prefix.
pub async fn lines(store: &Store, center_id: &str) -> Result<Vec<LineRow>, ServiceError> {
    all(
        &store.db,
        "SELECT * FROM queue_lines WHERE center_id = $1 ORDER BY prefix",
        vec![center_id.into()],
    )
    .await
}

/// Creates or replaces a line; `FAILED_PRECONDITION` if another line has the prefix.
pub async fn upsert_line(store: &Store, l: &LineRow) -> Result<(), ServiceError> {
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    if let Some(other) = one::<LineRow>(
        &txn,
        "SELECT * FROM queue_lines WHERE center_id = $1 AND prefix = $2 AND code <> $3",
        vec![
            l.center_id.clone().into(),
            l.prefix.clone().into(),
            l.code.clone().into(),
        ],
    )
    .await?
    {
        return Err(ServiceError::FailedPrecondition(format!(
            "prefix {} is already used by line `{}`",
            l.prefix, other.code
        )));
    }
    exec(
        &txn,
        "INSERT INTO queue_lines (center_id, code, prefix, name_vi, name_en, field_codes, procedure_codes, slot_capacity)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (center_id, code) DO UPDATE SET prefix = excluded.prefix, name_vi = excluded.name_vi,
           name_en = excluded.name_en, field_codes = excluded.field_codes,
           procedure_codes = excluded.procedure_codes, slot_capacity = excluded.slot_capacity",
        vec![
            l.center_id.clone().into(),
            l.code.clone().into(),
            l.prefix.clone().into(),
            l.name_vi.clone().into(),
            l.name_en.clone().into(),
            l.field_codes.clone().into(),
            l.procedure_codes.clone().into(),
            l.slot_capacity.into(),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A centre's counters, by number.
pub async fn counters(store: &Store, center_id: &str) -> Result<Vec<CounterRow>, ServiceError> {
    all(
        &store.db,
        "SELECT * FROM queue_counters WHERE center_id = $1 ORDER BY number",
        vec![center_id.into()],
    )
    .await
}

/// Creates or replaces a counter's settings; its state (open, staff) is kept.
pub async fn upsert_counter(
    store: &Store,
    c: &CounterRow,
    lines: &[String],
) -> Result<(), ServiceError> {
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    if let Some(other) = one::<CounterRow>(
        &txn,
        "SELECT * FROM queue_counters WHERE center_id = $1 AND number = $2 AND counter_id <> $3",
        vec![
            c.center_id.clone().into(),
            c.number.into(),
            c.counter_id.clone().into(),
        ],
    )
    .await?
    {
        return Err(ServiceError::FailedPrecondition(format!(
            "number {} is already counter `{}`",
            c.number, other.counter_id
        )));
    }
    exec(
        &txn,
        "INSERT INTO queue_counters (center_id, counter_id, number, name, service_codes)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (center_id, counter_id) DO UPDATE SET number = excluded.number,
           name = excluded.name, service_codes = excluded.service_codes",
        vec![
            c.center_id.clone().into(),
            c.counter_id.clone().into(),
            c.number.into(),
            c.name.clone().into(),
            json_value(lines),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Appointments booked in a line between two instants.
pub async fn booked(
    store: &Store,
    center_id: &str,
    line: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<AppointmentRow>, ServiceError> {
    all(
        &store.db,
        "SELECT * FROM queue_appointments WHERE center_id = $1 AND line_code = $2 AND slot_start >= $3 AND slot_start < $4",
        vec![center_id.into(), line.into(), from.timestamp_millis().into(), to.timestamp_millis().into()],
    )
    .await
}

/// Most upcoming appointments one phone number may hold at one centre: a person needs a
/// few, a stranger filling every slot with made-up names needs many.
pub const MAX_UPCOMING_PER_PHONE: i64 = 3;

/// Books a slot if it has room and the phone holds fewer than
/// [`MAX_UPCOMING_PER_PHONE`] upcoming appointments (checked under the centre's lock).
pub async fn book(store: &Store, a: &AppointmentRow, capacity: i32) -> Result<(), ServiceError> {
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    exec(
        &txn,
        "UPDATE queue_centers SET board_seq = board_seq WHERE center_id = $1",
        vec![a.center_id.clone().into()],
    )
    .await?;
    #[derive(sea_orm::FromQueryResult)]
    struct Count {
        n: i64,
    }
    let taken = one::<Count>(
        &txn,
        "SELECT COUNT(*) AS n FROM queue_appointments WHERE center_id = $1 AND line_code = $2 AND slot_start = $3",
        vec![a.center_id.clone().into(), a.line_code.clone().into(), a.slot_start.into()],
    )
    .await?
    .map_or(0, |c| c.n);
    if taken >= i64::from(capacity) {
        return Err(ServiceError::FailedPrecondition(
            "this slot is full; choose another".into(),
        ));
    }
    let held = one::<Count>(
        &txn,
        "SELECT COUNT(*) AS n FROM queue_appointments
         WHERE center_id = $1 AND phone = $2 AND ticket_id IS NULL AND slot_end > $3",
        vec![
            a.center_id.clone().into(),
            a.phone.clone().into(),
            a.created_at.into(),
        ],
    )
    .await?
    .map_or(0, |c| c.n);
    if held >= MAX_UPCOMING_PER_PHONE {
        return Err(ServiceError::FailedPrecondition(format!(
            "this phone already holds {held} upcoming appointments here; check in or wait for one to pass"
        )));
    }
    exec(
        &txn,
        "INSERT INTO queue_appointments (code, center_id, line_code, slot_start, slot_end, full_name, phone, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        vec![
            a.code.clone().into(),
            a.center_id.clone().into(),
            a.line_code.clone().into(),
            a.slot_start.into(),
            a.slot_end.into(),
            a.full_name.clone().into(),
            a.phone.clone().into(),
            a.created_at.into(),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An appointment by code.
pub async fn appointment(store: &Store, code: &str) -> Result<AppointmentRow, ServiceError> {
    one(
        &store.db,
        "SELECT * FROM queue_appointments WHERE code = $1",
        vec![code.into()],
    )
    .await?
    .ok_or_else(|| ServiceError::NotFound(format!("appointment `{code}`")))
}
