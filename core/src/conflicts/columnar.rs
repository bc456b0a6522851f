//! Every clash in a table of appointments held in an Arrow record batch
//! (feature `arrow`): the same sweep as [`Diary::find_all`], read in place.

use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, DictionaryArray, Int32Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field as ArrowField, Schema as ArrowSchema};

use crate::caseload::RecordError;
use crate::expr::columnar::{BoundBatch, timestamp_micros};
use crate::expr::{Field, Scalar, Schema, Type};
use crate::routing::fast_hash::{FastMap, hash128};

use super::bulk::{Columns, Place, Use, find_all};
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
    let mut start = Vec::new();
    let mut end = Vec::new();
    // (batch, row in batch) of each row of the whole table.
    let mut locate: Vec<(u32, u32)> = Vec::new();
    for batch in batches {
        let b = BoundBatch::bind(batch, &schema, &required).map_err(column_error)?;
        start.extend(timestamp_micros(batch, "start").map_err(column_error)?);
        end.extend(timestamp_micros(batch, "end").map_err(column_error)?);
        for r in 0..b.rows() {
            locate.push((bound.len() as u32, r as u32));
        }
        bound.push(b);
    }
    let table = Table {
        bound: &bound,
        locate: &locate,
        start: &start,
        end: &end,
    };
    let rows = locate.len();

    // Read and hash the rows on every core; split where the id changes, so
    // an appointment's rows (one per resource) stay in one part.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut cuts = vec![0usize];
    for t in 1..threads {
        let mut at = rows * t / threads;
        while at > 0 && at < rows && table.text(ID, at) == table.text(ID, at - 1) {
            at += 1;
        }
        if at > *cuts.last().unwrap_or(&0) && at < rows {
            cuts.push(at);
        }
    }
    cuts.push(rows);
    let parts: Vec<Result<Columns<'_>, AppointmentError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let (lo, hi) = (
                    w.first().copied().unwrap_or(0),
                    w.get(1).copied().unwrap_or(0),
                );
                let table = &table;
                scope.spawn(move || table.read(lo, hi))
            })
            .collect();
        handles
            .into_iter()
            .zip(cuts.windows(2))
            .map(|(h, w)| {
                let (lo, hi) = (
                    w.first().copied().unwrap_or(0),
                    w.get(1).copied().unwrap_or(0),
                );
                // A failed worker is redone here rather than lost.
                h.join().unwrap_or_else(|_| table.read(lo, hi))
            })
            .collect()
    });
    let mut cols = Columns {
        ids: Vec::with_capacity(rows),
        start: Vec::with_capacity(rows),
        end: Vec::with_capacity(rows),
        occupies: Vec::with_capacity(rows),
        patient: Vec::with_capacity(rows),
        uses: Vec::new(),
        capacity: Vec::new(),
        place: Vec::with_capacity(rows),
        places: Vec::new(),
        mode: Vec::with_capacity(rows),
    };
    let mut place_index: FastMap<&str, u32> = FastMap::default();
    for part in parts {
        let part = part?;
        let base = cols.ids.len() as u32;
        // Each part numbered its places itself: renumber into one table.
        let mut renumber = Vec::with_capacity(part.places.len());
        for p in &part.places {
            let next = cols.places.len() as u32;
            let i = *place_index.entry(p.id).or_insert(next);
            if i == next {
                cols.places.push(*p);
            } else if cols.places.get(i as usize).is_some_and(|q| q.at != p.at) {
                return Err(AppointmentError::new(
                    K::InvalidColumn {
                        message: format!(
                            "location `{}` has different coordinates on different rows",
                            p.id
                        ),
                    },
                    None,
                ));
            }
            renumber.push(i);
        }
        cols.ids.extend(part.ids);
        cols.start.extend(part.start);
        cols.end.extend(part.end);
        cols.occupies.extend(part.occupies);
        cols.patient.extend(part.patient);
        cols.place.extend(
            part.place
                .into_iter()
                .map(|p| p.and_then(|i| renumber.get(i as usize).copied())),
        );
        cols.mode.extend(part.mode);
        cols.uses.extend(part.uses.into_iter().map(|u| Use {
            appt: u.appt + base,
            ..u
        }));
    }
    // The same resource given twice for one appointment counts once.
    cols.uses
        .dedup_by(|a, b| a.appt == b.appt && a.key == b.key && a.name == b.name);

    let found = find_all(&cols, travel);
    let id = |i: u32| cols.ids.get(i as usize).copied();
    // One id on rows that are not adjacent reads as two appointments; if
    // they clash with each other, say so rather than report a self-clash.
    if let Some(f) = found.iter().find(|f| f.b.is_some_and(|b| id(b) == id(f.a))) {
        return Err(AppointmentError::new(K::DuplicateId, id(f.a)));
    }
    let a: StringArray = found.iter().map(|f| id(f.a)).collect();
    let b: StringArray = found.iter().map(|f| f.b.and_then(id)).collect();
    let kind = Int32Array::from_iter_values(
        found
            .iter()
            .map(|f| KINDS.iter().position(|k| *k == f.kind).unwrap_or(0) as i32),
    );
    let severity = Int32Array::from_iter_values(
        found
            .iter()
            .map(|f| i32::from(f.severity == Severity::Block)),
    );
    let resource: StringArray = found.iter().map(|f| f.resource).collect();
    let kinds: StringArray = KINDS.iter().map(|k| Some(k.key())).collect();
    let severities: StringArray = [Severity::Warn, Severity::Block]
        .iter()
        .map(|s| Some(s.key()))
        .collect();
    let internal = |_| {
        AppointmentError::new(
            K::InvalidColumn {
                message: "internal error building the output".into(),
            },
            None,
        )
    };
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

/// The bound batches of a table, read row by row.
struct Table<'t, 'a> {
    bound: &'t [BoundBatch<'a>],
    locate: &'t [(u32, u32)],
    start: &'t [Option<i64>],
    end: &'t [Option<i64>],
}

impl<'t, 'a> Table<'t, 'a> {
    fn scalar(&self, field: usize, row: usize) -> Scalar<'t> {
        match self
            .locate
            .get(row)
            .and_then(|&(b, r)| self.bound.get(b as usize).map(|b| (b, r as usize)))
        {
            Some((b, r)) => b.scalar(field, r),
            None => Scalar::Null,
        }
    }

    fn text(&self, field: usize, row: usize) -> Option<&'t str> {
        match self.scalar(field, row) {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    fn float(&self, field: usize, row: usize) -> Option<f64> {
        match self.scalar(field, row) {
            Scalar::Float(x) => Some(x),
            Scalar::Int(i) => Some(i as f64),
            _ => None,
        }
    }

    /// Rows `lo..hi` as appointments (adjacent rows with one id are one
    /// appointment with several resources).
    fn read(&self, lo: usize, hi: usize) -> Result<Columns<'t>, AppointmentError> {
        let n = hi.saturating_sub(lo);
        let mut cols = Columns {
            ids: Vec::with_capacity(n),
            start: Vec::with_capacity(n),
            end: Vec::with_capacity(n),
            occupies: Vec::with_capacity(n),
            patient: Vec::with_capacity(n),
            uses: Vec::with_capacity(n),
            capacity: Vec::new(),
            place: Vec::with_capacity(n),
            places: Vec::new(),
            mode: Vec::with_capacity(n),
        };
        // Distinct locations are few: their table stays in cache.
        let mut place_index: FastMap<&'t str, u32> = FastMap::default();
        for r in lo..hi {
            let id = self.text(ID, r).unwrap_or("");
            let err = |kind| AppointmentError::new(kind, Some(id));
            if id.trim().is_empty() {
                return Err(AppointmentError::new(K::EmptyId, None));
            }
            let (Some(s), Some(e)) = (
                self.start.get(r).copied().flatten(),
                self.end.get(r).copied().flatten(),
            ) else {
                return Err(err(K::InvalidColumn {
                    message: "`start` and `end` cannot be null".into(),
                }));
            };
            if e <= s {
                return Err(err(K::EndNotAfterStart));
            }
            let status = match self.text(STATUS, r) {
                Some(t) => t.parse::<Status>().map_err(|x| err(x.kind))?,
                None => Status::Booked,
            };
            let patient = hash128(self.text(PATIENT, r).unwrap_or("").as_bytes());
            let index = cols.ids.len() as u32;
            let appt = match cols.ids.last() {
                Some(last) if *last == id => index - 1,
                _ => index,
            };
            if let Some(res) = self.text(RESOURCE, r) {
                cols.uses.push(Use {
                    appt,
                    key: hash128(res.as_bytes()),
                    name: res,
                });
            }
            if appt != index {
                // A further resource of an appointment already read: the rest must agree.
                let a = appt as usize;
                let same = cols.patient.get(a) == Some(&patient)
                    && cols.start.get(a) == Some(&s)
                    && cols.end.get(a) == Some(&e)
                    && cols.occupies.get(a) == Some(&status.occupies_time());
                if !same {
                    return Err(err(K::InvalidColumn {
                        message:
                            "rows of one appointment disagree on patient, start, end or status"
                                .into(),
                    }));
                }
                continue;
            }
            let mode = match self.text(MODE, r) {
                Some(t) => Some(t.parse::<TravelMode>().map_err(|x| err(x.kind))?),
                None => None,
            };
            let place = match self.text(LOCATION, r) {
                None => None,
                Some(loc) => {
                    let (Some(lat), Some(lon)) = (self.float(LAT, r), self.float(LON, r)) else {
                        return Err(err(K::InvalidColumn {
                            message: "a row with a `location` needs `lat` and `lon`".into(),
                        }));
                    };
                    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                        return Err(err(K::InvalidColumn {
                            message: "`lat`/`lon` outside -90..90, -180..180".into(),
                        }));
                    }
                    let next = cols.places.len() as u32;
                    let i = *place_index.entry(loc).or_insert(next);
                    if i == next {
                        cols.places.push(Place {
                            id: loc,
                            at: (lat, lon),
                            hours: None,
                        });
                    } else if cols
                        .places
                        .get(i as usize)
                        .is_some_and(|p| p.at != (lat, lon))
                    {
                        return Err(err(K::InvalidColumn {
                            message: format!(
                                "location `{loc}` has different coordinates on different rows"
                            ),
                        }));
                    }
                    Some(i)
                }
            };
            cols.ids.push(id);
            cols.start.push(s);
            cols.end.push(e);
            cols.occupies.push(status.occupies_time());
            cols.patient.push(patient);
            cols.place.push(place);
            cols.mode.push(mode);
        }
        Ok(cols)
    }
}
