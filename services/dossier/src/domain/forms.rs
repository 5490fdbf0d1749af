//! Printable HTML for the five dossier forms of the one-stop desk (Bộ phận Một cửa):
//! 01 receipt and appointment, 02 request to supplement, 03 refusal, 04 apology and new
//! appointment, 05 hand-over of results. Each form is one self-contained HTML document
//! (inline CSS, the QR code inline as SVG, no scripts or external assets) in Vietnamese
//! with short English glosses, laid out like a Vietnamese administrative form and sized
//! for A5 (01, 02, 05) or A4 (03, 04) paper.
//!
//! The caller formats every time in the centre's local time; the renderer only reads the
//! clock time (to name the half-day, `sáng`/`chiều`) and the `dd/mm/yyyy` date (for the
//! "ngày … tháng … năm …" line) back out of those strings.

use chrono::{Datelike, NaiveDate};

/// Which form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment).
    Receipt,
    /// Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (request to supplement).
    SupplementRequest,
    /// Mẫu số 03: Phiếu từ chối tiếp nhận, giải quyết hồ sơ (refusal).
    Refusal,
    /// Mẫu số 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả (apology, new appointment).
    Apology,
    /// Mẫu số 05: Phiếu bàn giao kết quả giải quyết hồ sơ (hand-over of results).
    Handover,
}

impl FormKind {
    /// Every form, in number order.
    pub const ALL: [FormKind; 5] = [
        FormKind::Receipt,
        FormKind::SupplementRequest,
        FormKind::Refusal,
        FormKind::Apology,
        FormKind::Handover,
    ];

    /// The form's number, 1 to 5 ("Mẫu số 01" …).
    pub fn number(self) -> u8 {
        match self {
            FormKind::Receipt => 1,
            FormKind::SupplementRequest => 2,
            FormKind::Refusal => 3,
            FormKind::Apology => 4,
            FormKind::Handover => 5,
        }
    }

    /// The form numbered `n` (1 to 5), if any.
    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.number() == n)
    }

    /// The Vietnamese title in sentence case (printed in capitals on the form).
    pub fn title_vi(self) -> &'static str {
        match self {
            FormKind::Receipt => "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            FormKind::SupplementRequest => "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            FormKind::Refusal => "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
            FormKind::Apology => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            FormKind::Handover => "Phiếu bàn giao kết quả giải quyết hồ sơ",
        }
    }

    /// A short English gloss of the title.
    pub fn title_en(self) -> &'static str {
        match self {
            FormKind::Receipt => "Dossier receipt and appointment for the result",
            FormKind::SupplementRequest => "Request to supplement and complete the dossier",
            FormKind::Refusal => "Notice of refusal to accept or process the dossier",
            FormKind::Apology => "Apology and new appointment for the result",
            FormKind::Handover => "Hand-over slip for the dossier result",
        }
    }

    /// The file name for this form of dossier `code`, e.g. `mau-01-H57.10-261126-0001.html`.
    /// Characters other than ASCII letters, digits, `.`, `-` and `_` become `_`; an empty
    /// code gives `mau-01.html`.
    pub fn file_name(self, code: &str) -> String {
        let code: String = code
            .trim()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if code.is_empty() {
            format!("mau-{:02}.html", self.number())
        } else {
            format!("mau-{:02}-{code}.html", self.number())
        }
    }

    /// Whether the form is printed on A4 (03 and 04) rather than A5 (01, 02, 05).
    pub fn is_a4(self) -> bool {
        matches!(self, FormKind::Refusal | FormKind::Apology)
    }
}

/// One component line.
#[derive(Clone, Debug, Default)]
pub struct FormComponent {
    /// The document's name (e.g. "Tờ khai đăng ký khai sinh").
    pub name: String,
    /// Number of originals (bản chính) received.
    pub originals: i32,
    /// Number of copies (bản sao) received.
    pub copies: i32,
    /// Whether the applicant handed it in; only provided lines are printed.
    pub provided: bool,
}

/// Everything a form may show; times already formatted in the centre's local time by the caller
/// (e.g. "09:00 thứ Hai, 23/02/2026") — the renderer does no time-zone work.
/// Empty fields print as a dotted line to fill in by hand.
#[derive(Clone, Debug, Default)]
pub struct FormView {
    /// The centre's name (e.g. "Bộ phận Một cửa UBND xã Tân Phú").
    pub center_name: String,
    /// The receiving unit's code.
    pub unit_code: String,
    /// Dossier code; may be empty for form 02 before receipt (then the dossier id is shown).
    pub code: String,
    /// The dossier's id.
    pub dossier_id: String,
    /// The procedure's code (mã TTHC).
    pub procedure_code: String,
    /// The procedure's name.
    pub procedure_name: String,
    /// The applicant's full name.
    pub applicant_name: String,
    /// The applicant's citizen ID number.
    pub citizen_id: String,
    /// The applicant's phone number.
    pub phone: String,
    /// The applicant's address.
    pub address: String,
    /// The person submitting on the applicant's behalf; empty when none.
    pub representative: String,
    /// When the dossier was received.
    pub received_at: String,
    /// The appointment for the result (the new one on form 04).
    pub due_at: String,
    /// The original appointment (form 04).
    pub original_due_at: String,
    /// Components of the dossier.
    pub components: Vec<FormComponent>,
    /// What must be supplemented (form 02); duplicates are printed once.
    pub missing_items: Vec<String>,
    /// Fee lines: name and amount in VND.
    pub fees: Vec<(String, i64)>,
    /// Amount already paid, in VND.
    pub paid_vnd: i64,
    /// Refusal / apology reason.
    pub reason: String,
    /// A free note.
    pub note: String,
    /// The officer who prepares the form.
    pub officer: String,
    /// The leader who approves it (form 04; form 03 when set).
    pub leader: String,
    /// When the result was returned (form 05).
    pub returned_at: String,
    /// Who took the result (form 05).
    pub received_by: String,
    /// When the form is printed; its `dd/mm/yyyy` date dates the form.
    pub printed_at: String,
    /// The citizen's key (form 01): printed beside the code when known (at receipt, or
    /// reissued on a reprint); empty when the form is reprinted without it.
    pub citizen_key: String,
    /// `/d/{code}` absolute URL (`/d/{code}?k={key}` on form 01 when the key is known).
    pub public_url: String,
    /// An `<svg …>` or `<?xml…?><svg…>` string made by the caller; embedded inline
    /// without its prologue (trusted, not escaped).
    pub qr_svg: String,
}

/// The form as a complete HTML document.
pub fn render(kind: FormKind, view: &FormView) -> String {
    let mut body = String::new();
    header(&mut body, kind, view);
    match kind {
        FormKind::Receipt => receipt(&mut body, view),
        FormKind::SupplementRequest => supplement(&mut body, view),
        FormKind::Refusal => refusal(&mut body, view),
        FormKind::Apology => apology(&mut body, view),
        FormKind::Handover => handover(&mut body, view),
    }

    let (page, class) = if kind.is_a4() {
        ("@page { size: A4; margin: 20mm 15mm 20mm 30mm; }", "a4")
    } else {
        ("@page { size: A5; margin: 8mm 10mm; }", "a5")
    };
    let title = format!(
        "Mẫu số {:02} · {} · {}",
        kind.number(),
        kind.title_vi(),
        display_code(view)
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{page}\n{CSS}</style>\n</head>\n\
         <body class=\"{class}\">\n<main class=\"sheet\">\n{body}</main>\n</body>\n</html>\n",
        escape(&title)
    )
}

/// `1234567` → `1.234.567 đ` (dots between thousands; a minus sign when negative).
pub fn vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 4);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out.push_str(" đ");
    out
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped for HTML text and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #e8e8e8; color: #000; line-height: 1.3;
  font-family: "Times New Roman", Times, "Liberation Serif", "Noto Serif", "DejaVu Serif", serif; }
body.a5 { font-size: 10pt; line-height: 1.22; }
body.a4 { font-size: 13pt; line-height: 1.25; }
.sheet { background: #fff; margin: 12px auto; box-shadow: 0 1px 5px rgba(0,0,0,.35); }
body.a5 .sheet { width: 148mm; min-height: 210mm; padding: 8mm 10mm; }
body.a4 .sheet { width: 210mm; min-height: 297mm; padding: 20mm 15mm 20mm 30mm; }
@media print {
  body { background: none; }
  body.a5 .sheet, body.a4 .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
}
p { margin: 1.2mm 0; }
.en { color: #444; font-style: italic; font-weight: normal; font-size: .85em; text-transform: none; }
.form-no { display: flex; justify-content: space-between; align-items: baseline; font-size: .85em; margin-bottom: 1.5mm; }
.form-no .printed { font-size: .85em; color: #444; }
.form-no b { border: 1px solid #000; padding: 0 1.5mm; }
table.head { width: 100%; border-collapse: collapse; font-size: .9em; }
table.head td { vertical-align: top; text-align: center; padding: 0; }
table.head td.left { width: 42%; padding-right: 2mm; }
table.head td.right { width: 58%; }
.agency, .nation { font-weight: bold; }
.motto { font-weight: bold; display: inline-block; border-bottom: 1px solid #000; padding-bottom: .3mm; }
.rule { width: 35%; margin: .8mm auto 1mm; border-top: 1px solid #000; }
.small { font-size: .85em; }
.place-date { font-style: italic; margin-top: 2mm; }
h1 { font-size: 1.25em; text-align: center; margin: 4mm 0 0; }
body.a4 h1 { margin-top: 6mm; }
.title-en { text-align: center; margin-bottom: 1.5mm; }
.code { text-align: center; margin: 1.5mm 0 2mm; }
.code .value { display: inline-block; font-family: "Courier New", "Liberation Mono", monospace; font-weight: bold;
  font-size: 1.3em; border: 1.5px solid #000; padding: .6mm 2.5mm; }
.code.big .value { font-size: 1.5em; }
.code.key .value { font-size: 1.2em; letter-spacing: .12em; }
div.key { text-align: center; font-size: .85em; margin: 0 0 2mm; }
.key-note { text-align: center; font-size: .8em; margin: -1mm 0 2mm; }
.top { display: flex; align-items: flex-start; gap: 3mm; margin-top: 1mm; break-inside: avoid; page-break-inside: avoid; }
.top .main { flex: 1; min-width: 0; }
table.info { width: 100%; border-collapse: collapse; margin: 1mm 0; }
table.info th { text-align: left; font-weight: normal; width: 1%; white-space: nowrap; vertical-align: top; padding: .4mm 2mm .4mm 0; }
table.info td { font-weight: bold; vertical-align: top; padding: .4mm 0; overflow-wrap: anywhere; }
table.info .pair { font-weight: normal; padding-left: 4mm; white-space: nowrap; }
table.grid { width: 100%; border-collapse: collapse; margin: 1mm 0 2mm; }
table.grid th, table.grid td { border: 1px solid #000; padding: .4mm 1.5mm; vertical-align: top; }
table.grid th.n { width: 8mm; }
table.grid th.k { width: 19mm; }
body.a5 table.grid { font-size: .95em; }
table.grid th .en { display: block; }
table.grid th { text-align: center; font-weight: bold; }
table.grid tr.total td { font-weight: bold; }
.c { text-align: center; }
.num { text-align: right; white-space: nowrap; }
h2 { font-size: 1em; margin: 2.5mm 0 1mm; }
ol.items { margin: 1mm 0 2mm; padding-left: 7mm; }
ol.items li { margin: .6mm 0; font-weight: bold; }
.blank { color: #666; letter-spacing: .08em; font-weight: normal; }
.box { border: 1px solid #000; padding: 1.5mm 3mm; margin: 2mm 0; }
.box.strong { border-width: 2px; }
.halfday { font-weight: bold; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.qr { flex: none; width: 33mm; text-align: center; border: 1px solid #000; padding: 1.5mm 1mm 1mm; }
.qr svg { display: block; width: 26mm; height: 26mm; margin: 0 auto; }
body.a4 .qr { width: 44mm; }
body.a4 .qr svg { width: 38mm; height: 38mm; }
.qr .cap { font-size: .75em; font-weight: bold; line-height: 1.2; margin-top: .8mm; }
.qr .cap .en { display: block; }
.qr .url { font-family: "Courier New", "Liberation Mono", monospace; font-size: .62em; overflow-wrap: anywhere; margin-top: .6mm; }
.sigs { padding-top: 3mm; break-inside: avoid; page-break-inside: avoid; }
table.sig { width: 100%; border-collapse: collapse; }
table.sig td { width: 50%; text-align: center; vertical-align: top; padding: 0 1mm; }
.sig .role { font-weight: bold; }
.sig .hint { font-style: italic; font-size: .85em; }
.sig .space { height: 13mm; }
body.a4 .sig .space { height: 19mm; }
.sig .name { font-weight: bold; }
"#;

const DOTS: &str = "<span class=\"blank\">………………………</span>";

fn center(view: &FormView) -> &str {
    match view.center_name.trim() {
        "" => "Bộ phận Một cửa",
        name => name,
    }
}

/// The dossier code, or the dossier id before there is a code.
fn display_code(view: &FormView) -> &str {
    match view.code.trim() {
        "" => view.dossier_id.trim(),
        code => code,
    }
}

/// Escaped text, or a dotted line to fill in by hand.
fn text_or_dots(text: &str) -> String {
    match text.trim() {
        "" => DOTS.to_string(),
        t => escape(t),
    }
}

/// A Vietnamese label with its English gloss.
fn label(vi: &str, en: &str) -> String {
    format!("{vi} <span class=\"en\">/&nbsp;{en}</span>")
}

fn row(out: &mut String, vi: &str, en: &str, value_html: &str) {
    out.push_str(&format!(
        "<tr><th>{}:</th><td>{value_html}</td></tr>\n",
        label(vi, en)
    ));
}

fn text_row(out: &mut String, vi: &str, en: &str, value: &str) {
    row(out, vi, en, &text_or_dots(value));
}

/// A local time as given, with the half-day it falls in when the text does not say.
fn when_html(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return DOTS.to_string();
    }
    match half_day(text) {
        Some((vi, en)) => format!(
            "{} <span class=\"halfday\">(buổi {vi} <span class=\"en\">/&nbsp;{en}</span>)</span>",
            escape(text)
        ),
        None => escape(text),
    }
}

/// The half-day of the first `H:MM`/`HH:MM` (or `HHhMM`) clock time in `text`, unless
/// `text` already names one.
fn half_day(text: &str) -> Option<(&'static str, &'static str)> {
    let lower = text.to_lowercase();
    if ["sáng", "trưa", "chiều", "tối", "đêm"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return None;
    }
    let b = text.as_bytes();
    let hour = (1..b.len().saturating_sub(2)).find_map(|i| {
        if !matches!(b[i], b':' | b'h' | b'H') {
            return None;
        }
        if !(b[i + 1].is_ascii_digit() && b[i + 2].is_ascii_digit()) {
            return None;
        }
        if b.get(i + 3).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let start = if i >= 2 && b[i - 2].is_ascii_digit() {
            i - 2
        } else {
            i - 1
        };
        if start > 0 && b[start - 1].is_ascii_digit() {
            return None;
        }
        let hour: u32 = text.get(start..i)?.parse().ok()?;
        let minute: u32 = text.get(i + 1..i + 3)?.parse().ok()?;
        (hour < 24 && minute < 60).then_some(hour)
    })?;
    Some(match hour {
        0..=11 => ("sáng", "morning"),
        12..=17 => ("chiều", "afternoon"),
        _ => ("tối", "evening"),
    })
}

/// The first `d/m/yyyy` date in `text`.
fn find_date(text: &str) -> Option<NaiveDate> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '/'))
        .filter(|t| t.matches('/').count() == 2)
        .find_map(|t| NaiveDate::parse_from_str(t, "%d/%m/%Y").ok())
}

/// "Ngày 05 tháng 3 năm 2026": days below 10 and months 1 and 2 take a leading zero,
/// as Vietnamese administrative documents write them.
fn date_line(text: &str) -> String {
    match find_date(text) {
        Some(d) => {
            let month = if d.month() <= 2 {
                format!("{:02}", d.month())
            } else {
                d.month().to_string()
            };
            format!("Ngày {:02} tháng {month} năm {}", d.day(), d.year())
        }
        None if text.trim().is_empty() => "Ngày ….. tháng ….. năm ……..".to_string(),
        None => escape(text.trim()),
    }
}

/// The QR SVG without any `<?xml …?>`/doctype prologue; empty when it holds no `<svg`.
fn qr_svg(svg: &str) -> &str {
    svg.find("<svg").map_or("", |i| svg[i..].trim_end())
}

fn header(out: &mut String, kind: FormKind, view: &FormView) {
    out.push_str(&format!(
        "<div class=\"form-no\"><span class=\"printed\">{printed}</span>\
         <span><b>Mẫu số {n:02}</b> <span class=\"en\">/&nbsp;Form {n:02}</span></span></div>\n",
        n = kind.number(),
        printed = match view.printed_at.trim() {
            "" => String::new(),
            at => format!("{}: {}", label("In lúc", "Printed"), escape(at)),
        }
    ));
    let unit = match view.unit_code.trim() {
        "" => String::new(),
        u => format!(
            "<div class=\"small\">{}: {}</div>\n",
            label("Mã đơn vị", "Unit"),
            escape(u)
        ),
    };
    out.push_str(&format!(
        "<table class=\"head\"><tr>\n\
         <td class=\"left\"><div class=\"agency\">{}</div>\n<div class=\"rule\"></div>\n{unit}</td>\n\
         <td class=\"right\"><div class=\"nation\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>\n\
         <div class=\"motto\">Độc lập - Tự do - Hạnh phúc</div>\n\
         <div class=\"place-date\">{}</div></td>\n</tr></table>\n",
        escape(&center(view).to_uppercase()),
        date_line(&view.printed_at),
    ));
    out.push_str(&format!(
        "<h1>{}</h1>\n<div class=\"title-en en\">{}</div>\n",
        escape(&kind.title_vi().to_uppercase()),
        escape(kind.title_en())
    ));
    let (code_vi, code_en) = if view.code.trim().is_empty() {
        ("Mã hồ sơ tạm", "Dossier ID")
    } else {
        ("Mã hồ sơ", "Dossier code")
    };
    out.push_str(&format!(
        "<div class=\"code{}\">{}: <span class=\"value\">{}</span></div>\n",
        if kind == FormKind::Receipt {
            " big"
        } else {
            ""
        },
        label(code_vi, code_en),
        text_or_dots(display_code(view))
    ));
    if kind == FormKind::Receipt && !view.code.trim().is_empty() {
        out.push_str(&key_line(view));
    }
}

/// Form 01: the citizen's key beside the code, or where to get a new one.
fn key_line(view: &FormView) -> String {
    match view.citizen_key.trim() {
        "" => format!(
            "<div class=\"key\">{}: <span class=\"blank\">in trên giấy tiếp nhận lần đầu; \
             nếu mất, đề nghị bộ phận một cửa cấp mã mới</span> <span class=\"en\">/&nbsp;printed on \
             the first receipt; if lost, ask the counter for a new one</span></div>\n",
            label("Mã bảo mật", "Key"),
        ),
        key => format!(
            "<div class=\"code key\">{}: <span class=\"value\">{}</span></div>\n\
             <div class=\"key-note\">Giữ kín mã này: chỉ người có mã mới thanh toán, đánh giá và \
             phản ánh về hồ sơ. <span class=\"en\">/&nbsp;Keep this key private: only who holds it \
             can pay, rate or send feedback on this dossier.</span></div>\n",
            label("Mã bảo mật", "Key"),
            escape(key),
        ),
    }
}

/// A table of facts.
fn info(rows: &str) -> String {
    format!("<table class=\"info\">\n{rows}</table>\n")
}

/// `inner` with the QR box beside it on the right.
fn with_qr(out: &mut String, view: &FormView, inner: &str) {
    out.push_str(&format!(
        "<div class=\"top\"><div class=\"main\">\n{inner}</div>\n{}</div>\n",
        qr_box(view)
    ));
}

fn qr_box(view: &FormView) -> String {
    let url = match view.public_url.trim() {
        "" => String::new(),
        u => format!("<div class=\"url\">{}</div>", escape(u)),
    };
    format!(
        "<div class=\"qr\">{}\n<div class=\"cap\">Tra cứu tình trạng hồ sơ <span class=\"en\">Track this dossier</span></div>{url}</div>\n",
        qr_svg(&view.qr_svg)
    )
}

fn applicant_rows(out: &mut String, view: &FormView) {
    text_row(out, "Ông/Bà", "Applicant", &view.applicant_name);
    id_phone_row(out, view);
    text_row(out, "Địa chỉ", "Address", &view.address);
    if !view.representative.trim().is_empty() {
        text_row(
            out,
            "Người nộp thay",
            "Representative",
            &view.representative,
        );
    }
}

/// Citizen ID and phone on one line.
fn id_phone_row(out: &mut String, view: &FormView) {
    let phone = format!(
        "<span class=\"pair\">{}:</span> {}",
        label("Điện thoại", "Phone"),
        text_or_dots(&view.phone)
    );
    row(
        out,
        "Số CCCD/ĐDCN",
        "Citizen ID",
        &format!("{}{phone}", text_or_dots(&view.citizen_id)),
    );
}

fn procedure_html(view: &FormView) -> String {
    let name = text_or_dots(&view.procedure_name);
    match view.procedure_code.trim() {
        "" => name,
        code => format!(
            "{name} <span class=\"nowrap\">({} {})</span>",
            label("mã TTHC", "code"),
            escape(code)
        ),
    }
}

fn note(out: &mut String, view: &FormView) {
    if !view.note.trim().is_empty() {
        out.push_str(&format!(
            "<p>{}: {}</p>\n",
            label("Ghi chú", "Note"),
            escape(view.note.trim())
        ));
    }
}

/// The fee lines with their total, then (when `with_paid`) what was paid, and what is still due.
fn fees(out: &mut String, view: &FormView, with_paid: bool) {
    out.push_str(&format!("<h2>{}</h2>\n", label("Phí, lệ phí", "Fees")));
    let total: i64 = view.fees.iter().map(|(_, a)| *a).sum();
    if view.fees.is_empty() && view.paid_vnd == 0 {
        out.push_str(&format!(
            "<p>{}</p>\n",
            label("Không thu phí, lệ phí", "No fees")
        ));
        return;
    }
    out.push_str("<table class=\"grid\">\n");
    for (name, amount) in &view.fees {
        out.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>\n",
            text_or_dots(name),
            vnd(*amount)
        ));
    }
    out.push_str(&format!(
        "<tr class=\"total\"><td>{}</td><td class=\"num\">{}</td></tr>\n",
        label("Tổng cộng", "Total"),
        vnd(total)
    ));
    if with_paid {
        out.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>\n",
            label("Đã nộp", "Paid"),
            vnd(view.paid_vnd)
        ));
    }
    if total > view.paid_vnd {
        out.push_str(&format!(
            "<tr class=\"total\"><td>{}</td><td class=\"num\">{}</td></tr>\n",
            label("Còn phải nộp", "Still due"),
            vnd(total - view.paid_vnd)
        ));
    }
    out.push_str("</table>\n");
}

/// One signature block.
struct Sig<'a> {
    role_vi: &'a str,
    role_en: &'a str,
    hint_vi: &'a str,
    hint_en: &'a str,
    name: &'a str,
}

impl<'a> Sig<'a> {
    fn person(role_vi: &'a str, role_en: &'a str, name: &'a str) -> Self {
        Sig {
            role_vi,
            role_en,
            hint_vi: "Ký và ghi rõ họ tên",
            hint_en: "sign, full name",
            name,
        }
    }

    /// The head of the agency, who signs and seals.
    fn head(name: &'a str) -> Self {
        Sig {
            role_vi: "Thủ trưởng cơ quan",
            role_en: "Head of agency",
            hint_vi: "Ký, ghi rõ họ tên và đóng dấu",
            hint_en: "sign, full name, seal",
            name,
        }
    }

    fn html(&self) -> String {
        format!(
            "<div class=\"role\">{}</div>\n<div class=\"en\">{}</div>\n\
             <div class=\"hint\">({} <span class=\"en\">/&nbsp;{}</span>)</div>\n\
             <div class=\"space\"></div>\n<div class=\"name\">{}</div>",
            escape(&self.role_vi.to_uppercase()),
            escape(self.role_en),
            escape(self.hint_vi),
            escape(self.hint_en),
            text_or_dots(self.name)
        )
    }
}

/// Signature blocks: one sits on the right, two side by side (the senior one right).
fn signatures(out: &mut String, left: Option<Sig<'_>>, right: Sig<'_>) {
    out.push_str(&format!(
        "<div class=\"sigs\"><table class=\"sig\"><tr>\n<td>{}</td>\n<td>{}</td>\n</tr></table></div>\n",
        left.map(|s| s.html()).unwrap_or_default(),
        right.html()
    ));
}

fn receipt(out: &mut String, view: &FormView) {
    let mut rows = String::new();
    applicant_rows(&mut rows, view);
    row(&mut rows, "Thủ tục", "Procedure", &procedure_html(view));
    text_row(&mut rows, "Nhận hồ sơ lúc", "Received", &view.received_at);
    out.push_str(&info(&rows));

    out.push_str(&format!(
        "<div class=\"box strong\">{}: <strong class=\"due\">{}</strong></div>\n",
        label("Hẹn trả kết quả", "Result due"),
        when_html(&view.due_at)
    ));

    out.push_str(&format!(
        "<h2>{}</h2>\n",
        label("Thành phần hồ sơ đã nhận", "Documents received")
    ));
    let provided: Vec<&FormComponent> = view.components.iter().filter(|c| c.provided).collect();
    if provided.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", DOTS));
    } else {
        out.push_str(&format!(
            "<table class=\"grid\">\n<tr><th class=\"n\">TT <span class=\"en\">No.</span></th><th>{}</th>\
             <th class=\"k\">{}</th><th class=\"k\">{}</th></tr>\n",
            label("Tên giấy tờ", "Document"),
            label("Bản chính", "Originals"),
            label("Bản sao", "Copies")
        ));
        for (i, c) in provided.iter().enumerate() {
            out.push_str(&format!(
                "<tr><td class=\"c\">{}</td><td>{}</td><td class=\"c\">{}</td><td class=\"c\">{}</td></tr>\n",
                i + 1,
                text_or_dots(&c.name),
                count(c.originals),
                count(c.copies)
            ));
        }
        out.push_str("</table>\n");
    }

    let mut rest = String::new();
    fees(&mut rest, view, true);
    note(&mut rest, view);
    rest.push_str(&format!(
        "<p>{}: <strong>{}</strong>. Khi đến nhận, vui lòng mang theo giấy này và CCCD; \
         người nhận thay cần có giấy ủy quyền. <span class=\"en\">/&nbsp;Bring this receipt and your ID card; \
         anyone collecting for you needs a letter of authorisation.</span></p>\n",
        label("Nơi trả kết quả", "Results returned at"),
        escape(center(view))
    ));
    with_qr(out, view, &rest);

    let submitter = match view.representative.trim() {
        "" => view.applicant_name.as_str(),
        r => r,
    };
    signatures(
        out,
        Some(Sig::person("Người nộp hồ sơ", "Applicant", submitter)),
        Sig::person("Người tiếp nhận hồ sơ", "Receiving officer", &view.officer),
    );
}

fn count(n: i32) -> String {
    if n > 0 { n.to_string() } else { "–".into() }
}

/// Missing items trimmed, without empties or repeats (compared ignoring case and spacing),
/// in first-seen order.
fn unique_items(items: &[String]) -> Vec<&str> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for item in items {
        let text = item.trim();
        if text.is_empty() {
            continue;
        }
        let key = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if !seen.contains(&key) {
            seen.push(key);
            out.push(text);
        }
    }
    out
}

fn supplement(out: &mut String, view: &FormView) {
    let mut rows = String::new();
    applicant_rows(&mut rows, view);
    row(&mut rows, "Thủ tục", "Procedure", &procedure_html(view));
    if !view.received_at.trim().is_empty() {
        text_row(&mut rows, "Nộp hồ sơ lúc", "Submitted", &view.received_at);
    }
    out.push_str(&info(&rows));

    let mut rest = String::new();
    rest.push_str(&format!(
        "<p>{} đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:\
         <br><span class=\"en\">Please supplement or complete the dossier with the following:</span></p>\n",
        escape(center(view))
    ));
    let items = unique_items(&view.missing_items);
    if items.is_empty() {
        rest.push_str(&format!("<ol class=\"items\"><li>{DOTS}</li></ol>\n"));
    } else {
        rest.push_str("<ol class=\"items\">\n");
        for item in items {
            rest.push_str(&format!("<li>{}</li>\n", escape(item)));
        }
        rest.push_str("</ol>\n");
    }
    note(&mut rest, view);
    let officer = match view.officer.trim() {
        "" => String::new(),
        o => format!(" (<strong>{}</strong>)", escape(o)),
    };
    rest.push_str(&format!(
        "<p>Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà vui lòng liên hệ người hướng dẫn{officer} \
         để được hướng dẫn. Khi nộp lại, vui lòng mang theo phiếu này. \
         <span class=\"en\">/&nbsp;If anything is unclear, contact the officer named here; bring this slip when you come back.</span></p>\n"
    ));
    with_qr(out, view, &rest);
    signatures(
        out,
        None,
        Sig::person("Người hướng dẫn", "Guiding officer", &view.officer),
    );
}

fn refusal(out: &mut String, view: &FormView) {
    let mut rows = String::new();
    applicant_rows(&mut rows, view);
    row(&mut rows, "Thủ tục", "Procedure", &procedure_html(view));
    if !view.received_at.trim().is_empty() {
        text_row(&mut rows, "Nộp hồ sơ lúc", "Submitted", &view.received_at);
    }
    out.push_str(&info(&rows));

    let mut rest = String::new();
    rest.push_str(&format!(
        "<p>Qua xem xét, {} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:\
         <br><span class=\"en\">Having examined the dossier, the centre declines to accept or process it, for this reason:</span></p>\n\
         <div class=\"box\"><strong>{}</strong></div>\n",
        escape(center(view)),
        text_or_dots(&view.reason)
    ));
    note(&mut rest, view);
    rest.push_str(
        "<p>Xin thông báo để Ông/Bà được biết và thực hiện./. \
         <span class=\"en\">/&nbsp;This notice is for your information.</span></p>\n",
    );
    with_qr(out, view, &rest);
    let officer = Sig::person("Người tiếp nhận hồ sơ", "Receiving officer", &view.officer);
    if view.leader.trim().is_empty() {
        signatures(out, None, officer);
    } else {
        signatures(out, Some(officer), Sig::head(&view.leader));
    }
}

fn apology(out: &mut String, view: &FormView) {
    out.push_str(&format!(
        "<p class=\"c\"><strong>Kính gửi <span class=\"en\">/&nbsp;To</span>: Ông/Bà {}</strong></p>\n",
        text_or_dots(&view.applicant_name)
    ));
    let mut rows = String::new();
    id_phone_row(&mut rows, view);
    text_row(&mut rows, "Địa chỉ", "Address", &view.address);
    row(&mut rows, "Thủ tục", "Procedure", &procedure_html(view));
    text_row(&mut rows, "Nhận hồ sơ lúc", "Received", &view.received_at);
    row(
        &mut rows,
        "Hẹn trả ban đầu",
        "Originally due",
        &when_html(&view.original_due_at),
    );
    out.push_str(&info(&rows));

    let place = escape(center(view));
    with_qr(
        out,
        view,
        &format!(
            "<p>Đến nay, {place} chưa trả được kết quả giải quyết hồ sơ cho Ông/Bà đúng hẹn. \
         <span class=\"en\">/&nbsp;We have not been able to return your result on the date we promised.</span></p>\n\
         <p>{}:</p>\n<div class=\"box\"><strong>{}</strong></div>\n\
         <p>Sự chậm trễ này đã gây phiền hà, tốn kém thời gian và chi phí đi lại cho Ông/Bà. \
         {place} xin lỗi Ông/Bà về sự chậm trễ và bất tiện này. \
         <span class=\"en\">/&nbsp;We sincerely apologise for the delay and the trouble it has caused you.</span></p>\n",
            label("Lý do", "Reason"),
            text_or_dots(&view.reason)
        ),
    );
    out.push_str(&format!(
        "<div class=\"box strong\">{place} sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào \
         <span class=\"en\">/&nbsp;New appointment</span>:<br><strong class=\"due\">{}</strong></div>\n",
        when_html(&view.due_at)
    ));
    note(out, view);
    out.push_str(
        "<p>Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./. \
         <span class=\"en\">/&nbsp;Thank you for your understanding.</span></p>\n",
    );
    let prepared = (!view.officer.trim().is_empty())
        .then(|| Sig::person("Người lập phiếu", "Prepared by", &view.officer));
    signatures(out, prepared, Sig::head(&view.leader));
}

fn handover(out: &mut String, view: &FormView) {
    let mut rows = String::new();
    applicant_rows(&mut rows, view);
    row(&mut rows, "Thủ tục", "Procedure", &procedure_html(view));
    if !view.received_at.trim().is_empty() {
        text_row(&mut rows, "Nhận hồ sơ lúc", "Received", &view.received_at);
    }
    if !view.due_at.trim().is_empty() {
        row(&mut rows, "Hẹn trả", "Due", &when_html(&view.due_at));
    }
    out.push_str(&info(&rows));

    let mut handed = String::new();
    row(
        &mut handed,
        "Trả kết quả lúc",
        "Returned at",
        &when_html(&view.returned_at),
    );
    text_row(
        &mut handed,
        "Người nhận kết quả",
        "Received by",
        &view.received_by,
    );
    text_row(&mut handed, "Cán bộ trả kết quả", "Officer", &view.officer);
    row(
        &mut handed,
        "Phí, lệ phí đã nộp",
        "Fees paid",
        &format!("<span class=\"nowrap\">{}</span>", vnd(view.paid_vnd)),
    );
    out.push_str(&format!(
        "<div class=\"box strong\"><table class=\"info\">\n{handed}</table></div>\n"
    ));
    let mut rest = String::new();
    if !view.fees.is_empty() {
        fees(&mut rest, view, false);
    }
    note(&mut rest, view);
    rest.push_str(
        "<p>Người nhận đã kiểm tra và nhận đủ kết quả giải quyết hồ sơ. \
         <span class=\"en\">/&nbsp;The recipient has checked and received the full result.</span></p>\n",
    );
    with_qr(out, view, &rest);
    signatures(
        out,
        Some(Sig::person(
            "Người nhận kết quả",
            "Recipient",
            &view.received_by,
        )),
        Sig::person("Người trả kết quả", "Returning officer", &view.officer),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = "<?xml version=\"1.0\" standalone=\"yes\"?><svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"240\" height=\"240\" viewBox=\"0 0 240 240\"><rect x=\"0\" y=\"0\" width=\"240\" height=\"240\" fill=\"#fff\"/><path d=\"M0 0h8v8H0z\"/></svg>";

    fn view() -> FormView {
        FormView {
            center_name: "Bộ phận Một cửa UBND xã Tân Phú".into(),
            unit_code: "H57.10".into(),
            code: "H57.10-261126-0001".into(),
            dossier_id: "7f3c2a".into(),
            procedure_code: "1.001193".into(),
            procedure_name: "Đăng ký khai sinh".into(),
            applicant_name: "Nguyễn Thị Hoà".into(),
            citizen_id: "001190012345".into(),
            phone: "0912345678".into(),
            address: "Thôn Đông, xã Tân Phú".into(),
            representative: String::new(),
            received_at: "09:15 thứ Năm, 26/11/2026".into(),
            due_at: "14:00 thứ Sáu, 27/11/2026".into(),
            original_due_at: "09:00 thứ Hai, 23/11/2026".into(),
            components: vec![
                FormComponent {
                    name: "Tờ khai đăng ký khai sinh".into(),
                    originals: 1,
                    copies: 0,
                    provided: true,
                },
                FormComponent {
                    name: "Giấy chứng sinh".into(),
                    originals: 1,
                    copies: 1,
                    provided: true,
                },
                FormComponent {
                    name: "Văn bản ủy quyền".into(),
                    originals: 1,
                    copies: 0,
                    provided: false,
                },
            ],
            missing_items: vec![],
            fees: vec![("Lệ phí đăng ký".into(), 50_000)],
            paid_vnd: 50_000,
            reason: "Hồ sơ không thuộc thẩm quyền giải quyết".into(),
            note: String::new(),
            officer: "Trần Văn Bình".into(),
            leader: "Lê Minh Châu".into(),
            returned_at: "10:30 thứ Sáu, 27/11/2026".into(),
            received_by: "Nguyễn Thị Hoà".into(),
            printed_at: "09:20 thứ Năm, 26/11/2026".into(),
            citizen_key: String::new(),
            public_url: "https://motcua.example.vn/d/H57.10-261126-0001".into(),
            qr_svg: SVG.into(),
        }
    }

    #[test]
    fn every_form_has_title_number_code_qr_and_url() {
        let v = view();
        for kind in FormKind::ALL {
            let html = render(kind, &v);
            assert!(html.starts_with("<!DOCTYPE html>"), "{kind:?}");
            assert!(html.trim_end().ends_with("</html>"), "{kind:?}");
            assert!(
                html.contains(&kind.title_vi().to_uppercase()),
                "{kind:?} title"
            );
            assert!(html.contains(kind.title_en()), "{kind:?} gloss");
            assert!(
                html.contains(&format!("Mẫu số 0{}", kind.number())),
                "{kind:?} number"
            );
            assert!(html.contains("H57.10-261126-0001"), "{kind:?} code");
            assert!(html.contains(qr_svg(SVG)), "{kind:?} qr");
            assert!(!html.contains("<?xml"), "{kind:?} prologue kept");
            assert!(
                html.contains("https://motcua.example.vn/d/H57.10-261126-0001"),
                "{kind:?} url"
            );
            assert!(
                html.contains("Tra cứu tình trạng hồ sơ"),
                "{kind:?} caption"
            );
            assert!(html.contains("Track this dossier"), "{kind:?} caption");
            assert!(html.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
            assert!(html.contains("Độc lập - Tự do - Hạnh phúc"));
            assert!(html.contains("BỘ PHẬN MỘT CỬA UBND XÃ TÂN PHÚ"));
            assert!(html.contains("Ngày 26 tháng 11 năm 2026"));
            // Self-contained: no scripts, links or fetched resources.
            for bad in ["<script", "<link", "src=", "@import", "url("] {
                assert!(!html.contains(bad), "{kind:?} has {bad}");
            }
        }
    }

    #[test]
    fn page_size_is_a5_or_a4() {
        let v = view();
        for (kind, size) in [
            (FormKind::Receipt, "A5"),
            (FormKind::SupplementRequest, "A5"),
            (FormKind::Refusal, "A4"),
            (FormKind::Apology, "A4"),
            (FormKind::Handover, "A5"),
        ] {
            let html = render(kind, &v);
            let other = if size == "A5" { "A4" } else { "A5" };
            assert!(html.contains(&format!("size: {size}")), "{kind:?}");
            assert!(!html.contains(&format!("size: {other}")), "{kind:?}");
        }
    }

    #[test]
    fn receipt_shows_appointment_components_and_fees() {
        let html = render(FormKind::Receipt, &view());
        assert!(html.contains("14:00 thứ Sáu, 27/11/2026"));
        assert!(html.contains("buổi chiều"));
        assert!(html.contains("09:15 thứ Năm, 26/11/2026"));
        assert!(html.contains("Tờ khai đăng ký khai sinh"));
        assert!(html.contains("Giấy chứng sinh"));
        assert!(!html.contains("Văn bản ủy quyền"), "unprovided component");
        assert!(html.contains("50.000 đ"));
        assert!(html.contains("Nguyễn Thị Hoà"));
        assert!(html.contains("001190012345"));
        assert!(html.contains("0912345678"));
        assert!(html.contains("1.001193"));
        assert!(html.contains("Trần Văn Bình"));
        assert!(html.contains("Nơi trả kết quả"));
        assert!(html.contains("NGƯỜI TIẾP NHẬN HỒ SƠ"));
    }

    #[test]
    fn the_receipt_prints_the_key_beside_the_code_only_when_known() {
        let mut v = view();
        v.citizen_key = "K7MP3XQ9RT".into();
        let html = render(FormKind::Receipt, &v);
        assert!(html.contains("Mã bảo mật"), "{html}");
        assert!(html.contains("<span class=\"value\">K7MP3XQ9RT</span>"));
        for kind in [FormKind::SupplementRequest, FormKind::Handover] {
            assert!(!render(kind, &v).contains("K7MP3XQ9RT"), "{kind:?}");
        }
        v.citizen_key.clear();
        let reprint = render(FormKind::Receipt, &v);
        assert!(
            reprint.contains("ask the counter for a new one"),
            "{reprint}"
        );
    }

    #[test]
    fn supplement_lists_each_missing_item_once() {
        let mut v = view();
        v.code.clear();
        v.missing_items = vec![
            "Bản sao CCCD của cha".into(),
            "Giấy chứng sinh (bản chính)".into(),
            "  Bản sao CCCD của cha ".into(),
            "".into(),
            "bản sao  CCCD của cha".into(),
            "Giấy chứng sinh (bản chính)".into(),
            "Giấy xác nhận cư trú".into(),
        ];
        let html = render(FormKind::SupplementRequest, &v);
        assert_eq!(html.matches("<li>").count(), 3, "{html}");
        assert_eq!(html.matches("Bản sao CCCD của cha").count(), 1);
        assert_eq!(html.matches("Giấy chứng sinh (bản chính)").count(), 1);
        let a = html.find("Bản sao CCCD").unwrap();
        let b = html.find("Giấy chứng sinh (bản chính)").unwrap();
        let c = html.find("Giấy xác nhận cư trú").unwrap();
        assert!(a < b && b < c, "order kept");
        // Without a code the dossier id stands in.
        assert!(html.contains("7f3c2a"));
        assert!(html.contains("Mã hồ sơ tạm"));
    }

    #[test]
    fn refusal_apology_and_handover_show_their_facts() {
        let v = view();
        let refusal = render(FormKind::Refusal, &v);
        assert!(refusal.contains("Hồ sơ không thuộc thẩm quyền giải quyết"));
        assert!(refusal.contains("Trần Văn Bình"));

        let apology = render(FormKind::Apology, &v);
        assert!(apology.contains("09:00 thứ Hai, 23/11/2026"), "original");
        assert!(apology.contains("14:00 thứ Sáu, 27/11/2026"), "new");
        assert!(apology.contains("Hồ sơ không thuộc thẩm quyền giải quyết"));
        assert!(apology.contains("Lê Minh Châu"));
        assert!(apology.contains("THỦ TRƯỞNG CƠ QUAN"));
        assert!(apology.contains("xin lỗi"));

        let handover = render(FormKind::Handover, &v);
        assert!(handover.contains("10:30 thứ Sáu, 27/11/2026"));
        assert!(handover.contains("Người nhận kết quả"));
        assert!(handover.contains("50.000 đ"));
        assert!(handover.contains("Trần Văn Bình"));
    }

    #[test]
    fn text_is_escaped_and_svg_is_not() {
        let mut v = view();
        v.applicant_name = "<script>alert('x')</script> & co".into();
        v.missing_items = vec!["<b>bold</b>".into()];
        v.center_name = "A<B\"".into();
        for kind in FormKind::ALL {
            let html = render(kind, &v);
            assert!(!html.contains("<script"), "{kind:?}");
            assert!(!html.contains("<b>bold"), "{kind:?}");
            assert!(html.contains("&lt;SCRIPT&gt;") || html.contains("&lt;script&gt;"));
            assert!(html.contains("A&lt;B&quot;"), "{kind:?}");
            assert!(html.contains("<svg xmlns="), "{kind:?}");
        }
        let html = render(FormKind::Receipt, &v);
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
        assert_eq!(escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    }

    #[test]
    fn vnd_formats_thousands_with_dots() {
        assert_eq!(vnd(0), "0 đ");
        assert_eq!(vnd(5), "5 đ");
        assert_eq!(vnd(999), "999 đ");
        assert_eq!(vnd(1_000), "1.000 đ");
        assert_eq!(vnd(50_000), "50.000 đ");
        assert_eq!(vnd(1_234_567), "1.234.567 đ");
        assert_eq!(vnd(100_000_000), "100.000.000 đ");
        assert_eq!(vnd(-1), "-1 đ");
        assert_eq!(vnd(-1_234), "-1.234 đ");
        assert_eq!(vnd(-50_000), "-50.000 đ");
        assert_eq!(vnd(i64::MIN), "-9.223.372.036.854.775.808 đ");
        assert_eq!(vnd(i64::MAX), "9.223.372.036.854.775.807 đ");
    }

    #[test]
    fn numbers_names_and_file_names() {
        for (i, kind) in FormKind::ALL.into_iter().enumerate() {
            assert_eq!(kind.number() as usize, i + 1);
            assert_eq!(FormKind::from_number(kind.number()), Some(kind));
        }
        assert_eq!(FormKind::from_number(0), None);
        assert_eq!(FormKind::from_number(6), None);
        assert_eq!(
            FormKind::Receipt.file_name("H57.10-261126-0001"),
            "mau-01-H57.10-261126-0001.html"
        );
        assert_eq!(
            FormKind::Handover.file_name("000.00.12.H56-260309-0042"),
            "mau-05-000.00.12.H56-260309-0042.html"
        );
        assert_eq!(
            FormKind::Refusal.file_name("a/../b c"),
            "mau-03-a_.._b_c.html"
        );
        assert_eq!(FormKind::SupplementRequest.file_name(""), "mau-02.html");
    }

    #[test]
    fn half_days_and_date_lines() {
        assert_eq!(half_day("09:00 thứ Hai, 23/02/2026").unwrap().0, "sáng");
        assert_eq!(half_day("11:59").unwrap().0, "sáng");
        assert_eq!(half_day("12:00").unwrap().0, "chiều");
        assert_eq!(half_day("23/02/2026 14:30").unwrap().0, "chiều");
        assert_eq!(half_day("8h30 ngày 23/02/2026").unwrap().0, "sáng");
        assert_eq!(half_day("19:00").unwrap().0, "tối");
        assert_eq!(half_day("Sáng thứ Hai, 09:00"), None);
        assert_eq!(half_day("09:00 chiều"), None);
        assert_eq!(half_day("23/02/2026"), None);
        assert_eq!(half_day("25:00"), None);
        assert_eq!(half_day("10:300"), None);

        assert_eq!(
            date_line("09:00 thứ Hai, 23/02/2026"),
            "Ngày 23 tháng 02 năm 2026"
        );
        assert_eq!(date_line("5/3/2026"), "Ngày 05 tháng 3 năm 2026");
        assert_eq!(date_line("01/12/2026 08:00"), "Ngày 01 tháng 12 năm 2026");
        assert_eq!(date_line("hôm nay"), "hôm nay");
        assert!(date_line("").starts_with("Ngày …"));
    }

    #[test]
    fn qr_prologue_is_stripped_and_empty_fields_are_dotted() {
        assert!(qr_svg(SVG).starts_with("<svg"));
        assert_eq!(qr_svg("<svg/>"), "<svg/>");
        assert_eq!(qr_svg("not an svg"), "");
        let html = render(FormKind::Receipt, &FormView::default());
        assert!(html.contains("Mẫu số 01"));
        assert!(html.contains("class=\"blank\""));
        assert!(html.contains("BỘ PHẬN MỘT CỬA"));
        assert!(!html.contains("<svg"));
    }
}
