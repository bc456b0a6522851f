//! Python values to core types: instants, wall times and dates, each also
//! accepted as ISO 8601 text so that the core's parser (and its typed errors)
//! does the checking.

use carecoord::time::{self, TimeError};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyMapping, PyString};

use crate::error::to_py_err;

/// Whether `obj` is a `datetime.datetime` with no `tzinfo`.
fn is_naive_datetime(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyDateTime>()
        && obj.getattr("tzinfo").map(|t| t.is_none()).unwrap_or(false)
}

/// An instant: an aware `datetime` (any offset or zone) or RFC 3339 text.
/// A naive `datetime` is refused with `NaiveDatetimeError`.
pub fn instant(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<DateTime<Utc>> {
    if let Ok(text) = obj.cast::<PyString>() {
        return time::parse_instant(&text.to_cow()?, field).map_err(to_py_err);
    }
    if let Ok(t) = obj.extract::<DateTime<FixedOffset>>() {
        return Ok(t.with_timezone(&Utc));
    }
    if is_naive_datetime(obj) {
        return Err(to_py_err(TimeError::MissingOffset { field }));
    }
    if obj.hasattr("astimezone")? {
        // Aware, in a zone (zoneinfo, dateutil) rather than a fixed offset:
        // let Python apply the zone's rules, fold included.
        let utc = obj
            .py()
            .import("datetime")?
            .getattr("timezone")?
            .getattr("utc")?;
        if let Ok(t) = obj
            .call_method1("astimezone", (utc,))?
            .extract::<DateTime<FixedOffset>>()
        {
            return Ok(t.with_timezone(&Utc));
        }
    }
    Err(PyTypeError::new_err(format!(
        "{field} must be an aware datetime or ISO 8601 text"
    )))
}

/// A Europe/London wall time: a naive `datetime` or `YYYY-MM-DDTHH:MM[:SS]` text.
pub fn wall_time(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<NaiveDateTime> {
    if let Ok(text) = obj.cast::<PyString>() {
        return time::parse_local_datetime(&text.to_cow()?, field).map_err(to_py_err);
    }
    if is_naive_datetime(obj) {
        return obj.extract::<NaiveDateTime>();
    }
    if obj.is_instance_of::<PyDateTime>() {
        // An aware datetime already names its instant: there is no wall time to resolve.
        return Err(to_py_err(TimeError::AwareWallTime { field }));
    }
    Err(PyTypeError::new_err(format!(
        "{field} must be a naive datetime or ISO 8601 text"
    )))
}

/// A calendar date: a `datetime.date` or `YYYY-MM-DD` text.
pub fn date(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<NaiveDate> {
    if let Ok(text) = obj.cast::<PyString>() {
        return time::parse_date(&text.to_cow()?, field).map_err(to_py_err);
    }
    if obj.is_instance_of::<PyDateTime>() {
        return Err(PyTypeError::new_err(format!(
            "{field} must be a date, not a datetime"
        )));
    }
    obj.extract::<NaiveDate>()
        .map_err(|_| PyTypeError::new_err(format!("{field} must be a date or ISO 8601 text")))
}

/// The value under `key` in a mapping; a missing key and `None` both read as
/// absent.
pub fn mapping_get<'py>(
    m: &Bound<'py, PyMapping>,
    key: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let key = PyString::new(m.py(), key);
    if m.contains(&key)? {
        let v = m.get_item(&key)?;
        Ok((!v.is_none()).then_some(v))
    } else {
        Ok(None)
    }
}
