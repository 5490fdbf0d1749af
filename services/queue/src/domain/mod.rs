//! Queue rules without I/O: ticket states, numbering, priority policy, opening hours
//! and slots, wait estimates, the spoken call, and checks of citizen input.

pub mod announce;
pub mod board;
pub mod estimate;
pub mod hours;
pub mod numbering;
pub mod policy;
pub mod status;
pub mod validate;
