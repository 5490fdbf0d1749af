//! The dossier service's storage: one write path per dossier ([`tx::change`]), reads,
//! the calendar and centres, payments, ratings, feedback, statistics and the scan.

pub mod admin;
pub mod create;
pub mod feedback;
pub mod migration;
pub mod payment;
pub mod read;
pub mod rows;
pub mod scan;
pub mod stats;
pub mod tx;

pub use migration::Migrator;
