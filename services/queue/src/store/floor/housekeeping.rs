//! What runs on a timer: expiry at closing, long-wait events, and forgetting personal
//! data after the retention period.

use super::*;

/// Expires tickets still waiting (or parked) from earlier days, and today's once the
/// centre has closed. Returns how many expired.
pub async fn expire_due(
    store: &Store,
    center_id: &str,
    now: DateTime<Utc>,
) -> Result<(usize, Events), ServiceError> {
    let mut tx = CenterTx::begin(store, center_id, now).await?;
    let today = service_day(now, tx.center.tz);
    let closing = closing_instant(&tx.center.hours, today, tx.center.tz);
    let open: Vec<TicketRow> = all(
        &tx.txn,
        "SELECT * FROM queue_tickets WHERE center_id = $1 AND status IN ('waiting', 'parked')",
        vec![center_id.into()],
    )
    .await?;
    let today_text = today.to_string();
    let due: Vec<&TicketRow> = open
        .iter()
        .filter(|t| {
            t.service_day < today_text
                || (t.service_day == today_text
                    && closing.is_some_and(|c| now >= c && from_ms(t.issued_at) < c))
        })
        .collect();
    if due.is_empty() {
        tx.txn.rollback().await?;
        return Ok((0, Vec::new()));
    }
    let at = now.timestamp_millis();
    for t in &due {
        exec(
            &tx.txn,
            "UPDATE queue_tickets SET status = 'expired', finished_at = $1 WHERE id = $2 AND status IN ('waiting', 'parked')",
            vec![at.into(), t.id.clone().into()],
        )
        .await?;
    }
    let counts = counts_now(&tx.txn, center_id).await?;
    tx.event(event(BoardKind::WaitingChanged, None, None), counts);
    let n = due.len();
    let events = tx.commit().await?;
    Ok((n, events))
}

/// Raises one "long wait" outbox event per ticket waiting longer than the centre's
/// threshold. Returns how many were raised.
pub async fn flag_long_waits(
    store: &Store,
    center_id: &str,
    threshold_minutes: i32,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    if threshold_minutes <= 0 {
        return Ok(0);
    }
    let cutoff = (now - Duration::minutes(i64::from(threshold_minutes))).timestamp_millis();
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    let long: Vec<TicketRow> = all(
        &txn,
        "UPDATE queue_tickets SET long_wait_sent = 1
         WHERE center_id = $1 AND status = 'waiting' AND long_wait_sent = 0 AND issued_at <= $2
         RETURNING *",
        vec![center_id.into(), cutoff.into()],
    )
    .await?;
    for t in &long {
        outbox(
            &txn,
            center_id,
            "queue.long_wait",
            serde_json::json!({
                "center_id": center_id, "ticket_id": t.id, "number": t.number,
                "line": t.line_code, "waited_minutes": (now - from_ms(t.issued_at)).num_minutes(),
            }),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(long.len())
}

/// Forgets what finished tickets no longer need: phone numbers of tickets finished
/// before `before`, and outbox rows created before it (a "your turn is near" message
/// that old is of no use to anyone). Returns (phones cleared, outbox rows deleted).
pub async fn forget_personal_data(
    store: &Store,
    before: DateTime<Utc>,
) -> Result<(u64, u64), ServiceError> {
    let _gate = store.gate().await;
    let at = before.timestamp_millis();
    let phones = exec(
        &store.db,
        "UPDATE queue_tickets SET phone = NULL
         WHERE phone IS NOT NULL AND finished_at IS NOT NULL AND finished_at < $1",
        vec![at.into()],
    )
    .await?;
    let appointments = exec(
        &store.db,
        "UPDATE queue_appointments SET phone = '', full_name = ''
         WHERE slot_end < $1 AND phone <> ''",
        vec![at.into()],
    )
    .await?;
    let outbox = exec(
        &store.db,
        "DELETE FROM queue_outbox WHERE created_at < $1",
        vec![at.into()],
    )
    .await?;
    Ok((phones + appointments, outbox))
}
