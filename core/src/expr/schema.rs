//! The declared shape of the rows rules read: field names, types, nullability,
//! and the roles some fields play (row identifier, safeguarding flag).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// The type of a field, or of an expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// A whole number (64-bit).
    Int,
    /// A floating-point number.
    Float,
    /// True or false.
    Bool,
    /// Text.
    Str,
    /// A calendar date.
    Date,
    /// A list of text values (e.g. coded conditions).
    StrList,
    /// Text restricted to the listed values.
    Enum(Arc<[String]>),
    /// The type of the `null` literal, which fits any nullable place.
    Null,
    /// A literal list `[..]` of values of one type.
    List(Box<Type>),
}

impl Type {
    /// Whether values of this type are numbers.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Self::Int | Self::Float)
    }

    /// Whether values of this type are text (plain or enum).
    pub fn is_text(&self) -> bool {
        matches!(self, Self::Str | Self::Enum(_))
    }

    /// Parses a schema type name: `int`, `float`, `bool`, `string`, `date`,
    /// `list<string>`. Enums are declared with their values, not by name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.trim() {
            "int" | "integer" => Self::Int,
            "float" | "number" => Self::Float,
            "bool" | "boolean" => Self::Bool,
            "string" | "str" | "text" => Self::Str,
            "date" => Self::Date,
            "list<string>" | "list[string]" => Self::StrList,
            _ => return None,
        })
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int => f.write_str("int"),
            Self::Float => f.write_str("float"),
            Self::Bool => f.write_str("bool"),
            Self::Str => f.write_str("string"),
            Self::Date => f.write_str("date"),
            Self::StrList => f.write_str("list<string>"),
            Self::Enum(values) => write!(f, "enum[{}]", values.join(", ")),
            Self::Null => f.write_str("null"),
            Self::List(t) => write!(f, "list of {t}"),
        }
    }
}

/// The part a field plays beyond holding data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldRole {
    /// The row identifier: shown in results and explanations, never read by rules.
    Id,
    /// The safeguarding flag: a rule set must send it to the top tier.
    Safeguarding,
}

/// One declared field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The name rules and data use.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Whether it may be missing (null).
    pub nullable: bool,
    /// The part it plays, if any.
    pub role: Option<FieldRole>,
}

/// The fields a rule set reads, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    fields: Vec<Field>,
    by_name: HashMap<String, usize>,
}

impl Schema {
    /// A schema of `fields`. Names must be unique: a repeat returns its name.
    pub fn new(fields: Vec<Field>) -> Result<Self, String> {
        let mut by_name = HashMap::with_capacity(fields.len());
        for (i, field) in fields.iter().enumerate() {
            if by_name.insert(field.name.clone(), i).is_some() {
                return Err(field.name.clone());
            }
        }
        Ok(Self { fields, by_name })
    }

    /// The fields, in declaration order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The position of the field called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.index_of(name).and_then(|i| self.fields.get(i))
    }

    /// The row-identifier field, if declared.
    pub fn id_field(&self) -> Option<&Field> {
        self.fields.iter().find(|f| f.role == Some(FieldRole::Id))
    }

    /// The safeguarding-flag field, if declared.
    pub fn safeguarding_field(&self) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.role == Some(FieldRole::Safeguarding))
    }
}
