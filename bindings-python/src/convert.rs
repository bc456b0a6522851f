//! Python values to core types: text, numbers, instants, wall times and
//! dates (each also accepted as ISO 8601 text, so that the core's parser and
//! its typed errors do the checking).
//!
//! The `fn(&Bound<PyAny>) -> PyResult<T>` converters are used as
//! `#[pyo3(from_py_with = ...)]` on parameters, so that a value that does not
//! fit (an int too large, a lone surrogate, a wrong type) raises the core's
//! coded [`ArgumentError`] rather than a bare `OverflowError` or
//! `UnicodeEncodeError` (which would carry the whole text). pyo3 adds the
//! parameter's name as an exception note.

use std::borrow::Cow;

use carecoord::argument::{self, ArgumentError, Bounded, Expected};
use carecoord::time::{self, TimeError};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use pyo3::PyClass;
use pyo3::exceptions::PyOverflowError;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyInt, PyMapping, PyString};

use crate::error::to_py_err;

/// The text of a Python `str`, refusing a lone surrogate without repeating
/// the text (Python's own `UnicodeEncodeError` holds all of it).
pub fn str_of<'a>(s: &'a Bound<'_, PyString>) -> Result<Cow<'a, str>, ArgumentError> {
    s.to_cow().map_err(|_| ArgumentError::invalid_text())
}

/// Text, as [`text`] but with the core error, for values read out of a
/// mapping (the caller names the key with `in_field`).
pub fn text_value(obj: &Bound<'_, PyAny>) -> Result<String, ArgumentError> {
    let s = obj
        .cast::<PyString>()
        .map_err(|_| ArgumentError::wrong_type(Expected::Text))?;
    str_of(s).map(Cow::into_owned)
}

/// A list (or other sequence, not a `str`) of text.
pub fn texts_value(obj: &Bound<'_, PyAny>) -> Result<Vec<String>, ArgumentError> {
    if obj.is_instance_of::<PyString>() {
        return Err(ArgumentError::wrong_type(Expected::TextList));
    }
    let iter = obj
        .try_iter()
        .map_err(|_| ArgumentError::wrong_type(Expected::TextList))?;
    iter.map(|item| {
        let item = item.map_err(|_| ArgumentError::wrong_type(Expected::TextList))?;
        text_value(&item).map_err(|e| match e.problem {
            argument::ArgumentProblem::WrongType { .. } => {
                ArgumentError::wrong_type(Expected::TextList)
            }
            _ => e,
        })
    })
    .collect()
}

/// A whole number of the parameter's type (anything with `__index__`, so
/// numpy integers too).
pub fn int_value<T: TryFrom<i128> + Bounded>(obj: &Bound<'_, PyAny>) -> Result<T, ArgumentError> {
    let index;
    let obj = if obj.is_instance_of::<PyInt>() {
        obj
    } else {
        // numpy integers and other `__index__` types, as `operator.index`.
        index = obj
            .call_method0("__index__")
            .map_err(|_| ArgumentError::wrong_type(Expected::Integer))?;
        &index
    };
    match obj.extract::<i128>() {
        Ok(n) => argument::integer(n),
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => {
            Err(ArgumentError::out_of_range(T::MIN, T::MAX))
        }
        Err(_) => Err(ArgumentError::wrong_type(Expected::Integer)),
    }
}

/// A number (an int or a float).
pub fn float_value(obj: &Bound<'_, PyAny>) -> Result<f64, ArgumentError> {
    match obj.extract::<f64>() {
        Ok(x) => Ok(x),
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => {
            Err(ArgumentError::number_too_large())
        }
        Err(_) => Err(ArgumentError::wrong_type(Expected::Number)),
    }
}

/// Text (a `str` parameter).
pub fn text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    text_value(obj).map_err(to_py_err)
}

/// Text or `None`.
pub fn opt_text(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if obj.is_none() {
        return Ok(None);
    }
    text_value(obj).map(Some).map_err(|e| match e.problem {
        argument::ArgumentProblem::WrongType { .. } => {
            to_py_err(ArgumentError::wrong_type(Expected::OptionalText))
        }
        _ => to_py_err(e),
    })
}

/// A list of text.
pub fn texts(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    texts_value(obj).map_err(to_py_err)
}

/// A whole number of the parameter's type.
pub fn int<T: TryFrom<i128> + Bounded>(obj: &Bound<'_, PyAny>) -> PyResult<T> {
    int_value(obj).map_err(to_py_err)
}

/// A whole number or `None`.
pub fn opt_int<T: TryFrom<i128> + Bounded>(obj: &Bound<'_, PyAny>) -> PyResult<Option<T>> {
    if obj.is_none() {
        return Ok(None);
    }
    int_value(obj).map(Some).map_err(to_py_err)
}

/// A number.
pub fn float(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    float_value(obj).map_err(to_py_err)
}

/// A number or `None`.
pub fn opt_float(obj: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    if obj.is_none() {
        return Ok(None);
    }
    float_value(obj).map(Some).map_err(to_py_err)
}

/// Names the mapping key in a conversion error.
pub trait InField<T> {
    /// The error, naming `field`, as a Python exception.
    fn in_field(self, field: &'static str) -> PyResult<T>;
}

impl<T> InField<T> for Result<T, ArgumentError> {
    fn in_field(self, field: &'static str) -> PyResult<T> {
        self.map_err(|e| to_py_err(e.in_field(field)))
    }
}

/// Whether `obj` is a `datetime.datetime` with no `tzinfo`.
fn is_naive_datetime(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyDateTime>()
        && obj.getattr("tzinfo").map(|t| t.is_none()).unwrap_or(false)
}

/// An instant: an aware `datetime` (any offset or zone) or RFC 3339 text.
/// A naive `datetime` is refused with `NaiveDatetimeError`.
pub fn instant(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<DateTime<Utc>> {
    if let Ok(text) = obj.cast::<PyString>() {
        let text = str_of(text).in_field(field)?;
        return time::parse_instant(&text, field).map_err(to_py_err);
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
    Err(ArgumentError::wrong_type(Expected::Instant)).in_field(field)
}

/// A Europe/London wall time: a naive `datetime` or `YYYY-MM-DDTHH:MM[:SS]` text.
pub fn wall_time(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<NaiveDateTime> {
    if let Ok(text) = obj.cast::<PyString>() {
        let text = str_of(text).in_field(field)?;
        return time::parse_local_datetime(&text, field).map_err(to_py_err);
    }
    if is_naive_datetime(obj) {
        return obj.extract::<NaiveDateTime>();
    }
    if obj.is_instance_of::<PyDateTime>() {
        // An aware datetime already names its instant: there is no wall time to resolve.
        return Err(to_py_err(TimeError::AwareWallTime { field }));
    }
    Err(ArgumentError::wrong_type(Expected::WallTime)).in_field(field)
}

/// A calendar date: a `datetime.date` or `YYYY-MM-DD` text.
pub fn date(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<NaiveDate> {
    if let Ok(text) = obj.cast::<PyString>() {
        let text = str_of(text).in_field(field)?;
        return time::parse_date(&text, field).map_err(to_py_err);
    }
    if obj.is_instance_of::<PyDateTime>() {
        return Err(ArgumentError::wrong_type(Expected::Date)).in_field(field);
    }
    obj.extract::<NaiveDate>()
        .map_err(|_| ArgumentError::wrong_type(Expected::Date))
        .in_field(field)
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

/// One of this package's own objects (a `CarePlan`, a `RuleSet`, …).
pub fn object<'py, T: PyClass>(obj: &Bound<'py, PyAny>) -> PyResult<PyRef<'py, T>> {
    let bound = obj
        .cast::<T>()
        .map_err(|_| to_py_err(ArgumentError::wrong_type(Expected::Object(T::NAME))))?;
    Ok(bound.try_borrow()?)
}

/// A list of this package's own objects.
pub fn objects<'py, T: PyClass>(obj: &Bound<'py, PyAny>) -> PyResult<Vec<PyRef<'py, T>>> {
    sequence(obj)?.iter().map(object::<T>).collect()
}

/// True or false.
pub fn boolean(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    obj.extract::<bool>()
        .map_err(|_| to_py_err(ArgumentError::wrong_type(Expected::Bool)))
}

/// A list (or tuple), item by item, converted by the caller.
pub fn sequence<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if obj.is_instance_of::<PyString>() {
        return Err(to_py_err(ArgumentError::wrong_type(Expected::List)));
    }
    let iter = obj
        .try_iter()
        .map_err(|_| to_py_err(ArgumentError::wrong_type(Expected::List)))?;
    iter.collect()
}

/// A list of pairs, each converted by the caller.
pub fn pairs<'py>(
    obj: &Bound<'py, PyAny>,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    sequence(obj)?
        .iter()
        .map(|item| {
            item.extract()
                .map_err(|_| to_py_err(ArgumentError::wrong_type(Expected::Pair)))
        })
        .collect()
}

/// A dict or `None`.
pub fn opt_dict<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyDict>>> {
    if obj.is_none() {
        return Ok(None);
    }
    obj.cast::<PyDict>()
        .map(|d| Some(d.clone()))
        .map_err(|_| to_py_err(ArgumentError::wrong_type(Expected::Mapping)))
}

/// A list of text or `None`.
pub fn opt_texts(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<String>>> {
    if obj.is_none() {
        return Ok(None);
    }
    texts(obj).map(Some)
}
