//! The scheduled scan: every interval, the replica holding the lease raises due-soon
//! and overdue events.

use std::time::Duration;

use onestop_kit::sql::Store;
use onestop_kit::{Clock, ServiceError};

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
