//! What a check finds: every clash, named, with its severity and an
//! explanation in Europe/London local time.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::time::to_london;

/// The kind of clash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ConflictKind {
    /// The patient has another appointment at the same time.
    PatientOverlap,
    /// A clinician, room or equipment is booked beyond its capacity.
    ResourceOverlap,
    /// Not enough time to travel from the previous appointment, or to the next.
    Travel,
    /// Outside the location's opening hours (or a one-off closure).
    OutsideOpeningHours,
    /// On a bank holiday when the location is closed.
    BankHoliday,
    /// Against the person's own constraints (too many that day, unavailable,
    /// outside their preferred times).
    PatientConstraint,
    /// The carer who must attend is not free.
    Carer,
    /// Not within the required days of the appointment it depends on.
    Sequencing,
}

impl ConflictKind {
    /// `patient_overlap`, `resource_overlap`, `travel`,
    /// `outside_opening_hours`, `bank_holiday`, `patient_constraint`,
    /// `carer` or `sequencing`.
    pub fn key(self) -> &'static str {
        match self {
            Self::PatientOverlap => "patient_overlap",
            Self::ResourceOverlap => "resource_overlap",
            Self::Travel => "travel",
            Self::OutsideOpeningHours => "outside_opening_hours",
            Self::BankHoliday => "bank_holiday",
            Self::PatientConstraint => "patient_constraint",
            Self::Carer => "carer",
            Self::Sequencing => "sequencing",
        }
    }
}

/// Whether a clash stops a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Severity {
    /// May proceed; shown to the person booking.
    Warn,
    /// May proceed only with a recorded reason (who and why).
    Block,
}

impl Severity {
    /// `warn` or `block`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Warn => "warn",
            Self::Block => "block",
        }
    }
}

/// One clash found by a check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Conflict {
    /// What kind.
    pub kind: ConflictKind,
    /// Whether it blocks.
    pub severity: Severity,
    /// The other appointments involved, by id (empty for opening hours).
    #[cfg_attr(feature = "uniffi", uniffi(name = "others"))]
    pub with: Vec<String>,
    /// The resource, for a resource overlap.
    pub resource: Option<String>,
    /// What and when, in Europe/London local time; no patient data.
    pub detail: String,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.kind.key(),
            self.severity.key(),
            self.detail
        )
    }
}

/// `Mon 23 Nov 10:00–10:30 GMT` (the end's zone when the clocks change between).
pub(crate) fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let (s, e) = (to_london(start), to_london(end));
    let same_day = s.local().date() == e.local().date();
    if same_day && s.abbreviation() == e.abbreviation() {
        format!(
            "{}–{} {}",
            s.local().format("%a %-d %b %Y %H:%M"),
            e.local().format("%H:%M"),
            e.abbreviation()
        )
    } else {
        format!(
            "{} {} – {} {}",
            s.local().format("%a %-d %b %Y %H:%M"),
            s.abbreviation(),
            e.local().format("%a %-d %b %Y %H:%M"),
            e.abbreviation()
        )
    }
}

/// `10:30 GMT`.
pub(crate) fn clock(t: DateTime<Utc>) -> String {
    let l = to_london(t);
    format!("{} {}", l.local().format("%H:%M"), l.abbreviation())
}
