//! The core's side of the Kotlin and Swift bindings (the `uniffi` feature):
//! the error type apps see and the one place core errors map to it, and how
//! dates, instants and free text cross the boundary. The value types of the
//! capability modules derive uniffi's traits where they are defined.
//!
//! A date or instant a caller sends that cannot be used (30 February, an
//! instant past the representable range) is refused as the caller's
//! [`CarecoordError`], not as an internal error: uniffi hands a conversion
//! error of the function's own error type back as that error.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::careplan::{PatientRef, Text};
use crate::time::TimeError;
use crate::{Error, ErrorClass};

/// A calendar date. Built from any three numbers; an impossible date (30
/// February) is refused with `InvalidDate` where it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct CalendarDate {
    /// The year, e.g. 2026.
    pub year: i32,
    /// The month, 1–12.
    pub month: i32,
    /// The day of the month, 1–31.
    pub day: i32,
}

impl CalendarDate {
    /// The date, or `time.invalid_date` naming `field`.
    pub fn to_date(self, field: &'static str) -> Result<NaiveDate, TimeError> {
        let part = |v: i32| u32::try_from(v).ok();
        match (part(self.month), part(self.day)) {
            (Some(month), Some(day)) => crate::time::date(self.year, month, day, field),
            _ => Err(TimeError::InvalidDate { field }),
        }
    }
}

impl From<NaiveDate> for CalendarDate {
    fn from(d: NaiveDate) -> Self {
        // Month and day always fit an i32.
        let small = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        Self {
            year: d.year(),
            month: small(d.month()),
            day: small(d.day()),
        }
    }
}

/// A conversion error uniffi hands back as the function's `CarecoordError`.
fn refused(e: impl Into<Error>) -> uniffi::deps::anyhow::Error {
    uniffi::deps::anyhow::Error::new(CarecoordError::from(e.into()))
}

/// A calendar date: chrono's `NaiveDate`, named for uniffi. Kotlin and Swift
/// see a [`CalendarDate`] record.
pub type IsoDate = NaiveDate;

uniffi::custom_type!(IsoDate, CalendarDate, {
    remote,
    lower: |d| CalendarDate::from(d),
    try_lift: |c| c.to_date("date").map_err(refused),
});

/// A UTC instant: chrono's `DateTime<Utc>`, named once for uniffi (whose
/// custom types are single names). Kotlin sees a `java.time.Instant`, Swift a
/// `Date`.
pub type UtcInstant = DateTime<Utc>;

uniffi::custom_type!(UtcInstant, SystemTime, {
    remote,
    // Every chrono instant (years up to 262,143) fits a SystemTime.
    lower: |t| system_time(t).unwrap_or(UNIX_EPOCH),
    try_lift: |t| instant(t, "instant").map_err(refused),
});

/// An opaque reference to the patient ([`PatientRef`]); a string across the
/// boundary.
pub type PatientReference = PatientRef;

uniffi::custom_type!(PatientReference, String, {
    lower: |p| p.as_str().to_owned(),
    try_lift: |s| Ok(PatientRef::new(s)),
});

/// Free text a person wrote ([`Text`]), named for uniffi so that it cannot
/// shadow SwiftUI's `Text`. Kotlin and Swift see a string.
pub type FreeText = Text;

uniffi::custom_type!(FreeText, String, {
    lower: |t| t.as_str().to_owned(),
    try_lift: |s| Ok(Text::new(s)),
});

/// A `SystemTime` as a UTC instant, or `time.instant_out_of_range`.
pub fn instant(t: SystemTime, field: &'static str) -> Result<DateTime<Utc>, TimeError> {
    let out_of_range = TimeError::InstantOutOfRange { field };
    let (secs, nanos) = match t.duration_since(UNIX_EPOCH) {
        Ok(after) => (
            i64::try_from(after.as_secs()).map_err(|_| out_of_range.clone())?,
            after.subsec_nanos(),
        ),
        Err(before) => {
            let before = before.duration();
            let secs = i64::try_from(before.as_secs()).map_err(|_| out_of_range.clone())?;
            match before.subsec_nanos() {
                0 => (-secs, 0),
                n => (-secs - 1, 1_000_000_000 - n),
            }
        }
    };
    DateTime::from_timestamp(secs, nanos).ok_or(out_of_range)
}

/// A UTC instant as a `SystemTime`.
pub fn system_time(t: DateTime<Utc>) -> Result<SystemTime, TimeError> {
    let out_of_range = TimeError::InstantOutOfRange { field: "result" };
    let secs = t.timestamp();
    let whole = Duration::from_secs(secs.unsigned_abs());
    let base = if secs >= 0 {
        UNIX_EPOCH.checked_add(whole)
    } else {
        UNIX_EPOCH.checked_sub(whole)
    };
    base.and_then(|b| b.checked_add(Duration::from_nanos(u64::from(t.timestamp_subsec_nanos()))))
        .ok_or(out_of_range)
}

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
                use crate::careplan::CarePlanErrorKind as K;
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

macro_rules! via_error {
    ($($source:ty),+ $(,)?) => {$(
        impl From<$source> for CarecoordError {
            fn from(err: $source) -> Self {
                Error::from(err).into()
            }
        }
    )+};
}

via_error!(
    crate::careplan::CarePlanError,
    crate::argument::ArgumentError,
    crate::ids::NhsNumberError,
    TimeError,
    crate::caseload::RuleError,
    crate::caseload::RecordError,
    crate::routing::DirectoryError,
    crate::routing::ReferralError,
    crate::registry::RegistryError,
    crate::conflicts::AppointmentError,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_before_and_after_the_epoch() -> Result<(), TimeError> {
        for (secs, nanos) in [(0, 0), (1_790_000_000, 5), (-1, 999_999_999), (-86_401, 1)] {
            let t = DateTime::from_timestamp(secs, nanos)
                .ok_or(TimeError::InstantOutOfRange { field: "t" })?;
            assert_eq!(instant(system_time(t)?, "t")?, t);
        }
        Ok(())
    }

    #[test]
    fn extreme_system_times_are_errors() {
        let far = UNIX_EPOCH.checked_add(Duration::from_secs(u64::MAX / 4));
        if let Some(far) = far {
            assert_eq!(
                instant(far, "t"),
                Err(TimeError::InstantOutOfRange { field: "t" })
            );
        }
    }
}
