//! Version rules: new content on a published procedure makes a new version that starts
//! when the old one ends; unchanged content makes nothing.

use chrono::{DateTime, Utc};

/// What is known of a procedure's newest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestVersion {
    /// Version number.
    pub version: i32,
    /// Fingerprint of its content.
    pub content_hash: String,
    /// When it took effect.
    pub effective_from: DateTime<Utc>,
    /// Whether it has been retired.
    pub retired: bool,
}

/// What an upsert must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpsertPlan {
    /// Insert version 1.
    Create,
    /// Insert `version`; the previous one ends at the new one's start.
    NewVersion {
        /// The new version number.
        version: i32,
    },
    /// Nothing to write; `version` stays current.
    Unchanged {
        /// The current version.
        version: i32,
    },
}

/// Decides an upsert of content hashed `hash`, taking effect at `effective_from`.
pub fn plan(
    latest: Option<&LatestVersion>,
    hash: &str,
    effective_from: DateTime<Utc>,
) -> Result<UpsertPlan, String> {
    let Some(latest) = latest else {
        return Ok(UpsertPlan::Create);
    };
    if !latest.retired && latest.content_hash == hash {
        return Ok(UpsertPlan::Unchanged {
            version: latest.version,
        });
    }
    if effective_from < latest.effective_from {
        return Err(format!(
            "{} is before version {} took effect ({}); a new version cannot start earlier",
            effective_from.to_rfc3339(),
            latest.version,
            latest.effective_from.to_rfc3339()
        ));
    }
    Ok(UpsertPlan::NewVersion {
        version: latest.version + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0).unwrap()
    }

    fn latest(hash: &str, retired: bool) -> LatestVersion {
        LatestVersion {
            version: 3,
            content_hash: hash.into(),
            effective_from: at(10),
            retired,
        }
    }

    #[test]
    fn first_upsert_creates() {
        assert_eq!(plan(None, "h", at(1)), Ok(UpsertPlan::Create));
    }

    #[test]
    fn same_content_changes_nothing() {
        assert_eq!(
            plan(Some(&latest("h", false)), "h", at(20)),
            Ok(UpsertPlan::Unchanged { version: 3 })
        );
    }

    #[test]
    fn new_content_makes_the_next_version() {
        assert_eq!(
            plan(Some(&latest("h", false)), "k", at(20)),
            Ok(UpsertPlan::NewVersion { version: 4 })
        );
    }

    #[test]
    fn a_retired_procedure_is_republished_even_unchanged() {
        assert_eq!(
            plan(Some(&latest("h", true)), "h", at(20)),
            Ok(UpsertPlan::NewVersion { version: 4 })
        );
    }

    #[test]
    fn a_new_version_cannot_start_before_the_current_one() {
        assert!(
            plan(Some(&latest("h", false)), "k", at(5))
                .unwrap_err()
                .contains("before version 3")
        );
    }
}
