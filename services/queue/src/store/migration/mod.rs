//! Migrations of the queue's tables.

use sea_orm_migration::prelude::*;

mod m20261126_000001_create_queue;
mod m20261203_000001_ticket_keys;

/// Applies the queue's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_queue::Migration),
            Box::new(m20261203_000001_ticket_keys::Migration),
        ]
    }
}
