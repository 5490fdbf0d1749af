//! HTML of the citizen's dossier pages, the feedback form and the demo payment
//! platform, in Vietnamese with English alongside. The dossier page shows only what a
//! `PublicDossier` carries: no name, citizen ID, phone or address ever reaches it.

use onestop_proto::dossier::v1 as pb;

use crate::pages::{esc, layout_with_head};

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

/// A message in Vietnamese and English.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Said {
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

impl Said {
    /// A message from its two languages.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// A service message written `Vietnamese — English`, without the status prefix
    /// (`failed precondition: `, `invalid argument: field: ` …); the whole text in both
    /// places when it is not bilingual.
    pub fn split(text: &str) -> Self {
        let mut text = text.trim();
        for prefix in [
            "failed precondition: ",
            "unauthenticated: ",
            "permission denied: ",
            "aborted: ",
            "invalid argument: ",
        ] {
            if let Some(rest) = text.strip_prefix(prefix) {
                text = rest;
                if prefix == "invalid argument: "
                    && let Some((field, rest)) = text.split_once(": ")
                    && !field.is_empty()
                    && field
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._[]".contains(&b))
                {
                    text = rest;
                }
                break;
            }
        }
        match text.split_once(" — ") {
            Some((vi, en)) => Self::new(vi.trim(), en.trim()),
            None => Self::new(text, text),
        }
    }

    fn html(&self) -> String {
        if self.vi == self.en {
            esc(&self.vi)
        } else {
            format!(
                "{}<br><span class=en>{}</span>",
                esc(&self.vi),
                esc(&self.en)
            )
        }
    }
}

/// A problem with one form field; `field` empty for the request as a whole.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The form (or request) field concerned.
    pub field: String,
    /// What is wrong.
    pub said: Said,
}

/// Something to tell the citizen at the top of the dossier page.
#[derive(Debug, Clone)]
pub enum Notice {
    /// The rating was recorded.
    Thanks,
    /// Something could not be done (e.g. nothing is owed any more).
    Problem(Said),
}

/// What the rating form held, to show again after an error.
#[derive(Debug, Clone, Default)]
pub struct RateForm {
    /// The score as sent, `1`–`5`.
    pub score: String,
    /// The comment as typed.
    pub comment: String,
}

/// What the feedback form held, to show again after an error.
#[derive(Debug, Clone, Default)]
pub struct FeedbackForm {
    /// Phone or e-mail, as typed.
    pub contact: String,
    /// The feedback itself.
    pub content: String,
    /// The dossier it is about, if any.
    pub dossier_code: String,
    /// That dossier's key, printed on its receipt.
    pub key: String,
}

const STYLE: &str = r#"<meta name="robots" content="noindex">
<style>
.stages{list-style:none;display:flex;gap:4px;padding:0;margin:12px 0;counter-reset:s}
.stages li{flex:1;text-align:center;font-size:.85em;padding:8px 4px;border-top:6px solid #ccc;color:#666}
.stages li .n{display:block;font-weight:700;font-size:1.2em}
.stages li.done{border-color:#2e7d32;color:#1b1b1b}
.stages li.current{border-color:#b3261e;color:#1b1b1b;font-weight:600}
.stages li.ended{border-color:#777;color:#1b1b1b}
.status{font-size:1.3em} .code{font-family:ui-monospace,monospace;font-size:1.2em;letter-spacing:.03em}
.notice{border-color:#2e7d32;background:#eef7ee} .problem{border-color:#b3261e;background:#fdecea}
.fee{border-color:#b3261e} .big{font-size:1.1em;padding:10px 18px;background:#b3261e;color:#fff;border:0;border-radius:6px;cursor:pointer}
.scores{display:flex;flex-wrap:wrap;gap:8px;border:0;padding:0} .scores label{flex:1 1 120px;background:#fff;border:1px solid #ccc;border-radius:6px;padding:8px;text-align:center;cursor:pointer}
.scores label:has(input:checked){border-color:#b3261e;background:#fff4f2}
textarea,input[type=text]{width:100%;box-sizing:border-box;font:inherit;padding:8px}
.errors li{margin:4px 0}
.demo{background:#fff8e1;border:2px dashed #b26a00;padding:10px 14px;border-radius:6px}
.keyform input[type=text]{max-width:16em;font-family:ui-monospace,monospace;letter-spacing:.08em;text-transform:uppercase}
</style>"#;

fn page(title: &str, body: &str) -> String {
    layout_with_head(title, STYLE, body)
}

const WEEKDAYS_VI: [&str; 7] = [
    "thứ Hai",
    "thứ Ba",
    "thứ Tư",
    "thứ Năm",
    "thứ Sáu",
    "thứ Bảy",
    "Chủ nhật",
];

/// A time in Vietnam: `09:00 thứ Hai, 23/02/2026` and `09:00 Monday, 23/02/2026`.
pub fn when(t: Option<&prost_types::Timestamp>) -> Option<Said> {
    use chrono::Datelike;
    let t = t?;
    let local = chrono::DateTime::from_timestamp(t.seconds, 0)?
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh);
    let weekday = local.weekday();
    let hm = local.format("%H:%M");
    let date = local.format("%d/%m/%Y");
    Some(Said::new(
        format!(
            "{hm} {}, {date}",
            WEEKDAYS_VI[weekday.num_days_from_monday() as usize]
        ),
        format!("{hm} {}, {date}", local.format("%A")),
    ))
}

/// An amount in đồng, `1.500.000 đồng`.
pub fn vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} đồng")
}

/// The five stages of the centre's process, Vietnamese and English.
const STAGES: [(&str, &str); 5] = [
    ("Tiếp nhận và tư vấn", "Reception and consultation"),
    ("Chuẩn bị hồ sơ", "Preparation of documents"),
    ("Tiếp nhận hồ sơ", "Receipt of the dossier"),
    ("Xử lý chuyên môn", "Professional review"),
    ("Trả kết quả", "Return of results"),
];

/// Whether the dossier is closed before its result: not accepted, withdrawn, stopped.
fn ended_early(status: i32) -> bool {
    matches!(status, 3 | 7 | 8)
}

/// Whether an online payment may be asked for in this status.
fn payable(status: i32) -> bool {
    matches!(status, 2 | 4 | 5 | 6 | 9)
}

fn stages(d: &pb::PublicDossier) -> String {
    let current = d.stage.clamp(1, 5);
    let mut out =
        format!("<ol class=stages aria-label=\"Giai đoạn {current}/5 — stage {current} of 5\">");
    for (i, (vi, en)) in STAGES.iter().enumerate() {
        let n = i as i32 + 1;
        let (class, aria) = if n < current || (n == current && d.status == 10) {
            ("done", "")
        } else if n == current && ended_early(d.status) {
            ("ended", " aria-current=step")
        } else if n == current {
            ("current", " aria-current=step")
        } else {
            ("todo", "")
        };
        out.push_str(&format!(
            "<li class={class}{aria}><span class=n>{n}</span>{vi}<br><span class=en>{en}</span></li>"
        ));
    }
    out.push_str("</ol>");
    out
}

fn timeliness(t: pb::Timeliness) -> Option<(&'static str, &'static str)> {
    match t {
        pb::Timeliness::Early => Some(("Trước hạn", "early")),
        pb::Timeliness::OnTime => Some(("Đúng hạn", "on time")),
        pb::Timeliness::Late => Some(("Quá hạn", "late")),
        pb::Timeliness::Unspecified => None,
    }
}

/// Vietnamese and English names of a form field.
fn field_label(field: &str) -> Option<(&'static str, &'static str)> {
    Some(match field {
        "score" => ("Mức độ hài lòng", "Satisfaction"),
        "comment" => ("Góp ý", "Comment"),
        "contact" => ("Thông tin liên hệ", "Contact"),
        "content" => ("Nội dung phản ánh, kiến nghị", "Your feedback"),
        "dossier_code" => ("Mã hồ sơ", "Dossier code"),
        "key" => ("Mã bảo mật", "Key"),
        "center_id" => ("Trung tâm", "Centre"),
        _ => return None,
    })
}

fn error_list(title: &Said, errors: &[FieldError]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<div class=\"card problem errors\" role=alert><strong>{} <span class=en>/ {}</span></strong><ul>",
        esc(&title.vi),
        esc(&title.en)
    );
    for e in errors {
        let name = field_label(&e.field)
            .map(|(vi, en)| format!("<strong>{vi} <span class=en>/ {en}</span>:</strong> "))
            .unwrap_or_default();
        out.push_str(&format!(
            "<li data-field=\"{field}\">{name}{said}</li>",
            field = esc(&e.field),
            said = e.said.html(),
        ));
    }
    out.push_str("</ul></div>");
    out
}

fn lookup_form(code: &str) -> String {
    format!(
        r#"<form method="get" action="/d" class=card>
<label for="code"><strong>Mã hồ sơ</strong> <span class=en>/ Dossier code</span></label><br>
<input type="search" id="code" name="code" value="{code}" autocomplete="off" autocapitalize="characters" maxlength="60" placeholder="000.00.12.H56-260309-0042">
<button type="submit">Tra cứu / Look up</button>
<p class=en>Mã in trên giấy tiếp nhận hồ sơ và hẹn trả kết quả, hoặc quét mã QR trên giấy. / The code printed on your receipt, or scan its QR code.</p></form>"#,
        code = esc(code)
    )
}

/// `GET /d`: a box to type a dossier code.
pub fn lookup(code: &str, problem: Option<&Said>) -> String {
    let mut body =
        String::from("<h1>Tra cứu hồ sơ <span class=en>/ Track your dossier</span></h1>");
    if let Some(p) = problem {
        body.push_str(&format!(
            "<div class=\"card problem\" role=alert>{}</div>",
            p.html()
        ));
    }
    body.push_str(&lookup_form(code));
    page("Tra cứu hồ sơ / Track your dossier", &body)
}

/// 404: no dossier has this code.
pub fn unknown_code(code: &str) -> String {
    let body = format!(
        r#"<h1>Không tìm thấy hồ sơ <span class=en>/ Dossier not found</span></h1>
<div class="card problem" role=alert>Không có hồ sơ nào mang mã <strong class=code>{c}</strong>. Vui lòng kiểm tra lại mã trên giấy tiếp nhận.<br><span class=en>No dossier has the code {c}. Please check the code on your receipt.</span></div>{form}"#,
        c = esc(code),
        form = lookup_form(code),
    );
    page("Không tìm thấy hồ sơ / Dossier not found", &body)
}

/// 400: `code` is not a dossier code; `problem` says which part is wrong.
pub fn bad_code(code: &str, problem: &Said) -> String {
    let body = format!(
        r#"<h1>Mã hồ sơ không hợp lệ <span class=en>/ Not a valid dossier code</span></h1>
<div class="card problem" role=alert>{problem}</div>
<p>Mã hồ sơ có dạng <span class=code>&lt;mã đơn vị&gt;-&lt;YYMMDD&gt;-&lt;NNNN&gt;</span>, ví dụ <span class=code>000.00.12.H56-260309-0042</span>. <span class=en>/ A dossier code looks like 000.00.12.H56-260309-0042.</span></p>{form}"#,
        problem = problem.html(),
        form = lookup_form(code),
    );
    page("Mã hồ sơ không hợp lệ / Not a valid dossier code", &body)
}

fn date_row(vi: &str, en: &str, t: Option<&prost_types::Timestamp>) -> String {
    match when(t) {
        Some(w) => format!(
            "<tr><th>{vi} <span class=en>/ {en}</span></th><td><strong>{}</strong><br><span class=en>{}</span></td></tr>",
            esc(&w.vi),
            esc(&w.en)
        ),
        None => String::new(),
    }
}

const SCORES: [(&str, &str); 5] = [
    ("Rất không hài lòng", "Very dissatisfied"),
    ("Không hài lòng", "Dissatisfied"),
    ("Bình thường", "Neutral"),
    ("Hài lòng", "Satisfied"),
    ("Rất hài lòng", "Very satisfied"),
];

/// Where an action would be without the key: a small form asking for it, which opens
/// the page again with `?k=`.
fn key_form(code: &str, id: &str) -> String {
    format!(
        r#"<form method="get" action="/d/{code}" class="card keyform">
<p><label for="{id}"><strong>Nhập mã bảo mật in trên phiếu hẹn</strong> <span class=en>/ enter the key printed on your receipt</span></label></p>
<input type="text" id="{id}" name="k" required maxlength="32" autocomplete="off" autocapitalize="characters" spellcheck="false">
<button type="submit">Tiếp tục / Continue</button>
<p class=en>Mã bảo mật in cạnh mã hồ sơ trên giấy tiếp nhận; quét mã QR trên giấy sẽ tự điền. / The key is printed beside the dossier code on your receipt; scanning its QR code fills it in.</p></form>"#,
        code = seg(code),
    )
}

/// The key as a hidden field of a form that acts on the dossier.
fn key_input(key: &str) -> String {
    format!("<input type=\"hidden\" name=\"k\" value=\"{}\">", esc(key))
}

fn rating_section(
    d: &pb::PublicDossier,
    errors: &[FieldError],
    form: &RateForm,
    key: &str,
) -> String {
    let mut out = String::from(
        "<h2 id=rate>Đánh giá mức độ hài lòng <span class=en>/ Rate our service</span></h2>",
    );
    out.push_str(&error_list(
        &Said::new("Chưa ghi nhận được đánh giá", "The rating was not recorded"),
        errors,
    ));
    if d.status != 10 {
        return if errors.is_empty() {
            String::new()
        } else {
            out
        };
    }
    if d.rated {
        out.push_str("<p class=card>Hồ sơ này đã được đánh giá. Cảm ơn bạn! <span class=en>/ This dossier has been rated. Thank you!</span></p>");
        return out;
    }
    if key.is_empty() {
        out.push_str(&key_form(&d.code, "k-rate"));
        return out;
    }
    out.push_str(&format!(
        r#"<form method="post" action="/d/{code}/rate" class=card>{key}
<fieldset class=scores><legend>Bạn hài lòng thế nào với việc giải quyết hồ sơ này? <span class=en>/ How satisfied are you with how this dossier was handled?</span></legend>"#,
        code = seg(&d.code),
        key = key_input(key),
    ));
    for (i, (vi, en)) in SCORES.iter().enumerate() {
        let n = i + 1;
        let checked = if form.score == n.to_string() {
            " checked"
        } else {
            ""
        };
        out.push_str(&format!(
            "<label><input type=radio name=score value=\"{n}\" required{checked}> <strong>{n}</strong><br>{vi}<br><span class=en>{en}</span></label>"
        ));
    }
    out.push_str(&format!(
        r#"</fieldset>
<p><label for="comment">Góp ý (không bắt buộc) <span class=en>/ Comment (optional)</span></label>
<textarea id="comment" name="comment" rows="3" maxlength="4000">{comment}</textarea></p>
<p class=en>Vui lòng không ghi họ tên, số định danh hay số điện thoại. / Please do not write names, ID or phone numbers.</p>
<button class=big type="submit">Gửi đánh giá <span style="font-size:.85em">/ Send</span></button></form>"#,
        comment = esc(&form.comment),
    ));
    out
}

/// `GET /d/{code}`: the dossier's public status page. With the citizen's `key` the pay
/// button and the rating form carry it; without, those places ask for it.
pub fn dossier(
    d: &pb::PublicDossier,
    notice: Option<&Notice>,
    rate_errors: &[FieldError],
    form: &RateForm,
    key: &str,
) -> String {
    let mut body = String::new();
    match notice {
        Some(Notice::Thanks) => body.push_str(
            "<div class=\"card notice\" role=status><strong>Cảm ơn bạn đã đánh giá!</strong> <span class=en>/ Thank you for your rating!</span></div>",
        ),
        Some(Notice::Problem(said)) => body.push_str(&format!(
            "<div class=\"card problem\" role=alert>{}</div>",
            said.html()
        )),
        None => {}
    }
    let (status_vi, status_en) = if d.status_name_vi.is_empty() {
        ("Chưa rõ", "unknown")
    } else {
        (d.status_name_vi.as_str(), d.status_name_en.as_str())
    };
    body.push_str(&format!(
        r#"<p class=en>Hồ sơ <span>/ Dossier</span></p>
<h1 class=code>{code}</h1>
<p><strong>{procedure}</strong><br><span class=en>Thủ tục / Procedure {procedure_code}</span></p>
<div class=card><p class=status>Trạng thái <span class=en>/ Status</span>: <strong data-status="{status}">{status_vi}</strong> <span class=en>/ {status_en} (mã / code {status})</span></p>
{stages}</div>"#,
        code = esc(&d.code),
        procedure = esc(&d.procedure_name),
        procedure_code = esc(&d.procedure_code),
        status = d.status,
        status_vi = esc(status_vi),
        status_en = esc(status_en),
        stages = stages(d),
    ));
    let mut rows = String::new();
    rows.push_str(&date_row(
        "Ngày tiếp nhận",
        "Received",
        d.received_at.as_ref(),
    ));
    if !ended_early(d.status) {
        rows.push_str(&date_row(
            "Ngày hẹn trả kết quả",
            "Appointment for the result",
            d.due_at.as_ref(),
        ));
    }
    rows.push_str(&date_row(
        "Có kết quả lúc",
        "Result ready",
        d.result_ready_at.as_ref(),
    ));
    rows.push_str(&date_row(
        "Đã trả kết quả lúc",
        "Result returned",
        d.returned_at.as_ref(),
    ));
    if let Some((vi, en)) = timeliness(d.timeliness()) {
        rows.push_str(&format!(
            "<tr><th>Kết quả giải quyết <span class=en>/ Resolved</span></th><td><strong>{vi}</strong> <span class=en>/ {en}</span></td></tr>"
        ));
    }
    if !rows.is_empty() {
        body.push_str(&format!("<div class=card><table>{rows}</table></div>"));
    }
    if d.status == 5 {
        body.push_str("<div class=\"card problem\">Hồ sơ cần bổ sung giấy tờ; thời hạn giải quyết tạm dừng. Vui lòng liên hệ bộ phận một cửa.<br><span class=en>The dossier needs more documents; the deadline is paused. Please contact the one-stop counter.</span></div>");
    }
    if d.status == 9 {
        body.push_str("<div class=\"card notice\">Đã có kết quả. Mời bạn mang giấy tiếp nhận đến bộ phận một cửa để nhận.<br><span class=en>Your result is ready. Please bring your receipt to the one-stop counter to collect it.</span></div>");
    }
    if d.fee_due_vnd > 0 && payable(d.status) {
        let paused = if d.status == 6 {
            "<p>Hồ sơ đang chờ nộp phí, lệ phí; thời hạn giải quyết tạm dừng đến khi nộp đủ.<br><span class=en>The dossier is waiting for the fees; the deadline is paused until they are paid.</span></p>"
        } else {
            ""
        };
        let pay = if key.is_empty() {
            key_form(&d.code, "k-pay")
        } else {
            format!(
                r#"<form method="post" action="/d/{code}/pay">{key}<button class=big type="submit">Thanh toán trực tuyến <span style="font-size:.85em">/ Pay online</span></button></form>"#,
                code = seg(&d.code),
                key = key_input(key),
            )
        };
        body.push_str(&format!(
            r#"<div class="card fee"><p>Phí, lệ phí còn phải nộp <span class=en>/ Fees still due</span>: <strong>{amount}</strong></p>{paused}
{pay}
<p class=en>Hoặc nộp tại bộ phận một cửa. / Or pay at the one-stop counter.</p></div>"#,
            amount = vnd(d.fee_due_vnd),
        ));
    }
    body.push_str(&rating_section(d, rate_errors, form, key));
    let with_key = if key.is_empty() {
        String::new()
    } else {
        format!("&amp;k={}", seg(key))
    };
    body.push_str(&format!(
        "<p><a href=\"/feedback?dossier={code}{with_key}\">Gửi phản ánh, kiến nghị về hồ sơ này <span class=en>/ Send feedback about this dossier</span></a> · <a href=\"/d\">Tra cứu hồ sơ khác <span class=en>/ Track another dossier</span></a></p>",
        code = seg(&d.code),
    ));
    page(&format!("Hồ sơ {}", d.code), &body)
}

/// `GET /feedback`: every centre with a link to its feedback form (carrying the dossier
/// code and its key when given).
pub fn feedback_centers(centers: &[pb::Center], dossier_code: &str, key: &str) -> String {
    let query = match (dossier_code.is_empty(), key.is_empty()) {
        (true, _) => String::new(),
        (false, true) => format!("?dossier={}", seg(dossier_code)),
        (false, false) => format!("?dossier={}&amp;k={}", seg(dossier_code), seg(key)),
    };
    let mut body = String::from(
        "<h1>Phản ánh, kiến nghị <span class=en>/ Feedback</span></h1><p>Chọn trung tâm <span class=en>/ Choose the centre</span>:</p><ul>",
    );
    for c in centers {
        body.push_str(&format!(
            "<li><a href=\"/feedback/{id}{query}\">{vi}</a><br><span class=en>{en}</span></li>",
            id = seg(&c.id),
            vi = esc(&c.name_vi),
            en = esc(&c.name_en),
        ));
    }
    body.push_str("</ul>");
    if centers.is_empty() {
        body.push_str("<p>Chưa có trung tâm nào. <span class=en>/ No centre yet.</span></p>");
    }
    page("Phản ánh, kiến nghị / Feedback", &body)
}

fn center_title(center: &pb::Center) -> String {
    format!(
        "<p><strong>{vi}</strong>{en}</p>",
        vi = esc(&center.name_vi),
        en = if center.name_en.is_empty() {
            String::new()
        } else {
            format!("<br><span class=en>{}</span>", esc(&center.name_en))
        },
    )
}

/// `GET /feedback/{center}`: the web feedback form (again with `errors` after a
/// refused submission).
pub fn feedback_form(center: &pb::Center, form: &FeedbackForm, errors: &[FieldError]) -> String {
    let mut body = format!(
        "<h1>Phản ánh, kiến nghị <span class=en>/ Send feedback</span></h1>{}",
        center_title(center)
    );
    body.push_str(&error_list(
        &Said::new("Chưa gửi được phản ánh", "Your feedback was not sent"),
        errors,
    ));
    let days = if center.feedback_answer_days > 0 {
        format!(
            "<p>Trung tâm trả lời trong {n} ngày làm việc. <span class=en>/ The centre answers within {n} working days.</span></p>",
            n = center.feedback_answer_days
        )
    } else {
        String::new()
    };
    body.push_str(&format!(
        r#"{days}<form method="post" action="/feedback/{id}" class=card>
<p><label for="contact"><strong>Thông tin liên hệ</strong> <span class=en>/ Contact</span></label><br>
<span class=en>Số điện thoại hoặc email để trung tâm trả lời bạn. / A phone number or e-mail address for the answer.</span>
<input type="text" id="contact" name="contact" required maxlength="200" autocomplete="tel" value="{contact}"></p>
<p><label for="content"><strong>Nội dung phản ánh, kiến nghị</strong> <span class=en>/ Your feedback</span></label>
<textarea id="content" name="content" rows="6" required maxlength="4000">{content}</textarea></p>
<p><label for="dossier_code"><strong>Mã hồ sơ (nếu có)</strong> <span class=en>/ Dossier code (if any)</span></label>
<input type="text" id="dossier_code" name="dossier_code" maxlength="60" autocapitalize="characters" value="{dossier_code}" placeholder="000.00.12.H56-260309-0042"></p>
<p><label for="key"><strong>Mã bảo mật (khi có mã hồ sơ)</strong> <span class=en>/ Key (with a dossier code)</span></label><br>
<span class=en>In cạnh mã hồ sơ trên giấy tiếp nhận. / Printed beside the dossier code on your receipt.</span>
<input type="text" id="key" name="key" maxlength="32" autocomplete="off" autocapitalize="characters" spellcheck="false" value="{key}"></p>
<button class=big type="submit">Gửi <span style="font-size:.85em">/ Send</span></button></form>"#,
        id = seg(&center.id),
        contact = esc(&form.contact),
        content = esc(&form.content),
        dossier_code = esc(&form.dossier_code),
        key = esc(&form.key),
    ));
    page("Phản ánh, kiến nghị / Send feedback", &body)
}

/// After a successful submission: the reference and when the answer is due. The
/// contact and the text are not shown again.
pub fn feedback_received(center: &pb::Center, f: &pb::Feedback) -> String {
    let due = when(f.answer_due_at.as_ref()).unwrap_or_default();
    let received = when(f.received_at.as_ref()).unwrap_or_default();
    let about = if f.dossier_code.is_empty() {
        String::new()
    } else {
        format!(
            "<tr><th>Về hồ sơ <span class=en>/ About dossier</span></th><td><a class=code href=\"/d/{s}\">{c}</a></td></tr>",
            s = seg(&f.dossier_code),
            c = esc(&f.dossier_code),
        )
    };
    let body = format!(
        r#"<h1>Đã nhận phản ánh, kiến nghị <span class=en>/ Feedback received</span></h1>{center}
<div class="card notice" role=status><table>
<tr><th>Mã phản ánh <span class=en>/ Reference</span></th><td class=code>{id}</td></tr>
<tr><th>Tiếp nhận lúc <span class=en>/ Received</span></th><td>{rvi}<br><span class=en>{ren}</span></td></tr>
<tr><th>Hạn trả lời <span class=en>/ Answer due by</span></th><td><strong>{dvi}</strong><br><span class=en>{den}</span></td></tr>
{about}</table></div>
<p>Trung tâm sẽ trả lời theo thông tin liên hệ bạn đã cung cấp. <span class=en>/ The centre will answer you through the contact you gave.</span></p>
<p><a href="/feedback/{cid}">Gửi phản ánh khác <span class=en>/ Send another</span></a></p>"#,
        center = center_title(center),
        id = esc(&f.id),
        rvi = esc(&received.vi),
        ren = esc(&received.en),
        dvi = esc(&due.vi),
        den = esc(&due.en),
        cid = seg(&center.id),
    );
    page("Đã nhận phản ánh / Feedback received", &body)
}

const DEMO_BANNER: &str = "<div class=demo role=note><strong>Cổng thanh toán thử nghiệm</strong> — không có tiền thật được chuyển.<br><span class=en>Demo payment platform — no real money</span></div>";

fn demo_table(reference: &str, amount: i64) -> String {
    format!(
        r#"<div class=card><table>
<tr><th>Mã tham chiếu <span class=en>/ Reference</span></th><td class=code>{reference}</td></tr>
<tr><th>Số tiền <span class=en>/ Amount</span></th><td><strong>{amount}</strong></td></tr>
</table></div>"#,
        reference = esc(reference),
        amount = vnd(amount),
    )
}

fn back_link(back: Option<&str>) -> String {
    back.map(|path| {
        format!(
            "<p><a href=\"{}\">Quay lại hồ sơ <span class=en>/ Back to the dossier</span></a></p>",
            esc(path)
        )
    })
    .unwrap_or_default()
}

/// `GET /pay`: the demo platform's page for one payment request.
pub fn demo_pay(reference: &str, amount: i64, return_to: &str, back: Option<&str>) -> String {
    let body = format!(
        r#"{DEMO_BANNER}<h1>Thanh toán phí, lệ phí <span class=en>/ Pay fees</span></h1>{table}
<form method="post" action="/pay">
<input type="hidden" name="ref" value="{reference}"><input type="hidden" name="amount" value="{amount}"><input type="hidden" name="return" value="{return_to}">
<button class=big type="submit">Thanh toán <span style="font-size:.85em">/ Pay</span></button></form>{back}"#,
        table = demo_table(reference, amount),
        reference = esc(reference),
        return_to = esc(return_to),
        back = back_link(back),
    );
    page("Cổng thanh toán thử nghiệm / Demo payment platform", &body)
}

/// After a demo payment when there is no page to return to.
pub fn demo_paid(code: &str, amount: i64) -> String {
    let body = format!(
        r#"{DEMO_BANNER}<h1>Đã thanh toán <span class=en>/ Paid</span></h1>
<div class="card notice" role=status>Đã nộp {amount} cho hồ sơ <a class=code href="/d/{s}">{c}</a>.<br><span class=en>{amount} paid for dossier {c}.</span></div>"#,
        amount = vnd(amount),
        s = seg(code),
        c = esc(code),
    );
    page("Cổng thanh toán thử nghiệm / Demo payment platform", &body)
}

/// When the demo platform's payment was refused.
pub fn demo_pay_failed(reference: &str, amount: i64, problem: &Said, back: Option<&str>) -> String {
    let body = format!(
        r#"{DEMO_BANNER}<h1>Chưa thanh toán được <span class=en>/ Payment not recorded</span></h1>
<div class="card problem" role=alert>{problem}</div>{table}{back}"#,
        problem = problem.html(),
        table = demo_table(reference, amount),
        back = back_link(back),
    );
    page("Cổng thanh toán thử nghiệm / Demo payment platform", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_messages_split_into_two_languages() {
        let s = Said::split(
            "invalid argument: code: chỉ đánh giá sau khi đã nhận kết quả — rate after the result has been returned",
        );
        assert_eq!(s.vi, "chỉ đánh giá sau khi đã nhận kết quả");
        assert_eq!(s.en, "rate after the result has been returned");
        let s = Said::split("từ 1 đến 5 — from 1 to 5");
        assert_eq!(
            (s.vi.as_str(), s.en.as_str()),
            ("từ 1 đến 5", "from 1 to 5")
        );
        let s = Said::split("failed precondition: hồ sơ không còn phí phải nộp — nothing is owed");
        assert_eq!(s.vi, "hồ sơ không còn phí phải nộp");
        let s = Said::split("plain");
        assert_eq!((s.vi.as_str(), s.en.as_str()), ("plain", "plain"));
    }

    #[test]
    fn appointment_in_vietnam_time_with_the_weekday() {
        // 2026-03-09 02:00 UTC = 09:00 Monday in Vietnam
        let t = prost_types::Timestamp {
            seconds: 1_773_021_600,
            nanos: 0,
        };
        let w = when(Some(&t)).unwrap();
        assert_eq!(w.vi, "09:00 thứ Hai, 09/03/2026");
        assert_eq!(w.en, "09:00 Monday, 09/03/2026");
    }

    #[test]
    fn amounts_in_dong() {
        assert_eq!(vnd(1_500_000), "1.500.000 đồng");
        assert_eq!(vnd(8000), "8.000 đồng");
        assert_eq!(vnd(500), "500 đồng");
    }
}
