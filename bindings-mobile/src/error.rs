//! The error type apps see is the core's (`carecoord::ffi::CarecoordError`,
//! where core errors are mapped to it in one place); here, its catalogue.

pub use carecoord::ffi::CarecoordError;

/// One entry of the error catalogue.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorCodeInfo {
    /// The stable code.
    pub code: String,
    /// What it means.
    pub summary: String,
}

/// Every error code carecoord can raise, with what it means.
#[uniffi::export]
pub fn error_catalogue() -> Vec<ErrorCodeInfo> {
    carecoord::error::catalogue()
        .iter()
        .map(|c| ErrorCodeInfo {
            code: c.code.to_owned(),
            summary: c.summary.to_owned(),
        })
        .collect()
}
