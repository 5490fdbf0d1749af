//! Scheduled jobs, each run by the replica holding its lease: the scan raises due-soon
//! and overdue events; retention removes applicants' personal data from dossiers that
//! ended longer ago than `retention.dossier_days`, and the outbox rows of ended dossiers
//! older than `retention.ticket_days`.

use std::time::Duration;

use onestop_kit::sql::Store;
use onestop_kit::{Clock, ServiceError};

use crate::store::retention;
use crate::store::scan::{self, ScanOutcome};

/// One round: takes the lease `due-scan` for `holder` (for twice `every`), and if held
/// raises the events. `None` when another replica holds the lease.
pub async fn scan_once(
    store: &Store,
    clock: &Clock,
    holder: &str,
    every: Duration,
) -> Result<Option<ScanOutcome>, ServiceError> {
    let now = clock.now();
    let ttl = chrono::Duration::from_std(every * 2).unwrap_or(chrono::Duration::minutes(2));
    if !scan::take_lease(store, "due-scan", holder, now, ttl).await? {
        return Ok(None);
    }
    scan::raise_due_events(store, now, chrono::Duration::hours(24))
        .await
        .map(Some)
}

/// Runs [`scan_once`] every `every` in the background.
pub fn spawn_scan(store: Store, clock: Clock, every: Duration) -> tokio::task::JoinHandle<()> {
    let holder = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match scan_once(&store, &clock, &holder, every).await {
                Ok(Some(o)) if o.due_soon + o.overdue > 0 => {
                    tracing::info!(
                        due_soon = o.due_soon,
                        overdue = o.overdue,
                        "dossier due scan"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "dossier due scan failed"),
            }
        }
    })
}

/// Dossiers whose personal data one retention round removes at most (the next round
/// continues).
const RETENTION_BATCH: u64 = 500;

/// One retention round: when `days > 0`, removes the applicant's personal data from
/// dossiers that ended more than `days` days ago (every batch until none is left) and
/// logs how many at info; 0 keeps everything. How many were done.
pub async fn retention_once(store: &Store, clock: &Clock, days: u32) -> Result<u64, ServiceError> {
    if days == 0 {
        return Ok(0);
    }
    let now = clock.now();
    let cutoff = now - chrono::Duration::days(i64::from(days));
    let mut total = 0;
    loop {
        let done =
            retention::remove_personal_data(store, cutoff, days, now, RETENTION_BATCH).await?;
        total += done;
        if done < RETENTION_BATCH {
            break;
        }
    }
    tracing::info!(
        dossiers = total,
        days,
        "dossier retention: personal data removed from {total} dossiers ended more than {days} days ago"
    );
    Ok(total)
}

/// One outbox round: deletes the outbox rows of ended dossiers older than `days` days
/// (`retention.ticket_days`, the same period as the queue's outbox) and logs how many.
pub async fn outbox_retention_once(
    store: &Store,
    clock: &Clock,
    days: u32,
) -> Result<u64, ServiceError> {
    let before = clock.now() - chrono::Duration::days(i64::from(days.max(1)));
    let deleted = retention::purge_outbox(store, before).await?;
    if deleted > 0 {
        tracing::info!(
            deleted,
            days,
            "dossier retention: outbox rows of ended dossiers older than {days} days deleted"
        );
    }
    Ok(deleted)
}

/// Runs [`retention_once`] (applicants' data after `days`; 0 keeps it, and says so) and
/// [`outbox_retention_once`] (outbox rows after `outbox_days`) every `every` in the
/// background under the lease `retention` (one replica at a time).
pub fn spawn_retention(
    store: Store,
    clock: Clock,
    days: u32,
    outbox_days: u32,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    if days == 0 {
        tracing::info!(
            "dossier retention off (retention.dossier_days = 0): applicants' personal data is kept"
        );
    } else {
        tracing::info!(
            days,
            "dossier retention on: applicants' personal data is removed {days} days after a dossier ends"
        );
    }
    let holder = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let ttl = chrono::Duration::from_std(every * 2).unwrap_or(chrono::Duration::hours(2));
            match scan::take_lease(&store, "retention", &holder, clock.now(), ttl).await {
                Ok(true) => {
                    if let Err(e) = retention_once(&store, &clock, days).await {
                        tracing::warn!(error = %e, "dossier retention failed");
                    }
                    if let Err(e) = outbox_retention_once(&store, &clock, outbox_days).await {
                        tracing::warn!(error = %e, "dossier outbox retention failed");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "dossier retention lease failed"),
            }
        }
    })
}
