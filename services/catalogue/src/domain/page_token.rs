//! Keyset page tokens for listing procedures in code order: a token names the last
//! code returned and the filters, so pages survive inserts and a token cannot be
//! reused with other filters.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The position after which the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageToken {
    /// Fingerprint of the filters the token was made for.
    pub filters: String,
    /// Last code of the previous page.
    pub after_code: String,
}

impl PageToken {
    /// Opaque text form.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("v1\n{}\n{}", self.filters, self.after_code))
    }

    /// Reads a token made for `filters`.
    pub fn decode(token: &str, filters: &str) -> Result<Self, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token.trim())
            .map_err(|_| "is not a token returned by this list".to_string())?;
        let text = String::from_utf8(bytes)
            .map_err(|_| "is not a token returned by this list".to_string())?;
        let mut parts = text.splitn(3, '\n');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("v1"), Some(f), Some(code)) if f == filters => Ok(Self {
                filters: f.into(),
                after_code: code.into(),
            }),
            (Some("v1"), Some(_), Some(_)) => Err("was made for other filters".into()),
            _ => Err("is not a token returned by this list".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_check_filters() {
        let t = PageToken {
            filters: "ho-tich|commune".into(),
            after_code: "1.001193".into(),
        };
        assert_eq!(
            PageToken::decode(&t.encode(), "ho-tich|commune").unwrap(),
            t
        );
        assert!(
            PageToken::decode(&t.encode(), "chung-thuc|")
                .unwrap_err()
                .contains("other filters")
        );
        assert!(PageToken::decode("garbage!", "").is_err());
    }
}
