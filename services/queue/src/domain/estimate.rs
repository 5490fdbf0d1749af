//! Expected wait from recent service times and the counters open for a line.

/// Minutes assumed per citizen before a line has three finished services today.
pub const DEFAULT_SERVICE_MINUTES: f64 = 8.0;

/// Expected wait in minutes with a low–high range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitEstimate {
    /// Most likely.
    pub minutes: u32,
    /// Optimistic.
    pub low: u32,
    /// Pessimistic.
    pub high: u32,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - pos.floor())
}

/// The wait of a ticket with `ahead` tickets before it, given recent service
/// durations (minutes) of its line and the counters open for it (at least one assumed).
pub fn estimate(ahead: u32, recent_minutes: &[f64], open_counters: u32) -> WaitEstimate {
    let (low_m, mid_m, high_m) = if recent_minutes.len() < 3 {
        (
            DEFAULT_SERVICE_MINUTES * 0.6,
            DEFAULT_SERVICE_MINUTES,
            DEFAULT_SERVICE_MINUTES * 1.5,
        )
    } else {
        let mut sorted = recent_minutes.to_vec();
        sorted.sort_by(f64::total_cmp);
        (
            quantile(&sorted, 0.25),
            quantile(&sorted, 0.5),
            quantile(&sorted, 0.75),
        )
    };
    let counters = f64::from(open_counters.max(1));
    let ahead = f64::from(ahead);
    WaitEstimate {
        minutes: ((ahead + 0.5) * mid_m / counters).round() as u32,
        low: (ahead * low_m / counters).floor() as u32,
        high: ((ahead + 1.0) * high_m / counters).ceil() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_counters_shorten_the_wait_and_the_range_holds_the_estimate() {
        let recent = [4.0, 5.0, 6.0, 7.0, 8.0];
        let one = estimate(6, &recent, 1);
        let two = estimate(6, &recent, 2);
        assert!(two.minutes < one.minutes);
        for e in [one, two] {
            assert!(e.low <= e.minutes && e.minutes <= e.high, "{e:?}");
        }
        assert_eq!(one.minutes, 39); // 6.5 people × 6 minutes
    }

    #[test]
    fn without_history_the_default_service_time_is_used() {
        let e = estimate(2, &[], 0);
        assert_eq!(e.minutes, 20);
    }

    #[test]
    fn first_in_line_waits_about_half_a_service() {
        let e = estimate(0, &[10.0, 10.0, 10.0], 1);
        assert_eq!((e.low, e.minutes, e.high), (0, 5, 10));
    }
}
