//! Opening a dossier: the first row and the first history entry.

use chrono::{DateTime, Utc};
use onestop_kit::sql::{Store, exec};
use onestop_kit::{Claims, ServiceError};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, TransactionTrait};

use super::entity::dossier;
use super::rows::DossierRow;
use super::tx::{Actor, center, check_center, refused, search_text};
use crate::domain::status::{DossierState, Transition, apply};

/// Inserts `row` (status 1, stage 1) after the state machine allows the creation by
/// the caller's role; `row.center_id` must exist. When another dossier of the centre
/// already carries `row.request_id` (a retried request), nothing is written and that
/// dossier is returned.
pub async fn create(
    store: &Store,
    claims: &Claims,
    mut row: DossierRow,
    note: &str,
    now: DateTime<Utc>,
) -> Result<DossierRow, ServiceError> {
    check_center(claims, &row.center_id)?;
    let actor = Actor::of(claims);
    let state =
        apply(&DossierState::initial(), &Transition::Create, actor.role).map_err(refused)?;
    row.set_state(&state);
    row.search = search_text(&row);
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    center(&txn, &row.center_id).await?;
    // a retried request conflicts on the partial unique index of request ids
    let inserted = dossier::Entity::insert(row.clone().into_active_model().reset_all())
        .on_conflict(
            OnConflict::columns([dossier::Column::CenterId, dossier::Column::RequestId])
                .target_and_where(Expr::col(dossier::Column::RequestId).is_not_null())
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    if inserted == 0 {
        txn.rollback().await?;
        let request_id = row.request_id.as_deref().unwrap_or_default();
        return super::read::by_request(&store.db, &row.center_id, request_id)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal(format!("request `{request_id}` conflicted but is gone"))
            });
    }
    exec(
        &txn,
        "INSERT INTO dossier_history (dossier_id, seq, center_id, at, actor, role, transition,
            from_status, to_status, note, clock_event, clock_effect, procedure_code, field_code,
            channel, handler, timeliness)
         VALUES ($1, 1, $2, $3, $4, $5, 'create', 0, $6, $7, NULL, '', $8, $9, $10, $4, NULL)",
        vec![
            row.id.clone().into(),
            row.center_id.clone().into(),
            now.timestamp_millis().into(),
            actor.name.into(),
            actor.role.as_str().into(),
            row.status.code().into(),
            note.into(),
            row.procedure_code.clone().into(),
            row.field_code.clone().into(),
            row.channel.clone().into(),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}
