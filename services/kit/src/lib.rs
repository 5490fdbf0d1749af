//! What every onestop service shares: configuration, telemetry, database connection
//! and migrations, server bootstrap (health, reflection, tracing, auth, graceful
//! shutdown) and the one mapping from service errors to `tonic::Status`.

pub mod auth;
pub mod citizen;
pub mod clock;
pub mod config;
pub mod database;
pub mod error;
pub mod qr;
pub mod server;
pub mod shutdown;
pub mod sql;
pub mod telemetry;
pub mod wire;

pub use auth::{Claims, Role};
pub use clock::Clock;
pub use config::Config;
pub use error::{FieldViolation, ServiceError};
