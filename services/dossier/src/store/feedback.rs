//! Citizens' feedback and recommendations (phản ánh, kiến nghị): received, assigned,
//! answered, with an answer due date.

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_kit::sql::Store;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

use super::entity::{FeedbackState, feedback};
use super::rows::FeedbackRow;

/// Stores new feedback.
pub async fn insert(store: &Store, row: &FeedbackRow) -> Result<(), ServiceError> {
    let _gate = store.gate().await;
    feedback::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(&store.db)
        .await?;
    Ok(())
}

/// One feedback item.
pub async fn get(store: &Store, id: &str) -> Result<FeedbackRow, ServiceError> {
    find(&store.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("feedback `{id}` — phản ánh")))
}

async fn find(c: &impl ConnectionTrait, id: &str) -> Result<Option<FeedbackRow>, ServiceError> {
    Ok(feedback::Entity::find_by_id(id).one(c).await?)
}

/// Sets the assignee (status `assigned`) unless already answered.
pub async fn assign(store: &Store, id: &str, assignee: &str) -> Result<FeedbackRow, ServiceError> {
    let changed = {
        let _gate = store.gate().await;
        feedback::Entity::update_many()
            .col_expr(
                feedback::Column::Status,
                Expr::value(FeedbackState::Assigned),
            )
            .col_expr(feedback::Column::Assignee, Expr::value(assignee))
            .filter(feedback::Column::Id.eq(id))
            .filter(feedback::Column::Status.ne(FeedbackState::Answered))
            .exec(&store.db)
            .await?
            .rows_affected
    };
    if changed == 0 {
        return Err(refusal(store, id).await);
    }
    get(store, id).await
}

/// Records the answer (status `answered`), once; an outbox event goes with it.
pub async fn answer(
    store: &Store,
    id: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<FeedbackRow, ServiceError> {
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    let changed = feedback::Entity::update_many()
        .col_expr(
            feedback::Column::Status,
            Expr::value(FeedbackState::Answered),
        )
        .col_expr(feedback::Column::Answer, Expr::value(text))
        .col_expr(
            feedback::Column::AnsweredAt,
            Expr::value(now.timestamp_millis()),
        )
        .filter(feedback::Column::Id.eq(id))
        .filter(feedback::Column::Status.ne(FeedbackState::Answered))
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(refusal(store, id).await);
    }
    let row = find(&txn, id)
        .await?
        .ok_or_else(|| ServiceError::Internal("feedback vanished".into()))?;
    super::outbox::append(
        &txn,
        super::outbox::Event {
            key: format!("{id}:answered"),
            center_id: &row.center_id,
            dossier_id: "",
            kind: "feedback_answered",
            payload: serde_json::json!({"kind": "feedback_answered", "feedback_id": id,
                "contact": row.contact, "dossier_code": row.dossier_code}),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

async fn refusal(store: &Store, id: &str) -> ServiceError {
    match get(store, id).await {
        Ok(_) => ServiceError::FailedPrecondition(
            "phản ánh đã được trả lời — this feedback was already answered".into(),
        ),
        Err(e) => e,
    }
}

/// Feedback of a centre, newest first; `status` empty = any; `overdue_at` = unanswered
/// past the due date at that instant.
pub async fn list(
    store: &Store,
    center_id: &str,
    status: &str,
    overdue_at: Option<DateTime<Utc>>,
) -> Result<Vec<FeedbackRow>, ServiceError> {
    let mut query = feedback::Entity::find().filter(feedback::Column::CenterId.eq(center_id));
    if !status.is_empty() {
        query = query.filter(feedback::Column::Status.eq(status));
    }
    if let Some(at) = overdue_at {
        query = query
            .filter(feedback::Column::Status.ne(FeedbackState::Answered))
            .filter(feedback::Column::AnswerDueAt.lt(at.timestamp_millis()));
    }
    Ok(query
        .order_by_desc(feedback::Column::ReceivedAt)
        .order_by_asc(feedback::Column::Id)
        .limit(500)
        .all(&store.db)
        .await?)
}
