//! National procedure codes such as `1.001193` or `1.000948.H38`.

use std::fmt;

/// A validated procedure code: a digit, a dot, six digits, and an optional local
/// suffix of 1–10 uppercase letters or digits after a dot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcedureCode(String);

impl ProcedureCode {
    /// Parses `raw` (surrounding spaces ignored, suffix uppercased).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("must not be empty".into());
        }
        let mut parts = raw.splitn(3, '.');
        let head = parts.next().unwrap_or_default();
        let body = parts.next().unwrap_or_default();
        let suffix = parts.next();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let suffix_ok = suffix.is_none_or(|s| {
            (1..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if !(digits(head, 1) && digits(body, 6) && suffix_ok) {
            return Err(format!(
                "`{raw}` is not a procedure code like 1.001193 or 1.000948.H38"
            ));
        }
        Ok(Self(match suffix {
            Some(s) => format!("{head}.{body}.{}", s.to_ascii_uppercase()),
            None => format!("{head}.{body}"),
        }))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_national_and_local_codes() {
        assert_eq!(
            ProcedureCode::parse("1.001193").unwrap().as_str(),
            "1.001193"
        );
        assert_eq!(
            ProcedureCode::parse(" 1.000948.h38 ").unwrap().as_str(),
            "1.000948.H38"
        );
        assert_eq!(
            ProcedureCode::parse("2.000815").unwrap().as_str(),
            "2.000815"
        );
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in [
            "",
            "1",
            "1.00119",
            "1.0011933",
            "a.001193",
            "1.001193.",
            "1-001193",
            "1.001193.TOOLONGSUFFIX",
            "1.001193.H-38",
            "11.001193",
        ] {
            assert!(ProcedureCode::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(head in 0u8..10, body in 0u32..1_000_000, suffix in proptest::option::of("[A-Za-z0-9]{1,10}")) {
            let raw = match &suffix {
                Some(s) => format!("{head}.{body:06}.{s}"),
                None => format!("{head}.{body:06}"),
            };
            let code = ProcedureCode::parse(&raw).unwrap();
            prop_assert_eq!(ProcedureCode::parse(code.as_str()).unwrap(), code);
        }
    }
}
