//! Citizens' feedback and recommendations (phản ánh, kiến nghị): received, assigned,
//! answered, with an answer due date.

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_kit::sql::{Store, all, exec, one};
use sea_orm::TransactionTrait;

use super::rows::FeedbackRow;

const COLUMNS: &str = "id, center_id, channel, contact, content, dossier_code, status, assignee,
    answer, received_at, answer_due_at, answered_at";

/// Stores new feedback.
pub async fn insert(store: &Store, row: &FeedbackRow) -> Result<(), ServiceError> {
    let _gate = store.gate().await;
    exec(
        &store.db,
        &format!(
            "INSERT INTO dossier_feedback ({COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ),
        vec![
            row.id.clone().into(),
            row.center_id.clone().into(),
            row.channel.clone().into(),
            row.contact.clone().into(),
            row.content.clone().into(),
            row.dossier_code.clone().into(),
            row.status.clone().into(),
            row.assignee.clone().into(),
            row.answer.clone().into(),
            row.received_at.into(),
            row.answer_due_at.into(),
            row.answered_at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// One feedback item.
pub async fn get(store: &Store, id: &str) -> Result<FeedbackRow, ServiceError> {
    one(
        &store.db,
        &format!("SELECT {COLUMNS} FROM dossier_feedback WHERE id = $1"),
        vec![id.into()],
    )
    .await?
    .ok_or_else(|| ServiceError::NotFound(format!("feedback `{id}` — phản ánh")))
}

/// Sets the assignee (status `assigned`) unless already answered.
pub async fn assign(store: &Store, id: &str, assignee: &str) -> Result<FeedbackRow, ServiceError> {
    update(
        store,
        id,
        "UPDATE dossier_feedback SET status = 'assigned', assignee = $2
        WHERE id = $1 AND status <> 'answered'",
        vec![id.into(), assignee.into()],
    )
    .await
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
    let changed = exec(
        &txn,
        "UPDATE dossier_feedback SET status = 'answered', answer = $2, answered_at = $3
         WHERE id = $1 AND status <> 'answered'",
        vec![id.into(), text.into(), now.timestamp_millis().into()],
    )
    .await?;
    if changed == 0 {
        return Err(refusal(store, id).await);
    }
    let row: FeedbackRow = one(
        &txn,
        &format!("SELECT {COLUMNS} FROM dossier_feedback WHERE id = $1"),
        vec![id.into()],
    )
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

async fn update(
    store: &Store,
    id: &str,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<FeedbackRow, ServiceError> {
    let changed = {
        let _gate = store.gate().await;
        exec(&store.db, sql, values).await?
    };
    if changed == 0 {
        return Err(refusal(store, id).await);
    }
    get(store, id).await
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
    let mut sql = format!("SELECT {COLUMNS} FROM dossier_feedback WHERE center_id = $1");
    let mut values: Vec<sea_orm::Value> = vec![center_id.into()];
    if !status.is_empty() {
        values.push(status.into());
        sql.push_str(&format!(" AND status = ${}", values.len()));
    }
    if let Some(at) = overdue_at {
        values.push(at.timestamp_millis().into());
        sql.push_str(&format!(
            " AND status <> 'answered' AND answer_due_at < ${}",
            values.len()
        ));
    }
    sql.push_str(" ORDER BY received_at DESC, id LIMIT 500");
    all(&store.db, &sql, values).await
}
