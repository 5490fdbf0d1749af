//! The counters shared by every gateway replica through Redis: one key per client or
//! centre per window, `onestop-rl:{window}:{key}`, counted with `INCR` and dropped by
//! `EXPIRE` once the window is over. Any failure is returned, for the caller to count in
//! process instead; after a failed connect no new one is tried for a few seconds, so a
//! Redis that is down costs the requests nothing.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client};

use super::windows::Verdict;

/// Namespace of the rate-limit keys.
pub(crate) const KEY_PREFIX: &str = "onestop-rl:";
/// Longest wait for a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Longest wait for an answer.
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
/// How long after a failed connect Redis is left alone.
const RECONNECT_AFTER: Duration = Duration::from_secs(5);

/// Why Redis could not count.
#[derive(Debug)]
pub(crate) struct Unavailable(pub String);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Shared counters in Redis.
pub(crate) struct RedisWindows {
    client: Client,
    window_secs: u64,
    /// The open connection (cloned per request; one socket, multiplexed).
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    /// No connect is tried before this instant (after a failure).
    quiet_until: Mutex<Option<Instant>>,
}

impl RedisWindows {
    /// Counters at `url` (`redis://…`), connected on first use.
    pub(crate) fn new(url: &str, window_secs: u64) -> Result<Self, Unavailable> {
        let client = Client::open(url).map_err(|e| Unavailable(e.to_string()))?;
        Ok(Self {
            client,
            window_secs: window_secs.max(1),
            connection: tokio::sync::Mutex::new(None),
            quiet_until: Mutex::new(None),
        })
    }

    /// The Redis key of `key` in the window of `now`.
    pub(crate) fn key(&self, key: &str, now: u64) -> String {
        format!("{KEY_PREFIX}{}:{key}", now / self.window_secs)
    }

    async fn connection(&self) -> Result<MultiplexedConnection, Unavailable> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let quiet = *self.quiet_until.lock().unwrap_or_else(|p| p.into_inner());
        if quiet.is_some_and(|until| Instant::now() < until) {
            return Err(Unavailable("Redis was unreachable moments ago".into()));
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT));
        match self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
        {
            Ok(connection) => {
                *slot = Some(connection.clone());
                Ok(connection)
            }
            Err(e) => {
                *self.quiet_until.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(Instant::now() + RECONNECT_AFTER);
                Err(Unavailable(e.to_string()))
            }
        }
    }

    /// Counts one request for `key` at `now` (Unix seconds) against `limit` per window.
    pub(crate) async fn hit(
        &self,
        key: &str,
        limit: u32,
        now: u64,
    ) -> Result<Verdict, Unavailable> {
        let mut connection = self.connection().await?;
        let key = self.key(key, now);
        let counted: Result<(u64,), _> = redis::pipe()
            .atomic()
            .cmd("INCR")
            .arg(&key)
            .cmd("EXPIRE")
            .arg(&key)
            .arg(self.window_secs * 2)
            .ignore()
            .query_async(&mut connection)
            .await;
        match counted {
            Ok((count,)) => Ok(Verdict::of(count, limit, now, self.window_secs)),
            Err(e) => {
                // a fresh connection next time
                *self.connection.lock().await = None;
                Err(Unavailable(e.to_string()))
            }
        }
    }
}
