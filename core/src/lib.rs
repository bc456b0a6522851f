//! # carecoord
//!
//! The work of an NHS primary-care Care Coordinator as a library: care plans,
//! caseload prioritisation, appointment conflict checking and referral routing,
//! built on careful identifiers and careful time.
//!
//! - [`careplan`]: personalised care and support plans: commands and an
//!   immutable history, FHIR lifecycle, consent-governed sharing with
//!   minimum-necessary views, reviews, templates, coded activity, stores.
//! - [`caseload`]: caseload prioritisation: risk rules as data (points, bands,
//!   tiers, overrides, reasons, "why not"), one patient or an Arrow table.
//! - [`conflicts`]: appointment conflict checking: every clash named, with
//!   travel, London opening hours and bank holidays; a diary or a whole table.
//! - [`routing`]: referral routing: a service directory, ranked matches with
//!   reasons, safeguarding and red-flag escalations that are never missed.
//! - [`expr`]: the typed rule language both use.
//!
//! On the foundation every capability builds on:
//!
//! - [`ids`]: the [`NhsNumber`](ids::NhsNumber), validated by its Modulus 11
//!   check digit and never printed by accident.
//! - [`time`]: UTC instants and Europe/London wall time across daylight saving,
//!   England and Wales bank holidays for 1995–2100, and working-day arithmetic.
//! - [`error`]: one [`Error`] type with stable codes, and the catalogue of them.
//!
//! ## Examples
//!
//! ```
//! use carecoord::ids::NhsNumber;
//! use carecoord::time::{from_london, to_london, Disambiguation, WorkingCalendar};
//! use chrono::NaiveDate;
//!
//! let patient: NhsNumber = "943 476 5919".parse()?;
//! assert_eq!(format!("{patient:?}"), "NhsNumber(***)");
//!
//! // A review due five working days after Christmas Eve 2026.
//! let due = WorkingCalendar::england_and_wales()
//!     .add_working_days(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(), 5)?;
//! assert_eq!(due.to_string(), "2027-01-05");
//!
//! // Booked for 09:30 London time on that day.
//! let start = from_london(due.and_hms_opt(9, 30, 0).unwrap(), Disambiguation::Reject)?;
//! assert_eq!(to_london(start).to_string(), "2027-01-05 09:30:00 GMT");
//! # Ok::<(), carecoord::Error>(())
//! ```
//!
//! ## Safety of patient data
//!
//! Patient data is special-category data. No `Debug` or `Display` output and no
//! error message of this crate contains an NHS number, a name, a date of birth,
//! a postcode or free text.
//!
//! ## Feature flags
//!
//! - `arrow`: evaluate rule sets and route referrals over Arrow record batches
//!   (columnar, on every core). Off by default; the Python wheel turns it on.
//! - `sqlite`: keep care-plan histories in an SQLite file
//!   (`careplan::SqliteStore`, SQLite bundled).
//! - `uniffi`: derive the uniffi traits on value types (vocabularies,
//!   records), for the Kotlin and Swift bindings in `bindings-mobile`.
//!
//! The crate is pure Rust with no FFI. The Python and mobile bindings live in
//! their own crates.

#![deny(missing_docs)]

// The uniffi scaffolding for the value types that derive its traits (behind
// the `uniffi` feature, which only the mobile binding turns on).
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("carecoord");

pub mod argument;
pub mod careplan;
pub mod caseload;
pub mod conflicts;
pub mod diag;
mod document;
pub mod error;
pub mod expr;
#[cfg(feature = "uniffi")]
pub mod ffi;
pub mod ids;
mod parallel;
pub mod registry;
pub mod routing;
pub mod time;

pub use error::{Error, ErrorClass, ErrorKind};

/// The repository README's Rust examples, compiled and run as doc tests so
/// that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
