//! The one Vietnamese formatting of money and dates, and the one HTML escaper of every
//! page and form template.
//!
//! Money is written with dots between thousands (`1.234.567`), followed by `đ` on the
//! printed forms and by `đồng` on the web pages. Dates are `dd/mm/yyyy`, clock times
//! `HH:MM` (24 hours); weekdays are named in Vietnamese (`thứ Hai` … `Chủ nhật`) or
//! English. The helpers take a time already in the zone it is shown in: converting is
//! the caller's business (the centre's zone, or Asia/Ho_Chi_Minh on the public pages).
//!
//! [`Html`] is the escaper that the templates' `askama.toml` names for `.html`
//! templates: it writes the named entities the pages have always used.

use std::fmt::{self, Write};

use chrono::{Datelike, Timelike, Weekday};

/// Vietnamese weekday names, Monday first (as in `chrono::Weekday::num_days_from_monday`).
pub const WEEKDAYS_VI: [&str; 7] = [
    "thứ Hai",
    "thứ Ba",
    "thứ Tư",
    "thứ Năm",
    "thứ Sáu",
    "thứ Bảy",
    "Chủ nhật",
];

/// English weekday names, Monday first.
pub const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The Vietnamese name of `day`, in lower case as inside a sentence: `thứ Hai`,
/// `Chủ nhật`.
pub fn weekday_vi(day: Weekday) -> &'static str {
    WEEKDAYS_VI[day.num_days_from_monday() as usize]
}

/// The English name of `day`: `Monday`.
pub fn weekday_en(day: Weekday) -> &'static str {
    WEEKDAYS_EN[day.num_days_from_monday() as usize]
}

/// `1234567` → `1.234.567`: dots between thousands, a minus sign when negative.
pub fn vnd_digits(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `1234567` → `1.234.567 đ`, as the printed forms write an amount.
pub fn vnd(amount: i64) -> String {
    format!("{} đ", vnd_digits(amount))
}

/// `1234567` → `1.234.567 đồng`, as the web pages write an amount.
pub fn vnd_words(amount: i64) -> String {
    format!("{} đồng", vnd_digits(amount))
}

/// The date `dd/mm/yyyy`: `23/02/2026` (of a date, or of a time in the zone it is shown in).
pub fn date(d: &impl Datelike) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

/// The clock time `HH:MM` (24 hours): `09:00`.
pub fn clock(t: &impl Timelike) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// `HH:MM dd/mm/yyyy`: `09:00 23/02/2026`.
pub fn clock_date(t: &(impl Datelike + Timelike)) -> String {
    format!("{} {}", clock(t), date(t))
}

/// `HH:MM <weekday>, dd/mm/yyyy` in Vietnamese: `09:00 thứ Hai, 23/02/2026`.
pub fn clock_weekday_date_vi(t: &(impl Datelike + Timelike)) -> String {
    format!("{} {}, {}", clock(t), weekday_vi(t.weekday()), date(t))
}

/// `HH:MM <weekday>, dd/mm/yyyy` in English: `09:00 Monday, 23/02/2026`.
pub fn clock_weekday_date_en(t: &(impl Datelike + Timelike)) -> String {
    format!("{} {}, {}", clock(t), weekday_en(t.weekday()), date(t))
}

/// The HTML escaper of the templates: `&`, `<`, `>`, `"` and `'` become `&amp;`,
/// `&lt;`, `&gt;`, `&quot;` and `&#39;`; safe in text and in quoted attributes.
///
/// Each crate with templates names it in its `askama.toml`:
///
/// ```toml
/// [[escaper]]
/// path = "::onestop_kit::format::Html"
/// extensions = ["html"]
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl askama::filters::Escaper for Html {
    fn write_escaped_str<W: Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        let mut last = 0;
        for (i, b) in text.bytes().enumerate() {
            let entity = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                _ => continue,
            };
            dest.write_str(&text[last..i])?;
            dest.write_str(entity)?;
            last = i + 1;
        }
        dest.write_str(&text[last..])
    }
}

/// `text` escaped by [`Html`], for the rare piece of HTML built outside a template.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // writing to a String cannot fail
    let _ = askama::filters::Escaper::write_escaped_str(&Html, &mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};

    fn vietnam(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(7 * 3600)
            .unwrap()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
    }

    #[test]
    fn amounts_with_dots_between_thousands() {
        assert_eq!(vnd_digits(0), "0");
        assert_eq!(vnd_digits(999), "999");
        assert_eq!(vnd_digits(1_000), "1.000");
        assert_eq!(vnd_digits(1_234_567), "1.234.567");
        assert_eq!(vnd_digits(-500), "-500");
        assert_eq!(vnd_digits(-1_500), "-1.500");
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
    fn amounts_in_dong() {
        assert_eq!(vnd_words(1_500_000), "1.500.000 đồng");
        assert_eq!(vnd_words(8000), "8.000 đồng");
        assert_eq!(vnd_words(500), "500 đồng");
        assert_eq!(vnd_words(-1_500), "-1.500 đồng");
    }

    #[test]
    fn dates_clock_times_and_weekdays() {
        // a Monday
        let t = vietnam(2026, 3, 9, 9, 0);
        assert_eq!(date(&t), "09/03/2026");
        assert_eq!(clock(&t), "09:00");
        assert_eq!(clock_date(&t), "09:00 09/03/2026");
        assert_eq!(clock_weekday_date_vi(&t), "09:00 thứ Hai, 09/03/2026");
        assert_eq!(clock_weekday_date_en(&t), "09:00 Monday, 09/03/2026");
        let sunday = vietnam(2026, 3, 15, 17, 5);
        assert_eq!(clock_weekday_date_vi(&sunday), "17:05 Chủ nhật, 15/03/2026");
        assert_eq!(weekday_vi(Weekday::Sat), "thứ Bảy");
        assert_eq!(
            date(&NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()),
            "05/01/2026"
        );
        // the same as chrono's own %d/%m/%Y and %H:%M
        assert_eq!(date(&t), t.format("%d/%m/%Y").to_string());
        assert_eq!(clock(&sunday), sunday.format("%H:%M").to_string());
        assert_eq!(weekday_en(Weekday::Sun), "Sunday");
        // the English names are chrono's own
        for (i, en) in WEEKDAYS_EN.iter().enumerate() {
            let day = vietnam(2026, 3, 9 + i as u32, 12, 0);
            assert_eq!(day.format("%A").to_string(), *en);
        }
    }

    #[test]
    fn money_and_escaping() {
        assert_eq!(vnd_words(1_500_000), "1.500.000 đồng");
        assert_eq!(vnd_words(8000), "8.000 đồng");
        assert_eq!(
            escape_html("<a href='x'>&"),
            "&lt;a href=&#39;x&#39;&gt;&amp;"
        );
        assert_eq!(
            escape_html("a&b<c>d\"e'f"),
            "a&amp;b&lt;c&gt;d&quot;e&#39;f"
        );
        assert_eq!(escape_html("Nguyễn Thị Hoà"), "Nguyễn Thị Hoà");
        let via_filter = askama::filters::escape("<b>\"x\"</b>", Html)
            .unwrap()
            .to_string();
        assert_eq!(via_filter, "&lt;b&gt;&quot;x&quot;&lt;/b&gt;");
    }
}
