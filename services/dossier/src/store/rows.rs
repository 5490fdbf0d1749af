//! Rows as stored, and their conversion to domain values.
// Row fields are the columns of the migration, named alike; see there.
#![allow(missing_docs)]

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use onestop_kit::ServiceError;
use sea_orm::FromQueryResult;
use serde::{Deserialize, Serialize};

use crate::domain::calendar::{CalendarDay, DayKind, DayStatus, WorkCalendar, WorkingHours};
use crate::domain::status::{DossierState, Review, Stage};

/// A stored dossier: the `dossiers` entity's model.
pub type DossierRow = super::entity::dossier::Model;

pub use crate::domain::components::ComponentLine;

/// Someone acting for the applicant (all empty when nobody does).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RepresentativeData {
    /// Full name.
    pub full_name: String,
    /// 12 digits.
    pub citizen_id: String,
    /// Phone.
    pub phone: String,
    /// Relation to the applicant.
    pub relation: String,
}

impl DossierRow {
    /// The state-machine view of the row.
    pub fn state(&self) -> Result<DossierState, ServiceError> {
        let status = self.status.domain();
        let stage = stage_from(self.stage)?;
        Ok(DossierState {
            status: Some(status),
            stage,
            assigned: self.assigned != 0,
            review: review_from(&self.review)?,
            signed: self.signed != 0,
            extended: self.extended != 0,
        })
    }

    /// Writes a state back into the row's columns.
    pub fn set_state(&mut self, state: &DossierState) {
        if let Some(status) = state.status {
            self.status = status.into();
        }
        self.stage = i32::from(state.stage.number());
        self.assigned = i32::from(state.assigned);
        self.review = review_str(state.review).into();
        self.signed = i32::from(state.signed);
        self.extended = i32::from(state.extended);
    }

    /// The components list.
    pub fn component_lines(&self) -> Vec<ComponentLine> {
        self.components.0.clone()
    }

    /// The fee lines `(name, amount)`.
    pub fn fee_lines(&self) -> Vec<(String, i64)> {
        self.fees.0.clone()
    }

    /// Items asked for in the last supplement request.
    pub fn missing(&self) -> Vec<String> {
        self.missing_items.0.clone()
    }

    /// The representative, if any.
    pub fn representative(&self) -> Option<RepresentativeData> {
        Some(self.representative.0.clone()).filter(|r| !r.full_name.is_empty())
    }

    /// Whether fees are still owed.
    pub fn owes_fees(&self) -> bool {
        self.paid < self.fee_total
    }

    /// The key a change is asked for: the code once received, else the id.
    pub fn key(&self) -> &str {
        self.code.as_deref().unwrap_or(&self.id)
    }
}

/// Stage from its number.
pub fn stage_from(n: i32) -> Result<Stage, ServiceError> {
    Ok(match n {
        1 => Stage::Reception,
        2 => Stage::Preparation,
        3 => Stage::Receipt,
        4 => Stage::Review,
        5 => Stage::Return,
        _ => return Err(ServiceError::Internal(format!("stage {n} stored"))),
    })
}

/// Stored name of a review conclusion.
pub fn review_str(review: Review) -> &'static str {
    match review {
        Review::Pending => "pending",
        Review::Approve => "approve",
        Review::Refuse => "refuse",
        Review::SupplementNeeded => "supplement_needed",
    }
}

fn review_from(text: &str) -> Result<Review, ServiceError> {
    Ok(match text {
        "pending" => Review::Pending,
        "approve" => Review::Approve,
        "refuse" => Review::Refuse,
        "supplement_needed" => Review::SupplementNeeded,
        other => return Err(ServiceError::Internal(format!("review `{other}` stored"))),
    })
}

/// A row of `dossier_history`.
#[derive(Clone, Debug, FromQueryResult)]
pub struct HistoryRow {
    pub dossier_id: String,
    pub seq: i32,
    pub at: i64,
    pub actor: String,
    pub role: String,
    pub transition: String,
    pub from_status: i32,
    pub to_status: i32,
    pub note: String,
    pub clock_event: Option<String>,
    pub clock_effect: String,
    pub timeliness: Option<String>,
}

/// A row of `dossier_centers`.
#[derive(Clone, Debug, FromQueryResult)]
pub struct CenterRow {
    pub center_id: String,
    pub unit_code: String,
    pub name_vi: String,
    pub name_en: String,
    pub time_zone: String,
    pub feedback_answer_days: i32,
}

impl CenterRow {
    /// The centre's time zone.
    pub fn tz(&self) -> Tz {
        self.time_zone
            .parse()
            .unwrap_or(chrono_tz::Asia::Ho_Chi_Minh)
    }
}

/// A row of `dossier_holidays`.
#[derive(Clone, Debug, FromQueryResult)]
pub struct HolidayRow {
    pub center_id: String,
    pub day: String,
    pub kind: String,
    pub name_vi: String,
    pub name_en: String,
    pub status: String,
    pub source: String,
}

impl HolidayRow {
    /// As a calendar day.
    pub fn to_day(&self) -> Result<CalendarDay, ServiceError> {
        let bad = |what: &str| ServiceError::Internal(format!("holiday {}: {what}", self.day));
        Ok(CalendarDay {
            date: chrono::NaiveDate::parse_from_str(&self.day, "%Y-%m-%d")
                .map_err(|_| bad("date"))?,
            kind: DayKind::parse(&self.kind).ok_or_else(|| bad("kind"))?,
            name_vi: self.name_vi.clone(),
            name_en: self.name_en.clone(),
            status: DayStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            source: self.source.clone(),
        })
    }
}

/// The calendar of a centre: the national rows (`*`) with the centre's own rows over them.
pub fn calendar_of(center: &CenterRow, rows: &[HolidayRow]) -> Result<WorkCalendar, ServiceError> {
    let mut by_date = std::collections::BTreeMap::new();
    for row in rows.iter().filter(|r| r.center_id == "*") {
        by_date.insert(row.day.clone(), row.to_day()?);
    }
    for row in rows.iter().filter(|r| r.center_id == center.center_id) {
        by_date.insert(row.day.clone(), row.to_day()?);
    }
    WorkCalendar::new(WorkingHours::standard(), by_date.into_values().collect())
        .map(|c| c.with_time_zone(center.tz()))
        .map_err(ServiceError::Internal)
}

/// A row of `dossier_feedback`: the entity's model.
pub type FeedbackRow = super::entity::feedback::Model;

/// A row of `dossier_payments`.
#[derive(Clone, Debug, FromQueryResult)]
pub struct PaymentRow {
    pub dossier_id: String,
    pub receipt_number: String,
    pub method: String,
    pub amount: i64,
    pub paid_at: i64,
    pub recorded_by: String,
    /// The part of `amount` beyond what was owed, to be refunded.
    pub overpaid: i64,
}

/// Epoch milliseconds as a UTC instant.
pub fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
