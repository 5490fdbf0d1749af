//! Migrations of the catalogue's tables.

use sea_orm_migration::prelude::*;

mod m20261126_000001_create_procedures;
mod m20261126_000002_catalogue_revision;

/// Applies the catalogue's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_procedures::Migration),
            Box::new(m20261126_000002_catalogue_revision::Migration),
        ]
    }
}
