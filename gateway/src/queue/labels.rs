//! Words for the queue's enums and fields, in Vietnamese and English, and times shown
//! in the centre's time zone.

use onestop_proto::queue::v1 as pb;

/// The priority classes the kiosk offers, in the order shown: form value, Vietnamese,
/// English, wire enum.
pub const PRIORITIES: [(&str, &str, &str, pb::PriorityClass); 6] = [
    (
        "none",
        "Không ưu tiên",
        "No priority",
        pb::PriorityClass::None,
    ),
    (
        "elderly",
        "Người cao tuổi",
        "Elderly",
        pb::PriorityClass::Elderly,
    ),
    (
        "disabled",
        "Người khuyết tật",
        "Person with a disability",
        pb::PriorityClass::Disabled,
    ),
    (
        "pregnant",
        "Phụ nữ mang thai",
        "Pregnant woman",
        pb::PriorityClass::Pregnant,
    ),
    (
        "child_under_6",
        "Người đi cùng trẻ em dưới 6 tuổi",
        "With a child under 6",
        pb::PriorityClass::ChildUnder6,
    ),
    (
        "veteran",
        "Người có công với cách mạng",
        "Veteran / person of merit",
        pb::PriorityClass::Veteran,
    ),
];

/// The wire priority for a kiosk form value (`""` counts as none).
pub fn priority_from_form(value: &str) -> Option<pb::PriorityClass> {
    if value.is_empty() {
        return Some(pb::PriorityClass::None);
    }
    PRIORITIES
        .iter()
        .find(|(v, ..)| *v == value)
        .map(|(.., p)| *p)
}

/// Vietnamese and English names of a priority class; `None` for no priority.
pub fn priority(p: pb::PriorityClass) -> Option<(&'static str, &'static str)> {
    match p {
        pb::PriorityClass::Unspecified | pb::PriorityClass::None => None,
        p => PRIORITIES
            .iter()
            .find(|(.., q)| *q == p)
            .map(|(_, vi, en, _)| (*vi, *en)),
    }
}

/// Vietnamese and English words for a ticket status.
pub fn ticket_status(s: pb::TicketStatus) -> (&'static str, &'static str) {
    match s {
        pb::TicketStatus::Waiting => ("Đang chờ", "Waiting"),
        pb::TicketStatus::Called => ("Đang được mời", "Called"),
        pb::TicketStatus::Serving => ("Đang được phục vụ", "Being served"),
        pb::TicketStatus::Parked => ("Tạm dừng, chờ bổ sung giấy tờ", "On hold"),
        pb::TicketStatus::Done => ("Đã phục vụ xong", "Done"),
        pb::TicketStatus::NoShow => ("Vắng mặt khi được gọi", "Missed (no-show)"),
        pb::TicketStatus::Cancelled => ("Đã hủy", "Cancelled"),
        pb::TicketStatus::Expired => ("Đã hết hạn", "Expired"),
        pb::TicketStatus::Unspecified => ("Chưa rõ", "Unknown"),
    }
}

/// Whether a ticket can still change (the citizen's page keeps refreshing).
pub fn is_open(s: pb::TicketStatus) -> bool {
    matches!(
        s,
        pb::TicketStatus::Waiting
            | pb::TicketStatus::Called
            | pb::TicketStatus::Serving
            | pb::TicketStatus::Parked
    )
}

/// Whether the citizen may still cancel the ticket.
pub fn cancellable(s: pb::TicketStatus) -> bool {
    matches!(s, pb::TicketStatus::Waiting | pb::TicketStatus::Called)
}

/// Vietnamese and English names of a kiosk form field, and what to tell the citizen
/// in Vietnamese when it is wrong.
pub fn field(name: &str) -> (&'static str, &'static str, &'static str) {
    match name {
        "service_code" => ("Dịch vụ", "Service line", "Vui lòng chọn dịch vụ cần làm."),
        "priority" => (
            "Đối tượng ưu tiên",
            "Priority",
            "Đối tượng ưu tiên không hợp lệ.",
        ),
        "phone" => (
            "Số điện thoại",
            "Phone",
            "Số điện thoại không đúng: cần số di động Việt Nam 10 chữ số, ví dụ 0912 345 678.",
        ),
        "appointment_code" => (
            "Mã lịch hẹn",
            "Appointment code",
            "Mã lịch hẹn không đúng: gồm LH và 6 chữ cái hoặc chữ số, ví dụ LH7K2M9Q.",
        ),
        "center_id" => ("Trung tâm", "Centre", "Trung tâm không hợp lệ."),
        _ => ("Thông tin", "Field", "Thông tin không hợp lệ."),
    }
}

/// `"khoảng N phút (low–high)"` and its English, or "next" when no wait is expected.
pub fn wait(w: Option<&pb::WaitEstimate>) -> (String, String) {
    match w {
        None => ("chưa ước tính được".into(), "not estimated yet".into()),
        Some(w) if w.minutes <= 0 && w.high_minutes <= 0 => {
            ("sắp đến lượt".into(), "any moment now".into())
        }
        Some(w) if w.low_minutes == w.high_minutes => (
            format!("khoảng {} phút", w.minutes),
            format!("about {} min", w.minutes),
        ),
        Some(w) => (
            format!(
                "khoảng {} phút ({}–{})",
                w.minutes, w.low_minutes, w.high_minutes
            ),
            format!(
                "about {} min ({}–{})",
                w.minutes, w.low_minutes, w.high_minutes
            ),
        ),
    }
}

/// A timestamp as local `HH:MM dd/mm/yyyy` in Asia/Ho_Chi_Minh.
pub fn local_time(t: Option<&prost_types::Timestamp>) -> String {
    crate::pages::in_vietnam(t)
        .map(|t| onestop_kit::format::clock_date(&t))
        .unwrap_or_default()
}
