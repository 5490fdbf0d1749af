//! `fields` and `procedure_versions`, with the indexes that listing and "current
//! version" look-ups use.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let id = match manager.get_database_backend() {
            DbBackend::Postgres => "id BIGSERIAL PRIMARY KEY",
            _ => "id INTEGER PRIMARY KEY AUTOINCREMENT",
        };
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE fields (
                code TEXT PRIMARY KEY,
                name TEXT NOT NULL
            )",
        )
        .await?;
        db.execute_unprepared(&format!(
            "CREATE TABLE procedure_versions (
                {id},
                code TEXT NOT NULL,
                version INTEGER NOT NULL,
                name TEXT NOT NULL,
                search_text TEXT NOT NULL,
                field_code TEXT NOT NULL REFERENCES fields(code),
                level TEXT NOT NULL,
                content_json TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                effective_from_ms BIGINT NOT NULL,
                effective_to_ms BIGINT NULL,
                retired BOOLEAN NOT NULL DEFAULT FALSE,
                created_at_ms BIGINT NOT NULL,
                UNIQUE (code, version)
            )"
        ))
        .await?;
        db.execute_unprepared(
            "CREATE INDEX procedure_versions_open ON procedure_versions (code, effective_to_ms)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX procedure_versions_field ON procedure_versions (field_code, code)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE procedure_versions")
            .await?;
        db.execute_unprepared("DROP TABLE fields").await?;
        Ok(())
    }
}
