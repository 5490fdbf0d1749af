//! The dossier service's tables: centres, the holiday calendar (seeded with the
//! statutory days of 2025–2027), per-unit daily code counters, dossiers, their
//! append-only history (which also holds the clock ledger), payments, payment
//! requests, ratings, feedback, the outbox and scan leases. Times are epoch
//! milliseconds (UTC); lists are JSON text.

use sea_orm::Statement;
use sea_orm_migration::prelude::*;

use crate::domain::calendar::seed_days;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "CREATE TABLE dossier_centers (
        center_id TEXT PRIMARY KEY,
        unit_code TEXT NOT NULL,
        name_vi TEXT NOT NULL,
        name_en TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        feedback_answer_days INTEGER NOT NULL
    )",
    "CREATE TABLE dossier_holidays (
        center_id TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        name_vi TEXT NOT NULL,
        name_en TEXT NOT NULL,
        status TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (center_id, day)
    )",
    "CREATE TABLE dossier_code_counters (
        unit_code TEXT NOT NULL,
        day TEXT NOT NULL,
        last BIGINT NOT NULL,
        PRIMARY KEY (unit_code, day)
    )",
    "CREATE TABLE dossiers (
        id TEXT PRIMARY KEY,
        code TEXT NULL UNIQUE,
        center_id TEXT NOT NULL,
        procedure_code TEXT NOT NULL,
        procedure_version INTEGER NOT NULL,
        procedure_name TEXT NOT NULL,
        field_code TEXT NOT NULL,
        processing_days DOUBLE PRECISION NULL,
        applicant_name TEXT NOT NULL,
        citizen_id TEXT NOT NULL,
        phone TEXT NOT NULL,
        email TEXT NOT NULL,
        address TEXT NOT NULL,
        representative TEXT NOT NULL,
        channel TEXT NOT NULL,
        components TEXT NOT NULL,
        fees TEXT NOT NULL,
        fee_total BIGINT NOT NULL,
        paid BIGINT NOT NULL,
        status INTEGER NOT NULL,
        stage INTEGER NOT NULL,
        assigned INTEGER NOT NULL,
        review TEXT NOT NULL,
        signed INTEGER NOT NULL,
        extended INTEGER NOT NULL,
        assignee TEXT NOT NULL,
        department TEXT NOT NULL,
        missing_items TEXT NOT NULL,
        end_reason TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        received_at BIGINT NULL,
        due_at BIGINT NULL,
        judged_due_at BIGINT NULL,
        result_ready_at BIGINT NULL,
        returned_at BIGINT NULL,
        ended_at BIGINT NULL,
        timeliness TEXT NULL,
        clock_paused INTEGER NOT NULL,
        search TEXT NOT NULL,
        version BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
    )",
    "CREATE INDEX dossiers_by_status ON dossiers (center_id, status, created_at)",
    "CREATE INDEX dossiers_by_due ON dossiers (center_id, status, due_at)",
    // the overdue list, most urgent first, read in index order (running clocks only)
    "CREATE INDEX dossiers_running_by_due ON dossiers (center_id, due_at, id) WHERE status IN (2, 4)",
    "CREATE INDEX dossiers_by_assignee ON dossiers (center_id, assignee, created_at)",
    "CREATE INDEX dossiers_by_procedure ON dossiers (center_id, procedure_code, created_at)",
    "CREATE INDEX dossiers_by_created ON dossiers (center_id, created_at)",
    "CREATE INDEX dossiers_by_received ON dossiers (center_id, received_at)",
    // "in progress" and "overdue now" of the statistics, read from this index alone
    "CREATE INDEX dossiers_open ON dossiers
        (center_id, received_at, status, due_at, procedure_code, field_code, channel, assignee)
        WHERE status IN (2, 4, 5, 6)",
    "CREATE TABLE dossier_history (
        dossier_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        center_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        transition TEXT NOT NULL,
        from_status INTEGER NOT NULL,
        to_status INTEGER NOT NULL,
        note TEXT NOT NULL,
        clock_event TEXT NULL,
        clock_effect TEXT NOT NULL,
        procedure_code TEXT NOT NULL,
        field_code TEXT NOT NULL,
        channel TEXT NOT NULL,
        handler TEXT NOT NULL,
        timeliness TEXT NULL,
        PRIMARY KEY (dossier_id, seq)
    )",
    // statistics read only this index (every column they group or count by is in it)
    "CREATE INDEX dossier_history_stats ON dossier_history
        (center_id, transition, at, channel, timeliness, procedure_code, field_code, handler)",
    "CREATE TABLE dossier_payments (
        dossier_id TEXT NOT NULL,
        receipt_number TEXT NOT NULL,
        method TEXT NOT NULL,
        amount BIGINT NOT NULL,
        paid_at BIGINT NOT NULL,
        recorded_by TEXT NOT NULL,
        PRIMARY KEY (dossier_id, receipt_number)
    )",
    "CREATE TABLE dossier_payment_requests (
        reference TEXT PRIMARY KEY,
        dossier_id TEXT NOT NULL,
        amount BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        paid_at BIGINT NULL
    )",
    "CREATE TABLE dossier_ratings (
        dossier_id TEXT PRIMARY KEY,
        center_id TEXT NOT NULL,
        score INTEGER NOT NULL,
        comment TEXT NOT NULL,
        rated_at BIGINT NOT NULL
    )",
    "CREATE INDEX dossier_ratings_by_time ON dossier_ratings (center_id, rated_at)",
    "CREATE TABLE dossier_feedback (
        id TEXT PRIMARY KEY,
        center_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        contact TEXT NOT NULL,
        content TEXT NOT NULL,
        dossier_code TEXT NOT NULL,
        status TEXT NOT NULL,
        assignee TEXT NOT NULL,
        answer TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        answer_due_at BIGINT NOT NULL,
        answered_at BIGINT NULL
    )",
    "CREATE INDEX dossier_feedback_by_center ON dossier_feedback (center_id, received_at)",
    "CREATE TABLE dossier_outbox (
        idempotency_key TEXT PRIMARY KEY,
        center_id TEXT NOT NULL,
        dossier_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        delivered_at BIGINT NULL
    )",
    "CREATE TABLE dossier_leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        until_at BIGINT NOT NULL
    )",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in TABLES {
            db.execute_unprepared(sql).await?;
        }
        let backend = manager.get_database_backend();
        for day in seed_days() {
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                "INSERT INTO dossier_holidays (center_id, day, kind, name_vi, name_en, status, source)
                 VALUES ('*', $1, $2, $3, $4, $5, $6)",
                vec![
                    day.date.format("%Y-%m-%d").to_string().into(),
                    day.kind.as_str().into(),
                    day.name_vi.into(),
                    day.name_en.into(),
                    day.status.as_str().into(),
                    day.source.into(),
                ],
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in [
            "dossier_leases",
            "dossier_outbox",
            "dossier_feedback",
            "dossier_ratings",
            "dossier_payment_requests",
            "dossier_payments",
            "dossier_history",
            "dossiers",
            "dossier_code_counters",
            "dossier_holidays",
            "dossier_centers",
        ] {
            db.execute_unprepared(&format!("DROP TABLE {table}"))
                .await?;
        }
        Ok(())
    }
}
