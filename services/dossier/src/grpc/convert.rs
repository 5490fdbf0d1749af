//! Rows to wire messages and back.

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_proto::dossier::v1 as pb;

use crate::store::entity::Status;
use crate::store::rows::{DossierRow, FeedbackRow, HistoryRow, HolidayRow, PaymentRow, instant};

pub use onestop_kit::wire::ts;

/// An optional instant as an optional wire timestamp.
pub fn ots(ms: Option<i64>) -> Option<prost_types::Timestamp> {
    ms.map(ts)
}

/// A wire timestamp as a UTC instant; `field` is named on error.
pub fn from_ts(t: &prost_types::Timestamp, field: &str) -> Result<DateTime<Utc>, ServiceError> {
    DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32)
        .ok_or_else(|| ServiceError::invalid(field, "thời điểm không hợp lệ — not a valid time"))
}

/// Stored channel name.
pub fn channel_str(c: pb::Channel) -> Option<&'static str> {
    Some(match c {
        pb::Channel::Unspecified => return None,
        pb::Channel::Counter => "counter",
        pb::Channel::Online => "online",
        pb::Channel::Assisted => "assisted",
        pb::Channel::Postal => "postal",
    })
}

fn channel_of(text: &str) -> pb::Channel {
    match text {
        "counter" => pb::Channel::Counter,
        "online" => pb::Channel::Online,
        "assisted" => pb::Channel::Assisted,
        "postal" => pb::Channel::Postal,
        _ => pb::Channel::Unspecified,
    }
}

/// Stored judgement as the wire enum.
pub fn timeliness_of(text: Option<&str>) -> pb::Timeliness {
    match text {
        Some("early") => pb::Timeliness::Early,
        Some("on_time") => pb::Timeliness::OnTime,
        Some("late") => pb::Timeliness::Late,
        _ => pb::Timeliness::Unspecified,
    }
}

fn review_of(text: &str) -> pb::ReviewOutcome {
    match text {
        "approve" => pb::ReviewOutcome::Approve,
        "refuse" => pb::ReviewOutcome::Refuse,
        "supplement_needed" => pb::ReviewOutcome::SupplementNeeded,
        _ => pb::ReviewOutcome::Unspecified,
    }
}

/// The public status page of a dossier code.
pub fn public_url(base: &str, code: &str) -> String {
    format!("{}/d/{code}", base.trim_end_matches('/'))
}

/// The status page with the citizen's key (`/d/{code}?k={key}`), the receipt's QR link;
/// the plain status page when `key` is empty.
pub fn citizen_url(base: &str, code: &str, key: &str) -> String {
    if key.is_empty() {
        public_url(base, code)
    } else {
        format!("{}?k={key}", public_url(base, code))
    }
}

/// Whether an open dossier's running clock is past its appointment.
pub fn is_overdue(row: &DossierRow, now: DateTime<Utc>) -> bool {
    matches!(row.status, Status::Received | Status::Processing)
        && row.due_at.is_some_and(|d| d < now.timestamp_millis())
}

/// The full staff view of a dossier.
pub fn dossier(
    row: &DossierRow,
    payments: &[PaymentRow],
    base_url: &str,
    now: DateTime<Utc>,
) -> pb::Dossier {
    let status = Some(row.status.domain());
    let rep = row.representative().map(|r| pb::Representative {
        full_name: r.full_name,
        citizen_id: r.citizen_id,
        phone: r.phone,
        relation: r.relation,
    });
    pb::Dossier {
        id: row.id.clone(),
        code: row.code.clone().unwrap_or_default(),
        center_id: row.center_id.clone(),
        procedure_code: row.procedure_code.clone(),
        procedure_version: row.procedure_version,
        procedure_name: row.procedure_name.clone(),
        field_code: row.field_code.clone(),
        processing_days: row.processing_days,
        applicant: Some(pb::Applicant {
            full_name: row.applicant_name.clone(),
            citizen_id: row.citizen_id.clone(),
            phone: row.phone.clone(),
            email: row.email.clone(),
            address: row.address.clone(),
        }),
        representative: rep,
        channel: channel_of(&row.channel) as i32,
        components: row
            .component_lines()
            .into_iter()
            .map(|c| pb::ComponentItem {
                name: c.name,
                required: c.required,
                provided: c.provided,
                originals: c.originals,
                copies: c.copies,
            })
            .collect(),
        status: row.status.code(),
        status_name_vi: status.map(|s| s.name_vi()).unwrap_or_default().into(),
        status_name_en: status.map(|s| s.name_en()).unwrap_or_default().into(),
        stage: row.stage,
        assignee: row.assignee.clone(),
        department: row.department.clone(),
        review: review_of(&row.review) as i32,
        signed: row.signed != 0,
        extended: row.extended != 0,
        created_at: Some(ts(row.created_at)),
        received_at: ots(row.received_at),
        due_at: ots(row.due_at),
        judged_due_at: ots(row.judged_due_at),
        result_ready_at: ots(row.result_ready_at),
        returned_at: ots(row.returned_at),
        ended_at: ots(row.ended_at),
        timeliness: timeliness_of(row.timeliness.as_deref()) as i32,
        clock_paused: row.clock_paused != 0,
        fees: row
            .fee_lines()
            .into_iter()
            .map(|(name, amount_vnd)| pb::FeeLine { name, amount_vnd })
            .collect(),
        fee_total_vnd: row.fee_total,
        paid_vnd: row.paid,
        payments: payments
            .iter()
            .map(|p| pb::Payment {
                method: p.method.clone(),
                amount_vnd: p.amount,
                receipt_number: p.receipt_number.clone(),
                paid_at: Some(ts(p.paid_at)),
                recorded_by: p.recorded_by.clone(),
                overpaid_vnd: p.overpaid,
            })
            .collect(),
        overpaid_vnd: payments.iter().map(|p| p.overpaid).sum(),
        personal_data_removed_at: ots(row.personal_data_removed_at),
        citizen_key: String::new(),
        missing_items: row.missing(),
        end_reason: row.end_reason.clone(),
        version: row.version,
        public_url: row
            .code
            .as_deref()
            .map(|c| public_url(base_url, c))
            .unwrap_or_default(),
        overdue: is_overdue(row, now),
    }
}

/// What anyone holding the code may see: built field by field from non-personal columns.
pub fn public(row: &DossierRow, rated: bool) -> pb::PublicDossier {
    let status = Some(row.status.domain());
    pb::PublicDossier {
        code: row.code.clone().unwrap_or_default(),
        procedure_code: row.procedure_code.clone(),
        procedure_name: row.procedure_name.clone(),
        status: row.status.code(),
        status_name_vi: status.map(|s| s.name_vi()).unwrap_or_default().into(),
        status_name_en: status.map(|s| s.name_en()).unwrap_or_default().into(),
        stage: row.stage,
        received_at: ots(row.received_at),
        due_at: ots(row.due_at),
        result_ready_at: ots(row.result_ready_at),
        returned_at: ots(row.returned_at),
        timeliness: timeliness_of(row.timeliness.as_deref()) as i32,
        rated,
        fee_due_vnd: (row.fee_total - row.paid).max(0),
    }
}

/// A history entry.
pub fn history(row: &HistoryRow) -> pb::HistoryEntry {
    pb::HistoryEntry {
        seq: row.seq,
        at: Some(ts(row.at)),
        actor: row.actor.clone(),
        role: row.role.clone(),
        transition: row.transition.clone(),
        from_status: row.from_status,
        to_status: row.to_status,
        note: row.note.clone(),
        clock_effect: row.clock_effect.clone(),
    }
}

/// A calendar row.
pub fn holiday(row: &HolidayRow) -> pb::Holiday {
    pb::Holiday {
        center_id: row.center_id.clone(),
        date: row.day.clone(),
        kind: row.kind.clone(),
        name_vi: row.name_vi.clone(),
        name_en: row.name_en.clone(),
        status: row.status.clone(),
        source: row.source.clone(),
    }
}

/// A feedback item.
pub fn feedback(row: &FeedbackRow, now: DateTime<Utc>) -> pb::Feedback {
    pb::Feedback {
        id: row.id.clone(),
        center_id: row.center_id.clone(),
        channel: row.channel.clone(),
        contact: row.contact.clone(),
        content: row.content.clone(),
        dossier_code: row.dossier_code.clone(),
        status: row.status.as_str(),
        assignee: row.assignee.clone(),
        answer: row.answer.clone(),
        received_at: Some(ts(row.received_at)),
        answer_due_at: Some(ts(row.answer_due_at)),
        answered_at: ots(row.answered_at),
        overdue: row.answered_at.is_none() && row.answer_due_at < now.timestamp_millis(),
    }
}

/// Local date and time as printed on forms: `09:00 (sáng) thứ Hai, 23/02/2026`.
pub fn vi_datetime(ms: Option<i64>, tz: chrono_tz::Tz) -> String {
    use onestop_kit::format::{clock, date, weekday_vi};
    let Some(ms) = ms else {
        return String::new();
    };
    let local = instant(ms).with_timezone(&tz);
    let part = if chrono::Timelike::hour(&local) < 12 {
        "sáng"
    } else {
        "chiều"
    };
    format!(
        "{} ({part}) {}, {}",
        clock(&local),
        weekday_vi(chrono::Datelike::weekday(&local)),
        date(&local)
    )
}
