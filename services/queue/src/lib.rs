//! onestop-queue: centres, service lines, counters, numbered tickets, call-next
//! exactly once, appointments, the live board and waiting-time estimates.

pub mod board;
pub mod domain;
pub mod grpc;
pub mod store;

pub use board::{Board, BoardOptions};
pub use grpc::{QueueApi, SERVICE_NAME};
pub use store::{Migrator, Store};
