//! What one screen's stream carries: first a snapshot of the board, or the events it
//! missed when it can resume; then the live events strictly in sequence, any gap (a
//! lagging receiver, a hub that joined late) filled from the database.

use chrono::Utc;
use onestop_kit::ServiceError;
use onestop_proto::queue::v1 as pb;
use tokio::sync::{broadcast, mpsc};
use tonic::Status;

use super::Watcher;
use crate::grpc::convert::{self, board_event_to_pb, counter_status_to_pb, ts};
use crate::store::{Store, read};

/// What a new watcher gets first: the missed events when it can resume from
/// `after`, otherwise a snapshot. Returns them and the sequence they reach.
pub async fn initial(
    store: &Store,
    center_id: &str,
    after: i64,
) -> Result<(Vec<pb::BoardEvent>, i64), ServiceError> {
    if after > 0 {
        let head = read::board_heads(store)
            .await?
            .into_iter()
            .find(|(c, _)| c == center_id)
            .map(|(_, h)| h)
            .ok_or_else(|| ServiceError::NotFound(format!("centre `{center_id}`")))?;
        let first_kept = read::first_kept_seq(store, center_id).await?;
        let resumable =
            after == head || (after < head && first_kept.is_some_and(|f| f <= after + 1));
        if resumable {
            let missed = read::events_between(store, center_id, after, head).await?;
            return Ok((missed.into_iter().map(board_event_to_pb).collect(), head));
        }
    }
    let snap = read::snapshot(store, center_id).await?;
    let event = pb::BoardEvent {
        center_id: center_id.to_string(),
        sequence: snap.seq,
        time: Some(ts(Utc::now().timestamp_millis())),
        kind: pb::BoardEventKind::Snapshot as i32,
        waiting: snap.waiting.clone().into_iter().collect(),
        snapshot: Some(pb::BoardSnapshot {
            counters: snap
                .counters
                .iter()
                .map(|(c, t)| pb::BoardCounter {
                    counter_number: c.number,
                    status: counter_status_to_pb(c.status) as i32,
                    ticket_number: t.as_ref().map(|t| t.number.clone()).unwrap_or_default(),
                    ticket_status: t
                        .as_ref()
                        .map_or(0, |t| convert::status_to_pb(t.status()) as i32),
                })
                .collect(),
            waiting: snap.waiting.into_iter().collect(),
            recent_calls: snap.recent_calls,
        }),
        ..Default::default()
    };
    Ok((vec![event], snap.seq))
}

/// Sends the initial events, then live ones strictly after `last`, filling any gap
/// (a lagging receiver, a hub that joined late) from the database.
pub async fn feed(
    store: Store,
    center_id: String,
    first: Vec<pb::BoardEvent>,
    mut last: i64,
    mut live: Watcher,
    tx: mpsc::Sender<Result<pb::BoardEvent, Status>>,
) {
    for event in first {
        if tx.send(Ok(event)).await.is_err() {
            return;
        }
    }
    loop {
        // a screen that goes away is noticed even when no event comes
        let received = tokio::select! {
            received = live.recv() => received,
            _ = tx.closed() => return,
        };
        let event = match received {
            Ok(event) => event,
            Err(broadcast::error::RecvError::Lagged(_)) => {
                // too slow: re-read what was missed from the database
                match read::events_after(&store, &center_id, last, 10_000).await {
                    Ok(rows) => {
                        for row in rows {
                            last = row.seq;
                            if tx.send(Ok(board_event_to_pb(row))).await.is_err() {
                                return;
                            }
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.into())).await;
                        return;
                    }
                }
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if event.sequence <= last {
            continue;
        }
        if event.sequence > last + 1 {
            match read::events_between(&store, &center_id, last, event.sequence - 1).await {
                Ok(rows) => {
                    for row in rows {
                        if tx.send(Ok(board_event_to_pb(row))).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e.into())).await;
                    return;
                }
            }
        }
        last = event.sequence;
        if tx.send(Ok((*event).clone())).await.is_err() {
            return;
        }
    }
}
