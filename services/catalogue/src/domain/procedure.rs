//! A procedure's content, the loose form it arrives in, and the validation between them.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::code::ProcedureCode;
use super::fold;
use onestop_kit::FieldViolation;

/// Level of government that decides a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Xã: the commune.
    Commune,
    /// Tỉnh: the province.
    Province,
}

impl Level {
    /// Parses English or Vietnamese names.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match fold::fold(raw.trim()).as_str() {
            "commune" | "xa" | "cap xa" => Ok(Level::Commune),
            "province" | "tinh" | "cap tinh" => Ok(Level::Province),
            _ => Err(format!("`{raw}` is not a level; use commune or province")),
        }
    }

    /// Lowercase English name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Commune => "commune",
            Level::Province => "province",
        }
    }
}

/// How much of a procedure can be done online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnlineLevel {
    /// Not known.
    Unknown,
    /// Paper only.
    None,
    /// Submit online, finish at the counter.
    Partial,
    /// Entirely online (toàn trình).
    Full,
}

impl OnlineLevel {
    /// Parses English or Vietnamese names; empty means unknown.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match fold::fold(raw.trim()).as_str() {
            "" | "unknown" => Ok(OnlineLevel::Unknown),
            "none" | "khong" => Ok(OnlineLevel::None),
            "partial" | "mot phan" => Ok(OnlineLevel::Partial),
            "full" | "toan trinh" => Ok(OnlineLevel::Full),
            _ => Err(format!(
                "`{raw}` is not an online level; use full, partial, none or leave empty"
            )),
        }
    }
}

/// A field (lĩnh vực).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldRef {
    /// Slug such as `ho-tich`.
    pub code: String,
    /// Name such as "Hộ tịch".
    pub name: String,
}

/// A fee line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    /// "Lệ phí", "Phí", …
    pub name: String,
    /// Amount in VND.
    pub amount_vnd: i64,
}

/// A document of the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// What the document is.
    pub name: String,
    /// Originals to bring.
    pub originals: i32,
    /// Copies to bring.
    pub copies: i32,
    /// Whether the dossier is incomplete without it.
    pub required: bool,
    /// Form template name, empty if none.
    #[serde(default)]
    pub template: String,
}

/// Everything about a procedure that makes a version; two equal contents are one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureContent {
    /// Official name.
    pub name: String,
    /// Field it belongs to.
    pub field: FieldRef,
    /// Deciding level.
    pub level: Level,
    /// Deciding agency.
    pub agency: String,
    /// Processing time in half working days; `None` when unknown.
    pub processing_half_days: Option<u32>,
    /// Fees.
    pub fees: Vec<Fee>,
    /// Explanation of fees that are not fixed amounts.
    pub fee_note: String,
    /// Required documents.
    pub components: Vec<Component>,
    /// Steps.
    pub steps: Vec<String>,
    /// Result handed to the citizen.
    pub result: String,
    /// Legal documents it rests on.
    pub legal_basis: Vec<String>,
    /// Conditions.
    pub conditions: String,
    /// Online level.
    pub online_level: OnlineLevel,
    /// The code is a local sample, not a national code.
    pub sample_code: bool,
}

impl ProcedureContent {
    /// Processing time in working days (0.5 steps).
    pub fn processing_days(&self) -> Option<f64> {
        self.processing_half_days.map(|h| f64::from(h) / 2.0)
    }

    /// A stable fingerprint of the content; equal content, equal hash.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("content serialises");
        hex::encode(Sha256::digest(json))
    }

    /// The folded name that search matches against (see [`fold::search_text`]).
    pub fn search_text(&self) -> String {
        fold::search_text(&self.name)
    }
}

/// A validated procedure ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureDraft {
    /// Its code.
    pub code: ProcedureCode,
    /// Its content.
    pub content: ProcedureContent,
}

/// A procedure as it arrives from an import file, the API or the CLI, before checks.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RawProcedure {
    /// Code.
    pub code: String,
    /// Local sample code flag.
    pub sample_code: bool,
    /// Name.
    pub name: String,
    /// Field.
    pub field: RawField,
    /// Level name.
    pub level: String,
    /// Agency.
    pub agency: String,
    /// Working days, `None` when unknown.
    pub processing_days: Option<f64>,
    /// Fees.
    pub fees: Vec<Fee>,
    /// Fee note.
    pub fee_note: String,
    /// Components.
    pub components: Vec<Component>,
    /// Steps.
    pub steps: Vec<String>,
    /// Result.
    pub result: String,
    /// Legal basis.
    pub legal_basis: Vec<String>,
    /// Conditions.
    pub conditions: String,
    /// Online level name.
    pub online_level: String,
}

/// A field as it arrives; an empty code is derived from the name.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RawField {
    /// Slug, may be empty.
    pub code: String,
    /// Name.
    pub name: String,
}

const MAX_TEXT: usize = 4000;

impl RawProcedure {
    /// Checks every field and names each that is wrong.
    pub fn validate(self) -> Result<ProcedureDraft, Vec<FieldViolation>> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, why: String| errors.push(FieldViolation::new(field, why));

        let code = ProcedureCode::parse(&self.code)
            .map_err(|e| bad("code", e))
            .ok();
        let name = clean(&self.name);
        if name.is_empty() {
            bad("name", "must not be empty".into());
        } else if name.chars().count() > 1000 {
            bad("name", "must be at most 1000 characters".into());
        }
        let field_name = clean(&self.field.name);
        if field_name.is_empty() {
            bad("field.name", "must not be empty".into());
        }
        let field_code = if self.field.code.trim().is_empty() {
            fold::slug(&field_name)
        } else {
            self.field.code.trim().to_string()
        };
        if !field_code.is_empty()
            && !field_code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            bad(
                "field.code",
                format!("`{field_code}` may hold only a-z, 0-9 and -"),
            );
        }
        let level = if self.level.trim().is_empty() {
            Ok(Level::Commune)
        } else {
            Level::parse(&self.level)
        }
        .map_err(|e| bad("level", e))
        .ok();
        let processing_half_days = match self.processing_days {
            None => None,
            Some(days) if !(0.0..=365.0).contains(&days) || (days * 2.0).fract() != 0.0 => {
                bad(
                    "processing_days",
                    format!("{days} must be 0 to 365 in steps of 0.5 working days"),
                );
                None
            }
            Some(days) => Some((days * 2.0) as u32),
        };
        for (i, fee) in self.fees.iter().enumerate() {
            if clean(&fee.name).is_empty() {
                bad(&format!("fees[{i}].name"), "must not be empty".into());
            }
            if fee.amount_vnd < 0 {
                bad(
                    &format!("fees[{i}].amount_vnd"),
                    format!("{} must not be negative", fee.amount_vnd),
                );
            }
        }
        for (i, c) in self.components.iter().enumerate() {
            if clean(&c.name).is_empty() {
                bad(&format!("components[{i}].name"), "must not be empty".into());
            }
            if !(0..=50).contains(&c.originals) {
                bad(
                    &format!("components[{i}].originals"),
                    "must be 0 to 50".into(),
                );
            }
            if !(0..=50).contains(&c.copies) {
                bad(&format!("components[{i}].copies"), "must be 0 to 50".into());
            }
        }
        let online_level = OnlineLevel::parse(&self.online_level)
            .map_err(|e| bad("online_level", e))
            .ok();
        for (key, text) in [
            ("agency", &self.agency),
            ("result", &self.result),
            ("conditions", &self.conditions),
            ("fee_note", &self.fee_note),
        ] {
            if text.chars().count() > MAX_TEXT {
                bad(key, format!("must be at most {MAX_TEXT} characters"));
            }
        }
        match (code, level, online_level) {
            (Some(code), Some(level), Some(online_level)) if errors.is_empty() => {
                Ok(ProcedureDraft {
                    code,
                    content: ProcedureContent {
                        name,
                        field: FieldRef {
                            code: field_code,
                            name: field_name,
                        },
                        level,
                        agency: clean(&self.agency),
                        processing_half_days,
                        fees: self
                            .fees
                            .into_iter()
                            .map(|f| Fee {
                                name: clean(&f.name),
                                ..f
                            })
                            .collect(),
                        fee_note: clean(&self.fee_note),
                        components: self
                            .components
                            .into_iter()
                            .map(|c| Component {
                                name: clean(&c.name),
                                template: clean(&c.template),
                                ..c
                            })
                            .collect(),
                        steps: self
                            .steps
                            .iter()
                            .map(|s| clean(s))
                            .filter(|s| !s.is_empty())
                            .collect(),
                        result: clean(&self.result),
                        legal_basis: self
                            .legal_basis
                            .iter()
                            .map(|s| clean(s))
                            .filter(|s| !s.is_empty())
                            .collect(),
                        conditions: clean(&self.conditions),
                        online_level,
                        sample_code: self.sample_code,
                    },
                })
            }
            _ => Err(errors),
        }
    }
}

/// Trims and collapses runs of whitespace.
fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn raw(code: &str, name: &str) -> RawProcedure {
        RawProcedure {
            code: code.into(),
            name: name.into(),
            field: RawField {
                code: String::new(),
                name: "Hộ tịch".into(),
            },
            processing_days: Some(0.5),
            ..Default::default()
        }
    }

    #[test]
    fn valid_procedure_gets_defaults() {
        let draft = raw("1.001193", "  Thủ tục   đăng ký khai sinh ")
            .validate()
            .unwrap();
        assert_eq!(draft.content.name, "Thủ tục đăng ký khai sinh");
        assert_eq!(draft.content.field.code, "ho-tich");
        assert_eq!(draft.content.level, Level::Commune);
        assert_eq!(draft.content.processing_days(), Some(0.5));
        assert_eq!(draft.content.online_level, OnlineLevel::Unknown);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut r = raw("1.00", "");
        r.processing_days = Some(1.3);
        r.level = "district".into();
        r.fees = vec![Fee {
            name: "Lệ phí".into(),
            amount_vnd: -1,
        }];
        r.online_level = "sometimes".into();
        let fields: Vec<_> = r
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(
            fields,
            [
                "code",
                "name",
                "level",
                "processing_days",
                "fees[0].amount_vnd",
                "online_level"
            ]
        );
    }

    #[test]
    fn zero_and_half_days_are_allowed() {
        for days in [0.0, 0.5, 3.0, 20.0] {
            let mut r = raw("1.000001", "x");
            r.processing_days = Some(days);
            assert_eq!(r.validate().unwrap().content.processing_days(), Some(days));
        }
    }

    #[test]
    fn hash_follows_content() {
        let a = raw("1.001193", "Đăng ký khai sinh")
            .validate()
            .unwrap()
            .content;
        let mut b = a.clone();
        assert_eq!(a.content_hash(), b.content_hash());
        b.fees.push(Fee {
            name: "Lệ phí".into(),
            amount_vnd: 8000,
        });
        assert_ne!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn vietnamese_level_names() {
        assert_eq!(Level::parse("xã").unwrap(), Level::Commune);
        assert_eq!(Level::parse("Cấp tỉnh").unwrap(), Level::Province);
        assert_eq!(OnlineLevel::parse("Toàn trình").unwrap(), OnlineLevel::Full);
    }
}
