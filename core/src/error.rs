//! The crate-wide error and its catalogue of stable codes.
//!
//! Each module has its own error enum; [`Error`] folds them together so a
//! caller using several modules can use `?` throughout. Every error has a
//! stable [`code`](Error::code) (e.g. `nhs_number.check_digit_mismatch`) that
//! tests, other languages and support staff can rely on; messages may be
//! reworded, codes may not. No message holds patient data.

use crate::argument::{ArgumentError, ArgumentProblem};
use crate::careplan::CarePlanError;
use crate::caseload::{RecordError, RuleError};
use crate::conflicts::AppointmentError;
use crate::ids::NhsNumberError;
use crate::registry::RegistryError;
use crate::routing::{DirectoryError, ReferralError};
use crate::time::TimeError;

/// Any error carecoord returns.
///
/// ```
/// use carecoord::{Error, ErrorKind, ids::NhsNumber};
///
/// let err: Error = NhsNumber::parse("943 476 5918").unwrap_err().into();
/// assert_eq!(err.code(), "nhs_number.check_digit_mismatch");
/// assert_eq!(err.kind(), ErrorKind::InvalidInput);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An NHS number that is not valid.
    #[error(transparent)]
    NhsNumber(#[from] NhsNumberError),
    /// A date or time that cannot be used.
    #[error(transparent)]
    Time(#[from] TimeError),
    /// A rule file that cannot be loaded.
    #[error(transparent)]
    Rules(#[from] RuleError),
    /// A row that does not fit the rule set's schema.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A service directory that cannot be loaded (boxed: it carries a path
    /// and location, and errors should stay small to move).
    #[error(transparent)]
    Directory(Box<DirectoryError>),
    /// A referral that cannot be routed.
    #[error(transparent)]
    Referral(#[from] ReferralError),
    /// An appointment or diary operation that cannot be done.
    #[error(transparent)]
    Appointment(#[from] AppointmentError),
    /// A care-plan command, share, record or store operation refused.
    #[error(transparent)]
    CarePlan(#[from] CarePlanError),
    /// A second version of a rule set or directory starting the same day.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// A caller's value a binding could not translate (too large, not
    /// Unicode, of the wrong type, missing). Boxed, as `Directory`.
    #[error(transparent)]
    Argument(Box<ArgumentError>),
}

impl From<ArgumentError> for Error {
    fn from(e: ArgumentError) -> Self {
        Self::Argument(Box::new(e))
    }
}

impl From<DirectoryError> for Error {
    fn from(e: DirectoryError) -> Self {
        Self::Directory(Box::new(e))
    }
}

/// The coarse class of an error: what a caller can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is malformed or impossible: fix the input.
    InvalidInput,
    /// A local time that daylight saving makes missing or doubled: choose how
    /// to resolve it, or ask the person.
    LocalTime,
    /// Valid input outside the range the library supports.
    OutOfRange,
    /// A rule file (or other configuration a person wrote) that cannot be
    /// loaded: fix the file at the line and column given.
    InvalidRules,
    /// Someone else changed the record first: reload it and try again.
    Conflict,
    /// Allowed input that a rule refuses (sharing without a basis): the
    /// reason says what would make it allowed.
    Denied,
    /// Stored data is damaged, written by a newer carecoord, or the storage
    /// layer failed.
    Storage,
}

impl ErrorKind {
    /// A stable machine name: `invalid_input`, `local_time`, `out_of_range`,
    /// `invalid_rules`, `conflict`, `denied`, `storage`.
    pub fn key(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::LocalTime => "local_time",
            Self::OutOfRange => "out_of_range",
            Self::InvalidRules => "invalid_rules",
            Self::Conflict => "conflict",
            Self::Denied => "denied",
            Self::Storage => "storage",
        }
    }
}

impl Error {
    /// The stable code of this error, one of [`catalogue`].
    pub fn code(&self) -> &'static str {
        match self {
            Self::NhsNumber(e) => e.code(),
            Self::Time(e) => e.code(),
            Self::Rules(e) => e.code(),
            Self::Record(e) => e.code(),
            Self::Directory(e) => e.code(),
            Self::Referral(e) => e.code(),
            Self::Appointment(e) => e.code(),
            Self::CarePlan(e) => e.code(),
            Self::Registry(e) => e.code(),
            Self::Argument(e) => e.code(),
        }
    }

    /// The coarse class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::NhsNumber(_) => ErrorKind::InvalidInput,
            Self::Time(
                TimeError::NonexistentLocalTime { .. } | TimeError::AmbiguousLocalTime { .. },
            ) => ErrorKind::LocalTime,
            Self::Time(TimeError::YearOutOfRange { .. } | TimeError::InstantOutOfRange { .. }) => {
                ErrorKind::OutOfRange
            }
            Self::Time(_) => ErrorKind::InvalidInput,
            Self::Rules(_) => ErrorKind::InvalidRules,
            Self::Record(_) => ErrorKind::InvalidInput,
            Self::Directory(_) => ErrorKind::InvalidRules,
            Self::Referral(_) => ErrorKind::InvalidInput,
            Self::Appointment(AppointmentError {
                kind: crate::conflicts::AppointmentErrorKind::LocalTime { .. },
                ..
            }) => ErrorKind::LocalTime,
            Self::Appointment(_) => ErrorKind::InvalidInput,
            Self::CarePlan(e) => match e.kind {
                crate::careplan::CarePlanErrorKind::StaleVersion { .. } => ErrorKind::Conflict,
                crate::careplan::CarePlanErrorKind::ShareDenied { .. } => ErrorKind::Denied,
                crate::careplan::CarePlanErrorKind::UnsupportedSchemaVersion { .. }
                | crate::careplan::CarePlanErrorKind::CorruptRecord { .. }
                | crate::careplan::CarePlanErrorKind::Storage { .. } => ErrorKind::Storage,
                _ => ErrorKind::InvalidInput,
            },
            Self::Registry(_) => ErrorKind::InvalidInput,
            Self::Argument(e) => match e.problem {
                ArgumentProblem::OutOfRange { .. } | ArgumentProblem::NumberTooLarge => {
                    ErrorKind::OutOfRange
                }
                _ => ErrorKind::InvalidInput,
            },
        }
    }

    /// The class of this error: the exception (Python) or error case (Kotlin,
    /// Swift) it is raised as. Deciding it here keeps the bindings from
    /// classifying errors themselves (and from doing it differently).
    ///
    /// ```
    /// use carecoord::error::ErrorClass;
    /// use carecoord::time::{from_london, Disambiguation};
    /// use chrono::NaiveDate;
    ///
    /// let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(1, 30, 0).unwrap();
    /// let err: carecoord::Error = from_london(autumn, Disambiguation::Reject).unwrap_err().into();
    /// assert_eq!(err.class(), ErrorClass::AmbiguousLocalTime);
    /// ```
    pub fn class(&self) -> ErrorClass {
        use crate::careplan::CarePlanErrorKind as P;
        use crate::conflicts::{AppointmentErrorKind as A, LocalTimeProblem};
        match self {
            Self::NhsNumber(_) => ErrorClass::InvalidNhsNumber,
            Self::Rules(_) => ErrorClass::InvalidRules,
            Self::Record(_) => ErrorClass::InvalidRecord,
            Self::Directory(_) => ErrorClass::InvalidDirectory,
            Self::Referral(_) => ErrorClass::InvalidReferral,
            Self::Appointment(e) => match e.kind {
                A::LocalTime {
                    problem: LocalTimeProblem::Repeated,
                    ..
                } => ErrorClass::AmbiguousLocalTime,
                A::LocalTime {
                    problem: LocalTimeProblem::Skipped,
                    ..
                } => ErrorClass::NonexistentLocalTime,
                _ => ErrorClass::InvalidAppointment,
            },
            Self::CarePlan(e) => match e.kind {
                P::StaleVersion { .. } => ErrorClass::StaleVersion,
                P::InvalidTransition { .. } => ErrorClass::InvalidTransition,
                P::ShareDenied { .. } => ErrorClass::ShareDenied,
                P::UnsupportedSchemaVersion { .. } => ErrorClass::UnsupportedSchemaVersion,
                P::CorruptRecord { .. } => ErrorClass::CorruptRecord,
                P::Storage { .. } => ErrorClass::Storage,
                _ => ErrorClass::InvalidCarePlan,
            },
            Self::Time(TimeError::MissingOffset { .. }) => ErrorClass::NaiveDatetime,
            Self::Time(TimeError::NonexistentLocalTime { .. }) => ErrorClass::NonexistentLocalTime,
            Self::Time(TimeError::AmbiguousLocalTime { .. }) => ErrorClass::AmbiguousLocalTime,
            Self::Time(
                TimeError::InvalidDate { .. }
                | TimeError::InvalidTime { .. }
                | TimeError::InvalidFormat { .. },
            ) => ErrorClass::InvalidDate,
            Self::Argument(e) if matches!(e.problem, ArgumentProblem::WrongType { .. }) => {
                ErrorClass::WrongType
            }
            other => match other.kind() {
                ErrorKind::OutOfRange => ErrorClass::OutOfRange,
                _ => ErrorClass::InvalidInput,
            },
        }
    }
}

/// The class of an error, one per exception type the bindings raise; see
/// [`Error::class`]. Each binding maps it one to one (Kotlin and Swift fold
/// the three storage classes into one case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// Not a valid NHS number.
    InvalidNhsNumber,
    /// A rule file that cannot be loaded.
    InvalidRules,
    /// A row that does not fit a rule set's schema.
    InvalidRecord,
    /// A service directory that cannot be loaded.
    InvalidDirectory,
    /// A referral that cannot be routed.
    InvalidReferral,
    /// An appointment or diary operation that cannot be done.
    InvalidAppointment,
    /// A care-plan command that cannot be done.
    InvalidCarePlan,
    /// A lifecycle change the plan's status does not allow.
    InvalidTransition,
    /// Someone else changed the plan first.
    StaleVersion,
    /// Sharing refused for want of a basis.
    ShareDenied,
    /// Stored data written by a newer carecoord.
    UnsupportedSchemaVersion,
    /// Stored data that is damaged or was edited.
    CorruptRecord,
    /// The storage layer failed.
    Storage,
    /// A Europe/London wall time that happens twice.
    AmbiguousLocalTime,
    /// A Europe/London wall time that is skipped.
    NonexistentLocalTime,
    /// A date-time without an offset where an instant is needed.
    NaiveDatetime,
    /// Not a date or time on the calendar, or not ISO 8601.
    InvalidDate,
    /// Valid input outside the range supported.
    OutOfRange,
    /// A value of the wrong type for a parameter.
    WrongType,
    /// Any other bad input.
    InvalidInput,
}

/// One entry of the error catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The stable code.
    pub code: &'static str,
    /// What it means, for documentation and support.
    pub summary: &'static str,
}

const CATALOGUE: &[CodeInfo] = &[
    CodeInfo {
        code: "argument.wrong_type",
        summary: "A value of another type than the parameter takes.",
    },
    CodeInfo {
        code: "argument.out_of_range",
        summary: "A number outside the range the parameter takes.",
    },
    CodeInfo {
        code: "argument.number_too_large",
        summary: "A number too large to represent as a floating-point value.",
    },
    CodeInfo {
        code: "argument.invalid_text",
        summary: "Text that is not valid Unicode (a lone surrogate).",
    },
    CodeInfo {
        code: "argument.missing",
        summary: "A required key or field was not given.",
    },
    CodeInfo {
        code: "registry.duplicate_version",
        summary: "A version of this name already starts on the same day.",
    },
    CodeInfo {
        code: "nhs_number.empty",
        summary: "No NHS number was given.",
    },
    CodeInfo {
        code: "nhs_number.wrong_length",
        summary: "An NHS number must have exactly ten digits.",
    },
    CodeInfo {
        code: "nhs_number.invalid_character",
        summary: "Only digits, and spaces or hyphens between 3-3-4 groups, may appear.",
    },
    CodeInfo {
        code: "nhs_number.misplaced_separator",
        summary: "Separators may stand only between the 3-3-4 groups, all of one kind.",
    },
    CodeInfo {
        code: "nhs_number.check_digit_mismatch",
        summary: "The tenth digit is not the Modulus 11 check digit: the number is mistyped.",
    },
    CodeInfo {
        code: "nhs_number.check_digit_ten",
        summary: "The first nine digits give a check digit of 10; no such number is issued.",
    },
    CodeInfo {
        code: "time.nonexistent_local_time",
        summary: "The Europe/London wall time is skipped when clocks go forward.",
    },
    CodeInfo {
        code: "time.ambiguous_local_time",
        summary: "The Europe/London wall time happens twice when clocks go back.",
    },
    CodeInfo {
        code: "time.year_out_of_range",
        summary: "Bank holidays are known for 1995 to 2100 only.",
    },
    CodeInfo {
        code: "time.invalid_date",
        summary: "Year, month and day do not make a calendar date.",
    },
    CodeInfo {
        code: "time.invalid_time",
        summary: "Hour, minute and second do not make a time of day.",
    },
    CodeInfo {
        code: "time.instant_out_of_range",
        summary: "The instant is outside the representable range.",
    },
    CodeInfo {
        code: "time.missing_offset",
        summary: "A date-time without a UTC offset was given where an instant is needed.",
    },
    CodeInfo {
        code: "time.unknown_word",
        summary: "A word that is not one of the words the field takes.",
    },
    CodeInfo {
        code: "time.aware_wall_time",
        summary: "A date-time with a zone was given where a Europe/London wall time is needed.",
    },
    CodeInfo {
        code: "time.invalid_format",
        summary: "The text is not an ISO 8601 date or time of the expected form.",
    },
    CodeInfo {
        code: "expr.empty",
        summary: "A rule expression is empty.",
    },
    CodeInfo {
        code: "expr.unexpected_character",
        summary: "A character that is not part of the rule language.",
    },
    CodeInfo {
        code: "expr.single_equals",
        summary: "`=` was written where `==` compares.",
    },
    CodeInfo {
        code: "expr.unterminated_string",
        summary: "A quoted string has no closing quote.",
    },
    CodeInfo {
        code: "expr.bad_escape",
        summary: "An unknown backslash escape in a string.",
    },
    CodeInfo {
        code: "expr.bad_number",
        summary: "A number that cannot be read or is too large.",
    },
    CodeInfo {
        code: "expr.bad_date_literal",
        summary: "A date literal that is not date(\"YYYY-MM-DD\") with a real date.",
    },
    CodeInfo {
        code: "expr.unexpected_token",
        summary: "Something else was expected at this point of the expression.",
    },
    CodeInfo {
        code: "expr.unexpected_end",
        summary: "The expression stops too early.",
    },
    CodeInfo {
        code: "expr.too_deep",
        summary: "The expression nests too deeply (brackets and chained operators together).",
    },
    CodeInfo {
        code: "expr.too_large",
        summary: "The expression has more tokens than the limit.",
    },
    CodeInfo {
        code: "expr.unknown_field",
        summary: "A name that is not a field of the schema.",
    },
    CodeInfo {
        code: "expr.unknown_function",
        summary: "A name that is not a function of the rule language.",
    },
    CodeInfo {
        code: "expr.unknown_enum_value",
        summary: "A string compared with an enum field is not one of its values.",
    },
    CodeInfo {
        code: "expr.type_mismatch",
        summary: "Operand types do not fit the operator or function.",
    },
    CodeInfo {
        code: "expr.wrong_argument_count",
        summary: "A function was called with the wrong number of arguments.",
    },
    CodeInfo {
        code: "expr.not_a_condition",
        summary: "A condition is not true/false.",
    },
    CodeInfo {
        code: "rules.syntax",
        summary: "The rule file is not valid TOML/JSON or does not fit the rule-file model.",
    },
    CodeInfo {
        code: "rules.unknown_type",
        summary: "A field is declared with a type the rule language does not have.",
    },
    CodeInfo {
        code: "rules.invalid_field",
        summary: "A field declaration is inconsistent (e.g. an enum without values).",
    },
    CodeInfo {
        code: "rules.invalid_role",
        summary: "The schema's id or safeguarding field is missing or of the wrong type.",
    },
    CodeInfo {
        code: "rules.duplicate_id",
        summary: "Two rules, overrides, tiers, tests or fields share an id.",
    },
    CodeInfo {
        code: "rules.unknown_tier",
        summary: "An override names a tier that is not declared.",
    },
    CodeInfo {
        code: "rules.invalid_tiers",
        summary: "Tiers are missing, or some tier can never be reached.",
    },
    CodeInfo {
        code: "rules.invalid_rule",
        summary: "A rule lacks a condition, points or reason, or has both when and bands.",
    },
    CodeInfo {
        code: "rules.unreachable_band",
        summary: "A band can never be chosen because an earlier band always matches first.",
    },
    CodeInfo {
        code: "rules.missing_safeguarding_override",
        summary: "No override sends every safeguarding-flagged patient to the top tier.",
    },
    CodeInfo {
        code: "rules.invalid_test_row",
        summary: "A [[test]] row does not fit the schema.",
    },
    CodeInfo {
        code: "record.missing_field",
        summary: "A field is missing or null but the schema does not allow null.",
    },
    CodeInfo {
        code: "record.wrong_type",
        summary: "A value has the wrong type for its field.",
    },
    CodeInfo {
        code: "record.unknown_enum_value",
        summary: "An enum field holds a value that is not one of its values.",
    },
    CodeInfo {
        code: "record.missing_column",
        summary: "A table lacks a column the rules read.",
    },
    CodeInfo {
        code: "record.wrong_column_type",
        summary: "A table column's type does not match the schema.",
    },
    CodeInfo {
        code: "directory.syntax",
        summary: "A directory file is not valid TOML/JSON or does not fit the directory model.",
    },
    CodeInfo {
        code: "directory.duplicate_id",
        summary: "Two services or needs in a directory share an id.",
    },
    CodeInfo {
        code: "directory.unknown_need",
        summary: "A service names a need that is neither built in nor declared with [[need]].",
    },
    CodeInfo {
        code: "directory.unknown_service",
        summary: "An escalation names a service that is not in the directory.",
    },
    CodeInfo {
        code: "directory.no_safeguarding_lead",
        summary: "A directory must name its safeguarding clinical lead.",
    },
    CodeInfo {
        code: "directory.contradictory_eligibility",
        summary: "A service's eligibility accepts no one or contradicts itself.",
    },
    CodeInfo {
        code: "directory.malformed_area",
        summary: "A catchment's postcode district, PCN or practice code is not well formed.",
    },
    CodeInfo {
        code: "directory.invalid_hours",
        summary: "Opening days or hours that cannot be read.",
    },
    CodeInfo {
        code: "directory.invalid",
        summary: "A directory entry that cannot be used (see the message).",
    },
    CodeInfo {
        code: "referral.empty_id",
        summary: "A referral without an id.",
    },
    CodeInfo {
        code: "referral.impossible_age",
        summary: "A referral's age is not between 0 and 130.",
    },
    CodeInfo {
        code: "referral.malformed_area",
        summary: "A referral's postcode district, PCN or practice code is not well formed.",
    },
    CodeInfo {
        code: "referral.unknown_need",
        summary: "A referral names a need the directory does not know.",
    },
    CodeInfo {
        code: "referral.no_needs",
        summary: "A referral names no needs.",
    },
    CodeInfo {
        code: "referral.invalid_value",
        summary: "A referral's sex, urgency or consent is not one of the allowed words.",
    },
    CodeInfo {
        code: "referral.unknown_field",
        summary: "A referral carries an extra field the directory does not declare.",
    },
    CodeInfo {
        code: "referral.internal",
        summary: "A fault inside the library while routing a batch: please report it.",
    },
    CodeInfo {
        code: "referral.date_out_of_range",
        summary: "A referral dated outside 1995-2100, whose bank holidays are known.",
    },
    CodeInfo {
        code: "appointment.empty_id",
        summary: "An appointment without an id.",
    },
    CodeInfo {
        code: "appointment.end_not_after_start",
        summary: "An appointment whose end is not after its start.",
    },
    CodeInfo {
        code: "appointment.unknown_location",
        summary: "An appointment at a location the diary does not know.",
    },
    CodeInfo {
        code: "appointment.unknown_resource",
        summary: "An appointment using a resource the diary does not know.",
    },
    CodeInfo {
        code: "appointment.duplicate_id",
        summary: "An appointment id already in the diary.",
    },
    CodeInfo {
        code: "appointment.unknown_appointment",
        summary: "No appointment with that id is in the diary.",
    },
    CodeInfo {
        code: "appointment.invalid_value",
        summary: "A status or travel mode that is not one of the allowed words.",
    },
    CodeInfo {
        code: "appointment.invalid_setup",
        summary: "A location, resource or opening hours that cannot be used.",
    },
    CodeInfo {
        code: "appointment.invalid_column",
        summary: "A table column for appointments that is missing or of the wrong type.",
    },
    CodeInfo {
        code: "appointment.invalid_recurrence",
        summary: "A recurrence rule that is malformed or uses a part not supported.",
    },
    CodeInfo {
        code: "appointment.local_time",
        summary: "An occurrence's London wall time is skipped or doubled by a clock change.",
    },
    CodeInfo {
        code: "appointment.blocked",
        summary: "A booking with blocking conflicts and no override.",
    },
    CodeInfo {
        code: "appointment.invalid_constraint",
        summary: "A patient constraint or sequencing rule that cannot be used.",
    },
    CodeInfo {
        code: "appointment.too_many_conflicts",
        summary: "A search for every clash went past its limit of clashes.",
    },
    CodeInfo {
        code: "appointment.override_needs_reason",
        summary: "A blocking conflict overridden without a recorded reason.",
    },
    CodeInfo {
        code: "careplan.unknown_plan",
        summary: "No care plan with this id is in the store.",
    },
    CodeInfo {
        code: "careplan.plan_exists",
        summary: "A care plan with this id already exists.",
    },
    CodeInfo {
        code: "careplan.unknown_item",
        summary: "The plan holds no goal, action, support person, risk or consent with this id.",
    },
    CodeInfo {
        code: "careplan.duplicate_item",
        summary: "An id given for a new item (or a link) is already used in the plan.",
    },
    CodeInfo {
        code: "careplan.invalid_id",
        summary: "Ids are 1-64 letters, digits or -_.: (never free text).",
    },
    CodeInfo {
        code: "careplan.empty_text",
        summary: "A required free-text field is empty.",
    },
    CodeInfo {
        code: "careplan.invalid_value",
        summary: "A value outside its allowed range, or a command that changes nothing.",
    },
    CodeInfo {
        code: "careplan.unknown_word",
        summary: "A word not in its vocabulary (status, role, section, template...).",
    },
    CodeInfo {
        code: "careplan.stale_version",
        summary: "The plan changed since the command's version was read; nothing was written.",
    },
    CodeInfo {
        code: "careplan.invalid_transition",
        summary: "A status change the FHIR CarePlan lifecycle does not allow (from -> to).",
    },
    CodeInfo {
        code: "careplan.plan_closed",
        summary: "A completed, revoked or entered-in-error plan cannot be edited.",
    },
    CodeInfo {
        code: "careplan.reason_required",
        summary: "Revoking, marking an agreed plan entered-in-error, or a safeguarding share needs a reason.",
    },
    CodeInfo {
        code: "careplan.consent_ends_before_start",
        summary: "A consent must end after it starts.",
    },
    CodeInfo {
        code: "careplan.share_denied",
        summary: "The consent rules do not allow this share; nothing was recorded.",
    },
    CodeInfo {
        code: "careplan.unsupported_schema_version",
        summary: "A record written by a newer carecoord: upgrade to read it.",
    },
    CodeInfo {
        code: "careplan.corrupt_record",
        summary: "A stored or sent plan record is damaged or does not replay.",
    },
    CodeInfo {
        code: "careplan.storage",
        summary: "The storage layer (disk, lock, SQLite) failed.",
    },
];

/// Every error code carecoord can return, with what it means.
///
/// ```
/// let codes: Vec<_> = carecoord::error::catalogue().iter().map(|c| c.code).collect();
/// assert!(codes.contains(&"time.nonexistent_local_time"));
/// ```
pub fn catalogue() -> &'static [CodeInfo] {
    CATALOGUE
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn every_variant() -> Vec<Error> {
        let t = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        vec![
            NhsNumberError::Empty.into(),
            NhsNumberError::WrongLength { digits: 3 }.into(),
            NhsNumberError::InvalidCharacter { position: 1 }.into(),
            NhsNumberError::MisplacedSeparator { position: 1 }.into(),
            NhsNumberError::CheckDigitMismatch.into(),
            NhsNumberError::CheckDigitTen.into(),
            TimeError::NonexistentLocalTime { local: t }.into(),
            TimeError::AmbiguousLocalTime { local: t }.into(),
            TimeError::YearOutOfRange { year: 1 }.into(),
            TimeError::InvalidDate { field: "f" }.into(),
            TimeError::InvalidTime { field: "f" }.into(),
            TimeError::InstantOutOfRange { field: "f" }.into(),
            TimeError::MissingOffset { field: "f" }.into(),
            TimeError::InvalidFormat {
                field: "f",
                expected: "x",
            }
            .into(),
        ]
    }

    /// Every `=> "module.code"` arm in the sources that define `code()`, so a
    /// new variant cannot be added without cataloguing it.
    fn codes_in_source() -> Vec<String> {
        let sources = [
            include_str!("ids/nhs_number.rs"),
            include_str!("time/mod.rs"),
            include_str!("expr/error.rs"),
            include_str!("caseload/error.rs"),
            include_str!("routing/error.rs"),
            include_str!("conflicts/error.rs"),
            include_str!("careplan/error.rs"),
            include_str!("argument.rs"),
            include_str!("registry.rs"),
        ];
        let mut codes = Vec::new();
        for source in sources {
            for piece in source.split("=> \"").skip(1) {
                let code: String = piece.chars().take_while(|c| *c != '"').collect();
                if code.contains('.')
                    && code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                {
                    codes.push(code);
                }
            }
        }
        codes
    }

    #[test]
    fn every_code_in_the_source_is_catalogued() {
        let codes = codes_in_source();
        assert_eq!(codes.len(), CATALOGUE.len());
        for code in codes {
            assert!(
                CATALOGUE.iter().any(|c| c.code == code),
                "{code} is not catalogued"
            );
        }
    }

    #[test]
    fn every_code_is_catalogued_once() {
        for e in every_variant() {
            assert_eq!(
                CATALOGUE.iter().filter(|c| c.code == e.code()).count(),
                1,
                "{}",
                e.code()
            );
        }
    }
}
