//! Who the client is behind trusted proxies: a load balancer in front of the gateway is
//! every client's TCP peer, so the per-IP budget would be one budget for everyone. When
//! the peer is a trusted proxy ([`GatewayLimits::trusted_proxies`]), the client is the
//! right-most `X-Forwarded-For` address that is not itself a trusted proxy: each proxy
//! appends the address it heard from, so everything to the left of that address was
//! written by the client and may be forged. A request from any other peer is counted
//! against the peer, whatever its `X-Forwarded-For` says.
//!
//! [`GatewayLimits::trusted_proxies`]: onestop_kit::config::GatewayLimits::trusted_proxies

use std::net::{IpAddr, Ipv6Addr};

use axum::http::HeaderMap;

/// The header proxies append the address they heard from to.
const FORWARDED_FOR: &str = "x-forwarded-for";

/// One trusted range: a network address and its prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    network: IpAddr,
    prefix: u32,
}

impl Range {
    /// `10.0.0.5` (one address), `10.0.0.0/8` or `fd00::/8`; `None` if it is neither. An
    /// IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) is kept as its IPv4 range.
    fn parse(entry: &str) -> Option<Self> {
        let entry = entry.trim();
        let (addr, prefix) = match entry.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (entry, None),
        };
        let network: IpAddr = addr.parse().ok()?;
        let bits = bits_of(network);
        let prefix = match prefix {
            None => bits,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u32>().ok().filter(|p| *p <= bits)?
            }
            Some(_) => return None,
        };
        Some(match network {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => Range {
                    network: IpAddr::V4(v4),
                    prefix: prefix - 96,
                },
                None => Range { network, prefix },
            },
            _ => Range { network, prefix },
        })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u128::from(u32::from(net)), self.prefix, 32)
                    == masked(u128::from(u32::from(ip)), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), self.prefix, 128)
                    == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn bits_of(ip: IpAddr) -> u32 {
    match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// The top `prefix` bits of a `bits`-wide address.
fn masked(value: u128, prefix: u32, bits: u32) -> u128 {
    if prefix == 0 {
        0
    } else {
        value >> (bits - prefix)
    }
}

/// The configured trusted proxies.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustedProxies {
    ranges: Vec<Range>,
}

impl TrustedProxies {
    /// The usable entries of `entries`; an unparsable one (the configuration's validation
    /// refuses it, so only a hand-built configuration has one) is logged and skipped.
    pub(crate) fn new(entries: &[String]) -> Self {
        let ranges = entries
            .iter()
            .filter_map(|entry| {
                let range = Range::parse(entry);
                if range.is_none() {
                    tracing::error!(entry = %entry, "gateway.trusted_proxies: not an IP address or CIDR range, ignored");
                }
                range
            })
            .collect();
        Self { ranges }
    }

    /// Whether `ip` is a trusted proxy.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        self.ranges.iter().any(|r| r.contains(ip))
    }

    /// The client of a request that came from `peer` with `headers`: the peer itself
    /// unless it is a trusted proxy; then, reading `X-Forwarded-For` (every such header,
    /// in order) from the right, the first address that is not a trusted proxy. If every
    /// address is a trusted proxy, the left-most; if one cannot be read, the trusted hop
    /// to its right (no budget is taken from a client that cannot be named).
    pub(crate) fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if self.ranges.is_empty() || !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all(FORWARDED_FOR)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                break;
            };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`) as some proxies write it.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(addr) = hop.parse::<std::net::SocketAddr>() {
        return Some(addr.ip().to_canonical());
    }
    // `[2001:db8::1]` without a port
    hop.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse::<Ipv6Addr>().ok())
        .map(|v6| IpAddr::V6(v6).to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(entries: &[&str]) -> TrustedProxies {
        TrustedProxies::new(&entries.iter().map(|e| e.to_string()).collect::<Vec<_>>())
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(FORWARDED_FOR, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn addresses_and_ranges() {
        let p = proxies(&[
            "10.0.0.0/8",
            " 192.168.1.10 ",
            "fd00::/8",
            "::ffff:172.16.0.0/108",
            "not-an-address",
            "10.0.0.0/40",
        ]);
        assert_eq!(p.ranges.len(), 4);
        assert!(p.contains(ip("10.200.3.4")));
        assert!(p.contains(ip("::ffff:10.1.1.1")));
        assert!(!p.contains(ip("11.0.0.1")));
        assert!(p.contains(ip("192.168.1.10")));
        assert!(!p.contains(ip("192.168.1.11")));
        assert!(p.contains(ip("fd12:3456::1")));
        assert!(!p.contains(ip("fe80::1")));
        assert!(p.contains(ip("172.16.9.9")));
        assert!(!p.contains(ip("172.32.0.1")));
        assert!(proxies(&["0.0.0.0/0"]).contains(ip("203.0.113.9")));
        assert!(!proxies(&["0.0.0.0/0"]).contains(ip("2001:db8::1")));
        assert!(!proxies(&[]).contains(ip("127.0.0.1")));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let peer = ip("203.0.113.7");
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(proxies(&[]).client(peer, &headers), peer);
        assert_eq!(proxies(&["10.0.0.0/8"]).client(peer, &headers), peer);
    }

    #[test]
    fn behind_trusted_proxies_the_client_is_the_right_most_untrusted_hop() {
        let p = proxies(&["10.0.0.0/8", "127.0.0.1"]);
        let lb = ip("10.0.0.2");
        // the balancer appended the client's address
        assert_eq!(
            p.client(lb, &forwarded(&["203.0.113.7"])),
            ip("203.0.113.7")
        );
        // a forged entry to the left is not believed
        assert_eq!(
            p.client(lb, &forwarded(&["198.51.100.1, 203.0.113.7"])),
            ip("203.0.113.7")
        );
        // two trusted hops (a CDN edge, then the balancer), several header lines
        assert_eq!(
            p.client(
                lb,
                &forwarded(&["198.51.100.1", "203.0.113.7 , 10.9.9.9", "127.0.0.1"])
            ),
            ip("203.0.113.7")
        );
        // ports and brackets as some proxies write them
        assert_eq!(
            p.client(lb, &forwarded(&["203.0.113.7:51234"])),
            ip("203.0.113.7")
        );
        assert_eq!(
            p.client(lb, &forwarded(&["[2001:db8::7]:443"])),
            ip("2001:db8::7")
        );
        assert_eq!(
            p.client(lb, &forwarded(&["[2001:db8::8]"])),
            ip("2001:db8::8")
        );
        assert_eq!(
            p.client(lb, &forwarded(&["::ffff:203.0.113.9"])),
            ip("203.0.113.9")
        );
        // no header: the proxy itself
        assert_eq!(p.client(lb, &HeaderMap::new()), lb);
        // every hop trusted: the left-most
        assert_eq!(
            p.client(lb, &forwarded(&["10.1.1.1, 10.2.2.2"])),
            ip("10.1.1.1")
        );
        // an unreadable hop: the trusted hop to its right
        assert_eq!(
            p.client(lb, &forwarded(&["203.0.113.7, garbage, 10.3.3.3"])),
            ip("10.3.3.3")
        );
        assert_eq!(p.client(lb, &forwarded(&["unknown"])), lb);
    }
}
