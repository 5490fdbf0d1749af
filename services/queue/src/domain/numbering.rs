//! Ticket numbers: a line's prefix letter and a daily sequence, where "daily" is the
//! centre's local day.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The centre-local date `at` falls on.
pub fn service_day(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The printed number: prefix and at least three digits (`A001`, `B1024`).
pub fn ticket_number(prefix: &str, sequence: i64) -> String {
    format!("{prefix}{sequence:03}")
}

/// Parses a time zone name, e.g. `Asia/Ho_Chi_Minh`.
pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>()
        .map_err(|_| format!("`{name}` is not an IANA time zone such as Asia/Ho_Chi_Minh"))
}

/// A fresh unguessable ticket id (16 hex digits), used in the public URL `/t/{id}`.
pub fn new_ticket_id() -> String {
    use rand::Rng;
    format!("{:016x}", rand::rng().random::<u64>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn half_past_midnight_in_ho_chi_minh_is_the_new_day() {
        let tz: Tz = "Asia/Ho_Chi_Minh".parse().unwrap();
        // 17:30 UTC on the 25th is 00:30 on the 26th in UTC+7
        let at = Utc.with_ymd_and_hms(2026, 11, 25, 17, 30, 0).unwrap();
        assert_eq!(
            service_day(at, tz),
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
        );
        let before = Utc.with_ymd_and_hms(2026, 11, 25, 16, 59, 0).unwrap();
        assert_eq!(
            service_day(before, tz),
            NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
        );
    }

    #[test]
    fn numbers_are_padded_to_three_digits() {
        assert_eq!(ticket_number("A", 1), "A001");
        assert_eq!(ticket_number("B", 14), "B014");
        assert_eq!(ticket_number("C", 1024), "C1024");
    }

    #[test]
    fn unknown_zone_is_named() {
        assert!(
            parse_time_zone("Mars/Olympus")
                .unwrap_err()
                .contains("Mars/Olympus")
        );
    }
}
