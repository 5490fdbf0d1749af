//! The display screens' live feed: board events as JSON, sent as Server-Sent Events
//! whose `id:` is the event's sequence, so that a browser reconnecting after a network
//! blip sends `Last-Event-ID` and the queue service replays exactly what it missed.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, StreamExt};
use onestop_proto::queue::v1 as pb;
use serde::Serialize;

/// How long the browser waits before reconnecting after the stream ends.
pub const RETRY: Duration = Duration::from_secs(3);
/// Quiet time after which a keep-alive is sent.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// A call older than this is shown but not chimed or spoken again (it was replayed
/// after a long outage).
const STALE_AFTER_SECONDS: i64 = 60;

/// The short name of an event kind, as the display page's script expects it.
pub fn kind_name(kind: pb::BoardEventKind) -> &'static str {
    match kind {
        pb::BoardEventKind::Snapshot => "snapshot",
        pb::BoardEventKind::Called => "called",
        pb::BoardEventKind::Recalled => "recalled",
        pb::BoardEventKind::Serving => "serving",
        pb::BoardEventKind::Finished => "finished",
        pb::BoardEventKind::NoShow => "no_show",
        pb::BoardEventKind::CounterOpened => "counter_opened",
        pb::BoardEventKind::CounterPaused => "counter_paused",
        pb::BoardEventKind::CounterClosed => "counter_closed",
        pb::BoardEventKind::WaitingChanged => "waiting_changed",
        pb::BoardEventKind::Unspecified => "unspecified",
    }
}

fn counter_status(s: pb::CounterStatus) -> &'static str {
    match s {
        pb::CounterStatus::Open => "open",
        pb::CounterStatus::Paused => "paused",
        pb::CounterStatus::Closed => "closed",
        pb::CounterStatus::Unspecified => "unspecified",
    }
}

fn ticket_status(s: pb::TicketStatus) -> &'static str {
    match s {
        pb::TicketStatus::Waiting => "waiting",
        pb::TicketStatus::Called => "called",
        pb::TicketStatus::Serving => "serving",
        pb::TicketStatus::Parked => "parked",
        pb::TicketStatus::Done => "done",
        pb::TicketStatus::NoShow => "no_show",
        pb::TicketStatus::Cancelled => "cancelled",
        pb::TicketStatus::Expired => "expired",
        pb::TicketStatus::Unspecified => "",
    }
}

/// A board event as the display page receives it.
#[derive(Debug, Serialize)]
pub struct BoardEventJson<'a> {
    /// Per-centre sequence, also the SSE `id:`.
    pub sequence: i64,
    /// `called`, `recalled`, …, `snapshot`.
    pub kind: &'static str,
    /// The centre.
    pub center_id: &'a str,
    /// When it happened, RFC 3339 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Older than a minute when sent: show it, do not announce it.
    pub stale: bool,
    /// Ticket concerned, e.g. `A012`.
    pub ticket_number: &'a str,
    /// Counter concerned (0: none).
    pub counter_number: i32,
    /// Service line concerned.
    pub service_code: &'a str,
    /// Waiting tickets per line after the event (lines absent: none waiting).
    pub waiting: BTreeMap<&'a str, i32>,
    /// The call on screen, Vietnamese.
    pub announcement_vi: &'a str,
    /// The call on screen, English.
    pub announcement_en: &'a str,
    /// The call as it should be spoken.
    pub speech_vi: &'a str,
    /// The whole board, on snapshots only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<SnapshotJson<'a>>,
}

/// The whole board.
#[derive(Debug, Serialize)]
pub struct SnapshotJson<'a> {
    /// Every counter.
    pub counters: Vec<CounterJson<'a>>,
    /// Most recent calls, newest first.
    pub recent_calls: &'a [String],
    /// Waiting tickets per line.
    pub waiting: BTreeMap<&'a str, i32>,
}

/// One counter on the board.
#[derive(Debug, Serialize)]
pub struct CounterJson<'a> {
    /// Number shown and spoken.
    pub counter_number: i32,
    /// `open`, `paused`, `closed`.
    pub status: &'static str,
    /// Ticket called or served there, empty if none.
    pub ticket_number: &'a str,
    /// `called`, `serving`, … or empty.
    pub ticket_status: &'static str,
}

fn waiting(map: &std::collections::HashMap<String, i32>) -> BTreeMap<&str, i32> {
    map.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

/// `event` as the display page's JSON, judged stale against `now`.
pub fn to_json(event: &pb::BoardEvent, now: chrono::DateTime<chrono::Utc>) -> BoardEventJson<'_> {
    let time = event
        .time
        .as_ref()
        .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32));
    BoardEventJson {
        sequence: event.sequence,
        kind: kind_name(event.kind()),
        center_id: &event.center_id,
        time: time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        stale: time.is_some_and(|t| (now - t).num_seconds() > STALE_AFTER_SECONDS),
        ticket_number: &event.ticket_number,
        counter_number: event.counter_number,
        service_code: &event.service_code,
        waiting: waiting(&event.waiting),
        announcement_vi: &event.announcement_vi,
        announcement_en: &event.announcement_en,
        speech_vi: &event.speech_vi,
        snapshot: event.snapshot.as_ref().map(|s| SnapshotJson {
            counters: s
                .counters
                .iter()
                .map(|c| CounterJson {
                    counter_number: c.counter_number,
                    status: counter_status(c.status()),
                    ticket_number: &c.ticket_number,
                    ticket_status: ticket_status(c.ticket_status()),
                })
                .collect(),
            recent_calls: &s.recent_calls,
            waiting: waiting(&s.waiting),
        }),
    }
}

/// One SSE message for `event`: `id:` its sequence, `data:` its JSON.
pub fn to_sse(event: &pb::BoardEvent) -> Event {
    let json =
        serde_json::to_string(&to_json(event, chrono::Utc::now())).unwrap_or_else(|_| "{}".into());
    Event::default().id(event.sequence.to_string()).data(json)
}

/// Where a (re)connecting screen resumes: the `Last-Event-ID` header the browser sends
/// on reconnect wins over the `?after=` of the URL; 0 asks for a fresh snapshot.
pub fn resume_from(headers: &HeaderMap, after: Option<&str>) -> i64 {
    let header = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_sequence);
    header
        .or_else(|| after.and_then(parse_sequence))
        .unwrap_or(0)
}

fn parse_sequence(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok().filter(|n| *n >= 0)
}

/// The keep-alive sent after 15 quiet seconds: a comment for proxies and a `ping`
/// event the page's watchdog sees (comments never reach the script).
fn keep_alive() -> KeepAlive {
    KeepAlive::new().interval(KEEP_ALIVE).event(
        Event::default()
            .comment("keep-alive")
            .event("ping")
            .data("1"),
    )
}

/// The SSE response over a WatchBoard stream: a `retry:` hint, then every event until
/// the gRPC stream ends or fails, then the end of the response (the browser reconnects
/// with `Last-Event-ID`).
pub fn sse(upstream: tonic::Streaming<pb::BoardEvent>) -> Response {
    let hello = stream::iter([Ok::<_, Infallible>(
        Event::default().retry(RETRY).comment("connected"),
    )]);
    let events = stream::unfold(upstream, |mut upstream| async move {
        match upstream.message().await {
            Ok(Some(event)) => Some((Ok(to_sse(&event)), upstream)),
            Ok(None) => None,
            Err(status) => {
                tracing::warn!(code = ?status.code(), message = status.message(), "board stream failed");
                None
            }
        }
    });
    let mut response = Sse::new(hello.chain(events))
        .keep_alive(keep_alive())
        .into_response();
    // reverse proxies (nginx) must pass events on at once, not buffer them
    response.headers_mut().insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    response
}

/// An SSE response that only tells the browser to try again shortly (the queue
/// service is unreachable). A non-200 answer would make EventSource give up for good.
pub fn retry_later(reason: &str) -> Response {
    let reason: String = reason
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let events = stream::iter([Ok::<_, Infallible>(
        Event::default()
            .retry(RETRY)
            .comment(format!("upstream unavailable: {reason}")),
    )]);
    Sse::new(events).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_alive_is_a_comment_and_a_ping() {
        let _ = keep_alive();
    }

    #[test]
    fn resume_prefers_the_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(resume_from(&headers, None), 0);
        assert_eq!(resume_from(&headers, Some("7")), 7);
        assert_eq!(resume_from(&headers, Some("-2")), 0);
        headers.insert("last-event-id", "12".parse().unwrap());
        assert_eq!(resume_from(&headers, Some("7")), 12);
        headers.insert("last-event-id", "junk".parse().unwrap());
        assert_eq!(resume_from(&headers, Some("7")), 7);
    }

    #[test]
    fn called_event_as_json() {
        let event = pb::BoardEvent {
            center_id: "muong-sai".into(),
            sequence: 42,
            time: Some(prost_types::Timestamp {
                seconds: 1_700_000_000,
                nanos: 0,
            }),
            kind: pb::BoardEventKind::Called as i32,
            ticket_number: "A012".into(),
            counter_number: 3,
            service_code: "ho-tich".into(),
            waiting: [("ho-tich".to_string(), 4)].into_iter().collect(),
            announcement_vi: "Mời công dân có số thứ tự A012 đến quầy số 3".into(),
            speech_vi: "Mời công dân có số thứ tự A, không, một, hai, đến quầy số ba".into(),
            ..Default::default()
        };
        let now = chrono::DateTime::from_timestamp(1_700_000_010, 0).unwrap();
        let json = serde_json::to_value(to_json(&event, now)).unwrap();
        assert_eq!(json["sequence"], 42);
        assert_eq!(json["kind"], "called");
        assert_eq!(json["ticket_number"], "A012");
        assert_eq!(json["counter_number"], 3);
        assert_eq!(json["waiting"]["ho-tich"], 4);
        assert_eq!(json["stale"], false);
        assert!(json.get("snapshot").is_none());
        let later = chrono::DateTime::from_timestamp(1_700_000_600, 0).unwrap();
        assert_eq!(
            serde_json::to_value(to_json(&event, later)).unwrap()["stale"],
            true
        );
    }
}
