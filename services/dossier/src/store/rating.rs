//! Satisfaction ratings: one per dossier.

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_kit::sql::{Store, exec, one};
use sea_orm::FromQueryResult;

/// Stores the rating of `dossier_id`; `false` when it was rated already (nothing changes).
pub async fn insert(
    store: &Store,
    dossier_id: &str,
    center_id: &str,
    score: i32,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let _gate = store.gate().await;
    let inserted = exec(
        &store.db,
        "INSERT INTO dossier_ratings (dossier_id, center_id, score, comment, rated_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dossier_id) DO NOTHING",
        vec![
            dossier_id.into(),
            center_id.into(),
            score.into(),
            comment.into(),
            now.timestamp_millis().into(),
        ],
    )
    .await?;
    Ok(inserted > 0)
}

/// Whether `dossier_id` was rated.
pub async fn rated(store: &Store, dossier_id: &str) -> Result<bool, ServiceError> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let count: Option<Count> = one(
        &store.db,
        "SELECT COUNT(*) AS n FROM dossier_ratings WHERE dossier_id = $1",
        vec![dossier_id.into()],
    )
    .await?;
    Ok(count.is_some_and(|c| c.n > 0))
}
