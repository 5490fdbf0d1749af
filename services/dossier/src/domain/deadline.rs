//! Working-time deadlines in the centre's local time, and the clock ledger they are
//! derived from, so every appointment date can be explained.
//!
//! The rules:
//! - The clock starts at receipt if that is inside working time; otherwise at the next
//!   opening (lunch → the afternoon opening; evening, weekend, holiday → the next working
//!   morning).
//! - A processing time is counted in half-days ("received in the morning, returned in the
//!   morning"): one working day is two half-days, 0.5 day is one. A half-day is the working
//!   time of a working day before [`NOON`](super::calendar::NOON) (morning) or after it
//!   (afternoon). The due instant is in the half-day that many half-days after the one the
//!   clock started in, at the same working time past its opening, or at its close if that
//!   half-day is shorter. Zero days: the close of the half-day the clock started in.
//! - A pause (supplement requested, fees pending) moves the due date on by the working
//!   time between pause and resume, counted minute by minute.
//! - An extension (apology letter, Form 04) sets a new appointment, but the dossier is
//!   judged against the original due date moved only by pauses.
//! - A result ready within the half-day of that due date is on time; before that half-day
//!   it is early; after it, late.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::WorkCalendar;

/// The longest processing time accepted, in working days.
pub const MAX_PROCESSING_DAYS: f64 = 1000.0;

/// One half-day in UTC: its working spans, in order, never empty.
#[derive(Clone, Debug)]
struct Session {
    spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Session {
    fn open(&self) -> DateTime<Utc> {
        self.spans[0].0
    }

    fn close(&self) -> DateTime<Utc> {
        self.spans[self.spans.len() - 1].1
    }

    /// Working time from the opening to `t`.
    fn elapsed(&self, t: DateTime<Utc>) -> Duration {
        self.spans
            .iter()
            .filter(|(start, _)| *start < t)
            .map(|&(start, end)| end.min(t) - start)
            .sum()
    }

    /// The instant `offset` of working time after the opening, or the close.
    fn at_offset(&self, offset: Duration) -> DateTime<Utc> {
        let mut left = offset;
        for &(start, end) in &self.spans {
            if left <= end - start {
                return start + left;
            }
            left -= end - start;
        }
        self.close()
    }
}

fn sessions_on(cal: &WorkCalendar, date: NaiveDate) -> Vec<Session> {
    cal.half_days(date)
        .into_iter()
        .map(|half| Session {
            spans: half
                .intervals
                .iter()
                .map(|i| (cal.instant(date, i.start), cal.instant(date, i.end)))
                .collect(),
        })
        .collect()
}

/// Half-days from `date` on. Endless in practice: a [`WorkCalendar`] always has a
/// weekday with hours and finitely many days off.
fn sessions_from(cal: &WorkCalendar, date: NaiveDate) -> impl Iterator<Item = Session> + '_ {
    std::iter::successors(Some(date), |d| d.succ_opt()).flat_map(move |d| sessions_on(cal, d))
}

/// Half-days from `date` back, latest first.
fn sessions_back_from(cal: &WorkCalendar, date: NaiveDate) -> impl Iterator<Item = Session> + '_ {
    std::iter::successors(Some(date), |d| d.pred_opt())
        .flat_map(move |d| sessions_on(cal, d).into_iter().rev())
}

const ENDLESS: &str = "a work calendar always has working time ahead";

/// When the clock starts for a dossier received at `received_at`: that instant inside
/// working time, else the next opening.
pub fn start_of_clock(cal: &WorkCalendar, received_at: DateTime<Utc>) -> DateTime<Utc> {
    sessions_from(cal, cal.local_date(received_at))
        .flat_map(|s| s.spans)
        .find(|&(_, end)| end > received_at)
        .map(|(start, _)| start.max(received_at))
        .expect(ENDLESS)
}

/// Checks a processing time and returns it in half-days.
pub fn half_days(processing_days: f64) -> Result<usize, String> {
    let doubled = processing_days * 2.0;
    if !processing_days.is_finite()
        || !(0.0..=MAX_PROCESSING_DAYS).contains(&processing_days)
        || doubled.fract() != 0.0
    {
        return Err(format!(
            "thời hạn giải quyết {processing_days} ngày không hợp lệ: phải là bội của 0,5 từ 0 đến {MAX_PROCESSING_DAYS} — processing time of {processing_days} days is invalid: it must be a multiple of 0.5 from 0 to {MAX_PROCESSING_DAYS}"
        ));
    }
    Ok(doubled as usize)
}

/// The due instant for a dossier received at `received_at` with `processing_days`
/// working days (a multiple of 0.5): see the module rules.
pub fn due_date(
    cal: &WorkCalendar,
    received_at: DateTime<Utc>,
    processing_days: f64,
) -> Result<DateTime<Utc>, String> {
    let steps = half_days(processing_days)?;
    let start = start_of_clock(cal, received_at);
    let mut sessions = sessions_from(cal, cal.local_date(start)).skip_while(|s| s.close() <= start);
    let first = sessions.next().expect(ENDLESS);
    if steps == 0 {
        return Ok(first.close());
    }
    let offset = first.elapsed(start);
    Ok(sessions.nth(steps - 1).expect(ENDLESS).at_offset(offset))
}

/// Working time between `from` and `to` (zero if `to` is not after `from`).
pub fn working_time_between(
    cal: &WorkCalendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Duration {
    if to <= from {
        return Duration::zero();
    }
    sessions_from(cal, cal.local_date(from))
        .flat_map(|s| s.spans)
        .skip_while(|&(_, end)| end <= from)
        .take_while(|&(start, _)| start < to)
        .map(|(start, end)| end.min(to) - start.max(from))
        .sum()
}

/// Whole working minutes between `from` and `to`: how far a pause moves a due date.
pub fn working_minutes_between(cal: &WorkCalendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    working_time_between(cal, from, to).num_minutes()
}

/// The instant `amount` of working time after `from` (`from` itself for zero; landing
/// exactly on a close stays there).
pub fn add_working_time(
    cal: &WorkCalendar,
    from: DateTime<Utc>,
    amount: Duration,
) -> DateTime<Utc> {
    if amount <= Duration::zero() {
        return from;
    }
    let mut left = amount;
    for (start, end) in sessions_from(cal, cal.local_date(from))
        .flat_map(|s| s.spans)
        .skip_while(|&(_, end)| end <= from)
    {
        let begin = start.max(from);
        if left <= end - begin {
            return begin + left;
        }
        left -= end - begin;
    }
    unreachable!("{ENDLESS}")
}

/// How a result's readiness compares with its due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Ready before the due half-day began.
    Early,
    /// Ready within the due half-day.
    OnTime,
    /// Ready after the due half-day closed.
    Late,
}

impl Timeliness {
    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Early => "trước hạn",
            Self::OnTime => "đúng hạn",
            Self::Late => "trễ hạn",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Early => "early",
            Self::OnTime => "on time",
            Self::Late => "late",
        }
    }
}

/// Judges a result ready at `ready_at` against `due`: on time anywhere in the half-day
/// of `due` (the last half-day that opened at or before it, so a due after hours belongs
/// to the half-day that closed before it), early before that half-day, late after it.
pub fn judge(cal: &WorkCalendar, due: DateTime<Utc>, ready_at: DateTime<Utc>) -> Timeliness {
    let half = sessions_back_from(cal, cal.local_date(due))
        .find(|s| s.open() <= due)
        .expect("a work calendar always has working time behind");
    if ready_at < half.open() {
        Timeliness::Early
    } else if ready_at <= half.close() {
        Timeliness::OnTime
    } else {
        Timeliness::Late
    }
}

/// Why the clock was paused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// The citizen was asked to supplement the dossier (status 5).
    SupplementRequested,
    /// Fees or taxes are due (status 6).
    AwaitingPayment,
}

impl PauseReason {
    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::SupplementRequested => "yêu cầu bổ sung hồ sơ",
            Self::AwaitingPayment => "chờ thực hiện nghĩa vụ tài chính",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::SupplementRequested => "supplement requested",
            Self::AwaitingPayment => "waiting for fees or taxes",
        }
    }
}

/// One entry of a dossier's clock ledger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ClockEvent {
    /// Received with a processing time in working days; the clock starts.
    Received {
        /// When the receipt was issued.
        at: DateTime<Utc>,
        /// Processing time in working days (a multiple of 0.5).
        days: f64,
    },
    /// The clock stops counting until resumed.
    Paused {
        /// When.
        at: DateTime<Utc>,
        /// Why.
        reason: PauseReason,
    },
    /// The clock counts again; the due date moves by the paused working time.
    Resumed {
        /// When.
        at: DateTime<Utc>,
    },
    /// A leader-approved new appointment (apology letter, Form 04).
    Extended {
        /// When the extension was issued; must be before the current due date.
        at: DateTime<Utc>,
        /// The new appointment; must be after the current due date.
        new_due: DateTime<Utc>,
        /// The reason given in the letter.
        reason: String,
    },
    /// The clock stops for good (result ready, or the dossier ended otherwise).
    Stopped {
        /// When.
        at: DateTime<Utc>,
    },
}

impl ClockEvent {
    /// When the event happened.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Received { at, .. }
            | Self::Paused { at, .. }
            | Self::Resumed { at }
            | Self::Extended { at, .. }
            | Self::Stopped { at } => *at,
        }
    }
}

/// Whether the clock is counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClockState {
    /// Counting.
    Running,
    /// Paused; the due date will move on by the working time until resume.
    Paused {
        /// Since when.
        since: DateTime<Utc>,
        /// Why.
        reason: PauseReason,
    },
    /// Stopped for good.
    Stopped {
        /// When.
        at: DateTime<Utc>,
    },
}

/// The dates derived from a ledger, with one line per event saying how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockExplanation {
    /// When the clock started.
    pub started_at: DateTime<Utc>,
    /// The due date at receipt, before any pause or extension.
    pub original_due: DateTime<Utc>,
    /// The current appointment: pauses and extensions applied (an open pause not yet).
    pub due: DateTime<Utc>,
    /// What the dossier is judged against: the original due moved only by pauses.
    pub judged_due: DateTime<Utc>,
    /// Working minutes spent paused (closed pauses only).
    pub paused_minutes: i64,
    /// Whether an extension was issued (the dossier counts late if past `judged_due`).
    pub extended: bool,
    /// Running, paused or stopped.
    pub state: ClockState,
    /// Early / on time / late, once stopped.
    pub timeliness: Option<Timeliness>,
    /// One line per event, Vietnamese then English.
    pub lines: Vec<String>,
}

impl ClockExplanation {
    /// The appointment as of `now`: while paused, it has already moved by the working
    /// time paused so far.
    pub fn due_as_of(&self, cal: &WorkCalendar, now: DateTime<Utc>) -> DateTime<Utc> {
        match self.state {
            ClockState::Paused { since, .. } => {
                add_working_time(cal, self.due, working_time_between(cal, since, now))
            }
            _ => self.due,
        }
    }
}

/// Derives the dates of a dossier from its clock ledger, or names the first event that
/// does not fit (not starting with `Received`, out of order, resume without pause,
/// extension after the due date or not later than it, anything after `Stopped`).
pub fn explain(cal: &WorkCalendar, ledger: &[ClockEvent]) -> Result<ClockExplanation, String> {
    let Some(ClockEvent::Received { at: received, days }) = ledger.first() else {
        return Err(
            "sổ theo dõi phải bắt đầu bằng sự kiện tiếp nhận — the ledger must start with `received`"
                .into(),
        );
    };
    let fail = |n: usize, vi: &str, en: &str| format!("sự kiện {n}: {vi} — event {n}: {en}");
    let started_at = start_of_clock(cal, *received);
    let original_due =
        due_date(cal, *received, *days).map_err(|e| format!("sự kiện 1 — event 1: {e}"))?;
    let mut out = ClockExplanation {
        started_at,
        original_due,
        due: original_due,
        judged_due: original_due,
        paused_minutes: 0,
        extended: false,
        state: ClockState::Running,
        timeliness: None,
        lines: vec![format!(
            "Tiếp nhận lúc {}, thời hạn giải quyết {} ngày làm việc, bắt đầu tính từ {}, hẹn trả {} — received {}, processing time {} working days, clock starts {}, due {}",
            vi_time(cal, *received),
            days.to_string().replace('.', ","),
            vi_time(cal, started_at),
            vi_time(cal, original_due),
            en_time(cal, *received),
            days,
            en_time(cal, started_at),
            en_time(cal, original_due),
        )],
    };
    let mut paused = Duration::zero();
    let mut last = *received;
    for (i, event) in ledger.iter().enumerate().skip(1) {
        let n = i + 1;
        if matches!(out.state, ClockState::Stopped { .. }) {
            return Err(fail(
                n,
                "đồng hồ đã dừng trước đó",
                "the clock had already stopped",
            ));
        }
        if event.at() < last {
            return Err(fail(
                n,
                "sớm hơn sự kiện trước",
                "earlier than the event before it",
            ));
        }
        last = event.at();
        // an open pause ends at `at`: the dues move by the working time it covered
        let mut close_pause = |out: &mut ClockExplanation, since, at| {
            let gap = working_time_between(cal, since, at);
            paused += gap;
            out.paused_minutes = paused.num_minutes();
            out.due = add_working_time(cal, out.due, gap);
            out.judged_due = add_working_time(cal, out.judged_due, gap);
            gap.num_minutes()
        };
        match event {
            ClockEvent::Received { .. } => {
                return Err(fail(
                    n,
                    "hồ sơ chỉ được tiếp nhận một lần",
                    "a dossier is received only once",
                ));
            }
            ClockEvent::Paused { at, reason } => {
                if matches!(out.state, ClockState::Paused { .. }) {
                    return Err(fail(
                        n,
                        "đồng hồ đang tạm dừng",
                        "the clock is already paused",
                    ));
                }
                out.state = ClockState::Paused {
                    since: *at,
                    reason: *reason,
                };
                out.lines.push(format!(
                    "Tạm dừng lúc {} ({}) — paused {} ({})",
                    vi_time(cal, *at),
                    reason.name_vi(),
                    en_time(cal, *at),
                    reason.name_en()
                ));
            }
            ClockEvent::Resumed { at } => {
                let ClockState::Paused { since, .. } = out.state else {
                    return Err(fail(
                        n,
                        "tiếp tục khi đồng hồ không tạm dừng",
                        "resumed while not paused",
                    ));
                };
                let minutes = close_pause(&mut out, since, *at);
                out.state = ClockState::Running;
                out.lines.push(format!(
                    "Tiếp tục lúc {}, đã tạm dừng {minutes} phút làm việc, hẹn trả dời đến {} — resumed {}, paused {minutes} working minutes, due moves to {}",
                    vi_time(cal, *at),
                    vi_time(cal, out.due),
                    en_time(cal, *at),
                    en_time(cal, out.due),
                ));
            }
            ClockEvent::Extended {
                at,
                new_due,
                reason,
            } => {
                let current = match out.state {
                    ClockState::Paused { since, .. } => {
                        add_working_time(cal, out.due, working_time_between(cal, since, *at))
                    }
                    _ => out.due,
                };
                if *at >= current {
                    return Err(fail(
                        n,
                        &format!("gia hạn phải trước hạn hiện tại {}", vi_time(cal, current)),
                        &format!(
                            "an extension must come before the current due date {}",
                            en_time(cal, current)
                        ),
                    ));
                }
                if *new_due <= current {
                    return Err(fail(
                        n,
                        &format!(
                            "ngày hẹn mới phải sau hạn hiện tại {}",
                            vi_time(cal, current)
                        ),
                        &format!(
                            "the new due date must be after the current one {}",
                            en_time(cal, current)
                        ),
                    ));
                }
                out.due = *new_due;
                out.extended = true;
                out.lines.push(format!(
                    "Gia hạn lúc {}, hẹn lại {} (lý do: {reason}); vẫn đánh giá theo hạn {} — extended {} to {} (reason: {reason}); still judged against {}",
                    vi_time(cal, *at),
                    vi_time(cal, *new_due),
                    vi_time(cal, out.judged_due),
                    en_time(cal, *at),
                    en_time(cal, *new_due),
                    en_time(cal, out.judged_due),
                ));
            }
            ClockEvent::Stopped { at } => {
                if let ClockState::Paused { since, .. } = out.state {
                    close_pause(&mut out, since, *at);
                }
                let verdict = judge(cal, out.judged_due, *at);
                out.state = ClockState::Stopped { at: *at };
                out.timeliness = Some(verdict);
                out.lines.push(format!(
                    "Dừng tính thời gian lúc {}: {} so với hạn {} — clock stopped {}: {} against {}",
                    vi_time(cal, *at),
                    verdict.name_vi(),
                    vi_time(cal, out.judged_due),
                    en_time(cal, *at),
                    verdict.name_en(),
                    en_time(cal, out.judged_due),
                ));
            }
        }
    }
    Ok(out)
}

/// `09:00 thứ Hai 23/02/2026`.
fn vi_time(cal: &WorkCalendar, t: DateTime<Utc>) -> String {
    use onestop_kit::format::{clock, date, weekday_vi};
    let local = t.with_timezone(&cal.time_zone());
    format!(
        "{} {} {}",
        clock(&local),
        weekday_vi(local.weekday()),
        date(&local)
    )
}

/// `Mon 2026-02-23 09:00`.
fn en_time(cal: &WorkCalendar, t: DateTime<Utc>) -> String {
    t.with_timezone(&cal.time_zone())
        .format("%a %Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{WorkInterval, WorkingHours};
    use chrono::{NaiveTime, TimeZone};

    /// A local time in Ho Chi Minh City.
    fn t(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Ho_Chi_Minh
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::seeded()
    }

    #[test]
    fn receipt_inside_working_time_starts_the_clock_at_once() {
        let c = cal();
        assert_eq!(
            start_of_clock(&c, t(2026, 3, 10, 9, 0)),
            t(2026, 3, 10, 9, 0)
        );
        assert_eq!(
            start_of_clock(&c, t(2026, 3, 10, 7, 0)),
            t(2026, 3, 10, 7, 0)
        );
    }

    #[test]
    fn receipt_outside_working_time_starts_at_the_next_opening() {
        let c = cal();
        let cases = [
            // (received, clock starts)
            (t(2026, 3, 10, 17, 30), t(2026, 3, 11, 7, 0)), // after hours
            (t(2026, 3, 10, 17, 0), t(2026, 3, 11, 7, 0)),  // at closing
            (t(2026, 3, 10, 6, 15), t(2026, 3, 10, 7, 0)),  // before opening
            (t(2026, 3, 10, 12, 0), t(2026, 3, 10, 13, 30)), // lunch
            (t(2026, 3, 10, 11, 30), t(2026, 3, 10, 13, 30)), // at the morning close
            (t(2026, 3, 13, 18, 0), t(2026, 3, 16, 7, 0)),  // Friday evening
            (t(2026, 3, 14, 10, 0), t(2026, 3, 16, 7, 0)),  // Saturday
            (t(2026, 2, 13, 17, 5), t(2026, 2, 23, 7, 0)),  // eve of Tết 2026
            (t(2026, 8, 21, 17, 30), t(2026, 8, 22, 7, 0)), // next day a make-up Saturday
        ];
        for (received, expected) in cases {
            assert_eq!(start_of_clock(&c, received), expected, "{received}");
        }
    }

    #[test]
    fn ordinary_weeks_half_days_and_zero_days() {
        let c = cal();
        let monday_9 = t(2026, 3, 9, 9, 0);
        let cases = [
            // (received, days, due)
            (monday_9, 1.0, t(2026, 3, 10, 9, 0)),
            (monday_9, 0.5, t(2026, 3, 9, 15, 30)), // 2 h into the morning → 2 h into the afternoon
            (monday_9, 0.0, t(2026, 3, 9, 11, 30)), // the end of the half-day it started in
            (monday_9, 1.5, t(2026, 3, 10, 15, 30)),
            (monday_9, 5.0, t(2026, 3, 16, 9, 0)), // over the weekend
            (t(2026, 3, 9, 15, 0), 0.5, t(2026, 3, 10, 8, 30)), // afternoon → next morning
            (t(2026, 3, 9, 15, 0), 0.0, t(2026, 3, 9, 17, 0)),
            (t(2026, 3, 9, 11, 10), 0.5, t(2026, 3, 9, 17, 0)), // 4h10 into the morning; the afternoon has 3h30
            (t(2026, 3, 9, 17, 30), 1.0, t(2026, 3, 11, 7, 0)), // after hours → from Tuesday 07:00
            (t(2026, 3, 9, 12, 15), 0.5, t(2026, 3, 10, 7, 0)), // lunch → from 13:30
            (t(2026, 3, 9, 12, 15), 1.0, t(2026, 3, 10, 13, 30)),
            (t(2026, 3, 13, 16, 0), 1.0, t(2026, 3, 16, 16, 0)), // Friday → Monday
        ];
        for (received, days, expected) in cases {
            assert_eq!(
                due_date(&c, received, days).unwrap(),
                expected,
                "{received} + {days}"
            );
        }
    }

    #[test]
    fn real_holidays_from_the_seed_calendar() {
        let c = cal();
        let cases = [
            // Tết 2026: off Sat 14 – Sun 22 February
            (t(2026, 2, 13, 9, 0), 1.0, t(2026, 2, 23, 9, 0)),
            (t(2026, 2, 12, 15, 0), 2.0, t(2026, 2, 23, 15, 0)),
            (t(2026, 2, 13, 14, 0), 0.5, t(2026, 2, 23, 7, 30)),
            (t(2026, 2, 11, 10, 0), 3.0, t(2026, 2, 23, 10, 0)),
            // Tết 2027 (provisional): off Fri 5 – Wed 10 February
            (t(2027, 2, 4, 10, 0), 1.0, t(2027, 2, 11, 10, 0)),
            (t(2027, 2, 3, 16, 0), 2.0, t(2027, 2, 11, 16, 0)),
            // 30/4–1/5 2025: Sat 26/4 worked, off Wed 30/4 – Sun 4/5
            (t(2025, 4, 25, 14, 0), 1.0, t(2025, 4, 26, 14, 0)),
            (t(2025, 4, 25, 14, 0), 2.0, t(2025, 4, 28, 14, 0)),
            (t(2025, 4, 29, 9, 0), 1.0, t(2025, 5, 5, 9, 0)),
            // 30/4–1/5 2026, after Hùng Kings' day on Sunday 26/4 and its day off Monday 27/4
            (t(2026, 4, 24, 9, 0), 2.0, t(2026, 4, 29, 9, 0)),
            (t(2026, 4, 29, 10, 0), 1.0, t(2026, 5, 4, 10, 0)),
            // 2/9 2025: off Sat 30/8 – Tue 2/9
            (t(2025, 8, 29, 16, 0), 0.5, t(2025, 9, 3, 9, 30)),
            // 2/9 2026: Sat 22/8 worked, off Sat 29/8 – Wed 2/9
            (t(2026, 8, 21, 9, 0), 1.0, t(2026, 8, 22, 9, 0)),
            (t(2026, 8, 21, 17, 30), 0.5, t(2026, 8, 22, 13, 30)),
            (t(2026, 8, 28, 9, 0), 1.0, t(2026, 9, 3, 9, 0)),
            // received on the make-up Saturday itself
            (t(2026, 8, 22, 10, 0), 1.0, t(2026, 8, 24, 10, 0)),
            // New Year 2026: Fri 2/1 swapped for Sat 10/1
            (t(2025, 12, 31, 9, 0), 1.0, t(2026, 1, 5, 9, 0)),
            (t(2026, 1, 9, 9, 0), 1.0, t(2026, 1, 10, 9, 0)),
        ];
        for (received, days, expected) in cases {
            assert_eq!(
                due_date(&c, received, days).unwrap(),
                expected,
                "{received} + {days}"
            );
        }
    }

    #[test]
    fn invalid_processing_times_are_refused() {
        let c = cal();
        for days in [-1.0, 0.3, 1.25, f64::NAN, f64::INFINITY, 1001.0] {
            assert!(due_date(&c, t(2026, 3, 9, 9, 0), days).is_err(), "{days}");
        }
        let err = half_days(0.3).unwrap_err();
        assert!(err.contains("multiple of 0.5"), "{err}");
        assert_eq!(half_days(2.5).unwrap(), 5);
    }

    #[test]
    fn working_time_counts_only_open_hours() {
        let c = cal();
        let m = |a, b| working_minutes_between(&c, a, b);
        assert_eq!(m(t(2026, 3, 9, 7, 0), t(2026, 3, 9, 17, 0)), 480);
        assert_eq!(m(t(2026, 3, 9, 10, 0), t(2026, 3, 9, 14, 0)), 120);
        assert_eq!(m(t(2026, 3, 9, 12, 0), t(2026, 3, 9, 13, 0)), 0);
        assert_eq!(m(t(2026, 3, 13, 16, 0), t(2026, 3, 16, 8, 0)), 120);
        assert_eq!(m(t(2026, 3, 9, 14, 0), t(2026, 3, 9, 10, 0)), 0);
        // Tết 2026 costs no working time at all
        assert_eq!(m(t(2026, 2, 13, 17, 0), t(2026, 2, 23, 7, 0)), 0);
    }

    #[test]
    fn adding_working_time_walks_over_lunch_nights_and_holidays() {
        let c = cal();
        let add = |from, minutes| add_working_time(&c, from, Duration::minutes(minutes));
        assert_eq!(add(t(2026, 3, 9, 11, 0), 60), t(2026, 3, 9, 14, 0));
        assert_eq!(add(t(2026, 3, 9, 16, 30), 30), t(2026, 3, 9, 17, 0));
        assert_eq!(add(t(2026, 3, 9, 17, 0), 30), t(2026, 3, 10, 7, 30));
        assert_eq!(add(t(2026, 2, 13, 16, 0), 120), t(2026, 2, 23, 8, 0));
        assert_eq!(add(t(2026, 3, 9, 9, 0), 0), t(2026, 3, 9, 9, 0));
    }

    #[test]
    fn adding_then_measuring_gives_back_the_same_time() {
        let c = cal();
        let from = t(2026, 2, 10, 10, 17);
        for minutes in [1, 59, 480, 1000, 5000] {
            let to = add_working_time(&c, from, Duration::minutes(minutes));
            assert_eq!(working_minutes_between(&c, from, to), minutes);
        }
    }

    #[test]
    fn judging_by_half_day() {
        let c = cal();
        let due = t(2026, 3, 10, 9, 0);
        let cases = [
            (t(2026, 3, 9, 16, 0), Timeliness::Early),
            (t(2026, 3, 10, 6, 59), Timeliness::Early),
            (t(2026, 3, 10, 7, 0), Timeliness::OnTime),
            (t(2026, 3, 10, 11, 0), Timeliness::OnTime), // later than 09:00, same morning
            (t(2026, 3, 10, 11, 30), Timeliness::OnTime),
            (t(2026, 3, 10, 11, 31), Timeliness::Late),
            (t(2026, 3, 10, 13, 30), Timeliness::Late),
        ];
        for (ready, expected) in cases {
            assert_eq!(judge(&c, due, ready), expected, "{ready}");
        }
        // a due after hours belongs to the half-day that closed before it
        let evening = t(2026, 3, 10, 18, 0);
        assert_eq!(
            judge(&c, evening, t(2026, 3, 10, 14, 0)),
            Timeliness::OnTime
        );
        assert_eq!(judge(&c, evening, t(2026, 3, 10, 12, 0)), Timeliness::Early);
        assert_eq!(judge(&c, evening, t(2026, 3, 11, 7, 5)), Timeliness::Late);
        // a due on a holiday falls back to the last working half-day before it
        let tet = t(2026, 2, 17, 9, 0);
        assert_eq!(judge(&c, tet, t(2026, 2, 13, 16, 0)), Timeliness::OnTime);
        assert_eq!(judge(&c, tet, t(2026, 2, 23, 7, 30)), Timeliness::Late);
    }

    fn received(at: DateTime<Utc>, days: f64) -> ClockEvent {
        ClockEvent::Received { at, days }
    }

    #[test]
    fn a_pause_over_tet_moves_the_due_date_by_working_time_only() {
        let c = cal();
        // due Mon 23/02 09:00 (five working days, Tết skipped)
        let ledger = vec![
            received(t(2026, 2, 9, 9, 0), 5.0),
            ClockEvent::Paused {
                at: t(2026, 2, 12, 15, 0),
                reason: PauseReason::SupplementRequested,
            },
            ClockEvent::Resumed {
                at: t(2026, 2, 24, 8, 0),
            },
        ];
        let e = explain(&c, &ledger).unwrap();
        assert_eq!(e.original_due, t(2026, 2, 23, 9, 0));
        // Thu 15:00–17:00 + Fri + Mon 23 + Tue 07:00–08:00 = 120 + 480 + 480 + 60
        assert_eq!(e.paused_minutes, 1140);
        // Mon 23 09:00 + 1140 working minutes = Wed 25 14:00
        assert_eq!(e.due, t(2026, 2, 25, 14, 0));
        assert_eq!(e.judged_due, e.due);
        assert_eq!(e.state, ClockState::Running);
        assert_eq!(e.lines.len(), 3);
        assert!(
            e.lines[2].contains("1140") && e.lines[2].contains("25/02/2026"),
            "{}",
            e.lines[2]
        );
    }

    #[test]
    fn an_extension_moves_the_appointment_but_not_the_judgement() {
        let c = cal();
        let ledger = vec![
            received(t(2026, 3, 9, 9, 0), 2.0),
            ClockEvent::Extended {
                at: t(2026, 3, 10, 16, 0),
                new_due: t(2026, 3, 13, 9, 0),
                reason: "cần xác minh thực địa".into(),
            },
            ClockEvent::Stopped {
                at: t(2026, 3, 12, 10, 0),
            },
        ];
        let e = explain(&c, &ledger).unwrap();
        assert_eq!(e.original_due, t(2026, 3, 11, 9, 0));
        assert_eq!(e.due, t(2026, 3, 13, 9, 0));
        assert_eq!(e.judged_due, t(2026, 3, 11, 9, 0));
        assert!(e.extended);
        assert_eq!(e.timeliness, Some(Timeliness::Late));
        assert!(e.lines[1].contains("cần xác minh thực địa"));
        assert!(e.lines[2].contains("trễ hạn") && e.lines[2].contains("late"));
    }

    #[test]
    fn a_result_ready_early_and_on_time() {
        let c = cal();
        let early = explain(
            &c,
            &[
                received(t(2026, 3, 9, 9, 0), 2.0),
                ClockEvent::Stopped {
                    at: t(2026, 3, 10, 15, 0),
                },
            ],
        )
        .unwrap();
        assert_eq!(early.timeliness, Some(Timeliness::Early));
        let on_time = explain(
            &c,
            &[
                received(t(2026, 3, 9, 9, 0), 2.0),
                ClockEvent::Stopped {
                    at: t(2026, 3, 11, 10, 45),
                },
            ],
        )
        .unwrap();
        assert_eq!(on_time.timeliness, Some(Timeliness::OnTime));
        assert_eq!(
            on_time.state,
            ClockState::Stopped {
                at: t(2026, 3, 11, 10, 45)
            }
        );
    }

    #[test]
    fn an_open_pause_shows_in_due_as_of() {
        let c = cal();
        let ledger = vec![
            received(t(2026, 3, 9, 9, 0), 1.0),
            ClockEvent::Paused {
                at: t(2026, 3, 9, 10, 0),
                reason: PauseReason::AwaitingPayment,
            },
        ];
        let e = explain(&c, &ledger).unwrap();
        assert_eq!(e.due, t(2026, 3, 10, 9, 0));
        assert!(matches!(
            e.state,
            ClockState::Paused {
                reason: PauseReason::AwaitingPayment,
                ..
            }
        ));
        // paused 10:00–14:00 = 90 + 30 working minutes so far
        assert_eq!(e.due_as_of(&c, t(2026, 3, 9, 14, 0)), t(2026, 3, 10, 11, 0));
    }

    #[test]
    fn a_stop_while_paused_closes_the_pause() {
        let c = cal();
        let ledger = vec![
            received(t(2026, 3, 9, 9, 0), 1.0),
            ClockEvent::Paused {
                at: t(2026, 3, 9, 10, 0),
                reason: PauseReason::SupplementRequested,
            },
            ClockEvent::Stopped {
                at: t(2026, 3, 9, 11, 0),
            },
        ];
        let e = explain(&c, &ledger).unwrap();
        assert_eq!(e.paused_minutes, 60);
        assert_eq!(e.due, t(2026, 3, 10, 10, 0));
    }

    #[test]
    fn an_extension_while_paused_counts_the_pause_so_far() {
        let c = cal();
        // due Tue 10/03 09:00; paused from Monday 10:00; on Tue 10:00 the due has
        // already moved to Wed 09:00 (480 minutes paused), so extending then is allowed
        let ledger = vec![
            received(t(2026, 3, 9, 9, 0), 1.0),
            ClockEvent::Paused {
                at: t(2026, 3, 9, 10, 0),
                reason: PauseReason::SupplementRequested,
            },
            ClockEvent::Extended {
                at: t(2026, 3, 10, 10, 0),
                new_due: t(2026, 3, 13, 9, 0),
                reason: "chờ ý kiến cơ quan phối hợp".into(),
            },
        ];
        let e = explain(&c, &ledger).unwrap();
        assert_eq!(e.due, t(2026, 3, 13, 9, 0));
        assert_eq!(e.judged_due, t(2026, 3, 10, 9, 0));
    }

    #[test]
    fn malformed_ledgers_are_refused_with_the_event_named() {
        let c = cal();
        let r = received(t(2026, 3, 9, 9, 0), 1.0);
        let cases: Vec<(Vec<ClockEvent>, &str)> = vec![
            (vec![], "must start with `received`"),
            (
                vec![ClockEvent::Resumed {
                    at: t(2026, 3, 9, 9, 0),
                }],
                "must start",
            ),
            (
                vec![r.clone(), r.clone()],
                "event 2: a dossier is received only once",
            ),
            (
                vec![
                    r.clone(),
                    ClockEvent::Resumed {
                        at: t(2026, 3, 9, 10, 0),
                    },
                ],
                "event 2: resumed while not paused",
            ),
            (
                vec![
                    r.clone(),
                    ClockEvent::Paused {
                        at: t(2026, 3, 9, 10, 0),
                        reason: PauseReason::AwaitingPayment,
                    },
                    ClockEvent::Paused {
                        at: t(2026, 3, 9, 11, 0),
                        reason: PauseReason::AwaitingPayment,
                    },
                ],
                "event 3: the clock is already paused",
            ),
            (
                vec![
                    r.clone(),
                    ClockEvent::Stopped {
                        at: t(2026, 3, 9, 8, 0),
                    },
                ],
                "event 2: earlier",
            ),
            (
                vec![
                    r.clone(),
                    ClockEvent::Stopped {
                        at: t(2026, 3, 9, 10, 0),
                    },
                    ClockEvent::Resumed {
                        at: t(2026, 3, 9, 11, 0),
                    },
                ],
                "event 3: the clock had already stopped",
            ),
            (
                vec![
                    r.clone(),
                    ClockEvent::Extended {
                        at: t(2026, 3, 10, 10, 0),
                        new_due: t(2026, 3, 12, 9, 0),
                        reason: "x".into(),
                    },
                ],
                "event 2: an extension must come before the current due date",
            ),
            (
                vec![
                    r.clone(),
                    ClockEvent::Extended {
                        at: t(2026, 3, 9, 10, 0),
                        new_due: t(2026, 3, 10, 8, 0),
                        reason: "x".into(),
                    },
                ],
                "event 2: the new due date must be after",
            ),
            (vec![received(t(2026, 3, 9, 9, 0), 0.2)], "multiple of 0.5"),
        ];
        for (ledger, expected) in cases {
            let err = explain(&c, &ledger).unwrap_err();
            assert!(err.contains(expected), "{err} (wanted {expected})");
        }
    }

    #[test]
    fn ledger_events_serialise_with_a_tag() {
        let event = ClockEvent::Paused {
            at: t(2026, 3, 9, 10, 0),
            reason: PauseReason::SupplementRequested,
        };
        let json = serde_json::to_string(&event).unwrap();
        assert!(
            json.contains(r#""event":"paused""#) && json.contains("supplement_requested"),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<ClockEvent>(&json).unwrap(), event);
    }

    #[test]
    fn other_hours_and_zones_are_respected() {
        // a centre open 07:30–16:30 without lunch break, in UTC+7 still
        let day = vec![
            WorkInterval::new(
                NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
                NaiveTime::from_hms_opt(16, 30, 0).unwrap(),
            )
            .unwrap(),
        ];
        let mut week: [Vec<WorkInterval>; 7] = Default::default();
        for w in week.iter_mut().take(5) {
            *w = day.clone();
        }
        let c = WorkCalendar::new(WorkingHours::new(week).unwrap(), Vec::new()).unwrap();
        // lunch is working time here
        assert_eq!(
            start_of_clock(&c, t(2026, 3, 9, 12, 15)),
            t(2026, 3, 9, 12, 15)
        );
        // morning half is 07:30–12:00 (4h30), afternoon 12:00–16:30 (4h30)
        assert_eq!(
            due_date(&c, t(2026, 3, 9, 9, 0), 0.5).unwrap(),
            t(2026, 3, 9, 13, 30)
        );
        assert_eq!(
            due_date(&c, t(2026, 3, 9, 9, 0), 0.0).unwrap(),
            t(2026, 3, 9, 12, 0)
        );
        assert_eq!(
            working_minutes_between(&c, t(2026, 3, 9, 7, 0), t(2026, 3, 9, 18, 0)),
            540
        );

        // the same calendar in Bangkok time (also UTC+7) gives the same instants
        let bangkok = c.clone().with_time_zone(chrono_tz::Asia::Bangkok);
        assert_eq!(
            start_of_clock(&bangkok, t(2026, 3, 9, 17, 0)),
            t(2026, 3, 10, 7, 30)
        );
    }
}
