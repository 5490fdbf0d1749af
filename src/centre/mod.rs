//! A centre from its own file (`centre.toml`): its unit code, names, time zone, opening
//! hours, priority policy, service lines and counters, set in every service at once by
//! `onestop centre apply`. [`file`] reads and checks the file, [`plan`] says what would
//! change (no I/O), [`apply`] reads the services and makes the changes over gRPC.

pub mod apply;
pub mod file;
pub mod plan;

pub use file::CentreFile;

/// The demo centre, xã Mường Sại, as a centre file.
pub const DEMO_CENTRE: &str = include_str!("../../data/demo/muong-sai/centre.toml");
