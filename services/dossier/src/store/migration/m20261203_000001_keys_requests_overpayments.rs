//! Hardening: the citizen's key (its hash) on each received dossier, the client's
//! `request_id` of `CreateDossier` (one dossier per request id and centre), the date
//! personal data was removed after the retention period, overpayments kept for refund,
//! and at most one open payment request per dossier (older open duplicates are closed).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "ALTER TABLE dossiers ADD COLUMN citizen_key_hash TEXT NULL",
    "ALTER TABLE dossiers ADD COLUMN request_id TEXT NULL",
    "ALTER TABLE dossiers ADD COLUMN personal_data_removed_at BIGINT NULL",
    "CREATE UNIQUE INDEX dossiers_by_request ON dossiers (center_id, request_id)
        WHERE request_id IS NOT NULL",
    // the retention job's candidates: ended, personal data still there
    "CREATE INDEX dossiers_to_anonymise ON dossiers (ended_at)
        WHERE ended_at IS NOT NULL AND personal_data_removed_at IS NULL",
    "ALTER TABLE dossier_payments ADD COLUMN overpaid BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE dossier_payment_requests ADD COLUMN closed_at BIGINT NULL",
    // keep the newest open request of each dossier, close the others
    "UPDATE dossier_payment_requests SET closed_at = created_at
     WHERE paid_at IS NULL AND EXISTS (
        SELECT 1 FROM dossier_payment_requests n
        WHERE n.dossier_id = dossier_payment_requests.dossier_id AND n.paid_at IS NULL
          AND (n.created_at > dossier_payment_requests.created_at
               OR (n.created_at = dossier_payment_requests.created_at
                   AND n.reference > dossier_payment_requests.reference)))",
    "CREATE UNIQUE INDEX dossier_payment_requests_open ON dossier_payment_requests (dossier_id)
        WHERE paid_at IS NULL AND closed_at IS NULL",
];

const DOWN: &[&str] = &[
    "DROP INDEX dossier_payment_requests_open",
    "ALTER TABLE dossier_payment_requests DROP COLUMN closed_at",
    "ALTER TABLE dossier_payments DROP COLUMN overpaid",
    "DROP INDEX dossiers_to_anonymise",
    "DROP INDEX dossiers_by_request",
    "ALTER TABLE dossiers DROP COLUMN personal_data_removed_at",
    "ALTER TABLE dossiers DROP COLUMN request_id",
    "ALTER TABLE dossiers DROP COLUMN citizen_key_hash",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in UP {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in DOWN {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
