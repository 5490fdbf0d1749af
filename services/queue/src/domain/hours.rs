//! Opening hours, closing time and appointment slots, in the centre's local time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// One open interval on one weekday.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenInterval {
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    /// Local opening time.
    pub opens: NaiveTime,
    /// Local closing time.
    pub closes: NaiveTime,
}

/// Length of one appointment slot.
pub const SLOT_MINUTES: i64 = 30;
/// How early before its slot an appointment may check in and keep its place.
pub const CHECK_IN_EARLY_MINUTES: i64 = 30;
/// How late after its slot starts an appointment still counts as one.
pub const CHECK_IN_LATE_MINUTES: i64 = 15;

/// Monday–Friday 07:00–11:30 and 13:30–17:00.
pub fn default_hours() -> Vec<OpenInterval> {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
    (1..=5)
        .flat_map(|weekday| {
            [
                OpenInterval {
                    weekday,
                    opens: t(7, 0),
                    closes: t(11, 30),
                },
                OpenInterval {
                    weekday,
                    opens: t(13, 30),
                    closes: t(17, 0),
                },
            ]
        })
        .collect()
}

/// Parses `HH:MM`.
pub fn parse_hhmm(raw: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| format!("`{raw}` is not a time of day like 07:30"))
}

/// Checks intervals: weekday 1–7, opens before closes, no overlap on a day.
pub fn check_hours(hours: &[OpenInterval]) -> Result<(), String> {
    for (i, h) in hours.iter().enumerate() {
        if !(1..=7).contains(&h.weekday) {
            return Err(format!(
                "hours[{i}]: weekday must be 1 (Monday) to 7 (Sunday)"
            ));
        }
        if h.opens >= h.closes {
            return Err(format!("hours[{i}]: opens must be before closes"));
        }
        for other in &hours[..i] {
            if other.weekday == h.weekday && other.opens < h.closes && h.opens < other.closes {
                return Err(format!("hours[{i}]: overlaps another interval that day"));
            }
        }
    }
    Ok(())
}

fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    tz.from_local_datetime(&date.and_time(time))
        .earliest()
        .unwrap_or_else(|| {
            Utc.from_utc_datetime(&date.and_time(time))
                .with_timezone(&tz)
        })
        .with_timezone(&Utc)
}

/// When the centre closes for the day on `date`, or `None` if it does not open.
pub fn closing_instant(hours: &[OpenInterval], date: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    let weekday = date.weekday().number_from_monday();
    hours
        .iter()
        .filter(|h| h.weekday == weekday)
        .map(|h| h.closes)
        .max()
        .map(|t| local_instant(tz, date, t))
}

/// The appointment slots of `date`: every whole 30-minute slot inside an open interval.
pub fn slots(
    hours: &[OpenInterval],
    date: NaiveDate,
    tz: Tz,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let weekday = date.weekday().number_from_monday();
    let mut intervals: Vec<_> = hours.iter().filter(|h| h.weekday == weekday).collect();
    intervals.sort_by_key(|h| h.opens);
    let mut out = Vec::new();
    for h in intervals {
        let mut start = local_instant(tz, date, h.opens);
        let close = local_instant(tz, date, h.closes);
        while start + Duration::minutes(SLOT_MINUTES) <= close {
            out.push((start, start + Duration::minutes(SLOT_MINUTES)));
            start += Duration::minutes(SLOT_MINUTES);
        }
    }
    out
}

/// How a check-in at `now` relates to its slot starting at `slot_start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckInTiming {
    /// Within the window: the ticket goes ahead of walk-ins.
    InWindow,
    /// Too early: come back from the given time.
    TooEarly(DateTime<Utc>),
    /// Too late: the ticket joins as a walk-in.
    Late,
}

/// Judges a check-in time against its slot.
pub fn check_in_timing(slot_start: DateTime<Utc>, now: DateTime<Utc>) -> CheckInTiming {
    let opens = slot_start - Duration::minutes(CHECK_IN_EARLY_MINUTES);
    if now < opens {
        CheckInTiming::TooEarly(opens)
    } else if now > slot_start + Duration::minutes(CHECK_IN_LATE_MINUTES) {
        CheckInTiming::Late
    } else {
        CheckInTiming::InWindow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hcm() -> Tz {
        "Asia/Ho_Chi_Minh".parse().unwrap()
    }

    #[test]
    fn a_weekday_closes_at_five_pm_local_and_sunday_never_opens() {
        let thursday = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let close = closing_instant(&default_hours(), thursday, hcm()).unwrap();
        assert_eq!(close, Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap());
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(closing_instant(&default_hours(), sunday, hcm()), None);
    }

    #[test]
    fn slots_fill_the_morning_and_afternoon() {
        let thursday = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let s = slots(&default_hours(), thursday, hcm());
        // 07:00–11:30 is 9 slots, 13:30–17:00 is 7
        assert_eq!(s.len(), 16);
        assert_eq!(s[0].0, Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).unwrap());
        assert_eq!(
            s[9].0,
            Utc.with_ymd_and_hms(2026, 11, 26, 6, 30, 0).unwrap()
        );
    }

    #[test]
    fn overlapping_hours_are_refused() {
        let mut hours = default_hours();
        hours.push(OpenInterval {
            weekday: 1,
            opens: parse_hhmm("11:00").unwrap(),
            closes: parse_hhmm("12:00").unwrap(),
        });
        assert!(check_hours(&hours).unwrap_err().contains("overlaps"));
        assert!(parse_hhmm("25:00").is_err());
    }

    #[test]
    fn check_in_window() {
        let slot = Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap();
        assert_eq!(
            check_in_timing(slot, slot - Duration::minutes(20)),
            CheckInTiming::InWindow
        );
        assert_eq!(
            check_in_timing(slot, slot + Duration::minutes(15)),
            CheckInTiming::InWindow
        );
        assert_eq!(
            check_in_timing(slot, slot + Duration::minutes(16)),
            CheckInTiming::Late
        );
        assert!(matches!(
            check_in_timing(slot, slot - Duration::minutes(31)),
            CheckInTiming::TooEarly(_)
        ));
    }
}
