//! Values of row fields, and the borrowed values expressions compute.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

/// The value of one field of one row.
///
/// Rows are patient data, so `Debug` shows numbers and flags but hides text,
/// dates and lists (`Str(…)`), which could be free text, a name or a date of
/// birth; there is no `Display`. Explanations show values on purpose, to the
/// person evaluating the row.
#[derive(Clone, PartialEq)]
pub enum Value {
    /// Missing or unknown.
    Null,
    /// True or false.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// Text (also the value of an enum field).
    Str(Arc<str>),
    /// A calendar date.
    Date(NaiveDate),
    /// A list of text values.
    List(Arc<[Arc<str>]>),
}

impl Value {
    /// Text.
    pub fn str(s: &str) -> Self {
        Self::Str(Arc::from(s))
    }

    /// A floating-point number; NaN (how pandas and many exports write a
    /// missing number) is [`Null`](Self::Null), so that a rule sees it as
    /// missing rather than as a number that fails every comparison.
    ///
    /// ```
    /// use carecoord::expr::Value;
    /// assert_eq!(Value::float(f64::NAN), Value::Null);
    /// assert_eq!(Value::float(1.5), Value::Float(1.5));
    /// ```
    pub fn float(x: f64) -> Self {
        if x.is_nan() {
            Self::Null
        } else {
            Self::Float(x)
        }
    }

    /// A list of text values.
    pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> Self {
        Self::List(items.into_iter().map(Arc::from).collect())
    }

    /// A borrowed view for evaluation.
    pub(crate) fn scalar(&self) -> Scalar<'_> {
        match self {
            Self::Null => Scalar::Null,
            Self::Bool(b) => Scalar::Bool(*b),
            Self::Int(i) => Scalar::Int(*i),
            Self::Float(x) => Scalar::Float(*x),
            Self::Str(s) => Scalar::Str(s),
            Self::Date(d) => Scalar::Date(*d),
            Self::List(l) => Scalar::List(ListRef::Owned(l)),
        }
    }

    /// The name of this value's type, for messages (never the value itself).
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "bool",
            Self::Int(_) => "int",
            Self::Float(_) => "float",
            Self::Str(_) => "string",
            Self::Date(_) => "date",
            Self::List(_) => "list<string>",
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Self::Int(i)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Self::Float(x)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::str(s)
    }
}
impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Self {
        Self::Date(d)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

/// A value computed while evaluating, borrowing text from the row or the rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    Date(NaiveDate),
    List(ListRef<'a>),
}

/// A borrowed list of text values: from a row value, or a slice of an Arrow
/// list column (read in place, never copied).
#[derive(Debug, Clone, Copy)]
pub(crate) enum ListRef<'a> {
    Owned(&'a [Arc<str>]),
    #[cfg(feature = "arrow")]
    Arrow {
        values: crate::expr::columnar::StrValues<'a>,
        start: usize,
        end: usize,
    },
}

impl<'a> ListRef<'a> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Owned(l) => l.len(),
            #[cfg(feature = "arrow")]
            Self::Arrow { start, end, .. } => end - start,
        }
    }

    pub(crate) fn get(&self, i: usize) -> Option<&'a str> {
        match *self {
            Self::Owned(l) => l.get(i).map(|s| &**s),
            #[cfg(feature = "arrow")]
            Self::Arrow { values, start, end } => {
                (start + i < end).then(|| values.value(start + i))
            }
        }
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = &'a str> {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

impl PartialEq for ListRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl Scalar<'_> {
    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// SQL-style truth: `Some(true)`, `Some(false)` or unknown (`None`).
    pub(crate) fn truth(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Int(i) => Some(*i as f64),
            Self::Float(x) => Some(*x),
            _ => None,
        }
    }

    /// Orders two non-null values of compatible types (ints and floats
    /// compare as numbers). `None` when either is null or they do not compare.
    pub(crate) fn compare(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (Self::Int(a), Self::Int(b)) => Some(a.cmp(b)),
            (Self::Str(a), Self::Str(b)) => Some(a.cmp(b)),
            (Self::Date(a), Self::Date(b)) => Some(a.cmp(b)),
            (Self::Bool(a), Self::Bool(b)) => Some(a.cmp(b)),
            (a, b) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        }
    }

    pub(crate) fn to_value(self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(b),
            Self::Int(i) => Value::Int(i),
            Self::Float(x) => Value::Float(x),
            Self::Str(s) => Value::str(s),
            Self::Date(d) => Value::Date(d),
            Self::List(l) => Value::List(l.iter().map(Arc::from).collect()),
        }
    }
}

impl fmt::Display for Scalar<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(i) => write!(f, "{i}"),
            Self::Float(x) => write!(f, "{x}"),
            Self::Str(s) => write!(f, "\"{s}\""),
            Self::Date(d) => write!(f, "{d}"),
            Self::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "\"{item}\"")?;
                }
                f.write_str("]")
            }
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("Null"),
            Self::Bool(b) => write!(f, "Bool({b})"),
            Self::Int(i) => write!(f, "Int({i})"),
            Self::Float(x) => write!(f, "Float({x})"),
            Self::Str(_) => f.write_str("Str(…)"),
            Self::Date(_) => f.write_str("Date(…)"),
            Self::List(l) => write!(f, "List({} items)", l.len()),
        }
    }
}
