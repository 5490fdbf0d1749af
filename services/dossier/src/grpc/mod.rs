//! The gRPC face of the dossier service: checks sizes ([`limits`]), input and roles,
//! runs each change through [`crate::store::tx::change`], and converts rows to messages.
//! [`service`] delegates each RPC to the module of its resource.

mod calendar;
mod centres;
pub mod convert;
mod dossier_stats;
mod feedback;
pub mod forms;
pub mod limits;
mod payments;
mod reads;
mod render;
pub mod service;
mod workflow;

pub use service::{DossierApi, PaymentSettings, SERVICE_NAME};
