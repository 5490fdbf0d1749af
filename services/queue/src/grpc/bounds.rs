//! Every queue request's text and list fields checked against kit's limits, before
//! anything else is done with the request.

use onestop_kit::ServiceError;
use onestop_kit::limits::{CITIZEN_KEY, CONTACT, ID, Limits, NAME, TEXT};
use onestop_proto::queue::v1 as pb;

/// A request whose sizes can be checked.
pub trait Bounded {
    /// `INVALID_ARGUMENT` naming every field over its limit.
    fn check_bounds(&self) -> Result<(), ServiceError>;
}

fn center(c: &pb::Center) -> Limits {
    let mut l = Limits::new()
        .text("center.center_id", &c.center_id, ID)
        .text("center.name_vi", &c.name_vi, NAME)
        .text("center.name_en", &c.name_en, NAME)
        .text("center.time_zone", &c.time_zone, ID)
        .count("center.hours", c.hours.len(), 7 * 4);
    for (i, h) in c.hours.iter().enumerate().take(28) {
        l = l
            .text(&format!("center.hours[{i}].opens"), &h.opens, 8)
            .text(&format!("center.hours[{i}].closes"), &h.closes, 8);
    }
    if let Some(p) = &c.policy {
        l = l.count("center.policy.classes", p.classes.len(), 16);
    }
    l
}

fn line(s: &pb::ServiceLine) -> Limits {
    Limits::new()
        .text("line.center_id", &s.center_id, ID)
        .text("line.code", &s.code, ID)
        .text("line.prefix", &s.prefix, 4)
        .text("line.name_vi", &s.name_vi, NAME)
        .text("line.name_en", &s.name_en, NAME)
        .texts("line.field_codes", &s.field_codes, ID)
        .texts("line.procedure_codes", &s.procedure_codes, ID)
}

fn counter(c: &pb::Counter) -> Limits {
    Limits::new()
        .text("counter.center_id", &c.center_id, ID)
        .text("counter.counter_id", &c.counter_id, ID)
        .text("counter.name", &c.name, NAME)
        .texts("counter.service_codes", &c.service_codes, ID)
        .text("counter.staff", &c.staff, NAME)
        .text("counter.pause_reason", &c.pause_reason, TEXT)
        .text(
            "counter.current_ticket_number",
            &c.current_ticket_number,
            ID,
        )
        .text("counter.current_ticket_id", &c.current_ticket_id, ID)
}

macro_rules! bounded {
    ($($ty:ty => |$r:ident| $check:expr;)*) => {
        $(impl Bounded for $ty {
            fn check_bounds(&self) -> Result<(), ServiceError> {
                let $r = self;
                let limits: Limits = $check;
                limits.finish()
            }
        })*
    };
}

bounded! {
    pb::ListCentersRequest => |_r| Limits::new();
    pb::UpsertCenterRequest => |r| r.center.as_ref().map(center).unwrap_or_default();
    pb::ListServiceLinesRequest => |r| Limits::new().text("center_id", &r.center_id, ID);
    pb::UpsertServiceLineRequest => |r| r.line.as_ref().map(line).unwrap_or_default();
    pb::ListCountersRequest => |r| Limits::new().text("center_id", &r.center_id, ID);
    pb::UpsertCounterRequest => |r| r.counter.as_ref().map(counter).unwrap_or_default();
    pb::OpenCounterRequest => |r| Limits::new()
        .text("center_id", &r.center_id, ID)
        .text("counter_id", &r.counter_id, ID);
    pb::PauseCounterRequest => |r| Limits::new()
        .text("center_id", &r.center_id, ID)
        .text("counter_id", &r.counter_id, ID)
        .text("reason", &r.reason, TEXT);
    pb::CloseCounterRequest => |r| Limits::new()
        .text("center_id", &r.center_id, ID)
        .text("counter_id", &r.counter_id, ID);
    pb::IssueTicketRequest => |r| Limits::new()
        .text("center_id", &r.center_id, ID)
        .text("service_code", &r.service_code, ID)
        .text("phone", &r.phone, CONTACT)
        .text("appointment_code", &r.appointment_code, ID)
        .text("request_id", &r.request_id, ID);
    pb::GetTicketRequest => |r| Limits::new().text("id", &r.id, ID);
    pb::CallNextRequest => |r| Limits::new()
        .text("center_id", &r.center_id, ID)
        .text("counter_id", &r.counter_id, ID);
    pb::TicketActionRequest => |r| Limits::new()
        .text("center_id", &r.center_id, ID)
        .text("counter_id", &r.counter_id, ID)
        .text("ticket_id", &r.ticket_id, ID);
    pb::FinishServingRequest => |r| Limits::new()
        .text("center_id", &r.center_id, ID)
        .text("counter_id", &r.counter_id, ID)
        .text("ticket_id", &r.ticket_id, ID)
        .text("outcome", &r.outcome, NAME)
        .texts("dossier_codes", &r.dossier_codes, ID);
    pb::TransferRequest => |r| Limits::new()
        .text("center_id", &r.center_id, ID)
        .text("counter_id", &r.counter_id, ID)
        .text("ticket_id", &r.ticket_id, ID)
        .text("to_service_code", &r.to_service_code, ID)
        .text("to_counter_id", &r.to_counter_id, ID);
    pb::CancelTicketRequest => |r| Limits::new()
        .text("id", &r.id, ID)
        .text("reason", &r.reason, TEXT)
        .text("key", &r.key, CITIZEN_KEY);
    pb::ListSlotsRequest => |r| Limits::new()
        .text("center_id", &r.center_id, ID)
        .text("service_code", &r.service_code, ID)
        .text("date", &r.date, 10);
    pb::BookAppointmentRequest => |r| Limits::new()
        .text("center_id", &r.center_id, ID)
        .text("service_code", &r.service_code, ID)
        .text("full_name", &r.full_name, NAME)
        .text("phone", &r.phone, CONTACT);
    pb::CheckInRequest => |r| Limits::new().text("appointment_code", &r.appointment_code, ID);
    pb::WatchBoardRequest => |r| Limits::new().text("center_id", &r.center_id, ID);
    pb::QueueStatsRequest => |r| Limits::new().text("center_id", &r.center_id, ID);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_fields_are_named_with_their_path() {
        let r = pb::UpsertCounterRequest {
            counter: Some(pb::Counter {
                name: "x".repeat(NAME + 1),
                service_codes: vec!["y".repeat(ID + 1)],
                ..Default::default()
            }),
        };
        let ServiceError::InvalidArgument(v) = r.check_bounds().unwrap_err() else {
            panic!("not invalid argument")
        };
        let fields: Vec<_> = v.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["counter.name", "counter.service_codes[0]"]);
    }
}
