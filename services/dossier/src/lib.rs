//! onestop-dossier: dossiers from reception to the return of results, their status and
//! stages, working-day deadlines over the centre's holiday calendar, and dossier codes.

pub mod domain;
