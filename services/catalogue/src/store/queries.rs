//! Queries of the catalogue as plain functions over a connection.

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
};

use super::entities::{field, procedure_version as pv};
use crate::domain::import::{CheckedImport, ImportReport};
use crate::domain::procedure::{Level, ProcedureContent, ProcedureDraft};
use crate::domain::search::IndexEntry;
use crate::domain::versioning::{self, LatestVersion, UpsertPlan};
use onestop_kit::ServiceError;

/// A stored version with its content decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredProcedure {
    /// Code.
    pub code: String,
    /// Version number.
    pub version: i32,
    /// Content.
    pub content: ProcedureContent,
    /// Start of validity.
    pub effective_from: DateTime<Utc>,
    /// End of validity, if any.
    pub effective_to: Option<DateTime<Utc>>,
    /// Ended by retirement.
    pub retired: bool,
}

fn ms_to_time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn decode(model: pv::Model) -> Result<StoredProcedure, ServiceError> {
    let content = serde_json::from_str(&model.content_json).map_err(|e| {
        ServiceError::Internal(format!(
            "procedure {} v{} content: {e}",
            model.code, model.version
        ))
    })?;
    Ok(StoredProcedure {
        code: model.code,
        version: model.version,
        content,
        effective_from: ms_to_time(model.effective_from_ms),
        effective_to: model.effective_to_ms.map(ms_to_time),
        retired: model.retired,
    })
}

fn decode_all(models: Vec<pv::Model>) -> Result<Vec<StoredProcedure>, ServiceError> {
    models.into_iter().map(decode).collect()
}

/// Versions valid at `now`.
fn current_at(now: DateTime<Utc>) -> Condition {
    let now = now.timestamp_millis();
    Condition::all()
        .add(pv::Column::EffectiveFromMs.lte(now))
        .add(
            Condition::any()
                .add(pv::Column::EffectiveToMs.is_null())
                .add(pv::Column::EffectiveToMs.gt(now)),
        )
}

/// Version `version` of `code`, or the one valid at `now` when `version` is `None`.
pub async fn get(
    db: &impl ConnectionTrait,
    code: &str,
    version: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Option<StoredProcedure>, ServiceError> {
    let select = pv::Entity::find().filter(pv::Column::Code.eq(code));
    let select = match version {
        Some(v) => select.filter(pv::Column::Version.eq(v)),
        None => select
            .filter(current_at(now))
            .order_by_desc(pv::Column::Version),
    };
    select.one(db).await?.map(decode).transpose()
}

/// Every version of `code`, oldest first.
pub async fn versions(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Vec<StoredProcedure>, ServiceError> {
    decode_all(
        pv::Entity::find()
            .filter(pv::Column::Code.eq(code))
            .order_by_asc(pv::Column::Version)
            .all(db)
            .await?,
    )
}

async fn latest(db: &impl ConnectionTrait, code: &str) -> Result<Option<pv::Model>, ServiceError> {
    Ok(pv::Entity::find()
        .filter(pv::Column::Code.eq(code))
        .order_by_desc(pv::Column::Version)
        .one(db)
        .await?)
}

async fn ensure_field(
    db: &impl ConnectionTrait,
    content: &ProcedureContent,
) -> Result<(), ServiceError> {
    let existing = field::Entity::find_by_id(content.field.code.clone())
        .one(db)
        .await?;
    match existing {
        Some(f) if f.name == content.field.name => {}
        Some(f) => {
            let mut active: field::ActiveModel = f.into();
            active.name = Set(content.field.name.clone());
            active.update(db).await?;
        }
        None => {
            field::ActiveModel {
                code: Set(content.field.code.clone()),
                name: Set(content.field.name.clone()),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Applies one upsert inside the caller's transaction.
pub async fn upsert_in(
    txn: &impl ConnectionTrait,
    draft: &ProcedureDraft,
    effective_from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(UpsertPlan, i32), ServiceError> {
    let code = draft.code.as_str();
    let latest = latest(txn, code).await?;
    let hash = draft.content.content_hash();
    let known = latest.as_ref().map(|m| LatestVersion {
        version: m.version,
        content_hash: m.content_hash.clone(),
        effective_from: ms_to_time(m.effective_from_ms),
        retired: m.retired,
    });
    let plan = versioning::plan(known.as_ref(), &hash, effective_from)
        .map_err(|e| ServiceError::invalid("effective_from", e))?;
    let version = match &plan {
        UpsertPlan::Unchanged { version } => return Ok((plan.clone(), *version)),
        UpsertPlan::Create => 1,
        UpsertPlan::NewVersion { version } => *version,
    };
    if let Some(previous) = latest
        && previous.effective_to_ms.is_none()
    {
        let mut active: pv::ActiveModel = previous.into();
        active.effective_to_ms = Set(Some(effective_from.timestamp_millis()));
        active.update(txn).await?;
    }
    ensure_field(txn, &draft.content).await?;
    bump_revision(txn).await?;
    pv::ActiveModel {
        code: Set(code.to_string()),
        version: Set(version),
        name: Set(draft.content.name.clone()),
        search_text: Set(draft.content.search_text()),
        field_code: Set(draft.content.field.code.clone()),
        level: Set(draft.content.level.as_str().to_string()),
        content_json: Set(serde_json::to_string(&draft.content).expect("content serialises")),
        content_hash: Set(hash),
        effective_from_ms: Set(effective_from.timestamp_millis()),
        effective_to_ms: Set(None),
        retired: Set(false),
        created_at_ms: Set(now.timestamp_millis()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok((plan, version))
}

/// Upserts one procedure in its own transaction; returns what it did and the version now current.
pub async fn upsert(
    db: &DatabaseConnection,
    draft: &ProcedureDraft,
    effective_from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(UpsertPlan, StoredProcedure), ServiceError> {
    let txn = db.begin().await?;
    let (plan, version) = upsert_in(&txn, draft, effective_from, now).await?;
    let stored = get(&txn, draft.code.as_str(), Some(version), now)
        .await?
        .ok_or_else(|| ServiceError::Internal("upserted version vanished".into()))?;
    txn.commit().await?;
    Ok((plan, stored))
}

/// Applies a checked import all-or-nothing; with `dry_run` reports and writes nothing.
pub async fn import(
    db: &DatabaseConnection,
    checked: CheckedImport,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport, ServiceError> {
    let mut report = ImportReport {
        rejected: checked.rejected,
        ..Default::default()
    };
    let txn = db.begin().await?;
    for (line, draft) in &checked.drafts {
        match upsert_in(&txn, draft, now, now).await {
            Ok((UpsertPlan::Create, _)) => report.created += 1,
            Ok((UpsertPlan::NewVersion { .. }, _)) => report.new_versions += 1,
            Ok((UpsertPlan::Unchanged { .. }, _)) => report.unchanged += 1,
            Err(ServiceError::InvalidArgument(violations)) => {
                for v in violations {
                    report.rejected.push(crate::domain::import::Rejection {
                        line: *line,
                        code: draft.code.to_string(),
                        field: v.field,
                        reason: v.description,
                    });
                }
            }
            Err(e) => return Err(e),
        }
    }
    if report.rejected.is_empty() && !dry_run {
        txn.commit().await?;
        report.applied = true;
    } else {
        txn.rollback().await?;
    }
    Ok(report)
}

/// Ends the validity of `code`'s current version now.
pub async fn retire(
    db: &DatabaseConnection,
    code: &str,
    now: DateTime<Utc>,
) -> Result<StoredProcedure, ServiceError> {
    let txn = db.begin().await?;
    let latest = latest(&txn, code)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("procedure {code}")))?;
    if latest.retired || latest.effective_to_ms.is_some() {
        return Err(ServiceError::FailedPrecondition(format!(
            "procedure {code} is already retired"
        )));
    }
    let mut active: pv::ActiveModel = latest.into();
    active.effective_to_ms = Set(Some(now.timestamp_millis()));
    active.retired = Set(true);
    let model = active.update(&txn).await?;
    bump_revision(&txn).await?;
    txn.commit().await?;
    decode(model)
}

/// Filters of a procedure list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Field slug, empty for all.
    pub field_code: String,
    /// Level, `None` for all.
    pub level: Option<Level>,
}

impl ListFilter {
    fn condition(&self, now: DateTime<Utc>) -> Condition {
        let mut cond = current_at(now);
        if !self.field_code.is_empty() {
            cond = cond.add(pv::Column::FieldCode.eq(self.field_code.clone()));
        }
        if let Some(level) = self.level {
            cond = cond.add(pv::Column::Level.eq(level.as_str()));
        }
        cond
    }
}

/// Current procedures after `after_code` in code order, and how many match in all.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &ListFilter,
    after_code: Option<&str>,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<(Vec<StoredProcedure>, u64), ServiceError> {
    let total = pv::Entity::find()
        .filter(filter.condition(now))
        .count(db)
        .await?;
    let mut page = pv::Entity::find().filter(filter.condition(now));
    if let Some(after) = after_code {
        page = page.filter(pv::Column::Code.gt(after));
    }
    let models = page
        .order_by_asc(pv::Column::Code)
        .limit(limit)
        .all(db)
        .await?;
    Ok((decode_all(models)?, total))
}

/// The catalogue's revision, bumped by every write.
pub async fn revision(db: &impl ConnectionTrait) -> Result<i64, ServiceError> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT revision FROM catalogue_revision WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| ServiceError::Internal("catalogue_revision row is missing".into()))?;
    Ok(row.try_get_by_index(0)?)
}

/// Marks the catalogue changed, inside the writing transaction.
async fn bump_revision(txn: &impl ConnectionTrait) -> Result<(), ServiceError> {
    txn.execute_unprepared("UPDATE catalogue_revision SET revision = revision + 1 WHERE id = 1")
        .await?;
    Ok(())
}

/// Every version that is valid now or later, for the search index.
pub async fn search_entries(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<IndexEntry>, ServiceError> {
    let rows: Vec<(i64, String, String, i64, Option<i64>)> = pv::Entity::find()
        .select_only()
        .columns([
            pv::Column::Id,
            pv::Column::Code,
            pv::Column::SearchText,
            pv::Column::EffectiveFromMs,
            pv::Column::EffectiveToMs,
        ])
        .filter(
            Condition::any()
                .add(pv::Column::EffectiveToMs.is_null())
                .add(pv::Column::EffectiveToMs.gt(now.timestamp_millis())),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, folded_name, from, to)| IndexEntry {
            id,
            code,
            folded_name,
            effective_from_ms: from,
            effective_to_ms: to,
        })
        .collect())
}

/// The versions with these keys, in the order given.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<StoredProcedure>, ServiceError> {
    let mut models = pv::Entity::find()
        .filter(pv::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?;
    models.sort_by_key(|m| ids.iter().position(|id| *id == m.id));
    decode_all(models)
}

/// Fields that have current procedures, with their counts, in name order.
pub async fn fields(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<(String, String, i64)>, ServiceError> {
    let counts: Vec<(String, i64)> = pv::Entity::find()
        .select_only()
        .column(pv::Column::FieldCode)
        .column_as(pv::Column::Id.count(), "n")
        .filter(current_at(now))
        .group_by(pv::Column::FieldCode)
        .into_tuple()
        .all(db)
        .await?;
    let names = field::Entity::find().all(db).await?;
    let mut out: Vec<_> = counts
        .into_iter()
        .map(|(code, n)| {
            let name = names
                .iter()
                .find(|f| f.code == code)
                .map(|f| f.name.clone())
                .unwrap_or_default();
            (code, name, n)
        })
        .collect();
    out.sort_by_cached_key(|f| crate::domain::fold::fold(&f.1));
    Ok(out)
}
