//! Every carecoord error becomes an instance of the exception hierarchy in
//! `carecoord.exceptions`, chosen here and only here.
//!
//! The classes are defined in Python so that they can also derive from the
//! built-in `ValueError` and `TypeError`, which callers already catch.

use carecoord::careplan::CarePlanErrorKind;
use carecoord::{Error, ErrorClass};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The exception class (in `carecoord.exceptions`) for the class the core
/// gives an error: one to one, no decision here.
fn class_name(class: ErrorClass) -> &'static str {
    match class {
        ErrorClass::InvalidNhsNumber => "InvalidNhsNumber",
        ErrorClass::InvalidRules => "RuleError",
        ErrorClass::InvalidRecord => "InvalidRecord",
        ErrorClass::InvalidDirectory => "DirectoryError",
        ErrorClass::InvalidReferral => "InvalidReferral",
        ErrorClass::InvalidAppointment => "InvalidAppointment",
        ErrorClass::InvalidCarePlan => "InvalidCarePlan",
        ErrorClass::InvalidTransition => "InvalidTransition",
        ErrorClass::StaleVersion => "StaleVersion",
        ErrorClass::ShareDenied => "ShareDenied",
        ErrorClass::UnsupportedSchemaVersion => "UnsupportedSchemaVersion",
        ErrorClass::CorruptRecord => "CorruptRecord",
        ErrorClass::Storage => "StorageError",
        ErrorClass::AmbiguousLocalTime => "AmbiguousLocalTime",
        ErrorClass::NonexistentLocalTime => "NonexistentLocalTime",
        ErrorClass::NaiveDatetime => "NaiveDatetimeError",
        ErrorClass::InvalidDate => "InvalidDate",
        ErrorClass::OutOfRange => "OutOfRange",
        ErrorClass::WrongType => "WrongType",
        _ => "InvalidInput",
    }
}

/// Converts a carecoord error into the matching Python exception, carrying
/// the stable `code` and `kind` alongside the message.
pub fn to_py_err(err: impl Into<Error>) -> PyErr {
    let err = err.into();
    Python::attach(|py| {
        let raised = py
            .import("carecoord.exceptions")
            .and_then(|m| m.getattr(class_name(err.class())))
            .and_then(|cls| cls.call1((err.to_string(), err.code(), err.kind().key())))
            .and_then(|exc| {
                // Rule-file errors also say where: path, line, column, help.
                if let Error::Rules(e) = &err {
                    exc.setattr("path", &e.path)?;
                    exc.setattr("line", e.location.map(|l| l.line))?;
                    exc.setattr("col", e.location.map(|l| l.column))?;
                    exc.setattr("help", e.help())?;
                }
                if let Error::Directory(e) = &err {
                    exc.setattr("path", &e.path)?;
                    exc.setattr("line", e.location.map(|l| l.line))?;
                    exc.setattr("col", e.location.map(|l| l.column))?;
                    exc.setattr("help", e.help())?;
                }
                if let Error::Referral(e) = &err {
                    exc.setattr("row", e.row)?;
                }
                if let Error::Argument(e) = &err {
                    exc.setattr("field", e.field.as_deref())?;
                }
                if let Error::Appointment(e) = &err {
                    exc.setattr("appointment", e.appointment.as_deref())?;
                }
                if let Error::CarePlan(e) = &err {
                    exc.setattr("plan", e.plan.as_deref())?;
                    match &e.kind {
                        CarePlanErrorKind::StaleVersion { expected, actual } => {
                            exc.setattr("expected", expected)?;
                            exc.setattr("actual", actual)?;
                        }
                        CarePlanErrorKind::InvalidTransition { from, to } => {
                            exc.setattr("from_status", from.key())?;
                            exc.setattr("to_status", to.key())?;
                        }
                        CarePlanErrorKind::ShareDenied { reason, .. } => {
                            exc.setattr("reason", reason)?;
                        }
                        _ => {}
                    }
                }
                Ok(exc)
            });
        match raised {
            Ok(instance) => PyErr::from_value(instance),
            // Only if the Python half of the package is missing or broken.
            Err(import_error) => {
                let e = PyRuntimeError::new_err(format!("{} [{}]", err, err.code()));
                e.set_cause(py, Some(import_error));
                e
            }
        }
    })
}

/// Adds `error_catalogue()`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(error_catalogue, m)?)
}

/// Every error code carecoord can raise, with what it means, as
/// `(code, summary)` pairs.
#[pyfunction]
fn error_catalogue() -> Vec<(&'static str, &'static str)> {
    carecoord::error::catalogue()
        .iter()
        .map(|c| (c.code, c.summary))
        .collect()
}
