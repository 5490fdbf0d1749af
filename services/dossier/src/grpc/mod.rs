//! The gRPC face of the dossier service: checks sizes ([`limits`]), input and roles,
//! runs each change through [`crate::store::tx::change`], and converts rows to messages.

pub mod convert;
pub mod forms;
pub mod limits;
pub mod service;

pub use service::{DossierApi, PaymentSettings, SERVICE_NAME};
