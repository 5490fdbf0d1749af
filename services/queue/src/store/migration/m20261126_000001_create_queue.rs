//! The queue's tables: centres (with the board sequence), lines, counters, daily
//! number counters, tickets, board events, counter log, appointments and the outbox.
//! Times are epoch milliseconds (UTC); lists are JSON text.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "CREATE TABLE queue_centers (
        center_id TEXT PRIMARY KEY,
        name_vi TEXT NOT NULL,
        name_en TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        hours TEXT NOT NULL,
        policy TEXT NOT NULL,
        notify_position INTEGER NOT NULL,
        long_wait_minutes INTEGER NOT NULL,
        board_seq BIGINT NOT NULL DEFAULT 0
    )",
    "CREATE TABLE queue_lines (
        center_id TEXT NOT NULL REFERENCES queue_centers (center_id),
        code TEXT NOT NULL,
        prefix TEXT NOT NULL,
        name_vi TEXT NOT NULL,
        name_en TEXT NOT NULL,
        field_codes TEXT NOT NULL,
        procedure_codes TEXT NOT NULL,
        slot_capacity INTEGER NOT NULL,
        PRIMARY KEY (center_id, code),
        UNIQUE (center_id, prefix)
    )",
    "CREATE TABLE queue_counters (
        center_id TEXT NOT NULL REFERENCES queue_centers (center_id),
        counter_id TEXT NOT NULL,
        number INTEGER NOT NULL,
        name TEXT NOT NULL,
        service_codes TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'closed',
        staff TEXT NULL UNIQUE,
        pause_reason TEXT NOT NULL DEFAULT '',
        normal_since_priority INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (center_id, counter_id),
        UNIQUE (center_id, number)
    )",
    "CREATE TABLE queue_daily_numbers (
        center_id TEXT NOT NULL,
        line_code TEXT NOT NULL,
        service_day TEXT NOT NULL,
        last_seq BIGINT NOT NULL,
        PRIMARY KEY (center_id, line_code, service_day)
    )",
    "CREATE TABLE queue_tickets (
        id TEXT PRIMARY KEY,
        center_id TEXT NOT NULL REFERENCES queue_centers (center_id),
        numbered_line TEXT NOT NULL,
        service_day TEXT NOT NULL,
        seq BIGINT NOT NULL,
        number TEXT NOT NULL,
        line_code TEXT NOT NULL,
        priority INTEGER NOT NULL,
        status TEXT NOT NULL,
        phone TEXT NULL,
        appointment_code TEXT NULL,
        appointment_slot BIGINT NULL,
        issued_at BIGINT NOT NULL,
        arrival_at BIGINT NOT NULL,
        target_counter TEXT NULL,
        counter_id TEXT NULL,
        first_called_at BIGINT NULL,
        called_at BIGINT NULL,
        serving_at BIGINT NULL,
        finished_at BIGINT NULL,
        recall_count INTEGER NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL DEFAULT '',
        dossier_codes TEXT NOT NULL DEFAULT '[]',
        turn_near_sent INTEGER NOT NULL DEFAULT 0,
        long_wait_sent INTEGER NOT NULL DEFAULT 0,
        UNIQUE (center_id, numbered_line, service_day, seq)
    )",
    "CREATE INDEX queue_tickets_by_status ON queue_tickets (center_id, status)",
    "CREATE INDEX queue_tickets_by_issue ON queue_tickets (center_id, issued_at)",
    "CREATE TABLE queue_board_events (
        center_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        at BIGINT NOT NULL,
        kind TEXT NOT NULL,
        ticket_id TEXT NULL,
        ticket_number TEXT NOT NULL,
        counter_id TEXT NULL,
        counter_number INTEGER NOT NULL,
        service_code TEXT NOT NULL,
        waiting TEXT NOT NULL,
        PRIMARY KEY (center_id, seq)
    )",
    "CREATE TABLE queue_appointments (
        code TEXT PRIMARY KEY,
        center_id TEXT NOT NULL REFERENCES queue_centers (center_id),
        line_code TEXT NOT NULL,
        slot_start BIGINT NOT NULL,
        slot_end BIGINT NOT NULL,
        full_name TEXT NOT NULL,
        phone TEXT NOT NULL,
        ticket_id TEXT NULL,
        created_at BIGINT NOT NULL
    )",
    "CREATE INDEX queue_appointments_by_slot ON queue_appointments (center_id, line_code, slot_start)",
    "CREATE TABLE queue_outbox (
        id TEXT PRIMARY KEY,
        center_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        delivered_at BIGINT NULL
    )",
];

fn counter_log(backend: DbBackend) -> String {
    let id = match backend {
        DbBackend::Postgres => "id BIGSERIAL PRIMARY KEY",
        _ => "id INTEGER PRIMARY KEY AUTOINCREMENT",
    };
    format!(
        "CREATE TABLE queue_counter_log (
            {id},
            center_id TEXT NOT NULL,
            counter_id TEXT NOT NULL,
            staff TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL,
            at BIGINT NOT NULL
        )"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in TABLES {
            db.execute_unprepared(sql).await?;
        }
        db.execute_unprepared(&counter_log(manager.get_database_backend()))
            .await?;
        db.execute_unprepared(
            "CREATE INDEX queue_counter_log_by_time ON queue_counter_log (center_id, at)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in [
            "queue_counter_log",
            "queue_outbox",
            "queue_appointments",
            "queue_board_events",
            "queue_tickets",
            "queue_daily_numbers",
            "queue_counters",
            "queue_lines",
            "queue_centers",
        ] {
            db.execute_unprepared(&format!("DROP TABLE {table}"))
                .await?;
        }
        Ok(())
    }
}
