//! Printable HTML for the five dossier forms of the one-stop desk (Bộ phận Một cửa):
//! 01 receipt and appointment, 02 request to supplement, 03 refusal, 04 apology and new
//! appointment, 05 hand-over of results. Each form is one self-contained HTML document
//! (inline CSS, the QR code inline as SVG, no scripts or external assets) in Vietnamese
//! with short English glosses, laid out like a Vietnamese administrative form and sized
//! for A5 (01, 02, 05) or A4 (03, 04) paper.
//!
//! This is presentation, not domain: the markup is in `services/dossier/templates/forms/`
//! (askama; every value escaped by [`onestop_kit::format::Html`], amounts written by
//! [`onestop_kit::format::vnd`]); the facts come from [`crate::grpc::forms`].
//!
//! The caller formats every time in the centre's local time; the renderer only reads the
//! clock time (to name the half-day, `sáng`/`chiều`) and the `dd/mm/yyyy` date (for the
//! "ngày … tháng … năm …" line) back out of those strings.

mod text;

use askama::Template;

use text::{date_line, half_day, qr_svg, unique_items};

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
}

/// Who signs form `kind`: one block sits on the right, two side by side (the senior one
/// right).
fn signatures(kind: FormKind, view: &FormView) -> (Option<Sig<'_>>, Sig<'_>) {
    match kind {
        FormKind::Receipt => {
            let submitter = match view.representative.trim() {
                "" => view.applicant_name.as_str(),
                r => r,
            };
            (
                Some(Sig::person("Người nộp hồ sơ", "Applicant", submitter)),
                Sig::person("Người tiếp nhận hồ sơ", "Receiving officer", &view.officer),
            )
        }
        FormKind::SupplementRequest => (
            None,
            Sig::person("Người hướng dẫn", "Guiding officer", &view.officer),
        ),
        FormKind::Refusal => {
            let officer = Sig::person("Người tiếp nhận hồ sơ", "Receiving officer", &view.officer);
            if view.leader.trim().is_empty() {
                (None, officer)
            } else {
                (Some(officer), Sig::head(&view.leader))
            }
        }
        FormKind::Apology => (
            (!view.officer.trim().is_empty())
                .then(|| Sig::person("Người lập phiếu", "Prepared by", &view.officer)),
            Sig::head(&view.leader),
        ),
        FormKind::Handover => (
            Some(Sig::person(
                "Người nhận kết quả",
                "Recipient",
                &view.received_by,
            )),
            Sig::person("Người trả kết quả", "Returning officer", &view.officer),
        ),
    }
}

/// The centre's name, or the desk's when the centre has none.
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

/// A count of originals or copies, a dash for none.
fn count(n: &i32) -> String {
    if *n > 0 { n.to_string() } else { "–".into() }
}

/// An amount as the forms print it, `1.234.567 đ`.
fn vnd(amount: &i64) -> String {
    onestop_kit::format::vnd(*amount)
}

/// What `templates/forms/form.html` shows: the view and what is worked out from it.
#[derive(Template)]
#[template(path = "forms/form.html")]
struct Sheet<'a> {
    kind: FormKind,
    v: &'a FormView,
    /// `01` … `05`.
    number: String,
    /// The `@page` rule.
    page: &'static str,
    /// `a5` or `a4`.
    class: &'static str,
    receipt: bool,
    center: &'a str,
    code: &'a str,
    /// The caller's QR SVG without its prologue (trusted, not escaped).
    qr: &'a str,
    provided: Vec<&'a FormComponent>,
    items: Vec<&'a str>,
    fee_total: i64,
    fee_due: i64,
    left: Option<Sig<'a>>,
    right: Sig<'a>,
}

/// The form as a complete HTML document.
pub fn render(kind: FormKind, view: &FormView) -> String {
    let (page, class) = if kind.is_a4() {
        ("@page { size: A4; margin: 20mm 15mm 20mm 30mm; }", "a4")
    } else {
        ("@page { size: A5; margin: 8mm 10mm; }", "a5")
    };
    let fee_total: i64 = view.fees.iter().map(|(_, a)| *a).sum();
    let (left, right) = signatures(kind, view);
    let sheet = Sheet {
        kind,
        v: view,
        number: format!("{:02}", kind.number()),
        page,
        class,
        receipt: kind == FormKind::Receipt,
        center: center(view),
        code: display_code(view),
        qr: qr_svg(&view.qr_svg),
        provided: view.components.iter().filter(|c| c.provided).collect(),
        items: unique_items(&view.missing_items),
        fee_total,
        fee_due: fee_total - view.paid_vnd,
        left,
        right,
    };
    // the template writes only strings and numbers: it cannot fail
    sheet.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, form = kind.number(), "a form template failed to render");
        String::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    // the one formatting and escaping, under the names this file used to define
    use onestop_kit::format::escape_html as escape;

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

    #[test]
    fn each_document_ends_with_exactly_one_newline() {
        // the templates end with an empty line for this: an editor that strips it
        // changes the files the desk saves
        for kind in FormKind::ALL {
            for v in [view(), FormView::default()] {
                let html = render(kind, &v);
                assert!(html.ends_with("</main>\n</body>\n</html>\n"), "{kind:?}");
                assert!(!html.ends_with("\n\n"), "{kind:?}");
            }
        }
    }
}
