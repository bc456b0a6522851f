//! Errors in rule files and in the rows they are evaluated on.

use std::fmt;

use crate::diag::LineCol;
use crate::expr::ExprErrorKind;

/// Why a rule file was refused. Says what and where: a path into the file
/// (e.g. `rule[efi].bands[2].when`) and, for TOML, the line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// What is wrong.
    pub kind: RuleErrorKind,
    /// Where in the file's structure, e.g. `rule[lives_alone].when`.
    pub path: String,
    /// Line and column in the file, where known.
    pub location: Option<LineCol>,
}

impl RuleError {
    pub(crate) fn new(
        kind: RuleErrorKind,
        path: impl Into<String>,
        location: Option<LineCol>,
    ) -> Self {
        Self {
            kind,
            path: path.into(),
            location,
        }
    }

    /// The stable error code.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// A hint on how to fix it, where there is one.
    pub fn help(&self) -> Option<String> {
        match &self.kind {
            RuleErrorKind::Expr(ExprErrorKind::UnknownField {
                suggestion: Some(s),
                ..
            })
            | RuleErrorKind::Expr(ExprErrorKind::UnknownFunction {
                suggestion: Some(s),
                ..
            })
            | RuleErrorKind::Expr(ExprErrorKind::UnknownEnumValue {
                suggestion: Some(s),
                ..
            })
            | RuleErrorKind::UnknownTier {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            RuleErrorKind::Expr(ExprErrorKind::SingleEquals) => {
                Some("write `==` to compare".into())
            }
            RuleErrorKind::MissingSafeguardingOverride { field, top_tier } => Some(format!(
                "add [[override]] with when = \"{field}\" and tier = \"{top_tier}\""
            )),
            _ => None,
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        crate::diag::write_place(f, &self.path, self.location)
    }
}

impl std::error::Error for RuleError {}

/// Every way a rule file can be wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleErrorKind {
    /// The text is not valid TOML or JSON, or does not fit the rule-file model
    /// (a missing or unknown key, a wrong value type).
    #[error("{message}")]
    Syntax {
        /// The parser's description (about the file's structure, never row data).
        message: String,
    },
    /// An expression in a rule is wrong.
    #[error("{0}")]
    Expr(ExprErrorKind),
    /// A field declared with a type the language does not have.
    #[error(
        "unknown field type `{name}` (use int, float, bool, string, date, list<string> or enum)"
    )]
    UnknownType {
        /// The type written.
        name: String,
    },
    /// An enum field without values, or values on a non-enum field.
    #[error("{message}")]
    InvalidField {
        /// What is wrong with it.
        message: String,
    },
    /// The schema's `id` or `safeguarding` names no declared field, or the wrong type.
    #[error("{message}")]
    InvalidRole {
        /// What is wrong with it.
        message: String,
    },
    /// Two rules, overrides, tiers or tests share an id.
    #[error("duplicate id `{id}`")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// An override names a tier that is not declared.
    #[error("unknown tier `{name}`")]
    UnknownTier {
        /// The tier written.
        name: String,
        /// The closest declared tier.
        suggestion: Option<String>,
    },
    /// No tiers, or the last tier has a `min_score` (so some scores get no tier).
    #[error("{message}")]
    InvalidTiers {
        /// What is wrong.
        message: String,
    },
    /// A rule with neither `when` nor `bands`, or both, or missing points/reason.
    #[error("{message}")]
    InvalidRule {
        /// What is wrong.
        message: String,
    },
    /// A band that can never be chosen, because an earlier band always matches first.
    #[error("band {band} can never be chosen: {why}")]
    UnreachableBand {
        /// The unreachable band (1-based).
        band: usize,
        /// Why.
        why: String,
    },
    /// The schema marks a safeguarding flag but no override sends it to the top tier.
    #[error(
        "the safeguarding flag `{field}` must have an override to the top tier `{top_tier}` that fires whenever it is true"
    )]
    MissingSafeguardingOverride {
        /// The safeguarding field.
        field: String,
        /// The first (highest) tier.
        top_tier: String,
    },
    /// A `[[test]]` row that does not fit the schema.
    #[error("test row: {0}")]
    InvalidTestRow(String),
}

impl RuleErrorKind {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "rules.syntax",
            Self::Expr(e) => e.code(),
            Self::UnknownType { .. } => "rules.unknown_type",
            Self::InvalidField { .. } => "rules.invalid_field",
            Self::InvalidRole { .. } => "rules.invalid_role",
            Self::DuplicateId { .. } => "rules.duplicate_id",
            Self::UnknownTier { .. } => "rules.unknown_tier",
            Self::InvalidTiers { .. } => "rules.invalid_tiers",
            Self::InvalidRule { .. } => "rules.invalid_rule",
            Self::UnreachableBand { .. } => "rules.unreachable_band",
            Self::MissingSafeguardingOverride { .. } => "rules.missing_safeguarding_override",
            Self::InvalidTestRow(_) => "rules.invalid_test_row",
        }
    }
}

/// Why a row could not be evaluated. Names the field and the row's position
/// or identifier; never the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// A field the rules need is absent (or null where the schema forbids null).
    #[error("field `{field}` is missing or null, but the schema does not allow null")]
    MissingField {
        /// The field.
        field: String,
    },
    /// A value of the wrong type.
    #[error("field `{field}` must be {expected}, found {found}")]
    WrongType {
        /// The field.
        field: String,
        /// The declared type.
        expected: String,
        /// The type found (a type name, never the value).
        found: String,
    },
    /// An enum field holding a value not in its list.
    #[error("field `{field}` holds a value that is not one of its enum values")]
    UnknownEnumValue {
        /// The field.
        field: String,
    },
    /// A table without a column the rules read.
    #[error("the table has no column `{field}`, which the rules read")]
    MissingColumn {
        /// The column.
        field: String,
    },
    /// A column of a table that is not of the declared type.
    #[error("column `{field}` has type {found}, but the schema declares {expected}")]
    WrongColumnType {
        /// The column.
        field: String,
        /// The declared type.
        expected: String,
        /// The column's type.
        found: String,
    },
}

impl RecordError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingField { .. } => "record.missing_field",
            Self::WrongType { .. } => "record.wrong_type",
            Self::UnknownEnumValue { .. } => "record.unknown_enum_value",
            Self::MissingColumn { .. } => "record.missing_column",
            Self::WrongColumnType { .. } => "record.wrong_column_type",
        }
    }
}
