//! The dossier outbox: events written in the same transaction as the change that caused
//! them, once per idempotency key, for the relay to deliver. One way to append a row;
//! the due-date scan alone writes many at once with a set-based `INSERT … SELECT`.

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_kit::sql::exec;
use sea_orm::ConnectionTrait;

/// One event to append.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Unique per event: a retried change raises nothing new.
    pub key: String,
    /// The centre it belongs to.
    pub center_id: &'a str,
    /// The dossier it is about (empty for feedback without one).
    pub dossier_id: &'a str,
    /// e.g. `dossier_received`.
    pub kind: &'a str,
    /// What consumers need, as JSON.
    pub payload: serde_json::Value,
}

/// Appends `event` unless one with its key is already there.
pub async fn append(
    c: &impl ConnectionTrait,
    event: Event<'_>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    exec(
        c,
        "INSERT INTO dossier_outbox (idempotency_key, center_id, dossier_id, kind, payload,
            created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING",
        vec![
            event.key.into(),
            event.center_id.into(),
            event.dossier_id.into(),
            event.kind.into(),
            event.payload.to_string().into(),
            now.timestamp_millis().into(),
        ],
    )
    .await?;
    Ok(())
}
