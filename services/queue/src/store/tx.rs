//! Statements and the one write transaction of the floor: it locks the centre's row
//! (which also holds the board sequence), so writes to one centre are serialised on
//! every database and every replica, and board events get gap-free sequence numbers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use sea_orm::{DatabaseTransaction, TransactionTrait, Value};
use tokio::sync::OwnedMutexGuard;

use super::rows::{BoardEventRow, Center, CenterRow};
use crate::domain::board::BoardKind;

pub use onestop_kit::sql::{Store, all, exec, one};

/// A board event about to be written.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// What happened.
    pub kind: BoardKind,
    /// Ticket concerned.
    pub ticket_id: Option<String>,
    /// Its number.
    pub ticket_number: String,
    /// Counter concerned.
    pub counter_id: Option<String>,
    /// Its number (0: none).
    pub counter_number: i32,
    /// Line concerned.
    pub service_code: String,
}

/// A write to one centre: the centre row is locked first, board events are
/// numbered from its sequence, and commit writes them with the change.
pub struct CenterTx {
    /// The open transaction.
    pub txn: DatabaseTransaction,
    /// The centre, read under the lock.
    pub center: Center,
    /// When the change happens.
    pub now: DateTime<Utc>,
    events: Vec<(NewEvent, BTreeMap<String, i32>)>,
    _gate: Option<OwnedMutexGuard<()>>,
}

impl CenterTx {
    /// Begins a write to `center_id`; `NOT_FOUND` when the centre does not exist.
    pub async fn begin(
        store: &Store,
        center_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, ServiceError> {
        let gate = store.gate().await;
        let txn = store.db.begin().await?;
        // a write first: takes the row lock (PostgreSQL) or the write lock (SQLite), and
        // reserves the next board sequence (a transaction without events rolls it back)
        let row: Option<CenterRow> = one(
            &txn,
            "UPDATE queue_centers SET board_seq = board_seq + 1 WHERE center_id = $1
             RETURNING center_id, name_vi, name_en, time_zone, hours, policy,
                       notify_position, long_wait_minutes, board_seq",
            vec![center_id.into()],
        )
        .await?;
        let Some(mut row) = row else {
            return Err(ServiceError::NotFound(format!("centre `{center_id}`")));
        };
        row.board_seq -= 1; // the last sequence used; the reserved one is next
        Ok(Self {
            txn,
            center: row.try_into()?,
            now,
            events: Vec::new(),
            _gate: gate,
        })
    }

    /// Records a board event; `waiting` is the per-line count after it.
    pub fn event(&mut self, event: NewEvent, waiting: BTreeMap<String, i32>) {
        self.events.push((event, waiting));
    }

    /// Writes the events and commits; with no event nothing changed, and the
    /// transaction is rolled back. Returns the events as stored.
    pub async fn commit(self) -> Result<Vec<BoardEventRow>, ServiceError> {
        if self.events.is_empty() {
            self.txn.rollback().await?;
            return Ok(Vec::new());
        }
        let first = self.center.board_seq + 1;
        let at = self.now.timestamp_millis();
        let mut rows = Vec::with_capacity(self.events.len());
        let mut sql = String::from(
            "INSERT INTO queue_board_events (center_id, seq, at, kind, ticket_id, ticket_number,
             counter_id, counter_number, service_code, waiting) VALUES ",
        );
        let mut values: Vec<Value> = Vec::new();
        for (i, (event, waiting)) in self.events.into_iter().enumerate() {
            let row = BoardEventRow {
                center_id: self.center.id.clone(),
                seq: first + i as i64,
                at,
                kind: event.kind.as_str().to_string(),
                ticket_id: event.ticket_id,
                ticket_number: event.ticket_number,
                counter_id: event.counter_id,
                counter_number: event.counter_number,
                service_code: event.service_code,
                waiting: serde_json::to_string(&waiting).expect("counts serialise"),
            };
            let n = values.len();
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6,
                n + 7,
                n + 8,
                n + 9,
                n + 10
            ));
            values.extend([
                row.center_id.clone().into(),
                row.seq.into(),
                row.at.into(),
                row.kind.clone().into(),
                row.ticket_id.clone().into(),
                row.ticket_number.clone().into(),
                row.counter_id.clone().into(),
                row.counter_number.into(),
                row.service_code.clone().into(),
                row.waiting.clone().into(),
            ]);
            rows.push(row);
        }
        exec(&self.txn, &sql, values).await?;
        let last = rows.last().map(|r| r.seq).unwrap_or(first);
        if last > first {
            exec(
                &self.txn,
                "UPDATE queue_centers SET board_seq = $1 WHERE center_id = $2",
                vec![last.into(), self.center.id.clone().into()],
            )
            .await?;
        }
        self.txn.commit().await?;
        Ok(rows)
    }
}
