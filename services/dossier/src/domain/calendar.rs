//! A centre's work calendar: weekly working hours plus the days that break the weekly
//! rule (public holidays, days off, make-up working Saturdays). The days are data, seeded
//! from `data/calendar/holidays-vn.csv` and editable by an admin, because the government
//! announces substitute and make-up days each year.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The seed calendar for 2025–2027 (sources and caveats in `data/calendar/SOURCES.md`).
const SEED_CSV: &str = include_str!("../../../../data/calendar/holidays-vn.csv");

/// The centre's time zone unless configured otherwise.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// Where the morning ends and the afternoon begins, in local time.
pub const NOON: NaiveTime = match NaiveTime::from_hms_opt(12, 0, 0) {
    Some(t) => t,
    None => panic!("12:00 is a time of day"),
};

/// One stretch of working time within a day, in local time (`start` inclusive, `end`
/// exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkInterval {
    /// Local opening time.
    pub start: NaiveTime,
    /// Local closing time.
    pub end: NaiveTime,
}

impl WorkInterval {
    /// An interval from `start` to `end`, or why it is empty or reversed.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self, String> {
        if start >= end {
            return Err(format!(
                "giờ mở cửa {start} phải trước giờ đóng cửa {end} — opening {start} must be before closing {end}"
            ));
        }
        Ok(Self { start, end })
    }

    /// Length of the interval.
    pub fn length(&self) -> Duration {
        self.end - self.start
    }
}

/// Working hours for each weekday, and the hours of a make-up working day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingHours {
    /// Index 0 = Monday … 6 = Sunday; each list sorted and non-overlapping.
    by_weekday: [Vec<WorkInterval>; 7],
    /// Hours of a make-up working day (a Saturday worked in exchange for a weekday off).
    makeup_day: Vec<WorkInterval>,
}

impl Default for WorkingHours {
    fn default() -> Self {
        Self::standard()
    }
}

impl WorkingHours {
    /// The common choice: 07:00–11:30 and 13:30–17:00, Monday to Friday; a make-up
    /// Saturday keeps the same hours.
    pub fn standard() -> Self {
        let day = vec![
            WorkInterval {
                start: hm(7, 0),
                end: hm(11, 30),
            },
            WorkInterval {
                start: hm(13, 30),
                end: hm(17, 0),
            },
        ];
        Self {
            by_weekday: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                Vec::new(),
                Vec::new(),
            ],
            makeup_day: day,
        }
    }

    /// Hours per weekday (index 0 = Monday … 6 = Sunday). A make-up day gets the hours
    /// of the first of Monday–Friday that has any; change it with
    /// [`WorkingHours::with_makeup_day`].
    pub fn new(by_weekday: [Vec<WorkInterval>; 7]) -> Result<Self, String> {
        for (i, day) in by_weekday.iter().enumerate() {
            check_day(day).map_err(|e| format!("{}: {e}", weekday_label(i)))?;
        }
        let makeup_day = by_weekday[..5]
            .iter()
            .find(|day| !day.is_empty())
            .cloned()
            .ok_or_else(|| {
                "phải có ít nhất một ngày từ thứ Hai đến thứ Sáu có giờ làm việc — at least one of Monday–Friday must have working hours"
                    .to_string()
            })?;
        Ok(Self {
            by_weekday,
            makeup_day,
        })
    }

    /// The same hours with a different make-up working day.
    pub fn with_makeup_day(mut self, intervals: Vec<WorkInterval>) -> Result<Self, String> {
        check_day(&intervals).map_err(|e| format!("ngày làm bù — make-up day: {e}"))?;
        if intervals.is_empty() {
            return Err(
                "ngày làm bù phải có giờ làm việc — a make-up day needs working hours".into(),
            );
        }
        self.makeup_day = intervals;
        Ok(self)
    }

    /// The usual intervals of `weekday`.
    pub fn on(&self, weekday: Weekday) -> &[WorkInterval] {
        &self.by_weekday[weekday.num_days_from_monday() as usize]
    }

    /// The intervals of a make-up working day.
    pub fn makeup_day(&self) -> &[WorkInterval] {
        &self.makeup_day
    }
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time of day")
}

fn weekday_label(index: usize) -> String {
    use onestop_kit::format::{WEEKDAYS_EN, WEEKDAYS_VI};
    format!("{} ({})", WEEKDAYS_VI[index], WEEKDAYS_EN[index])
}

/// Checks one day's intervals: each non-empty, in order, not overlapping.
fn check_day(day: &[WorkInterval]) -> Result<(), String> {
    for (i, interval) in day.iter().enumerate() {
        WorkInterval::new(interval.start, interval.end)?;
        if i > 0 && day[i - 1].end > interval.start {
            return Err(format!(
                "khoảng {} chồng lên hoặc đứng trước khoảng trước — interval {} overlaps or precedes the one before",
                i + 1,
                i + 1
            ));
        }
    }
    Ok(())
}

/// Why a date breaks the weekly rule (the `kind` column of the seed data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday or Tết day (Labour Code 2019, art. 112).
    Holiday,
    /// A Saturday or Sunday inside an announced break (no working day lost).
    WeekendInBreak,
    /// A day off in place of a holiday that fell on a weekend (art. 111(3)).
    SubstituteDayOff,
    /// A weekday off, swapped for a make-up Saturday.
    SwappedDayOff,
    /// A Saturday worked in exchange for a swapped day off.
    MakeupWorkday,
}

impl DayKind {
    /// Every kind.
    pub const ALL: [DayKind; 5] = [
        Self::Holiday,
        Self::WeekendInBreak,
        Self::SubstituteDayOff,
        Self::SwappedDayOff,
        Self::MakeupWorkday,
    ];

    /// Stored form, as in the CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::WeekendInBreak => "weekend_in_break",
            Self::SubstituteDayOff => "substitute_day_off",
            Self::SwappedDayOff => "swapped_day_off",
            Self::MakeupWorkday => "makeup_workday",
        }
    }

    /// Parses the stored form.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether the centre is closed that day.
    pub fn is_day_off(self) -> bool {
        self != Self::MakeupWorkday
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Holiday => "ngày lễ, Tết",
            Self::WeekendInBreak => "nghỉ hằng tuần trong đợt nghỉ",
            Self::SubstituteDayOff => "nghỉ bù",
            Self::SwappedDayOff => "nghỉ hoán đổi",
            Self::MakeupWorkday => "ngày làm bù",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Holiday => "public holiday",
            Self::WeekendInBreak => "weekly rest day inside a break",
            Self::SubstituteDayOff => "substitute day off",
            Self::SwappedDayOff => "swapped day off",
            Self::MakeupWorkday => "make-up working day",
        }
    }
}

/// How sure a calendar row is (the `status` column of the seed data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    /// In a government notice of that year's days off.
    Announced,
    /// Derived from the Labour Code only; the year's notice is not out yet.
    Statutory,
}

impl DayStatus {
    /// Stored form, as in the CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Announced => "announced",
            Self::Statutory => "statutory",
        }
    }

    /// Parses the stored form.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Announced, Self::Statutory]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One date that breaks the weekly rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// The local date.
    pub date: NaiveDate,
    /// Day off or make-up working day, and why.
    pub kind: DayKind,
    /// Vietnamese name, e.g. "Quốc khánh (2/9)".
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Announced by the government, or only derived from the law.
    pub status: DayStatus,
    /// The legal text and where it was read.
    pub source: String,
}

#[derive(Deserialize)]
struct Row {
    date: String,
    kind: String,
    name_vi: String,
    name_en: String,
    status: String,
    source: String,
}

/// Parses calendar rows in the seed format
/// (`date,kind,name_vi,name_en,status,source`, with a header), naming the line of the
/// first bad row.
pub fn parse_days(csv_text: &str) -> Result<Vec<CalendarDay>, String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("dòng tiêu đề — header line: {e}"))?
        .clone();
    let mut days = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("CSV: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let at = |msg: String| format!("dòng {line} — line {line}: {msg}");
        let row: Row = record
            .deserialize(Some(&headers))
            .map_err(|e| at(e.to_string()))?;
        let date = NaiveDate::parse_from_str(row.date.trim(), "%Y-%m-%d").map_err(|_| {
            at(format!(
                "ngày «{}» không đúng dạng YYYY-MM-DD — date `{}` is not YYYY-MM-DD",
                row.date, row.date
            ))
        })?;
        let kind = DayKind::parse(row.kind.trim()).ok_or_else(|| {
            at(format!(
                "loại ngày «{}» không hợp lệ — unknown kind `{}` (holiday, weekend_in_break, substitute_day_off, swapped_day_off, makeup_workday)",
                row.kind, row.kind
            ))
        })?;
        let status = DayStatus::parse(row.status.trim()).ok_or_else(|| {
            at(format!(
                "trạng thái «{}» không hợp lệ — unknown status `{}` (announced, statutory)",
                row.status, row.status
            ))
        })?;
        days.push(CalendarDay {
            date,
            kind,
            name_vi: row.name_vi,
            name_en: row.name_en,
            status,
            source: row.source,
        });
    }
    Ok(days)
}

/// The seed days embedded from `data/calendar/holidays-vn.csv`.
pub fn seed_days() -> Vec<CalendarDay> {
    // the embedded file is checked by a unit test, so this cannot fail at run time
    parse_days(SEED_CSV).expect("the embedded holiday calendar parses")
}

/// Morning or afternoon of a working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayPart {
    /// Working time before [`NOON`].
    Morning,
    /// Working time from [`NOON`] on.
    Afternoon,
}

impl DayPart {
    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Morning => "buổi sáng",
            Self::Afternoon => "buổi chiều",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Morning => "morning",
            Self::Afternoon => "afternoon",
        }
    }
}

/// The working intervals of one half of a working day, in local time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HalfDay {
    /// The local date.
    pub date: NaiveDate,
    /// Morning or afternoon.
    pub part: DayPart,
    /// Its intervals, in order; never empty.
    pub intervals: Vec<WorkInterval>,
}

/// A centre's calendar: weekly hours, the dated exceptions, and the time zone.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkCalendar {
    hours: WorkingHours,
    days: BTreeMap<NaiveDate, CalendarDay>,
    tz: Tz,
}

impl WorkCalendar {
    /// A calendar in Asia/Ho_Chi_Minh. Refuses two rows for one date, and hours without
    /// any weekday working time (deadlines need working days to come round again).
    pub fn new(hours: WorkingHours, days: Vec<CalendarDay>) -> Result<Self, String> {
        if (0..5).all(|i| hours.by_weekday[i].is_empty()) {
            return Err(
                "phải có ít nhất một ngày từ thứ Hai đến thứ Sáu có giờ làm việc — at least one of Monday–Friday must have working hours"
                    .into(),
            );
        }
        let mut by_date = BTreeMap::new();
        for day in days {
            let date = day.date;
            if let Some(before) = by_date.insert(date, day) {
                return Err(format!(
                    "ngày {} có hai dòng (đã có «{}») — {date} appears twice (already `{}`)",
                    onestop_kit::format::date(&date),
                    before.name_vi,
                    before.kind.as_str()
                ));
            }
        }
        Ok(Self {
            hours,
            days: by_date,
            tz: DEFAULT_TIME_ZONE,
        })
    }

    /// The standard hours with the seed days.
    pub fn seeded() -> Self {
        Self::new(WorkingHours::standard(), seed_days()).expect("seed days are one per date")
    }

    /// The same calendar in another time zone.
    pub fn with_time_zone(mut self, tz: Tz) -> Self {
        self.tz = tz;
        self
    }

    /// The centre's time zone.
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// The weekly hours.
    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    /// The exception recorded for `date`, if any.
    pub fn day(&self, date: NaiveDate) -> Option<&CalendarDay> {
        self.days.get(&date)
    }

    /// Every exception, by date.
    pub fn days(&self) -> impl Iterator<Item = &CalendarDay> {
        self.days.values()
    }

    /// Whether the centre works on `date`: a make-up day, or a weekday with hours and no
    /// day off recorded.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.intervals_on(date).is_empty()
    }

    /// The working intervals of `date` in local time; empty on a day off. A make-up
    /// working day (even a Saturday) has the make-up day hours, i.e. the weekday hours.
    pub fn intervals_on(&self, date: NaiveDate) -> &[WorkInterval] {
        match self.days.get(&date).map(|d| d.kind) {
            Some(DayKind::MakeupWorkday) => self.hours.makeup_day(),
            Some(_) => &[],
            None => self.hours.on(date.weekday()),
        }
    }

    /// The morning and afternoon of `date` (intervals split at [`NOON`]); empty on a day
    /// off, one element when the day has working time on one side of noon only.
    pub fn half_days(&self, date: NaiveDate) -> Vec<HalfDay> {
        let mut morning = Vec::new();
        let mut afternoon = Vec::new();
        for &i in self.intervals_on(date) {
            if i.end <= NOON {
                morning.push(i);
            } else if i.start >= NOON {
                afternoon.push(i);
            } else {
                morning.push(WorkInterval {
                    start: i.start,
                    end: NOON,
                });
                afternoon.push(WorkInterval {
                    start: NOON,
                    end: i.end,
                });
            }
        }
        [(DayPart::Morning, morning), (DayPart::Afternoon, afternoon)]
            .into_iter()
            .filter(|(_, intervals)| !intervals.is_empty())
            .map(|(part, intervals)| HalfDay {
                date,
                part,
                intervals,
            })
            .collect()
    }

    /// The local date `at` falls on.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// The instant of local `time` on `date` (a time skipped by a clock change counts
    /// from the first valid instant after it).
    pub fn instant(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let local = date.and_time(time);
        let mut probe = local;
        loop {
            if let Some(t) = self.tz.from_local_datetime(&probe).earliest() {
                return t.with_timezone(&Utc);
            }
            // inside a daylight-saving gap; no zone skips more than a few hours
            probe += Duration::minutes(15);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_embedded_seed_parses_and_has_one_row_per_date() {
        let days = seed_days();
        assert_eq!(days.len(), 59);
        let calendar = WorkCalendar::seeded();
        assert_eq!(calendar.days().count(), 59);
        let makeups: Vec<_> = days
            .iter()
            .filter(|x| x.kind == DayKind::MakeupWorkday)
            .map(|x| x.date)
            .collect();
        assert_eq!(makeups, [d(2025, 4, 26), d(2026, 1, 10), d(2026, 8, 22)]);
        // make-up days are all Saturdays, days off in lieu all fall on weekdays
        for day in &days {
            match day.kind {
                DayKind::MakeupWorkday => assert_eq!(day.date.weekday(), Weekday::Sat),
                DayKind::SwappedDayOff | DayKind::SubstituteDayOff => {
                    assert!(day.date.weekday().num_days_from_monday() < 5, "{day:?}")
                }
                _ => {}
            }
        }
    }

    #[test]
    fn tet_2026_closes_the_centre_from_saturday_14_to_sunday_22_february() {
        let c = WorkCalendar::seeded();
        assert!(c.is_working_day(d(2026, 2, 13)));
        for day in 14..=22 {
            assert!(!c.is_working_day(d(2026, 2, day)), "{day}/02/2026");
        }
        assert!(c.is_working_day(d(2026, 2, 23)));
        assert_eq!(c.day(d(2026, 2, 17)).unwrap().kind, DayKind::Holiday);
    }

    #[test]
    fn a_makeup_saturday_works_weekday_hours_and_its_swapped_day_is_off() {
        let c = WorkCalendar::seeded();
        let saturday = d(2026, 8, 22);
        assert!(c.is_working_day(saturday));
        assert_eq!(
            c.intervals_on(saturday),
            WorkingHours::standard().on(Weekday::Mon)
        );
        assert!(!c.is_working_day(d(2026, 8, 29)));
        assert!(!c.is_working_day(d(2026, 8, 31)));
        // an ordinary Saturday stays closed
        assert!(!c.is_working_day(d(2026, 8, 15)));
    }

    #[test]
    fn ordinary_weekdays_work_and_weekends_do_not() {
        let c = WorkCalendar::seeded();
        assert!(c.is_working_day(d(2026, 3, 10)));
        assert!(!c.is_working_day(d(2026, 3, 14)));
        assert!(!c.is_working_day(d(2026, 3, 15)));
        assert_eq!(c.intervals_on(d(2026, 3, 10)).len(), 2);
    }

    #[test]
    fn half_days_split_at_noon_even_without_a_lunch_break() {
        let c = WorkCalendar::seeded();
        let halves = c.half_days(d(2026, 3, 10));
        assert_eq!(halves.len(), 2);
        assert_eq!(halves[0].part, DayPart::Morning);
        assert_eq!(halves[1].intervals[0].start, hm(13, 30));

        let continuous = vec![WorkInterval::new(hm(7, 30), hm(16, 30)).unwrap()];
        let hours = WorkingHours::new([
            continuous.clone(),
            continuous.clone(),
            continuous.clone(),
            continuous.clone(),
            continuous,
            Vec::new(),
            Vec::new(),
        ])
        .unwrap();
        let c = WorkCalendar::new(hours, Vec::new()).unwrap();
        let halves = c.half_days(d(2026, 3, 10));
        assert_eq!(
            halves[0].intervals,
            [WorkInterval::new(hm(7, 30), NOON).unwrap()]
        );
        assert_eq!(
            halves[1].intervals,
            [WorkInterval::new(NOON, hm(16, 30)).unwrap()]
        );
        assert!(c.half_days(d(2026, 3, 14)).is_empty());
    }

    #[test]
    fn saturday_morning_hours_make_a_single_half_day() {
        let mut week = [(); 7].map(|_| WorkingHours::standard().on(Weekday::Mon).to_vec());
        week[5] = vec![WorkInterval::new(hm(7, 30), hm(11, 30)).unwrap()];
        week[6] = Vec::new();
        let c = WorkCalendar::new(WorkingHours::new(week).unwrap(), Vec::new()).unwrap();
        let halves = c.half_days(d(2026, 3, 14));
        assert_eq!(halves.len(), 1);
        assert_eq!(halves[0].part, DayPart::Morning);
    }

    #[test]
    fn bad_hours_are_refused_with_the_day_named() {
        let mut week: [Vec<WorkInterval>; 7] = Default::default();
        week[2] = vec![
            WorkInterval {
                start: hm(7, 0),
                end: hm(12, 0),
            },
            WorkInterval {
                start: hm(11, 0),
                end: hm(17, 0),
            },
        ];
        let err = WorkingHours::new(week).unwrap_err();
        assert!(
            err.contains("Wednesday") && err.contains("overlaps"),
            "{err}"
        );
        assert!(WorkingHours::new(Default::default()).is_err());
        assert!(WorkInterval::new(hm(17, 0), hm(7, 0)).is_err());
        assert!(
            WorkingHours::standard()
                .with_makeup_day(Vec::new())
                .is_err()
        );
    }

    #[test]
    fn bad_rows_are_named_by_line() {
        let header = "date,kind,name_vi,name_en,status,source\n";
        let ok = format!("{header}2026-09-02,holiday,Quốc khánh,National Day,announced,x\n");
        assert_eq!(parse_days(&ok).unwrap().len(), 1);
        let err = parse_days(&format!(
            "{header}2026-09-02,holiday,a,b,announced,x\n2026-13-01,holiday,a,b,announced,x\n"
        ))
        .unwrap_err();
        assert!(
            err.contains("line 3") && err.contains("2026-13-01"),
            "{err}"
        );
        let err = parse_days(&format!("{header}2026-09-02,feast,a,b,announced,x\n")).unwrap_err();
        assert!(err.contains("unknown kind `feast`"), "{err}");
        let err = parse_days(&format!("{header}2026-09-02,holiday,a,b,rumoured,x\n")).unwrap_err();
        assert!(err.contains("rumoured"), "{err}");
    }

    #[test]
    fn two_rows_for_one_date_are_refused() {
        let mut days = seed_days();
        let mut again = days[0].clone();
        again.kind = DayKind::MakeupWorkday;
        days.push(again);
        let err = WorkCalendar::new(WorkingHours::standard(), days).unwrap_err();
        assert!(err.contains("2025-01-01"), "{err}");
    }

    #[test]
    fn local_dates_and_instants_are_in_ho_chi_minh_time() {
        let c = WorkCalendar::seeded();
        let at = Utc.with_ymd_and_hms(2026, 2, 13, 17, 30, 0).unwrap();
        assert_eq!(c.local_date(at), d(2026, 2, 14));
        assert_eq!(
            c.instant(d(2026, 2, 13), hm(7, 0)),
            Utc.with_ymd_and_hms(2026, 2, 13, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn kinds_round_trip() {
        for kind in DayKind::ALL {
            assert_eq!(DayKind::parse(kind.as_str()), Some(kind));
        }
        assert!(!DayKind::MakeupWorkday.is_day_off());
        assert!(DayKind::WeekendInBreak.is_day_off());
    }
}
