//! Checks of values citizens type, shared by every service.

/// A Vietnamese mobile number in national form (`0912345678`), from `0912 345 678`,
/// `091.234.5678`, `+84912345678` or `84912345678`: 10 digits starting 03, 05, 07, 08
/// or 09.
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
        && national.bytes().all(|b| b.is_ascii_digit())
        && national.starts_with('0')
        && matches!(national.as_bytes()[1], b'3' | b'5' | b'7' | b'8' | b'9');
    if ok {
        Ok(national)
    } else {
        Err(format!(
            "«{raw}» không phải số di động Việt Nam (10 chữ số, đầu 03/05/07/08/09, ví dụ 0912 345 678) — `{raw}` is not a Vietnamese mobile number (10 digits starting 03/05/07/08/09, such as 0912 345 678)"
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
            let err = normalize_phone(raw).unwrap_err();
            assert!(err.contains("Vietnamese mobile number"), "{err}");
        }
    }
}
