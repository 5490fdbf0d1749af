//! Reading dossiers: one by id or code, filtered pages, payments.

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_kit::sql::{Store, all, one};
use sea_orm::{ConnectionTrait, Value};

use super::rows::{DOSSIER_COLUMNS, DossierRow, PaymentRow};

/// The dossier with this id or code.
pub async fn get(store: &Store, key: &str) -> Result<DossierRow, ServiceError> {
    one(
        &store.db,
        &format!("SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE id = $1 OR code = $1"),
        vec![key.into()],
    )
    .await?
    .ok_or_else(|| ServiceError::NotFound(format!("dossier `{key}` — hồ sơ")))
}

/// The dossier with this code (public lookups accept codes only, never ids).
pub async fn by_code(store: &Store, code: &str) -> Result<DossierRow, ServiceError> {
    one(
        &store.db,
        &format!("SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE code = $1"),
        vec![code.into()],
    )
    .await?
    .ok_or_else(|| ServiceError::NotFound(format!("dossier `{code}` — hồ sơ")))
}

/// The dossier of `center_id` opened by the client's `request_id`, if any.
pub async fn by_request(
    c: &impl ConnectionTrait,
    center_id: &str,
    request_id: &str,
) -> Result<Option<DossierRow>, ServiceError> {
    one(
        c,
        &format!("SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE center_id = $1 AND request_id = $2"),
        vec![center_id.into(), request_id.into()],
    )
    .await
}

/// Payments recorded for a dossier, oldest first.
pub async fn payments(store: &Store, dossier_id: &str) -> Result<Vec<PaymentRow>, ServiceError> {
    all(
        &store.db,
        "SELECT dossier_id, receipt_number, method, amount, paid_at, recorded_by, overpaid
         FROM dossier_payments WHERE dossier_id = $1 ORDER BY paid_at, receipt_number",
        vec![dossier_id.into()],
    )
    .await
}

/// Filters of a listing; empty / zero / `None` means any.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Centre (required).
    pub center_id: String,
    /// National status code.
    pub status: i32,
    /// Stage 1–5.
    pub stage: i32,
    /// Assigned specialist.
    pub assignee: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Appointment before this instant (open dossiers).
    pub due_before: Option<DateTime<Utc>>,
    /// Open, clock running, appointment passed.
    pub overdue: bool,
    /// Code or applicant name / ID contains this (lowercased).
    pub text: String,
}

/// Statuses whose clock is running (received, processing).
pub const RUNNING: &str = "(2, 4)";
/// Statuses still in progress.
pub const OPEN: &str = "(2, 4, 5, 6)";

/// Where a page starts: after this sort key and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The sort key of the last row of the page before.
    pub key: i64,
    /// Its id.
    pub id: String,
}

impl Cursor {
    /// As an opaque page token.
    pub fn token(&self) -> String {
        hex::encode(format!("{}:{}", self.key, self.id))
    }

    /// From a page token; `page_token` is the field named on error.
    pub fn parse(token: &str) -> Result<Self, ServiceError> {
        let bad =
            || ServiceError::invalid("page_token", "không hợp lệ — not a token this service gave");
        let text = String::from_utf8(hex::decode(token).map_err(|_| bad())?).map_err(|_| bad())?;
        let (key, id) = text.split_once(':').ok_or_else(bad)?;
        Ok(Self {
            key: key.parse().map_err(|_| bad())?,
            id: id.to_string(),
        })
    }
}

/// One page of dossiers and the cursor of the next. Overdue and due-before listings come
/// most urgent first (appointment ascending); others newest first.
pub async fn list(
    store: &Store,
    filter: &ListFilter,
    now: DateTime<Utc>,
    page_size: usize,
    after: Option<Cursor>,
) -> Result<(Vec<DossierRow>, Option<Cursor>), ServiceError> {
    let mut sql = format!("SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE center_id = $1");
    let mut values: Vec<Value> = vec![filter.center_id.clone().into()];
    let mut bind = |sql: &mut String, clause: &str, value: Value| {
        values.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", values.len())));
    };
    if filter.status != 0 {
        bind(&mut sql, " AND status = ?", filter.status.into());
    }
    if filter.stage != 0 {
        bind(&mut sql, " AND stage = ?", filter.stage.into());
    }
    if !filter.assignee.is_empty() {
        bind(
            &mut sql,
            " AND assignee = ?",
            filter.assignee.clone().into(),
        );
    }
    if !filter.procedure_code.is_empty() {
        bind(
            &mut sql,
            " AND procedure_code = ?",
            filter.procedure_code.clone().into(),
        );
    }
    let by_due = filter.overdue || filter.due_before.is_some();
    if filter.overdue {
        if filter.status == 0 {
            sql.push_str(&format!(" AND status IN {RUNNING}"));
        }
        bind(&mut sql, " AND due_at < ?", now.timestamp_millis().into());
    }
    if let Some(before) = filter.due_before {
        if filter.status == 0 && !filter.overdue {
            sql.push_str(&format!(" AND status IN {OPEN}"));
        }
        bind(
            &mut sql,
            " AND due_at < ?",
            before.timestamp_millis().into(),
        );
    }
    if !filter.text.is_empty() {
        bind(
            &mut sql,
            " AND search LIKE ?",
            format!("%{}%", filter.text.to_lowercase().replace(['%', '_'], "")).into(),
        );
    }
    let column = if by_due { "due_at" } else { "created_at" };
    if let Some(cursor) = &after {
        let (op, n) = if by_due {
            (">", values.len() + 1)
        } else {
            ("<", values.len() + 1)
        };
        sql.push_str(&format!(
            " AND ({column} {op} ${n} OR ({column} = ${n} AND id {op} ${}))",
            n + 1
        ));
        values.push(cursor.key.into());
        values.push(cursor.id.clone().into());
    }
    let dir = if by_due { "ASC" } else { "DESC" };
    sql.push_str(&format!(
        " ORDER BY {column} {dir}, id {dir} LIMIT {}",
        page_size + 1
    ));
    let mut rows: Vec<DossierRow> = all(&store.db, &sql, values).await?;
    let next = if rows.len() > page_size {
        rows.truncate(page_size);
        rows.last().map(|r| Cursor {
            key: if by_due {
                r.due_at.unwrap_or(0)
            } else {
                r.created_at
            },
            id: r.id.clone(),
        })
    } else {
        None
    };
    Ok((rows, next))
}

/// The primary-key lookup used as the benchmark's floor.
pub async fn by_id(store: &Store, id: &str) -> Result<Option<DossierRow>, ServiceError> {
    one(
        &store.db,
        &format!("SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE id = $1"),
        vec![id.into()],
    )
    .await
}
