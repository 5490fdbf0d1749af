//! Every change on the floor, each one transaction with its board events (and
//! outbox rows), so a crash loses nothing and two counters never call one ticket:
//! [`tickets`] (issue, reissue, cancel), [`calls`] (call-next and what a counter does to
//! the ticket it holds), [`counters`] (open, pause, close) and [`housekeeping`] (expiry,
//! long waits, forgetting personal data). What they share is here.

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

/// Values of a `Vec<String>` column.
pub fn json_value(list: &[String]) -> Value {
    serde_json::to_string(list).expect("list serialises").into()
}

mod calls;
mod counters;
mod housekeeping;
mod tickets;

pub use calls::{Acted, act, call_next};
pub use counters::{close_counter, open_counter, pause_counter};
pub use housekeeping::{expire_due, flag_long_waits, forget_personal_data};
pub use tickets::{cancel, issue, reissue};
