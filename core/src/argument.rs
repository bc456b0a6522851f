//! Errors in translating a caller's value into a Rust one, raised by the
//! bindings at the language boundary: an integer too large for the parameter,
//! text that is not valid Unicode, a value of the wrong type, a missing key.
//!
//! The bindings only translate; the error, its code and its wording live here
//! so that Python, Kotlin and Swift report the same mistake the same way. Like
//! every carecoord error it never repeats the value it was given: the text of
//! an invalid string may be a patient's name.

use std::borrow::Cow;
use std::fmt;

/// A value a binding could not translate into the type a parameter takes.
///
/// ```
/// use carecoord::argument::{ArgumentError, Expected};
/// use carecoord::{Error, ErrorKind};
///
/// let err: Error = ArgumentError::out_of_range(0, u32::MAX.into()).into();
/// assert_eq!(err.code(), "argument.out_of_range");
/// assert_eq!(err.kind(), ErrorKind::OutOfRange);
/// assert_eq!(err.to_string(), "the number must be between 0 and 4294967295");
///
/// let err: Error = ArgumentError::wrong_type(Expected::Text).in_field("id").into();
/// assert_eq!(err.to_string(), "`id`: expected text");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentError {
    /// What is wrong.
    pub problem: ArgumentProblem,
    /// The key of a mapping (or field of a record) that held the value, where
    /// the binding knows it. Parameter names are added by the binding's host
    /// language (a Python exception note), not here.
    pub field: Option<Cow<'static, str>>,
}

/// Every way a value can fail to translate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArgumentProblem {
    /// A value of another type than the parameter takes.
    WrongType {
        /// What was expected.
        expected: Expected,
    },
    /// A whole number (or a number) outside the range the parameter takes.
    OutOfRange {
        /// The smallest value taken.
        min: i128,
        /// The largest value taken.
        max: i128,
    },
    /// A floating-point number too large to represent.
    NumberTooLarge,
    /// Text that is not valid Unicode (a lone surrogate in Python).
    InvalidText,
    /// A required key that is absent.
    Missing,
}

/// The type a parameter takes, as a caller would name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// Text.
    Text,
    /// Text or nothing.
    OptionalText,
    /// A list of text.
    TextList,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// True or false.
    Bool,
    /// A calendar date (a date, not a date-time) or `YYYY-MM-DD` text.
    Date,
    /// An instant: a date-time with a zone or offset, or ISO 8601 text with one.
    Instant,
    /// A wall time: a date-time without a zone, or `YYYY-MM-DDTHH:MM` text.
    WallTime,
    /// A mapping of names to values.
    Mapping,
    /// A list (or tuple).
    List,
    /// A pair (a tuple of two).
    Pair,
    /// Text, or a path to a file holding it.
    TextOrPath,
    /// A table: any object with the Arrow PyCapsule interface (pyarrow,
    /// polars, DuckDB) or a pandas DataFrame.
    Table,
    /// One of the library's own objects (a care plan, a directory, …).
    Object(&'static str),
    /// A value a rule field or referral field can hold: nothing, a bool, a
    /// number, text, a date or a list of text.
    FieldValue,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text => f.write_str("text"),
            Self::OptionalText => f.write_str("text or nothing"),
            Self::TextList => f.write_str("a list of text"),
            Self::Integer => f.write_str("a whole number"),
            Self::Number => f.write_str("a number"),
            Self::Bool => f.write_str("true or false"),
            Self::Date => f.write_str("a date (not a date-time) or YYYY-MM-DD text"),
            Self::Instant => {
                f.write_str("a date-time with a zone or offset, or ISO 8601 text with one")
            }
            Self::WallTime => {
                f.write_str("a date-time without a zone, or YYYY-MM-DDTHH:MM text")
            }
            Self::Mapping => f.write_str("a mapping of names to values"),
            Self::List => f.write_str("a list"),
            Self::Pair => f.write_str("a pair (a tuple of two)"),
            Self::TextOrPath => f.write_str("text, or a path to a file"),
            Self::Table => f.write_str(
                "a table with the Arrow PyCapsule interface (pyarrow, polars, DuckDB) or a pandas DataFrame",
            ),
            Self::Object(name) => write!(f, "a {name}"),
            Self::FieldValue => {
                f.write_str("nothing, a bool, a number, text, a date or a list of text")
            }
        }
    }
}

impl ArgumentError {
    fn new(problem: ArgumentProblem) -> Self {
        Self {
            problem,
            field: None,
        }
    }

    /// A value of another type than `expected`.
    pub fn wrong_type(expected: Expected) -> Self {
        Self::new(ArgumentProblem::WrongType { expected })
    }

    /// A number outside `min..=max`.
    pub fn out_of_range(min: i128, max: i128) -> Self {
        Self::new(ArgumentProblem::OutOfRange { min, max })
    }

    /// A floating-point number too large to represent.
    pub fn number_too_large() -> Self {
        Self::new(ArgumentProblem::NumberTooLarge)
    }

    /// Text that is not valid Unicode.
    pub fn invalid_text() -> Self {
        Self::new(ArgumentProblem::InvalidText)
    }

    /// A required key that is absent.
    pub fn missing(field: &'static str) -> Self {
        Self::new(ArgumentProblem::Missing).in_field(field)
    }

    /// The same error, naming the mapping key or record field that held the
    /// value.
    pub fn in_field(self, field: &'static str) -> Self {
        Self {
            field: Some(Cow::Borrowed(field)),
            ..self
        }
    }

    /// The same error, naming a field whose name the caller gave (a rule
    /// field, a map key): repeated only when it has the shape of an id.
    pub fn in_named_field(self, field: &str) -> Self {
        Self {
            field: crate::diag::shown_id(field).map(Cow::Owned),
            ..self
        }
    }

    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self.problem {
            ArgumentProblem::WrongType { .. } => "argument.wrong_type",
            ArgumentProblem::OutOfRange { .. } => "argument.out_of_range",
            ArgumentProblem::NumberTooLarge => "argument.number_too_large",
            ArgumentProblem::InvalidText => "argument.invalid_text",
            ArgumentProblem::Missing => "argument.missing",
        }
    }
}

impl fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = &self.field {
            write!(f, "`{field}`: ")?;
        }
        match &self.problem {
            ArgumentProblem::WrongType { expected } => write!(f, "expected {expected}"),
            ArgumentProblem::OutOfRange { min, max } => {
                write!(f, "the number must be between {min} and {max}")
            }
            ArgumentProblem::NumberTooLarge => f.write_str("the number is too large to represent"),
            ArgumentProblem::InvalidText => {
                f.write_str("the text is not valid Unicode (it holds a lone surrogate)")
            }
            ArgumentProblem::Missing => f.write_str("required but not given"),
        }
    }
}

impl std::error::Error for ArgumentError {}

/// Converts a whole number to the integer type a parameter takes, or says
/// the range it must lie in.
///
/// ```
/// use carecoord::argument::integer;
///
/// assert_eq!(integer::<u8>(200), Ok(200));
/// assert_eq!(integer::<u8>(-1).unwrap_err().code(), "argument.out_of_range");
/// ```
pub fn integer<T>(value: i128) -> Result<T, ArgumentError>
where
    T: TryFrom<i128> + Bounded,
{
    T::try_from(value).map_err(|_| ArgumentError::out_of_range(T::MIN, T::MAX))
}

/// The range of an integer type, widened to `i128` for messages.
pub trait Bounded {
    /// The smallest value.
    const MIN: i128;
    /// The largest value.
    const MAX: i128;
}

macro_rules! bounded {
    ($($t:ty),*) => {$(
        impl Bounded for $t {
            const MIN: i128 = <$t>::MIN as i128;
            const MAX: i128 = <$t>::MAX as i128;
        }
    )*};
}
bounded!(u8, u16, u32, u64, usize, i8, i16, i32, i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_names_the_range_of_the_type() {
        let e = integer::<u32>(1 << 40).unwrap_err();
        assert_eq!(
            e.problem,
            ArgumentProblem::OutOfRange {
                min: 0,
                max: 4_294_967_295
            }
        );
        assert_eq!(integer::<i32>(-5), Ok(-5));
        assert_eq!(
            integer::<i64>(i128::from(i64::MAX) + 1)
                .unwrap_err()
                .problem,
            ArgumentProblem::OutOfRange {
                min: i64::MIN.into(),
                max: i64::MAX.into()
            }
        );
    }

    #[test]
    fn messages_name_the_field_never_the_value() {
        let e = ArgumentError::invalid_text().in_field("notes");
        assert_eq!(
            e.to_string(),
            "`notes`: the text is not valid Unicode (it holds a lone surrogate)"
        );
        assert_eq!(e.code(), "argument.invalid_text");
        assert_eq!(
            ArgumentError::missing("start").to_string(),
            "`start`: required but not given"
        );
        assert_eq!(
            ArgumentError::wrong_type(Expected::Object("care plan")).to_string(),
            "expected a care plan"
        );
    }
}
