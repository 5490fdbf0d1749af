//! HTML of the queue floor's kiosk and ticket pages, in Vietnamese with English
//! alongside. The display screen is in [`super::display`].

use onestop_proto::queue::v1 as pb;

use super::labels;
use crate::pages::{esc, layout, layout_with_head};

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

/// A full-screen page without the site header: the kiosk and its printed ticket.
fn kiosk_shell(title: &str, head: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
*{{box-sizing:border-box}}
body{{font-family:system-ui,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9;font-size:20px;-webkit-user-select:none;user-select:none}}
header{{background:#b3261e;color:#fff;padding:14px 28px}} header strong{{font-size:1.3em}} header small{{display:block;opacity:.85}}
main{{max-width:1200px;margin:0 auto;padding:18px 28px}}
h1{{font-size:2em;margin:.3em 0}} h2{{font-size:1.3em;margin:1em 0 .4em}}
.en{{color:#666;font-size:.85em}}
.errors{{background:#fdecea;border:2px solid #b3261e;border-radius:10px;padding:12px 18px;margin:12px 0}}
.errors li{{margin:4px 0}}
.prio{{display:flex;flex-wrap:wrap;gap:10px;border:0;padding:0;margin:0}} .prio legend{{font-weight:600;margin-bottom:8px}}
.prio label{{flex:1 1 180px;background:#fff;border:2px solid #ccc;border-radius:12px;padding:12px 14px;cursor:pointer;min-height:70px}}
.prio input{{width:26px;height:26px;vertical-align:middle;margin-right:8px}}
.prio label:has(input:checked){{border-color:#b3261e;background:#fff4f2}}
.lines{{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px;margin:18px 0}}
.line{{display:flex;align-items:center;gap:18px;text-align:left;font:inherit;background:#fff;border:3px solid #b3261e;border-radius:16px;padding:18px 20px;min-height:130px;cursor:pointer;color:inherit;box-shadow:0 2px 6px rgba(0,0,0,.08)}}
.line:active{{background:#fde7e4;transform:scale(.99)}}
.line .prefix{{font-size:3em;font-weight:800;color:#b3261e;min-width:1.2em;text-align:center}}
.line .vi{{display:block;font-size:1.35em;font-weight:700}} .line .wait{{display:block;margin-top:6px;color:#444}}
.row{{display:flex;flex-wrap:wrap;gap:12px;align-items:center}}
input[type=tel],input[type=text]{{font-size:1.3em;padding:12px 14px;border:2px solid #999;border-radius:10px;min-width:300px}}
.big{{display:inline-block;font:inherit;font-size:1.2em;font-weight:700;padding:16px 26px;border-radius:12px;border:0;background:#b3261e;color:#fff;text-decoration:none;cursor:pointer}}
.big.secondary{{background:#fff;color:#b3261e;border:3px solid #b3261e}}
.card{{background:#fff;border:1px solid #ddd;border-radius:12px;padding:14px 20px;margin:16px 0}}
.ticket{{background:#fff;max-width:420px;margin:20px auto;padding:18px 22px;border:1px dashed #999;text-align:center;color:#000}}
.ticket .number{{font-size:5em;font-weight:800;letter-spacing:.04em;line-height:1.1;margin:.1em 0}}
.ticket p{{margin:.35em 0}} .ticket .qr svg{{width:190px;height:190px}} .ticket .url{{font-size:.6em;word-break:break-all}}
.actions{{text-align:center;margin:24px 0;display:flex;gap:16px;justify-content:center;flex-wrap:wrap}}
@page{{size:80mm auto;margin:0}}
@media print{{
 header,.actions,.noprint{{display:none!important}}
 body{{background:#fff;font-size:11pt;width:80mm}} main{{padding:0;max-width:none}}
 .ticket{{border:0;margin:0;padding:3mm 4mm;width:80mm;max-width:80mm}}
 .ticket .number{{font-size:40pt}} .ticket .qr svg{{width:36mm;height:36mm}} .en{{color:#000}}
}}
</style>{head}</head><body>{body}</body></html>"#,
        title = esc(title),
    )
}

fn center_header(center: &CenterName) -> String {
    format!(
        "<header><strong>{vi}</strong><small>{en}</small></header>",
        vi = esc(&center.vi),
        en = esc(&center.en),
    )
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

/// The kiosk touch screen of a centre.
pub fn kiosk(
    center_id: &str,
    center: &CenterName,
    lines: &[pb::ServiceLine],
    form: &KioskForm,
    errors: &[KioskError],
    autoprint: bool,
) -> String {
    let action = format!("/kiosk/{}/tickets", seg(center_id));
    // one id per screen shown: a double tap or a retried post sends the same id, and
    // the queue answers with the ticket already issued instead of printing a second
    let print_field = format!(
        "<input type=hidden name=request_id value=\"{}\">{}",
        onestop_kit::citizen_key::generate(),
        if autoprint {
            "<input type=hidden name=print value=1>"
        } else {
            ""
        }
    );
    let mut body = center_header(center);
    body.push_str("<main><h1>Lấy số thứ tự <span class=en>/ Take a number</span></h1>");
    if !errors.is_empty() {
        body.push_str("<div class=errors role=alert><strong>Chưa lấy được số <span class=en>/ No ticket issued</span></strong><ul>");
        for e in errors {
            let name = if e.field.is_empty() {
                String::new()
            } else {
                let (vi, en, _) = labels::field(&e.field);
                format!("<strong>{vi} <span class=en>/ {en}</span>:</strong> ")
            };
            body.push_str(&format!(
                "<li data-field=\"{field}\">{name}{vi}<br><span class=en>{en}</span></li>",
                field = esc(&e.field),
                vi = esc(&e.vi),
                en = esc(&e.en),
            ));
        }
        body.push_str("</ul></div>");
    }

    // one form: priority and phone first, then a button per line
    body.push_str(&format!(
        r#"<form method="post" action="{action}" id="take">{print_field}
<button type="submit" disabled hidden aria-hidden="true"></button>
<fieldset class="prio"><legend>Đối tượng ưu tiên (nếu có) <span class=en>/ Priority (if any)</span></legend>"#
    ));
    let chosen = if form.priority.is_empty() {
        "none"
    } else {
        form.priority.as_str()
    };
    for (value, vi, en, _) in labels::PRIORITIES {
        body.push_str(&format!(
            "<label><input type=radio name=priority value=\"{value}\"{checked}>{vi}<br><span class=en>{en}</span></label>",
            checked = if value == chosen { " checked" } else { "" },
        ));
    }
    body.push_str(&format!(
        r#"</fieldset>
<h2><label for="phone">Số điện thoại (không bắt buộc) <span class=en>/ Phone (optional)</span></label></h2>
<div class="row"><input type="tel" id="phone" name="phone" inputmode="tel" autocomplete="off" maxlength="20" value="{phone}" placeholder="0912 345 678">
<span class=en>Nhận tin nhắn khi sắp đến lượt<br>An SMS when your turn is near</span></div>
<h2>Chọn dịch vụ <span class=en>/ Choose a service</span></h2>
<div class="lines">"#,
        phone = esc(&form.phone),
    ));
    if lines.is_empty() {
        body.push_str("<p>Trung tâm chưa mở dịch vụ nào để lấy số. <span class=en>/ No service line is open for tickets.</span></p>");
    }
    for line in lines {
        body.push_str(&format!(
            r#"<button class="line" type="submit" name="service_code" value="{code}"><span class="prefix">{prefix}</span><span><span class="vi">{vi}</span><span class="en">{en}</span><span class="wait">{n} người đang chờ <span class=en>/ waiting</span></span></span></button>"#,
            code = esc(&line.code),
            prefix = esc(&line.prefix),
            vi = esc(&line.name_vi),
            en = esc(&line.name_en),
            n = line.waiting,
        ));
    }
    body.push_str("</div></form>");

    body.push_str(&format!(
        r#"<form method="post" action="{action}" class="card">{print_field}
<input type="hidden" name="service_code" value=""><input type="hidden" name="priority" value="none">
<h2><label for="appointment_code">Đã đặt lịch hẹn trực tuyến? Nhập mã lịch hẹn <span class=en>/ Booked online? Enter your appointment code</span></label></h2>
<div class="row"><input type="text" id="appointment_code" name="appointment_code" autocomplete="off" autocapitalize="characters" maxlength="20" value="{code}" placeholder="LH7K2M9Q">
<button class="big" type="submit">Xác nhận lịch hẹn <span class=en style="color:#fff">/ Check in</span></button></div>
</form>
<script>
// back to a clean screen (and fresh waiting counts) after a minute without a touch
(function(){{var t;function arm(){{clearTimeout(t);t=setTimeout(function(){{location.replace("{kiosk_url}")}},60000)}}
['click','keydown','touchstart','input'].forEach(function(e){{addEventListener(e,arm,true)}});arm();}})();
</script></main>"#,
        code = esc(&form.appointment_code),
        kiosk_url = kiosk_url(center_id, autoprint),
    ));
    kiosk_shell("Lấy số thứ tự / Take a number", "", &body)
}

/// The kiosk page's address (the idle reset and "take another" go back to it).
fn kiosk_url(center_id: &str, autoprint: bool) -> String {
    format!(
        "/kiosk/{}{}",
        seg(center_id),
        if autoprint { "?print=1" } else { "" }
    )
}

fn line_names<'a>(lines: &'a [pb::ServiceLine], code: &str) -> Option<&'a pb::ServiceLine> {
    lines.iter().find(|l| l.code == code)
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
    let kiosk_url = kiosk_url(center_id, autoprint);
    let line = line_names(lines, &ticket.service_code);
    let (line_vi, line_en) = line.map_or((ticket.service_code.as_str(), ""), |l| {
        (l.name_vi.as_str(), l.name_en.as_str())
    });
    let priority = labels::priority(ticket.priority())
        .map(|(vi, en)| format!("<p>Ưu tiên: {vi} <span class=en>/ Priority: {en}</span></p>"))
        .unwrap_or_default();
    let (wait_vi, wait_en) = labels::wait(ticket.estimated_wait.as_ref());
    let position = if ticket.position > 0 {
        format!(
            "<p>Vị trí trong hàng: <strong>{p}</strong> <span class=en>/ Position in queue: {p}</span></p>
<p>Thời gian chờ dự kiến: <strong>{wait_vi}</strong><br><span class=en>Estimated wait: {wait_en}</span></p>",
            p = ticket.position,
            wait_vi = esc(&wait_vi),
            wait_en = esc(&wait_en),
        )
    } else {
        String::new()
    };
    let appointment = if ticket.appointment_code.is_empty() {
        String::new()
    } else {
        "<p>Theo lịch hẹn <span class=en>/ By appointment</span></p>".to_string()
    };
    let qr = qr_svg(public_url, 190).unwrap_or_default();
    let head = format!(
        r#"<meta http-equiv="refresh" content="45;url={kiosk_url}">{print}"#,
        print = if autoprint {
            "<script>addEventListener('load',function(){setTimeout(function(){window.print()},300)})</script>"
        } else {
            ""
        },
    );
    let body = format!(
        r#"<main><div class="ticket">
<p><strong>{center_vi}</strong><br><span class=en>{center_en}</span></p>
<p>SỐ THỨ TỰ CỦA BẠN <span class=en>/ YOUR NUMBER</span></p>
<div class="number">{number}</div>
<p><strong>{line_vi}</strong><br><span class=en>{line_en}</span></p>
{priority}{appointment}{position}
<p>Lấy lúc <span class=en>/ Issued</span>: {issued}</p>
<div class="qr">{qr}</div>
<p>Quét mã để theo dõi lượt của bạn <span class=en>/ Scan to follow your turn</span></p>
<p class="url">{url}</p>
{key}
<p>Vui lòng chú ý màn hình và loa gọi số.<br><span class=en>Please watch the screen and listen for your number.</span></p>
</div>
<div class="actions"><button class="big secondary" type="button" onclick="window.print()">In lại <span class=en>/ Print again</span></button>
<a class="big" href="{kiosk_url}">Lấy số khác <span class=en style="color:#fff">/ Take another</span></a></div></main>"#,
        center_vi = esc(&center.vi),
        center_en = esc(&center.en),
        number = esc(&ticket.number),
        line_vi = esc(line_vi),
        line_en = esc(line_en),
        issued = labels::local_time(ticket.issued_at.as_ref()),
        url = esc(public_url),
        key = if key.is_empty() {
            String::new()
        } else {
            format!(
                "<p>Mã bảo mật <span class=en>/ Key</span>: <strong class=\"key\">{}</strong><br><span class=en>Giữ phiếu này: cần mã để hủy số / keep this ticket: the key cancels it</span></p>",
                esc(key)
            )
        },
    );
    kiosk_shell(&format!("Số {}", ticket.number), &head, &body)
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
    let line = line_names(lines, &ticket.service_code);
    let (line_vi, line_en) = line.map_or((ticket.service_code.as_str(), ""), |l| {
        (l.name_vi.as_str(), l.name_en.as_str())
    });
    let mut body = String::new();
    if let Some((vi, en)) = notice {
        body.push_str(&format!(
            "<div class=card role=alert style=\"border-color:#b3261e\">{}<br><span class=en>{}</span></div>",
            esc(vi),
            esc(en)
        ));
    }
    body.push_str(&format!(
        r#"<div class="card" style="text-align:center">
<p>Số thứ tự <span class=en>/ Ticket</span></p>
<div style="font-size:4em;font-weight:800;letter-spacing:.04em">{number}</div>
<p><strong>{line_vi}</strong> <span class=en>/ {line_en}</span></p>
<p>Trạng thái: <strong>{status_vi}</strong> <span class=en>/ Status: {status_en}</span></p>
</div>"#,
        number = esc(&ticket.number),
        line_vi = esc(line_vi),
        line_en = esc(line_en),
    ));
    match status {
        pb::TicketStatus::Called if ticket.counter_number > 0 => body.push_str(&format!(
            r#"<div class="card" style="background:#b3261e;color:#fff;text-align:center;font-size:1.6em"><strong>Mời đến quầy số {n}</strong><br><span style="font-size:.7em">Please go to counter {n}</span></div>"#,
            n = ticket.counter_number
        )),
        pb::TicketStatus::Serving if ticket.counter_number > 0 => body.push_str(&format!(
            "<div class=card>Đang được phục vụ tại quầy số {n} <span class=en>/ Being served at counter {n}</span></div>",
            n = ticket.counter_number
        )),
        pb::TicketStatus::Waiting => {
            let (wait_vi, wait_en) = labels::wait(ticket.estimated_wait.as_ref());
            body.push_str(&format!(
                r#"<div class="card"><table>
<tr><th>Vị trí trong hàng <span class=en>/ Position</span></th><td><strong style="font-size:1.4em">{p}</strong> <span class=en>(1 = số tiếp theo được gọi / next to be called)</span></td></tr>
<tr><th>Thời gian chờ dự kiến <span class=en>/ Estimated wait</span></th><td><strong>{wait_vi}</strong><br><span class=en>{wait_en}</span></td></tr>
</table></div>"#,
                p = ticket.position,
                wait_vi = esc(&wait_vi),
                wait_en = esc(&wait_en),
            ));
        }
        _ => {}
    }
    if let Some(x) = explanation.filter(|x| !x.summary_vi.is_empty() || !x.reasons.is_empty()) {
        body.push_str("<h2>Vì sao ở vị trí này? <span class=en>/ Why this position?</span></h2><div class=card>");
        if !x.summary_vi.is_empty() {
            body.push_str(&format!(
                "<p>{}<br><span class=en>{}</span></p>",
                esc(&x.summary_vi),
                esc(&x.summary_en)
            ));
        }
        if !x.reasons.is_empty() {
            body.push_str("<ul>");
            for r in &x.reasons {
                body.push_str(&format!(
                    "<li>{}<br><span class=en>{}</span></li>",
                    esc(&r.text_vi),
                    esc(&r.text_en)
                ));
            }
            body.push_str("</ul>");
        }
        body.push_str("</div>");
    }
    body.push_str(&format!(
        "<p>Lấy lúc <span class=en>/ Issued</span>: {}</p>",
        labels::local_time(ticket.issued_at.as_ref())
    ));
    if labels::cancellable(status) && !key.is_empty() {
        body.push_str(&format!(
            r#"<form method="post" action="/t/{id}/cancel" class="cancel" onsubmit="return confirm('Hủy số {number}? / Cancel ticket {number}?')">
<input type="hidden" name="k" value="{key}">
<button type="submit">Hủy số này <span class=en>/ Cancel this ticket</span></button> <span class=en>Nếu bạn không cần chờ nữa / if you no longer need it</span></form>"#,
            id = seg(&ticket.id),
            number = esc(&ticket.number),
            key = esc(key),
        ));
    } else if labels::cancellable(status) {
        body.push_str(&format!(
            r#"<form method="get" action="/t/{id}" class="key">
<label for="k">Muốn hủy số? Nhập mã bảo mật in trên phiếu <span class=en>/ To cancel, enter the key printed on your ticket</span></label>
<input id="k" name="k" autocomplete="off" autocapitalize="characters" maxlength="20" placeholder="K7MP3XQ9RT"> <button type="submit">Tiếp tục <span class=en>/ Continue</span></button></form>"#,
            id = seg(&ticket.id),
        ));
    }
    let head = if labels::is_open(status) {
        body.push_str(
            "<p class=en>Trang tự cập nhật mỗi 15 giây / This page refreshes every 15 seconds.</p>",
        );
        format!(
            r#"<meta http-equiv="refresh" content="15;url=/t/{}{}">"#,
            seg(&ticket.id),
            if key.is_empty() {
                String::new()
            } else {
                format!("?k={}", seg(key))
            }
        )
    } else {
        String::new()
    };
    layout_with_head(&format!("Số {}", ticket.number), &head, &body)
}

/// The queue's entry page: every centre with its kiosk and display screen.
pub fn centers(centers: &[pb::Center]) -> String {
    let mut body = String::from(
        "<h1>Xếp hàng lấy số <span class=en>/ Queue</span></h1><table><tr><th>Trung tâm / Centre</th><th>Máy lấy số / Kiosk</th><th>Màn hình gọi số / Display</th></tr>",
    );
    for c in centers {
        let id = seg(&c.center_id);
        body.push_str(&format!(
            "<tr><td>{vi}<br><span class=en>{en}</span></td><td><a href=\"/kiosk/{id}\">/kiosk/{id}</a></td><td><a href=\"/display/{id}\">/display/{id}</a></td></tr>",
            vi = esc(&c.name_vi),
            en = esc(&c.name_en),
        ));
    }
    body.push_str("</table>");
    if centers.is_empty() {
        body.push_str("<p>Chưa có trung tâm nào. <span class=en>/ No centre yet.</span></p>");
    }
    layout("Xếp hàng lấy số / Queue", &body)
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
