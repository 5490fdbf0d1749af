//! The in-memory search index of one replica, rebuilt when the catalogue's revision
//! moves, so replicas sharing a database never serve a stale catalogue.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::queries::{self, StoredProcedure};
use crate::domain::search::{SearchIndex, SearchQuery};
use onestop_kit::ServiceError;

/// A search index tagged with the revision it was built at.
#[derive(Debug, Default)]
pub struct SearchCache {
    built: RwLock<Option<(i64, Arc<SearchIndex>)>>,
}

impl SearchCache {
    /// The index for the database's current revision, rebuilt if it moved.
    async fn index(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<Arc<SearchIndex>, ServiceError> {
        let revision = queries::revision(db).await?;
        if let Some((built_at, index)) = self.built.read().expect("lock").as_ref()
            && *built_at == revision
        {
            return Ok(index.clone());
        }
        // read after the revision: a write in between only causes one more rebuild
        let index = Arc::new(SearchIndex::new(queries::search_entries(db, now).await?));
        *self.built.write().expect("lock") = Some((revision, index.clone()));
        tracing::debug!(revision, "search index rebuilt");
        Ok(index)
    }

    /// Current procedures matching `query`, best first, at most `limit`.
    pub async fn search(
        &self,
        db: &impl ConnectionTrait,
        query: &SearchQuery,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredProcedure>, ServiceError> {
        let ids = self
            .index(db, now)
            .await?
            .search(query, now.timestamp_millis(), limit);
        queries::by_ids(db, &ids).await
    }
}
