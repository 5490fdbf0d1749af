//! tonic handlers of `onestop.catalogue.v1.CatalogueService`: validate, authorise,
//! call domain and store, map errors.

mod convert;
mod service;

pub use service::{CatalogueApi, MAX_IMPORT_BYTES, SERVICE_NAME};
