//! Checks of citizen-typed values: phone numbers and appointment codes.

use rand::Rng;

/// Letters and digits used in appointment codes (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters after the `LH` prefix.
const CODE_LEN: usize = 6;

/// A Vietnamese mobile number in national form (`0912345678`), from `0912 345 678`,
/// `+84912345678` or `84912345678`.
pub fn normalize_phone(raw: &str) -> Result<String, String> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let national = if let Some(rest) = digits.strip_prefix("+84") {
        format!("0{rest}")
    } else if digits.len() == 11 && digits.starts_with("84") {
        format!("0{}", &digits[2..])
    } else {
        digits
    };
    let ok = national.len() == 10
        && national.starts_with('0')
        && national.chars().all(|c| c.is_ascii_digit())
        && matches!(national.as_bytes()[1], b'3' | b'5' | b'7' | b'8' | b'9');
    if ok {
        Ok(national)
    } else {
        Err(format!(
            "`{raw}` is not a Vietnamese mobile number (10 digits such as 0912 345 678)"
        ))
    }
}

/// A fresh appointment code, e.g. `LH7K2M9Q`.
pub fn new_appointment_code() -> String {
    let mut rng = rand::rng();
    let tail: String = (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("LH{tail}")
}

/// An appointment code as typed (case and spaces forgiven), or why it is malformed.
pub fn normalize_appointment_code(raw: &str) -> Result<String, String> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    let ok = code.len() == 2 + CODE_LEN
        && code.starts_with("LH")
        && code[2..].bytes().all(|b| CODE_ALPHABET.contains(&b));
    if ok {
        Ok(code)
    } else {
        Err(format!(
            "`{raw}` is not an appointment code (LH and six letters or digits, e.g. LH7K2M9Q)"
        ))
    }
}

/// Checks an admin-chosen identifier (centre, line, counter): lowercase letters,
/// digits and `-`, 1–40 characters.
pub fn check_id(raw: &str) -> Result<(), String> {
    let ok = !raw.is_empty()
        && raw.len() <= 40
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{raw}` must be 1–40 lowercase letters, digits or `-`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_every_usual_spelling() {
        for raw in [
            "0912345678",
            "0912 345 678",
            "+84912345678",
            "84912345678",
            "091.234.5678",
        ] {
            assert_eq!(normalize_phone(raw).unwrap(), "0912345678", "{raw}");
        }
    }

    #[test]
    fn landlines_short_and_lettered_numbers_are_refused() {
        for raw in [
            "02143851234",
            "091234567",
            "09123456789",
            "0912abc678",
            "",
            "0112345678",
        ] {
            assert!(normalize_phone(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn generated_codes_parse() {
        for _ in 0..100 {
            let code = new_appointment_code();
            assert_eq!(
                normalize_appointment_code(&code.to_lowercase()).unwrap(),
                code
            );
        }
        assert!(normalize_appointment_code("LH0000").is_err());
        assert!(normalize_appointment_code("XX7K2M9Q").is_err());
    }

    #[test]
    fn ids_are_slugs() {
        assert!(check_id("muong-sai").is_ok());
        assert!(check_id("Muong Sai").is_err());
        assert!(check_id("").is_err());
    }
}
