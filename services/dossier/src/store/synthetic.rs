//! Generated dossiers for the benchmark: a working year's mix of statuses, channels,
//! procedures and handlers, written in a few set-based statements.

use sea_orm::{ConnectionTrait, DbErr};

use onestop_kit::sql::Store;

/// A day in milliseconds.
const DAY_MS: i64 = 86_400_000;

/// Generates `n` dossiers received over the year before `now_ms` in `center` (created
/// here; PostgreSQL only), with their history: the load of `onestop bench dossier`.
/// Set-based SQL because a million rows through the write path would take an hour.
pub async fn generate(store: &Store, center: &str, n: usize, now_ms: i64) -> Result<(), DbErr> {
    let db = &store.db;
    db.execute_unprepared(&format!(
        "INSERT INTO dossier_centers VALUES ('{center}', 'BENCH', 'Trung tâm thử tải', 'Bench centre', 'Asia/Ho_Chi_Minh', 10)"
    ))
    .await?;
    // one row per dossier: a status mix like a working year (most returned, some open)
    db.execute_unprepared(&format!(
        "INSERT INTO dossiers
         SELECT 'hs_' || lpad(to_hex(i), 16, '0'),
                'BENCH-' || to_char(to_timestamp(created / 1000), 'YYMMDD') || '-' || lpad(i::text, 7, '0'),
                '{center}', '1.' || lpad(p::text, 6, '0'), 1, 'Thủ tục ' || p, 'f' || (p % 15), 5,
                'Công dân ' || i, lpad(i::text, 12, '0'), '', '', 'Mường Sại', '{{}}',
                CASE WHEN c < 30 THEN 'online' WHEN c < 40 THEN 'assisted' ELSE 'counter' END,
                '[]', '[]', 0, 0, status,
                CASE WHEN status IN (9, 10) THEN 5 WHEN status IN (2, 3) THEN 3 ELSE 4 END,
                CASE WHEN status IN (4, 5, 6, 9, 10) THEN 1 ELSE 0 END, 'pending', 0, 0,
                CASE WHEN status IN (4, 5, 6, 9, 10) THEN 'cv' || a ELSE '' END, 'Tư pháp', '[]', '',
                created, created + 600000, created + 5 * {DAY_MS}, created + 5 * {DAY_MS},
                CASE WHEN status IN (9, 10) THEN created + ready END,
                CASE WHEN status = 10 THEN created + ready + {DAY_MS} END,
                CASE WHEN status IN (3, 7, 8) THEN created + {DAY_MS}
                     WHEN status = 10 THEN created + ready + {DAY_MS} END,
                CASE WHEN status IN (9, 10) THEN
                    CASE WHEN ready < 4 * {DAY_MS} THEN 'early' WHEN ready <= 5 * {DAY_MS} THEN 'on_time' ELSE 'late' END
                END,
                CASE WHEN status IN (5, 6) THEN 1 ELSE 0 END,
                'bench-' || i || ' công dân ' || i, 1, created
         FROM (
            SELECT i, p, a, c, ready,
                   {now_ms} - (r * 365 * {DAY_MS})::bigint AS created,
                   CASE WHEN r < 0.015 THEN 2 WHEN r < 0.05 THEN 4
                        WHEN s < 5 THEN 3 WHEN s < 8 THEN 7 WHEN s < 10 THEN 8
                        WHEN s < 12 THEN 5 WHEN s < 14 THEN 6 WHEN s < 20 THEN 9 ELSE 10 END AS status
            FROM (
                SELECT i, random() AS r, floor(random() * 100)::int AS s,
                       floor(random() * 200)::int AS p, floor(random() * 20)::int AS a,
                       floor(random() * 100)::int AS c,
                       (2 * {DAY_MS} + random() * 5 * {DAY_MS})::bigint AS ready
                FROM generate_series(1, {n}) AS i
            ) raw
         ) g"
    ))
    .await?;
    for (seq, transition, at, to, extra) in [
        (1, "create", "created_at", "1", ""),
        (2, "receive", "received_at", "2", ""),
        (
            3,
            "mark_result_ready",
            "result_ready_at",
            "9",
            "AND result_ready_at IS NOT NULL",
        ),
        (
            4,
            "request_supplement",
            "received_at + 3600000",
            "5",
            "AND status = 5",
        ),
    ] {
        let timeliness = if transition == "mark_result_ready" {
            "timeliness"
        } else {
            "NULL"
        };
        db.execute_unprepared(&format!(
            "INSERT INTO dossier_history
             SELECT id, {seq}, center_id, {at}, 'bench', 'receptionist', '{transition}', 0, {to},
                    '', NULL, '', procedure_code, field_code, channel,
                    CASE WHEN assignee = '' THEN 'bench' ELSE assignee END, {timeliness}
             FROM dossiers WHERE center_id = '{center}' {extra}"
        ))
        .await?;
    }
    // what autovacuum does to a table in service: statistics and the visibility map
    db.execute_unprepared("VACUUM ANALYZE dossiers").await?;
    db.execute_unprepared("VACUUM ANALYZE dossier_history")
        .await?;
    Ok(())
}
