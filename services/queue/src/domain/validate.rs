//! Checks of citizen-typed values: phone numbers (the kit's rule) and appointment codes.

use rand::Rng;

/// Letters and digits used in appointment codes (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters after the `LH` prefix.
const CODE_LEN: usize = 6;

pub use onestop_kit::citizen::normalize_phone;

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
