//! The one write path of a dossier: lock its row (bumping its version), let the caller
//! decide the change on the locked row, run each step through the state machine, derive
//! the dates from the clock ledger, then write the row, its history entries and outbox
//! events in the same transaction.

use chrono::{DateTime, Utc};
use onestop_kit::sql::{Store, all, exec, one};
use onestop_kit::{Claims, Role, ServiceError};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    TransactionTrait,
};
use serde_json::json;

use super::entity::{columns, dossier};
use super::rows::{CenterRow, DossierRow, HistoryRow, HolidayRow, calendar_of};
use crate::domain::calendar::WorkCalendar;
use crate::domain::deadline::{ClockEvent, ClockExplanation, ClockState, explain};
use crate::domain::status::{DossierState, Refusal, Transition, apply};

/// Who is acting.
#[derive(Clone, Debug)]
pub struct Actor {
    /// Token subject (a person's name or a system's id).
    pub name: String,
    /// Their role.
    pub role: Role,
}

impl Actor {
    /// The actor named by verified claims.
    pub fn of(claims: &Claims) -> Self {
        Self {
            name: claims.sub.clone(),
            role: claims.role,
        }
    }
}

/// One entry of the history a change writes.
#[derive(Clone, Debug)]
pub struct Step {
    /// The state-machine transition, or `None` for an entry that changes no state
    /// (a payment before it is due, a fee line).
    pub transition: Option<Transition>,
    /// Its name in the history (`receive`, `request_supplement`, …).
    pub name: &'static str,
    /// Free text kept with the entry.
    pub note: String,
    /// What it does to the clock.
    pub clock: Option<ClockEvent>,
    /// Outbox event raised with it (`dossier_received`, …).
    pub event: Option<&'static str>,
}

impl Step {
    /// A state-machine step named `name`.
    pub fn new(name: &'static str, transition: Transition) -> Self {
        Self {
            transition: Some(transition),
            name,
            note: String::new(),
            clock: None,
            event: None,
        }
    }

    /// A history entry that changes no state.
    pub fn record(name: &'static str) -> Self {
        Self {
            transition: None,
            name,
            note: String::new(),
            clock: None,
            event: None,
        }
    }

    /// With a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    /// With a clock event.
    pub fn clock(mut self, event: ClockEvent) -> Self {
        self.clock = Some(event);
        self
    }

    /// Raising an outbox event.
    pub fn event(mut self, kind: &'static str) -> Self {
        self.event = Some(kind);
        self
    }
}

/// What a caller sees of the locked dossier while deciding a change.
pub struct Locked<'a> {
    /// The open transaction (for extra reads and writes of the same change).
    pub txn: &'a DatabaseTransaction,
    /// The centre.
    pub center: &'a CenterRow,
    /// The centre's calendar.
    pub calendar: &'a WorkCalendar,
    /// The dates as the ledger gives them so far (`None` before receipt).
    pub clock: Option<&'a ClockExplanation>,
    /// When the change happens.
    pub now: DateTime<Utc>,
}

/// The centre row, or `NOT_FOUND` naming it.
pub async fn center(c: &impl ConnectionTrait, center_id: &str) -> Result<CenterRow, ServiceError> {
    one(
        c,
        "SELECT center_id, unit_code, name_vi, name_en, time_zone, feedback_answer_days
         FROM dossier_centers WHERE center_id = $1",
        vec![center_id.into()],
    )
    .await?
    .ok_or_else(|| ServiceError::NotFound(format!("centre `{center_id}`")))
}

/// The centre's work calendar.
pub async fn calendar(
    c: &impl ConnectionTrait,
    center: &CenterRow,
) -> Result<WorkCalendar, ServiceError> {
    let rows: Vec<HolidayRow> = all(
        c,
        "SELECT center_id, day, kind, name_vi, name_en, status, source FROM dossier_holidays
         WHERE center_id = '*' OR center_id = $1",
        vec![center.center_id.clone().into()],
    )
    .await?;
    calendar_of(center, &rows)
}

/// The clock ledger held in a dossier's history, in order.
pub fn ledger(history: &[HistoryRow]) -> Result<Vec<ClockEvent>, ServiceError> {
    history
        .iter()
        .filter_map(|r| r.clock_event.as_deref())
        .map(|text| {
            serde_json::from_str(text)
                .map_err(|e| ServiceError::Internal(format!("clock event stored: {e}")))
        })
        .collect()
}

/// The history of a dossier, oldest first.
pub async fn history(
    c: &impl ConnectionTrait,
    dossier_id: &str,
) -> Result<Vec<HistoryRow>, ServiceError> {
    all(
        c,
        "SELECT dossier_id, seq, at, actor, role, transition, from_status, to_status, note,
                clock_event, clock_effect, timeliness
         FROM dossier_history WHERE dossier_id = $1 ORDER BY seq",
        vec![dossier_id.into()],
    )
    .await
}

/// The next number of the day's dossier codes of `unit_code` (1, 2, …), gap-free: the
/// counter row is written in the receiving change's transaction.
pub async fn next_code_sequence(
    c: &impl ConnectionTrait,
    unit_code: &str,
    day: chrono::NaiveDate,
) -> Result<u32, ServiceError> {
    #[derive(sea_orm::FromQueryResult)]
    struct Counter {
        last: i64,
    }
    let counter: Counter = one(
        c,
        "INSERT INTO dossier_code_counters (unit_code, day, last) VALUES ($1, $2, 1)
         ON CONFLICT (unit_code, day) DO UPDATE SET last = dossier_code_counters.last + 1
         RETURNING last",
        vec![unit_code.into(), day.to_string().into()],
    )
    .await?
    .ok_or_else(|| ServiceError::Internal("code counter returned nothing".into()))?;
    u32::try_from(counter.last).map_err(|_| ServiceError::Internal("code counter overflow".into()))
}

/// The refusal of the state machine as a service error: a role that may not is
/// `PERMISSION_DENIED`, a transition the table does not allow is `FAILED_PRECONDITION`.
pub fn refused(refusal: Refusal) -> ServiceError {
    match refusal {
        Refusal::RoleNotAllowed { .. } => ServiceError::PermissionDenied(refusal.to_string()),
        Refusal::NotAllowedInState { .. } => ServiceError::FailedPrecondition(refusal.to_string()),
    }
}

/// Checks the actor may work on `center_id`.
pub fn check_center(claims: &Claims, center_id: &str) -> Result<(), ServiceError> {
    if claims.covers_center(center_id) {
        Ok(())
    } else {
        Err(ServiceError::PermissionDenied(format!(
            "token for centre `{}` may not act on centre `{center_id}` — mã truy cập không thuộc trung tâm này",
            claims.center
        )))
    }
}

/// Changes the dossier `key` (id or code): locks it, checks the actor's centre, then
/// `expected_version` (0 = any), then `decide` mutates the row and returns the steps; each step
/// passes the state machine for `actor.role`. Nothing is written if any check fails.
pub async fn change<F>(
    store: &Store,
    key: &str,
    expected_version: i64,
    claims: &Claims,
    now: DateTime<Utc>,
    decide: F,
) -> Result<DossierRow, ServiceError>
where
    F: for<'a> AsyncFnOnce(&mut DossierRow, &Locked<'a>) -> Result<Vec<Step>, ServiceError>,
{
    let actor = Actor::of(claims);
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    // a write first: takes the row lock (PostgreSQL) or the write lock (SQLite); raw SQL
    // because the lock, the version bump and the read are one statement
    let locked: Option<DossierRow> = one(
        &txn,
        &format!(
            "UPDATE dossiers SET version = version + 1, updated_at = $2
             WHERE id = $1 OR code = $1 RETURNING {}",
            columns()
        ),
        vec![key.into(), now.timestamp_millis().into()],
    )
    .await?;
    let Some(mut row) = locked else {
        return Err(ServiceError::NotFound(format!("dossier `{key}` — hồ sơ")));
    };
    // the centre before anything else about the row (its version) is told
    check_center(claims, &row.center_id)?;
    if expected_version != 0 && row.version - 1 != expected_version {
        return Err(ServiceError::Aborted(format!(
            "hồ sơ {} đã được người khác cập nhật (phiên bản {}, bạn gửi {expected_version}); hãy tải lại — dossier changed meanwhile (version {}, you sent {expected_version}); reload and retry",
            row.key(),
            row.version - 1,
            row.version - 1,
        )));
    }
    let center = center(&txn, &row.center_id).await?;
    let cal = calendar(&txn, &center).await?;
    let past = history(&txn, &row.id).await?;
    let mut events = ledger(&past)?;
    let clock = if events.is_empty() {
        None
    } else {
        Some(explain(&cal, &events).map_err(ServiceError::Internal)?)
    };
    let steps = {
        let view = Locked {
            txn: &txn,
            center: &center,
            calendar: &cal,
            clock: clock.as_ref(),
            now,
        };
        decide(&mut row, &view).await?
    };
    // `decide` leaves the status columns alone: the steps below move them
    let mut state = row.state()?;
    let mut seq = past.last().map_or(0, |h| h.seq);
    let mut outbox = Vec::new();
    for step in steps {
        let from = state;
        if let Some(t) = &step.transition {
            state = apply(&state, t, actor.role).map_err(refused)?;
        }
        let mut effect = String::new();
        let mut timeliness = None;
        let clock_json = match &step.clock {
            Some(event) => {
                events.push(event.clone());
                let explained = explain(&cal, &events)
                    .map_err(|e| ServiceError::FailedPrecondition(e.to_string()))?;
                effect = explained.lines.last().cloned().unwrap_or_default();
                row.due_at = Some(explained.due.timestamp_millis());
                row.judged_due_at = Some(explained.judged_due.timestamp_millis());
                row.clock_paused = i32::from(matches!(explained.state, ClockState::Paused { .. }));
                // judged when the result is ready, not when a dossier ends otherwise
                let judged = matches!(step.transition, Some(Transition::MarkResultReady));
                if let Some(t) = explained.timeliness.filter(|_| judged) {
                    row.timeliness = Some(timeliness_str(t).into());
                    timeliness = row.timeliness.clone();
                }
                Some(serde_json::to_string(event).expect("clock events serialise"))
            }
            None => None,
        };
        seq += 1;
        let handler = if row.assignee.is_empty() {
            actor.name.clone()
        } else {
            row.assignee.clone()
        };
        exec(
            &txn,
            "INSERT INTO dossier_history (dossier_id, seq, center_id, at, actor, role, transition,
                from_status, to_status, note, clock_event, clock_effect, procedure_code,
                field_code, channel, handler, timeliness)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            vec![
                row.id.clone().into(),
                seq.into(),
                row.center_id.clone().into(),
                now.timestamp_millis().into(),
                actor.name.clone().into(),
                actor.role.as_str().into(),
                step.name.into(),
                status_code(&from).into(),
                status_code(&state).into(),
                step.note.clone().into(),
                clock_json.into(),
                effect.into(),
                row.procedure_code.clone().into(),
                row.field_code.clone().into(),
                row.channel.clone().into(),
                handler.into(),
                timeliness.into(),
            ],
        )
        .await?;
        if let Some(kind) = step.event {
            outbox.push((kind, seq));
        }
    }
    row.set_state(&state);
    if state.is_terminal() && row.ended_at.is_none() {
        row.ended_at = Some(now.timestamp_millis());
    }
    write_row(&txn, &row).await?;
    for (kind, seq) in outbox {
        raise(&txn, &row, kind, &format!("{}:{seq}:{kind}", row.id), now).await?;
    }
    txn.commit().await?;
    Ok(row)
}

fn status_code(state: &DossierState) -> i32 {
    state.status.map(|s| i32::from(s.code())).unwrap_or(0)
}

/// Stored name of a judgement.
pub fn timeliness_str(t: crate::domain::deadline::Timeliness) -> &'static str {
    use crate::domain::deadline::Timeliness as T;
    match t {
        T::Early => "early",
        T::OnTime => "on_time",
        T::Late => "late",
    }
}

/// Writes `row` back (the search text recomputed).
async fn write_row(txn: &DatabaseTransaction, row: &DossierRow) -> Result<(), ServiceError> {
    let mut row = row.clone();
    row.search = search_text(&row);
    dossier::Entity::update(row.into_active_model().reset_all())
        .exec(txn)
        .await?;
    Ok(())
}

/// What the text filter of `ListDossiers` matches: code, applicant name and ID, lowercased.
pub fn search_text(row: &DossierRow) -> String {
    format!(
        "{} {} {} {}",
        row.code.as_deref().unwrap_or(""),
        row.id,
        row.applicant_name,
        row.citizen_id
    )
    .to_lowercase()
}

/// Writes an outbox event once per `key` (a second raise with the same key is ignored).
pub async fn raise(
    c: &impl ConnectionTrait,
    row: &DossierRow,
    kind: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let payload = json!({
        "kind": kind,
        "dossier_id": row.id,
        "code": row.code,
        "center_id": row.center_id,
        "procedure_code": row.procedure_code,
        "status": row.status.code(),
        "due_at": row.due_at,
        "phone": row.phone,
        "email": row.email,
    });
    super::outbox::append(
        c,
        super::outbox::Event {
            key: key.to_string(),
            center_id: &row.center_id,
            dossier_id: &row.id,
            kind,
            payload,
        },
        now,
    )
    .await
}
