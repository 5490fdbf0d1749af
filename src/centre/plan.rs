//! What applying a centre file would change, from what the services hold now: each part
//! of the centre is created, updated (the fields that differ named) or left as it is.
//! Parts the services hold that the file does not name are left alone, never deleted.

use onestop_proto::{dossier::v1 as dpb, queue::v1 as qpb};

use super::CentreFile;

/// What the services hold for one centre now.
#[derive(Debug, Clone, Default)]
pub struct Current {
    /// The queue's centre, if it exists.
    pub queue_center: Option<qpb::Center>,
    /// Its service lines.
    pub lines: Vec<qpb::ServiceLine>,
    /// Its counters.
    pub counters: Vec<qpb::Counter>,
    /// The dossier service's centre, if it exists.
    pub dossier_center: Option<dpb::Center>,
}

/// One change: what it touches, and the message that makes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// e.g. `queue line ho-tich`.
    pub what: String,
    /// `create`, or `update` with the fields that differ.
    pub how: String,
    /// The upsert to send.
    pub upsert: Upsert,
}

/// The message a change sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Upsert {
    /// `QueueService/UpsertCenter`.
    QueueCenter(qpb::Center),
    /// `QueueService/UpsertServiceLine`.
    Line(qpb::ServiceLine),
    /// `QueueService/UpsertCounter`.
    Counter(qpb::Counter),
    /// `DossierService/UpsertCenter`.
    DossierCenter(dpb::Center),
}

/// The changes that make the services hold `file`, in the order to send them (the
/// centre before its lines, the lines before the counters that serve them).
pub fn plan(file: &CentreFile, now: &Current) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut center = file.queue_center();
    if let Some(current) = &now.queue_center {
        // what the file leaves to the defaults stays as the queue has it
        if center.hours.is_empty() {
            center.hours = current.hours.clone();
        }
        if center.policy.is_none() {
            center.policy = current.policy.clone();
        }
        for (mine, theirs) in [
            (&mut center.notify_position, current.notify_position),
            (&mut center.long_wait_minutes, current.long_wait_minutes),
        ] {
            if *mine == 0 {
                *mine = theirs;
            }
        }
    }
    push(
        &mut changes,
        format!("queue centre {}", file.id),
        now.queue_center.as_ref(),
        center,
        Upsert::QueueCenter,
        queue_center_diff,
    );
    for line in file.queue_lines() {
        let current = now.lines.iter().find(|l| l.code == line.code);
        let mut line = line;
        if let Some(c) = current {
            line.waiting = c.waiting;
        }
        push(
            &mut changes,
            format!("queue line {}", line.code),
            current,
            line,
            Upsert::Line,
            line_diff,
        );
    }
    for counter in file.queue_counters() {
        let current = now
            .counters
            .iter()
            .find(|c| c.counter_id == counter.counter_id);
        push(
            &mut changes,
            format!("queue counter {}", counter.counter_id),
            current,
            counter,
            Upsert::Counter,
            counter_diff,
        );
    }
    let mut dossier = file.dossier_center();
    if let Some(current) = &now.dossier_center
        && dossier.feedback_answer_days == 0
    {
        dossier.feedback_answer_days = current.feedback_answer_days;
    }
    push(
        &mut changes,
        format!("dossier centre {}", file.id),
        now.dossier_center.as_ref(),
        dossier,
        Upsert::DossierCenter,
        dossier_center_diff,
    );
    changes
}

fn push<T>(
    changes: &mut Vec<Change>,
    what: String,
    current: Option<&T>,
    wanted: T,
    upsert: fn(T) -> Upsert,
    diff: fn(&T, &T) -> Vec<&'static str>,
) {
    let how = match current {
        None => "create".to_string(),
        Some(current) => {
            let fields = diff(current, &wanted);
            if fields.is_empty() {
                return;
            }
            format!("update {}", fields.join(", "))
        }
    };
    changes.push(Change {
        what,
        how,
        upsert: upsert(wanted),
    });
}

/// The names of the fields in which `a` and `b` differ, from (name, equal) pairs.
fn differing(pairs: &[(&'static str, bool)]) -> Vec<&'static str> {
    pairs
        .iter()
        .filter(|(_, same)| !same)
        .map(|(name, _)| *name)
        .collect()
}

fn queue_center_diff(a: &qpb::Center, b: &qpb::Center) -> Vec<&'static str> {
    differing(&[
        ("name_vi", a.name_vi == b.name_vi),
        ("name_en", a.name_en == b.name_en),
        ("time_zone", a.time_zone == b.time_zone),
        ("hours", a.hours == b.hours),
        ("priority", a.policy == b.policy),
        ("notify_position", a.notify_position == b.notify_position),
        (
            "long_wait_minutes",
            a.long_wait_minutes == b.long_wait_minutes,
        ),
    ])
}

fn line_diff(a: &qpb::ServiceLine, b: &qpb::ServiceLine) -> Vec<&'static str> {
    differing(&[
        ("prefix", a.prefix == b.prefix),
        ("name_vi", a.name_vi == b.name_vi),
        ("name_en", a.name_en == b.name_en),
        ("fields", a.field_codes == b.field_codes),
        ("procedures", a.procedure_codes == b.procedure_codes),
        ("slot_capacity", a.slot_capacity == b.slot_capacity),
    ])
}

fn counter_diff(a: &qpb::Counter, b: &qpb::Counter) -> Vec<&'static str> {
    differing(&[
        ("number", a.number == b.number),
        ("name", a.name == b.name),
        ("lines", a.service_codes == b.service_codes),
    ])
}

fn dossier_center_diff(a: &dpb::Center, b: &dpb::Center) -> Vec<&'static str> {
    differing(&[
        ("unit_code", a.unit_code == b.unit_code),
        ("name_vi", a.name_vi == b.name_vi),
        ("name_en", a.name_en == b.name_en),
        ("time_zone", a.time_zone == b.time_zone),
        (
            "feedback_answer_days",
            a.feedback_answer_days == b.feedback_answer_days,
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> CentreFile {
        CentreFile::parse(crate::centre::DEMO_CENTRE).unwrap()
    }

    /// What the services would hold after every change of `changes` was made.
    fn after(changes: &[Change]) -> Current {
        let mut now = Current::default();
        for c in changes {
            match &c.upsert {
                Upsert::QueueCenter(x) => now.queue_center = Some(x.clone()),
                Upsert::Line(x) => now.lines.push(x.clone()),
                Upsert::Counter(x) => now.counters.push(x.clone()),
                Upsert::DossierCenter(x) => now.dossier_center = Some(x.clone()),
            }
        }
        now
    }

    #[test]
    fn a_new_centre_is_created_whole_then_nothing_changes() {
        let file = demo();
        let first = plan(&file, &Current::default());
        // the centre in both services, 6 lines, 5 counters
        assert_eq!(first.len(), 13);
        assert!(first.iter().all(|c| c.how == "create"));
        assert!(first[0].what.starts_with("queue centre"));
        assert!(first.last().unwrap().what.starts_with("dossier centre"));
        assert_eq!(plan(&file, &after(&first)), vec![]);
    }

    #[test]
    fn an_edit_updates_only_what_differs_and_names_the_fields() {
        let file = demo();
        let mut now = after(&plan(&file, &Current::default()));
        now.lines[1].name_vi = "Chứng thực bản sao".into();
        now.lines[1].slot_capacity = 3;
        now.counters.retain(|c| c.counter_id != "q5");
        now.dossier_center.as_mut().unwrap().unit_code = "000.00.00.H00".into();
        let changes: Vec<(String, String)> = plan(&file, &now)
            .into_iter()
            .map(|c| (c.what, c.how))
            .collect();
        assert_eq!(
            changes,
            [
                (
                    "queue line chung-thuc".into(),
                    "update name_vi, slot_capacity".into()
                ),
                ("queue counter q5".into(), "create".into()),
                ("dossier centre muong-sai".into(), "update unit_code".into()),
            ]
        );
    }
}
