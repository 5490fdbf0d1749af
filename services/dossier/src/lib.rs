//! onestop-dossier: dossiers from reception to the return of results, their status and
//! stages, working-day deadlines over the centre's holiday calendar, dossier codes,
//! forms, fees, ratings, feedback and statistics.

pub mod domain;
pub mod forms;
pub mod grpc;
pub mod housekeeping;
pub mod store;

pub use grpc::{DossierApi, PaymentSettings, SERVICE_NAME};
pub use onestop_kit::sql::Store;
pub use store::Migrator;
