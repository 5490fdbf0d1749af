//! HTML of the citizen's dossier pages, the feedback form and the demo payment
//! platform, in Vietnamese with English alongside. The dossier page shows only what a
//! `PublicDossier` carries: no name, citizen ID, phone or address ever reaches it. The
//! markup is in `gateway/templates/dossier/`.

use onestop_proto::dossier::v1 as pb;

use askama::Template;

use crate::pages::{in_vietnam, render};

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

/// A time in Vietnam: `09:00 thứ Hai, 23/02/2026` and `09:00 Monday, 23/02/2026`.
pub fn when(t: Option<&prost_types::Timestamp>) -> Option<Said> {
    let local = in_vietnam(t)?;
    Some(Said::new(
        onestop_kit::format::clock_weekday_date_vi(&local),
        onestop_kit::format::clock_weekday_date_en(&local),
    ))
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

/// One stage as the page shows it.
struct Stage {
    n: i32,
    vi: &'static str,
    en: &'static str,
    /// `done`, `current`, `ended` or `todo`.
    class: &'static str,
    /// Whether it is the dossier's stage (`aria-current=step`).
    current: bool,
}

fn stages(d: &pb::PublicDossier) -> Vec<Stage> {
    let current = d.stage.clamp(1, 5);
    STAGES
        .iter()
        .zip(1..)
        .map(|(&(vi, en), n)| {
            let (class, is_current) = if n < current || (n == current && d.status == 10) {
                ("done", false)
            } else if n == current && ended_early(d.status) {
                ("ended", true)
            } else if n == current {
                ("current", true)
            } else {
                ("todo", false)
            };
            Stage {
                n,
                vi,
                en,
                class,
                current: is_current,
            }
        })
        .collect()
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

#[derive(Template)]
#[template(path = "dossier/lookup.html")]
struct Lookup<'a> {
    code: &'a str,
    problem: Option<&'a Said>,
}

/// `GET /d`: a box to type a dossier code.
pub fn lookup(code: &str, problem: Option<&Said>) -> String {
    render(&Lookup { code, problem })
}

#[derive(Template)]
#[template(path = "dossier/unknown_code.html")]
struct UnknownCode<'a> {
    code: &'a str,
}

/// 404: no dossier has this code.
pub fn unknown_code(code: &str) -> String {
    render(&UnknownCode { code })
}

#[derive(Template)]
#[template(path = "dossier/bad_code.html")]
struct BadCode<'a> {
    code: &'a str,
    problem: &'a Said,
}

/// 400: `code` is not a dossier code; `problem` says which part is wrong.
pub fn bad_code(code: &str, problem: &Said) -> String {
    render(&BadCode { code, problem })
}

const SCORES: [(&str, &str); 5] = [
    ("Rất không hài lòng", "Very dissatisfied"),
    ("Không hài lòng", "Dissatisfied"),
    ("Bình thường", "Neutral"),
    ("Hài lòng", "Satisfied"),
    ("Rất hài lòng", "Very satisfied"),
];

/// One choice of the rating form.
struct Score {
    n: usize,
    vi: &'static str,
    en: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "dossier/dossier.html")]
struct DossierPage<'a> {
    d: &'a pb::PublicDossier,
    notice: Option<&'a Notice>,
    rate_errors: &'a [FieldError],
    form: &'a RateForm,
    key: &'a str,
    /// The dossier code as a path segment.
    code_seg: String,
    status_vi: &'a str,
    status_en: &'a str,
    current: i32,
    stages: Vec<Stage>,
    /// The dates the dossier has: Vietnamese and English label, the time.
    dates: Vec<(&'static str, &'static str, Said)>,
    timeliness: Option<(&'static str, &'static str)>,
    show_fee: bool,
    scores: Vec<Score>,
    /// `&k=…` for the feedback link when the key is known.
    with_key: String,
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
    let (status_vi, status_en) = if d.status_name_vi.is_empty() {
        ("Chưa rõ", "unknown")
    } else {
        (d.status_name_vi.as_str(), d.status_name_en.as_str())
    };
    let mut dates = vec![("Ngày tiếp nhận", "Received", d.received_at.as_ref())];
    if !ended_early(d.status) {
        dates.push((
            "Ngày hẹn trả kết quả",
            "Appointment for the result",
            d.due_at.as_ref(),
        ));
    }
    dates.push(("Có kết quả lúc", "Result ready", d.result_ready_at.as_ref()));
    dates.push((
        "Đã trả kết quả lúc",
        "Result returned",
        d.returned_at.as_ref(),
    ));
    render(&DossierPage {
        d,
        notice,
        rate_errors,
        form,
        key,
        code_seg: seg(&d.code),
        status_vi,
        status_en,
        current: d.stage.clamp(1, 5),
        stages: stages(d),
        dates: dates
            .into_iter()
            .filter_map(|(vi, en, t)| Some((vi, en, when(t)?)))
            .collect(),
        timeliness: timeliness(d.timeliness()),
        show_fee: d.fee_due_vnd > 0 && payable(d.status),
        scores: SCORES
            .iter()
            .zip(1..)
            .map(|(&(vi, en), n)| Score {
                n,
                vi,
                en,
                checked: form.score == n.to_string(),
            })
            .collect(),
        with_key: if key.is_empty() {
            String::new()
        } else {
            format!("&k={}", seg(key))
        },
    })
}

#[derive(Template)]
#[template(path = "dossier/feedback_centers.html")]
struct FeedbackCenters<'a> {
    centers: &'a [pb::Center],
    /// `?dossier=…&k=…` carried to each centre's form.
    query: String,
}

/// `GET /feedback`: every centre with a link to its feedback form (carrying the dossier
/// code and its key when given).
pub fn feedback_centers(centers: &[pb::Center], dossier_code: &str, key: &str) -> String {
    let query = match (dossier_code.is_empty(), key.is_empty()) {
        (true, _) => String::new(),
        (false, true) => format!("?dossier={}", seg(dossier_code)),
        (false, false) => format!("?dossier={}&k={}", seg(dossier_code), seg(key)),
    };
    render(&FeedbackCenters { centers, query })
}

#[derive(Template)]
#[template(path = "dossier/feedback_form.html")]
struct FeedbackFormPage<'a> {
    center: &'a pb::Center,
    form: &'a FeedbackForm,
    errors: &'a [FieldError],
}

/// `GET /feedback/{center}`: the web feedback form (again with `errors` after a
/// refused submission).
pub fn feedback_form(center: &pb::Center, form: &FeedbackForm, errors: &[FieldError]) -> String {
    render(&FeedbackFormPage {
        center,
        form,
        errors,
    })
}

#[derive(Template)]
#[template(path = "dossier/feedback_received.html")]
struct FeedbackReceived<'a> {
    center: &'a pb::Center,
    f: &'a pb::Feedback,
    received: Said,
    due: Said,
}

/// After a successful submission: the reference and when the answer is due. The
/// contact and the text are not shown again.
pub fn feedback_received(center: &pb::Center, f: &pb::Feedback) -> String {
    render(&FeedbackReceived {
        center,
        f,
        received: when(f.received_at.as_ref()).unwrap_or_default(),
        due: when(f.answer_due_at.as_ref()).unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "dossier/demo_pay.html")]
struct DemoPay<'a> {
    reference: &'a str,
    amount: i64,
    return_to: &'a str,
    back: Option<&'a str>,
}

/// `GET /pay`: the demo platform's page for one payment request.
pub fn demo_pay(reference: &str, amount: i64, return_to: &str, back: Option<&str>) -> String {
    render(&DemoPay {
        reference,
        amount,
        return_to,
        back,
    })
}

#[derive(Template)]
#[template(path = "dossier/demo_paid.html")]
struct DemoPaid<'a> {
    code: &'a str,
    amount: i64,
}

/// After a demo payment when there is no page to return to.
pub fn demo_paid(code: &str, amount: i64) -> String {
    render(&DemoPaid { code, amount })
}

#[derive(Template)]
#[template(path = "dossier/demo_pay_failed.html")]
struct DemoPayFailed<'a> {
    reference: &'a str,
    amount: i64,
    problem: &'a Said,
    back: Option<&'a str>,
}

/// When the demo platform's payment was refused.
pub fn demo_pay_failed(reference: &str, amount: i64, problem: &Said, back: Option<&str>) -> String {
    render(&DemoPayFailed {
        reference,
        amount,
        problem,
        back,
    })
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
        use onestop_kit::format::vnd_words as vnd;
        assert_eq!(vnd(1_500_000), "1.500.000 đồng");
        assert_eq!(vnd(8000), "8.000 đồng");
        assert_eq!(vnd(500), "500 đồng");
    }
}
