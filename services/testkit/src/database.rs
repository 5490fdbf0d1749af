//! A fresh database per test: a SQLite file in a temporary folder, or a fresh schema on
//! the PostgreSQL server of [`POSTGRES_ENV`](crate::POSTGRES_ENV).

use std::sync::Arc;

use onestop_kit::database::{DatabaseTarget, connect_and_migrate, drop_schema};
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;

/// A database no other test uses. Its SQLite folder lives as long as the last handle
/// on it ([`share`](Self::share)); its PostgreSQL schema until [`cleanup`](Self::cleanup).
#[derive(Debug)]
pub struct FreshDatabase {
    /// Where it is, as the services connect to it.
    pub target: DatabaseTarget,
    dir: Option<Arc<tempfile::TempDir>>,
    /// `(server url, schema)` that [`cleanup`](Self::cleanup) drops.
    owned_schema: Option<(String, String)>,
}

impl FreshDatabase {
    /// A fresh PostgreSQL schema `{name}_test_…` when the suite runs on PostgreSQL
    /// ([`backend`](crate::backend)), else a SQLite file `{name}.db` in a new temporary
    /// folder.
    pub fn new(name: &str, max_connections: u32) -> Self {
        match crate::postgres_url() {
            Some(url) => Self::postgres(&url, name, max_connections),
            None => Self::sqlite(name, max_connections),
        }
    }

    /// A SQLite file `{name}.db` in a new temporary folder, whatever the backend.
    pub fn sqlite(name: &str, max_connections: u32) -> Self {
        onestop_kit::telemetry::init_for_tests();
        let dir = tempfile::tempdir().expect("a temporary folder");
        Self {
            target: DatabaseTarget {
                url: format!("sqlite://{}/{name}.db?mode=rwc", dir.path().display()),
                schema: None,
                max_connections,
            },
            dir: Some(Arc::new(dir)),
            owned_schema: None,
        }
    }

    /// A fresh schema `{name}_test_…` on the PostgreSQL server at `url`.
    pub fn postgres(url: &str, name: &str, max_connections: u32) -> Self {
        onestop_kit::telemetry::init_for_tests();
        let schema = format!("{name}_test_{}", crate::unique());
        Self {
            target: DatabaseTarget {
                url: url.to_string(),
                schema: Some(schema.clone()),
                max_connections,
            },
            dir: None,
            owned_schema: Some((url.to_string(), schema)),
        }
    }

    /// Another handle on the same database (for a second server, as another replica
    /// would be): it keeps the SQLite folder alive, and its cleanup drops nothing.
    pub fn share(&self) -> Self {
        Self {
            target: self.target.clone(),
            dir: self.dir.clone(),
            owned_schema: None,
        }
    }

    /// Connects and applies every migration of `M`; panics when the database cannot be
    /// reached (a test never passes without the database it asked for).
    pub async fn migrate<M: MigratorTrait>(&self) -> DatabaseConnection {
        connect_and_migrate::<M>(&self.target)
            .await
            .unwrap_or_else(|e| panic!("cannot reach the test database {}: {e}", self.target.url))
    }

    /// Drops the PostgreSQL schema this handle created (nothing for SQLite, whose folder
    /// goes with the last handle, nor for a [`share`](Self::share)d handle).
    pub async fn cleanup(mut self) {
        if let Some((url, schema)) = self.owned_schema.take() {
            drop_schema(&url, &schema)
                .await
                .unwrap_or_else(|e| panic!("drop test schema {schema}: {e}"));
        }
    }
}
