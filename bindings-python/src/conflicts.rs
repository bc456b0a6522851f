//! `carecoord.conflicts`: a diary that names every clash, and every clash in
//! a table at once.

use carecoord::argument::{ArgumentError, Expected};
use carecoord::conflicts::{self as core, Appointment};
use carecoord::time;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping};
use pyo3_arrow::PyTable;

use crate::caseload::arrow_input;
use crate::convert::{self, InField as _, mapping_get as get};
use crate::error::to_py_err;

fn text(m: &Bound<'_, PyMapping>, key: &'static str) -> PyResult<Option<String>> {
    get(m, key)?
        .map(|v| convert::text_value(&v).in_field(key))
        .transpose()
}

fn required<'py>(m: &Bound<'py, PyMapping>, key: &'static str) -> PyResult<Bound<'py, PyAny>> {
    get(m, key)?.ok_or_else(|| to_py_err(ArgumentError::missing(key)))
}

/// An appointment from a mapping: `id`, `patient`, `start`, `end` (aware
/// datetimes or ISO 8601 text with an offset), optional `resources` (list),
/// `location`, `status` (FHIR code, default `booked`), `service_type`,
/// `travel_mode`.
fn appointment(obj: &Bound<'_, PyAny>) -> PyResult<Appointment> {
    let m = obj
        .cast::<PyMapping>()
        .map_err(|_| to_py_err(ArgumentError::wrong_type(Expected::Mapping)))?;
    let id = convert::text_value(&required(m, "id")?).in_field("id")?;
    let patient = convert::text_value(&required(m, "patient")?).in_field("patient")?;
    let resources = match get(m, "resources")? {
        Some(v) => convert::texts_value(&v).in_field("resources")?,
        None => Vec::new(),
    };
    let with_id = |e: core::AppointmentError| {
        to_py_err(core::AppointmentError {
            appointment: Some(id.clone()),
            ..e
        })
    };
    Ok(Appointment {
        start: convert::instant(&required(m, "start")?, "start")?,
        end: convert::instant(&required(m, "end")?, "end")?,
        status: match text(m, "status")? {
            Some(s) => s.parse().map_err(with_id)?,
            None => core::Status::Booked,
        },
        travel_mode: match text(m, "travel_mode")? {
            Some(s) => Some(s.parse().map_err(with_id)?),
            None => None,
        },
        location: text(m, "location")?,
        service_type: text(m, "service_type")?,
        id,
        patient,
        resources,
    })
}

fn travel_model(speed_kmh: Option<f64>, buffer_min: Option<f64>) -> PyResult<core::TravelModel> {
    core::TravelModel::from_options(speed_kmh, buffer_min).map_err(to_py_err)
}

/// Opening (or preferred) hours from ``{"mon": [("08:00", "18:30")], ...}``.
fn opening_hours(
    h: &Bound<'_, PyDict>,
    open_bank_holidays: bool,
    closures: &[Bound<'_, PyAny>],
) -> PyResult<core::OpeningHours> {
    let mut oh = core::OpeningHours {
        open_bank_holidays,
        ..Default::default()
    };
    for (day, windows) in h.iter() {
        let day = time::parse_weekday(&convert::text(&day)?, "hours").map_err(to_py_err)?;
        for (open, close) in convert::pairs(&windows)? {
            let open = time::parse_wall_clock(&convert::text(&open)?, "hours");
            let close = time::parse_wall_clock(&convert::text(&close)?, "hours");
            oh.add_window(day, open.map_err(to_py_err)?, close.map_err(to_py_err)?)
                .map_err(to_py_err)?;
        }
    }
    for d in closures {
        oh.closures.insert(convert::date(d, "closures")?);
    }
    Ok(oh)
}

/// A diary of appointments that names every clash before a booking.
///
/// >>> from carecoord.conflicts import Diary
/// >>> d = Diary()
/// >>> d.add_location("surgery", 53.8008, -1.5491, hours={"mon": [("08:00", "18:30")]})
/// >>> d.add_resource("dr_a")
/// >>> d.add({"id": "A1", "patient": "p1", "resources": ["dr_a"], "location": "surgery",
/// ...        "start": "2026-11-23T10:00:00Z", "end": "2026-11-23T10:30:00Z"})
/// >>> [c.kind for c in d.check({"id": "A2", "patient": "p2", "resources": ["dr_a"],
/// ...     "location": "surgery", "start": "2026-11-23T10:15:00Z", "end": "2026-11-23T10:45:00Z"})]
/// ['resource_overlap']
#[pyclass(module = "carecoord.conflicts", name = "Diary")]
pub struct Diary(core::Diary);

#[pymethods]
impl Diary {
    /// An empty diary. Journeys use the default cautious model (walking 3 km/h,
    /// public transport 12 km/h, car 30 km/h, patient transport 20 km/h, with
    /// buffers and a 1.3 detour factor; public transport when an appointment
    /// names no mode), or ``speed_kmh`` and ``buffer_min`` for every mode.
    #[new]
    #[pyo3(signature = (*, speed_kmh = None, buffer_min = None))]
    fn new(
        #[pyo3(from_py_with = convert::opt_float)] speed_kmh: Option<f64>,
        #[pyo3(from_py_with = convert::opt_float)] buffer_min: Option<f64>,
    ) -> PyResult<Self> {
        Ok(Self(core::Diary::new(travel_model(speed_kmh, buffer_min)?)))
    }

    /// Adds a location. ``hours`` maps ``"mon"`` … ``"sun"`` to a list of
    /// ``("HH:MM", "HH:MM")`` windows in Europe/London time (omit it to skip
    /// the check); bank holidays are closed unless ``open_bank_holidays``;
    /// ``closures`` lists one-off closed dates.
    #[pyo3(signature = (id, lat, lon, *, hours = None, open_bank_holidays = false, closures = Vec::new()))]
    fn add_location(
        &mut self,
        #[pyo3(from_py_with = convert::text)] id: String,
        #[pyo3(from_py_with = convert::float)] lat: f64,
        #[pyo3(from_py_with = convert::float)] lon: f64,
        #[pyo3(from_py_with = convert::opt_dict)] hours: Option<Bound<'_, PyDict>>,
        #[pyo3(from_py_with = convert::boolean)] open_bank_holidays: bool,
        #[pyo3(from_py_with = convert::sequence)] closures: Vec<Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let hours = hours
            .map(|h| opening_hours(&h, open_bank_holidays, &closures))
            .transpose()?;
        self.0
            .add_location(core::Location {
                id,
                lat,
                lon,
                hours,
            })
            .map_err(to_py_err)
    }

    /// Adds a resource: ``kind`` is ``"clinician"``, ``"room"`` or
    /// ``"equipment"``; ``capacity`` is how many appointments it serves at once.
    #[pyo3(
        signature = (id, *, kind = "clinician".into(), capacity = 1),
        text_signature = "(self, /, id, *, kind='clinician', capacity=1)"
    )]
    fn add_resource(
        &mut self,
        #[pyo3(from_py_with = convert::text)] id: String,
        #[pyo3(from_py_with = convert::text)] kind: String,
        #[pyo3(from_py_with = convert::int::<u32>)] capacity: u32,
    ) -> PyResult<()> {
        let kind: core::ResourceKind = kind.parse().map_err(to_py_err)?;
        self.0
            .add_resource(core::Resource { id, kind, capacity })
            .map_err(to_py_err)
    }

    /// Adds an appointment without checking it (see :meth:`check`).
    fn add(&mut self, appointment: &Bound<'_, PyAny>) -> PyResult<()> {
        let a = self::appointment(appointment)?;
        self.0.add(a).map_err(to_py_err)
    }

    /// Removes the appointment ``id``.
    fn remove(&mut self, #[pyo3(from_py_with = convert::text)] id: String) -> PyResult<()> {
        self.0.remove(&id).map(|_| ()).map_err(to_py_err)
    }

    /// Sets a person's constraints: at most ``max_per_day`` appointments on a
    /// London day; ``unavailable`` periods as ``(start, end)`` instants;
    /// ``preferred`` hours (as for ``add_location``; outside them is a
    /// warning); a ``carer`` (their reference) who must attend, whose own
    /// bookings and unavailability block the time; ``needs_patient_transport``.
    #[pyo3(signature = (patient, *, max_per_day = None, unavailable = Vec::new(), preferred = None, carer = None, needs_patient_transport = false))]
    fn set_constraints(
        &mut self,
        #[pyo3(from_py_with = convert::text)] patient: String,
        #[pyo3(from_py_with = convert::opt_int::<u32>)] max_per_day: Option<u32>,
        #[pyo3(from_py_with = convert::pairs)] unavailable: Vec<(
            Bound<'_, PyAny>,
            Bound<'_, PyAny>,
        )>,
        #[pyo3(from_py_with = convert::opt_dict)] preferred: Option<Bound<'_, PyDict>>,
        #[pyo3(from_py_with = convert::opt_text)] carer: Option<String>,
        #[pyo3(from_py_with = convert::boolean)] needs_patient_transport: bool,
    ) -> PyResult<()> {
        let unavailable = unavailable
            .iter()
            .map(|(s, e)| {
                Ok((
                    convert::instant(s, "unavailable")?,
                    convert::instant(e, "unavailable")?,
                ))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let preferred = preferred
            .map(|p| opening_hours(&p, true, &[]))
            .transpose()?;
        self.0
            .set_constraints(
                &patient,
                core::PatientConstraints {
                    max_per_day,
                    unavailable,
                    preferred,
                    carer,
                    needs_patient_transport,
                },
            )
            .map_err(to_py_err)
    }

    /// Adds a rule: an appointment of service type ``then`` needs one of type
    /// ``first`` ``min_days`` to ``max_days`` days before it (a warning otherwise).
    fn add_sequence_rule(
        &mut self,
        #[pyo3(from_py_with = convert::text)] first: String,
        #[pyo3(from_py_with = convert::text)] then: String,
        #[pyo3(from_py_with = convert::int::<u32>)] min_days: u32,
        #[pyo3(from_py_with = convert::int::<u32>)] max_days: u32,
    ) -> PyResult<()> {
        self.0
            .add_sequence_rule(core::SequenceRule {
                first,
                then,
                min_days,
                max_days,
            })
            .map_err(to_py_err)
    }

    /// Checks the appointment and adds it when nothing blocks it, or when
    /// ``override_role`` and ``override_reason`` record who decided and why.
    /// Raises ``InvalidAppointment`` (``appointment.blocked`` or
    /// ``appointment.override_needs_reason``) otherwise.
    #[pyo3(signature = (appointment, *, override_role = None, override_reason = None))]
    fn book(
        &mut self,
        appointment: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::opt_text)] override_role: Option<String>,
        #[pyo3(from_py_with = convert::opt_text)] override_reason: Option<String>,
    ) -> PyResult<Booking> {
        let a = self::appointment(appointment)?;
        let o = match (override_role, override_reason) {
            (None, None) => None,
            (role, reason) => Some(core::Override {
                by_role: role.unwrap_or_default(),
                reason: reason.unwrap_or_default(),
            }),
        };
        self.0.book(a, o).map(Booking).map_err(to_py_err)
    }

    /// Repeats the appointment by an RFC 5545 ``rrule`` (DAILY, WEEKLY or
    /// MONTHLY; INTERVAL, BYDAY, BYMONTHDAY, COUNT or UNTIL) in London wall
    /// time, skipping ``exdates``, up to ``horizon`` for open-ended rules, and
    /// checks every occurrence. Occurrence ids are ``<id>@<YYYY-MM-DD>``.
    #[pyo3(signature = (appointment, rrule, *, exdates = Vec::new(), horizon = None))]
    fn check_series(
        &self,
        appointment: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::text)] rrule: String,
        #[pyo3(from_py_with = convert::sequence)] exdates: Vec<Bound<'_, PyAny>>,
        horizon: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Occurrence>> {
        let a = self::appointment(appointment)?;
        let rule = core::Recurrence::parse(&rrule).map_err(|e| {
            to_py_err(core::AppointmentError {
                appointment: Some(a.id.clone()),
                ..e
            })
        })?;
        let exdates = exdates
            .iter()
            .map(|d| convert::date(d, "exdates"))
            .collect::<PyResult<Vec<_>>>()?;
        let horizon = horizon.map(|h| convert::date(h, "horizon")).transpose()?;
        let found = self
            .0
            .check_series(&a, &rule, &exdates, horizon)
            .map_err(to_py_err)?;
        Ok(found.into_iter().map(Occurrence).collect())
    }

    /// The next ``n`` times from ``after`` at which the appointment (its
    /// patient, resources, place and length) has no blocking conflict:
    /// starts every ``step_minutes`` between ``earliest`` and ``latest``
    /// (London wall time, ``"HH:MM"``) for up to ``days`` days.
    #[pyo3(
        signature = (appointment, *, after, n = 5, step_minutes = 15, days = 14, earliest = "08:00".into(), latest = "18:00".into()),
        text_signature = "(self, /, appointment, *, after, n=5, step_minutes=15, days=14, earliest='08:00', latest='18:00')"
    )]
    #[allow(
        clippy::too_many_arguments,
        reason = "keyword arguments with defaults, as Python callers expect"
    )]
    fn suggest(
        &self,
        appointment: &Bound<'_, PyAny>,
        after: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::int::<usize>)] n: usize,
        #[pyo3(from_py_with = convert::int::<u32>)] step_minutes: u32,
        #[pyo3(from_py_with = convert::int::<u32>)] days: u32,
        #[pyo3(from_py_with = convert::text)] earliest: String,
        #[pyo3(from_py_with = convert::text)] latest: String,
    ) -> PyResult<Vec<Slot>> {
        let a = self::appointment(appointment)?;
        let after = convert::instant(after, "after")?;
        let window = (
            time::parse_wall_clock(&earliest, "earliest").map_err(to_py_err)?,
            time::parse_wall_clock(&latest, "latest").map_err(to_py_err)?,
        );
        let slots = self
            .0
            .suggest(&a, after, n, step_minutes, days, window)
            .map_err(to_py_err)?;
        Ok(slots.into_iter().map(Slot).collect())
    }

    /// Same-day bundling for one person: appointments on different days at
    /// places within ``max_km`` of each other, the later one moved to
    /// straight after the earlier where nothing blocks it.
    #[pyo3(signature = (patient, *, max_km = 2.0))]
    fn bundles(
        &self,
        #[pyo3(from_py_with = convert::text)] patient: String,
        #[pyo3(from_py_with = convert::float)] max_km: f64,
    ) -> Vec<Bundle> {
        self.0
            .bundles(&patient, max_km)
            .into_iter()
            .map(Bundle)
            .collect()
    }

    /// Every clash the appointment would have with the diary: the patient
    /// double-booked, a resource over capacity, too little time to travel,
    /// outside opening hours, a bank holiday. Each names the other
    /// appointment and explains itself in London local time.
    fn check(&self, appointment: &Bound<'_, PyAny>) -> PyResult<Vec<Conflict>> {
        let a = self::appointment(appointment)?;
        Ok(self
            .0
            .check(&a)
            .map_err(to_py_err)?
            .into_iter()
            .map(Conflict)
            .collect())
    }

    /// Every clash in the diary as ``(kind, severity, a, b, resource)``
    /// tuples, by kind then appointment order (``b`` is ``None`` for opening
    /// hours and bank holidays).
    /// More clashes than the library's limit raise `InvalidAppointment`
    /// (`appointment.too_many_conflicts`).
    fn find_all(&self, py: Python<'_>) -> PyResult<Vec<PairTuple>> {
        let found = py.detach(|| self.0.find_all()).map_err(to_py_err)?;
        Ok(found
            .into_iter()
            .map(|c| (c.kind.key(), c.severity.key(), c.a, c.b, c.resource))
            .collect())
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    fn __repr__(&self) -> String {
        format!("Diary(appointments={})", self.0.len())
    }
}

/// An appointment added by :meth:`Diary.book`, with the conflicts it was
/// booked with and the override that allowed any blocking ones.
#[pyclass(module = "carecoord.conflicts", name = "Booking", frozen)]
pub struct Booking(core::Booking);

#[pymethods]
impl Booking {
    /// The conflicts found (warnings, and blocks if overridden).
    #[getter]
    fn conflicts(&self) -> Vec<Conflict> {
        self.0.conflicts.iter().cloned().map(Conflict).collect()
    }
    /// The role that overrode blocking conflicts, if any.
    #[getter]
    fn override_role(&self) -> Option<&str> {
        self.0.overridden.as_ref().map(|o| o.by_role.as_str())
    }
    /// Why, if overridden.
    #[getter]
    fn override_reason(&self) -> Option<&str> {
        self.0.overridden.as_ref().map(|o| o.reason.as_str())
    }
    fn __repr__(&self) -> String {
        format!(
            "Booking(conflicts={}, overridden={})",
            self.0.conflicts.len(),
            if self.0.overridden.is_some() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// One occurrence of a recurring appointment, and its clashes.
#[pyclass(module = "carecoord.conflicts", name = "Occurrence", frozen)]
pub struct Occurrence(core::Occurrence);

#[pymethods]
impl Occurrence {
    /// ``<template id>@<YYYY-MM-DD>``.
    #[getter]
    fn id(&self) -> &str {
        &self.0.appointment.id
    }
    /// Start (UTC).
    #[getter]
    fn start(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.appointment.start
    }
    /// End (UTC).
    #[getter]
    fn end(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.appointment.end
    }
    /// Its clashes with the diary.
    #[getter]
    fn conflicts(&self) -> Vec<Conflict> {
        self.0.conflicts.iter().cloned().map(Conflict).collect()
    }
    fn __repr__(&self) -> String {
        format!(
            "Occurrence(id='{}', conflicts={})",
            self.0.appointment.id,
            self.0.conflicts.len()
        )
    }
}

/// A time at which an appointment could be booked.
#[pyclass(module = "carecoord.conflicts", name = "Slot", frozen)]
pub struct Slot(core::Slot);

#[pymethods]
impl Slot {
    /// Start (UTC).
    #[getter]
    fn start(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.start
    }
    /// End (UTC).
    #[getter]
    fn end(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.end
    }
    /// Warnings it would carry.
    #[getter]
    fn warnings(&self) -> Vec<Conflict> {
        self.0.warnings.iter().cloned().map(Conflict).collect()
    }
    fn __repr__(&self) -> String {
        format!(
            "Slot(start={}, warnings={})",
            self.0.start.to_rfc3339(),
            self.0.warnings.len()
        )
    }
}

/// A suggestion to move one appointment next to another nearby.
#[pyclass(module = "carecoord.conflicts", name = "Bundle", frozen)]
pub struct Bundle(core::Bundle);

#[pymethods]
impl Bundle {
    /// The appointment that stays.
    #[getter]
    fn keep(&self) -> &str {
        &self.0.keep
    }
    /// The appointment to move.
    #[getter]
    fn move_id(&self) -> &str {
        &self.0.move_id
    }
    /// Its new start (UTC).
    #[getter]
    fn start(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.to.start
    }
    /// Its new end (UTC).
    #[getter]
    fn end(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.to.end
    }
    /// Distance between the two places, km.
    #[getter]
    fn km(&self) -> f64 {
        self.0.km
    }
    fn __repr__(&self) -> String {
        format!(
            "Bundle(keep='{}', move_id='{}', start={})",
            self.0.keep,
            self.0.move_id,
            self.0.to.start.to_rfc3339()
        )
    }
}

/// `(kind, severity, a, b, resource)`, as `Diary.find_all` returns it.
type PairTuple = (
    &'static str,
    &'static str,
    String,
    Option<String>,
    Option<String>,
);

/// One clash found by :meth:`Diary.check`.
#[pyclass(module = "carecoord.conflicts", name = "Conflict", frozen, eq)]
#[derive(PartialEq)]
pub struct Conflict(core::Conflict);

#[pymethods]
impl Conflict {
    /// ``patient_overlap``, ``resource_overlap``, ``travel``,
    /// ``outside_opening_hours`` or ``bank_holiday``.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.key()
    }
    /// ``block`` or ``warn``.
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity.key()
    }
    /// The other appointments involved, by id.
    #[getter]
    fn others(&self) -> Vec<String> {
        self.0.with.clone()
    }
    /// The resource, for a resource overlap.
    #[getter]
    fn resource(&self) -> Option<&str> {
        self.0.resource.as_deref()
    }
    /// What and when, in Europe/London local time.
    #[getter]
    fn detail(&self) -> &str {
        &self.0.detail
    }
    fn __repr__(&self) -> String {
        format!(
            "Conflict(kind='{}', severity='{}', others={:?})",
            self.0.kind.key(),
            self.0.severity.key(),
            self.0.with
        )
    }
}

/// Every clash in a table of appointments, by sort and sweep on every core
/// with the GIL released.
///
/// ``data``: anything speaking the Arrow PyCapsule interface (pyarrow,
/// polars, DuckDB) or a pandas DataFrame, with columns ``id``, ``patient``,
/// ``start``, ``end`` (timestamps with a time zone) and optionally
/// ``resource`` (adjacent rows with one id for several), ``location`` with
/// ``lat`` and ``lon``, ``status`` and ``travel_mode``. Journeys use
/// ``speed_kmh`` and ``buffer_min`` for every mode, or the default cautious
/// model. Returns a ``pyarrow.Table``: ``appt_a``, ``appt_b``, ``kind``,
/// ``severity``, ``resource``, ordered by kind then appointment order.
#[pyfunction]
#[pyo3(signature = (data, *, speed_kmh = None, buffer_min = None))]
fn find_all<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = convert::opt_float)] speed_kmh: Option<f64>,
    #[pyo3(from_py_with = convert::opt_float)] buffer_min: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let travel = travel_model(speed_kmh, buffer_min)?;
    let input = arrow_input(py, data)?;
    let table = input.into_table()?;
    let (batches, _) = table.into_inner();
    let out = py.detach(|| core::find_all_batches(&batches, &travel));
    let out = out.map_err(to_py_err)?;
    PyTable::try_new(vec![out], core::find_all_schema())?.into_pyarrow(py)
}

/// Adds the conflict-checking classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Diary>()?;
    m.add_class::<Conflict>()?;
    m.add_class::<Booking>()?;
    m.add_class::<Occurrence>()?;
    m.add_class::<Slot>()?;
    m.add_class::<Bundle>()?;
    m.add_function(wrap_pyfunction!(find_all, m)?)?;
    Ok(())
}
