//! The one error type apps see, and the single place core errors map to it.

use carecoord::time::TimeError;
use carecoord::{Error, ErrorClass};

/// Every error carecoord raises. Each variant carries the stable `code`
/// (e.g. `time.invalid_date`, listed by `errorCatalogue()`) and a `detail`
/// message that says what was wrong and never holds patient data.
///
/// In Kotlin these are `CarecoordException.InvalidNhsNumber` and so on; in
/// Swift, `CarecoordError.invalidNhsNumber`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CarecoordError {
    /// Text that is not a valid NHS number.
    #[error("{detail}")]
    InvalidNhsNumber {
        /// Stable code, e.g. `nhs_number.check_digit_mismatch`.
        code: String,
        /// What was wrong, without the digits.
        detail: String,
    },
    /// A date or time that is not on the calendar, or not of the expected form.
    #[error("{detail}")]
    InvalidDate {
        /// Stable code, e.g. `time.invalid_date`.
        code: String,
        /// What was wrong and in which field.
        detail: String,
    },
    /// Other malformed input.
    #[error("{detail}")]
    InvalidInput {
        /// Stable code.
        code: String,
        /// What was wrong and where.
        detail: String,
    },
    /// A Europe/London wall time skipped when clocks go forward.
    #[error("{detail}")]
    NonexistentLocalTime {
        /// `time.nonexistent_local_time`.
        code: String,
        /// Which wall time.
        detail: String,
    },
    /// A Europe/London wall time that happens twice when clocks go back.
    #[error("{detail}")]
    AmbiguousLocalTime {
        /// `time.ambiguous_local_time`.
        code: String,
        /// Which wall time.
        detail: String,
    },
    /// A rule file that cannot be loaded: says where, in the file's structure
    /// (`path`) and as line and column where known.
    #[error("{detail}")]
    InvalidRules {
        /// Stable code, e.g. `expr.unknown_field`.
        code: String,
        /// What was wrong.
        detail: String,
        /// Where in the file's structure, e.g. `rule[age].bands[2].when`.
        path: String,
        /// 1-based line, where known.
        line: Option<u32>,
        /// 1-based column, where known.
        column: Option<u32>,
        /// A hint such as "did you mean `age`?".
        help: Option<String>,
    },
    /// A record that does not fit a rule set's schema (names the field, never the value).
    #[error("{detail}")]
    InvalidRecord {
        /// Stable code, e.g. `record.missing_field`.
        code: String,
        /// What was wrong.
        detail: String,
    },
    /// A service directory that cannot be loaded: says where, as for rules.
    #[error("{detail}")]
    InvalidDirectory {
        /// Stable code, e.g. `directory.unknown_need`.
        code: String,
        /// What was wrong.
        detail: String,
        /// Where in the file's structure, e.g. `service[sp_north].needs[1]`.
        path: String,
        /// 1-based line, where known.
        line: Option<u32>,
        /// 1-based column, where known.
        column: Option<u32>,
        /// A hint such as "did you mean `debt`?".
        help: Option<String>,
    },
    /// A referral that cannot be routed (names the field, never the value).
    #[error("{detail}")]
    InvalidReferral {
        /// Stable code, e.g. `referral.unknown_need`.
        code: String,
        /// What was wrong.
        detail: String,
    },
    /// An appointment or diary operation that cannot be done (names the
    /// appointment id and field, never the patient).
    #[error("{detail}")]
    InvalidAppointment {
        /// Stable code, e.g. `appointment.end_not_after_start`.
        code: String,
        /// What was wrong.
        detail: String,
        /// The appointment's id, where there is one.
        appointment: Option<String>,
    },
    /// A care-plan change that cannot be made (unknown id, empty text, a
    /// closed plan, a consent ending before it starts, a missing reason).
    #[error("{detail}")]
    InvalidCarePlan {
        /// Stable code, e.g. `careplan.unknown_item`.
        code: String,
        /// What was wrong (ids and fields, never what the person said).
        detail: String,
        /// The plan's id, where there is one.
        plan: Option<String>,
    },
    /// A status change the FHIR CarePlan lifecycle does not allow.
    #[error("{detail}")]
    InvalidTransition {
        /// `careplan.invalid_transition`.
        code: String,
        /// What was wrong.
        detail: String,
        /// The plan's id.
        plan: Option<String>,
        /// The plan's status.
        from: crate::careplan::PlanStatus,
        /// The status asked for.
        to: crate::careplan::PlanStatus,
    },
    /// The plan changed since it was read: nothing was written. Reload and retry.
    #[error("{detail}")]
    StaleVersion {
        /// `careplan.stale_version`.
        code: String,
        /// What happened.
        detail: String,
        /// The plan's id.
        plan: Option<String>,
        /// The version the change was based on.
        expected: u64,
        /// The plan's version now.
        actual: u64,
    },
    /// The consent rules do not allow this share; nothing was recorded.
    #[error("{detail}")]
    ShareDenied {
        /// `careplan.share_denied`.
        code: String,
        /// Why, in words.
        detail: String,
        /// The plan's id.
        plan: Option<String>,
        /// The stable reason word, e.g. `no_consent`.
        reason: String,
    },
    /// A stored plan record that is damaged, from a newer carecoord, or a
    /// storage failure (`code` says which).
    #[error("{detail}")]
    Storage {
        /// `careplan.corrupt_record`, `careplan.unsupported_schema_version`
        /// or `careplan.storage`.
        code: String,
        /// Where and what kind of damage, never the content.
        detail: String,
        /// The plan's id, where there is one.
        plan: Option<String>,
    },
    /// Valid input outside the supported range (e.g. bank holidays before 1995).
    #[error("{detail}")]
    OutOfRange {
        /// Stable code, e.g. `time.year_out_of_range`.
        code: String,
        /// What was out of range.
        detail: String,
    },
}

impl From<Error> for CarecoordError {
    /// One case per class the core gives the error (the three storage
    /// classes share one case); the details each case carries come from the
    /// error itself.
    fn from(err: Error) -> Self {
        let (code, detail) = (err.code().to_owned(), err.to_string());
        match (err.class(), err) {
            (_, Error::Rules(e)) => Self::InvalidRules {
                code,
                detail,
                path: e.path.clone(),
                line: e.location.and_then(|l| u32::try_from(l.line).ok()),
                column: e.location.and_then(|l| u32::try_from(l.column).ok()),
                help: e.help(),
            },
            (_, Error::Directory(e)) => Self::InvalidDirectory {
                code,
                detail,
                path: e.path.clone(),
                line: e.location.and_then(|l| u32::try_from(l.line).ok()),
                column: e.location.and_then(|l| u32::try_from(l.column).ok()),
                help: e.help(),
            },
            (ErrorClass::InvalidAppointment, Error::Appointment(e)) => Self::InvalidAppointment {
                code,
                detail,
                appointment: e.appointment.clone(),
            },
            (class, Error::CarePlan(e)) => {
                use carecoord::careplan::CarePlanErrorKind as K;
                let plan = e.plan.clone();
                match (class, e.kind) {
                    (_, K::InvalidTransition { from, to }) => Self::InvalidTransition {
                        code,
                        detail,
                        plan,
                        from,
                        to,
                    },
                    (_, K::StaleVersion { expected, actual }) => Self::StaleVersion {
                        code,
                        detail,
                        plan,
                        expected,
                        actual,
                    },
                    (_, K::ShareDenied { reason, .. }) => Self::ShareDenied {
                        code,
                        detail,
                        plan,
                        reason: reason.to_owned(),
                    },
                    (
                        ErrorClass::CorruptRecord
                        | ErrorClass::UnsupportedSchemaVersion
                        | ErrorClass::Storage,
                        _,
                    ) => Self::Storage { code, detail, plan },
                    _ => Self::InvalidCarePlan { code, detail, plan },
                }
            }
            (class, _) => match class {
                ErrorClass::InvalidNhsNumber => Self::InvalidNhsNumber { code, detail },
                ErrorClass::InvalidRecord => Self::InvalidRecord { code, detail },
                ErrorClass::InvalidReferral => Self::InvalidReferral { code, detail },
                ErrorClass::NonexistentLocalTime => Self::NonexistentLocalTime { code, detail },
                ErrorClass::AmbiguousLocalTime => Self::AmbiguousLocalTime { code, detail },
                ErrorClass::InvalidDate => Self::InvalidDate { code, detail },
                ErrorClass::OutOfRange => Self::OutOfRange { code, detail },
                _ => Self::InvalidInput { code, detail },
            },
        }
    }
}

impl From<carecoord::ids::NhsNumberError> for CarecoordError {
    fn from(err: carecoord::ids::NhsNumberError) -> Self {
        Error::from(err).into()
    }
}

impl From<TimeError> for CarecoordError {
    fn from(err: TimeError) -> Self {
        Error::from(err).into()
    }
}

/// One entry of the error catalogue.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorCodeInfo {
    /// The stable code.
    pub code: String,
    /// What it means.
    pub summary: String,
}

/// Every error code carecoord can raise, with what it means.
#[uniffi::export]
pub fn error_catalogue() -> Vec<ErrorCodeInfo> {
    carecoord::error::catalogue()
        .iter()
        .map(|c| ErrorCodeInfo {
            code: c.code.to_owned(),
            summary: c.summary.to_owned(),
        })
        .collect()
}

impl From<carecoord::caseload::RuleError> for CarecoordError {
    fn from(err: carecoord::caseload::RuleError) -> Self {
        Error::from(err).into()
    }
}

impl From<carecoord::caseload::RecordError> for CarecoordError {
    fn from(err: carecoord::caseload::RecordError) -> Self {
        Error::from(err).into()
    }
}

impl From<carecoord::routing::DirectoryError> for CarecoordError {
    fn from(err: carecoord::routing::DirectoryError) -> Self {
        Error::from(err).into()
    }
}

impl From<carecoord::routing::ReferralError> for CarecoordError {
    fn from(err: carecoord::routing::ReferralError) -> Self {
        Error::from(err).into()
    }
}

impl From<carecoord::registry::RegistryError> for CarecoordError {
    fn from(err: carecoord::registry::RegistryError) -> Self {
        Error::from(err).into()
    }
}

impl From<carecoord::conflicts::AppointmentError> for CarecoordError {
    fn from(err: carecoord::conflicts::AppointmentError) -> Self {
        Error::from(err).into()
    }
}
