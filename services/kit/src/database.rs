//! Connects to SQLite (WAL mode) or PostgreSQL (a schema per service) and runs a
//! service's migrations.

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

/// Where a service keeps its tables.
#[derive(Debug, Clone)]
pub struct DatabaseTarget {
    /// `sqlite://…` or `postgres://…`.
    pub url: String,
    /// PostgreSQL schema owned by the service; ignored on SQLite.
    pub schema: Option<String>,
    /// Pool size.
    pub max_connections: u32,
}

/// Opens a pool; creates the SQLite file's folder or the PostgreSQL schema if missing.
pub async fn connect(target: &DatabaseTarget) -> Result<DatabaseConnection, DbErr> {
    if target.url.starts_with("sqlite:") {
        connect_sqlite(target).await
    } else {
        connect_postgres(target).await
    }
}

async fn connect_sqlite(target: &DatabaseTarget) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(&target.url) {
        private_file(std::path::Path::new(path))
            .map_err(|e| DbErr::Custom(format!("create {path}: {e}")))?;
    }
    let mut options = ConnectOptions::new(&target.url);
    options
        .max_connections(target.max_connections)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    Database::connect(options).await
}

async fn connect_postgres(target: &DatabaseTarget) -> Result<DatabaseConnection, DbErr> {
    if let Some(schema) = &target.schema {
        if !schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(DbErr::Custom(format!("bad schema name `{schema}`")));
        }
        let mut bootstrap = ConnectOptions::new(&target.url);
        bootstrap.max_connections(1).sqlx_logging(false);
        let db = Database::connect(bootstrap).await?;
        db.execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .await?;
        db.close().await?;
    }
    let mut options = ConnectOptions::new(&target.url);
    options
        .max_connections(target.max_connections)
        .sqlx_logging(false);
    if let Some(schema) = &target.schema {
        options.set_schema_search_path(schema.clone());
    }
    Database::connect(options).await
}

/// Creates the SQLite file (mode 0600) and its folder (0700) if missing, and makes an
/// existing file owner-only: it holds names and phone numbers. SQLite gives its WAL and
/// shared-memory files the database file's mode.
fn private_file(path: &std::path::Path) -> std::io::Result<()> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
        && !parent.exists()
    {
        crate::private_dir(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        options.open(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    options.open(path)?;
    Ok(())
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Connects and applies every pending migration of `M`.
pub async fn connect_and_migrate<M: MigratorTrait>(
    target: &DatabaseTarget,
) -> Result<DatabaseConnection, DbErr> {
    let db = connect(target).await?;
    M::up(&db, None).await?;
    Ok(db)
}

/// Drops a PostgreSQL schema and everything in it (test clean-up).
pub async fn drop_schema(url: &str, schema: &str) -> Result<(), DbErr> {
    let db = Database::connect(url).await?;
    db.execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .await?;
    db.close().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Statement;

    #[test]
    fn sqlite_paths_are_found() {
        assert_eq!(sqlite_path("sqlite://d/c.db?mode=rwc"), Some("d/c.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }

    #[tokio::test]
    async fn sqlite_file_is_created_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/sub/x.db?mode=rwc", dir.path().display());
        let db = connect(&DatabaseTarget {
            url,
            schema: None,
            max_connections: 2,
        })
        .await
        .unwrap();
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "PRAGMA journal_mode",
            ))
            .await
            .unwrap()
            .unwrap();
        let mode: String = row.try_get_by_index(0).unwrap();
        assert_eq!(mode, "wal");
        assert!(dir.path().join("sub/x.db").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            db.execute_unprepared("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)")
                .await
                .unwrap();
            let mode = |p: &str| {
                std::fs::metadata(dir.path().join(p))
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o777
            };
            assert_eq!(mode("sub"), 0o700, "the data folder is the owner's only");
            assert_eq!(
                mode("sub/x.db"),
                0o600,
                "personal data is not world-readable"
            );
            assert_eq!(mode("sub/x.db-wal"), 0o600);
        }
    }
}
