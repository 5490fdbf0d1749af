//! A dossier's components: what the pinned procedure asks for, what the citizen handed
//! in, and how typed names are matched to them.

use onestop_kit::FieldViolation;
use serde::{Deserialize, Serialize};

/// A component of the pinned procedure and whether the citizen provided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentLine {
    /// As the catalogue names it.
    pub name: String,
    /// Whether the procedure requires it.
    pub required: bool,
    /// Whether it was handed in.
    pub provided: bool,
    /// Originals asked for.
    pub originals: i32,
    /// Copies asked for.
    pub copies: i32,
}

/// Matches typed names to the procedure's components (case and spacing forgiven).
pub fn match_components(
    lines: &mut [ComponentLine],
    provided: &[String],
    field: &str,
) -> Result<(), FieldViolation> {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let mut unknown = Vec::new();
    for name in provided.iter().filter(|n| !n.trim().is_empty()) {
        match lines.iter_mut().find(|c| norm(&c.name) == norm(name)) {
            Some(line) => line.provided = true,
            None => unknown.push(name.trim().to_string()),
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(FieldViolation::new(
            field,
            format!(
                "không có trong thành phần hồ sơ của thủ tục: {} — not a component of this procedure",
                unknown.join("; ")
            ),
        ))
    }
}

/// The names of the required components not handed in.
pub fn missing_required(lines: &[ComponentLine]) -> Vec<String> {
    lines
        .iter()
        .filter(|c| c.required && !c.provided)
        .map(|c| c.name.clone())
        .collect()
}

/// Items listed once each, in order (case forgiven), blanks dropped.
pub fn dedup(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(item)) {
            out.push(item.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, required: bool) -> ComponentLine {
        ComponentLine {
            name: name.into(),
            required,
            provided: false,
            originals: 1,
            copies: 0,
        }
    }

    #[test]
    fn names_match_whatever_the_case_and_spacing() {
        let mut lines = vec![
            line("Tờ khai đăng ký khai sinh", true),
            line("Giấy chứng sinh", true),
        ];
        match_components(
            &mut lines,
            &["  tờ KHAI  đăng ký khai sinh".into()],
            "components",
        )
        .unwrap();
        assert_eq!(
            missing_required(&lines),
            vec!["Giấy chứng sinh".to_string()]
        );
        let err = match_components(&mut lines, &["Sổ hộ khẩu".into()], "components").unwrap_err();
        assert_eq!(err.field, "components");
        assert!(err.description.contains("Sổ hộ khẩu"));
    }

    #[test]
    fn items_are_listed_once() {
        let items: Vec<String> = ["Bản sao", "bản sao", " ", "Ảnh"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            dedup(&items),
            vec!["Bản sao".to_string(), "Ảnh".to_string()]
        );
    }
}
