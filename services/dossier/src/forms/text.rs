//! Reading the caller's text back: the half-day of a clock time, the date of a
//! `dd/mm/yyyy` string, the QR SVG without its prologue, the missing items once each.

use chrono::{Datelike, NaiveDate};

/// The half-day of the first `H:MM`/`HH:MM` (or `HHhMM`) clock time in `text`, unless
/// `text` already names one.
pub(super) fn half_day(text: &str) -> Option<(&'static str, &'static str)> {
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
/// as Vietnamese administrative documents write them; the text itself (trimmed) when it
/// holds no date, and a line to fill in by hand when it is empty. Plain text: the
/// template escapes it.
pub(super) fn date_line(text: &str) -> String {
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
        None => text.trim().to_string(),
    }
}

/// The QR SVG without any `<?xml …?>`/doctype prologue; empty when it holds no `<svg`.
pub(super) fn qr_svg(svg: &str) -> &str {
    svg.find("<svg").map_or("", |i| svg[i..].trim_end())
}

/// Missing items trimmed, without empties or repeats (compared ignoring case and spacing),
/// in first-seen order.
pub(super) fn unique_items(items: &[String]) -> Vec<&str> {
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
