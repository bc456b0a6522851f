//! Errors in rule expressions: what is wrong, where (a byte span in the
//! expression), and a hint where one helps.

use std::fmt;

use crate::diag::Span;

/// An error in a rule expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// What is wrong.
    pub kind: ExprErrorKind,
    /// Where, as bytes of the expression text.
    pub span: Span,
}

impl ExprError {
    /// An error of `kind` at `span`.
    pub fn new(kind: ExprErrorKind, span: Span) -> Self {
        Self { kind, span }
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)
    }
}

impl std::error::Error for ExprError {}

/// Every way a rule expression can be wrong. Names of fields, functions and
/// rule-text literals appear in messages; row values never do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExprErrorKind {
    /// No expression at all.
    #[error("the expression is empty")]
    Empty,
    /// A character that is not part of the language.
    #[error("unexpected character")]
    UnexpectedCharacter,
    /// `=` where `==` was meant.
    #[error("`=` is not an operator: write `==` to compare")]
    SingleEquals,
    /// A quoted string with no closing quote.
    #[error("string has no closing quote")]
    UnterminatedString,
    /// A backslash escape other than `\\ \" \' \n \t`.
    #[error("unknown escape in string (use \\\\, \\\", \\', \\n or \\t)")]
    BadEscape,
    /// A number that cannot be read, or is too large.
    #[error("not a valid number")]
    BadNumber,
    /// `date(...)` without a valid `YYYY-MM-DD` string.
    #[error("date literal must be date(\"YYYY-MM-DD\") with a real calendar date")]
    BadDateLiteral,
    /// A token where something else was needed.
    #[error("expected {expected}")]
    UnexpectedToken {
        /// What would have been accepted here.
        expected: &'static str,
    },
    /// The text stops mid-expression.
    #[error("the expression ends too early")]
    UnexpectedEnd,
    /// Nesting (brackets, or a chain of `and`, `or`, `+`, …) deeper than
    /// any real rule needs: at most [`MAX_HEIGHT`](super::MAX_HEIGHT).
    #[error(
        "the expression nests too deeply (brackets and chained operators, at most {} levels)",
        super::MAX_HEIGHT
    )]
    TooDeep,
    /// More tokens than any real rule needs: at most
    /// [`MAX_TOKENS`](super::MAX_TOKENS).
    #[error(
        "the expression is too long (at most {} words, numbers and symbols)",
        super::MAX_TOKENS
    )]
    TooLarge,
    /// A name that is not a field of the schema.
    #[error("unknown field `{name}`{}", suggest(suggestion))]
    UnknownField {
        /// The name written.
        name: String,
        /// The closest field name, if one is close.
        suggestion: Option<String>,
    },
    /// A name that is not a function of the language.
    #[error("unknown function `{name}`{}", suggest(suggestion))]
    UnknownFunction {
        /// The name written.
        name: String,
        /// The closest function name, if one is close.
        suggestion: Option<String>,
    },
    /// A string compared with an enum field that is not one of its values.
    #[error(
        "`{value}` is not a value of this enum (one of: {allowed}){}",
        suggest(suggestion)
    )]
    UnknownEnumValue {
        /// The string written.
        value: String,
        /// The enum's values, comma-separated.
        allowed: String,
        /// The closest value, if one is close.
        suggestion: Option<String>,
    },
    /// Operands whose types do not fit the operator or function.
    #[error("type mismatch: {message}")]
    TypeMismatch {
        /// What was expected and what was found.
        message: String,
    },
    /// A function called with the wrong number of arguments.
    #[error("`{function}` takes {expected} argument(s), found {found}")]
    WrongArgumentCount {
        /// The function.
        function: String,
        /// How many it takes, e.g. `"2"` or `"at least 1"`.
        expected: &'static str,
        /// How many were given.
        found: usize,
    },
    /// A condition that is not true/false.
    #[error("a condition must be true or false, but this is {found}")]
    NotACondition {
        /// The type found.
        found: String,
    },
}

fn suggest(s: &Option<String>) -> String {
    s.as_ref()
        .map(|s| format!(": did you mean `{s}`?"))
        .unwrap_or_default()
}

impl ExprErrorKind {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "expr.empty",
            Self::UnexpectedCharacter => "expr.unexpected_character",
            Self::SingleEquals => "expr.single_equals",
            Self::UnterminatedString => "expr.unterminated_string",
            Self::BadEscape => "expr.bad_escape",
            Self::BadNumber => "expr.bad_number",
            Self::BadDateLiteral => "expr.bad_date_literal",
            Self::UnexpectedToken { .. } => "expr.unexpected_token",
            Self::UnexpectedEnd => "expr.unexpected_end",
            Self::TooDeep => "expr.too_deep",
            Self::TooLarge => "expr.too_large",
            Self::UnknownField { .. } => "expr.unknown_field",
            Self::UnknownFunction { .. } => "expr.unknown_function",
            Self::UnknownEnumValue { .. } => "expr.unknown_enum_value",
            Self::TypeMismatch { .. } => "expr.type_mismatch",
            Self::WrongArgumentCount { .. } => "expr.wrong_argument_count",
            Self::NotACondition { .. } => "expr.not_a_condition",
        }
    }

    /// Whether this is a syntax error (as opposed to a schema or type error).
    pub fn is_syntax(&self) -> bool {
        !matches!(
            self,
            Self::UnknownField { .. }
                | Self::UnknownFunction { .. }
                | Self::UnknownEnumValue { .. }
                | Self::TypeMismatch { .. }
                | Self::WrongArgumentCount { .. }
                | Self::NotACondition { .. }
        )
    }
}
