//! Errors in directory files and in the referrals routed against them.

use std::fmt;

use crate::caseload::RecordError;
use crate::diag::LineCol;
use crate::expr::ExprErrorKind;

/// Why a service directory was refused. Says what and where: a path into the
/// file (e.g. `service[sp_north].min_age`) and, for TOML, the line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryError {
    /// What is wrong.
    pub kind: DirectoryErrorKind,
    /// Where in the file's structure, e.g. `service[debt_advice].needs[1]`.
    pub path: String,
    /// Line and column in the file, where known.
    pub location: Option<LineCol>,
}

impl DirectoryError {
    pub(crate) fn new(
        kind: DirectoryErrorKind,
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
            DirectoryErrorKind::UnknownNeed {
                suggestion: Some(s),
                ..
            }
            | DirectoryErrorKind::UnknownService {
                suggestion: Some(s),
                ..
            }
            | DirectoryErrorKind::Expr(ExprErrorKind::UnknownField {
                suggestion: Some(s),
                ..
            }) => Some(format!("did you mean `{s}`?")),
            DirectoryErrorKind::NoSafeguardingLead => Some(
                "add [escalation] safeguarding_lead = \"<service id>\" naming the safeguarding clinical lead"
                    .into(),
            ),
            DirectoryErrorKind::UnknownNeed { .. } => {
                Some("declare it with [[need]] id = \"...\", or use a built-in need".into())
            }
            _ => None,
        }
    }
}

impl fmt::Display for DirectoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        crate::diag::write_place(f, &self.path, self.location)
    }
}

impl std::error::Error for DirectoryError {}

/// Every way a directory file can be wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DirectoryErrorKind {
    /// The text is not valid TOML or JSON, or does not fit the directory model
    /// (a missing or unknown key, a wrong value type).
    #[error("{message}")]
    Syntax {
        /// The parser's description.
        message: String,
    },
    /// An extra criterion (rule language) is wrong.
    #[error("{0}")]
    Expr(ExprErrorKind),
    /// Two services or needs share an id.
    #[error("duplicate id `{id}`")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// A need that is neither built in nor declared with `[[need]]`.
    #[error("unknown need `{name}`")]
    UnknownNeed {
        /// The need written.
        name: String,
        /// The closest known need.
        suggestion: Option<String>,
    },
    /// An escalation names a service that is not in the directory.
    #[error("unknown service `{name}`")]
    UnknownService {
        /// The service id written.
        name: String,
        /// The closest service id.
        suggestion: Option<String>,
    },
    /// The directory names no safeguarding clinical lead.
    #[error("the directory names no safeguarding lead")]
    NoSafeguardingLead,
    /// Eligibility no one can meet, or that contradicts itself.
    #[error("contradictory eligibility: {message}")]
    ContradictoryEligibility {
        /// What contradicts what.
        message: String,
    },
    /// A postcode district, PCN or practice code that is not well formed.
    #[error("malformed {what} `{code}`")]
    MalformedArea {
        /// Which kind of code (postcode district, PCN code, practice code).
        what: &'static str,
        /// The code written (a service's catchment, never a patient's).
        code: String,
    },
    /// Opening days or hours that cannot be read.
    #[error("{message}")]
    InvalidHours {
        /// What is wrong.
        message: String,
    },
    /// A declared field or need, ranking key or code that is not valid.
    #[error("{message}")]
    Invalid {
        /// What is wrong.
        message: String,
    },
}

impl DirectoryErrorKind {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "directory.syntax",
            Self::Expr(e) => e.code(),
            Self::DuplicateId { .. } => "directory.duplicate_id",
            Self::UnknownNeed { .. } => "directory.unknown_need",
            Self::UnknownService { .. } => "directory.unknown_service",
            Self::NoSafeguardingLead => "directory.no_safeguarding_lead",
            Self::ContradictoryEligibility { .. } => "directory.contradictory_eligibility",
            Self::MalformedArea { .. } => "directory.malformed_area",
            Self::InvalidHours { .. } => "directory.invalid_hours",
            Self::Invalid { .. } => "directory.invalid",
        }
    }
}

/// Why a referral could not be routed. Names the field (and the row of a
/// table); never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralError {
    /// What is wrong.
    pub kind: ReferralErrorKind,
    /// The row of the table, for batch routing.
    pub row: Option<usize>,
}

impl ReferralError {
    pub(crate) fn new(kind: ReferralErrorKind) -> Self {
        Self { kind, row: None }
    }

    #[cfg(feature = "arrow")]
    pub(crate) fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    /// The stable error code.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for ReferralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(row) = self.row {
            write!(f, " (row {row})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ReferralError {}

/// Every way a referral can be unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferralErrorKind {
    /// The referral has no id.
    #[error("the referral id is empty")]
    EmptyId,
    /// An age below 0 or above 130.
    #[error("age is not a possible age (0 to 130)")]
    ImpossibleAge,
    /// A postcode district, PCN or practice code that is not well formed.
    #[error("`{field}` is not a well-formed {what}")]
    MalformedArea {
        /// The field.
        field: &'static str,
        /// What it should be.
        what: &'static str,
    },
    /// A need the directory does not know.
    #[error("unknown need{}", suggestion.as_ref().map(|s| format!(": did you mean `{s}`?")).unwrap_or_default())]
    UnknownNeed {
        /// The closest known need (from the vocabulary, never the text written).
        suggestion: Option<String>,
    },
    /// A referral with no needs.
    #[error("the referral names no needs")]
    NoNeeds,
    /// A value that is not one of the allowed words (sex, urgency, consent).
    #[error("`{field}` must be one of {allowed}")]
    InvalidValue {
        /// The field.
        field: &'static str,
        /// The allowed values.
        allowed: &'static str,
    },
    /// An extra field the directory does not declare.
    #[error(
        "unknown field {}{}",
        crate::diag::quoted_id(field, "(a name that is not an id)"),
        suggestion.as_ref().map(|s| format!(": did you mean `{s}`?")).unwrap_or_default()
    )]
    UnknownField {
        /// The field name given, when it has the shape of an id.
        field: Option<String>,
        /// The closest declared extra field.
        suggestion: Option<String>,
    },
    /// A referral date outside the years whose bank holidays are known (1995-2100).
    #[error("the referral date is outside 1995-2100, whose bank holidays are known")]
    DateOutOfRange,
    /// An extra field the directory's criteria read is missing or mistyped.
    #[error("{0}")]
    Record(RecordError),
    /// A fault inside the library (a worker thread failed): please report it.
    #[error("internal error while routing a batch")]
    Internal,
}

impl ReferralErrorKind {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyId => "referral.empty_id",
            Self::ImpossibleAge => "referral.impossible_age",
            Self::MalformedArea { .. } => "referral.malformed_area",
            Self::UnknownNeed { .. } => "referral.unknown_need",
            Self::NoNeeds => "referral.no_needs",
            Self::InvalidValue { .. } => "referral.invalid_value",
            Self::UnknownField { .. } => "referral.unknown_field",
            Self::DateOutOfRange => "referral.date_out_of_range",
            Self::Record(e) => e.code(),
            Self::Internal => "referral.internal",
        }
    }
}
