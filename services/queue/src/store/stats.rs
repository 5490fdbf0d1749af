//! Queue statistics over a period, computed from tickets and the counter log.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::entity::TicketState;
use super::rows::{CounterLogRow, CounterRow, TicketRow};

/// Totals for one line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineTotals {
    /// Tickets issued.
    pub issued: i32,
    /// Served to the end.
    pub served: i32,
    /// Did not come.
    pub no_show: i32,
    /// Mean service minutes.
    pub service_minutes_avg: f64,
}

/// Totals for one counter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CounterTotals {
    /// Number on the board.
    pub number: i32,
    /// Tickets finished there.
    pub served: i32,
    /// Mean service minutes.
    pub service_minutes_avg: f64,
    /// Minutes open (including paused).
    pub open_minutes: f64,
    /// Minutes paused.
    pub pause_minutes: f64,
    /// Open, not paused, not serving.
    pub idle_minutes: f64,
}

/// The period's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueTotals {
    /// Tickets issued.
    pub issued: i32,
    /// Served.
    pub served: i32,
    /// No-shows.
    pub no_show: i32,
    /// Cancelled.
    pub cancelled: i32,
    /// Expired at closing.
    pub expired: i32,
    /// Median minutes from issue to first call.
    pub wait_p50: f64,
    /// 90th percentile of the same.
    pub wait_p90: f64,
    /// Per line.
    pub lines: BTreeMap<String, LineTotals>,
    /// Per counter id.
    pub counters: BTreeMap<String, CounterTotals>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn minutes(ms: i64) -> f64 {
    ms as f64 / 60_000.0
}

/// Computes the figures of `[from, to)` from the tickets issued then and the counter
/// log up to `to`.
pub fn totals(
    tickets: &[TicketRow],
    log: &[CounterLogRow],
    counters: &[CounterRow],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueueTotals {
    let mut t = QueueTotals::default();
    let mut waits = Vec::new();
    let mut line_service: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut counter_service: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for k in tickets {
        t.issued += 1;
        let line = t.lines.entry(k.numbered_line.clone()).or_default();
        line.issued += 1;
        match k.status {
            TicketState::Done => {
                t.served += 1;
                line.served += 1;
            }
            TicketState::NoShow => {
                t.no_show += 1;
                line.no_show += 1;
            }
            TicketState::Cancelled => t.cancelled += 1,
            TicketState::Expired => t.expired += 1,
            _ => {}
        }
        if let Some(called) = k.first_called_at {
            waits.push(minutes(called - k.issued_at));
        }
        if let (Some(start), Some(end), TicketState::Done) = (k.serving_at, k.finished_at, k.status)
        {
            line_service
                .entry(k.line_code.clone())
                .or_default()
                .push(minutes(end - start));
            if let Some(c) = &k.counter_id {
                counter_service
                    .entry(c.clone())
                    .or_default()
                    .push(minutes(end - start));
            }
        }
    }
    waits.sort_by(f64::total_cmp);
    t.wait_p50 = percentile(&waits, 0.5);
    t.wait_p90 = percentile(&waits, 0.9);
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    for (line, spans) in &line_service {
        t.lines.entry(line.clone()).or_default().service_minutes_avg = mean(spans);
    }
    let (from_ms, to_ms) = (from.timestamp_millis(), to.timestamp_millis());
    for c in counters {
        let spans = counter_service
            .get(&c.counter_id)
            .cloned()
            .unwrap_or_default();
        let mut totals = CounterTotals {
            number: c.number,
            served: spans.len() as i32,
            service_minutes_avg: mean(&spans),
            ..Default::default()
        };
        // walk the log: each entry starts a state that lasts until the next entry
        let entries: Vec<&CounterLogRow> = log
            .iter()
            .filter(|l| l.counter_id == c.counter_id)
            .collect();
        for (i, entry) in entries.iter().enumerate() {
            let end = entries.get(i + 1).map_or(to_ms, |n| n.at).min(to_ms);
            let start = entry.at.max(from_ms);
            if end <= start {
                continue;
            }
            let span = minutes(end - start);
            match entry.status.as_str() {
                "open" => totals.open_minutes += span,
                "paused" => {
                    totals.open_minutes += span;
                    totals.pause_minutes += span;
                }
                _ => {}
            }
        }
        let busy: f64 = spans.iter().sum();
        totals.idle_minutes = (totals.open_minutes - totals.pause_minutes - busy).max(0.0);
        t.counters.insert(c.counter_id.clone(), totals);
    }
    t
}
