//! A diary: appointments indexed by patient and by resource, so that checking
//! a new booking costs O(log n + k), not a scan of the whole diary.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::time::{Disambiguation, from_london, london_date, to_london};

use super::conflict::{Conflict, ConflictKind, Severity, clock, span};
use super::constraints::{Booking, Override, PatientConstraints, SequenceRule};
use super::error::{AppointmentError, AppointmentErrorKind as K};
use super::hours::Closed;
use super::model::{Appointment, Location, Resource, TravelMode};
use super::travel::TravelModel;

/// An appointment's place in a timeline: start and end (microseconds since
/// the epoch, UTC) and id, so that order is total and the same everywhere.
pub(crate) type Key = (i64, i64, Arc<str>);

/// One entity's occupying appointments, ordered by (start, end, id).
#[derive(Debug, Default, Clone)]
pub(crate) struct Timeline {
    set: BTreeSet<Key>,
    /// The longest appointment ever added: overlaps with `[s, e)` start in
    /// `[s - max_len, e)`. Never shrinks on removal, which only widens the
    /// scan, so results stay exact.
    max_len: i64,
}

impl Timeline {
    fn insert(&mut self, key: Key) {
        self.max_len = self.max_len.max(key.1 - key.0);
        self.set.insert(key);
    }

    fn remove(&mut self, key: &Key) {
        self.set.remove(key);
    }

    /// Keys overlapping the half-open `[s, e)`: `start < e && end > s`.
    pub(crate) fn overlapping<'a>(
        &'a self,
        s: i64,
        e: i64,
        floor: &Arc<str>,
    ) -> impl Iterator<Item = &'a Key> + 'a {
        let lo = (s.saturating_sub(self.max_len), i64::MIN, floor.clone());
        let hi = (e, i64::MIN, floor.clone());
        self.set
            .range((Bound::Included(lo), Bound::Excluded(hi)))
            .filter(move |k| k.1 > s && k.0 < e)
    }

    /// The keys just before and just after `key` in order, skipping `skip`.
    fn neighbours(&self, key: &Key, skip: &str) -> (Option<&Key>, Option<&Key>) {
        let before = self.set.range(..key.clone()).rev().find(|k| &*k.2 != skip);
        let after = self
            .set
            .range((Bound::Excluded(key.clone()), Bound::Unbounded))
            .find(|k| &*k.2 != skip);
        (before, after)
    }
}

/// Microseconds since the epoch.
pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn from_micros(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

/// A diary of appointments with the places and resources they use.
///
/// ```
/// use carecoord::conflicts::{Appointment, Diary, Location, Resource, ResourceKind, Status};
/// use chrono::{TimeZone, Utc};
///
/// let mut diary = Diary::default();
/// diary.add_location(Location { id: "surgery".into(), lat: 53.80, lon: -1.55, hours: None })?;
/// diary.add_resource(Resource { id: "dr_a".into(), kind: ResourceKind::Clinician, capacity: 1 })?;
/// let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap();
/// let appt = |id: &str, patient: &str, start, end| Appointment {
///     id: id.into(), patient: patient.into(), resources: vec!["dr_a".into()],
///     location: Some("surgery".into()), start, end, status: Status::Booked,
///     service_type: None, travel_mode: None,
/// };
/// diary.add(appt("A1", "p1", at(10, 0), at(10, 30)))?;
/// // Another patient with the same clinician at 10:15: a resource overlap.
/// let clashes = diary.check(&appt("A2", "p2", at(10, 15), at(10, 45)))?;
/// assert_eq!(clashes.len(), 1);
/// assert_eq!(clashes[0].with, ["A1"]);
/// // Touching is no clash: 10:30 to 11:00 is free.
/// assert!(diary.check(&appt("A3", "p2", at(10, 30), at(11, 0)))?.is_empty());
/// # Ok::<(), carecoord::conflicts::AppointmentError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Diary {
    travel: TravelModel,
    locations: HashMap<String, Location>,
    resources: HashMap<String, Resource>,
    appointments: HashMap<Arc<str>, (Appointment, Key)>,
    patients: HashMap<String, Timeline>,
    resource_lines: HashMap<String, Timeline>,
    constraints: HashMap<String, PatientConstraints>,
    sequences: Vec<SequenceRule>,
    /// The smallest id, for range bounds without allocating.
    floor: Arc<str>,
}

impl Default for Diary {
    fn default() -> Self {
        Self::new(TravelModel::default())
    }
}

impl Diary {
    /// An empty diary using `travel` for journey times.
    pub fn new(travel: TravelModel) -> Self {
        Self {
            travel,
            locations: HashMap::new(),
            resources: HashMap::new(),
            appointments: HashMap::new(),
            patients: HashMap::new(),
            resource_lines: HashMap::new(),
            constraints: HashMap::new(),
            sequences: Vec::new(),
            floor: Arc::from(""),
        }
    }

    /// The travel model.
    pub fn travel(&self) -> &TravelModel {
        &self.travel
    }

    /// Adds (or replaces) a location. Coordinates must be valid degrees and
    /// opening windows must open before they close.
    pub fn add_location(&mut self, location: Location) -> Result<(), AppointmentError> {
        let bad = |message: String| AppointmentError::new(K::InvalidSetup { message }, None);
        if !(-90.0..=90.0).contains(&location.lat) || !(-180.0..=180.0).contains(&location.lon) {
            return Err(bad(format!(
                "location `{}` has coordinates outside -90..90, -180..180",
                location.id
            )));
        }
        if let Some(h) = &location.hours {
            if h.weekly.iter().flatten().any(|(open, close)| open >= close) {
                return Err(bad(format!(
                    "location `{}` has an opening window that does not open before it closes",
                    location.id
                )));
            }
        }
        self.locations.insert(location.id.clone(), location);
        Ok(())
    }

    /// Adds (or replaces) a resource. Capacity must be at least 1.
    pub fn add_resource(&mut self, resource: Resource) -> Result<(), AppointmentError> {
        if resource.capacity == 0 {
            return Err(AppointmentError::new(
                K::InvalidSetup {
                    message: format!("resource `{}` has capacity 0", resource.id),
                },
                None,
            ));
        }
        self.resources.insert(resource.id.clone(), resource);
        Ok(())
    }

    /// Sets (or replaces) a person's constraints. Unavailable periods must
    /// end after they start, preferred windows must open before they close,
    /// and `max_per_day` must be at least 1.
    pub fn set_constraints(
        &mut self,
        patient: &str,
        constraints: PatientConstraints,
    ) -> Result<(), AppointmentError> {
        let bad = |message: &str| {
            AppointmentError::new(
                K::InvalidConstraint {
                    message: message.to_owned(),
                },
                None,
            )
        };
        if constraints.max_per_day == Some(0) {
            return Err(bad("max_per_day must be at least 1"));
        }
        if constraints.unavailable.iter().any(|(s, e)| e <= s) {
            return Err(bad("an unavailable period must end after it starts"));
        }
        if let Some(p) = &constraints.preferred {
            if p.weekly.iter().flatten().any(|(o, c)| o >= c) {
                return Err(bad("a preferred window must open before it closes"));
            }
        }
        self.constraints.insert(patient.to_owned(), constraints);
        Ok(())
    }

    /// Adds a sequencing rule between two service types.
    pub fn add_sequence_rule(&mut self, rule: SequenceRule) -> Result<(), AppointmentError> {
        if rule.first.trim().is_empty()
            || rule.then.trim().is_empty()
            || rule.min_days > rule.max_days
        {
            return Err(AppointmentError::new(
                K::InvalidConstraint {
                    message: "a sequence rule needs two service types and min_days <= max_days"
                        .into(),
                },
                None,
            ));
        }
        self.sequences.push(rule);
        Ok(())
    }

    /// The travel mode used for journeys to `a`: patient transport when the
    /// person needs it, else the appointment's own (or the model's default).
    pub(crate) fn mode_for(&self, a: &Appointment) -> Option<TravelMode> {
        match self.constraints.get(&a.patient) {
            Some(c) if c.needs_patient_transport => Some(TravelMode::PatientTransport),
            _ => a.travel_mode,
        }
    }

    /// Checks `appointment` and adds it when nothing blocks it, or when an
    /// override records who decided (a role) and why. Warnings never stop a
    /// booking. Errors: `appointment.blocked` (blocking conflicts and no
    /// override), `appointment.override_needs_reason` (an empty role or
    /// reason), and the errors of [`check`](Self::check) and [`add`](Self::add).
    ///
    /// ```
    /// use carecoord::conflicts::{Appointment, Diary, Override, Location, Resource, ResourceKind, Status};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let mut diary = Diary::default();
    /// diary.add_location(Location { id: "surgery".into(), lat: 53.80, lon: -1.55, hours: None })?;
    /// diary.add_resource(Resource { id: "dr_a".into(), kind: ResourceKind::Clinician, capacity: 1 })?;
    /// let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap();
    /// let appt = |id: &str, patient: &str, start, end| Appointment {
    ///     id: id.into(), patient: patient.into(), resources: vec!["dr_a".into()],
    ///     location: Some("surgery".into()), start, end, status: Status::Booked,
    ///     service_type: None, travel_mode: None,
    /// };
    /// diary.book(appt("A1", "p1", at(10, 0), at(10, 30)), None)?;
    /// // The clinician is taken at 10:15: refused without an override ...
    /// let clash = appt("A2", "p2", at(10, 15), at(10, 45));
    /// assert_eq!(diary.book(clash.clone(), None).unwrap_err().code(), "appointment.blocked");
    /// // ... and booked with one that says who decided and why.
    /// let why = Override { by_role: "care_coordinator".into(), reason: "double appointment agreed".into() };
    /// let booking = diary.book(clash, Some(why))?;
    /// assert_eq!(booking.conflicts.len(), 1);
    /// # Ok::<(), carecoord::conflicts::AppointmentError>(())
    /// ```
    pub fn book(
        &mut self,
        appointment: Appointment,
        override_: Option<Override>,
    ) -> Result<Booking, AppointmentError> {
        let conflicts = self.check(&appointment)?;
        let blocking = conflicts
            .iter()
            .filter(|c| c.severity == Severity::Block)
            .count();
        let overridden = match (blocking, override_) {
            (0, _) => None,
            (n, None) => {
                return Err(AppointmentError::new(
                    K::Blocked { conflicts: n },
                    Some(&appointment.id),
                ));
            }
            (_, Some(o)) if o.by_role.trim().is_empty() || o.reason.trim().is_empty() => {
                return Err(AppointmentError::new(
                    K::OverrideNeedsReason,
                    Some(&appointment.id),
                ));
            }
            (_, Some(o)) => Some(o),
        };
        self.add(appointment)?;
        Ok(Booking {
            conflicts,
            overridden,
        })
    }

    /// How many appointments it holds (any status).
    pub fn len(&self) -> usize {
        self.appointments.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.appointments.is_empty()
    }

    /// The appointment `id`.
    pub fn get(&self, id: &str) -> Option<&Appointment> {
        self.appointments.get(id).map(|(a, _)| a)
    }

    /// Every appointment, in no particular order.
    pub fn appointments(&self) -> impl Iterator<Item = &Appointment> {
        self.appointments.values().map(|(a, _)| a)
    }

    fn validate(&self, a: &Appointment) -> Result<Key, AppointmentError> {
        let err = |kind| AppointmentError::new(kind, Some(&a.id));
        if a.id.trim().is_empty() {
            return Err(AppointmentError::new(K::EmptyId, None));
        }
        if a.end <= a.start {
            return Err(err(K::EndNotAfterStart));
        }
        if let Some(loc) = &a.location {
            if !self.locations.contains_key(loc) {
                return Err(err(K::UnknownLocation {
                    location: crate::diag::shown_id(loc),
                }));
            }
        }
        for r in &a.resources {
            if !self.resources.contains_key(r) {
                return Err(err(K::UnknownResource {
                    resource: crate::diag::shown_id(r),
                }));
            }
        }
        Ok((micros(a.start), micros(a.end), Arc::from(a.id.as_str())))
    }

    /// Adds an appointment without checking it (a diary may hold clashes:
    /// they happen, and [`find_all`](Self::find_all) reports them). Refuses a
    /// malformed appointment or a repeated id.
    pub fn add(&mut self, appointment: Appointment) -> Result<(), AppointmentError> {
        let key = self.validate(&appointment)?;
        if self.appointments.contains_key(&key.2) {
            return Err(AppointmentError::new(K::DuplicateId, Some(&appointment.id)));
        }
        if appointment.status.occupies_time() {
            self.patients
                .entry(appointment.patient.clone())
                .or_default()
                .insert(key.clone());
            for r in dedup(&appointment.resources) {
                self.resource_lines
                    .entry(r.to_owned())
                    .or_default()
                    .insert(key.clone());
            }
        }
        self.appointments.insert(key.2.clone(), (appointment, key));
        Ok(())
    }

    /// Removes the appointment `id` and returns it.
    pub fn remove(&mut self, id: &str) -> Result<Appointment, AppointmentError> {
        let (appointment, key) = self
            .appointments
            .remove(id)
            .ok_or_else(|| AppointmentError::new(K::UnknownAppointment, Some(id)))?;
        if let Some(t) = self.patients.get_mut(&appointment.patient) {
            t.remove(&key);
        }
        for r in dedup(&appointment.resources) {
            if let Some(t) = self.resource_lines.get_mut(r) {
                t.remove(&key);
            }
        }
        Ok(appointment)
    }

    /// Every clash `appointment` would have with the diary (an appointment
    /// with the same id already in the diary is ignored, so a stored
    /// appointment can be re-checked or moved). A status that does not
    /// occupy time (cancelled, no-show, …) never clashes.
    pub fn check(&self, appointment: &Appointment) -> Result<Vec<Conflict>, AppointmentError> {
        let key = self.validate(appointment)?;
        let mut out = Vec::new();
        if !appointment.status.occupies_time() {
            return Ok(out);
        }
        let (s, e) = (key.0, key.1);
        let me = &*key.2;
        let describe = |other: &Key| -> String {
            format!(
                "{} ({})",
                other.2,
                span(from_micros(other.0), from_micros(other.1))
            )
        };

        if let Some(t) = self.patients.get(&appointment.patient) {
            for other in t.overlapping(s, e, &self.floor).filter(|k| &*k.2 != me) {
                out.push(Conflict {
                    kind: ConflictKind::PatientOverlap,
                    severity: Severity::Block,
                    with: vec![other.2.to_string()],
                    resource: None,
                    detail: format!("the patient is already booked: {}", describe(other)),
                });
            }
            self.travel_conflicts(appointment, &key, t, &mut out);
        }

        for r in dedup(&appointment.resources) {
            let (Some(t), Some(res)) = (self.resource_lines.get(r), self.resources.get(r)) else {
                continue;
            };
            let overlaps: Vec<&Key> = t
                .overlapping(s, e, &self.floor)
                .filter(|k| &*k.2 != me)
                .collect();
            for other in over_capacity(&key, &overlaps, res.capacity) {
                out.push(Conflict {
                    kind: ConflictKind::ResourceOverlap,
                    severity: Severity::Block,
                    with: vec![other.2.to_string()],
                    resource: Some(r.to_owned()),
                    detail: if res.capacity == 1 {
                        format!("`{r}` is already booked: {}", describe(other))
                    } else {
                        format!(
                            "`{r}` would be in use by more than {} appointments at once, with {}",
                            res.capacity,
                            describe(other)
                        )
                    },
                });
            }
        }

        if let Some(hours) = appointment
            .location
            .as_ref()
            .and_then(|l| self.locations.get(l))
            .and_then(|l| l.hours.as_ref().map(|h| (l, h)))
        {
            let (loc, hours) = hours;
            match hours.check(appointment.start, appointment.end) {
                Some(Closed::BankHoliday) => out.push(Conflict {
                    kind: ConflictKind::BankHoliday,
                    severity: Severity::Block,
                    with: vec![],
                    resource: None,
                    detail: format!(
                        "`{}` is closed for the bank holiday ({})",
                        loc.id,
                        span(appointment.start, appointment.end)
                    ),
                }),
                Some(closed) => out.push(Conflict {
                    kind: ConflictKind::OutsideOpeningHours,
                    severity: Severity::Block,
                    with: vec![],
                    resource: None,
                    detail: format!(
                        "`{}` is {} ({})",
                        loc.id,
                        if closed == Closed::Closure {
                            "closed that day"
                        } else {
                            "not open for all of it"
                        },
                        span(appointment.start, appointment.end)
                    ),
                }),
                None => {}
            }
        }
        self.constraint_conflicts(appointment, &key, &mut out);
        Ok(out)
    }

    /// Seconds needed to get from `a`'s location to `b`'s, travelling to
    /// `b` by `b`'s mode; `None` when either has no location or they match.
    pub(crate) fn journey(
        &self,
        from: Option<&str>,
        to: Option<&str>,
        b: &Appointment,
    ) -> Option<i64> {
        let (from, to) = (from?, to?);
        if from == to {
            return None;
        }
        let (f, t) = (self.locations.get(from)?, self.locations.get(to)?);
        Some(self.travel.seconds(
            (from, (f.lat, f.lon)),
            (to, (t.lat, t.lon)),
            self.mode_for(b),
        ))
    }

    /// Travel clashes with the appointments just before and just after in
    /// the patient's diary (consecutive in (start, end, id) order).
    fn travel_conflicts(
        &self,
        appt: &Appointment,
        key: &Key,
        t: &Timeline,
        out: &mut Vec<Conflict>,
    ) {
        let (before, after) = t.neighbours(key, &key.2);
        if let Some(prev) = before.and_then(|k| self.appointments.get(&k.2)) {
            let (p, pk) = (&prev.0, &prev.1);
            if pk.1 <= key.0 {
                if let Some(need) =
                    self.journey(p.location.as_deref(), appt.location.as_deref(), appt)
                {
                    let gap = (key.0 - pk.1) / 1_000_000;
                    if gap < need {
                        out.push(travel(p, appt, gap, need, &pk.2));
                    }
                }
            }
        }
        if let Some(next) = after.and_then(|k| self.appointments.get(&k.2)) {
            let (n, nk) = (&next.0, &next.1);
            if key.1 <= nk.0 {
                if let Some(need) = self.journey(appt.location.as_deref(), n.location.as_deref(), n)
                {
                    let gap = (nk.0 - key.1) / 1_000_000;
                    if gap < need {
                        out.push(travel(appt, n, gap, need, &nk.2));
                    }
                }
            }
        }
    }
}

fn travel(from: &Appointment, to: &Appointment, gap: i64, need: i64, other: &str) -> Conflict {
    Conflict {
        kind: ConflictKind::Travel,
        severity: Severity::Block,
        with: vec![other.to_owned()],
        resource: None,
        detail: format!(
            "{} min to get from `{}` (ends {}) to `{}` (starts {}), but the journey needs about {} min",
            gap / 60,
            from.location.as_deref().unwrap_or("?"),
            clock(from.end),
            to.location.as_deref().unwrap_or("?"),
            clock(to.start),
            (need + 59) / 60
        ),
    }
}

/// Each id once, in order.
fn dedup(ids: &[String]) -> impl Iterator<Item = &str> {
    ids.iter()
        .enumerate()
        .filter(|(i, id)| !ids.iter().take(*i).any(|x| x == *id))
        .map(|(_, id)| id.as_str())
}

/// The appointments among `others` (every other appointment on the resource
/// overlapping `x`) that clash with `x` on a resource of `capacity`: a pair
/// clashes when, at some instant of the time they share, the two of them and
/// the others active then number more than `capacity`. The instants tried are
/// the start of the shared time and every start inside it, where the count
/// can rise. The rule is symmetric: the pair gives the same answer seen from
/// either appointment, so a diary check and the bulk sweep agree.
pub(crate) fn over_capacity<'a>(x: &Key, others: &[&'a Key], capacity: u32) -> Vec<&'a Key> {
    if capacity <= 1 {
        return others.to_vec();
    }
    let cap = capacity as usize;
    if others.len() < cap {
        return Vec::new();
    }
    others
        .iter()
        .copied()
        .filter(|o| {
            let (lo, hi) = (x.0.max(o.0), x.1.min(o.1));
            let instants = std::iter::once(lo)
                .chain(others.iter().map(|k| k.0).filter(|t| *t > lo && *t < hi));
            instants
                .map(|t| {
                    2 + others
                        .iter()
                        .filter(|k| k.2 != o.2 && k.0 <= t && t < k.1)
                        .count()
                })
                .max()
                .is_some_and(|peak| peak > cap)
        })
        .collect()
}

/// One clash found by [`Diary::find_all`]: between appointments `a` and `b`
/// (`a` first in start, end, id order), or of `a` alone (opening hours).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ConflictPair {
    /// What kind.
    pub kind: ConflictKind,
    /// Whether it blocks.
    pub severity: Severity,
    /// The earlier appointment's id.
    pub a: String,
    /// The later appointment's id (`None` for opening hours and bank holidays).
    pub b: Option<String>,
    /// The resource, for a resource overlap.
    pub resource: Option<String>,
}

impl Diary {
    /// Every clash in the diary, by sort and sweep (O(n log n + k)): ordered
    /// by kind, then the first appointment, then the second. The same rules
    /// as [`check`](Self::check) for double bookings, travel, opening hours
    /// and bank holidays: an appointment's `check` names exactly the clashes
    /// of those kinds here that involve it (a person's constraints, carers and
    /// sequencing are checked per booking).
    ///
    /// Clashes grow with the square of appointments stacked at one time: a
    /// diary with more than [`MAX_CONFLICT_PAIRS`](super::MAX_CONFLICT_PAIRS)
    /// of them is refused (`appointment.too_many_conflicts`) before it can
    /// exhaust memory.
    ///
    /// ```
    /// use carecoord::conflicts::{Appointment, Diary, Location, Resource, ResourceKind, Status};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let mut diary = Diary::default();
    /// diary.add_location(Location { id: "surgery".into(), lat: 53.80, lon: -1.55, hours: None })?;
    /// diary.add_resource(Resource { id: "dr_a".into(), kind: ResourceKind::Clinician, capacity: 1 })?;
    /// let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap();
    /// let appt = |id: &str, patient: &str, start, end| Appointment {
    ///     id: id.into(), patient: patient.into(), resources: vec!["dr_a".into()],
    ///     location: Some("surgery".into()), start, end, status: Status::Booked,
    ///     service_type: None, travel_mode: None,
    /// };
    /// diary.add(appt("A1", "p1", at(10, 0), at(10, 30)))?;
    /// diary.add(appt("A2", "p2", at(10, 15), at(10, 45)))?;
    /// diary.add(appt("A3", "p3", at(11, 0), at(11, 30)))?;
    /// let clashes = diary.find_all()?;
    /// assert_eq!(clashes.len(), 1);
    /// assert_eq!((clashes[0].a.as_str(), clashes[0].b.as_deref()), ("A1", Some("A2")));
    /// # Ok::<(), carecoord::conflicts::AppointmentError>(())
    /// ```
    pub fn find_all(&self) -> Result<Vec<ConflictPair>, AppointmentError> {
        self.find_all_within(super::bulk::MAX_CONFLICT_PAIRS)
    }

    /// [`find_all`](Self::find_all) with another limit on the clashes.
    pub(crate) fn find_all_within(
        &self,
        limit: usize,
    ) -> Result<Vec<ConflictPair>, AppointmentError> {
        use super::bulk::{At, Buckets, Entry, Pair, Place, Source};
        use super::hours::Closed;

        /// Appointments by position; resources by dense key.
        struct Lookup<'d> {
            ids: Vec<&'d str>,
            names: Vec<&'d str>,
            capacity: Vec<u32>,
        }
        impl Source for Lookup<'_> {
            fn id(&self, appt: u32) -> &str {
                self.ids.get(appt as usize).copied().unwrap_or("")
            }
            fn resource(&self, extra: u32) -> &str {
                self.names.get(extra as usize).copied().unwrap_or("")
            }
            fn capacity(&self, key: u128) -> u32 {
                usize::try_from(key)
                    .ok()
                    .and_then(|k| self.capacity.get(k))
                    .copied()
                    .unwrap_or(1)
            }
        }

        let appts: Vec<&Appointment> = self.appointments.values().map(|(a, _)| a).collect();
        let mut names: Vec<&str> = self.resources.keys().map(String::as_str).collect();
        names.sort_unstable();
        let resource_key: HashMap<&str, u32> = names
            .iter()
            .enumerate()
            .map(|(i, r)| (*r, i as u32))
            .collect();
        let mut place_ids: Vec<&str> = self.locations.keys().map(String::as_str).collect();
        place_ids.sort_unstable();
        let place_key: HashMap<&str, u32> = place_ids
            .iter()
            .enumerate()
            .map(|(i, p)| (*p, i as u32))
            .collect();
        let located: Vec<&Location> = place_ids
            .iter()
            .filter_map(|p| self.locations.get(*p))
            .collect();
        let places: Vec<Place<'_>> = located
            .iter()
            .map(|l| Place {
                id: &l.id,
                at: (l.lat, l.lon),
            })
            .collect();
        let lookup = Lookup {
            ids: appts.iter().map(|a| a.id.as_str()).collect(),
            capacity: names
                .iter()
                .map(|r| self.resources.get(*r).map_or(1, |x| x.capacity))
                .collect(),
            names,
        };
        let mut patient_key: HashMap<&str, u128> = HashMap::new();
        let (mut by_patient, mut by_resource): (Vec<Entry>, Vec<Entry>) = (Vec::new(), Vec::new());
        let fill = |entries: &[Entry]| {
            let mut b = Buckets::new(entries.len());
            entries.iter().for_each(|e| b.push(*e));
            b
        };
        // Opening hours, appointment by appointment: (kind, position, appointment).
        let mut closed: Vec<(ConflictKind, At, u32)> = Vec::new();
        for (i, a) in appts.iter().enumerate() {
            if !a.status.occupies_time() {
                continue;
            }
            let i = i as u32;
            let at = At::new(micros(a.start), micros(a.end), &a.id);
            let next = patient_key.len() as u128;
            let place = a
                .location
                .as_deref()
                .and_then(|l| place_key.get(l).copied());
            by_patient.push(Entry {
                key: *patient_key.entry(&a.patient).or_insert(next),
                at,
                idx: i,
                extra: Entry::located(place, self.mode_for(a)),
            });
            for r in dedup(&a.resources) {
                if let Some(k) = resource_key.get(r) {
                    by_resource.push(Entry {
                        key: u128::from(*k),
                        at,
                        idx: i,
                        extra: *k,
                    });
                }
            }
            let hours = place
                .and_then(|p| located.get(p as usize))
                .and_then(|l| l.hours.as_ref());
            match hours.and_then(|h| h.check(a.start, a.end)) {
                Some(Closed::BankHoliday) => closed.push((ConflictKind::BankHoliday, at, i)),
                Some(_) => closed.push((ConflictKind::OutsideOpeningHours, at, i)),
                None => {}
            }
        }
        let big = appts.len() > 20_000;
        let (patients, resources) = crate::parallel::both(
            big,
            || {
                super::bulk::patient_clashes(
                    fill(&by_patient),
                    &lookup,
                    &places,
                    &self.travel,
                    limit,
                )
            },
            || super::bulk::resource_clashes(fill(&by_resource), &lookup, limit),
        );
        let too_many = || AppointmentError::new(K::TooManyConflicts { limit }, None);
        let (overlaps, journeys) = patients.map_err(|_| too_many())?;
        let resources = resources.map_err(|_| too_many())?;
        if overlaps.len() + journeys.len() + resources.examined > limit {
            return Err(too_many());
        }
        let resources = resources.pairs;
        closed.sort_unstable_by(|(k, x, i), (l, y, j)| {
            k.cmp(l)
                .then_with(|| x.cmp(y))
                .then_with(|| lookup.id(*i).cmp(lookup.id(*j)))
        });
        let lookup = &lookup;
        let id = |i: u32| lookup.id(i).to_owned();
        let pairs = |kind: ConflictKind, list: Vec<Pair>| {
            list.into_iter().map(move |p| ConflictPair {
                kind,
                severity: Severity::Block,
                a: id(p.ai),
                b: Some(id(p.bi)),
                resource: (kind == ConflictKind::ResourceOverlap)
                    .then(|| lookup.resource(p.extra).to_owned()),
            })
        };
        let alone = closed.into_iter().map(|(kind, _, i)| ConflictPair {
            kind,
            severity: Severity::Block,
            a: id(i),
            b: None,
            resource: None,
        });
        Ok(pairs(ConflictKind::PatientOverlap, overlaps)
            .chain(pairs(ConflictKind::ResourceOverlap, resources))
            .chain(pairs(ConflictKind::Travel, journeys))
            .chain(alone)
            .collect())
    }
}

/// The UTC instants a Europe/London date starts and ends (midnight always
/// exists and is unique in London: the clocks change at 01:00 UTC).
fn london_day(date: NaiveDate) -> (i64, i64) {
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| from_london(t, Disambiguation::Earlier).ok())
            .map_or(i64::MIN, micros)
    };
    (start(date), date.succ_opt().map_or(i64::MAX, start))
}

impl Diary {
    /// The person's own constraints, their carer's availability, and the
    /// sequencing rules for the appointment's service type.
    fn constraint_conflicts(&self, appt: &Appointment, key: &Key, out: &mut Vec<Conflict>) {
        let (s, e) = (key.0, key.1);
        let me = &*key.2;
        let conflict = |kind, severity, with: Vec<String>, detail: String| Conflict {
            kind,
            severity,
            with,
            resource: None,
            detail,
        };
        if let Some(c) = self.constraints.get(&appt.patient) {
            if let Some(max) = c.max_per_day {
                let day = london_date(appt.start);
                let (lo, hi) = london_day(day);
                let same_day: Vec<String> = self
                    .patients
                    .get(&appt.patient)
                    .map(|t| {
                        t.overlapping(lo, hi, &self.floor)
                            .filter(|k| &*k.2 != me && k.0 >= lo)
                            .map(|k| k.2.to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                let count = same_day.len() + 1;
                if count as u64 > u64::from(max) {
                    out.push(conflict(
                        ConflictKind::PatientConstraint,
                        Severity::Block,
                        same_day,
                        format!(
                            "the person can manage at most {max} appointment(s) a day; {} {} would have {}",
                            day.weekday(),
                            day.format("%-d %b %Y"),
                            count
                        ),
                    ));
                }
            }
            for (us, ue) in &c.unavailable {
                if micros(*us) < e && micros(*ue) > s {
                    out.push(conflict(
                        ConflictKind::PatientConstraint,
                        Severity::Block,
                        vec![],
                        format!("the person is unavailable {}", span(*us, *ue)),
                    ));
                }
            }
            if let Some(p) = &c.preferred {
                if p.check(appt.start, appt.end).is_some() {
                    out.push(conflict(
                        ConflictKind::PatientConstraint,
                        Severity::Warn,
                        vec![],
                        format!(
                            "outside the times the person prefers ({})",
                            span(appt.start, appt.end)
                        ),
                    ));
                }
            }
            if let Some(carer) = &c.carer {
                if let Some(t) = self.patients.get(carer) {
                    for other in t.overlapping(s, e, &self.floor).filter(|k| &*k.2 != me) {
                        out.push(conflict(
                            ConflictKind::Carer,
                            Severity::Block,
                            vec![other.2.to_string()],
                            format!(
                                "the carer who must attend is booked elsewhere: {} ({})",
                                other.2,
                                span(from_micros(other.0), from_micros(other.1))
                            ),
                        ));
                    }
                }
                for (us, ue) in self
                    .constraints
                    .get(carer)
                    .map(|cc| cc.unavailable.as_slice())
                    .unwrap_or_default()
                {
                    if micros(*us) < e && micros(*ue) > s {
                        out.push(conflict(
                            ConflictKind::Carer,
                            Severity::Block,
                            vec![],
                            format!(
                                "the carer who must attend is unavailable {}",
                                span(*us, *ue)
                            ),
                        ));
                    }
                }
            }
        }
        let Some(service) = &appt.service_type else {
            return;
        };
        let day = london_date(appt.start);
        for rule in self.sequences.iter().filter(|r| &r.then == service) {
            let firsts: Vec<(i64, &str)> = self
                .patients
                .get(&appt.patient)
                .map(|t| {
                    t.set
                        .iter()
                        .filter(|k| &*k.2 != me)
                        .filter_map(|k| self.appointments.get(&k.2))
                        .filter(|(a, _)| a.service_type.as_deref() == Some(rule.first.as_str()))
                        .map(|(a, _)| {
                            let gap = day - london_date(a.start);
                            (gap.num_days(), a.id.as_str())
                        })
                        .collect()
                })
                .unwrap_or_default();
            let (lo, hi) = (i64::from(rule.min_days), i64::from(rule.max_days));
            if firsts.iter().any(|(gap, _)| (lo..=hi).contains(gap)) {
                continue;
            }
            let detail = format!(
                "a {} is needed {lo}–{hi} days before a {}; {}",
                rule.first,
                rule.then,
                match firsts
                    .iter()
                    .filter(|(g, _)| *g >= 0)
                    .min_by_key(|(g, _)| *g)
                {
                    Some((g, id)) => format!("the nearest, {id}, is {g} day(s) before"),
                    None => "none is booked before it".into(),
                }
            );
            out.push(conflict(
                ConflictKind::Sequencing,
                Severity::Warn,
                firsts.iter().map(|(_, id)| (*id).to_owned()).collect(),
                detail,
            ));
        }
    }
}

/// One occurrence of a recurring appointment, and its clashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The occurrence, with id `<template id>@<YYYY-MM-DD>`.
    pub appointment: Appointment,
    /// Every clash it would have with the diary.
    pub conflicts: Vec<Conflict>,
}

impl Diary {
    /// The occurrences of `template` repeated by `rule` in Europe/London wall
    /// time (a 10:00 appointment stays at 10:00 across daylight saving, and
    /// keeps its length), skipping `exdates`, up to `horizon` for open-ended
    /// rules. A wall time the clocks skip or repeat on some date is an error
    /// naming that date, never silently moved.
    pub fn occurrences(
        &self,
        template: &Appointment,
        rule: &super::Recurrence,
        exdates: &[NaiveDate],
        horizon: Option<NaiveDate>,
    ) -> Result<Vec<Appointment>, AppointmentError> {
        self.validate(template)?;
        let length = template.end - template.start;
        let start = to_london(template.start).local();
        let with_id = |mut e: AppointmentError| {
            e.appointment = Some(template.id.clone());
            e
        };
        let mut out = Vec::new();
        for wall in rule.expand(start, exdates, horizon).map_err(with_id)? {
            let instant = from_london(wall, Disambiguation::Reject).map_err(|e| {
                let problem = match e {
                    crate::time::TimeError::AmbiguousLocalTime { .. } => {
                        super::LocalTimeProblem::Repeated
                    }
                    _ => super::LocalTimeProblem::Skipped,
                };
                with_id(AppointmentError::new(
                    K::LocalTime {
                        date: wall.date().to_string(),
                        time: wall.time().format("%H:%M").to_string(),
                        problem,
                    },
                    None,
                ))
            })?;
            out.push(Appointment {
                id: format!("{}@{}", template.id, wall.date()),
                start: instant,
                end: instant + length,
                ..template.clone()
            });
        }
        Ok(out)
    }

    /// Checks every occurrence of a recurring appointment against the diary,
    /// one by one.
    pub fn check_series(
        &self,
        template: &Appointment,
        rule: &super::Recurrence,
        exdates: &[NaiveDate],
        horizon: Option<NaiveDate>,
    ) -> Result<Vec<Occurrence>, AppointmentError> {
        self.occurrences(template, rule, exdates, horizon)?
            .into_iter()
            .map(|a| {
                let conflicts = self.check(&a)?;
                Ok(Occurrence {
                    appointment: a,
                    conflicts,
                })
            })
            .collect()
    }
}

/// A time at which an appointment could be booked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Slot {
    /// Start.
    pub start: DateTime<Utc>,
    /// End (the template's length after `start`).
    pub end: DateTime<Utc>,
    /// Warnings it would carry (never a blocking conflict).
    pub warnings: Vec<Conflict>,
}

/// A suggestion to move one appointment onto the day of another nearby,
/// saving the person a journey.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// The appointment that stays.
    pub keep: String,
    /// The appointment to move.
    pub move_id: String,
    /// Where it could go: straight after `keep`, allowing for the journey.
    pub to: Slot,
    /// Straight-line distance between the two places, km.
    pub km: f64,
}

/// The most slots one [`Diary::suggest`] call returns: a person chooses from
/// a handful, and the bound keeps each call's work small.
pub const MAX_SUGGESTIONS: usize = 100;

/// The most days one [`Diary::suggest`] call looks ahead (a year). With a
/// step of at least a minute, a call checks at most 366 × 1,440 candidates.
pub const MAX_SUGGEST_DAYS: u32 = 366;

impl Diary {
    /// The next `n` times, from `from`, at which `template` (its patient,
    /// resources, place and length) has no blocking conflict: candidate
    /// starts every `step_minutes` of London wall time between `earliest`
    /// and `latest` each day, for up to `days` days. Opening hours, travel,
    /// the person's constraints and carer apply through [`check`](Self::check);
    /// warnings are returned with each slot. `n` is at most
    /// [`MAX_SUGGESTIONS`] and `days` at most [`MAX_SUGGEST_DAYS`]
    /// (`appointment.invalid_setup` otherwise).
    ///
    /// ```
    /// use carecoord::conflicts::{Appointment, Diary, Location, Resource, ResourceKind, Status};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let mut diary = Diary::default();
    /// diary.add_location(Location { id: "surgery".into(), lat: 53.80, lon: -1.55, hours: None })?;
    /// diary.add_resource(Resource { id: "dr_a".into(), kind: ResourceKind::Clinician, capacity: 1 })?;
    /// let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap();
    /// let appt = |id: &str, patient: &str, start, end| Appointment {
    ///     id: id.into(), patient: patient.into(), resources: vec!["dr_a".into()],
    ///     location: Some("surgery".into()), start, end, status: Status::Booked,
    ///     service_type: None, travel_mode: None,
    /// };
    /// use carecoord::time::parse_wall_clock;
    /// diary.add(appt("A1", "p1", at(9, 0), at(10, 0)))?;
    /// // The next two free half hours with dr_a from 09:00, on the hour or half hour.
    /// let wanted = appt("new", "p2", at(9, 0), at(9, 30));
    /// let window = (parse_wall_clock("09:00", "earliest")?, parse_wall_clock("17:00", "latest")?);
    /// let slots = diary.suggest(&wanted, at(9, 0), 2, 30, 1, window)?;
    /// assert_eq!(slots.iter().map(|s| s.start).collect::<Vec<_>>(), [at(10, 0), at(10, 30)]);
    /// # Ok::<(), carecoord::Error>(())
    /// ```
    pub fn suggest(
        &self,
        template: &Appointment,
        from: DateTime<Utc>,
        n: usize,
        step_minutes: u32,
        days: u32,
        (earliest, latest): (chrono::NaiveTime, chrono::NaiveTime),
    ) -> Result<Vec<Slot>, AppointmentError> {
        self.validate(template)?;
        if n > MAX_SUGGESTIONS || days > MAX_SUGGEST_DAYS {
            return Err(AppointmentError::new(
                K::InvalidSetup {
                    message: format!(
                        "suggestions are limited to {MAX_SUGGESTIONS} slots over {MAX_SUGGEST_DAYS} days"
                    ),
                },
                Some(&template.id),
            ));
        }
        if step_minutes == 0 || earliest >= latest {
            return Err(AppointmentError::new(
                K::InvalidSetup {
                    message:
                        "suggestions need a step of at least a minute and earliest before latest"
                            .into(),
                },
                Some(&template.id),
            ));
        }
        let length = template.end - template.start;
        let step = chrono::Duration::minutes(i64::from(step_minutes));
        let first_day = london_date(from);
        let mut out = Vec::new();
        for offset in 0..i64::from(days) {
            let Some(day) = first_day.checked_add_signed(chrono::Duration::days(offset)) else {
                break;
            };
            let mut wall = day.and_time(earliest);
            while wall.time() <= latest && wall.date() == day && out.len() < n {
                // Wall times the clocks skip or repeat are not offered.
                if let Ok(start) = from_london(wall, Disambiguation::Reject) {
                    if start >= from {
                        let candidate = Appointment {
                            start,
                            end: start + length,
                            ..template.clone()
                        };
                        let found = self.check(&candidate)?;
                        if found.iter().all(|c| c.severity != Severity::Block) {
                            out.push(Slot {
                                start,
                                end: start + length,
                                warnings: found,
                            });
                        }
                    }
                }
                wall += step;
            }
            if out.len() >= n {
                break;
            }
        }
        Ok(out)
    }

    /// Same-day bundling for one person: for each pair of their appointments
    /// on different London days at places within `max_km` of each other,
    /// the later one moved to straight after the earlier (allowing for the
    /// journey, rounded up to 5 minutes), when that has no blocking conflict.
    pub fn bundles(&self, patient: &str, max_km: f64) -> Vec<Bundle> {
        let Some(t) = self.patients.get(patient) else {
            return Vec::new();
        };
        let mine: Vec<&Appointment> = t
            .set
            .iter()
            .filter_map(|k| self.appointments.get(&k.2).map(|(a, _)| a))
            .collect();
        let mut out = Vec::new();
        for (i, a) in mine.iter().enumerate() {
            for b in mine.iter().skip(i + 1) {
                let (day_a, day_b) = (london_date(a.start), london_date(b.start));
                if day_a == day_b {
                    continue;
                }
                let (Some(la), Some(lb)) = (
                    a.location.as_ref().and_then(|l| self.locations.get(l)),
                    b.location.as_ref().and_then(|l| self.locations.get(l)),
                ) else {
                    continue;
                };
                let km = super::travel::haversine_km((la.lat, la.lon), (lb.lat, lb.lon));
                if km > max_km {
                    continue;
                }
                let journey = self
                    .journey(a.location.as_deref(), b.location.as_deref(), b)
                    .unwrap_or(0);
                let gap = (journey + 299) / 300 * 300;
                let start = a.end + chrono::Duration::seconds(gap);
                let moved = Appointment {
                    start,
                    end: start + (b.end - b.start),
                    ..(*b).clone()
                };
                let Ok(found) = self.check(&moved) else {
                    continue;
                };
                if found.iter().all(|c| c.severity != Severity::Block) {
                    out.push(Bundle {
                        keep: a.id.clone(),
                        move_id: b.id.clone(),
                        to: Slot {
                            start: moved.start,
                            end: moved.end,
                            warnings: found,
                        },
                        km,
                    });
                }
            }
        }
        out
    }
}
