//! Per-field size limits: the one place that says how long a name, an address, a note
//! or a search query may be and how many items a list may hold. Every RPC checks its
//! request against these before any other work, so an oversized input costs nothing.

use crate::{FieldViolation, ServiceError};

/// Identifiers and codes: centre ids, ticket ids, dossier and procedure codes, line codes.
pub const ID: usize = 64;
/// A citizen's secret key as printed on a ticket or receipt (a little slack for spaces).
pub const CITIZEN_KEY: usize = 32;
/// People's and places' names, titles, departments, outcomes.
pub const NAME: usize = 200;
/// Postal addresses.
pub const ADDRESS: usize = 400;
/// Phone numbers, e-mail addresses, citizen ID numbers, receipt numbers.
pub const CONTACT: usize = 254;
/// Search queries.
pub const QUERY: usize = 200;
/// Free text: notes, reasons, comments, feedback bodies, answers.
pub const TEXT: usize = 4000;
/// URLs.
pub const URL: usize = 2048;
/// Items in one repeated field of a request (components, codes, hours, classes).
pub const LIST: usize = 200;
/// Largest page a list RPC returns.
pub const PAGE_SIZE: i32 = 500;
/// Largest gRPC message a server decodes (imports stream in many messages).
pub const MESSAGE_BYTES: usize = 256 * 1024;

/// Collects every oversized field of one request, then fails with all of them at once.
#[derive(Debug, Default)]
#[must_use = "call `finish` to get the result"]
pub struct Limits {
    violations: Vec<FieldViolation>,
}

impl Limits {
    /// An empty check.
    pub fn new() -> Self {
        Self::default()
    }

    /// `value` may hold at most `max` characters.
    pub fn text(mut self, field: &str, value: &str, max: usize) -> Self {
        // bytes bound characters from above, so the cheap test decides most inputs
        if value.len() > max && value.chars().count() > max {
            self.violations.push(FieldViolation::new(
                field,
                format!("is longer than {max} characters"),
            ));
        }
        self
    }

    /// Every item of `values` may hold at most `max` characters, and there may be at
    /// most [`LIST`] of them.
    pub fn texts<S: AsRef<str>>(mut self, field: &str, values: &[S], max: usize) -> Self {
        self = self.count(field, values.len(), LIST);
        for (i, v) in values.iter().enumerate().take(LIST) {
            self = self.text(&format!("{field}[{i}]"), v.as_ref(), max);
        }
        self
    }

    /// A list of `len` items may hold at most `max`.
    pub fn count(mut self, field: &str, len: usize, max: usize) -> Self {
        if len > max {
            self.violations.push(FieldViolation::new(
                field,
                format!("has {len} items; at most {max} are allowed"),
            ));
        }
        self
    }

    /// The violations found so far.
    pub fn violations(&self) -> &[FieldViolation] {
        &self.violations
    }

    /// `INVALID_ARGUMENT` naming every oversized field, or `Ok`.
    pub fn finish(self) -> Result<(), ServiceError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::InvalidArgument(self.violations))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_fields_are_all_named() {
        let long = "x".repeat(NAME + 1);
        let err = Limits::new()
            .text("name", &long, NAME)
            .text("ok", "short", NAME)
            .texts("codes", &["a".repeat(ID + 1)], ID)
            .finish()
            .unwrap_err();
        let ServiceError::InvalidArgument(v) = err else {
            panic!("not invalid argument")
        };
        let fields: Vec<_> = v.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["name", "codes[0]"]);
    }

    #[test]
    fn characters_not_bytes_are_counted() {
        // 200 Vietnamese letters are 400+ bytes and still fit
        let name = "ệ".repeat(NAME);
        assert!(Limits::new().text("name", &name, NAME).finish().is_ok());
        assert!(
            Limits::new()
                .text("name", &format!("{name}ệ"), NAME)
                .finish()
                .is_err()
        );
    }

    #[test]
    fn long_lists_are_refused_without_checking_every_item() {
        let many = vec!["a"; LIST + 1];
        let v = Limits::new().texts("codes", &many, ID);
        assert_eq!(v.violations().len(), 1);
        assert_eq!(v.violations()[0].field, "codes");
    }
}
