//! Every change on the floor, each one transaction with its board events (and
//! outbox rows), so a crash loses nothing and two counters never call one ticket.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use onestop_kit::ServiceError;
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use super::entity::{CounterState, TicketState};
use super::rows::{
    BoardEventRow, CounterRow, LineRow, TicketRow, WAITING_COLUMNS, WaitingRow, from_ms,
};
use super::tx::{CenterTx, NewEvent, Store, all, exec, one};
use crate::domain::board::BoardKind;
use crate::domain::hours::closing_instant;
use crate::domain::numbering::{new_ticket_id, service_day, ticket_number};
use crate::domain::policy::{
    CounterView, PriorityClass, Waiting, ahead_of, choose_next, normal_since_priority_after,
};
use crate::domain::status::Action;

/// What the kiosk asks for.
#[derive(Debug, Clone)]
pub struct IssueInput {
    /// Service line code.
    pub line_code: String,
    /// Claimed priority.
    pub class: PriorityClass,
    /// Normalised phone for SMS.
    pub phone: Option<String>,
    /// Appointment being checked in.
    pub appointment: Option<AppointmentUse>,
    /// Hash of the citizen's key printed on the ticket.
    pub key_hash: String,
    /// The kiosk's id for this press, if it sent one.
    pub request_id: Option<String>,
}

/// An appointment turned into a ticket.
#[derive(Debug, Clone)]
pub struct AppointmentUse {
    /// Its code.
    pub code: String,
    /// Slot start when checked in within the window; `None` when late (walk-in).
    pub slot: Option<DateTime<Utc>>,
}

/// What a counter does to the ticket it holds.
#[derive(Debug, Clone)]
pub enum TicketOp {
    /// Call again.
    Recall,
    /// Did not come.
    NoShow,
    /// At the counter.
    StartServing,
    /// Set aside.
    Park,
    /// Back from parked.
    Resume,
    /// Done, maybe calling the next one in the same transaction.
    Finish {
        /// e.g. `received`.
        outcome: String,
        /// Dossiers received.
        dossier_codes: Vec<String>,
        /// Auto-call.
        call_next: bool,
    },
    /// To another line or counter.
    Transfer {
        /// Target line.
        to_line: Option<String>,
        /// Target counter.
        to_counter: Option<String>,
        /// Keep the original arrival time.
        keep_arrival: bool,
    },
}

/// A ticket chosen by call-next, with the rule that chose it.
#[derive(Debug, Clone)]
pub struct Called {
    /// The ticket, now called.
    pub ticket: TicketRow,
    /// Number of the calling counter.
    pub counter_number: i32,
    /// Why it was chosen.
    pub reason: String,
}

/// What a write returns besides its result: the board events it committed.
pub type Events = Vec<BoardEventRow>;

async fn waiting_in(
    c: &impl ConnectionTrait,
    center_id: &str,
) -> Result<Vec<WaitingRow>, ServiceError> {
    all(
        c,
        &format!("SELECT {WAITING_COLUMNS} FROM queue_tickets WHERE center_id = $1 AND status = 'waiting'"),
        vec![center_id.into()],
    )
    .await
}

/// Waiting tickets per line, from a list already read.
pub fn waiting_counts(waiting: &[WaitingRow]) -> BTreeMap<String, i32> {
    let mut counts = BTreeMap::new();
    for t in waiting {
        *counts.entry(t.line_code.clone()).or_insert(0) += 1;
    }
    counts
}

/// Waiting tickets per line, counted by the database.
pub async fn counts_now(
    c: &impl ConnectionTrait,
    center_id: &str,
) -> Result<BTreeMap<String, i32>, ServiceError> {
    #[derive(sea_orm::FromQueryResult)]
    struct Count {
        line_code: String,
        n: i64,
    }
    let rows: Vec<Count> = all(
        c,
        "SELECT line_code, COUNT(*) AS n FROM queue_tickets
         WHERE center_id = $1 AND status = 'waiting' GROUP BY line_code",
        vec![center_id.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.line_code, r.n as i32))
        .collect())
}

async fn counter_in(
    c: &impl ConnectionTrait,
    center_id: &str,
    counter_id: &str,
) -> Result<CounterRow, ServiceError> {
    one(
        c,
        "SELECT * FROM queue_counters WHERE center_id = $1 AND counter_id = $2",
        vec![center_id.into(), counter_id.into()],
    )
    .await?
    .ok_or_else(|| {
        ServiceError::NotFound(format!("counter `{counter_id}` in centre `{center_id}`"))
    })
}

async fn line_in(
    c: &impl ConnectionTrait,
    center_id: &str,
    code: &str,
) -> Result<Option<LineRow>, ServiceError> {
    one(
        c,
        "SELECT * FROM queue_lines WHERE center_id = $1 AND code = $2",
        vec![center_id.into(), code.into()],
    )
    .await
}

async fn ticket_in(
    c: &impl ConnectionTrait,
    center_id: &str,
    id: &str,
) -> Result<TicketRow, ServiceError> {
    one(
        c,
        "SELECT * FROM queue_tickets WHERE center_id = $1 AND id = $2",
        vec![center_id.into(), id.into()],
    )
    .await?
    .ok_or_else(|| ServiceError::NotFound(format!("ticket `{id}`")))
}

/// The ticket called or served at a counter, if any.
async fn busy_with(
    c: &impl ConnectionTrait,
    center_id: &str,
    counter_id: &str,
) -> Result<Option<TicketRow>, ServiceError> {
    one(
        c,
        "SELECT * FROM queue_tickets WHERE center_id = $1 AND counter_id = $2
         AND status IN ('called', 'serving')",
        vec![center_id.into(), counter_id.into()],
    )
    .await
}

/// Checks that `staff` holds `counter`.
fn held_by(counter: &CounterRow, staff: &str) -> Result<(), ServiceError> {
    if counter.status == CounterState::Closed {
        return Err(ServiceError::FailedPrecondition(format!(
            "counter {} is closed; open it first",
            counter.number
        )));
    }
    if counter.staff.as_deref() != Some(staff) {
        return Err(ServiceError::FailedPrecondition(format!(
            "counter {} is held by {}, not by {staff}",
            counter.number,
            counter.staff.as_deref().unwrap_or("nobody")
        )));
    }
    Ok(())
}

fn event(kind: BoardKind, ticket: Option<&TicketRow>, counter: Option<&CounterRow>) -> NewEvent {
    NewEvent {
        kind,
        ticket_id: ticket.map(|t| t.id.clone()),
        ticket_number: ticket.map(|t| t.number.clone()).unwrap_or_default(),
        counter_id: counter.map(|c| c.counter_id.clone()),
        counter_number: counter.map(|c| c.number).unwrap_or(0),
        service_code: ticket.map(|t| t.line_code.clone()).unwrap_or_default(),
    }
}

async fn outbox(
    c: &impl ConnectionTrait,
    center_id: &str,
    kind: &str,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    exec(
        c,
        "INSERT INTO queue_outbox (id, center_id, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
        vec![
            new_ticket_id().into(),
            center_id.into(),
            kind.into(),
            payload.to_string().into(),
            now.timestamp_millis().into(),
        ],
    )
    .await?;
    Ok(())
}

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
        dossier_codes: "[]".into(),
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
            ticket.dossier_codes = serde_json::to_string(&dossier_codes).expect("codes serialise");
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

/// Cancels a waiting or called ticket.
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

/// Values of a `Vec<String>` column.
pub fn json_value(list: &[String]) -> Value {
    serde_json::to_string(list).expect("list serialises").into()
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
