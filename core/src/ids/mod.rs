//! Identifiers: what names a patient, and how it is kept out of logs.
//!
//! Patient identifiers are special-category data. Types here never print
//! themselves through `Debug` or `Display`; the caller asks for the digits on
//! purpose, where the number must be stored or shown to a person.

mod nhs_number;
mod sctid;

pub use nhs_number::{NhsNumber, NhsNumberError};
pub use sctid::is_sctid;
