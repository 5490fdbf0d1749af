//! Opening a dossier: the first row and the first history entry.

use chrono::{DateTime, Utc};
use onestop_kit::sql::{Store, exec};
use onestop_kit::{Claims, ServiceError};
use sea_orm::TransactionTrait;

use super::rows::{DOSSIER_COLUMNS, DossierRow};
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
    let columns: Vec<&str> = DOSSIER_COLUMNS.split(',').map(str::trim).collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|n| format!("${n}")).collect();
    let inserted = exec(
        &txn,
        &format!(
            "INSERT INTO dossiers ({}) VALUES ({})
             ON CONFLICT (center_id, request_id) WHERE request_id IS NOT NULL DO NOTHING",
            columns.join(", "),
            placeholders.join(", ")
        ),
        values_of(&row),
    )
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
            row.status.into(),
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

/// The row's values in [`DOSSIER_COLUMNS`] order.
pub fn values_of(row: &DossierRow) -> Vec<sea_orm::Value> {
    let r = row.clone();
    vec![
        r.id.into(),
        r.code.into(),
        r.center_id.into(),
        r.procedure_code.into(),
        r.procedure_version.into(),
        r.procedure_name.into(),
        r.field_code.into(),
        r.processing_days.into(),
        r.applicant_name.into(),
        r.citizen_id.into(),
        r.phone.into(),
        r.email.into(),
        r.address.into(),
        r.representative.into(),
        r.channel.into(),
        r.components.into(),
        r.fees.into(),
        r.fee_total.into(),
        r.paid.into(),
        r.status.into(),
        r.stage.into(),
        r.assigned.into(),
        r.review.into(),
        r.signed.into(),
        r.extended.into(),
        r.assignee.into(),
        r.department.into(),
        r.missing_items.into(),
        r.end_reason.into(),
        r.created_at.into(),
        r.received_at.into(),
        r.due_at.into(),
        r.judged_due_at.into(),
        r.result_ready_at.into(),
        r.returned_at.into(),
        r.ended_at.into(),
        r.timeliness.into(),
        r.clock_paused.into(),
        r.search.into(),
        r.version.into(),
        r.updated_at.into(),
        r.citizen_key_hash.into(),
        r.request_id.into(),
        r.personal_data_removed_at.into(),
    ]
}
