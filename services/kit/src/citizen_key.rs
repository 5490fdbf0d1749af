//! The citizen's key: a short random code printed on a ticket or a receipt beside its
//! public code and carried in its QR link (`?k=…`). The public code only reads a status;
//! acting (cancel, rate, pay, feedback on it) needs the key. Only a hash is stored, and
//! keys are compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Letters and digits that cannot be mistaken for one another on paper (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a key: 31^10 ≈ 2^49.5 possibilities, beyond guessing behind rate limits.
pub const LEN: usize = 10;

/// A new random key, e.g. `K7MP3XQ9RT`.
pub fn generate() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The key as typed: upper case, spaces and dashes dropped.
pub fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// The stored form of a key: SHA-256, hex.
pub fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(normalize(key).as_bytes()))
}

/// Whether `key` is the one whose hash is `stored`; constant time in the key's content.
pub fn matches(key: &str, stored: &str) -> bool {
    if key.is_empty() || stored.is_empty() {
        return false;
    }
    hash(key).as_bytes().ct_eq(stored.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_readable_and_match_only_themselves() {
        let a = generate();
        let b = generate();
        assert_eq!(a.len(), LEN);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
        let stored = hash(&a);
        assert!(matches(&a, &stored));
        assert!(matches(&a.to_lowercase(), &stored), "typed in lower case");
        assert!(matches(&format!("{} {}", &a[..5], &a[5..]), &stored));
        assert!(!matches(&b, &stored));
        assert!(!matches("", &stored));
        assert!(!matches(&a, ""));
    }
}
