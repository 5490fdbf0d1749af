//! Wire ↔ store conversions, with validation of what admins and kiosks send.

use onestop_kit::{FieldViolation, ServiceError};
use onestop_proto::queue::v1 as pb;

use crate::domain::announce::{call_speech_vi, call_text_en, call_text_vi};
use crate::domain::board::BoardKind;
use crate::domain::estimate::WaitEstimate;
use crate::domain::hours::{OpenInterval, check_hours, default_hours, parse_hhmm};
use crate::domain::numbering::parse_time_zone;
use crate::domain::policy::{PriorityClass, PriorityPolicy};
use crate::domain::status::TicketStatus;
use crate::domain::validate::check_id;
use crate::store::entity::CounterState;
use crate::store::read::TicketView;
use crate::store::rows::{BoardEventRow, Center, CounterRow, LineRow, TicketRow};

pub use onestop_kit::wire::{ms, ts};

/// Wire status of a ticket.
pub fn status_to_pb(s: TicketStatus) -> pb::TicketStatus {
    match s {
        TicketStatus::Waiting => pb::TicketStatus::Waiting,
        TicketStatus::Called => pb::TicketStatus::Called,
        TicketStatus::Serving => pb::TicketStatus::Serving,
        TicketStatus::Parked => pb::TicketStatus::Parked,
        TicketStatus::Done => pb::TicketStatus::Done,
        TicketStatus::NoShow => pb::TicketStatus::NoShow,
        TicketStatus::Cancelled => pb::TicketStatus::Cancelled,
        TicketStatus::Expired => pb::TicketStatus::Expired,
    }
}

/// Wire status of a counter.
pub fn counter_status_to_pb(s: CounterState) -> pb::CounterStatus {
    match s {
        CounterState::Open => pb::CounterStatus::Open,
        CounterState::Paused => pb::CounterStatus::Paused,
        CounterState::Closed => pb::CounterStatus::Closed,
    }
}

/// Wire priority class → domain (unspecified = none).
pub fn class_from_pb(c: i32) -> PriorityClass {
    PriorityClass::from_code(c)
}

/// The public page of a ticket.
pub fn ticket_url(base_url: &str, id: &str) -> String {
    format!("{}/t/{id}", base_url.trim_end_matches('/'))
}

/// A ticket on the wire (no phone: tickets are public by id).
pub fn ticket_to_pb(t: &TicketRow, base_url: &str, counter_number: i32) -> pb::Ticket {
    pb::Ticket {
        id: t.id.clone(),
        center_id: t.center_id.clone(),
        number: t.number.clone(),
        service_code: t.line_code.clone(),
        priority: t.priority,
        status: status_to_pb(t.status()) as i32,
        issued_at: Some(ts(t.issued_at)),
        position: 0,
        estimated_wait: None,
        public_url: ticket_url(base_url, &t.id),
        counter_number,
        counter_id: t.counter_id.clone().unwrap_or_default(),
        called_at: t.called_at.map(ts),
        appointment_code: t.appointment_code.clone().unwrap_or_default(),
        service_day: t.service_day.clone(),
        recall_count: t.recall_count,
        outcome: t.outcome.clone(),
        dossier_codes: t.dossiers(),
        citizen_key: String::new(),
    }
}

fn estimate_to_pb(e: WaitEstimate) -> pb::WaitEstimate {
    pb::WaitEstimate {
        minutes: e.minutes as i32,
        low_minutes: e.low as i32,
        high_minutes: e.high as i32,
    }
}

/// A ticket with its position and estimate.
pub fn ticket_view_to_pb(v: &TicketView, base_url: &str) -> pb::Ticket {
    let mut t = ticket_to_pb(&v.ticket, base_url, v.counter_number);
    t.position = v.position;
    t.estimated_wait = v.estimate.map(estimate_to_pb);
    t
}

/// A stored board event on the wire, with the call's text and speech.
pub fn board_event_to_pb(row: BoardEventRow) -> pb::BoardEvent {
    let kind = match BoardKind::parse(&row.kind) {
        Some(BoardKind::Called) => pb::BoardEventKind::Called,
        Some(BoardKind::Recalled) => pb::BoardEventKind::Recalled,
        Some(BoardKind::Serving) => pb::BoardEventKind::Serving,
        Some(BoardKind::Finished) => pb::BoardEventKind::Finished,
        Some(BoardKind::NoShow) => pb::BoardEventKind::NoShow,
        Some(BoardKind::CounterOpened) => pb::BoardEventKind::CounterOpened,
        Some(BoardKind::CounterPaused) => pb::BoardEventKind::CounterPaused,
        Some(BoardKind::CounterClosed) => pb::BoardEventKind::CounterClosed,
        Some(BoardKind::WaitingChanged) | None => pb::BoardEventKind::WaitingChanged,
    };
    let spoken = matches!(
        kind,
        pb::BoardEventKind::Called | pb::BoardEventKind::Recalled
    );
    let waiting = row.waiting_counts().into_iter().collect();
    pb::BoardEvent {
        announcement_vi: if spoken {
            call_text_vi(&row.ticket_number, row.counter_number)
        } else {
            String::new()
        },
        announcement_en: if spoken {
            call_text_en(&row.ticket_number, row.counter_number)
        } else {
            String::new()
        },
        speech_vi: if spoken {
            call_speech_vi(&row.ticket_number, row.counter_number)
        } else {
            String::new()
        },
        center_id: row.center_id,
        sequence: row.seq,
        time: Some(ts(row.at)),
        kind: kind as i32,
        ticket_number: row.ticket_number,
        counter_number: row.counter_number,
        service_code: row.service_code,
        waiting,
        snapshot: None,
    }
}

/// A centre on the wire.
pub fn center_to_pb(c: &Center) -> pb::Center {
    pb::Center {
        center_id: c.id.clone(),
        name_vi: c.name_vi.clone(),
        name_en: c.name_en.clone(),
        time_zone: c.tz.name().to_string(),
        hours: c
            .hours
            .iter()
            .map(|h| pb::OpeningHours {
                weekday: h.weekday as i32,
                opens: h.opens.format("%H:%M").to_string(),
                closes: h.closes.format("%H:%M").to_string(),
            })
            .collect(),
        policy: Some(pb::PriorityPolicy {
            classes: c.policy.classes.iter().map(|k| k.code()).collect(),
            normal_between_priority: c.policy.normal_between_priority as i32,
            max_wait_minutes: c.policy.max_wait_minutes as i32,
        }),
        notify_position: c.notify_position,
        long_wait_minutes: c.long_wait_minutes,
    }
}

/// A centre from the wire: every problem named by field; unset parts take defaults.
pub fn center_from_pb(c: pb::Center) -> Result<Center, ServiceError> {
    let mut errors = Vec::new();
    if let Err(e) = check_id(&c.center_id) {
        errors.push(FieldViolation::new("center.center_id", e));
    }
    if c.name_vi.trim().is_empty() {
        errors.push(FieldViolation::new("center.name_vi", "must not be empty"));
    }
    let zone = if c.time_zone.is_empty() {
        "Asia/Ho_Chi_Minh"
    } else {
        c.time_zone.as_str()
    };
    let tz = parse_time_zone(zone)
        .map_err(|e| errors.push(FieldViolation::new("center.time_zone", e)))
        .ok();
    let hours = if c.hours.is_empty() {
        default_hours()
    } else {
        let mut hours = Vec::new();
        for (i, h) in c.hours.iter().enumerate() {
            match (parse_hhmm(&h.opens), parse_hhmm(&h.closes)) {
                (Ok(opens), Ok(closes)) => hours.push(OpenInterval {
                    weekday: h.weekday.max(0) as u32,
                    opens,
                    closes,
                }),
                (Err(e), _) => {
                    errors.push(FieldViolation::new(format!("center.hours[{i}].opens"), e))
                }
                (_, Err(e)) => {
                    errors.push(FieldViolation::new(format!("center.hours[{i}].closes"), e))
                }
            }
        }
        if let Err(e) = check_hours(&hours) {
            errors.push(FieldViolation::new("center.hours", e));
        }
        hours
    };
    let policy = match c.policy {
        None => PriorityPolicy::default(),
        Some(p) => {
            let mut classes = Vec::new();
            for (i, k) in p.classes.iter().enumerate() {
                match PriorityClass::from_code(*k) {
                    PriorityClass::None => errors.push(FieldViolation::new(
                        format!("center.policy.classes[{i}]"),
                        "must be a priority class (elderly, disabled, pregnant, child under 6, veteran)",
                    )),
                    class => classes.push(class),
                }
            }
            let policy = PriorityPolicy {
                classes,
                normal_between_priority: p.normal_between_priority.max(0) as u32,
                max_wait_minutes: if p.max_wait_minutes == 0 {
                    60
                } else {
                    p.max_wait_minutes.max(0) as u32
                },
            };
            if let Err((field, e)) = policy.check() {
                errors.push(FieldViolation::new(format!("center.{field}"), e));
            }
            policy
        }
    };
    if !(0..=50).contains(&c.notify_position) {
        errors.push(FieldViolation::new(
            "center.notify_position",
            "must be 0–50",
        ));
    }
    if !(0..=600).contains(&c.long_wait_minutes) {
        errors.push(FieldViolation::new(
            "center.long_wait_minutes",
            "must be 0–600",
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::InvalidArgument(errors));
    }
    Ok(Center {
        id: c.center_id,
        name_vi: c.name_vi.trim().to_string(),
        name_en: c.name_en.trim().to_string(),
        tz: tz.expect("checked above"),
        hours,
        policy,
        notify_position: c.notify_position,
        long_wait_minutes: c.long_wait_minutes,
        board_seq: 0,
    })
}

/// A line on the wire.
pub fn line_to_pb(l: &LineRow, waiting: i32) -> pb::ServiceLine {
    pb::ServiceLine {
        center_id: l.center_id.clone(),
        code: l.code.clone(),
        prefix: l.prefix.clone(),
        name_vi: l.name_vi.clone(),
        name_en: l.name_en.clone(),
        field_codes: l.fields(),
        procedure_codes: l.procedures(),
        slot_capacity: l.slot_capacity,
        waiting,
    }
}

/// A line from the wire.
pub fn line_from_pb(l: pb::ServiceLine) -> Result<LineRow, ServiceError> {
    let mut errors = Vec::new();
    if let Err(e) = check_id(&l.center_id) {
        errors.push(FieldViolation::new("line.center_id", e));
    }
    if let Err(e) = check_id(&l.code) {
        errors.push(FieldViolation::new("line.code", e));
    }
    if !(l.prefix.len() == 1 && l.prefix.bytes().all(|b| b.is_ascii_uppercase())) {
        errors.push(FieldViolation::new(
            "line.prefix",
            "must be one capital letter A–Z",
        ));
    }
    if l.name_vi.trim().is_empty() {
        errors.push(FieldViolation::new("line.name_vi", "must not be empty"));
    }
    if !(0..=100).contains(&l.slot_capacity) {
        errors.push(FieldViolation::new("line.slot_capacity", "must be 0–100"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::InvalidArgument(errors));
    }
    Ok(LineRow {
        center_id: l.center_id,
        code: l.code,
        prefix: l.prefix,
        name_vi: l.name_vi.trim().to_string(),
        name_en: l.name_en.trim().to_string(),
        field_codes: serde_json::to_string(&l.field_codes).expect("list"),
        procedure_codes: serde_json::to_string(&l.procedure_codes).expect("list"),
        slot_capacity: l.slot_capacity,
    })
}

/// A counter on the wire.
pub fn counter_to_pb(c: &CounterRow, current: Option<&TicketRow>) -> pb::Counter {
    pb::Counter {
        center_id: c.center_id.clone(),
        counter_id: c.counter_id.clone(),
        number: c.number,
        name: c.name.clone(),
        service_codes: c.lines(),
        status: counter_status_to_pb(c.status) as i32,
        staff: c.staff.clone().unwrap_or_default(),
        pause_reason: c.pause_reason.clone(),
        current_ticket_number: current.map(|t| t.number.clone()).unwrap_or_default(),
        current_ticket_id: current.map(|t| t.id.clone()).unwrap_or_default(),
    }
}
