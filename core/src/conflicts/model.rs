//! Appointments, their statuses, resources, locations and travel modes.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::error::{AppointmentError, AppointmentErrorKind as K};

/// FHIR Appointment status. Only proposed, pending, booked, arrived and
/// checked-in occupy time; the others never clash with anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "uniffi",
    derive(uniffi::Enum),
    uniffi(name = "AppointmentStatus")
)]
pub enum Status {
    /// Proposed, not yet confirmed.
    Proposed,
    /// Pending confirmation.
    Pending,
    /// Booked.
    Booked,
    /// The patient has arrived.
    Arrived,
    /// The patient has checked in.
    CheckedIn,
    /// It took place.
    Fulfilled,
    /// Cancelled.
    Cancelled,
    /// The patient did not attend.
    Noshow,
    /// Entered in error.
    EnteredInError,
    /// On a waiting list, not yet given a time.
    Waitlist,
}

impl Status {
    /// All statuses, in FHIR's order.
    pub const ALL: [Self; 10] = [
        Self::Proposed,
        Self::Pending,
        Self::Booked,
        Self::Arrived,
        Self::Fulfilled,
        Self::Cancelled,
        Self::Noshow,
        Self::EnteredInError,
        Self::CheckedIn,
        Self::Waitlist,
    ];

    /// The FHIR code, e.g. `booked`, `checked-in`, `entered-in-error`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Pending => "pending",
            Self::Booked => "booked",
            Self::Arrived => "arrived",
            Self::CheckedIn => "checked-in",
            Self::Fulfilled => "fulfilled",
            Self::Cancelled => "cancelled",
            Self::Noshow => "noshow",
            Self::EnteredInError => "entered-in-error",
            Self::Waitlist => "waitlist",
        }
    }

    /// Whether an appointment in this status takes up the time of its
    /// patient and resources.
    pub fn occupies_time(self) -> bool {
        matches!(
            self,
            Self::Proposed | Self::Pending | Self::Booked | Self::Arrived | Self::CheckedIn
        )
    }
}

impl FromStr for Status {
    type Err = AppointmentError;
    fn from_str(s: &str) -> Result<Self, AppointmentError> {
        // Tables parse this once per row: compare the first eight bytes as
        // one word (which, with the length, settles codes of up to eight
        // bytes) before any string comparison.
        #[allow(
            clippy::indexing_slicing,
            reason = "only evaluated at compile time, where an index out of range fails the build"
        )]
        const fn w(i: usize) -> u64 {
            first_word(Status::ALL[i].key().as_bytes())
        }
        const WORDS: [u64; 10] = [w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7), w(8), w(9)];
        let word = crate::routing::fast_hash::word_le(s.as_bytes());
        Self::ALL
            .into_iter()
            .zip(WORDS)
            .find(|(x, w)| *w == word && x.key().len() == s.len() && (s.len() <= 8 || x.key() == s))
            .map(|(x, _)| x)
            .ok_or_else(Self::unknown)
    }
}

/// The first eight bytes of `bytes`, zero-padded, as a little-endian word
/// (at compile time; `word_le` at run time).
const fn first_word(mut bytes: &[u8]) -> u64 {
    let mut word = 0u64;
    let mut i = 0;
    while i < 8 {
        let Some((b, rest)) = bytes.split_first() else {
            break;
        };
        word |= (*b as u64) << (8 * i);
        bytes = rest;
        i += 1;
    }
    word
}

impl Status {
    fn unknown() -> AppointmentError {
        AppointmentError::new(
            K::InvalidValue {
                field: "status",
                allowed: "proposed, pending, booked, arrived, fulfilled, cancelled, noshow, entered-in-error, checked-in, waitlist",
            },
            None,
        )
    }
}

/// How the person gets to an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum TravelMode {
    /// On foot (or with a walking aid).
    Walk,
    /// Bus, tram or train.
    PublicTransport,
    /// By car, driven by the person or someone else.
    Car,
    /// Non-emergency patient transport (collected with others).
    PatientTransport,
}

impl TravelMode {
    /// All modes.
    pub const ALL: [Self; 4] = [
        Self::Walk,
        Self::PublicTransport,
        Self::Car,
        Self::PatientTransport,
    ];

    /// `walk`, `public_transport`, `car` or `patient_transport`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Walk => "walk",
            Self::PublicTransport => "public_transport",
            Self::Car => "car",
            Self::PatientTransport => "patient_transport",
        }
    }
}

impl FromStr for TravelMode {
    type Err = AppointmentError;
    fn from_str(s: &str) -> Result<Self, AppointmentError> {
        Self::ALL.into_iter().find(|x| x.key() == s).ok_or_else(|| {
            AppointmentError::new(
                K::InvalidValue {
                    field: "travel_mode",
                    allowed: "walk, public_transport, car, patient_transport",
                },
                None,
            )
        })
    }
}

/// What a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ResourceKind {
    /// A clinician or other member of staff.
    Clinician,
    /// A room.
    Room,
    /// A piece of equipment.
    Equipment,
}

impl ResourceKind {
    /// Every kind, in the order of [`key`](Self::key)'s words.
    pub const ALL: [Self; 3] = [Self::Clinician, Self::Room, Self::Equipment];

    /// The lower-case word: `clinician`, `room`, `equipment`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Clinician => "clinician",
            Self::Room => "room",
            Self::Equipment => "equipment",
        }
    }
}

impl FromStr for ResourceKind {
    type Err = AppointmentError;
    /// Reads [`key`](Self::key)'s word.
    ///
    /// ```
    /// use carecoord::conflicts::ResourceKind;
    /// assert_eq!("room".parse::<ResourceKind>()?, ResourceKind::Room);
    /// assert_eq!("desk".parse::<ResourceKind>().unwrap_err().code(), "appointment.invalid_value");
    /// # Ok::<(), carecoord::conflicts::AppointmentError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, AppointmentError> {
        Self::ALL.into_iter().find(|x| x.key() == s).ok_or_else(|| {
            AppointmentError::new(
                K::InvalidValue {
                    field: "kind",
                    allowed: "clinician, room, equipment",
                },
                None,
            )
        })
    }
}

/// A clinician, room or piece of equipment that appointments use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Its id.
    pub id: String,
    /// What it is.
    pub kind: ResourceKind,
    /// How many appointments it can serve at once (1 for a clinician).
    pub capacity: u32,
}

/// One appointment. The patient is an opaque reference (never an NHS number
/// or a name); nothing here is printed by `Debug` except ids and status.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Appointment {
    /// Its id, unique in a diary.
    pub id: String,
    /// An opaque reference to the patient.
    pub patient: String,
    /// The resources it uses (clinicians, rooms, equipment), by id.
    pub resources: Vec<String>,
    /// Where it takes place, by location id (`None`: remote or at home).
    pub location: Option<String>,
    /// When it starts (UTC).
    pub start: DateTime<Utc>,
    /// When it ends (UTC); after `start`. Intervals are half-open: one ending
    /// at 10:00 and another starting at 10:00 do not clash.
    pub end: DateTime<Utc>,
    /// Its FHIR status.
    pub status: Status,
    /// The kind of service (e.g. `blood_test`, `medication_review`).
    pub service_type: Option<String>,
    /// How the person gets there (`None`: the diary's default mode).
    pub travel_mode: Option<TravelMode>,
}

impl fmt::Debug for Appointment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Appointment")
            .field("id", &self.id)
            .field("status", &self.status)
            .field("resources", &self.resources.len())
            .finish_non_exhaustive()
    }
}

/// A place appointments happen, with its coordinates (WGS84 degrees).
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// Its id.
    pub id: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// When it is open, if known (`None`: not checked).
    pub hours: Option<super::hours::OpeningHours>,
}
