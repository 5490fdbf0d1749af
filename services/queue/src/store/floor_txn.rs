//! The benchmark's floor: the cheapest write transaction this database can do (one
//! single-row update, committed), so call-next can be reported as a multiple of it.

use sea_orm::{ConnectionTrait, DbErr, TransactionTrait};

use super::Store;

/// Creates the floor's one-row table if it is missing.
pub async fn prepare(store: &Store) -> Result<(), DbErr> {
    store
        .db
        .execute_unprepared(
            "CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)",
        )
        .await?;
    store
        .db
        .execute_unprepared(
            "INSERT INTO bench_floor (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
        )
        .await?;
    Ok(())
}

/// One raw transaction: update the row, commit.
pub async fn once(store: &Store) -> Result<(), DbErr> {
    let txn = store.db.begin().await?;
    txn.execute_unprepared("UPDATE bench_floor SET n = n + 1 WHERE id = 1")
        .await?;
    txn.commit().await
}
