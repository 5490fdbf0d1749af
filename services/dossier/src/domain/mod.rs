//! Dossier rules without I/O: the work calendar and its seed holidays, working-time
//! deadlines and the clock ledger, the status state machine, dossier codes, and checks
//! of applicant data.

pub mod calendar;
pub mod citizen;
pub mod code;
pub mod components;
pub mod deadline;
pub mod status;
