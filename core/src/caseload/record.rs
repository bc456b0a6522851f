//! Building a row (values in schema order) from named values, checking each
//! against the schema. Extra names are ignored: analysts bring any columns.

use std::collections::HashMap;
use std::sync::Arc;

use crate::expr::{Field, Schema, Type, Value};
use crate::time::parse_date;

use super::error::RecordError;
use super::load::date_of;

/// Checks one value against its field, converting where the meaning is
/// unambiguous: an int for a float field, ISO `YYYY-MM-DD` text for a date.
pub(crate) fn coerce(field: &Field, value: Value) -> Result<Value, RecordError> {
    let wrong = |found: &str| RecordError::WrongType {
        field: field.name.clone(),
        expected: field.ty.to_string(),
        found: found.to_owned(),
    };
    match (&field.ty, value) {
        (_, Value::Null) if field.nullable => Ok(Value::Null),
        (_, Value::Null) => Err(RecordError::MissingField {
            field: field.name.clone(),
        }),
        (Type::Int, v @ Value::Int(_))
        | (Type::Float, v @ Value::Float(_))
        | (Type::Bool, v @ Value::Bool(_))
        | (Type::Str, v @ Value::Str(_))
        | (Type::Date, v @ Value::Date(_))
        | (Type::StrList, v @ Value::List(_)) => Ok(v),
        (Type::Float, Value::Int(i)) => Ok(Value::Float(i as f64)),
        (Type::Date, Value::Str(s)) => parse_date(&s, "date")
            .map(Value::Date)
            .map_err(|_| wrong("text that is not a YYYY-MM-DD date")),
        (Type::Enum(allowed), Value::Str(s)) => {
            if allowed.iter().any(|a| **a == *s) {
                Ok(Value::Str(s))
            } else {
                Err(RecordError::UnknownEnumValue {
                    field: field.name.clone(),
                })
            }
        }
        (_, other) => Err(wrong(other.type_name())),
    }
}

/// A row from `(name, value)` pairs; fields not given are null.
pub(crate) fn row_from_pairs<'a>(
    schema: &Schema,
    pairs: impl IntoIterator<Item = (&'a str, Value)>,
) -> Result<Vec<Value>, RecordError> {
    let mut row = vec![Value::Null; schema.fields().len()];
    for (name, value) in pairs {
        if let Some(i) = schema.index_of(name) {
            if let Some(slot) = row.get_mut(i) {
                *slot = value;
            }
        }
    }
    finish(schema, row)
}

/// Coerces every slot and reports the first field that does not fit.
pub(crate) fn finish(schema: &Schema, row: Vec<Value>) -> Result<Vec<Value>, RecordError> {
    schema
        .fields()
        .iter()
        .zip(row)
        .map(|(field, value)| coerce(field, value))
        .collect()
}

/// A row from a TOML table (a `[[test]]` row). TOML has no null: a field left
/// out is null.
pub(crate) fn row_from_toml(
    schema: &Schema,
    table: &toml::Table,
) -> Result<Vec<Value>, RecordError> {
    let mut named: HashMap<&str, Value> = HashMap::with_capacity(table.len());
    for (name, v) in table {
        let Some(field) = schema.field(name) else {
            continue;
        };
        let value = match v {
            toml::Value::Boolean(b) => Value::Bool(*b),
            toml::Value::Integer(i) => Value::Int(*i),
            toml::Value::Float(x) => Value::Float(*x),
            toml::Value::String(s) => Value::str(s),
            toml::Value::Datetime(d) => {
                date_of(d)
                    .map(Value::Date)
                    .ok_or_else(|| RecordError::WrongType {
                        field: field.name.clone(),
                        expected: field.ty.to_string(),
                        found: "date-time".into(),
                    })?
            }
            toml::Value::Array(items) => {
                let texts: Option<Vec<Arc<str>>> =
                    items.iter().map(|i| i.as_str().map(Arc::from)).collect();
                texts
                    .map(|t| Value::List(t.into()))
                    .ok_or_else(|| RecordError::WrongType {
                        field: field.name.clone(),
                        expected: field.ty.to_string(),
                        found: "a list that is not all text".into(),
                    })?
            }
            toml::Value::Table(_) => {
                return Err(RecordError::WrongType {
                    field: field.name.clone(),
                    expected: field.ty.to_string(),
                    found: "table".into(),
                });
            }
        };
        named.insert(name.as_str(), value);
    }
    row_from_pairs(schema, named)
}
