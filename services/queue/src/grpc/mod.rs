//! The gRPC layer: conversions, bounds, the service (a delegation per RPC) and one
//! module per resource with the handlers.

mod appointments;
mod bounds;
mod centres;
pub mod convert;
mod counter_work;
mod queue_stats;
mod service;
mod tickets;
mod watch;

pub use service::{QueueApi, SERVICE_NAME};
