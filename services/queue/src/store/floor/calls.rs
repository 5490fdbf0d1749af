//! Call-next and what a counter does to the ticket it holds: recall, no-show, serve,
//! finish (and call the next), transfer, park, resume.

use super::*;

/// Calls the next ticket for `counter_id`, held by `staff`; `None` when nobody waits.
pub async fn call_next(
    store: &Store,
    center_id: &str,
    counter_id: &str,
    staff: &str,
    now: DateTime<Utc>,
) -> Result<(Option<Called>, Events), ServiceError> {
    let mut tx = CenterTx::begin(store, center_id, now).await?;
    let counter = counter_in(&tx.txn, center_id, counter_id).await?;
    held_by(&counter, staff)?;
    if counter.status == CounterState::Paused {
        return Err(ServiceError::FailedPrecondition(format!(
            "counter {} is paused; open it to call",
            counter.number
        )));
    }
    if let Some(current) = busy_with(&tx.txn, center_id, counter_id).await? {
        return Err(ServiceError::FailedPrecondition(format!(
            "counter {} still has {} ({}); finish it, mark a no-show or transfer it first",
            counter.number, current.number, current.status
        )));
    }
    let called = call_in(&mut tx, &counter).await?;
    let events = tx.commit().await?;
    Ok((called, events))
}

/// The call itself, inside a centre transaction.
async fn call_in(tx: &mut CenterTx, counter: &CounterRow) -> Result<Option<Called>, ServiceError> {
    let center_id = tx.center.id.clone();
    let mut waiting = waiting_in(&tx.txn, &center_id).await?;
    let views: Vec<Waiting> = waiting.iter().map(WaitingRow::view).collect();
    let lines = counter.lines();
    let view = CounterView {
        id: &counter.counter_id,
        lines: &lines,
        normal_since_priority: counter.normal_since_priority.max(0) as u32,
    };
    let Some(choice) = choose_next(&views, &view, &tx.center.policy, tx.now) else {
        return Ok(None);
    };
    let chosen = waiting.remove(choice.index);
    let at = tx.now.timestamp_millis();
    let ticket: TicketRow = one(
        &tx.txn,
        "UPDATE queue_tickets SET status = 'called', counter_id = $1, called_at = $2,
         first_called_at = COALESCE(first_called_at, $2), target_counter = NULL
         WHERE id = $3 AND status = 'waiting' RETURNING *",
        vec![
            counter.counter_id.clone().into(),
            at.into(),
            chosen.id.clone().into(),
        ],
    )
    .await?
    .ok_or_else(|| {
        ServiceError::Aborted(format!(
            "ticket {} was taken by another counter",
            chosen.number
        ))
    })?;
    let since = normal_since_priority_after(choice.pick, view.normal_since_priority);
    exec(
        &tx.txn,
        "UPDATE queue_counters SET normal_since_priority = $1 WHERE center_id = $2 AND counter_id = $3",
        vec![(since as i32).into(), center_id.clone().into(), counter.counter_id.clone().into()],
    )
    .await?;
    notify_turn_near(tx, &waiting).await?;
    tx.event(
        event(BoardKind::Called, Some(&ticket), Some(counter)),
        waiting_counts(&waiting),
    );
    Ok(Some(Called {
        reason: choice.reason(&tx.center.policy),
        counter_number: counter.number,
        ticket,
    }))
}

/// Outbox "turn near" for waiting tickets with a phone that reached the centre's position.
async fn notify_turn_near(tx: &CenterTx, waiting: &[WaitingRow]) -> Result<(), ServiceError> {
    let threshold = tx.center.notify_position;
    if threshold <= 0 {
        return Ok(());
    }
    let views: Vec<Waiting> = waiting.iter().map(WaitingRow::view).collect();
    for (t, view) in waiting.iter().zip(&views) {
        if t.phone.is_none() || t.turn_near_sent != 0 {
            continue;
        }
        let position = ahead_of(view, &views, &tx.center.policy, tx.now).len() as i32 + 1;
        if position <= threshold {
            exec(
                &tx.txn,
                "UPDATE queue_tickets SET turn_near_sent = 1 WHERE id = $1",
                vec![t.id.clone().into()],
            )
            .await?;
            outbox(
                &tx.txn,
                &tx.center.id,
                "queue.ticket.turn_near",
                serde_json::json!({
                    "ticket_id": t.id, "number": t.number, "phone": t.phone,
                    "position": position, "center_id": tx.center.id,
                }),
                tx.now,
            )
            .await?;
        }
    }
    Ok(())
}

/// The result of a counter's action on a ticket.
#[derive(Debug, Clone)]
pub struct Acted {
    /// The ticket after the action.
    pub ticket: TicketRow,
    /// Number of the counter still holding it (0: none).
    pub counter_number: i32,
    /// For a finish with auto-call, the next ticket called.
    pub next: Option<Called>,
}

/// A counter's action on a ticket it holds.
pub async fn act(
    store: &Store,
    center_id: &str,
    counter_id: &str,
    staff: &str,
    ticket_id: &str,
    op: TicketOp,
    now: DateTime<Utc>,
) -> Result<(Acted, Events), ServiceError> {
    let mut tx = CenterTx::begin(store, center_id, now).await?;
    let counter = counter_in(&tx.txn, center_id, counter_id).await?;
    held_by(&counter, staff)?;
    let mut ticket = ticket_in(&tx.txn, center_id, ticket_id).await?;
    if ticket.counter_id.as_deref() != Some(counter_id) || !ticket.status().is_at_counter() {
        return Err(ServiceError::FailedPrecondition(format!(
            "ticket {} is {} and not held by counter {}",
            ticket.number, ticket.status, counter.number
        )));
    }
    let at = now.timestamp_millis();
    let action = match &op {
        TicketOp::Recall => Action::Recall,
        TicketOp::NoShow => Action::NoShow,
        TicketOp::StartServing => Action::StartServing,
        TicketOp::Park => Action::Park,
        TicketOp::Resume => Action::Resume,
        TicketOp::Finish { .. } => Action::Finish,
        TicketOp::Transfer { .. } => Action::Transfer,
    };
    let next_status = ticket
        .status()
        .apply(action)
        .map_err(ServiceError::FailedPrecondition)?;
    // each action names its board event; a finish may call the next ticket after it
    let (kind, then_call) = match op {
        TicketOp::Recall => {
            ticket.recall_count += 1;
            exec(&tx.txn, "UPDATE queue_tickets SET recall_count = recall_count + 1, called_at = $1 WHERE id = $2", vec![at.into(), ticket.id.clone().into()]).await?;
            (BoardKind::Recalled, false)
        }
        TicketOp::NoShow => {
            ticket.finished_at = Some(at);
            exec(
                &tx.txn,
                "UPDATE queue_tickets SET status = 'no_show', finished_at = $1 WHERE id = $2",
                vec![at.into(), ticket.id.clone().into()],
            )
            .await?;
            (BoardKind::NoShow, false)
        }
        TicketOp::StartServing => {
            ticket.serving_at = Some(at);
            exec(
                &tx.txn,
                "UPDATE queue_tickets SET status = 'serving', serving_at = $1 WHERE id = $2",
                vec![at.into(), ticket.id.clone().into()],
            )
            .await?;
            (BoardKind::Serving, false)
        }
        TicketOp::Park => {
            exec(
                &tx.txn,
                "UPDATE queue_tickets SET status = 'parked' WHERE id = $1",
                vec![ticket.id.clone().into()],
            )
            .await?;
            (BoardKind::WaitingChanged, false)
        }
        TicketOp::Resume => {
            if let Some(current) = busy_with(&tx.txn, center_id, counter_id).await? {
                return Err(ServiceError::FailedPrecondition(format!(
                    "counter {} is busy with {}; finish it before resuming {}",
                    counter.number, current.number, ticket.number
                )));
            }
            exec(
                &tx.txn,
                "UPDATE queue_tickets SET status = 'serving' WHERE id = $1",
                vec![ticket.id.clone().into()],
            )
            .await?;
            (BoardKind::Serving, false)
        }
        TicketOp::Finish {
            outcome,
            dossier_codes,
            call_next,
        } => {
            ticket.finished_at = Some(at);
            ticket.outcome = outcome;
            ticket.dossier_codes = onestop_kit::json_text::JsonText(dossier_codes);
            exec(
                &tx.txn,
                "UPDATE queue_tickets SET status = 'done', finished_at = $1, outcome = $2, dossier_codes = $3 WHERE id = $4",
                vec![at.into(), ticket.outcome.clone().into(), ticket.dossier_codes.clone().into(), ticket.id.clone().into()],
            )
            .await?;
            (
                BoardKind::Finished,
                call_next && counter.status == CounterState::Open,
            )
        }
        TicketOp::Transfer {
            to_line,
            to_counter,
            keep_arrival,
        } => {
            let (line, target) = match (to_line, to_counter) {
                (Some(line), None) => {
                    if line_in(&tx.txn, center_id, &line).await?.is_none() {
                        return Err(ServiceError::FailedPrecondition(format!(
                            "centre {center_id} has no service line `{line}`"
                        )));
                    }
                    (line, None)
                }
                (None, Some(target)) => {
                    let target_counter = one::<CounterRow>(
                        &tx.txn,
                        "SELECT * FROM queue_counters WHERE center_id = $1 AND counter_id = $2",
                        vec![center_id.into(), target.clone().into()],
                    )
                    .await?
                    .ok_or_else(|| {
                        ServiceError::FailedPrecondition(format!(
                            "centre {center_id} has no counter `{target}`"
                        ))
                    })?;
                    if target == counter_id {
                        return Err(ServiceError::FailedPrecondition(
                            "a ticket cannot be transferred to its own counter".into(),
                        ));
                    }
                    let line = target_counter
                        .lines()
                        .into_iter()
                        .next()
                        .unwrap_or(ticket.line_code.clone());
                    (line, Some(target))
                }
                _ => {
                    return Err(ServiceError::invalid(
                        "to_service_code",
                        "give exactly one of to_service_code and to_counter_id",
                    ));
                }
            };
            let arrival = if keep_arrival { ticket.arrival_at } else { at };
            exec(
                &tx.txn,
                "UPDATE queue_tickets SET status = 'waiting', line_code = $1, target_counter = $2,
                 counter_id = NULL, arrival_at = $3, serving_at = NULL WHERE id = $4",
                vec![
                    line.clone().into(),
                    target.clone().into(),
                    arrival.into(),
                    ticket.id.clone().into(),
                ],
            )
            .await?;
            ticket.line_code = line;
            ticket.target_counter = target;
            ticket.counter_id = None;
            ticket.arrival_at = arrival;
            ticket.serving_at = None;
            (BoardKind::WaitingChanged, false)
        }
    };
    tx.event(
        event(kind, Some(&ticket), Some(&counter)),
        counts_now(&tx.txn, center_id).await?,
    );
    let next_call = if then_call {
        call_in(&mut tx, &counter).await?
    } else {
        None
    };
    ticket.status = next_status.into();
    let events = tx.commit().await?;
    let counter_number = if ticket.counter_id.as_deref() == Some(counter_id) {
        counter.number
    } else {
        0
    };
    Ok((
        Acted {
            ticket,
            counter_number,
            next: next_call,
        },
        events,
    ))
}
