//! `carecoord.ids`: the NHS number.

use carecoord::ids;
use pyo3::prelude::*;

use crate::convert;
use crate::error::to_py_err;

/// A valid NHS number: ten digits whose last is the Modulus 11 check digit.
///
/// Written as ten digits, or 3-3-4 groups separated by spaces or hyphens.
/// It never shows itself by accident: ``repr()`` and ``str()`` print
/// ``NhsNumber(***)``. Ask for it on purpose with :meth:`digits` or
/// :meth:`formatted`.
///
/// >>> from carecoord.ids import NhsNumber
/// >>> n = NhsNumber("943 476 5919")
/// >>> n
/// NhsNumber(***)
/// >>> n.formatted()
/// '943 476 5919'
///
/// Raises :class:`carecoord.InvalidNhsNumber` (a ``ValueError``) with a
/// ``code`` saying why the text is refused.
#[pyclass(module = "carecoord.ids", name = "NhsNumber", frozen, eq, ord, hash)]
#[derive(PartialEq, Eq, PartialOrd, Ord, Hash, Clone, Copy)]
pub struct NhsNumber(pub ids::NhsNumber);

#[pymethods]
impl NhsNumber {
    #[new]
    fn new(#[pyo3(from_py_with = convert::text)] text: String) -> PyResult<Self> {
        ids::NhsNumber::parse(&text).map(Self).map_err(to_py_err)
    }

    /// Whether ``text`` is a valid NHS number, without raising.
    #[staticmethod]
    fn is_valid(#[pyo3(from_py_with = convert::text)] text: String) -> bool {
        ids::NhsNumber::parse(&text).is_ok()
    }

    /// The ten digits with no separators. This reveals the identifier.
    fn digits(&self) -> String {
        self.0.digits()
    }

    /// The number in 3-3-4 groups, as people read it. This reveals the identifier.
    fn formatted(&self) -> String {
        self.0.formatted()
    }

    fn __repr__(&self) -> &'static str {
        "NhsNumber(***)"
    }

    fn __str__(&self) -> &'static str {
        "NhsNumber(***)"
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NhsNumber>()
}
