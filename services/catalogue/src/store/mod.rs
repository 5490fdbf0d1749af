//! sea-orm entities, migrations and queries of the catalogue; transactions live here.

pub mod entities;
pub mod migration;
pub mod queries;
pub mod search_cache;

pub use migration::Migrator;
pub use search_cache::SearchCache;
