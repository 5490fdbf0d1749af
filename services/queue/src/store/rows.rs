//! Rows as read from the queue's tables, and their parsed forms.
// Row fields are the columns of the migration, named alike; see there.
#![allow(missing_docs)]

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use onestop_kit::ServiceError;
use sea_orm::FromQueryResult;

use crate::domain::hours::OpenInterval;
use crate::domain::policy::{PriorityClass, PriorityPolicy, Waiting};
use crate::domain::status::TicketStatus;

/// Epoch milliseconds → UTC time.
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

/// `queue_centers`.
#[derive(Debug, Clone, FromQueryResult)]
pub struct CenterRow {
    pub center_id: String,
    pub name_vi: String,
    pub name_en: String,
    pub time_zone: String,
    pub hours: String,
    pub policy: String,
    pub notify_position: i32,
    pub long_wait_minutes: i32,
    pub board_seq: i64,
}

/// A centre with its settings parsed.
#[derive(Debug, Clone)]
pub struct Center {
    /// Id, e.g. `muong-sai`.
    pub id: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Local time zone.
    pub tz: Tz,
    /// Opening hours.
    pub hours: Vec<OpenInterval>,
    /// Queue ordering policy.
    pub policy: PriorityPolicy,
    /// Position at which a "turn near" event is raised.
    pub notify_position: i32,
    /// Wait after which a "long wait" event is raised.
    pub long_wait_minutes: i32,
    /// Last board sequence number.
    pub board_seq: i64,
}

impl TryFrom<CenterRow> for Center {
    type Error = ServiceError;

    fn try_from(row: CenterRow) -> Result<Self, ServiceError> {
        let corrupt = |what: &str| {
            ServiceError::Internal(format!(
                "centre {}: stored {what} unreadable",
                row.center_id
            ))
        };
        Ok(Self {
            tz: row.time_zone.parse().map_err(|_| corrupt("time zone"))?,
            hours: serde_json::from_str(&row.hours).map_err(|_| corrupt("hours"))?,
            policy: serde_json::from_str(&row.policy).map_err(|_| corrupt("policy"))?,
            id: row.center_id,
            name_vi: row.name_vi,
            name_en: row.name_en,
            notify_position: row.notify_position,
            long_wait_minutes: row.long_wait_minutes,
            board_seq: row.board_seq,
        })
    }
}

/// `queue_lines`.
#[derive(Debug, Clone, FromQueryResult)]
pub struct LineRow {
    pub center_id: String,
    pub code: String,
    pub prefix: String,
    pub name_vi: String,
    pub name_en: String,
    pub field_codes: String,
    pub procedure_codes: String,
    pub slot_capacity: i32,
}

impl LineRow {
    /// Catalogue fields served.
    pub fn fields(&self) -> Vec<String> {
        json_list(&self.field_codes)
    }

    /// Catalogue procedures served.
    pub fn procedures(&self) -> Vec<String> {
        json_list(&self.procedure_codes)
    }
}

/// `queue_counters`: the entity's model.
pub type CounterRow = super::entity::counter::Model;

impl CounterRow {
    /// Lines served, preferred first.
    pub fn lines(&self) -> Vec<String> {
        self.service_codes.0.clone()
    }
}

/// `queue_tickets`: the entity's model.
pub type TicketRow = super::entity::ticket::Model;

impl TicketRow {
    /// Parsed status.
    pub fn status(&self) -> TicketStatus {
        self.status.domain()
    }

    /// Dossier codes recorded at finish.
    pub fn dossiers(&self) -> Vec<String> {
        self.dossier_codes.0.clone()
    }
}

/// The columns of a waiting ticket the queue order needs (a queue can be long, so
/// call-next and positions read only these).
pub const WAITING_COLUMNS: &str = "id, number, line_code, priority, arrival_at, seq, \
     appointment_slot, target_counter, phone, turn_near_sent";

/// A waiting ticket, as ordered by the policy.
#[derive(Debug, Clone, FromQueryResult)]
pub struct WaitingRow {
    pub id: String,
    pub number: String,
    pub line_code: String,
    pub priority: i32,
    pub arrival_at: i64,
    pub seq: i64,
    pub appointment_slot: Option<i64>,
    pub target_counter: Option<String>,
    pub phone: Option<String>,
    pub turn_near_sent: i32,
}

impl WaitingRow {
    /// As the priority policy sees it.
    pub fn view(&self) -> Waiting {
        Waiting {
            id: self.id.clone(),
            line: self.line_code.clone(),
            class: PriorityClass::from_code(self.priority),
            arrival: from_ms(self.arrival_at),
            seq: self.seq,
            appointment_slot: self.appointment_slot.map(from_ms),
            target_counter: self.target_counter.clone(),
        }
    }
}

/// `queue_board_events`.
#[derive(Debug, Clone, FromQueryResult)]
pub struct BoardEventRow {
    pub center_id: String,
    pub seq: i64,
    pub at: i64,
    pub kind: String,
    pub ticket_id: Option<String>,
    pub ticket_number: String,
    pub counter_id: Option<String>,
    pub counter_number: i32,
    pub service_code: String,
    pub waiting: String,
}

impl BoardEventRow {
    /// Waiting tickets per line after the event.
    pub fn waiting_counts(&self) -> BTreeMap<String, i32> {
        serde_json::from_str(&self.waiting).unwrap_or_default()
    }
}

/// `queue_appointments`.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AppointmentRow {
    pub code: String,
    pub center_id: String,
    pub line_code: String,
    pub slot_start: i64,
    pub slot_end: i64,
    pub full_name: String,
    pub phone: String,
    pub ticket_id: Option<String>,
    pub created_at: i64,
}

/// `queue_counter_log`.
#[derive(Debug, Clone, FromQueryResult)]
pub struct CounterLogRow {
    pub counter_id: String,
    pub status: String,
    pub at: i64,
}
