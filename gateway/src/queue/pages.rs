//! HTML of the queue floor's kiosk and ticket pages, in Vietnamese with English
//! alongside (templates in `gateway/templates/queue/`). The display screen is in
//! [`super::display`].

use onestop_proto::queue::v1 as pb;

use askama::Template;

use super::labels;
use crate::pages::render;

/// A centre's names, Vietnamese and English (the id when the service did not say).
#[derive(Debug, Clone, Default)]
pub struct CenterName {
    /// Vietnamese name.
    pub vi: String,
    /// English name.
    pub en: String,
}

/// Percent-encodes `text` for one URL path segment or query value.
pub fn seg(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An inline SVG QR code of `url` (no XML declaration, so it can sit in HTML).
pub fn qr_svg(url: &str, size: u32) -> Option<String> {
    onestop_kit::qr::inline_svg(url, size).ok()
}

/// What the kiosk form held, to show again after an error.
#[derive(Debug, Clone, Default)]
pub struct KioskForm {
    /// Priority form value (`none`, `elderly`, …).
    pub priority: String,
    /// Phone as typed.
    pub phone: String,
    /// Appointment code as typed.
    pub appointment_code: String,
}

/// A problem to show on the kiosk page: which field (if any), Vietnamese and English.
#[derive(Debug, Clone)]
pub struct KioskError {
    /// Form field concerned, empty for the whole request.
    pub field: String,
    /// Vietnamese explanation.
    pub vi: String,
    /// English explanation.
    pub en: String,
}

/// One priority class on the kiosk, as offered.
struct Choice {
    value: &'static str,
    vi: &'static str,
    en: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "queue/kiosk.html")]
struct Kiosk<'a> {
    center: &'a CenterName,
    lines: &'a [pb::ServiceLine],
    form: &'a KioskForm,
    errors: &'a [KioskError],
    priorities: Vec<Choice>,
    action: String,
    kiosk_url: String,
    request_id: String,
    autoprint: bool,
}

/// The kiosk touch screen of a centre.
pub fn kiosk(
    center_id: &str,
    center: &CenterName,
    lines: &[pb::ServiceLine],
    form: &KioskForm,
    errors: &[KioskError],
    autoprint: bool,
) -> String {
    let chosen = if form.priority.is_empty() {
        "none"
    } else {
        form.priority.as_str()
    };
    render(&Kiosk {
        center,
        lines,
        form,
        errors,
        priorities: labels::PRIORITIES
            .iter()
            .map(|&(value, vi, en, _)| Choice {
                value,
                vi,
                en,
                checked: value == chosen,
            })
            .collect(),
        action: format!("/kiosk/{}/tickets", seg(center_id)),
        kiosk_url: kiosk_url(center_id, autoprint),
        // one id per screen shown: a double tap or a retried post sends the same id, and
        // the queue answers with the ticket already issued instead of printing a second
        request_id: onestop_kit::citizen_key::generate(),
        autoprint,
    })
}

/// The kiosk page's address (the idle reset and "take another" go back to it).
fn kiosk_url(center_id: &str, autoprint: bool) -> String {
    format!(
        "/kiosk/{}{}",
        seg(center_id),
        if autoprint { "?print=1" } else { "" }
    )
}

/// A line's names: Vietnamese and English (the code alone when the line is unknown).
fn line_names<'a>(lines: &'a [pb::ServiceLine], code: &'a str) -> (&'a str, &'a str) {
    lines
        .iter()
        .find(|l| l.code == code)
        .map_or((code, ""), |l| (l.name_vi.as_str(), l.name_en.as_str()))
}

#[derive(Template)]
#[template(path = "queue/printed_ticket.html")]
struct PrintedTicket<'a> {
    center: &'a CenterName,
    ticket: &'a pb::Ticket,
    line_vi: &'a str,
    line_en: &'a str,
    priority: Option<(&'static str, &'static str)>,
    wait_vi: String,
    wait_en: String,
    issued: String,
    qr: String,
    url: &'a str,
    key: &'a str,
    kiosk_url: String,
    autoprint: bool,
}

/// The ticket the kiosk prints (80 mm thermal paper), with a QR code to follow it.
pub fn printed_ticket(
    center_id: &str,
    center: &CenterName,
    ticket: &pb::Ticket,
    lines: &[pb::ServiceLine],
    public_url: &str,
    key: &str,
    autoprint: bool,
) -> String {
    let (line_vi, line_en) = line_names(lines, &ticket.service_code);
    let (wait_vi, wait_en) = labels::wait(ticket.estimated_wait.as_ref());
    render(&PrintedTicket {
        center,
        ticket,
        line_vi,
        line_en,
        priority: labels::priority(ticket.priority()),
        wait_vi,
        wait_en,
        issued: labels::local_time(ticket.issued_at.as_ref()),
        qr: qr_svg(public_url, 190).unwrap_or_default(),
        url: public_url,
        key,
        kiosk_url: kiosk_url(center_id, autoprint),
        autoprint,
    })
}

#[derive(Template)]
#[template(path = "queue/ticket.html")]
struct TicketPage<'a> {
    ticket: &'a pb::Ticket,
    status: pb::TicketStatus,
    status_vi: &'static str,
    status_en: &'static str,
    line_vi: &'a str,
    line_en: &'a str,
    wait_vi: String,
    wait_en: String,
    explanation: Option<&'a pb::ExplainPositionResponse>,
    notice: Option<(&'a str, &'a str)>,
    issued: String,
    /// The ticket id as a path segment.
    id: String,
    key: &'a str,
    /// The key as a query value.
    key_seg: String,
    open: bool,
    cancellable: bool,
}

/// The citizen's page of a ticket (what the printed QR opens): status, position,
/// estimated wait and why. No personal data. `key` is the one from the printed QR
/// (`?k=`), which the cancel button needs; without it the page asks for it.
pub fn ticket(
    ticket: &pb::Ticket,
    lines: &[pb::ServiceLine],
    explanation: Option<&pb::ExplainPositionResponse>,
    notice: Option<(&str, &str)>,
    key: &str,
) -> String {
    let status = ticket.status();
    let (status_vi, status_en) = labels::ticket_status(status);
    let (line_vi, line_en) = line_names(lines, &ticket.service_code);
    let (wait_vi, wait_en) = labels::wait(ticket.estimated_wait.as_ref());
    render(&TicketPage {
        ticket,
        status,
        status_vi,
        status_en,
        line_vi,
        line_en,
        wait_vi,
        wait_en,
        explanation: explanation.filter(|x| !x.summary_vi.is_empty() || !x.reasons.is_empty()),
        notice,
        issued: labels::local_time(ticket.issued_at.as_ref()),
        id: seg(&ticket.id),
        key,
        key_seg: seg(key),
        open: labels::is_open(status),
        cancellable: labels::cancellable(status),
    })
}

#[derive(Template)]
#[template(path = "queue/centers.html")]
struct Centers<'a> {
    centers: &'a [pb::Center],
}

/// The queue's entry page: every centre with its kiosk and display screen.
pub fn centers(centers: &[pb::Center]) -> String {
    render(&Centers { centers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded() {
        assert_eq!(seg("muong-sai"), "muong-sai");
        assert_eq!(seg("a b/c"), "a%20b%2Fc");
    }

    #[test]
    fn qr_is_inline_svg() {
        let svg = qr_svg("http://127.0.0.1:8080/t/abc", 120).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
    }
}
