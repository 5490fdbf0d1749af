//! Plain types and rules of the catalogue: codes, folding, validation, ranking,
//! versioning, import parsing, QR codes. No I/O.

pub mod code;
pub mod fold;
pub mod import;
pub mod page_token;
pub mod procedure;
pub mod search;
pub mod versioning;
