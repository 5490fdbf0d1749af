//! The gRPC layer: conversions and the service.

mod bounds;
pub mod convert;
mod service;

pub use service::{QueueApi, SERVICE_NAME};
