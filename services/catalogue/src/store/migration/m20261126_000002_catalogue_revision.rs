//! `catalogue_revision`: one counter bumped by every write, so each replica knows
//! when its in-memory search index is stale.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE catalogue_revision (
                id INTEGER PRIMARY KEY,
                revision BIGINT NOT NULL
            )",
        )
        .await?;
        db.execute_unprepared("INSERT INTO catalogue_revision (id, revision) VALUES (1, 0)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE catalogue_revision")
            .await?;
        Ok(())
    }
}
