//! Python bindings for carecoord: the native module `carecoord._native`.
//!
//! Thin by design: one file per core module (`ids`, `time`, `caseload`), conversions in
//! `convert`, and every error mapped to a Python exception in `error`. No
//! domain logic lives here; it belongs in the `carecoord` crate.

use pyo3::prelude::*;

mod careplan;
mod caseload;
mod conflicts;
mod convert;
mod error;
mod ids;
mod routing;
mod time;

/// The native core of the `carecoord` package. Import from `carecoord`,
/// `carecoord.ids` and `carecoord.time` rather than from here.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    error::register(m)?;
    ids::register(m)?;
    time::register(m)?;
    caseload::register(m)?;
    routing::register(m)?;
    conflicts::register(m)?;
    careplan::register(m)?;
    Ok(())
}
