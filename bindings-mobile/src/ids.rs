//! `NhsNumber` for Kotlin and Swift.

use std::sync::Arc;

use carecoord::ids;

use crate::error::CarecoordError;

/// A valid NHS number: ten digits whose last is the Modulus 11 check digit.
///
/// `toString()` (Kotlin) and `description` (Swift) print `NhsNumber(***)`:
/// the identifier is never shown by accident. Ask for it on purpose with
/// `digits()` or `formatted()`.
#[derive(PartialEq, Eq, Hash, uniffi::Object)]
#[uniffi::export(Debug, Eq, Hash)]
pub struct NhsNumber(ids::NhsNumber);

/// Prints `NhsNumber(***)`, exactly as the core type does.
impl std::fmt::Debug for NhsNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl NhsNumber {
    /// Parses ten digits, or 3-3-4 groups separated by spaces or hyphens.
    /// Throws `InvalidNhsNumber` with a `code` saying why.
    #[uniffi::constructor]
    pub fn parse(text: String) -> Result<Arc<Self>, CarecoordError> {
        Ok(Arc::new(Self(ids::NhsNumber::parse(&text)?)))
    }

    /// The ten digits with no separators. This reveals the identifier.
    pub fn digits(&self) -> String {
        self.0.digits()
    }

    /// The number in 3-3-4 groups, as people read it. This reveals the identifier.
    pub fn formatted(&self) -> String {
        self.0.formatted()
    }
}

/// Whether `text` is a valid NHS number, without throwing.
#[uniffi::export]
pub fn nhs_number_is_valid(text: String) -> bool {
    ids::NhsNumber::parse(&text).is_ok()
}
