//! The citizen's key: a short random code printed on a ticket or a receipt beside its
//! public code and carried in its QR link (`?k=…`). The public code only reads a status;
//! acting (cancel, rate, pay, feedback on it) needs the key. Only a keyed hash is stored
//! (HMAC-SHA256 with the deployment's citizen-key secret, so a copy of the database alone
//! cannot be searched for keys), and keys are compared in constant time.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;
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

/// Hashes and checks citizens' keys with one deployment secret (the same on every
/// replica: `auth.citizen_key_secret` or `data_dir/citizen-key-secret`).
#[derive(Clone)]
pub struct KeyHasher {
    secret: Arc<[u8]>,
}

impl std::fmt::Debug for KeyHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyHasher(..)")
    }
}

impl Default for KeyHasher {
    /// A hasher with a fixed, public secret: for tests and tools only; `onestop` always
    /// configures the deployment's own.
    fn default() -> Self {
        Self::new(b"onestop-citizen-keys-not-configured")
    }
}

impl KeyHasher {
    /// A hasher keyed with `secret`.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            secret: secret.into(),
        }
    }

    /// The stored form of a key: HMAC-SHA256 of the normalised key, hex.
    pub fn hash(&self, key: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(normalize(key).as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `key` is the one whose hash is `stored`; constant time in the key's content.
    pub fn matches(&self, key: &str, stored: &str) -> bool {
        if key.is_empty() || stored.is_empty() {
            return false;
        }
        self.hash(key).as_bytes().ct_eq(stored.as_bytes()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_readable_and_match_only_themselves() {
        let hasher = KeyHasher::new(b"0123456789abcdef0123456789abcdef");
        let a = generate();
        let b = generate();
        assert_eq!(a.len(), LEN);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
        let stored = hasher.hash(&a);
        assert!(hasher.matches(&a, &stored));
        assert!(
            hasher.matches(&a.to_lowercase(), &stored),
            "typed in lower case"
        );
        assert!(hasher.matches(&format!("{} {}", &a[..5], &a[5..]), &stored));
        assert!(!hasher.matches(&b, &stored));
        assert!(!hasher.matches("", &stored));
        assert!(!hasher.matches(&a, ""));
    }

    #[test]
    fn another_deployments_secret_gives_other_hashes() {
        let key = generate();
        let ours = KeyHasher::new(b"ours-ours-ours-ours-ours-ours-ours");
        let theirs = KeyHasher::new(b"theirs-theirs-theirs-theirs-theirs");
        assert_ne!(ours.hash(&key), theirs.hash(&key));
        assert!(!theirs.matches(&key, &ours.hash(&key)));
    }
}
