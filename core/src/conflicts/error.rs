//! Errors in appointments and diaries: each names the appointment id and the
//! field, never the patient or a time.

use std::fmt;

/// Why an appointment (or a diary operation) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentError {
    /// What is wrong.
    pub kind: AppointmentErrorKind,
    /// The appointment's id, where there is one (an id, not patient data).
    pub appointment: Option<String>,
}

impl AppointmentError {
    pub(crate) fn new(kind: AppointmentErrorKind, appointment: Option<&str>) -> Self {
        // An appointment id is repeated only when it has the shape of one.
        Self {
            kind,
            appointment: appointment.and_then(crate::diag::shown_id),
        }
    }

    /// The stable error code.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for AppointmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.appointment {
            Some(id) => write!(f, "appointment `{id}`: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for AppointmentError {}

/// Every way an appointment or diary operation can be refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppointmentErrorKind {
    /// An appointment with an empty id.
    #[error("the appointment id is empty")]
    EmptyId,
    /// `end` is not after `start`.
    #[error("`end` must be after `start`")]
    EndNotAfterStart,
    /// The location is not known to the diary.
    #[error("unknown location {}", crate::diag::quoted_id(location, "(not an id)"))]
    UnknownLocation {
        /// The location id given, when it has the shape of an id.
        location: Option<String>,
    },
    /// A resource is not known to the diary.
    #[error("unknown resource {}", crate::diag::quoted_id(resource, "(not an id)"))]
    UnknownResource {
        /// The resource id given, when it has the shape of an id.
        resource: Option<String>,
    },
    /// An appointment with this id is already in the diary.
    #[error("an appointment with this id is already in the diary")]
    DuplicateId,
    /// No appointment with this id is in the diary.
    #[error("no appointment with this id is in the diary")]
    UnknownAppointment,
    /// A word that is not one of the allowed values.
    #[error("`{field}` must be one of {allowed}")]
    InvalidValue {
        /// The field.
        field: &'static str,
        /// The allowed values.
        allowed: &'static str,
    },
    /// A location, resource or opening-hours definition that cannot be used.
    #[error("{message}")]
    InvalidSetup {
        /// What is wrong (about places and resources, never patients).
        message: String,
    },
    /// A table column that is missing or of the wrong type.
    #[error("{message}")]
    InvalidColumn {
        /// Which column and what was expected.
        message: String,
    },
    /// A booking with blocking conflicts and no override.
    #[error(
        "the booking has {conflicts} blocking conflict(s); book with an override (role and reason) to proceed"
    )]
    Blocked {
        /// How many blocking conflicts.
        conflicts: usize,
    },
    /// A constraint or sequencing rule that cannot be used.
    #[error("{message}")]
    InvalidConstraint {
        /// What is wrong.
        message: String,
    },
    /// A recurrence rule that cannot be expanded.
    #[error("recurrence: {message}")]
    InvalidRecurrence {
        /// What is wrong or not supported.
        message: String,
    },
    /// A local time of an occurrence that does not exist or happens twice
    /// in London (a daylight-saving change).
    #[error("an occurrence on {date} at {time} {problem} in Europe/London")]
    LocalTime {
        /// The occurrence's date.
        date: String,
        /// The wall time.
        time: String,
        /// Skipped (clocks go forward) or repeated (clocks go back).
        problem: LocalTimeProblem,
    },
    /// A block-severity conflict booked over without a recorded reason.
    #[error("a blocking conflict can be overridden only with a recorded reason (who and why)")]
    OverrideNeedsReason,
    /// A search for every clash went past its limit
    /// ([`MAX_CONFLICT_PAIRS`](super::MAX_CONFLICT_PAIRS)).
    #[error(
        "more than {limit} clashes (or overlapping pairs examined): check a shorter period or fewer resources at a time"
    )]
    TooManyConflicts {
        /// The limit.
        limit: usize,
    },
}

/// Why a Europe/London wall time cannot be turned into one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalTimeProblem {
    /// Clocks go forward over it: it does not exist.
    Skipped,
    /// Clocks go back over it: it happens twice.
    Repeated,
}

impl fmt::Display for LocalTimeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Skipped => "does not exist",
            Self::Repeated => "happens twice",
        })
    }
}

impl AppointmentErrorKind {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyId => "appointment.empty_id",
            Self::EndNotAfterStart => "appointment.end_not_after_start",
            Self::UnknownLocation { .. } => "appointment.unknown_location",
            Self::UnknownResource { .. } => "appointment.unknown_resource",
            Self::DuplicateId => "appointment.duplicate_id",
            Self::UnknownAppointment => "appointment.unknown_appointment",
            Self::InvalidValue { .. } => "appointment.invalid_value",
            Self::InvalidSetup { .. } => "appointment.invalid_setup",
            Self::InvalidColumn { .. } => "appointment.invalid_column",
            Self::OverrideNeedsReason => "appointment.override_needs_reason",
            Self::Blocked { .. } => "appointment.blocked",
            Self::InvalidRecurrence { .. } => "appointment.invalid_recurrence",
            Self::LocalTime { .. } => "appointment.local_time",
            Self::InvalidConstraint { .. } => "appointment.invalid_constraint",
            Self::TooManyConflicts { .. } => "appointment.too_many_conflicts",
        }
    }
}
