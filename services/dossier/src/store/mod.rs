//! The dossier service's storage: one write path per dossier ([`tx::change`]), reads,
//! the calendar and centres, payments, ratings, feedback, statistics, the scan and
//! retention.

pub mod admin;
pub mod create;
pub mod entity;
pub mod feedback;
pub mod migration;
pub mod outbox;
pub mod payment;
pub mod rating;
pub mod read;
pub mod retention;
pub mod rows;
pub mod scan;
pub mod stats;
pub mod synthetic;
pub mod tx;

pub use migration::Migrator;
