//! Dossier codes under Circular 01/2018/TT-VPCP: `<receiving unit code>-<YYMMDD>-<NNNN>`,
//! the sequence counted per unit per local day (e.g. `000.00.12.H56-260309-0042`).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Longest receiving-unit code accepted.
pub const MAX_UNIT_LEN: usize = 30;

/// A valid dossier code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode {
    unit: String,
    date: NaiveDate,
    sequence: u32,
}

impl DossierCode {
    /// The code for the `sequence`-th dossier (from 1) received by `unit` on local
    /// `date`. Letters in the unit code are uppercased; the year must be 2000–2099
    /// (the code keeps two digits of it).
    pub fn new(unit: &str, date: NaiveDate, sequence: u32) -> Result<Self, String> {
        let unit = check_unit(unit)?;
        if !(2000..=2099).contains(&date.year()) {
            return Err(format!(
                "năm {} nằm ngoài 2000–2099 — year {} is outside 2000–2099",
                date.year(),
                date.year()
            ));
        }
        if sequence == 0 {
            return Err("số thứ tự bắt đầu từ 1 — the sequence starts at 1".into());
        }
        Ok(Self {
            unit,
            date,
            sequence,
        })
    }

    /// Parses a code as printed or typed (surrounding spaces and lowercase letters
    /// forgiven), naming the part that is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let text = raw.trim();
        let parts: Vec<&str> = text.split('-').collect();
        let [unit, date, sequence] = parts[..] else {
            return Err(format!(
                "«{raw}» không phải mã hồ sơ dạng <mã đơn vị>-<YYMMDD>-<NNNN> — `{raw}` is not a dossier code like 000.00.12.H56-260309-0042"
            ));
        };
        let day = (date.len() == 6 && date.bytes().all(|b| b.is_ascii_digit()))
            .then(|| NaiveDate::parse_from_str(&format!("20{date}"), "%Y%m%d").ok())
            .flatten()
            .ok_or_else(|| {
                format!(
                    "ngày «{date}» không đúng dạng YYMMDD — date `{date}` is not a valid YYMMDD"
                )
            })?;
        let number = (sequence.len() >= 4 && sequence.bytes().all(|b| b.is_ascii_digit()))
            .then(|| sequence.parse::<u32>().ok())
            .flatten()
            .filter(|n| format!("{n:04}") == sequence)
            .ok_or_else(|| {
                format!(
                    "số thứ tự «{sequence}» phải có 4 chữ số (nhiều hơn khi từ 10000), không thừa số 0 — sequence `{sequence}` must be 4 digits (more from 10000), without extra leading zeros"
                )
            })?;
        Self::new(unit, day, number)
    }

    /// The receiving unit's code.
    pub fn unit(&self) -> &str {
        &self.unit
    }

    /// The local date of receipt.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The sequence within the unit's day.
    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

/// Checks a receiving-unit code: 1–30 letters, digits or dots; returns it uppercased.
pub fn check_unit(raw: &str) -> Result<String, String> {
    let ok = !raw.is_empty()
        && raw.len() <= MAX_UNIT_LEN
        && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.');
    if ok {
        Ok(raw.to_ascii_uppercase())
    } else {
        Err(format!(
            "mã đơn vị «{raw}» phải gồm 1–{MAX_UNIT_LEN} chữ cái, chữ số hoặc dấu chấm — unit code `{raw}` must be 1–{MAX_UNIT_LEN} letters, digits or dots"
        ))
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{:04}",
            self.unit,
            self.date.format("%y%m%d"),
            self.sequence
        )
    }
}

impl FromStr for DossierCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for DossierCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DossierCode> for String {
    fn from(code: DossierCode) -> Self {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn formats_unit_date_and_four_digit_sequence() {
        let code = DossierCode::new("000.00.12.H56", d(2026, 3, 9), 42).unwrap();
        assert_eq!(code.to_string(), "000.00.12.H56-260309-0042");
        let big = DossierCode::new("H56", d(2026, 3, 9), 12345).unwrap();
        assert_eq!(big.to_string(), "H56-260309-12345");
    }

    #[test]
    fn parses_what_it_prints_and_forgives_case_and_spaces() {
        let code = DossierCode::parse(" 000.00.12.h56-260309-0042 ").unwrap();
        assert_eq!(code.unit(), "000.00.12.H56");
        assert_eq!(code.date(), d(2026, 3, 9));
        assert_eq!(code.sequence(), 42);
        assert_eq!(
            "H56-261231-10000"
                .parse::<DossierCode>()
                .unwrap()
                .sequence(),
            10000
        );
    }

    #[test]
    fn bad_codes_name_the_bad_part() {
        let cases = [
            ("", "not a dossier code"),
            ("H56-260309", "not a dossier code"),
            ("H-56-260309-0042", "not a dossier code"),
            ("H56_X-260309-0042", "unit code `H56_X`"),
            ("-260309-0042", "unit code ``"),
            ("H56-260230-0042", "date `260230`"),
            ("H56-2603090-0042", "date `2603090`"),
            ("H56-260309-042", "sequence `042`"),
            ("H56-260309-00042", "sequence `00042`"),
            ("H56-260309-0000", "starts at 1"),
            ("H56-260309-00a1", "sequence `00a1`"),
        ];
        for (raw, expected) in cases {
            let err = DossierCode::parse(raw).unwrap_err();
            assert!(err.contains(expected), "{raw}: {err}");
        }
        let long = "A".repeat(31);
        assert!(check_unit(&long).is_err());
        assert!(DossierCode::new("H56", d(1999, 12, 31), 1).is_err());
    }

    #[test]
    fn serialises_as_its_text() {
        let code = DossierCode::new("H56", d(2026, 3, 9), 7).unwrap();
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, r#""H56-260309-0007""#);
        assert_eq!(serde_json::from_str::<DossierCode>(&json).unwrap(), code);
        assert!(serde_json::from_str::<DossierCode>(r#""nope""#).is_err());
    }

    proptest! {
        #[test]
        fn every_valid_code_round_trips(
            unit in "[A-Za-z0-9.]{1,30}",
            days in 0i64..36_500,
            sequence in 1u32..200_000,
        ) {
            let date = d(2000, 1, 1) + chrono::Duration::days(days);
            let code = DossierCode::new(&unit, date, sequence).unwrap();
            let printed = code.to_string();
            prop_assert_eq!(DossierCode::parse(&printed).unwrap(), code);
            prop_assert_eq!(DossierCode::parse(&printed.to_lowercase()).unwrap().to_string(), printed);
        }
    }
}
