//! The floor's two busiest tables as sea-orm entities, with typed status columns:
//! `queue_tickets` and `queue_counters`. Reads decode into these models; the statements
//! that must stay raw (the centre lock, call-next's conditional `UPDATE … RETURNING`,
//! the set-based expiry) read them back as the same models.

use sea_orm::entity::prelude::*;

use crate::domain::status::TicketStatus;

/// A ticket's state as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum TicketState {
    /// In the queue.
    #[sea_orm(string_value = "waiting")]
    Waiting,
    /// Called to a counter.
    #[sea_orm(string_value = "called")]
    Called,
    /// Being served.
    #[sea_orm(string_value = "serving")]
    Serving,
    /// Set aside by its counter.
    #[sea_orm(string_value = "parked")]
    Parked,
    /// Served.
    #[sea_orm(string_value = "done")]
    Done,
    /// Called and did not come.
    #[sea_orm(string_value = "no_show")]
    NoShow,
    /// Cancelled.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    /// Still waiting at closing.
    #[sea_orm(string_value = "expired")]
    Expired,
}

impl TicketState {
    /// The domain's status.
    pub fn domain(self) -> TicketStatus {
        TicketStatus::parse(&self.to_value()).expect("every stored state is a domain status")
    }
}

impl From<TicketStatus> for TicketState {
    fn from(status: TicketStatus) -> Self {
        Self::try_from_value(&status.as_str().to_string()).expect("every domain status is stored")
    }
}

impl std::fmt::Display for TicketState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.domain().as_str())
    }
}

/// A counter's state as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum CounterState {
    /// Staffed and calling.
    #[sea_orm(string_value = "open")]
    Open,
    /// Staffed, on a break.
    #[sea_orm(string_value = "paused")]
    Paused,
    /// Nobody there.
    #[sea_orm(string_value = "closed")]
    Closed,
}

impl std::fmt::Display for CounterState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_value())
    }
}

/// `queue_tickets`: one row per ticket.
pub mod ticket {
    // Fields are the columns of the migrations, named alike; see there.
    #![allow(missing_docs)]

    use onestop_kit::json_text::JsonText;
    use sea_orm::entity::prelude::*;

    /// A stored ticket.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "queue_tickets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub center_id: String,
        pub numbered_line: String,
        pub service_day: String,
        pub seq: i64,
        pub number: String,
        pub line_code: String,
        pub priority: i32,
        pub status: super::TicketState,
        pub phone: Option<String>,
        pub appointment_code: Option<String>,
        pub appointment_slot: Option<i64>,
        pub issued_at: i64,
        pub arrival_at: i64,
        pub target_counter: Option<String>,
        pub counter_id: Option<String>,
        pub first_called_at: Option<i64>,
        pub called_at: Option<i64>,
        pub serving_at: Option<i64>,
        pub finished_at: Option<i64>,
        pub recall_count: i32,
        pub outcome: String,
        /// The dossier codes recorded at finish.
        #[sea_orm(column_type = "Text")]
        pub dossier_codes: JsonText<Vec<String>>,
        pub turn_near_sent: i32,
        pub long_wait_sent: i32,
        /// Keyed hash of the citizen's key (kit::citizen_key::KeyHasher); empty for tickets from before keys.
        pub key_hash: String,
        /// The kiosk's id for the press that issued it.
        pub request_id: Option<String>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `queue_counters`: one row per counter.
pub mod counter {
    // Fields are the columns of the migration, named alike; see there.
    #![allow(missing_docs)]

    use onestop_kit::json_text::JsonText;
    use sea_orm::entity::prelude::*;

    /// A stored counter.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "queue_counters")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub center_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub counter_id: String,
        pub number: i32,
        pub name: String,
        /// The service lines served, preferred first.
        #[sea_orm(column_type = "Text")]
        pub service_codes: JsonText<Vec<String>>,
        pub status: super::CounterState,
        pub staff: Option<String>,
        pub pause_reason: String,
        pub normal_since_priority: i32,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_states_are_the_domain_statuses() {
        for status in TicketStatus::ALL {
            let stored = TicketState::from(status);
            assert_eq!(stored.domain(), status);
            assert_eq!(stored.to_string(), status.as_str());
        }
        assert_eq!(CounterState::Paused.to_string(), "paused");
    }
}
