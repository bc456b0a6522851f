//! Appointment conflict checking: every clash named, with travel, opening
//! hours and bank holidays, in Europe/London time.
//!
//! A [`Diary`] holds appointments indexed per patient and per resource
//! (clinician, room, equipment with a capacity), so checking a new booking
//! costs O(log n + k). [`Diary::check`] reports every clash, not just the
//! first: the patient double-booked, a resource over its capacity, not enough
//! time to travel from the previous appointment or to the next (straight-line
//! distance at a speed per travel mode, plus a buffer, or a supplied matrix),
//! outside the location's opening hours, a bank holiday. Each clash names the
//! other appointment by id and explains itself in London local time.
//! [`Diary::find_all`] finds every clash in a whole diary by sort and sweep.
//!
//! Intervals are half-open: an appointment ending at 10:00 and another
//! starting at 10:00 do not clash. Only FHIR statuses proposed, pending,
//! booked, arrived and checked-in occupy time; cancelled, no-show,
//! entered-in-error, fulfilled and waitlist never clash.
//!
//! See the [`Diary`] example.

mod bulk;
#[cfg(feature = "arrow")]
mod columnar;
mod conflict;
mod constraints;
mod diary;
mod error;
mod hours;
mod model;
mod recurrence;
mod travel;

pub use bulk::MAX_CONFLICT_PAIRS;
#[cfg(feature = "arrow")]
pub use columnar::{find_all_batch, find_all_batches, find_all_schema};
pub use conflict::{Conflict, ConflictKind, Severity};
pub use constraints::{Booking, Override, PatientConstraints, SequenceRule};
pub use diary::{Bundle, ConflictPair, Diary, MAX_SUGGEST_DAYS, MAX_SUGGESTIONS, Occurrence, Slot};
pub use error::{AppointmentError, AppointmentErrorKind, LocalTimeProblem};
pub use hours::OpeningHours;
pub use model::{Appointment, Location, Resource, ResourceKind, Status, TravelMode};
pub use recurrence::{ByDay, End, Frequency, Recurrence};
pub use travel::{ModeSpeed, TravelModel, haversine_km};

#[cfg(test)]
mod tests;
