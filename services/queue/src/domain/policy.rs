//! Who is called next: aging, transfers to a counter, appointments, priority classes
//! interleaved with walk-ins, and the line order of the counter — and the same rules
//! told back to a citizen who asks why they wait.

use chrono::{DateTime, Duration, Utc};

/// A priority a citizen may claim at the kiosk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PriorityClass {
    /// No priority.
    None,
    /// Người cao tuổi.
    Elderly,
    /// Người khuyết tật.
    Disabled,
    /// Phụ nữ mang thai.
    Pregnant,
    /// Người đi cùng trẻ em dưới 6 tuổi.
    ChildUnder6,
    /// Người có công với cách mạng.
    Veteran,
}

impl PriorityClass {
    /// Stored and wire code (1 = none … 6 = veteran).
    pub fn code(self) -> i32 {
        match self {
            Self::None => 1,
            Self::Elderly => 2,
            Self::Disabled => 3,
            Self::Pregnant => 4,
            Self::ChildUnder6 => 5,
            Self::Veteran => 6,
        }
    }

    /// From the stored code; unknown codes are no priority.
    pub fn from_code(code: i32) -> Self {
        match code {
            2 => Self::Elderly,
            3 => Self::Disabled,
            4 => Self::Pregnant,
            5 => Self::ChildUnder6,
            6 => Self::Veteran,
            _ => Self::None,
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::None => "không ưu tiên",
            Self::Elderly => "người cao tuổi",
            Self::Disabled => "người khuyết tật",
            Self::Pregnant => "phụ nữ mang thai",
            Self::ChildUnder6 => "người đi cùng trẻ em dưới 6 tuổi",
            Self::Veteran => "người có công với cách mạng",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::None => "no priority",
            Self::Elderly => "elderly",
            Self::Disabled => "person with a disability",
            Self::Pregnant => "pregnant woman",
            Self::ChildUnder6 => "with a child under 6",
            Self::Veteran => "veteran",
        }
    }
}

/// How a centre orders its queue.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PriorityPolicy {
    /// Classes honoured, most urgent first.
    pub classes: Vec<PriorityClass>,
    /// Normal tickets a counter may call between two priority tickets (0: priority first).
    pub normal_between_priority: u32,
    /// Waiting longer than this moves a ticket ahead of everything (aging).
    pub max_wait_minutes: u32,
}

impl Default for PriorityPolicy {
    /// The classes in the order DOMAIN.md lists them, one priority ticket per two
    /// walk-ins, and no one waits more than an hour behind others.
    fn default() -> Self {
        Self {
            classes: vec![
                PriorityClass::Elderly,
                PriorityClass::Disabled,
                PriorityClass::Pregnant,
                PriorityClass::ChildUnder6,
                PriorityClass::Veteran,
            ],
            normal_between_priority: 2,
            max_wait_minutes: 60,
        }
    }
}

impl PriorityPolicy {
    /// Checks the policy's numbers; names the field at fault.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.classes.contains(&PriorityClass::None) {
            return Err(("policy.classes", "must list priority classes only".into()));
        }
        let mut seen = self.classes.clone();
        seen.sort_by_key(|c| c.code());
        seen.dedup();
        if seen.len() != self.classes.len() {
            return Err(("policy.classes", "lists a class twice".into()));
        }
        if self.normal_between_priority > 20 {
            return Err(("policy.normal_between_priority", "must be 0–20".into()));
        }
        if !(5..=480).contains(&self.max_wait_minutes) {
            return Err(("policy.max_wait_minutes", "must be 5–480 minutes".into()));
        }
        Ok(())
    }

    /// Rank of a class (0 = most urgent), `None` when the class is not honoured.
    pub fn rank(&self, class: PriorityClass) -> Option<usize> {
        self.classes.iter().position(|c| *c == class)
    }
}

/// A waiting ticket as the policy sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// Ticket id.
    pub id: String,
    /// Service line code it waits in.
    pub line: String,
    /// Claimed priority.
    pub class: PriorityClass,
    /// When it joined the queue (kept or reset on transfer).
    pub arrival: DateTime<Utc>,
    /// Its daily number; breaks ties between equal arrival times.
    pub seq: i64,
    /// Slot start, for an appointment checked in within its window.
    pub appointment_slot: Option<DateTime<Utc>>,
    /// Counter it was transferred to, if any; only that counter may call it.
    pub target_counter: Option<String>,
}

/// A counter as the policy sees it.
#[derive(Clone, Debug)]
pub struct CounterView<'a> {
    /// Counter id.
    pub id: &'a str,
    /// Lines served, preferred first.
    pub lines: &'a [String],
    /// Normal tickets called since its last priority ticket.
    pub normal_since_priority: u32,
}

/// Why a ticket was picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Waited past the policy's maximum.
    Aged,
    /// Transferred to this counter.
    Transferred,
    /// Appointment checked in.
    Appointment,
    /// Priority class.
    Priority(PriorityClass),
    /// Next walk-in of the counter's first line with anyone waiting.
    Normal,
}

/// The ticket to call and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// Index into the waiting list given.
    pub index: usize,
    /// Rule that picked it.
    pub pick: Pick,
}

impl Choice {
    /// The rule in words, Vietnamese then English.
    pub fn reason(&self, policy: &PriorityPolicy) -> String {
        match self.pick {
            Pick::Aged => format!(
                "đã chờ quá {} phút / waited over {} minutes",
                policy.max_wait_minutes, policy.max_wait_minutes
            ),
            Pick::Transferred => "được chuyển đến quầy này / transferred to this counter".into(),
            Pick::Appointment => "có lịch hẹn đã xác nhận / checked-in appointment".into(),
            Pick::Priority(class) => format!(
                "ưu tiên: {} / priority: {}",
                class.name_vi(),
                class.name_en()
            ),
            Pick::Normal => "đến lượt theo thứ tự / next in arrival order".into(),
        }
    }
}

fn aged(w: &Waiting, policy: &PriorityPolicy, now: DateTime<Utc>) -> bool {
    now - w.arrival >= Duration::minutes(i64::from(policy.max_wait_minutes))
}

/// The ticket `counter` should call from `waiting`, or `None` when none is for it.
pub fn choose_next(
    waiting: &[Waiting],
    counter: &CounterView<'_>,
    policy: &PriorityPolicy,
    now: DateTime<Utc>,
) -> Option<Choice> {
    let eligible: Vec<(usize, &Waiting)> = waiting
        .iter()
        .enumerate()
        .filter(|(_, w)| match &w.target_counter {
            Some(target) => target == counter.id,
            None => counter.lines.contains(&w.line),
        })
        .collect();
    let earliest = |pick: Pick, it: &mut dyn Iterator<Item = &(usize, &Waiting)>| {
        it.min_by_key(|(i, w)| (w.arrival, w.seq, *i))
            .map(|(index, _)| Choice {
                index: *index,
                pick,
            })
    };
    if let Some(c) = earliest(
        Pick::Aged,
        &mut eligible.iter().filter(|(_, w)| aged(w, policy, now)),
    ) {
        return Some(c);
    }
    if let Some(c) = earliest(
        Pick::Transferred,
        &mut eligible.iter().filter(|(_, w)| w.target_counter.is_some()),
    ) {
        return Some(c);
    }
    if let Some((index, _)) = eligible
        .iter()
        .filter_map(|(i, w)| {
            w.appointment_slot
                .map(|slot| (*i, (slot, w.arrival, w.seq, *i)))
        })
        .min_by_key(|(_, key)| *key)
    {
        return Some(Choice {
            index,
            pick: Pick::Appointment,
        });
    }
    let priority = eligible
        .iter()
        .filter_map(|(i, w)| policy.rank(w.class).map(|rank| (*i, w, rank)))
        .min_by_key(|(i, w, rank)| (*rank, w.arrival, w.seq, *i))
        .map(|(index, w, _)| Choice {
            index,
            pick: Pick::Priority(w.class),
        });
    let normal = counter.lines.iter().find_map(|line| {
        earliest(
            Pick::Normal,
            &mut eligible
                .iter()
                .filter(|(_, w)| &w.line == line && policy.rank(w.class).is_none()),
        )
    });
    match (priority, normal) {
        (Some(p), Some(_)) if counter.normal_since_priority >= policy.normal_between_priority => {
            Some(p)
        }
        (Some(p), None) => Some(p),
        (_, Some(n)) => Some(n),
        (None, None) => None,
    }
}

/// A counter's "normal tickets since the last priority one" after calling with `pick`.
pub fn normal_since_priority_after(pick: Pick, before: u32) -> u32 {
    match pick {
        Pick::Priority(_) => 0,
        Pick::Normal => before.saturating_add(1),
        Pick::Aged | Pick::Transferred | Pick::Appointment => before,
    }
}

/// Why one waiting ticket is ahead of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AheadReason {
    /// It has waited past the maximum.
    Aged,
    /// It has an appointment in its window.
    Appointment,
    /// It has a (higher) priority class.
    Priority,
    /// Same standing, arrived earlier.
    EarlierArrival,
}

impl AheadReason {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Aged => "aged",
            Self::Appointment => "appointment",
            Self::Priority => "priority",
            Self::EarlierArrival => "earlier_arrival",
        }
    }

    /// "{n} người …" in Vietnamese.
    pub fn text_vi(self, n: usize, policy: &PriorityPolicy) -> String {
        match self {
            Self::Aged => format!(
                "{n} người đã chờ quá {} phút nên được gọi trước",
                policy.max_wait_minutes
            ),
            Self::Appointment => format!("{n} người có lịch hẹn trong khung giờ này"),
            Self::Priority => format!(
                "{n} người thuộc diện ưu tiên (người cao tuổi, khuyết tật, phụ nữ mang thai, trẻ nhỏ, người có công)"
            ),
            Self::EarlierArrival => format!("{n} người đến trước bạn"),
        }
    }

    /// The same in English.
    pub fn text_en(self, n: usize, policy: &PriorityPolicy) -> String {
        match self {
            Self::Aged => format!(
                "{n} waited over {} minutes and go first",
                policy.max_wait_minutes
            ),
            Self::Appointment => format!("{n} have an appointment in this time window"),
            Self::Priority => {
                format!("{n} have priority (elderly, disability, pregnancy, small child, veteran)")
            }
            Self::EarlierArrival => format!("{n} arrived before you"),
        }
    }
}

/// Sort key of a ticket within its line: aged, appointment, priority rank, walk-in;
/// then arrival and number.
fn line_key(
    w: &Waiting,
    policy: &PriorityPolicy,
    now: DateTime<Utc>,
) -> (u8, usize, DateTime<Utc>, DateTime<Utc>, i64) {
    if aged(w, policy, now) {
        (0, 0, w.arrival, w.arrival, w.seq)
    } else if let Some(slot) = w.appointment_slot {
        (1, 0, slot, w.arrival, w.seq)
    } else if let Some(rank) = policy.rank(w.class) {
        (2, rank, w.arrival, w.arrival, w.seq)
    } else {
        (3, 0, w.arrival, w.arrival, w.seq)
    }
}

/// The tickets ahead of `ticket` in its line, each with the reason it is ahead.
/// Tickets transferred to a named counter are left out: they wait for that counter only.
pub fn ahead_of<'a>(
    ticket: &Waiting,
    waiting: &'a [Waiting],
    policy: &PriorityPolicy,
    now: DateTime<Utc>,
) -> Vec<(&'a Waiting, AheadReason)> {
    let mine = line_key(ticket, policy, now);
    waiting
        .iter()
        .filter(|w| w.id != ticket.id && w.line == ticket.line && w.target_counter.is_none())
        .filter_map(|w| {
            let theirs = line_key(w, policy, now);
            if (theirs, &w.id) >= (mine, &ticket.id) {
                return None;
            }
            let reason = match (theirs.0, mine.0) {
                (0, m) if m > 0 => AheadReason::Aged,
                (1, m) if m > 1 => AheadReason::Appointment,
                (2, m) if m > 2 => AheadReason::Priority,
                (2, 2) if theirs.1 < mine.1 => AheadReason::Priority,
                _ => AheadReason::EarlierArrival,
            };
            Some((w, reason))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap() + Duration::minutes(minute)
    }

    fn walk_in(id: &str, line: &str, minute: i64) -> Waiting {
        Waiting {
            id: id.into(),
            line: line.into(),
            class: PriorityClass::None,
            arrival: t(minute),
            seq: minute,
            appointment_slot: None,
            target_counter: None,
        }
    }

    fn with_class(mut w: Waiting, class: PriorityClass) -> Waiting {
        w.class = class;
        w
    }

    fn lines(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|s| s.to_string()).collect()
    }

    fn call_order(
        mut waiting: Vec<Waiting>,
        counter_lines: &[String],
        now: DateTime<Utc>,
    ) -> Vec<String> {
        let policy = PriorityPolicy::default();
        let mut since = policy.normal_between_priority;
        let mut order = Vec::new();
        while let Some(choice) = choose_next(
            &waiting,
            &CounterView {
                id: "q1",
                lines: counter_lines,
                normal_since_priority: since,
            },
            &policy,
            now,
        ) {
            since = normal_since_priority_after(choice.pick, since);
            order.push(waiting.remove(choice.index).id);
        }
        order
    }

    #[test]
    fn one_priority_ticket_per_two_walk_ins() {
        let waiting = vec![
            walk_in("n1", "a", 0),
            walk_in("n2", "a", 1),
            walk_in("n3", "a", 2),
            walk_in("n4", "a", 3),
            with_class(walk_in("p1", "a", 4), PriorityClass::Elderly),
            with_class(walk_in("p2", "a", 5), PriorityClass::Pregnant),
        ];
        assert_eq!(
            call_order(waiting, &lines(&["a"]), t(10)),
            ["p1", "n1", "n2", "p2", "n3", "n4"]
        );
    }

    #[test]
    fn higher_class_first_among_priorities() {
        let waiting = vec![
            with_class(walk_in("vet", "a", 0), PriorityClass::Veteran),
            with_class(walk_in("old", "a", 5), PriorityClass::Elderly),
        ];
        assert_eq!(call_order(waiting, &lines(&["a"]), t(10)), ["old", "vet"]);
    }

    #[test]
    fn aging_beats_everything_and_line_preference_holds_otherwise() {
        let waiting = vec![
            walk_in("b-old", "b", 0),
            walk_in("a1", "a", 30),
            with_class(walk_in("p", "a", 31), PriorityClass::Disabled),
        ];
        // at minute 40 nobody is aged: priority first, then the preferred line a, then b
        assert_eq!(
            call_order(waiting.clone(), &lines(&["a", "b"]), t(40)),
            ["p", "a1", "b-old"]
        );
        // at minute 61 the line-b ticket has waited over an hour
        assert_eq!(
            call_order(waiting, &lines(&["a", "b"]), t(61)),
            ["b-old", "p", "a1"]
        );
    }

    #[test]
    fn appointments_go_ahead_of_walk_ins_and_transfers_only_to_their_counter() {
        let mut appointment = walk_in("appt", "a", 20);
        appointment.appointment_slot = Some(t(15));
        let mut transferred = walk_in("moved", "b", 25);
        transferred.target_counter = Some("q2".into());
        let waiting = vec![walk_in("w", "a", 0), appointment, transferred];
        assert_eq!(
            call_order(waiting, &lines(&["a", "b"]), t(30)),
            ["appt", "w"]
        );
    }

    #[test]
    fn explanation_counts_each_reason() {
        let policy = PriorityPolicy::default();
        let mut appointment = walk_in("appt", "a", 20);
        appointment.appointment_slot = Some(t(15));
        let waiting = vec![
            walk_in("early", "a", 0),
            with_class(walk_in("p", "a", 12), PriorityClass::Elderly),
            appointment,
            walk_in("me", "a", 10),
            walk_in("later", "a", 11),
            walk_in("other-line", "b", 1),
        ];
        let me = waiting[3].clone();
        let ahead = ahead_of(&me, &waiting, &policy, t(30));
        let mut reasons: Vec<_> = ahead.iter().map(|(w, r)| (w.id.as_str(), *r)).collect();
        reasons.sort();
        assert_eq!(
            reasons,
            [
                ("appt", AheadReason::Appointment),
                ("early", AheadReason::EarlierArrival),
                ("p", AheadReason::Priority)
            ]
        );
    }

    #[test]
    fn bad_policies_name_their_field() {
        let p = PriorityPolicy {
            max_wait_minutes: 1,
            ..Default::default()
        };
        assert_eq!(p.check().unwrap_err().0, "policy.max_wait_minutes");
        let mut p = PriorityPolicy::default();
        p.classes.push(PriorityClass::Elderly);
        assert_eq!(p.check().unwrap_err().0, "policy.classes");
    }
}
