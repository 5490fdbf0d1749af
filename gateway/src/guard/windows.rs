//! The in-process counters: fixed windows (a minute, aligned on the clock so replicas
//! and Redis agree), one count per key in the current window. When a window ends every
//! count is dropped, so memory holds one window's keys, and at most `max_keys` of them:
//! keys that do not fit share one overflow count with the same limit, so a flood of new
//! addresses or centres cannot grow the table nor escape the limit.

use std::collections::HashMap;

/// Whether a request may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Within the budget; counted.
    Allowed,
    /// Over the budget until the window ends, in this many seconds (at least 1).
    Refused {
        /// Seconds until the next window, for `Retry-After`.
        retry_after_secs: u64,
    },
}

impl Verdict {
    /// The verdict for the `count`-th request (from 1) of a window with `limit`, at
    /// `now` (Unix seconds) in windows of `window_secs`.
    pub(crate) fn of(count: u64, limit: u32, now: u64, window_secs: u64) -> Self {
        if count <= u64::from(limit) {
            Verdict::Allowed
        } else {
            Verdict::Refused {
                retry_after_secs: seconds_left(now, window_secs),
            }
        }
    }
}

/// Seconds from `now` to the start of the next window (1 to `window_secs`).
pub(crate) fn seconds_left(now: u64, window_secs: u64) -> u64 {
    window_secs - now % window_secs
}

/// Counts per key in the current fixed window.
#[derive(Debug)]
pub(crate) struct Windows {
    window_secs: u64,
    max_keys: usize,
    /// Index (`now / window_secs`) of the window `counts` belong to.
    current: u64,
    counts: HashMap<Box<str>, u32>,
    /// The shared count of keys that did not fit.
    overflow: u32,
}

impl Windows {
    /// Empty counters for windows of `window_secs` holding at most `max_keys` keys.
    pub(crate) fn new(window_secs: u64, max_keys: usize) -> Self {
        Self {
            window_secs: window_secs.max(1),
            max_keys: max_keys.max(1),
            current: 0,
            counts: HashMap::new(),
            overflow: 0,
        }
    }

    /// Counts one request for `key` at `now` (Unix seconds) against `limit` per window;
    /// a refused request is not counted.
    pub(crate) fn hit(&mut self, key: &str, limit: u32, now: u64) -> Verdict {
        let window = now / self.window_secs;
        if window != self.current {
            self.current = window;
            self.counts.clear();
            self.overflow = 0;
            // give back what a burst of keys took
            if self.counts.capacity() > 1024 {
                self.counts.shrink_to(1024);
            }
        }
        let count = if let Some(count) = self.counts.get_mut(key) {
            count
        } else if self.counts.len() < self.max_keys {
            self.counts.entry(key.into()).or_insert(0)
        } else {
            &mut self.overflow
        };
        let verdict = Verdict::of(u64::from(*count) + 1, limit, now, self.window_secs);
        if verdict == Verdict::Allowed {
            *count += 1;
        }
        verdict
    }

    /// How many keys the current window holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.counts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_780_000_040; // 20 s into a minute

    #[test]
    fn a_key_gets_its_limit_per_window_then_a_retry_time() {
        let mut w = Windows::new(60, 100);
        for _ in 0..3 {
            assert_eq!(w.hit("ip:1", 3, T0), Verdict::Allowed);
        }
        assert_eq!(
            w.hit("ip:1", 3, T0 + 5),
            Verdict::Refused {
                retry_after_secs: 35
            }
        );
        // another key has its own budget
        assert_eq!(w.hit("ip:2", 3, T0 + 5), Verdict::Allowed);
        // the last second of the window still refuses, with 1 s to wait
        assert_eq!(
            w.hit("ip:1", 3, T0 + 39),
            Verdict::Refused {
                retry_after_secs: 1
            }
        );
    }

    #[test]
    fn the_next_window_starts_afresh_and_drops_old_keys() {
        let mut w = Windows::new(60, 100);
        for i in 0..50 {
            w.hit(&format!("ip:{i}"), 1, T0);
        }
        assert_eq!(
            w.hit("ip:0", 1, T0),
            Verdict::Refused {
                retry_after_secs: 40
            }
        );
        assert_eq!(w.len(), 50);
        let next = T0 + 40; // the next minute's first second
        assert_eq!(w.hit("ip:0", 1, next), Verdict::Allowed);
        assert_eq!(w.len(), 1, "the old window's keys are gone");
    }

    #[test]
    fn keys_past_the_cap_share_one_overflow_budget() {
        let mut w = Windows::new(60, 10);
        for i in 0..10 {
            assert_eq!(w.hit(&format!("ip:{i}"), 2, T0), Verdict::Allowed);
        }
        assert_eq!(w.len(), 10);
        // a flood of new keys: together they get one key's budget, and no memory
        assert_eq!(w.hit("ip:new-1", 2, T0), Verdict::Allowed);
        assert_eq!(w.hit("ip:new-2", 2, T0), Verdict::Allowed);
        for i in 3..10_000 {
            assert!(matches!(
                w.hit(&format!("ip:new-{i}"), 2, T0),
                Verdict::Refused { .. }
            ));
        }
        assert_eq!(w.len(), 10);
        // known keys keep their own count
        assert_eq!(w.hit("ip:0", 2, T0), Verdict::Allowed);
        // and the next window has room again
        assert_eq!(w.hit("ip:new-1", 2, T0 + 60), Verdict::Allowed);
        assert_eq!(w.len(), 1);
    }
}
