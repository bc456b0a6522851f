//! Every clash in a table of appointments held in an Arrow record batch
//! (feature `arrow`): the same sweep as [`Diary::find_all`], read in place.

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, DictionaryArray, Float64Array, Int32Array, RecordBatch, StringArray,
};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field as ArrowField, Schema as ArrowSchema};

use crate::caseload::RecordError;
use crate::expr::columnar::{BoundBatch, Texts, Times};
use crate::expr::{Field, Scalar, Schema, Type};
use crate::routing::fast_hash::{FastMap, key128};

use super::bulk::{
    At, Buckets, Entry, Examined, MAX_CONFLICT_PAIRS, MAX_PLACES, Pair, Place, Source, TooMany,
    merge_resource_pairs, patient_clashes, prefix, resource_clashes, resource_clashes_shared,
};
use super::conflict::{ConflictKind, Severity};
use super::error::{AppointmentError, AppointmentErrorKind as K};
use super::model::{Status, TravelMode};
use super::travel::TravelModel;

const ID: usize = 0;
const PATIENT: usize = 1;
const RESOURCE: usize = 2;
const LOCATION: usize = 3;
const LAT: usize = 4;
const LON: usize = 5;
const STATUS: usize = 6;
const MODE: usize = 7;

fn schema() -> Schema {
    let f = |name: &str, ty: Type, nullable: bool| Field {
        name: name.into(),
        ty,
        nullable,
        role: None,
    };
    // The names are unique, so this cannot fail.
    Schema::new(vec![
        f("id", Type::Str, false),
        f("patient", Type::Str, false),
        f("resource", Type::Str, true),
        f("location", Type::Str, true),
        f("lat", Type::Float, true),
        f("lon", Type::Float, true),
        f("status", Type::Str, true),
        f("travel_mode", Type::Str, true),
    ])
    .unwrap_or_default()
}

fn column_error(e: RecordError) -> AppointmentError {
    AppointmentError::new(
        K::InvalidColumn {
            message: e.to_string(),
        },
        None,
    )
}

/// The output schema of [`find_all_batch`].
pub fn find_all_schema() -> Arc<ArrowSchema> {
    let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    Arc::new(ArrowSchema::new(vec![
        ArrowField::new("appt_a", DataType::Utf8, false),
        ArrowField::new("appt_b", DataType::Utf8, true),
        ArrowField::new("kind", dict.clone(), false),
        ArrowField::new("severity", dict, false),
        ArrowField::new("resource", DataType::Utf8, true),
    ]))
}

const KINDS: [ConflictKind; 5] = [
    ConflictKind::PatientOverlap,
    ConflictKind::ResourceOverlap,
    ConflictKind::Travel,
    ConflictKind::OutsideOpeningHours,
    ConflictKind::BankHoliday,
];

/// Every clash among the appointments in `batch`, by sort and sweep, with
/// the same rules as [`Diary::check`](super::Diary::check).
///
/// Columns: `id`, `patient` (an opaque reference), `start` and `end`
/// (timestamps with a time zone); optional `resource` (one per row: give
/// adjacent rows with the same id for an appointment using several, or leave
/// it null), `location` with `lat` and `lon` (the
/// same coordinates on every row of a location), `status` (FHIR codes;
/// default booked) and `travel_mode`. Opening hours are not checked here
/// (use a [`Diary`](super::Diary) with locations for that). Resources have
/// capacity 1. Each row's `lat` and `lon` are used for its location.
///
/// Output, one row per clash, ordered by kind, then the first appointment,
/// then the second (start, end, id): `appt_a`, `appt_b`, `kind`,
/// `severity`, `resource`. Errors name the column (and the appointment id
/// for a bad row), never a value.
pub fn find_all_batch(
    batch: &RecordBatch,
    travel: &TravelModel,
) -> Result<RecordBatch, AppointmentError> {
    find_all_batches(std::slice::from_ref(batch), travel)
}

/// [`find_all_batch`] over a table held as several batches (as a Parquet
/// file or a stream gives it): appointments are compared across all of them.
pub fn find_all_batches(
    batches: &[RecordBatch],
    travel: &TravelModel,
) -> Result<RecordBatch, AppointmentError> {
    let schema = schema();
    let required = [true, true, false, false, false, false, false, false];
    let mut bound = Vec::with_capacity(batches.len());
    let mut times = Vec::with_capacity(batches.len());
    for batch in batches {
        bound.push(BoundBatch::bind(batch, &schema, &required).map_err(column_error)?);
        times.push((
            Times::of(batch, "start").map_err(column_error)?,
            Times::of(batch, "end").map_err(column_error)?,
        ));
    }
    let mut rows = Vec::with_capacity(batches.len());
    let mut total = 0usize;
    for (b, (start, end)) in bound.iter().zip(times) {
        let (Some(id), Some(patient), Ok(base)) =
            (b.texts(ID), b.texts(PATIENT), u32::try_from(total))
        else {
            return Err(invalid("`id` and `patient` must be text"));
        };
        rows.push(Rows {
            base,
            len: b.rows(),
            bound: b,
            id,
            patient,
            resource: b.texts(RESOURCE),
            location: b.texts(LOCATION),
            status: b.texts(STATUS),
            mode: b.texts(MODE),
            start,
            end,
            lat: b.float64(LAT),
            lon: b.float64(LON),
        });
        total += b.rows();
    }
    if u32::try_from(total).is_err() {
        return Err(invalid("more than 4,294,967,295 rows"));
    }
    let table = Table { rows, total };

    // Patients and resources are independent: one core each, each reading
    // the columns it needs straight from the batches. Resources are the
    // heavier (long runs per clinician, most of the clashes): when the
    // patients are done, that core helps with the resource buckets left.
    let limit = MAX_CONFLICT_PAIRS;
    let (patients, resources) = if total > 20_000 {
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::channel();
            let t = &table;
            let worker = scope.spawn(move || {
                let shared = Arc::new(resource_entries(t).share());
                // If no one helps (the patients failed), this worker does it all.
                let _ = tx.send(Arc::clone(&shared));
                resource_clashes_shared(&shared, t, limit)
            });
            let patients = patient_side(&table, travel, limit);
            let helped = match (&patients, rx.recv()) {
                (Ok(_), Ok(shared)) => resource_clashes_shared(&shared, &table, limit),
                _ => Ok(Examined::default()),
            };
            let resources = worker.join().ok().map(|mine| {
                let (mine, helped) = (mine?, helped?);
                Ok(Examined {
                    examined: mine.examined + helped.examined,
                    pairs: merge_resource_pairs(&table, mine.pairs, helped.pairs),
                })
            });
            (patients, resources)
        })
    } else {
        (patient_side(&table, travel, limit), None)
    };
    let too_many = || AppointmentError::new(K::TooManyConflicts { limit }, None);
    let (overlaps, journeys) = patients?;
    // A failed worker's part is recomputed here, never silently dropped.
    let resources = match resources {
        Some(found) => found,
        None => resource_clashes(resource_entries(&table), &table, limit),
    }
    .map_err(|_: TooMany| too_many())?;
    if overlaps.len() + journeys.len() + resources.examined > limit {
        return Err(too_many());
    }
    let resources = resources.pairs;
    let parts = [
        (ConflictKind::PatientOverlap, overlaps.as_slice()),
        (ConflictKind::ResourceOverlap, resources.as_slice()),
        (ConflictKind::Travel, journeys.as_slice()),
    ];
    // The output reads ids at random rows: two halves, one core each.
    let rows: usize = parts.iter().map(|(_, p)| p.len()).sum();
    let (first, second) = crate::parallel::both(
        rows > 20_000,
        || Half::of(&table, &parts, 0..rows / 2),
        || Half::of(&table, &parts, rows / 2..rows),
    );
    let halves = [first?, second?];
    // One id on rows that are not adjacent reads as two appointments; if
    // they clash with each other, say so rather than report a self-clash.
    if let Some(id) = halves.iter().find_map(|h| h.duplicate) {
        return Err(AppointmentError::new(K::DuplicateId, Some(id)));
    }
    assemble(&parts, &halves)
}

fn invalid(message: &str) -> AppointmentError {
    AppointmentError::new(
        K::InvalidColumn {
            message: message.into(),
        },
        None,
    )
}

/// One batch's columns, read in place; its rows are numbered from `base` in
/// the whole table.
struct Rows<'t> {
    base: u32,
    len: usize,
    bound: &'t BoundBatch<'t>,
    id: Texts<'t>,
    patient: Texts<'t>,
    resource: Option<Texts<'t>>,
    location: Option<Texts<'t>>,
    status: Option<Texts<'t>>,
    mode: Option<Texts<'t>>,
    start: Times<'t>,
    end: Times<'t>,
    lat: Option<&'t Float64Array>,
    lon: Option<&'t Float64Array>,
}

impl Rows<'_> {
    #[inline]
    fn float(&self, field: usize, row: usize) -> Option<f64> {
        let typed = if field == LAT { self.lat } else { self.lon };
        if let Some(a) = typed {
            return (!a.is_null(row))
                .then(|| a.values().get(row).copied())
                .flatten();
        }
        match self.bound.scalar(field, row) {
            Scalar::Float(x) => Some(x),
            Scalar::Int(i) => Some(i as f64),
            _ => None,
        }
    }
}

/// The batches of a table. An appointment is numbered by its first row; a
/// resource entry's `extra` is its own row.
struct Table<'t> {
    rows: Vec<Rows<'t>>,
    total: usize,
}

impl<'t> Table<'t> {
    /// The batch holding row `row` of the table, and the row within it.
    fn at(&self, row: u32) -> Option<(&Rows<'t>, usize)> {
        let k = self
            .rows
            .partition_point(|r| r.base <= row)
            .checked_sub(1)?;
        let rows = self.rows.get(k)?;
        Some((rows, (row - rows.base) as usize))
    }
}

impl Source for Table<'_> {
    fn id(&self, appt: u32) -> &str {
        self.at(appt)
            .and_then(|(rows, r)| rows.id.get(r))
            .unwrap_or("")
    }

    fn resource(&self, extra: u32) -> &str {
        self.at(extra)
            .and_then(|(rows, r)| rows.resource.as_ref().and_then(|c| c.get(r)))
            .unwrap_or("")
    }

    fn capacity(&self, _key: u128) -> u32 {
        1
    }
}

/// Reads and checks every row, then finds patient overlaps and travel
/// clashes. Errors name the first bad row's appointment, in table order.
fn patient_side<'t>(
    table: &Table<'t>,
    travel: &TravelModel,
    limit: usize,
) -> Result<(Vec<Pair>, Vec<Pair>), AppointmentError> {
    let mut entries = Buckets::new(table.total);
    // Distinct locations are few: their table stays in cache.
    let mut places: Vec<Place<'t>> = Vec::new();
    let mut place_index: FastMap<&'t str, u32> = FastMap::default();
    // In front of it, a direct-mapped cache by key: (key, place).
    let mut recent = vec![(u128::MAX, 0u32); 4096];
    // The appointment being read (adjacent rows with one id are one
    // appointment with several resources): id, patient, start, end, live.
    let mut last: Option<(u64, &str, u128, i64, i64, bool)> = None;
    for rows in &table.rows {
        for r in 0..rows.len {
            let id = rows.id.get(r).unwrap_or("");
            let pre = prefix(id);
            let err = |kind| AppointmentError::new(kind, Some(id));
            // Most ids start with a letter or digit: no need to trim them.
            let blank = match id.as_bytes().first() {
                Some(b) if b.is_ascii_alphanumeric() => false,
                _ => id.trim().is_empty(),
            };
            if blank {
                return Err(AppointmentError::new(K::EmptyId, None));
            }
            let (Some(s), Some(e)) = (rows.start.get(r), rows.end.get(r)) else {
                return Err(err(K::InvalidColumn {
                    message: "`start` and `end` cannot be null".into(),
                }));
            };
            if e <= s {
                return Err(err(K::EndNotAfterStart));
            }
            let status = match rows.status.as_ref().and_then(|c| c.get(r)) {
                Some(t) => t.parse::<Status>().map_err(|x| err(x.kind))?,
                None => Status::Booked,
            };
            let patient = key128(rows.patient.get(r).unwrap_or("").as_bytes());
            let live = status.occupies_time();
            match last {
                // The prefix settles most rows without comparing the ids.
                Some((last_pre, last_id, p, ls, le, ll)) if last_pre == pre && last_id == id => {
                    // A further resource of the same appointment: the rest must agree.
                    if (p, ls, le, ll) != (patient, s, e, live) {
                        return Err(err(K::InvalidColumn {
                            message:
                                "rows of one appointment disagree on patient, start, end or status"
                                    .into(),
                        }));
                    }
                    continue;
                }
                _ => last = Some((pre, id, patient, s, e, live)),
            }
            let mode = match rows.mode.as_ref().and_then(|c| c.get(r)) {
                Some(t) => Some(t.parse::<TravelMode>().map_err(|x| err(x.kind))?),
                None => None,
            };
            let place = match rows.location.as_ref().and_then(|c| c.get(r)) {
                None => None,
                Some(loc) => {
                    let (Some(lat), Some(lon)) = (rows.float(LAT, r), rows.float(LON, r)) else {
                        return Err(err(K::InvalidColumn {
                            message: "a row with a `location` needs `lat` and `lon`".into(),
                        }));
                    };
                    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                        return Err(err(K::InvalidColumn {
                            message: "`lat`/`lon` outside -90..90, -180..180".into(),
                        }));
                    }
                    let k = key128(loc.as_bytes());
                    let slot = ((k as u64 ^ (k >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
                        >> 52) as usize;
                    let cached = recent.get(slot).and_then(|&(key, i)| {
                        // A short id is its own key; a long one is compared.
                        let hit = key == k
                            && (loc.len() <= 15
                                || places.get(i as usize).is_some_and(|p| p.id == loc));
                        hit.then_some(i)
                    });
                    let next = places.len() as u32;
                    let i = match cached {
                        Some(i) => i,
                        None => *place_index.entry(loc).or_insert(next),
                    };
                    if let Some(c) = recent.get_mut(slot) {
                        *c = (k, i);
                    }
                    if i == next {
                        if next >= MAX_PLACES {
                            return Err(invalid("more than 268,435,456 distinct locations"));
                        }
                        places.push(Place {
                            id: loc,
                            at: (lat, lon),
                        });
                    } else if places.get(i as usize).is_some_and(|p| p.at != (lat, lon)) {
                        return Err(err(K::InvalidColumn {
                            message: format!(
                                "location `{loc}` has different coordinates on different rows"
                            ),
                        }));
                    }
                    Some(i)
                }
            };
            if live {
                entries.push(Entry {
                    key: patient,
                    at: At::with_prefix(s, e, pre),
                    idx: rows.base + r as u32,
                    extra: Entry::located(place, mode),
                });
            }
        }
    }
    patient_clashes(entries, table, &places, travel, limit)
        .map_err(|_| AppointmentError::new(K::TooManyConflicts { limit }, None))
}

/// Every row's use of its resource, bucketed. Rows the patient side refuses
/// are skipped here (that side reports them).
fn resource_entries(table: &Table<'_>) -> Buckets {
    let mut entries = Buckets::new(table.total);
    // The appointment being read: its id and first row, and the resources
    // seen on its rows (the same one given twice counts once).
    let mut last: Option<(u64, &str)> = None;
    let mut appt = 0u32;
    let mut seen: Vec<u128> = Vec::new();
    for rows in &table.rows {
        for r in 0..rows.len {
            let id = rows.id.get(r).unwrap_or("");
            let pre = prefix(id);
            if !last.is_some_and(|(p, i)| p == pre && i == id) {
                last = Some((pre, id));
                appt = rows.base + r as u32;
                seen.clear();
            }
            let Some(name) = rows.resource.as_ref().and_then(|c| c.get(r)) else {
                continue;
            };
            let (Some(s), Some(e)) = (rows.start.get(r), rows.end.get(r)) else {
                continue;
            };
            let live = match rows.status.as_ref().and_then(|c| c.get(r)) {
                Some(t) => t.parse::<Status>().is_ok_and(Status::occupies_time),
                None => true,
            };
            if e <= s || !live {
                continue;
            }
            let key = key128(name.as_bytes());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            entries.push(Entry {
                key,
                at: At::with_prefix(s, e, pre),
                idx: appt,
                extra: rows.base + r as u32,
            });
        }
    }
    entries
}

/// The text columns of a run of output rows.
struct Half<'t> {
    a: StringArray,
    b: StringArray,
    resource: StringArray,
    /// The id of the first pair of rows sharing one id, if any.
    duplicate: Option<&'t str>,
}

impl<'t> Half<'t> {
    /// Output rows `range` of the parts laid end to end.
    fn of(
        table: &'t Table<'t>,
        parts: &[(ConflictKind, &[Pair])],
        range: std::ops::Range<usize>,
    ) -> Result<Self, AppointmentError> {
        let n = range.len();
        let mut here: Vec<(&Pair, bool)> = Vec::with_capacity(n);
        let mut skip = range.start;
        for (kind, pairs) in parts {
            let rest = pairs.get(skip.min(pairs.len())..).unwrap_or(&[]);
            skip = skip.saturating_sub(pairs.len());
            let named = *kind == ConflictKind::ResourceOverlap;
            let take = (n - here.len()).min(rest.len());
            here.extend(rest.iter().take(take).map(|p| (p, named)));
        }
        let a = ids_at(table, here.iter().map(|(p, _)| p.ai))?;
        let b = ids_at(table, here.iter().map(|(p, _)| p.bi))?;
        // Resources are few, each named from one row (its first entry's).
        let mut resource = StringBuilder::with_capacity(n, n * 4);
        let mut last: Option<(u32, &str)> = None;
        let mut bytes = 0usize;
        for (p, named) in &here {
            if !named {
                resource.append_null();
                continue;
            }
            let name = match last {
                Some((row, name)) if row == p.extra => name,
                _ => table.resource(p.extra),
            };
            last = Some((p.extra, name));
            bytes += name.len();
            if bytes > i32::MAX as usize {
                return Err(too_much_text());
            }
            resource.append_value(name);
        }
        let duplicate = (0..n)
            .find(|&i| a.value(i) == b.value(i))
            .and_then(|i| here.get(i))
            .map(|(p, _)| table.id(p.ai));
        Ok(Self {
            a,
            b,
            resource: resource.finish(),
            duplicate,
        })
    }
}

fn too_much_text() -> AppointmentError {
    invalid("the clashes found need more than 2 GiB of text")
}

/// The ids of appointments `rows`, in that order, as a string array. The
/// rows are random: they are read in row order (so memory is read forwards,
/// which the hardware prefetches) and each id written to its place.
fn ids_at(
    table: &Table<'_>,
    rows: impl Iterator<Item = u32>,
) -> Result<StringArray, AppointmentError> {
    let mut want: Vec<(u32, u32)> = rows
        .enumerate()
        .map(|(slot, row)| (row, slot as u32))
        .collect();
    want.sort_unstable();
    let n = want.len();
    let mut lens = vec![0usize; n];
    let mut found: Vec<(&str, u32)> = Vec::with_capacity(n);
    let mut last: Option<(u32, &str)> = None;
    for &(row, slot) in &want {
        let id = match last {
            Some((r, id)) if r == row => id,
            _ => table.id(row),
        };
        last = Some((row, id));
        if let Some(l) = lens.get_mut(slot as usize) {
            *l = id.len();
        }
        found.push((id, slot));
    }
    let total: usize = lens.iter().sum();
    // Offsets are 32-bit: refuse rather than overflow.
    if total > i32::MAX as usize {
        return Err(too_much_text());
    }
    let mut offsets = Vec::with_capacity(n + 1);
    let mut at = 0i32;
    offsets.push(at);
    for l in &lens {
        at += *l as i32;
        offsets.push(at);
    }
    let mut values = vec![0u8; total];
    for (id, slot) in found {
        let start = offsets.get(slot as usize).copied().unwrap_or(0) as usize;
        if let Some(place) = values.get_mut(start..start + id.len()) {
            place.copy_from_slice(id.as_bytes());
        }
    }
    StringArray::try_new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        values.into(),
        None,
    )
    .map_err(|_| invalid("internal error building the output"))
}

/// One output batch: the halves' text, and each part's kind.
fn assemble(
    parts: &[(ConflictKind, &[Pair])],
    halves: &[Half<'_>],
) -> Result<RecordBatch, AppointmentError> {
    let rows: usize = parts.iter().map(|(_, p)| p.len()).sum();
    let text = |f: &dyn for<'h> Fn(&'h Half<'_>) -> &'h StringArray| -> StringArray {
        let bytes = halves.iter().map(|h| f(h).value_data().len()).sum();
        let mut out = StringBuilder::with_capacity(rows, bytes);
        for h in halves {
            f(h).iter().for_each(|v| out.append_option(v));
        }
        out.finish()
    };
    let a = text(&|h| &h.a);
    let b = text(&|h| &h.b);
    let resource = text(&|h| &h.resource);
    let kind = Int32Array::from_iter_values(parts.iter().flat_map(|(kind, p)| {
        let k = KINDS.iter().position(|k| k == kind).unwrap_or(0) as i32;
        std::iter::repeat_n(k, p.len())
    }));
    // Every clash found in bulk blocks: key 1 of the dictionary below.
    let severity = Int32Array::from_iter_values(std::iter::repeat_n(1, rows));
    let kinds: StringArray = KINDS.iter().map(|k| Some(k.key())).collect();
    let severities: StringArray = [Severity::Warn, Severity::Block]
        .iter()
        .map(|s| Some(s.key()))
        .collect();
    let internal = |_| invalid("internal error building the output");
    let columns: Vec<ArrayRef> = vec![
        Arc::new(a),
        Arc::new(b),
        Arc::new(DictionaryArray::<Int32Type>::try_new(kind, Arc::new(kinds)).map_err(internal)?),
        Arc::new(
            DictionaryArray::<Int32Type>::try_new(severity, Arc::new(severities))
                .map_err(internal)?,
        ),
        Arc::new(resource),
    ];
    RecordBatch::try_new(find_all_schema(), columns).map_err(internal)
}
