//! Reads: a ticket with its position and estimate, the board snapshot and events,
//! and the raw material of statistics.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use onestop_kit::ServiceError;
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::entity::{CounterState, TicketState};
use super::floor::counts_now;
use super::rows::{
    BoardEventRow, Center, CounterLogRow, CounterRow, TicketRow, WAITING_COLUMNS, WaitingRow,
};
use super::setup;
use super::tx::{Store, all, exec, one};
use crate::domain::estimate::{WaitEstimate, estimate};
use crate::domain::policy::{AheadReason, Waiting, ahead_of};

/// A ticket as the citizen follows it.
#[derive(Debug, Clone)]
pub struct TicketView {
    /// The ticket.
    pub ticket: TicketRow,
    /// Its centre.
    pub center: Center,
    /// 1 = next; 0 when not waiting.
    pub position: i32,
    /// Why each ticket ahead is ahead.
    pub ahead: Vec<AheadReason>,
    /// Expected wait, when waiting.
    pub estimate: Option<WaitEstimate>,
    /// Number of the counter holding it (0: none).
    pub counter_number: i32,
}

/// Recent service durations (minutes) of a line: the last 20 finished in 3 hours.
async fn recent_service_minutes(
    c: &impl ConnectionTrait,
    center_id: &str,
    line: &str,
    now: DateTime<Utc>,
) -> Result<Vec<f64>, ServiceError> {
    #[derive(sea_orm::FromQueryResult)]
    struct Span {
        serving_at: i64,
        finished_at: i64,
    }
    let since = (now - Duration::hours(3)).timestamp_millis();
    let spans: Vec<Span> = all(
        c,
        "SELECT serving_at, finished_at FROM queue_tickets
         WHERE center_id = $1 AND line_code = $2 AND status = 'done' AND serving_at IS NOT NULL
           AND finished_at >= $3
         ORDER BY finished_at DESC LIMIT 20",
        vec![center_id.into(), line.into(), since.into()],
    )
    .await?;
    Ok(spans
        .iter()
        .map(|s| (s.finished_at - s.serving_at) as f64 / 60_000.0)
        .collect())
}

/// One ticket by id.
pub async fn ticket(store: &Store, id: &str) -> Result<TicketRow, ServiceError> {
    one(
        &store.db,
        "SELECT * FROM queue_tickets WHERE id = $1",
        vec![id.into()],
    )
    .await?
    .ok_or_else(|| ServiceError::NotFound(format!("ticket `{id}`")))
}

/// A ticket with its position, the reasons of those ahead and the expected wait.
pub async fn ticket_view(
    store: &Store,
    id: &str,
    now: DateTime<Utc>,
) -> Result<TicketView, ServiceError> {
    let ticket = ticket(store, id).await?;
    let center = setup::center(store, &ticket.center_id).await?;
    let counters = setup::counters(store, &ticket.center_id).await?;
    let counter_number = ticket
        .counter_id
        .as_ref()
        .and_then(|c| counters.iter().find(|k| &k.counter_id == c))
        .map_or(0, |c| c.number);
    let mut view = TicketView {
        ticket,
        center,
        position: 0,
        ahead: Vec::new(),
        estimate: None,
        counter_number,
    };
    if view.ticket.status != TicketState::Waiting {
        return Ok(view);
    }
    let waiting: Vec<WaitingRow> = all(
        &store.db,
        &format!("SELECT {WAITING_COLUMNS} FROM queue_tickets WHERE center_id = $1 AND status = 'waiting'"),
        vec![view.ticket.center_id.clone().into()],
    )
    .await?;
    let views: Vec<Waiting> = waiting.iter().map(WaitingRow::view).collect();
    let Some(me) = views.iter().find(|w| w.id == view.ticket.id).cloned() else {
        return Ok(view);
    };
    view.ahead = ahead_of(&me, &views, &view.center.policy, now)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    view.position = view.ahead.len() as i32 + 1;
    let open_for_line = counters
        .iter()
        .filter(|c| c.status == CounterState::Open && c.lines().contains(&view.ticket.line_code))
        .count() as u32;
    let recent = recent_service_minutes(
        &store.db,
        &view.ticket.center_id,
        &view.ticket.line_code,
        now,
    )
    .await?;
    view.estimate = Some(estimate(view.ahead.len() as u32, &recent, open_for_line));
    Ok(view)
}

/// The board as it is now, at a sequence number.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Board sequence the snapshot is at.
    pub seq: i64,
    /// Counters, by number, with the ticket each holds (called or serving).
    pub counters: Vec<(CounterRow, Option<TicketRow>)>,
    /// Waiting tickets per line.
    pub waiting: BTreeMap<String, i32>,
    /// Numbers of the latest calls today, newest first.
    pub recent_calls: Vec<String>,
}

/// A centre's counters by number, each with the ticket it has called or is serving.
pub async fn counters_holding(
    c: &impl ConnectionTrait,
    center_id: &str,
) -> Result<Vec<(CounterRow, Option<TicketRow>)>, ServiceError> {
    let counters: Vec<CounterRow> = all(
        c,
        "SELECT * FROM queue_counters WHERE center_id = $1 ORDER BY number",
        vec![center_id.into()],
    )
    .await?;
    let held: Vec<TicketRow> = all(
        c,
        "SELECT * FROM queue_tickets WHERE center_id = $1 AND status IN ('called', 'serving')",
        vec![center_id.into()],
    )
    .await?;
    Ok(counters
        .into_iter()
        .map(|counter| {
            let ticket = held
                .iter()
                .find(|t| t.counter_id.as_deref() == Some(counter.counter_id.as_str()))
                .cloned();
            (counter, ticket)
        })
        .collect())
}

/// Reads the board under the centre's lock, so the snapshot and its sequence agree
/// (for screens; plain listings read without the lock).
pub async fn snapshot(store: &Store, center_id: &str) -> Result<Snapshot, ServiceError> {
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    let locked = exec(
        &txn,
        "UPDATE queue_centers SET board_seq = board_seq WHERE center_id = $1",
        vec![center_id.into()],
    )
    .await?;
    if locked == 0 {
        return Err(ServiceError::NotFound(format!("centre `{center_id}`")));
    }
    #[derive(sea_orm::FromQueryResult)]
    struct Seq {
        board_seq: i64,
    }
    let seq = one::<Seq>(
        &txn,
        "SELECT board_seq FROM queue_centers WHERE center_id = $1",
        vec![center_id.into()],
    )
    .await?
    .map_or(0, |s| s.board_seq);
    let counters = counters_holding(&txn, center_id).await?;
    let waiting = counts_now(&txn, center_id).await?;
    let recent: Vec<BoardEventRow> = all(
        &txn,
        "SELECT * FROM queue_board_events WHERE center_id = $1 AND kind IN ('called', 'recalled')
         ORDER BY seq DESC LIMIT 6",
        vec![center_id.into()],
    )
    .await?;
    txn.rollback().await?;
    Ok(Snapshot {
        seq,
        counters,
        waiting,
        recent_calls: recent.into_iter().map(|e| e.ticket_number).collect(),
    })
}

/// Board events of a centre after `after`, in order, at most `limit`.
pub async fn events_after(
    store: &Store,
    center_id: &str,
    after: i64,
    limit: u64,
) -> Result<Vec<BoardEventRow>, ServiceError> {
    all(
        &store.db,
        "SELECT * FROM queue_board_events WHERE center_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        vec![center_id.into(), after.into(), (limit as i64).into()],
    )
    .await
}

/// Board events of a centre in `(after, upto]`.
pub async fn events_between(
    store: &Store,
    center_id: &str,
    after: i64,
    upto: i64,
) -> Result<Vec<BoardEventRow>, ServiceError> {
    all(
        &store.db,
        "SELECT * FROM queue_board_events WHERE center_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
        vec![center_id.into(), after.into(), upto.into()],
    )
    .await
}

/// The first board event still kept for a centre.
pub async fn first_kept_seq(store: &Store, center_id: &str) -> Result<Option<i64>, ServiceError> {
    #[derive(sea_orm::FromQueryResult)]
    struct First {
        seq: Option<i64>,
    }
    Ok(one::<First>(
        &store.db,
        "SELECT MIN(seq) AS seq FROM queue_board_events WHERE center_id = $1",
        vec![center_id.into()],
    )
    .await?
    .and_then(|f| f.seq))
}

/// Every centre's latest board sequence.
pub async fn board_heads(store: &Store) -> Result<Vec<(String, i64)>, ServiceError> {
    #[derive(sea_orm::FromQueryResult)]
    struct Head {
        center_id: String,
        board_seq: i64,
    }
    let heads: Vec<Head> = all(
        &store.db,
        "SELECT center_id, board_seq FROM queue_centers",
        vec![],
    )
    .await?;
    Ok(heads
        .into_iter()
        .map(|h| (h.center_id, h.board_seq))
        .collect())
}

/// Deletes board events older than `before` (they are kept for the day).
pub async fn purge_board_events(store: &Store, before: DateTime<Utc>) -> Result<u64, ServiceError> {
    let _gate = store.gate().await;
    exec(
        &store.db,
        "DELETE FROM queue_board_events WHERE at < $1",
        vec![before.timestamp_millis().into()],
    )
    .await
}

/// Tickets issued in `[from, to)`.
pub async fn tickets_issued(
    store: &Store,
    center_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<TicketRow>, ServiceError> {
    all(
        &store.db,
        "SELECT * FROM queue_tickets WHERE center_id = $1 AND issued_at >= $2 AND issued_at < $3",
        vec![
            center_id.into(),
            from.timestamp_millis().into(),
            to.timestamp_millis().into(),
        ],
    )
    .await
}

/// Counter state changes up to `to`, in time order.
pub async fn counter_log(
    store: &Store,
    center_id: &str,
    to: DateTime<Utc>,
) -> Result<Vec<CounterLogRow>, ServiceError> {
    all(
        &store.db,
        "SELECT counter_id, status, at FROM queue_counter_log WHERE center_id = $1 AND at < $2 ORDER BY at, id",
        vec![center_id.into(), to.timestamp_millis().into()],
    )
    .await
}

/// All board events of a centre (tests and invariant checks).
pub async fn all_events(
    store: &Store,
    center_id: &str,
) -> Result<Vec<BoardEventRow>, ServiceError> {
    events_after(store, center_id, 0, i64::MAX as u64).await
}

/// Outbox rows not yet delivered, oldest first.
pub async fn pending_outbox(store: &Store) -> Result<Vec<(String, String, String)>, ServiceError> {
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        id: String,
        kind: String,
        payload: String,
    }
    let rows: Vec<Row> = all(
        &store.db,
        "SELECT id, kind, payload FROM queue_outbox WHERE delivered_at IS NULL ORDER BY created_at",
        vec![],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.kind, r.payload))
        .collect())
}
