//! The centre file: what a centre's admin writes once, in TOML, and keeps beside the
//! deployment. Every field an admin may leave out has the services' own default.

use onestop_proto::{dossier::v1 as dpb, queue::v1 as qpb};
use serde::Deserialize;

/// A whole centre.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreFile {
    /// Stable id used in URLs, e.g. `muong-sai`.
    pub id: String,
    /// Receiving-unit code at the head of dossier codes, e.g. `000.34.25.H57`.
    pub unit_code: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// IANA time zone.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// Working days to answer a citizen's feedback (0: the service's default).
    #[serde(default)]
    pub feedback_answer_days: i32,
    /// Queue position at which a ticket's phone is told its turn is near (0: default).
    #[serde(default)]
    pub notify_position: i32,
    /// Minutes after which a waiting ticket raises a long-wait event (0: default).
    #[serde(default)]
    pub long_wait_minutes: i32,
    /// Opening hours; none: Monday–Friday 07:00–11:30 and 13:30–17:00.
    #[serde(default)]
    pub hours: Vec<Hours>,
    /// Priority policy; none: the queue's default.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The service lines of the floor.
    #[serde(default)]
    pub lines: Vec<Line>,
    /// The counters.
    #[serde(default)]
    pub counters: Vec<Counter>,
}

/// Opening hours on some weekdays.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    pub days: Vec<i32>,
    /// `HH:MM`.
    pub opens: String,
    /// `HH:MM`.
    pub closes: String,
}

/// Who goes first.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    /// Classes honoured, most urgent first: elderly, disabled, pregnant, child_under_6, veteran.
    pub classes: Vec<String>,
    /// Walk-ins called between two priority tickets.
    pub normal_between_priority: i32,
    /// A ticket waiting longer than this goes ahead of everything.
    pub max_wait_minutes: i32,
}

/// A service line: a queue with its ticket letter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// Short code, e.g. `ho-tich`.
    pub code: String,
    /// One capital letter printed before the number.
    pub prefix: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// Catalogue field codes served.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Catalogue procedure codes served besides the fields.
    #[serde(default)]
    pub procedures: Vec<String>,
    /// Appointments per 30-minute slot (0: none).
    #[serde(default)]
    pub slot_capacity: i32,
}

/// A counter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counter {
    /// Stable id, e.g. `q1`.
    pub id: String,
    /// The number shown and spoken.
    pub number: i32,
    /// Its name.
    pub name: String,
    /// Service line codes served, preferred first.
    pub lines: Vec<String>,
}

fn default_time_zone() -> String {
    "Asia/Ho_Chi_Minh".into()
}

/// A mistake in the file: the field at fault and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// e.g. `lines[1].prefix`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl CentreFile {
    /// Reads a centre file, reporting every mistake it can find with its field.
    pub fn parse(text: &str) -> Result<Self, Vec<FileError>> {
        let file: Self = toml::from_str(text).map_err(|e| {
            vec![FileError {
                field: "file".into(),
                message: e.to_string().trim().to_string(),
            }]
        })?;
        let errors = file.check();
        if errors.is_empty() {
            Ok(file)
        } else {
            Err(errors)
        }
    }

    fn check(&self) -> Vec<FileError> {
        let mut errors = Vec::new();
        let mut bad = |field: String, message: &str| {
            errors.push(FileError {
                field,
                message: message.to_string(),
            })
        };
        let id_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if !id_ok(&self.id) {
            bad("id".into(), "lowercase letters, digits and '-', at most 64");
        }
        if self.unit_code.trim().is_empty() {
            bad("unit_code".into(), "required, e.g. 000.34.25.H57");
        }
        if self.name_vi.trim().is_empty() {
            bad("name_vi".into(), "required");
        }
        for (i, h) in self.hours.iter().enumerate() {
            if h.days.is_empty() || h.days.iter().any(|d| !(1..=7).contains(d)) {
                bad(format!("hours[{i}].days"), "ISO weekdays 1 (Monday) to 7");
            }
            for (name, t) in [("opens", &h.opens), ("closes", &h.closes)] {
                if chrono::NaiveTime::parse_from_str(t, "%H:%M").is_err() {
                    bad(format!("hours[{i}].{name}"), "HH:MM, e.g. 07:30");
                }
            }
        }
        if let Some(p) = &self.priority {
            for (i, c) in p.classes.iter().enumerate() {
                if priority_class(c).is_none() {
                    bad(
                        format!("priority.classes[{i}]"),
                        "elderly, disabled, pregnant, child_under_6 or veteran",
                    );
                }
            }
        }
        let mut codes = std::collections::HashSet::new();
        let mut prefixes = std::collections::HashSet::new();
        for (i, l) in self.lines.iter().enumerate() {
            if !id_ok(&l.code) {
                bad(
                    format!("lines[{i}].code"),
                    "lowercase letters, digits and '-'",
                );
            }
            if !codes.insert(l.code.as_str()) {
                bad(format!("lines[{i}].code"), "used by another line");
            }
            if !(l.prefix.len() == 1 && l.prefix.bytes().all(|b| b.is_ascii_uppercase())) {
                bad(format!("lines[{i}].prefix"), "one capital letter, A to Z");
            } else if !prefixes.insert(l.prefix.as_str()) {
                bad(format!("lines[{i}].prefix"), "used by another line");
            }
            if l.name_vi.trim().is_empty() {
                bad(format!("lines[{i}].name_vi"), "required");
            }
        }
        let mut ids = std::collections::HashSet::new();
        let mut numbers = std::collections::HashSet::new();
        for (i, c) in self.counters.iter().enumerate() {
            if !id_ok(&c.id) || !ids.insert(c.id.as_str()) {
                bad(
                    format!("counters[{i}].id"),
                    "unique; lowercase letters, digits and '-'",
                );
            }
            if c.number < 1 || !numbers.insert(c.number) {
                bad(format!("counters[{i}].number"), "unique, 1 or more");
            }
            if c.lines.is_empty() {
                bad(format!("counters[{i}].lines"), "at least one service line");
            }
            for (j, line) in c.lines.iter().enumerate() {
                if !codes.contains(line.as_str()) {
                    bad(
                        format!("counters[{i}].lines[{j}]"),
                        "not a line of this file",
                    );
                }
            }
        }
        errors
    }

    /// The queue's view of the centre (its read-only and unset parts empty).
    pub fn queue_center(&self) -> qpb::Center {
        let mut hours: Vec<qpb::OpeningHours> = self
            .hours
            .iter()
            .flat_map(|h| {
                h.days.iter().map(|&weekday| qpb::OpeningHours {
                    weekday,
                    opens: h.opens.clone(),
                    closes: h.closes.clone(),
                })
            })
            .collect();
        hours.sort_by(|a, b| (a.weekday, &a.opens).cmp(&(b.weekday, &b.opens)));
        qpb::Center {
            center_id: self.id.clone(),
            name_vi: self.name_vi.clone(),
            name_en: self.name_en.clone(),
            time_zone: self.time_zone.clone(),
            hours,
            policy: self.priority.as_ref().map(|p| qpb::PriorityPolicy {
                classes: p
                    .classes
                    .iter()
                    .filter_map(|c| priority_class(c))
                    .map(|c| c as i32)
                    .collect(),
                normal_between_priority: p.normal_between_priority,
                max_wait_minutes: p.max_wait_minutes,
            }),
            notify_position: self.notify_position,
            long_wait_minutes: self.long_wait_minutes,
        }
    }

    /// The queue's service lines.
    pub fn queue_lines(&self) -> Vec<qpb::ServiceLine> {
        self.lines
            .iter()
            .map(|l| qpb::ServiceLine {
                center_id: self.id.clone(),
                code: l.code.clone(),
                prefix: l.prefix.clone(),
                name_vi: l.name_vi.clone(),
                name_en: l.name_en.clone(),
                field_codes: l.fields.clone(),
                procedure_codes: l.procedures.clone(),
                slot_capacity: l.slot_capacity,
                waiting: 0,
            })
            .collect()
    }

    /// The queue's counters.
    pub fn queue_counters(&self) -> Vec<qpb::Counter> {
        self.counters
            .iter()
            .map(|c| qpb::Counter {
                center_id: self.id.clone(),
                counter_id: c.id.clone(),
                number: c.number,
                name: c.name.clone(),
                service_codes: c.lines.clone(),
                ..Default::default()
            })
            .collect()
    }

    /// The dossier service's view of the centre.
    pub fn dossier_center(&self) -> dpb::Center {
        dpb::Center {
            id: self.id.clone(),
            unit_code: self.unit_code.clone(),
            name_vi: self.name_vi.clone(),
            name_en: self.name_en.clone(),
            time_zone: self.time_zone.clone(),
            feedback_answer_days: self.feedback_answer_days,
        }
    }
}

/// `elderly` → the wire's class; the names are the proto's, lower case.
fn priority_class(name: &str) -> Option<qpb::PriorityClass> {
    qpb::PriorityClass::from_str_name(&format!("PRIORITY_CLASS_{}", name.to_uppercase())).filter(
        |c| {
            !matches!(
                c,
                qpb::PriorityClass::Unspecified | qpb::PriorityClass::None
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_centre_file_reads() {
        let file = CentreFile::parse(crate::centre::DEMO_CENTRE).expect("demo centre.toml");
        assert_eq!(file.id, "muong-sai");
        assert_eq!(file.unit_code, "000.34.25.H57");
        assert_eq!(file.lines.len(), 6);
        assert_eq!(file.counters.len(), 5);
        // Monday to Friday, morning and afternoon
        assert_eq!(file.queue_center().hours.len(), 10);
    }

    #[test]
    fn every_mistake_names_its_field() {
        let text = r#"
            id = "Xã A"
            unit_code = ""
            name_vi = "Trung tâm"
            [[hours]]
            days = [0]
            opens = "7h"
            closes = "11:30"
            [priority]
            classes = ["elderly", "vip"]
            normal_between_priority = 2
            max_wait_minutes = 60
            [[lines]]
            code = "a"
            prefix = "AB"
            name_vi = "A"
            [[lines]]
            code = "a"
            prefix = "B"
            name_vi = ""
            [[counters]]
            id = "q1"
            number = 0
            name = "Quầy 1"
            lines = ["z"]
        "#;
        let fields: Vec<String> = CentreFile::parse(text)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "id",
                "unit_code",
                "hours[0].days",
                "hours[0].opens",
                "priority.classes[1]",
                "lines[0].prefix",
                "lines[1].code",
                "lines[1].name_vi",
                "counters[0].number",
                "counters[0].lines[0]",
            ]
        );
        let unknown =
            CentreFile::parse("id = \"a\"\nunit_code = \"x\"\nname_vi = \"A\"\ncolour = 1\n");
        assert_eq!(unknown.unwrap_err()[0].field, "file");
    }
}
