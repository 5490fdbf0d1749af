//! What every onestop service shares: configuration, telemetry, database connection
//! and migrations, server bootstrap (health, reflection, tracing, auth, graceful
//! shutdown) and the one mapping from service errors to `tonic::Status`.

pub mod auth;
pub mod citizen;
pub mod citizen_key;
pub mod client;
pub mod clock;
pub mod config;
pub mod database;
pub mod error;
pub mod format;
pub mod json_text;
pub mod limits;
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

/// Creates `dir` (and its parents) if needed and makes it readable by the owner only:
/// it holds SQLite files with personal data and signing secrets.
pub fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}
