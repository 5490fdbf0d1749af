//! The queue's tables, migrations and transactions.

pub mod audit;
pub mod entity;
pub mod floor;
pub mod floor_txn;
mod migration;
pub mod read;
pub mod rows;
pub mod setup;
pub mod stats;
pub mod tx;

pub use migration::Migrator;
pub use tx::Store;
