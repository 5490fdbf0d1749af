//! Checks of applicant data (name, citizen ID, phone, e-mail), each returning the value
//! as stored or an error in Vietnamese and English, and a collector that reports every
//! invalid field at once as [`FieldViolation`]s (what the gRPC layer sends back).

use onestop_kit::FieldViolation;
use serde::{Deserialize, Serialize};

/// Longest full name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest e-mail address accepted (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// A full name with surrounding and repeated spaces removed. Letters of any script,
/// combining accents, spaces, `'`, `-` and `.` are allowed (names such as
/// "H'Hen Niê" or "Lò Văn Páo"); digits and other symbols are not.
pub fn check_full_name(raw: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err("họ và tên không được để trống — full name must not be empty".into());
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(format!(
            "họ và tên dài {chars} ký tự, tối đa {MAX_NAME_CHARS} — full name has {chars} characters, at most {MAX_NAME_CHARS}"
        ));
    }
    let allowed = |c: char| {
        c.is_alphabetic()
            || matches!(c, ' ' | '\'' | '’' | '-' | '.')
            || ('\u{300}'..='\u{36f}').contains(&c)
    };
    if let Some(bad) = name.chars().find(|&c| !allowed(c)) {
        return Err(format!(
            "họ và tên có ký tự không hợp lệ «{bad}» — full name contains an invalid character `{bad}`"
        ));
    }
    Ok(name)
}

/// A citizen ID (căn cước) number: exactly 12 digits; spaces between groups forgiven.
pub fn check_citizen_id(raw: &str) -> Result<String, String> {
    let id: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(id)
    } else {
        Err(format!(
            "số căn cước «{raw}» phải gồm đúng 12 chữ số — citizen ID `{raw}` must be exactly 12 digits"
        ))
    }
}

pub use onestop_kit::citizen::normalize_phone;

/// An e-mail address, trimmed, with the domain lowercased: one `@`, something before
/// it, a dotted domain after it, no spaces.
pub fn check_email(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    let bad = || {
        format!(
            "«{raw}» không phải địa chỉ thư điện tử (ví dụ ten@example.vn) — `{raw}` is not an e-mail address (such as name@example.vn)"
        )
    };
    if text.len() > MAX_EMAIL_LEN || text.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let Some((local, domain)) = text.split_once('@') else {
        return Err(bad());
    };
    let domain_ok = domain.contains('.')
        && !domain.contains('@')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
    if local.is_empty() || !domain_ok {
        return Err(bad());
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// Collects invalid fields so a caller can report them all at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors {
    violations: Vec<FieldViolation>,
}

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `field` is wrong and why.
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.violations.push(FieldViolation::new(field, message));
    }

    /// The checked value, or `None` with the error recorded against `field`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        result.map_err(|message| self.push(field, message)).ok()
    }

    /// Like [`FieldErrors::check`] for an optional field: blank input is `None` and no error.
    pub fn check_optional<T>(
        &mut self,
        field: &str,
        raw: &str,
        check: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        if raw.trim().is_empty() {
            return None;
        }
        self.check(field, check(raw))
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// `value` if nothing was recorded, else every violation.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldViolation>> {
        if self.violations.is_empty() {
            Ok(value())
        } else {
            Err(self.violations)
        }
    }
}

/// Applicant data as typed (blank phone or e-mail means not given).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantInput {
    /// Full name.
    pub full_name: String,
    /// Citizen ID (căn cước) number.
    pub citizen_id: String,
    /// Mobile phone, optional.
    pub phone: String,
    /// E-mail, optional.
    pub email: String,
}

/// Applicant data, checked and normalised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    /// Full name, spaces tidied.
    pub full_name: String,
    /// 12-digit citizen ID number.
    pub citizen_id: String,
    /// Mobile phone in national form.
    pub phone: Option<String>,
    /// E-mail with the domain lowercased.
    pub email: Option<String>,
}

impl Applicant {
    /// Checks every field and reports all invalid ones (`full_name`, `citizen_id`,
    /// `phone`, `email`).
    pub fn validate(input: &ApplicantInput) -> Result<Self, Vec<FieldViolation>> {
        let mut errors = FieldErrors::new();
        let full_name = errors.check("full_name", check_full_name(&input.full_name));
        let citizen_id = errors.check("citizen_id", check_citizen_id(&input.citizen_id));
        let phone = errors.check_optional("phone", &input.phone, normalize_phone);
        let email = errors.check_optional("email", &input.email, check_email);
        errors.finish(|| Self {
            full_name: full_name.unwrap_or_default(),
            citizen_id: citizen_id.unwrap_or_default(),
            phone,
            email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied_and_may_carry_accents_and_apostrophes() {
        assert_eq!(
            check_full_name("  Nguyễn   Thị  Minh Khai ").unwrap(),
            "Nguyễn Thị Minh Khai"
        );
        for name in [
            "Lò Văn Páo",
            "H'Hen Niê",
            "Giàng A Pháo",
            "Nguyễn Thị Ánh-Dương",
        ] {
            assert_eq!(check_full_name(name).unwrap(), name);
        }
        // decomposed accents (NFD input) are letters too
        assert!(check_full_name("Nguye\u{302}\u{303}n Va\u{306}n A").is_ok());
    }

    #[test]
    fn bad_names_say_what_is_wrong() {
        assert!(
            check_full_name("   ")
                .unwrap_err()
                .contains("must not be empty")
        );
        let long = "A".repeat(101);
        assert!(
            check_full_name(&long)
                .unwrap_err()
                .contains("101 characters")
        );
        assert!(check_full_name(&"Ă".repeat(100)).is_ok());
        let err = check_full_name("Nguyễn Văn A1").unwrap_err();
        assert!(err.contains("`1`"), "{err}");
        assert!(check_full_name("Trần <b>").is_err());
    }

    #[test]
    fn citizen_ids_are_twelve_digits() {
        assert_eq!(check_citizen_id("001 203 004 567").unwrap(), "001203004567");
        for bad in [
            "",
            "00120300456",
            "0012030045678",
            "00120300456a",
            "０01203004567",
        ] {
            let err = check_citizen_id(bad).unwrap_err();
            assert!(err.contains("exactly 12 digits"), "{bad}: {err}");
        }
    }

    #[test]
    fn phones_in_every_usual_spelling() {
        for raw in [
            "0912345678",
            "0912 345 678",
            "+84912345678",
            "84912345678",
            "091.234.5678",
            "(+84) 912-345-678",
        ] {
            assert_eq!(normalize_phone(raw).unwrap(), "0912345678", "{raw}");
        }
        for raw in [
            "02123851234",
            "091234567",
            "09123456789",
            "0912abc678",
            "",
            "0112345678",
            "0612345678",
        ] {
            let err = normalize_phone(raw).unwrap_err();
            assert!(err.contains("Vietnamese mobile number"), "{raw}: {err}");
        }
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(
            check_email(" Ten.Ho@Example.VN ").unwrap(),
            "Ten.Ho@example.vn"
        );
        for bad in [
            "",
            "ten",
            "@example.vn",
            "ten@",
            "ten@localhost",
            "ten@@example.vn",
            "ten @example.vn",
            "ten@example..vn",
            "ten@-x.vn",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let input = ApplicantInput {
            full_name: String::new(),
            citizen_id: "123".into(),
            phone: "12345".into(),
            email: "not-an-email".into(),
        };
        let errors = Applicant::validate(&input).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["full_name", "citizen_id", "phone", "email"]);
        assert!(errors[1].description.contains("12 chữ số"));
    }

    #[test]
    fn optional_fields_may_be_blank() {
        let input = ApplicantInput {
            full_name: "Lò Thị Hoa".into(),
            citizen_id: "014190000123".into(),
            phone: " ".into(),
            email: String::new(),
        };
        let applicant = Applicant::validate(&input).unwrap();
        assert_eq!(applicant.phone, None);
        assert_eq!(applicant.email, None);
        let with_contact = Applicant::validate(&ApplicantInput {
            phone: "+84 345 678 901".into(),
            email: "hoa@muongsai.gov.vn".into(),
            ..input
        })
        .unwrap();
        assert_eq!(with_contact.phone.as_deref(), Some("0345678901"));
    }

    #[test]
    fn the_collector_keeps_order_and_values() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.check("a", Ok::<_, String>(1)), Some(1));
        assert!(errors.is_empty());
        assert_eq!(errors.check::<i32>("b", Err("sai — wrong".into())), None);
        errors.push("c", "thiếu — missing");
        let all = errors.finish(|| ()).unwrap_err();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].to_string(), "b: sai — wrong");
    }
}
