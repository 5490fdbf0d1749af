//! Tickets get the hash of the citizen's key (cancelling needs the key) and the kiosk's
//! request id (a retried press returns the ticket already issued).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in [
            "ALTER TABLE queue_tickets ADD COLUMN key_hash TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE queue_tickets ADD COLUMN request_id TEXT NULL",
            "CREATE UNIQUE INDEX queue_tickets_by_request ON queue_tickets (center_id, request_id)",
            "CREATE INDEX queue_tickets_by_finish ON queue_tickets (finished_at)",
            "CREATE INDEX queue_outbox_by_time ON queue_outbox (created_at)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in [
            "DROP INDEX queue_outbox_by_time",
            "DROP INDEX queue_tickets_by_finish",
            "DROP INDEX queue_tickets_by_request",
            "ALTER TABLE queue_tickets DROP COLUMN request_id",
            "ALTER TABLE queue_tickets DROP COLUMN key_hash",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
