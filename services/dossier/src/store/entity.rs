//! The `dossiers` table as a sea-orm entity: the one list of its columns. Every read,
//! insert and update of a dossier goes through it; the few statements that must stay
//! raw SQL (the row lock's `UPDATE … RETURNING`, set-based scans and statistics) take
//! their column list from [`columns`].

use std::sync::LazyLock;

use sea_orm::Iterable;
use sea_orm::entity::prelude::*;

use crate::domain::status::DossierStatus;

/// The national status code (1–10) as stored, typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "i32", db_type = "Integer")]
pub enum Status {
    /// 1 — submitted, awaiting reception.
    #[sea_orm(num_value = 1)]
    Submitted,
    /// 2 — received; the clock runs.
    #[sea_orm(num_value = 2)]
    Received,
    /// 3 — not accepted.
    #[sea_orm(num_value = 3)]
    NotAccepted,
    /// 4 — being processed.
    #[sea_orm(num_value = 4)]
    Processing,
    /// 5 — supplement requested.
    #[sea_orm(num_value = 5)]
    SupplementRequested,
    /// 6 — waiting for fees.
    #[sea_orm(num_value = 6)]
    AwaitingPayment,
    /// 7 — withdrawn.
    #[sea_orm(num_value = 7)]
    Withdrawn,
    /// 8 — stopped.
    #[sea_orm(num_value = 8)]
    Stopped,
    /// 9 — result ready.
    #[sea_orm(num_value = 9)]
    ResultReady,
    /// 10 — result returned.
    #[sea_orm(num_value = 10)]
    ResultReturned,
}

impl Status {
    /// The domain's status.
    pub fn domain(self) -> DossierStatus {
        DossierStatus::from_code(self.code() as u8).expect("every stored status is a domain status")
    }

    /// The national code, 1–10.
    pub fn code(self) -> i32 {
        self.to_value()
    }
}

impl From<DossierStatus> for Status {
    fn from(status: DossierStatus) -> Self {
        Status::iter()
            .find(|s| s.code() == i32::from(status.code()))
            .expect("every domain status is stored")
    }
}

/// `dossiers`: one row per dossier.
pub mod dossier {
    // Fields are the columns of the migration, named alike; see there.
    #![allow(missing_docs)]

    use onestop_kit::json_text::JsonText;
    use sea_orm::entity::prelude::*;

    use crate::domain::components::ComponentLine;
    use crate::store::rows::RepresentativeData;

    /// A stored dossier.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "dossiers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub code: Option<String>,
        pub center_id: String,
        pub procedure_code: String,
        pub procedure_version: i32,
        pub procedure_name: String,
        pub field_code: String,
        pub processing_days: Option<f64>,
        pub applicant_name: String,
        pub citizen_id: String,
        pub phone: String,
        pub email: String,
        pub address: String,
        #[sea_orm(column_type = "Text")]
        pub representative: JsonText<RepresentativeData>,
        pub channel: String,
        #[sea_orm(column_type = "Text")]
        pub components: JsonText<Vec<ComponentLine>>,
        /// Fee lines `(name, amount in VND)`.
        #[sea_orm(column_type = "Text")]
        pub fees: JsonText<Vec<(String, i64)>>,
        pub fee_total: i64,
        pub paid: i64,
        pub status: super::Status,
        pub stage: i32,
        pub assigned: i32,
        pub review: String,
        pub signed: i32,
        pub extended: i32,
        pub assignee: String,
        pub department: String,
        /// The items a supplement asks for.
        #[sea_orm(column_type = "Text")]
        pub missing_items: JsonText<Vec<String>>,
        pub end_reason: String,
        pub created_at: i64,
        pub received_at: Option<i64>,
        pub due_at: Option<i64>,
        pub judged_due_at: Option<i64>,
        pub result_ready_at: Option<i64>,
        pub returned_at: Option<i64>,
        pub ended_at: Option<i64>,
        pub timeliness: Option<String>,
        pub clock_paused: i32,
        pub search: String,
        pub version: i64,
        pub updated_at: i64,
        /// Keyed hash of the citizen's key (`onestop_kit::citizen_key::KeyHasher`), from receipt.
        pub citizen_key_hash: Option<String>,
        /// The client's idempotency key of `CreateDossier`.
        pub request_id: Option<String>,
        /// When the applicant's personal data was removed (retention).
        pub personal_data_removed_at: Option<i64>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Where a citizen's feedback stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum FeedbackState {
    /// Received, nobody on it yet.
    #[sea_orm(string_value = "received")]
    Received,
    /// Given to someone to answer.
    #[sea_orm(string_value = "assigned")]
    Assigned,
    /// Answered (once).
    #[sea_orm(string_value = "answered")]
    Answered,
}

impl FeedbackState {
    /// The stored (and wire) name.
    pub fn as_str(self) -> String {
        self.to_value()
    }
}

/// `dossier_feedback`: citizens' feedback (phản ánh, kiến nghị).
pub mod feedback {
    // Fields are the columns of the migration, named alike; see there.
    #![allow(missing_docs)]

    use sea_orm::entity::prelude::*;

    /// A stored feedback item.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dossier_feedback")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub center_id: String,
        pub channel: String,
        pub contact: String,
        pub content: String,
        pub dossier_code: String,
        pub status: super::FeedbackState,
        pub assignee: String,
        pub answer: String,
        pub received_at: i64,
        pub answer_due_at: i64,
        pub answered_at: Option<i64>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The columns of `dossiers`, from the entity, for raw `SELECT` and `RETURNING` lists.
pub fn columns() -> &'static str {
    static COLUMNS: LazyLock<String> = LazyLock::new(|| {
        dossier::Column::iter()
            .map(|c| c.as_str().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    });
    &COLUMNS
}

/// A status list for SQL `IN`, e.g. `(2, 4)`.
pub fn sql_list(statuses: &[Status]) -> String {
    let codes: Vec<String> = statuses.iter().map(|s| s.code().to_string()).collect();
    format!("({})", codes.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_statuses_are_the_domain_statuses() {
        for status in DossierStatus::ALL {
            let stored = Status::from(status);
            assert_eq!(stored.code(), i32::from(status.code()));
            assert_eq!(stored.domain(), status);
        }
        assert_eq!(sql_list(&[Status::Received, Status::Processing]), "(2, 4)");
        assert!(columns().starts_with("id, code, center_id,"));
        assert!(columns().ends_with("request_id, personal_data_removed_at"));
    }
}
