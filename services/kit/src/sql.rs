//! Raw SQL that runs unchanged on SQLite and PostgreSQL (`$n` placeholders,
//! `RETURNING`), and the write gate that queues SQLite writers in this process.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, Value};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::ServiceError;

/// A pool, with a write gate on SQLite (one writer at a time in this process, so
/// writers queue here instead of spinning on SQLITE_BUSY).
#[derive(Clone, Debug)]
pub struct Store {
    /// The pool.
    pub db: DatabaseConnection,
    gate: Option<Arc<Mutex<()>>>,
}

impl Store {
    /// A store over a migrated database.
    pub fn new(db: DatabaseConnection) -> Self {
        let gate =
            (db.get_database_backend() == DbBackend::Sqlite).then(|| Arc::new(Mutex::new(())));
        Self { db, gate }
    }

    /// Waits for the SQLite write gate (no-op on PostgreSQL).
    pub async fn gate(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        }
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.db.get_database_backend() == DbBackend::Postgres
    }
}

/// A statement with `$n` placeholders (both SQLite and PostgreSQL accept them).
pub fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, sql, values)
}

/// All rows of a query.
pub async fn all<T: FromQueryResult>(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<T>, ServiceError> {
    Ok(
        T::find_by_statement(stmt(c.get_database_backend(), sql, values))
            .all(c)
            .await?,
    )
}

/// The first row of a query.
pub async fn one<T: FromQueryResult>(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Option<T>, ServiceError> {
    Ok(
        T::find_by_statement(stmt(c.get_database_backend(), sql, values))
            .one(c)
            .await?,
    )
}

/// Runs a statement; rows affected.
pub async fn exec(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<u64, ServiceError> {
    Ok(c.execute_raw(stmt(c.get_database_backend(), sql, values))
        .await?
        .rows_affected())
}
