//! Protobuf timestamps and the epoch milliseconds the services store.

/// Epoch milliseconds as a protobuf timestamp.
pub fn ts(ms: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

/// A protobuf timestamp as epoch milliseconds.
pub fn ms(t: &prost_types::Timestamp) -> i64 {
    t.seconds * 1000 + i64::from(t.nanos) / 1_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_round_trip_before_and_after_the_epoch() {
        for v in [0, 1, 999, 1_000, 1_764_123_456_789, -1, -1_001] {
            assert_eq!(ms(&ts(v)), v);
        }
        assert_eq!(ts(-1).nanos, 999_000_000);
    }
}
