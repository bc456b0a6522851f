//! Errors in care plans: each names the plan, the item and the field by id,
//! never what the person said, a name, a contact detail or the patient.

use std::fmt;

use super::model::PlanStatus;

/// Why a care-plan command, share, load or store operation was refused.
///
/// Nothing was written when this is returned: commands are all-or-nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarePlanError {
    /// What is wrong.
    pub kind: CarePlanErrorKind,
    /// The plan's id, where there is one (an id, not patient data).
    pub plan: Option<String>,
}

impl CarePlanError {
    pub(crate) fn new(kind: CarePlanErrorKind) -> Self {
        Self { kind, plan: None }
    }

    pub(crate) fn in_plan(kind: CarePlanErrorKind, plan: &str) -> Self {
        Self {
            kind,
            plan: shown_id(plan),
        }
    }

    /// Names the plan, if `plan` has the shape of an id: text passed where a
    /// plan id was expected is never repeated.
    #[must_use]
    pub(crate) fn with_plan(mut self, plan: &str) -> Self {
        if self.plan.is_none() {
            self.plan = shown_id(plan);
        }
        self
    }

    /// The stable error code, e.g. `careplan.stale_version`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// Whether this is an optimistic-concurrency conflict: someone else
    /// changed the plan since it was read. Reload it and try again.
    pub fn is_stale(&self) -> bool {
        matches!(self.kind, CarePlanErrorKind::StaleVersion { .. })
    }
}

impl fmt::Display for CarePlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.plan {
            Some(id) => write!(f, "care plan `{id}`: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for CarePlanError {}

/// `id` to repeat in an error, only if it has the shape of an id (1–64
/// letters, digits or `-_.:`): anything else may be free text or patient
/// data typed into the wrong field.
pub(crate) use crate::diag::shown_id;

fn quoted(id: &Option<String>) -> String {
    crate::diag::quoted_id(id, "with an id")
}

/// Every way a care-plan operation can be refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CarePlanErrorKind {
    /// No plan with this id is in the store.
    #[error("no care plan with this id")]
    UnknownPlan,
    /// A plan with this id already exists.
    #[error("a care plan with this id already exists")]
    PlanExists,
    /// A goal, action, person, risk or consent id the plan does not hold.
    #[error("no {item} {} in this plan", quoted(id))]
    UnknownItem {
        /// `goal`, `action`, `support person`, `risk` or `consent`.
        item: &'static str,
        /// The id that was asked for, when it has the shape of an id; text
        /// passed where an id was expected is never repeated.
        id: Option<String>,
    },
    /// An id given for a new item is already used in the plan.
    #[error("the {item} id {} is already used in this plan", quoted(id))]
    DuplicateItem {
        /// The kind of item.
        item: &'static str,
        /// The id (new ids are checked to be ids first).
        id: Option<String>,
    },
    /// An id that is empty, too long, or not made of letters, digits and
    /// `-_.:` (ids are never free text).
    #[error("`{field}` must be 1–64 letters, digits or `-_.:`")]
    InvalidId {
        /// Which id.
        field: &'static str,
    },
    /// A required free-text field is empty.
    #[error("`{field}` must not be empty")]
    EmptyText {
        /// Which field.
        field: &'static str,
    },
    /// A value out of its allowed range, or a word not in its vocabulary.
    #[error("`{field}` {expected}")]
    InvalidValue {
        /// Which field.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// A word that is not in its vocabulary.
    #[error("`{field}` must be one of {}", allowed.join(", "))]
    UnknownWord {
        /// Which field.
        field: &'static str,
        /// The words it may be.
        allowed: &'static [&'static str],
    },
    /// The command was based on an older version of the plan than the one
    /// stored: someone else changed it first. Nothing was written.
    #[error(
        "the plan changed since it was read (command based on version {expected}, plan is at version {actual}): reload and try again"
    )]
    StaleVersion {
        /// The version the command was based on.
        expected: u64,
        /// The version in the store.
        actual: u64,
    },
    /// A status change the FHIR CarePlan lifecycle does not allow.
    #[error("a plan cannot go from {from} to {to}")]
    InvalidTransition {
        /// The current status.
        from: PlanStatus,
        /// The status asked for.
        to: PlanStatus,
    },
    /// An edit to a plan that is completed, revoked or entered in error.
    #[error("a {status} plan cannot be changed")]
    PlanClosed {
        /// The plan's status.
        status: PlanStatus,
    },
    /// The command needs a recorded reason (e.g. revoking a plan, marking an
    /// active plan entered-in-error, sharing for safeguarding).
    #[error("{what} needs a recorded reason")]
    ReasonRequired {
        /// What needs the reason.
        what: &'static str,
    },
    /// A consent whose end is not after its start.
    #[error("a consent must end after it starts")]
    ConsentEndsBeforeStart,
    /// A share the consent rules do not allow; nothing was recorded.
    #[error("sharing refused: {message} ({reason})")]
    ShareDenied {
        /// Why (a stable reason code; see [`ShareReason`](super::ShareReason)).
        reason: &'static str,
        /// The reason in plain words.
        message: &'static str,
    },
    /// A stored or sent plan record written by a newer carecoord.
    #[error(
        "{what} has schema version {found}; this carecoord reads up to version {supported}: upgrade carecoord"
    )]
    UnsupportedSchemaVersion {
        /// What was read (`plan history`, `plan`, `event`).
        what: &'static str,
        /// The version found.
        found: u64,
        /// The newest version this build reads.
        supported: u64,
    },
    /// A stored or sent record that cannot be read. The message gives the
    /// place and the kind of damage, never the content.
    #[error("{what} is corrupted: {detail}")]
    CorruptRecord {
        /// What was read.
        what: &'static str,
        /// Where and what kind of damage (no content).
        detail: String,
    },
    /// The storage layer failed (disk, locking, SQLite).
    #[error("storage failed: {detail}")]
    Storage {
        /// What failed (no plan content).
        detail: String,
    },
}

impl CarePlanErrorKind {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownPlan => "careplan.unknown_plan",
            Self::PlanExists => "careplan.plan_exists",
            Self::UnknownItem { .. } => "careplan.unknown_item",
            Self::DuplicateItem { .. } => "careplan.duplicate_item",
            Self::InvalidId { .. } => "careplan.invalid_id",
            Self::EmptyText { .. } => "careplan.empty_text",
            Self::InvalidValue { .. } => "careplan.invalid_value",
            Self::UnknownWord { .. } => "careplan.unknown_word",
            Self::StaleVersion { .. } => "careplan.stale_version",
            Self::InvalidTransition { .. } => "careplan.invalid_transition",
            Self::PlanClosed { .. } => "careplan.plan_closed",
            Self::ReasonRequired { .. } => "careplan.reason_required",
            Self::ConsentEndsBeforeStart => "careplan.consent_ends_before_start",
            Self::ShareDenied { .. } => "careplan.share_denied",
            Self::UnsupportedSchemaVersion { .. } => "careplan.unsupported_schema_version",
            Self::CorruptRecord { .. } => "careplan.corrupt_record",
            Self::Storage { .. } => "careplan.storage",
        }
    }
}
