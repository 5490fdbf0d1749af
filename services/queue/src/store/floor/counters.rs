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
    let mut tx = CenterTx::begin(store, center_id, now).await?;
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
    exec(
        &tx.txn,
        "UPDATE queue_counters SET status = 'open', staff = $1, pause_reason = '', normal_since_priority = $2
         WHERE center_id = $3 AND counter_id = $4",
        vec![staff.into(), since.into(), center_id.into(), counter_id.into()],
    )
    .await?;
    log_counter(&tx, counter_id, staff, "open", "").await?;
    counter.status = CounterState::Open;
    counter.staff = Some(staff.into());
    counter.pause_reason.clear();
    counter.normal_since_priority = since;
    tx.event(
        event(BoardKind::CounterOpened, None, Some(&counter)),
        counts_now(&tx.txn, center_id).await?,
    );
    let events = tx.commit().await?;
    Ok((counter, events))
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
    let mut tx = CenterTx::begin(store, center_id, now).await?;
    let mut counter = counter_in(&tx.txn, center_id, counter_id).await?;
    held_by(&counter, staff)?;
    if counter.status != CounterState::Open {
        return Err(ServiceError::FailedPrecondition(format!(
            "counter {} is not open",
            counter.number
        )));
    }
    exec(
        &tx.txn,
        "UPDATE queue_counters SET status = 'paused', pause_reason = $1 WHERE center_id = $2 AND counter_id = $3",
        vec![reason.into(), center_id.into(), counter_id.into()],
    )
    .await?;
    log_counter(&tx, counter_id, staff, "paused", reason).await?;
    counter.status = CounterState::Paused;
    counter.pause_reason = reason.into();
    tx.event(
        event(BoardKind::CounterPaused, None, Some(&counter)),
        counts_now(&tx.txn, center_id).await?,
    );
    let events = tx.commit().await?;
    Ok((counter, events))
}

/// Closes a counter held by `staff`; it must hold no called, serving or parked ticket.
pub async fn close_counter(
    store: &Store,
    center_id: &str,
    counter_id: &str,
    staff: &str,
    now: DateTime<Utc>,
) -> Result<(CounterRow, Events), ServiceError> {
    let mut tx = CenterTx::begin(store, center_id, now).await?;
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
    exec(
        &tx.txn,
        "UPDATE queue_counters SET status = 'closed', staff = NULL, pause_reason = '' WHERE center_id = $1 AND counter_id = $2",
        vec![center_id.into(), counter_id.into()],
    )
    .await?;
    log_counter(&tx, counter_id, staff, "closed", "").await?;
    counter.status = CounterState::Closed;
    counter.staff = None;
    tx.event(
        event(BoardKind::CounterClosed, None, Some(&counter)),
        counts_now(&tx.txn, center_id).await?,
    );
    let events = tx.commit().await?;
    Ok((counter, events))
}

async fn log_counter(
    tx: &CenterTx,
    counter_id: &str,
    staff: &str,
    status: &str,
    reason: &str,
) -> Result<(), ServiceError> {
    exec(
        &tx.txn,
        "INSERT INTO queue_counter_log (center_id, counter_id, staff, status, reason, at) VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            tx.center.id.clone().into(),
            counter_id.into(),
            staff.into(),
            status.into(),
            reason.into(),
            tx.now.timestamp_millis().into(),
        ],
    )
    .await?;
    Ok(())
}
