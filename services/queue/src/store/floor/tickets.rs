//! Tickets in and out of the queue: issuing at the kiosk (a retried press reissues),
//! cancelling with the citizen's key or a staff token.

use super::*;

/// Issues a ticket: the next number of the line for the centre's local day.
pub async fn issue(
    store: &Store,
    center_id: &str,
    input: IssueInput,
    now: DateTime<Utc>,
) -> Result<(TicketRow, Events), ServiceError> {
    let mut tx = CenterTx::begin(store, center_id, now).await?;
    let line = line_in(&tx.txn, center_id, &input.line_code)
        .await?
        .ok_or_else(|| {
            ServiceError::NotFound(format!(
                "service line `{}` in centre `{center_id}`",
                input.line_code
            ))
        })?;
    let day = service_day(now, tx.center.tz).to_string();
    #[derive(sea_orm::FromQueryResult)]
    struct Seq {
        last_seq: i64,
    }
    let seq: Seq = one(
        &tx.txn,
        "INSERT INTO queue_daily_numbers (center_id, line_code, service_day, last_seq)
         VALUES ($1, $2, $3, 1)
         ON CONFLICT (center_id, line_code, service_day)
         DO UPDATE SET last_seq = queue_daily_numbers.last_seq + 1
         RETURNING last_seq",
        vec![
            center_id.into(),
            line.code.clone().into(),
            day.clone().into(),
        ],
    )
    .await?
    .ok_or_else(|| ServiceError::Internal("numbering returned no row".into()))?;
    let at = now.timestamp_millis();
    let ticket = TicketRow {
        id: new_ticket_id(),
        center_id: center_id.to_string(),
        numbered_line: line.code.clone(),
        service_day: day,
        seq: seq.last_seq,
        number: ticket_number(&line.prefix, seq.last_seq),
        line_code: line.code.clone(),
        priority: input.class.code(),
        status: TicketState::Waiting,
        phone: input.phone,
        appointment_code: input.appointment.as_ref().map(|a| a.code.clone()),
        appointment_slot: input
            .appointment
            .as_ref()
            .and_then(|a| a.slot)
            .map(|s| s.timestamp_millis()),
        issued_at: at,
        arrival_at: at,
        target_counter: None,
        counter_id: None,
        first_called_at: None,
        called_at: None,
        serving_at: None,
        finished_at: None,
        recall_count: 0,
        outcome: String::new(),
        dossier_codes: onestop_kit::json_text::JsonText(Vec::new()),
        turn_near_sent: 0,
        long_wait_sent: 0,
        key_hash: input.key_hash.clone(),
        request_id: input.request_id.clone(),
    };
    exec(
        &tx.txn,
        "INSERT INTO queue_tickets (id, center_id, numbered_line, service_day, seq, number, line_code,
         priority, status, phone, appointment_code, appointment_slot, issued_at, arrival_at,
         key_hash, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        vec![
            ticket.id.clone().into(),
            ticket.center_id.clone().into(),
            ticket.numbered_line.clone().into(),
            ticket.service_day.clone().into(),
            ticket.seq.into(),
            ticket.number.clone().into(),
            ticket.line_code.clone().into(),
            ticket.priority.into(),
            ticket.status.into(),
            ticket.phone.clone().into(),
            ticket.appointment_code.clone().into(),
            ticket.appointment_slot.into(),
            at.into(),
            at.into(),
            ticket.key_hash.clone().into(),
            ticket.request_id.clone().into(),
        ],
    )
    .await?;
    if let Some(appointment) = &input.appointment {
        let claimed = exec(
            &tx.txn,
            "UPDATE queue_appointments SET ticket_id = $1 WHERE code = $2 AND ticket_id IS NULL",
            vec![ticket.id.clone().into(), appointment.code.clone().into()],
        )
        .await?;
        if claimed != 1 {
            return Err(ServiceError::FailedPrecondition(format!(
                "appointment {} is already checked in",
                appointment.code
            )));
        }
    }
    let counts = counts_now(&tx.txn, center_id).await?;
    tx.event(
        event(BoardKind::WaitingChanged, Some(&ticket), None),
        counts,
    );
    let events = tx.commit().await?;
    Ok((ticket, events))
}

/// The ticket a kiosk already issued for `request_id` in `center_id`, now with a new
/// key hash (the first answer was lost, so its key was never printed); `None` if that
/// press issued nothing yet. One statement: atomic without the centre's lock.
pub async fn reissue(
    store: &Store,
    center_id: &str,
    request_id: &str,
    key_hash: &str,
) -> Result<Option<TicketRow>, ServiceError> {
    let _gate = store.gate().await;
    one::<TicketRow>(
        &store.db,
        "UPDATE queue_tickets SET key_hash = $1 WHERE center_id = $2 AND request_id = $3
         RETURNING *",
        vec![key_hash.into(), center_id.into(), request_id.into()],
    )
    .await
}

/// Cancels a ticket if `may_cancel` allows it for the stored ticket (its key or a
/// staff token of its centre); a refusal changes nothing.
pub async fn cancel(
    store: &Store,
    ticket_id: &str,
    now: DateTime<Utc>,
    may_cancel: impl FnOnce(&TicketRow) -> Result<(), ServiceError>,
) -> Result<(TicketRow, Events), ServiceError> {
    let stored = one::<TicketRow>(
        &store.db,
        "SELECT * FROM queue_tickets WHERE id = $1",
        vec![ticket_id.into()],
    )
    .await?
    .ok_or_else(|| ServiceError::NotFound(format!("ticket `{ticket_id}`")))?;
    may_cancel(&stored)?;
    let center_id = stored.center_id;
    let mut tx = CenterTx::begin(store, &center_id, now).await?;
    let mut ticket = ticket_in(&tx.txn, &center_id, ticket_id).await?;
    let next = ticket
        .status()
        .apply(Action::Cancel)
        .map_err(ServiceError::FailedPrecondition)?;
    let at = now.timestamp_millis();
    exec(
        &tx.txn,
        "UPDATE queue_tickets SET status = 'cancelled', finished_at = $1 WHERE id = $2",
        vec![at.into(), ticket.id.clone().into()],
    )
    .await?;
    let counter = match &ticket.counter_id {
        Some(c) => Some(counter_in(&tx.txn, &center_id, c).await?),
        None => None,
    };
    ticket.status = next.into();
    ticket.finished_at = Some(at);
    tx.event(
        event(BoardKind::WaitingChanged, Some(&ticket), counter.as_ref()),
        counts_now(&tx.txn, &center_id).await?,
    );
    let events = tx.commit().await?;
    Ok((ticket, events))
}
