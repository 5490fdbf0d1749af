//! Centres and the holiday calendar, edited by an admin.

use onestop_kit::ServiceError;
use onestop_kit::sql::{Store, all, exec};

use super::rows::{CenterRow, HolidayRow};

/// Creates or replaces a centre.
pub async fn upsert_center(store: &Store, c: &CenterRow) -> Result<(), ServiceError> {
    let _gate = store.gate().await;
    exec(
        &store.db,
        "INSERT INTO dossier_centers (center_id, unit_code, name_vi, name_en, time_zone,
            feedback_answer_days) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (center_id) DO UPDATE SET unit_code = excluded.unit_code,
            name_vi = excluded.name_vi, name_en = excluded.name_en,
            time_zone = excluded.time_zone, feedback_answer_days = excluded.feedback_answer_days",
        vec![
            c.center_id.clone().into(),
            c.unit_code.clone().into(),
            c.name_vi.clone().into(),
            c.name_en.clone().into(),
            c.time_zone.clone().into(),
            c.feedback_answer_days.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Every centre, by id.
pub async fn centers(store: &Store) -> Result<Vec<CenterRow>, ServiceError> {
    all(
        &store.db,
        "SELECT center_id, unit_code, name_vi, name_en, time_zone, feedback_answer_days
         FROM dossier_centers ORDER BY center_id",
        vec![],
    )
    .await
}

/// Calendar rows of `center_id` (`*` for the national ones) in `year` (0 = every year).
pub async fn holidays(
    store: &Store,
    center_id: &str,
    year: i32,
) -> Result<Vec<HolidayRow>, ServiceError> {
    let prefix = if year == 0 {
        "%".to_string()
    } else {
        format!("{year:04}-%")
    };
    all(
        &store.db,
        "SELECT center_id, day, kind, name_vi, name_en, status, source FROM dossier_holidays
         WHERE (center_id = '*' OR center_id = $1) AND day LIKE $2 ORDER BY day, center_id",
        vec![center_id.into(), prefix.into()],
    )
    .await
}

/// Creates or replaces one calendar row.
pub async fn upsert_holiday(store: &Store, h: &HolidayRow) -> Result<(), ServiceError> {
    let _gate = store.gate().await;
    exec(
        &store.db,
        "INSERT INTO dossier_holidays (center_id, day, kind, name_vi, name_en, status, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (center_id, day) DO UPDATE SET kind = excluded.kind,
            name_vi = excluded.name_vi, name_en = excluded.name_en,
            status = excluded.status, source = excluded.source",
        vec![
            h.center_id.clone().into(),
            h.day.clone().into(),
            h.kind.clone().into(),
            h.name_vi.clone().into(),
            h.name_en.clone().into(),
            h.status.clone().into(),
            h.source.clone().into(),
        ],
    )
    .await?;
    Ok(())
}

/// Deletes one calendar row; whether it existed.
pub async fn delete_holiday(
    store: &Store,
    center_id: &str,
    day: &str,
) -> Result<bool, ServiceError> {
    let _gate = store.gate().await;
    Ok(exec(
        &store.db,
        "DELETE FROM dossier_holidays WHERE center_id = $1 AND day = $2",
        vec![center_id.into(), day.into()],
    )
    .await?
        > 0)
}
