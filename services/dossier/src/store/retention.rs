//! Retention: the applicant's personal data (name, citizen ID, phone, e-mail, address,
//! the representative, who collected the result) is removed from dossiers that ended
//! (returned, refused, withdrawn, stopped) long enough ago, and from their outbox events;
//! a history entry says so. Codes, procedures, dates and figures stay for statistics.

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_kit::sql::{Store, all, exec, one};
use sea_orm::{FromQueryResult, TransactionTrait};

use super::rows::RepresentativeData;

/// The history entry's transition name.
pub const TRANSITION: &str = "remove_personal_data";

#[derive(FromQueryResult)]
struct Candidate {
    id: String,
}

#[derive(FromQueryResult)]
struct Locked {
    id: String,
    code: Option<String>,
    center_id: String,
    status: i32,
    procedure_code: String,
    field_code: String,
    channel: String,
}

#[derive(FromQueryResult)]
struct Seq {
    last: i32,
}

#[derive(FromQueryResult)]
struct Event {
    idempotency_key: String,
    payload: String,
}

/// Removes the personal data of at most `batch` dossiers that ended before `cutoff`
/// and still hold it; how many were done. `days` is named in the history note.
pub async fn remove_personal_data(
    store: &Store,
    cutoff: DateTime<Utc>,
    days: u32,
    now: DateTime<Utc>,
    batch: u64,
) -> Result<u64, ServiceError> {
    let candidates: Vec<Candidate> = all(
        &store.db,
        &format!(
            "SELECT id FROM dossiers
             WHERE ended_at IS NOT NULL AND personal_data_removed_at IS NULL AND ended_at < $1
             ORDER BY ended_at LIMIT {batch}"
        ),
        vec![cutoff.timestamp_millis().into()],
    )
    .await?;
    let mut done = 0;
    for c in candidates {
        if remove_one(store, &c.id, cutoff, days, now).await? {
            done += 1;
        }
    }
    Ok(done)
}

/// One dossier, in one transaction, under its row lock; `false` when another replica
/// did it meanwhile.
async fn remove_one(
    store: &Store,
    id: &str,
    cutoff: DateTime<Utc>,
    days: u32,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    let now_ms = now.timestamp_millis();
    let empty_rep = serde_json::to_string(&RepresentativeData::default()).expect("serialise");
    // a write first: the row lock; the search text keeps only the code and the id
    let locked: Option<Locked> = one(
        &txn,
        "UPDATE dossiers SET applicant_name = '', citizen_id = '', phone = '', email = '',
            address = '', representative = $3, personal_data_removed_at = $2,
            search = LOWER(COALESCE(code, '') || ' ' || id || '  '),
            version = version + 1, updated_at = $2
         WHERE id = $1 AND personal_data_removed_at IS NULL AND ended_at < $4
         RETURNING id, code, center_id, status, procedure_code, field_code, channel",
        vec![
            id.into(),
            now_ms.into(),
            empty_rep.into(),
            cutoff.timestamp_millis().into(),
        ],
    )
    .await?;
    let Some(row) = locked else {
        return Ok(false);
    };
    // who collected the result is named in the note of the return
    exec(
        &txn,
        "UPDATE dossier_history SET note = '' WHERE dossier_id = $1 AND transition = 'return_result'",
        vec![row.id.clone().into()],
    )
    .await?;
    let last: Option<Seq> = one(
        &txn,
        "SELECT COALESCE(MAX(seq), 0) AS last FROM dossier_history WHERE dossier_id = $1",
        vec![row.id.clone().into()],
    )
    .await?;
    let seq = last.map_or(0, |s| s.last) + 1;
    exec(
        &txn,
        "INSERT INTO dossier_history (dossier_id, seq, center_id, at, actor, role, transition,
            from_status, to_status, note, clock_event, clock_effect, procedure_code,
            field_code, channel, handler, timeliness)
         VALUES ($1, $2, $3, $4, 'retention', 'system', $5, $6, $6, $7, NULL, '', $8, $9,
            $10, 'retention', NULL)",
        vec![
            row.id.clone().into(),
            seq.into(),
            row.center_id.clone().into(),
            now_ms.into(),
            TRANSITION.into(),
            row.status.into(),
            format!(
                "đã xóa dữ liệu cá nhân của người nộp sau {days} ngày lưu trữ — the applicant's personal data was removed after {days} days"
            )
            .into(),
            row.procedure_code.clone().into(),
            row.field_code.clone().into(),
            row.channel.clone().into(),
        ],
    )
    .await?;
    // the outbox events carried the phone and e-mail for notifications
    let events: Vec<Event> = all(
        &txn,
        "SELECT idempotency_key, payload FROM dossier_outbox WHERE dossier_id = $1",
        vec![row.id.clone().into()],
    )
    .await?;
    for e in events {
        let mut payload: serde_json::Value =
            serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null);
        if let Some(map) = payload.as_object_mut() {
            for field in ["phone", "email"] {
                if map.contains_key(field) {
                    map.insert(field.into(), serde_json::Value::String(String::new()));
                }
            }
        }
        exec(
            &txn,
            "UPDATE dossier_outbox SET payload = $2 WHERE idempotency_key = $1",
            vec![e.idempotency_key.into(), payload.to_string().into()],
        )
        .await?;
    }
    txn.commit().await?;
    tracing::debug!(dossier = %row.id, code = ?row.code, "personal data removed");
    Ok(true)
}

/// Deletes outbox rows created before `before` whose dossier has ended (their events can
/// no longer be needed, and they may hold a phone or an e-mail). Rows of running dossiers
/// stay: the due scan's idempotency keys live in them. How many were deleted.
pub async fn purge_outbox(store: &Store, before: DateTime<Utc>) -> Result<u64, ServiceError> {
    let _gate = store.gate().await;
    exec(
        &store.db,
        "DELETE FROM dossier_outbox WHERE created_at < $1
         AND dossier_id IN (SELECT id FROM dossiers WHERE ended_at IS NOT NULL)",
        vec![before.timestamp_millis().into()],
    )
    .await
}
