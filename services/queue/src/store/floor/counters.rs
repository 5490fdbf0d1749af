//! Opening, pausing and closing a counter, each logged for the statistics.

use super::*;

/// Opens (or resumes) a counter for `staff`.
pub async fn open_counter(
    store: &Store,
    center_id: &str,
    counter_id: &str,
    staff: &str,
    now: DateTime<Utc>,
) -> Result<(CounterRow, Events), ServiceError> {
    let tx = CenterTx::begin(store, center_id, now).await?;
    let mut counter = counter_in(&tx.txn, center_id, counter_id).await?;
    if let Some(other) = one::<CounterRow>(
        &tx.txn,
        "SELECT * FROM queue_counters WHERE staff = $1 AND NOT (center_id = $2 AND counter_id = $3)",
        vec![staff.into(), center_id.into(), counter_id.into()],
    )
    .await?
    {
        return Err(ServiceError::FailedPrecondition(format!(
            "{staff} already holds counter {} in {}; close it first",
            other.number, other.center_id
        )));
    }
    match (counter.status, counter.staff.as_deref()) {
        (CounterState::Closed, _) => {}
        (_, Some(holder)) if holder == staff => {
            if counter.status == CounterState::Open {
                return Err(ServiceError::FailedPrecondition(format!(
                    "counter {} is already open",
                    counter.number
                )));
            }
        }
        (_, holder) => {
            return Err(ServiceError::FailedPrecondition(format!(
                "counter {} is held by {}",
                counter.number,
                holder.unwrap_or("nobody")
            )));
        }
    }
    let since = if counter.status == CounterState::Closed {
        tx.center.policy.normal_between_priority as i32
    } else {
        counter.normal_since_priority
    };
    counter.status = CounterState::Open;
    counter.staff = Some(staff.into());
    counter.pause_reason.clear();
    counter.normal_since_priority = since;
    settle(tx, counter, staff, BoardKind::CounterOpened).await
}

/// Pauses an open counter held by `staff`.
pub async fn pause_counter(
    store: &Store,
    center_id: &str,
    counter_id: &str,
    staff: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(CounterRow, Events), ServiceError> {
    let tx = CenterTx::begin(store, center_id, now).await?;
    let mut counter = counter_in(&tx.txn, center_id, counter_id).await?;
    held_by(&counter, staff)?;
    if counter.status != CounterState::Open {
        return Err(ServiceError::FailedPrecondition(format!(
            "counter {} is not open",
            counter.number
        )));
    }
    counter.status = CounterState::Paused;
    counter.pause_reason = reason.into();
    settle(tx, counter, staff, BoardKind::CounterPaused).await
}

/// Closes a counter held by `staff`; it must hold no called, serving or parked ticket.
pub async fn close_counter(
    store: &Store,
    center_id: &str,
    counter_id: &str,
    staff: &str,
    now: DateTime<Utc>,
) -> Result<(CounterRow, Events), ServiceError> {
    let tx = CenterTx::begin(store, center_id, now).await?;
    let mut counter = counter_in(&tx.txn, center_id, counter_id).await?;
    held_by(&counter, staff)?;
    if let Some(t) = one::<TicketRow>(
        &tx.txn,
        "SELECT * FROM queue_tickets WHERE center_id = $1 AND counter_id = $2 AND status IN ('called', 'serving', 'parked')",
        vec![center_id.into(), counter_id.into()],
    )
    .await?
    {
        return Err(ServiceError::FailedPrecondition(format!(
            "counter {} still holds {} ({}); finish, transfer or mark it first",
            counter.number, t.number, t.status
        )));
    }
    counter.status = CounterState::Closed;
    counter.staff = None;
    counter.pause_reason.clear();
    settle(tx, counter, staff, BoardKind::CounterClosed).await
}

/// Writes the counter's new state, logs it for the statistics (by `staff`, with the
/// pause reason), puts its board event on the transaction and commits: the one tail of
/// opening, pausing and closing.
async fn settle(
    mut tx: CenterTx,
    counter: CounterRow,
    staff: &str,
    kind: BoardKind,
) -> Result<(CounterRow, Events), ServiceError> {
    exec(
        &tx.txn,
        "UPDATE queue_counters SET status = $1, staff = $2, pause_reason = $3,
            normal_since_priority = $4
         WHERE center_id = $5 AND counter_id = $6",
        vec![
            counter.status.into(),
            counter.staff.clone().into(),
            counter.pause_reason.clone().into(),
            counter.normal_since_priority.into(),
            counter.center_id.clone().into(),
            counter.counter_id.clone().into(),
        ],
    )
    .await?;
    exec(
        &tx.txn,
        "INSERT INTO queue_counter_log (center_id, counter_id, staff, status, reason, at) VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            tx.center.id.clone().into(),
            counter.counter_id.clone().into(),
            staff.into(),
            counter.status.into(),
            counter.pause_reason.clone().into(),
            tx.now.timestamp_millis().into(),
        ],
    )
    .await?;
    let waiting = counts_now(&tx.txn, &counter.center_id).await?;
    tx.event(event(kind, None, Some(&counter)), waiting);
    let events = tx.commit().await?;
    Ok((counter, events))
}
