//! sea-orm entities, migrations and queries of the catalogue; transactions live here.

pub mod entities;
pub mod migration;
pub mod queries;

pub use migration::Migrator;
