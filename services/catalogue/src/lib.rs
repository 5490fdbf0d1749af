//! The procedure catalogue service: procedures, versions, fields, search and QR codes.

pub mod domain;
pub mod grpc;
pub mod store;

pub use grpc::{CatalogueApi, SERVICE_NAME};
pub use store::Migrator;
