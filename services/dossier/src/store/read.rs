//! Reading dossiers: one by id or code, filtered pages, payments.

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_kit::sql::{Store, all};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entity::{Status, dossier, sql_list};
use super::rows::{DossierRow, PaymentRow};

/// The dossier with this id or code.
pub async fn get(store: &Store, key: &str) -> Result<DossierRow, ServiceError> {
    dossier::Entity::find()
        .filter(
            Condition::any()
                .add(dossier::Column::Id.eq(key))
                .add(dossier::Column::Code.eq(key)),
        )
        .one(&store.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("dossier `{key}` — hồ sơ")))
}

/// The dossier with this code (public lookups accept codes only, never ids).
pub async fn by_code(store: &Store, code: &str) -> Result<DossierRow, ServiceError> {
    dossier::Entity::find()
        .filter(dossier::Column::Code.eq(code))
        .one(&store.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("dossier `{code}` — hồ sơ")))
}

/// The dossier of `center_id` opened by the client's `request_id`, if any.
pub async fn by_request(
    c: &impl ConnectionTrait,
    center_id: &str,
    request_id: &str,
) -> Result<Option<DossierRow>, ServiceError> {
    Ok(dossier::Entity::find()
        .filter(dossier::Column::CenterId.eq(center_id))
        .filter(dossier::Column::RequestId.eq(request_id))
        .one(c)
        .await?)
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
pub const RUNNING: [Status; 2] = [Status::Received, Status::Processing];
/// Statuses still in progress.
pub const OPEN: [Status; 4] = [
    Status::Received,
    Status::Processing,
    Status::SupplementRequested,
    Status::AwaitingPayment,
];

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
    use dossier::Column as C;
    let mut query = dossier::Entity::find().filter(C::CenterId.eq(&filter.center_id));
    if filter.status != 0 {
        query = query.filter(C::Status.eq(filter.status));
    }
    if filter.stage != 0 {
        query = query.filter(C::Stage.eq(filter.stage));
    }
    if !filter.assignee.is_empty() {
        query = query.filter(C::Assignee.eq(&filter.assignee));
    }
    if !filter.procedure_code.is_empty() {
        query = query.filter(C::ProcedureCode.eq(&filter.procedure_code));
    }
    // status lists stay literal so PostgreSQL matches the partial indexes' predicates
    let by_due = filter.overdue || filter.due_before.is_some();
    if filter.overdue {
        if filter.status == 0 {
            query = query.filter(Expr::cust(format!("status IN {}", sql_list(&RUNNING))));
        }
        query = query.filter(C::DueAt.lt(now.timestamp_millis()));
    }
    if let Some(before) = filter.due_before {
        if filter.status == 0 && !filter.overdue {
            query = query.filter(Expr::cust(format!("status IN {}", sql_list(&OPEN))));
        }
        query = query.filter(C::DueAt.lt(before.timestamp_millis()));
    }
    if !filter.text.is_empty() {
        query = query.filter(C::Search.like(format!(
            "%{}%",
            filter.text.to_lowercase().replace(['%', '_'], "")
        )));
    }
    let column = if by_due { C::DueAt } else { C::CreatedAt };
    if let Some(cursor) = &after {
        let (beyond, same) = (
            |c: C, v: sea_orm::Value| if by_due { c.gt(v) } else { c.lt(v) },
            column.eq(cursor.key),
        );
        query = query.filter(
            Condition::any().add(beyond(column, cursor.key.into())).add(
                Condition::all()
                    .add(same)
                    .add(beyond(C::Id, cursor.id.clone().into())),
            ),
        );
    }
    let dir = if by_due { Order::Asc } else { Order::Desc };
    let mut rows: Vec<DossierRow> = query
        .order_by(column, dir.clone())
        .order_by(C::Id, dir)
        .limit(page_size as u64 + 1)
        .all(&store.db)
        .await?;
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
    Ok(dossier::Entity::find_by_id(id).one(&store.db).await?)
}
