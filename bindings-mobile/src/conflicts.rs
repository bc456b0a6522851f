//! Appointment conflict checking for Kotlin and Swift: a diary that names
//! every clash before a booking.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use carecoord::conflicts as core;

use crate::convert;
use crate::error::CarecoordError;
use crate::time::CalendarDate;

// The diary's values are the core's own types (deriving uniffi behind the
// core's `uniffi` feature).
use carecoord::argument::ArgumentError;
pub use core::{
    Appointment, Booking, Conflict, ConflictPair, Override, ResourceKind, SequenceRule, Slot,
};

/// One opening window in Europe/London wall time.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OpeningWindow {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// Opening time, `HH:MM`.
    pub open: String,
    /// Closing time, `HH:MM`.
    pub close: String,
}

/// When a location is open.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OpeningHours {
    /// The weekly windows.
    pub windows: Vec<OpeningWindow>,
    /// Whether it opens on bank holidays.
    pub open_bank_holidays: bool,
    /// One-off closures.
    pub closures: Vec<CalendarDate>,
}

impl TryFrom<OpeningHours> for core::OpeningHours {
    type Error = CarecoordError;
    fn try_from(h: OpeningHours) -> Result<Self, CarecoordError> {
        let mut out = core::OpeningHours {
            open_bank_holidays: h.open_bank_holidays,
            ..Default::default()
        };
        for w in h.windows {
            let day = carecoord::time::iso_weekday(w.weekday, "weekday")?;
            let open = carecoord::time::parse_wall_clock(&w.open, "open")?;
            let close = carecoord::time::parse_wall_clock(&w.close, "close")?;
            out.add_window(day, open, close)?;
        }
        for d in h.closures {
            out.closures.insert(d.to_date("closures")?);
        }
        Ok(out)
    }
}

/// A period of time (two instants).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TimePeriod {
    /// Start.
    pub start: SystemTime,
    /// End, after start.
    pub end: SystemTime,
}

/// One person's constraints on booking.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PatientConstraints {
    /// At most this many appointments on one London day.
    pub max_per_day: Option<u32>,
    /// Periods the person cannot attend.
    pub unavailable: Vec<TimePeriod>,
    /// When the person would rather attend (outside is a warning).
    pub preferred: Option<OpeningHours>,
    /// A carer (their reference) who must attend.
    pub carer: Option<String>,
    /// The person travels by patient transport.
    pub needs_patient_transport: bool,
}

/// One occurrence of a recurring appointment, and its clashes.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct Occurrence {
    /// Its id, `<template id>@<YYYY-MM-DD>`.
    pub id: String,
    /// Start.
    pub start: SystemTime,
    /// End.
    pub end: SystemTime,
    /// Its clashes with the diary.
    pub conflicts: Vec<Conflict>,
}

/// A suggestion to move one appointment next to another nearby.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SameDayBundle {
    /// The appointment that stays.
    pub keep: String,
    /// The appointment to move.
    pub move_id: String,
    /// Its new start.
    pub start: SystemTime,
    /// Its new end.
    pub end: SystemTime,
    /// Distance between the places, km.
    pub km: f64,
}

fn time(t: chrono::DateTime<chrono::Utc>) -> Result<SystemTime, CarecoordError> {
    Ok(convert::system_time(t)?)
}

/// A diary of appointments that names every clash before a booking. Safe to
/// share between threads.
#[derive(Debug, uniffi::Object)]
pub struct Diary(Mutex<core::Diary>);

impl Diary {
    fn with<T>(&self, f: impl FnOnce(&mut core::Diary) -> T) -> T {
        f(&mut crate::locked(&self.0))
    }
}

#[uniffi::export]
impl Diary {
    /// An empty diary: the default cautious travel model, or `speedKmh` and
    /// `bufferMin` for every mode. Throws `InvalidAppointment` for a speed
    /// that is not positive or a negative buffer.
    #[uniffi::constructor(default(speed_kmh = None, buffer_min = None))]
    pub fn new(
        speed_kmh: Option<f64>,
        buffer_min: Option<f64>,
    ) -> Result<Arc<Self>, CarecoordError> {
        let travel = core::TravelModel::from_options(speed_kmh, buffer_min)?;
        Ok(Arc::new(Self(Mutex::new(core::Diary::new(travel)))))
    }

    /// Adds a location with its coordinates and, optionally, opening hours.
    #[uniffi::method(default(hours = None))]
    pub fn add_location(
        &self,
        id: String,
        lat: f64,
        lon: f64,
        hours: Option<OpeningHours>,
    ) -> Result<(), CarecoordError> {
        let hours = hours.map(core::OpeningHours::try_from).transpose()?;
        self.with(|d| {
            d.add_location(core::Location {
                id,
                lat,
                lon,
                hours,
            })
        })?;
        Ok(())
    }

    /// Adds a resource with its capacity (1 for a clinician).
    pub fn add_resource(
        &self,
        id: String,
        kind: ResourceKind,
        capacity: u32,
    ) -> Result<(), CarecoordError> {
        self.with(|d| d.add_resource(core::Resource { id, kind, capacity }))?;
        Ok(())
    }

    /// Adds an appointment without checking it.
    pub fn add(&self, appointment: Appointment) -> Result<(), CarecoordError> {
        let a = appointment;
        self.with(|d| d.add(a))?;
        Ok(())
    }

    /// Removes the appointment `id`.
    pub fn remove(&self, id: String) -> Result<(), CarecoordError> {
        self.with(|d| d.remove(&id))?;
        Ok(())
    }

    /// Sets a person's constraints.
    pub fn set_constraints(
        &self,
        patient: String,
        constraints: PatientConstraints,
    ) -> Result<(), CarecoordError> {
        let unavailable = constraints
            .unavailable
            .into_iter()
            .map(|p| {
                Ok((
                    convert::instant(p.start, "unavailable")?,
                    convert::instant(p.end, "unavailable")?,
                ))
            })
            .collect::<Result<Vec<_>, CarecoordError>>()?;
        let preferred = constraints
            .preferred
            .map(core::OpeningHours::try_from)
            .transpose()?;
        let c = core::PatientConstraints {
            max_per_day: constraints.max_per_day,
            unavailable,
            preferred,
            carer: constraints.carer,
            needs_patient_transport: constraints.needs_patient_transport,
        };
        self.with(|d| d.set_constraints(&patient, c))?;
        Ok(())
    }

    /// Adds a sequencing rule.
    pub fn add_sequence_rule(&self, rule: SequenceRule) -> Result<(), CarecoordError> {
        Ok(self.with(|d| d.add_sequence_rule(rule))?)
    }

    /// Checks the appointment and adds it when nothing blocks it, or when an
    /// override records who decided and why. Throws `InvalidAppointment`
    /// (`appointment.blocked`, `appointment.override_needs_reason`) otherwise.
    pub fn book(
        &self,
        appointment: Appointment,
        override_: Option<Override>,
    ) -> Result<Booking, CarecoordError> {
        Ok(self.with(|d| d.book(appointment, override_))?)
    }

    /// Repeats the appointment by an RFC 5545 `rrule` in London wall time,
    /// skipping `exdates`, up to `horizon` for open-ended rules, and checks
    /// every occurrence.
    pub fn check_series(
        &self,
        appointment: Appointment,
        rrule: String,
        exdates: Vec<CalendarDate>,
        horizon: Option<CalendarDate>,
    ) -> Result<Vec<Occurrence>, CarecoordError> {
        let a = appointment;
        let rule = core::Recurrence::parse(&rrule).map_err(|e| core::AppointmentError {
            appointment: Some(a.id.clone()),
            ..e
        })?;
        let exdates = exdates
            .into_iter()
            .map(|d| d.to_date("exdates"))
            .collect::<Result<Vec<_>, _>>()?;
        let horizon = horizon.map(|h| h.to_date("horizon")).transpose()?;
        let found = self.with(|d| d.check_series(&a, &rule, &exdates, horizon))?;
        found
            .into_iter()
            .map(|o| {
                Ok(Occurrence {
                    start: time(o.appointment.start)?,
                    end: time(o.appointment.end)?,
                    id: o.appointment.id,
                    conflicts: o.conflicts.into_iter().collect(),
                })
            })
            .collect()
    }

    /// The next `n` times from `after` with no blocking conflict: starts every
    /// `stepMinutes` between `earliest` and `latest` (London, `HH:MM`) for up
    /// to `days` days.
    #[expect(
        clippy::too_many_arguments,
        reason = "mirrors the Python keyword arguments one to one"
    )]
    pub fn suggest(
        &self,
        appointment: Appointment,
        after: chrono::DateTime<chrono::Utc>,
        n: u32,
        step_minutes: u32,
        days: u32,
        earliest: String,
        latest: String,
    ) -> Result<Vec<Slot>, CarecoordError> {
        let window = (
            carecoord::time::parse_wall_clock(&earliest, "earliest")?,
            carecoord::time::parse_wall_clock(&latest, "latest")?,
        );
        let n = usize::try_from(n).map_err(|_| ArgumentError::out_of_range(0, u32::MAX.into()))?;
        Ok(self.with(|d| d.suggest(&appointment, after, n, step_minutes, days, window))?)
    }

    /// Same-day bundling for one person (places within `maxKm`).
    pub fn bundles(
        &self,
        patient: String,
        max_km: f64,
    ) -> Result<Vec<SameDayBundle>, CarecoordError> {
        self.with(|d| d.bundles(&patient, max_km))
            .into_iter()
            .map(|b| {
                Ok(SameDayBundle {
                    start: time(b.to.start)?,
                    end: time(b.to.end)?,
                    keep: b.keep,
                    move_id: b.move_id,
                    km: b.km,
                })
            })
            .collect()
    }

    /// Every clash the appointment would have with the diary.
    pub fn check(&self, appointment: Appointment) -> Result<Vec<Conflict>, CarecoordError> {
        let a = appointment;
        let found = self.with(|d| d.check(&a))?;
        Ok(found.into_iter().collect())
    }

    /// Every clash in the diary, by kind then appointment order; more than
    /// the library's limit throws `InvalidAppointment`
    /// (`appointment.too_many_conflicts`).
    pub fn find_all(&self) -> Result<Vec<ConflictPair>, CarecoordError> {
        Ok(self.with(|d| d.find_all())?)
    }

    /// How many appointments it holds.
    pub fn size(&self) -> u64 {
        self.with(|d| d.len() as u64)
    }
}
