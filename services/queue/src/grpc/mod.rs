//! The gRPC layer: conversions and the service.

pub mod convert;
mod service;

pub use service::{QueueApi, SERVICE_NAME};
