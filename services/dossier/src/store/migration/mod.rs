//! Migrations of the dossier service's tables.

use sea_orm_migration::prelude::*;

mod m20261126_000001_create_dossier;
mod m20261203_000001_keys_requests_overpayments;

/// Applies the dossier service's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_dossier::Migration),
            Box::new(m20261203_000001_keys_requests_overpayments::Migration),
        ]
    }
}
