//! HTML of the public pages, in Vietnamese with English alongside. The markup is in
//! `gateway/templates/` (askama, checked at compile time); every value is escaped by
//! the workspace's one escaper, [`onestop_kit::format::Html`], and amounts and dates
//! are written by [`onestop_kit::format`].

use askama::Template;
use chrono::DateTime;
use chrono_tz::Tz;
use onestop_proto::catalogue::v1 as pb;

/// Renders `page`. The templates only write strings and numbers, so this cannot fail in
/// practice; if it ever did, the citizen gets a short bilingual notice.
pub(crate) fn render(page: &impl Template) -> String {
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "a page template failed to render");
        "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Lỗi / Error</title>\
         <p>Đã có lỗi xảy ra / Something went wrong</p></html>"
            .into()
    })
}

/// A timestamp in Vietnam's time, the zone every public page shows.
pub(crate) fn in_vietnam(t: Option<&prost_types::Timestamp>) -> Option<DateTime<Tz>> {
    let t = t?;
    Some(DateTime::from_timestamp(t.seconds, 0)?.with_timezone(&chrono_tz::Asia::Ho_Chi_Minh))
}

/// How long a procedure takes, as the pages say it.
pub(crate) enum Days {
    /// The catalogue does not say.
    Unknown,
    /// Done the same day.
    SameDay,
    /// Working days: Vietnamese with a decimal comma, English with a point.
    Working(String, f64),
}

impl Days {
    /// The processing time of `p`.
    pub(crate) fn of(p: &pb::Procedure) -> Self {
        match p.processing_days {
            None => Days::Unknown,
            Some(0.0) => Days::SameDay,
            Some(d) => Days::Working(d.to_string().replace('.', ","), d),
        }
    }
}

/// The name of the procedure's field, empty when it has none.
pub(crate) fn field_name(p: &pb::Procedure) -> &str {
    p.field.as_ref().map(|f| f.name.as_str()).unwrap_or("")
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    query: &'a str,
    field: &'a str,
    fields: &'a [pb::Field],
    results: Option<&'a [pb::Procedure]>,
    total: i32,
}

/// The search page.
pub fn home(
    query: &str,
    field: &str,
    fields: &[pb::Field],
    results: Option<&[pb::Procedure]>,
) -> String {
    render(&Home {
        query,
        field,
        fields,
        results,
        total: fields.iter().map(|f| f.procedure_count).sum(),
    })
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct Procedure<'a> {
    p: &'a pb::Procedure,
    field: &'a str,
    days: Days,
    from: String,
}

/// A procedure's public page.
pub fn procedure(p: &pb::Procedure) -> String {
    render(&Procedure {
        p,
        field: field_name(p),
        days: Days::of(p),
        from: in_vietnam(p.effective_from.as_ref())
            .map(|t| onestop_kit::format::date(&t))
            .unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    vi: &'a str,
    en: &'a str,
    message: &'a str,
}

/// An error page.
pub fn error(status: u16, message: &str) -> String {
    let (vi, en) = match status {
        404 => ("Không tìm thấy", "Not found"),
        400 => ("Yêu cầu không hợp lệ", "Bad request"),
        503 => ("Dịch vụ tạm thời không sẵn sàng", "Service unavailable"),
        _ => ("Đã có lỗi xảy ra", "Something went wrong"),
    };
    render(&ErrorPage { vi, en, message })
}

#[derive(Template)]
#[template(path = "refusal.html")]
struct Refusal<'a> {
    title_vi: &'a str,
    title_en: &'a str,
    vi: &'a str,
    en: &'a str,
}

/// A guard's refusal page: a heading in both languages and a sentence in each.
pub(crate) fn refusal(title: (&str, &str), said: (&str, &str)) -> String {
    render(&Refusal {
        title_vi: title.0,
        title_en: title.1,
        vi: said.0,
        en: said.1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    // the one formatting and escaping, under the names this file used to define
    use onestop_kit::format::{escape_html as esc, vnd_words as vnd};

    #[test]
    fn money_and_escaping() {
        assert_eq!(vnd(1_500_000), "1.500.000 đồng");
        assert_eq!(vnd(8000), "8.000 đồng");
        assert_eq!(esc("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }

    #[test]
    fn values_are_escaped_by_the_engine() {
        let html = error(404, "<a href='x'>&");
        assert!(
            html.contains("<p>&lt;a href=&#39;x&#39;&gt;&amp;</p>"),
            "{html}"
        );
        assert!(html.contains("<title>Không tìm thấy</title>"));
    }

    #[test]
    fn processing_days_with_a_decimal_comma() {
        let p = |d| pb::Procedure {
            processing_days: d,
            ..Default::default()
        };
        assert!(matches!(Days::of(&p(None)), Days::Unknown));
        assert!(matches!(Days::of(&p(Some(0.0))), Days::SameDay));
        match Days::of(&p(Some(2.5))) {
            Days::Working(vi, en) => assert_eq!((vi.as_str(), en), ("2,5", 2.5)),
            _ => panic!("working days"),
        }
    }

    #[test]
    fn fees_in_dong_one_per_line_then_the_note() {
        let p = pb::Procedure {
            code: "1.001193".into(),
            name: "Đăng ký khai sinh".into(),
            fees: vec![
                pb::Fee {
                    name: "Lệ phí".into(),
                    amount_vnd: 1_500_000,
                },
                pb::Fee {
                    name: "Bản sao".into(),
                    amount_vnd: 0,
                },
            ],
            fee_note: "Miễn cho trẻ em <6 tuổi".into(),
            ..Default::default()
        };
        let html = procedure(&p);
        assert!(
            html.contains(
                "<td>Lệ phí: 1.500.000 đồng<br>Bản sao: miễn / free<br>Miễn cho trẻ em &lt;6 tuổi</td>"
            ),
            "{html}"
        );
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.ends_with("</main></body></html>"));
    }
}
