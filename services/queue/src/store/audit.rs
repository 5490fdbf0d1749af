//! Checks the floor's invariants from what the database holds: no ticket called by
//! two counters at once, numbers unique and gap-free per line and day, one state per
//! ticket, and a gap-free board sequence. Used by the property tests and the bench.

use std::collections::{BTreeMap, HashMap};

use onestop_kit::ServiceError;

use super::read;
use super::rows::TicketRow;
use super::tx::{Store, all};
use crate::domain::status::TicketStatus;

/// What the audit found; every list empty means the invariants hold.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    /// Tickets checked.
    pub tickets: usize,
    /// Calls recorded on the board.
    pub calls: usize,
    /// Board events checked.
    pub events: usize,
    /// Tickets called again while still held by a counter.
    pub double_calls: Vec<String>,
    /// `line/day`: numbers missing or repeated.
    pub number_gaps: Vec<String>,
    /// Tickets with an unknown status.
    pub bad_states: Vec<String>,
    /// Board sequence numbers missing.
    pub sequence_gaps: Vec<i64>,
    /// Counters holding more than one called or serving ticket.
    pub busy_counters: Vec<String>,
}

impl Audit {
    /// Whether every invariant holds.
    pub fn ok(&self) -> bool {
        self.double_calls.is_empty()
            && self.number_gaps.is_empty()
            && self.bad_states.is_empty()
            && self.sequence_gaps.is_empty()
            && self.busy_counters.is_empty()
    }
}

/// Audits one centre.
pub async fn audit(store: &Store, center_id: &str) -> Result<Audit, ServiceError> {
    let tickets: Vec<TicketRow> = all(
        &store.db,
        "SELECT * FROM queue_tickets WHERE center_id = $1",
        vec![center_id.into()],
    )
    .await?;
    let events = read::all_events(store, center_id).await?;
    let mut a = Audit {
        tickets: tickets.len(),
        events: events.len(),
        ..Default::default()
    };
    // numbering: per (line, day) the sequences are exactly 1..=n
    let mut numbers: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
    for t in &tickets {
        numbers
            .entry((t.numbered_line.clone(), t.service_day.clone()))
            .or_default()
            .push(t.seq);
        // an unknown stored state does not decode: the typed column refuses it on read
    }
    for ((line, day), mut seqs) in numbers {
        seqs.sort_unstable();
        if seqs.iter().enumerate().any(|(i, s)| *s != i as i64 + 1) {
            a.number_gaps.push(format!("{line}/{day}: {seqs:?}"));
        }
    }
    // board: sequences 1..=head with none missing (older days may be purged: start at the first kept)
    if let (Some(first), Some(last)) = (events.first(), events.last()) {
        let present: std::collections::HashSet<i64> = events.iter().map(|e| e.seq).collect();
        a.sequence_gaps = (first.seq..=last.seq)
            .filter(|s| !present.contains(s))
            .collect();
    }
    // replay the board: a ticket may be called only when no counter holds it
    let mut held: HashMap<String, String> = HashMap::new();
    for e in &events {
        let Some(ticket) = &e.ticket_id else { continue };
        match e.kind.as_str() {
            "called" => {
                a.calls += 1;
                let counter = e.counter_id.clone().unwrap_or_default();
                if let Some(previous) = held.insert(ticket.clone(), counter.clone()) {
                    a.double_calls
                        .push(format!("{} by {previous} then {counter}", e.ticket_number));
                }
            }
            // finish, no-show, and transfer / cancel / park (waiting changed) release it
            "finished" | "no_show" | "waiting_changed" => {
                held.remove(ticket);
            }
            _ => {}
        }
    }
    let mut per_counter: HashMap<&str, usize> = HashMap::new();
    for t in &tickets {
        if matches!(t.status(), TicketStatus::Called | TicketStatus::Serving)
            && let Some(c) = &t.counter_id
        {
            *per_counter.entry(c).or_default() += 1;
        }
    }
    a.busy_counters = per_counter
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(c, n)| format!("{c}: {n}"))
        .collect();
    Ok(a)
}
