//! What a person needs from their diary: limits, times they cannot or would
//! rather not attend, a carer who must come too, patient transport; and
//! sequencing between kinds of appointment.

use std::fmt;

use chrono::{DateTime, Utc};

use super::hours::OpeningHours;

/// One person's constraints on booking.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientConstraints {
    /// At most this many appointments on one Europe/London day.
    pub max_per_day: Option<u32>,
    /// Periods the person cannot attend (a hospital stay, a day centre).
    pub unavailable: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// When the person would rather attend (London wall time); a booking
    /// outside is a warning, not a block.
    pub preferred: Option<OpeningHours>,
    /// The reference of a carer who must attend: their own appointments and
    /// unavailable periods block the time too.
    pub carer: Option<String>,
    /// The person travels by non-emergency patient transport (its speed and
    /// buffer are used for every journey, whatever the appointment says).
    pub needs_patient_transport: bool,
}

/// "`then` at least `min_days` and at most `max_days` days after `first`",
/// by service type, in Europe/London dates: e.g. a blood test 2–14 days
/// before a medication review.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SequenceRule {
    /// The service type that must come first (e.g. `blood_test`).
    pub first: String,
    /// The service type that depends on it (e.g. `medication_review`).
    pub then: String,
    /// Fewest days between them.
    pub min_days: u32,
    /// Most days between them.
    pub max_days: u32,
}

/// Who overrode a blocking conflict and why. The reason is free text, so
/// `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Override {
    /// The role of the person who decided (e.g. `care_coordinator`), not a name.
    pub by_role: String,
    /// Why the booking proceeds despite the conflict.
    pub reason: String,
}

impl fmt::Debug for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Override")
            .field("by_role", &self.by_role)
            .field("reason", &"…")
            .finish()
    }
}

/// The result of [`Diary::book`](super::Diary::book): the appointment is in
/// the diary; these are the conflicts it was booked with, and the override
/// that allowed any blocking ones.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Booking {
    /// Every conflict found (warnings, and blocks if overridden).
    pub conflicts: Vec<super::Conflict>,
    /// The override, when blocking conflicts were booked over.
    pub overridden: Option<Override>,
}
