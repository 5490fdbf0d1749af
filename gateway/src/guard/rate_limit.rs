//! The rate limits on the public actions: per client IP and per centre, per minute (fixed
//! windows aligned on the clock). Counted in process by default, in Redis when a URL is
//! configured so every replica shares one budget; if Redis fails the request is counted
//! in process instead (and the outage logged once), so the limits hold, per replica.
//! Behind trusted proxies the client is read from `X-Forwarded-For` ([`super::proxies`]).

use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use onestop_kit::config::GatewayLimits;

use super::proxies::TrustedProxies;
use super::redis_store::RedisWindows;
pub(crate) use super::windows::Verdict;
use super::windows::Windows;

/// Length of a window, in seconds: the limits are per minute.
pub(crate) const WINDOW_SECS: u64 = 60;
/// Most keys (clients and centres) the in-process table holds in one window.
pub(crate) const MAX_KEYS: usize = 100_000;

/// The per-IP and per-centre budgets and where they are counted.
pub(crate) struct Limiter {
    per_ip: u32,
    per_center: u32,
    local: Mutex<Windows>,
    redis: Option<RedisWindows>,
    /// Whether Redis is failing (so the outage is logged once, and its end).
    redis_down: AtomicBool,
    /// The proxies whose `X-Forwarded-For` names the client.
    proxies: TrustedProxies,
}

impl Limiter {
    /// The budgets of `limits`, shared through Redis at `redis_url` if given (an URL
    /// Redis cannot parse is logged and counted in process).
    pub(crate) fn new(limits: &GatewayLimits, redis_url: Option<&str>) -> Self {
        let redis = redis_url
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .and_then(|url| match RedisWindows::new(url, WINDOW_SECS) {
                Ok(redis) => Some(redis),
                Err(e) => {
                    tracing::error!(error = %e, "rate limits: the Redis URL is not usable, counting in this process");
                    None
                }
            });
        Self {
            per_ip: limits.per_ip_per_minute.max(1),
            per_center: limits.per_center_per_minute.max(1),
            local: Mutex::new(Windows::new(WINDOW_SECS, MAX_KEYS)),
            redis,
            redis_down: AtomicBool::new(false),
            proxies: TrustedProxies::new(&limits.trusted_proxies),
        }
    }

    /// The client whose budget a request from `peer` with `headers` spends: the peer, or
    /// behind a trusted proxy the address it forwarded for (see [`TrustedProxies::client`]).
    pub(crate) fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        peer.map(|peer| self.proxies.client(peer, headers))
    }

    /// Counts one public action by `ip` for `center`: refused if the client's budget is
    /// spent (the centre's is then not touched), or the centre's.
    pub(crate) async fn admit(&self, ip: Option<IpAddr>, center: Option<&str>) -> Verdict {
        if let Some(ip) = ip {
            let verdict = self.hit(&ip_key(ip), self.per_ip).await;
            if verdict != Verdict::Allowed {
                return verdict;
            }
        }
        match center {
            Some(center) => self.hit(&format!("center:{center}"), self.per_center).await,
            None => Verdict::Allowed,
        }
    }

    async fn hit(&self, key: &str, limit: u32) -> Verdict {
        let now = unix_now();
        if let Some(redis) = &self.redis {
            match redis.hit(key, limit, now).await {
                Ok(verdict) => {
                    if self.redis_down.swap(false, Ordering::Relaxed) {
                        tracing::info!("rate limits: Redis is back, counting there again");
                    }
                    return verdict;
                }
                Err(e) => {
                    if !self.redis_down.swap(true, Ordering::Relaxed) {
                        tracing::warn!(error = %e, "rate limits: Redis unavailable, counting in this process until it is back");
                    }
                }
            }
        }
        self.local
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .hit(key, limit, now)
    }
}

/// The client key of `ip`: the address, or for IPv6 its /64 network (what one
/// subscriber usually holds whole).
pub(crate) fn ip_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_per_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(ip_key(a), ip_key(b));
        assert_eq!(ip_key("::ffff:10.0.0.1".parse().unwrap()), "ip:10.0.0.1");
        assert_eq!(ip_key("10.0.0.1".parse().unwrap()), "ip:10.0.0.1");
    }

    #[tokio::test]
    async fn the_client_budget_is_checked_before_the_centre_budget() {
        let limits = GatewayLimits {
            per_ip_per_minute: 2,
            per_center_per_minute: 3,
            ..GatewayLimits::default()
        };
        let limiter = Limiter::new(&limits, None);
        let one: IpAddr = "10.0.0.1".parse().unwrap();
        let two: IpAddr = "10.0.0.2".parse().unwrap();
        let mut allowed = 0;
        for ip in [one, one, one, two, two, two] {
            if limiter.admit(Some(ip), Some("c")).await == Verdict::Allowed {
                allowed += 1;
            }
        }
        // 2 from one, then the centre's third from two; a window edge may allow more
        assert!((3..=5).contains(&allowed), "{allowed}");
    }

    #[tokio::test]
    async fn forwarded_clients_of_a_trusted_proxy_get_their_own_budgets() {
        let limits = GatewayLimits {
            per_ip_per_minute: 1,
            trusted_proxies: vec!["10.0.0.0/8".into()],
            ..GatewayLimits::default()
        };
        let limiter = Limiter::new(&limits, None);
        let forwarded = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-forwarded-for", value.parse().unwrap());
            headers
        };
        let balancer: IpAddr = "10.0.0.2".parse().unwrap();
        let stranger: IpAddr = "198.51.100.5".parse().unwrap();
        let mut allowed = Vec::new();
        for (peer, xff) in [
            (balancer, "203.0.113.1"),
            (balancer, "203.0.113.2"),
            (balancer, "203.0.113.1"),
            (balancer, "203.0.113.3, 203.0.113.2"),
            (stranger, "203.0.113.4"),
            (stranger, "203.0.113.5"),
        ] {
            let client = limiter.client_ip(Some(peer), &forwarded(xff));
            allowed.push(limiter.admit(client, None).await == Verdict::Allowed);
        }
        // a window may turn between two admits and allow one more; never fewer
        assert!(allowed[0] && allowed[1] && allowed[4], "{allowed:?}");
        assert!(
            allowed.iter().filter(|a| **a).count() <= 4,
            "a client escaped its budget: {allowed:?}"
        );
        assert_eq!(
            limiter.client_ip(Some(stranger), &forwarded("203.0.113.4")),
            Some(stranger)
        );
        assert_eq!(limiter.client_ip(None, &forwarded("203.0.113.4")), None);
    }

    #[tokio::test]
    async fn a_dead_redis_falls_back_to_counting_in_process() {
        let limits = GatewayLimits {
            per_ip_per_minute: 2,
            ..GatewayLimits::default()
        };
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("redis://{}", closed.local_addr().unwrap());
        drop(closed);
        let limiter = Limiter::new(&limits, Some(&url));
        let ip: IpAddr = "10.0.0.9".parse().unwrap();
        let mut refused = 0;
        for _ in 0..5 {
            if limiter.admit(Some(ip), None).await != Verdict::Allowed {
                refused += 1;
            }
        }
        assert!(refused >= 2, "{refused}");
        assert!(limiter.redis_down.load(Ordering::Relaxed));
    }
}
