//! The scheduled scan: under a lease (one replica at a time), raise "due soon" and
//! "overdue" outbox events once per dossier and appointment.

use chrono::{DateTime, Duration, Utc};
use onestop_kit::ServiceError;
use onestop_kit::sql::{Store, exec};
use sea_orm::TransactionTrait;

use super::entity::sql_list;
use super::read::RUNNING;

/// Takes or renews the lease `name` for `holder` until `now + ttl`; whether it is held.
pub async fn take_lease(
    store: &Store,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<bool, ServiceError> {
    let _gate = store.gate().await;
    let until = (now + ttl).timestamp_millis();
    exec(
        &store.db,
        "INSERT INTO dossier_leases (name, holder, until_at) VALUES ($1, '', 0)
         ON CONFLICT (name) DO NOTHING",
        vec![name.into()],
    )
    .await?;
    let taken = exec(
        &store.db,
        "UPDATE dossier_leases SET holder = $2, until_at = $3
         WHERE name = $1 AND (holder = $2 OR until_at < $4)",
        vec![
            name.into(),
            holder.into(),
            until.into(),
            now.timestamp_millis().into(),
        ],
    )
    .await?;
    Ok(taken > 0)
}

/// Events the scan raised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanOutcome {
    /// New "due soon" events.
    pub due_soon: u64,
    /// New "overdue" events.
    pub overdue: u64,
}

/// Raises `due_soon` for running dossiers due within `window`, `overdue` for those
/// past due; each once per dossier and appointment (the idempotency key holds the date).
pub async fn raise_due_events(
    store: &Store,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<ScanOutcome, ServiceError> {
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    let now_ms = now.timestamp_millis();
    // set-based: one statement raises the events of every dossier that qualifies (the
    // one-row path is `outbox::append`)
    let running = sql_list(&RUNNING);
    let insert = |kind: &str, condition: &str| {
        format!(
            "INSERT INTO dossier_outbox (idempotency_key, center_id, dossier_id, kind, payload,
                created_at)
             SELECT id || ':{kind}:' || CAST(due_at AS TEXT), center_id, id, '{kind}',
                '{{\"kind\":\"{kind}\",\"dossier_id\":\"' || id || '\",\"code\":\"' ||
                COALESCE(code, '') || '\",\"due_at\":' || CAST(due_at AS TEXT) || '}}', $1
             FROM dossiers WHERE status IN {running} AND {condition}
             ON CONFLICT (idempotency_key) DO NOTHING"
        )
    };
    let due_soon = exec(
        &txn,
        &insert("due_soon", "due_at >= $1 AND due_at < $2"),
        vec![now_ms.into(), (now + window).timestamp_millis().into()],
    )
    .await?;
    let overdue = exec(&txn, &insert("overdue", "due_at < $1"), vec![now_ms.into()]).await?;
    txn.commit().await?;
    Ok(ScanOutcome { due_soon, overdue })
}
