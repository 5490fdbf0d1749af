//! What the services' and the gateway's tests share: the test secret and its keys,
//! tokens, which database the suite runs on, a fresh database per test
//! ([`FreshDatabase`]), a gRPC server on port 0 ([`spawn_grpc`]), a raw HTTP/1.1 client
//! ([`http`]) and waiting for something to come up ([`wait_until`]).
//!
//! Service-specific fixtures (test procedures, centres, clocks) stay in each crate's
//! `tests/common`.

mod database;
mod grpc;
pub mod http;
mod wait;

use onestop_kit::Role;
use onestop_kit::auth::TokenKeys;

pub use database::FreshDatabase;
pub use grpc::{Spawned, spawn_grpc};
pub use http::{Reply, free_port};
pub use wait::{accepts, wait_until};

/// The secret every test server verifies tokens with.
pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";

/// The variable naming a PostgreSQL server to run the suites on (a fresh schema per
/// test); without it they run on SQLite.
pub const POSTGRES_ENV: &str = "ONESTOP_TEST_POSTGRES_URL";

/// The variable naming a Redis server for the tests that fan out through one.
pub const REDIS_ENV: &str = "ONESTOP_TEST_REDIS_URL";

/// Keys from [`SECRET`].
pub fn keys() -> TokenKeys {
    TokenKeys::from_secret(SECRET)
}

/// How long the tokens of [`token`] live: a working day, the longest a person's may.
pub fn token_ttl() -> chrono::Duration {
    chrono::Duration::hours(12)
}

/// A token signed with [`SECRET`] for `who` acting as `role` in `center` (`*` for every
/// centre), living [`token_ttl`].
pub fn token(who: &str, role: Role, center: &str) -> String {
    keys().issue(who, role, center, token_ttl())
}

/// Which database the suite runs on: `"postgres"` when [`POSTGRES_ENV`] is set, else
/// `"sqlite"`.
pub fn backend() -> &'static str {
    if postgres_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// The PostgreSQL server of [`POSTGRES_ENV`], if set.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_ENV).ok()
}

/// The Redis server of [`REDIS_ENV`], if set.
pub fn redis_url() -> Option<String> {
    std::env::var(REDIS_ENV).ok()
}

/// A name no other call in any test process returns (time, process id, a counter):
/// for schemas, namespaces, ids.
pub fn unique() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_nanos();
    format!(
        "{:x}{:x}{}",
        nanos,
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_tokens_verify() {
        assert_ne!(unique(), unique());
        let claims = keys().verify(&token("lan", Role::Admin, "*")).unwrap();
        assert_eq!((claims.sub.as_str(), claims.center.as_str()), ("lan", "*"));
        assert_eq!(claims.role, Role::Admin);
    }
}
