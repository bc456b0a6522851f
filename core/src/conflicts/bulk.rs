//! Every clash in a whole diary or table at once, by sort and sweep: each
//! patient's and each resource's appointments in (start, end, id) order, one
//! pass each. The same rules as [`Diary::check`](super::Diary::check).
//!
//! Patients and resources are identified by a key: a dense number for a
//! diary, a 128-bit hash of the id for a table (so that a million rows need
//! no hash table, whose random accesses cost more than everything else). The
//! entries are partitioned by key into small buckets that fit in cache, each
//! bucket sorted, and the runs of one key swept.

use super::conflict::{ConflictKind, Severity};
use super::diary::{Key, over_capacity};
use super::hours::{Closed, OpeningHours};
use super::model::TravelMode;
use super::travel::TravelModel;

/// A place appointments happen (one entry per distinct location).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    pub id: &'a str,
    pub at: (f64, f64),
    pub hours: Option<&'a OpeningHours>,
}

/// One appointment's use of a resource.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Use<'a> {
    pub appt: u32,
    pub key: u128,
    pub name: &'a str,
}

/// The columns the sweep reads; appointments by index.
pub(crate) struct Columns<'a> {
    pub ids: Vec<&'a str>,
    /// Microseconds since the epoch, UTC.
    pub start: Vec<i64>,
    pub end: Vec<i64>,
    pub occupies: Vec<bool>,
    /// The patient key of each appointment.
    pub patient: Vec<u128>,
    pub uses: Vec<Use<'a>>,
    /// Capacity by resource key, where keys are dense (a diary); any other
    /// key has capacity 1.
    pub capacity: Vec<u32>,
    /// Each appointment's place, as an index into `places`.
    pub place: Vec<Option<u32>>,
    /// The distinct places.
    pub places: Vec<Place<'a>>,
    pub mode: Vec<Option<TravelMode>>,
}

/// One clash between two appointments (`b` is `None` for opening hours),
/// `a` before `b` in (start, end, id) order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found<'a> {
    pub kind: ConflictKind,
    pub severity: Severity,
    pub a: u32,
    pub b: Option<u32>,
    /// The resource, for a resource overlap.
    pub resource: Option<&'a str>,
}

impl Columns<'_> {
    fn id(&self, i: u32) -> &str {
        self.ids.get(i as usize).copied().unwrap_or("")
    }

    fn s(&self, i: u32) -> i64 {
        self.start.get(i as usize).copied().unwrap_or(0)
    }

    fn e(&self, i: u32) -> i64 {
        self.end.get(i as usize).copied().unwrap_or(0)
    }

    fn key(&self, i: u32) -> Key {
        (self.s(i), self.e(i), self.id(i).into())
    }

    fn live(&self, i: u32) -> bool {
        self.occupies.get(i as usize).copied().unwrap_or(false)
    }
}

/// One appointment of one group, with what the sweep reads inline so that
/// sorting and sweeping read memory in order.
#[derive(Debug, Clone, Copy)]
struct Entry<P> {
    key: u128,
    s: i64,
    e: i64,
    idx: u32,
    payload: P,
}

/// What the travel check needs of each patient entry: its place (an index
/// into the small, cache-resident table of places; `u32::MAX` for none) and
/// travel mode.
#[derive(Debug, Clone, Copy)]
struct Where {
    place: u32,
    mode: Option<TravelMode>,
}

/// Groups entries by key, each group in (start, end, id) order: partitioned
/// by a mix of the key into buckets small enough for the cache, then each
/// bucket sorted (ids are compared only to break exact ties of time).
fn grouped<P: Copy>(entries: Vec<Entry<P>>, cols: &Columns<'_>) -> Vec<Entry<P>> {
    const BITS: u32 = 10;
    let bucket = |k: u128| -> usize {
        let folded = (k as u64) ^ ((k >> 64) as u64);
        (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - BITS)) as usize
    };
    let mut starts = vec![0usize; (1 << BITS) + 1];
    for x in &entries {
        if let Some(c) = starts.get_mut(bucket(x.key) + 1) {
            *c += 1;
        }
    }
    for b in 0..(1usize << BITS) {
        let before = starts.get(b).copied().unwrap_or(0);
        if let Some(c) = starts.get_mut(b + 1) {
            *c += before;
        }
    }
    // Into buckets in place (an American flag permutation): each slot's
    // entry is swapped to the next free place of its own bucket until the
    // slot holds one that belongs there. No second buffer, so a million
    // entries cost no fresh pages.
    let mut out = entries;
    let mut next = starts.clone();
    for b in 0..(1usize << BITS) {
        let end = starts.get(b + 1).copied().unwrap_or(0);
        loop {
            let at = next.get(b).copied().unwrap_or(end);
            if at >= end {
                break;
            }
            let Some(x) = out.get(at) else { break };
            let home = bucket(x.key);
            if home == b {
                if let Some(n) = next.get_mut(b) {
                    *n += 1;
                }
                continue;
            }
            let Some(to) = next.get_mut(home) else { break };
            let target = *to;
            *to += 1;
            // Always within the table: the counts sized every bucket.
            if target >= out.len() {
                break;
            }
            out.swap(at, target);
        }
    }
    for b in 0..(1usize << BITS) {
        let (lo, hi) = (
            starts.get(b).copied().unwrap_or(0),
            starts.get(b + 1).copied().unwrap_or(0),
        );
        if let Some(slice) = out.get_mut(lo..hi) {
            slice.sort_unstable_by(|x, y| {
                (x.key, x.s, x.e)
                    .cmp(&(y.key, y.s, y.e))
                    .then_with(|| cols.id(x.idx).cmp(cols.id(y.idx)))
            });
        }
    }
    out
}

/// Overlapping pairs within each group: `a.start < b.end && b.start < a.end`.
fn sweep<P: Copy>(entries: &[Entry<P>], mut emit: impl FnMut(&Entry<P>, &Entry<P>)) {
    let mut active: Vec<Entry<P>> = Vec::new();
    let mut group = None;
    for x in entries {
        if group != Some(x.key) {
            active.clear();
            group = Some(x.key);
        }
        active.retain(|y| y.e > x.s);
        for y in &active {
            // y starts no later than x; it overlaps x if it also starts before x ends.
            if y.s < x.e {
                emit(y, x);
            }
        }
        active.push(*x);
    }
}

/// Patient overlaps and travel clashes.
fn patients<'a>(cols: &Columns<'a>, travel: &TravelModel) -> Vec<Found<'a>> {
    let entries: Vec<Entry<Where>> = (0..cols.ids.len() as u32)
        .filter(|&i| cols.live(i))
        .map(|i| Entry {
            key: cols.patient.get(i as usize).copied().unwrap_or(0),
            s: cols.s(i),
            e: cols.e(i),
            idx: i,
            payload: Where {
                place: cols
                    .place
                    .get(i as usize)
                    .copied()
                    .flatten()
                    .unwrap_or(u32::MAX),
                mode: cols.mode.get(i as usize).copied().flatten(),
            },
        })
        .collect();
    let by_patient = grouped(entries, cols);
    let mut found = Vec::new();
    sweep(&by_patient, |y, x| {
        found.push(Found {
            kind: ConflictKind::PatientOverlap,
            severity: Severity::Block,
            a: y.idx,
            b: Some(x.idx),
            resource: None,
        });
    });
    for w in by_patient.windows(2) {
        let (Some(x), Some(y)) = (w.first(), w.get(1)) else {
            continue;
        };
        let (px, py) = (x.payload, y.payload);
        if x.key != y.key || x.e > y.s || px.place == py.place {
            continue;
        }
        let (Some(from), Some(to)) = (
            cols.places.get(px.place as usize),
            cols.places.get(py.place as usize),
        ) else {
            continue;
        };
        let gap = (y.s - x.e) / 1_000_000;
        // Most pairs are hours or days apart: settle them without the
        // trigonometry (or the ids, which only a matrix needs).
        if travel.certainly_enough(gap, from.at, to.at, py.mode) {
            continue;
        }
        let need = travel.seconds((from.id, from.at), (to.id, to.at), py.mode);
        if gap < need {
            found.push(Found {
                kind: ConflictKind::Travel,
                severity: Severity::Block,
                a: x.idx,
                b: Some(y.idx),
                resource: None,
            });
        }
    }
    found
}

/// Resource overlaps beyond capacity.
fn resources<'a>(cols: &Columns<'a>) -> Vec<Found<'a>> {
    let entries: Vec<Entry<u32>> = cols
        .uses
        .iter()
        .enumerate()
        .filter(|(_, u)| cols.live(u.appt))
        .map(|(n, u)| Entry {
            key: u.key,
            s: cols.s(u.appt),
            e: cols.e(u.appt),
            idx: u.appt,
            payload: n as u32,
        })
        .collect();
    let by_resource = grouped(entries, cols);
    let mut pairs = Vec::new();
    sweep(&by_resource, |y, x| {
        pairs.push((x.key, y.idx, x.idx, x.payload))
    });
    let mut found = Vec::with_capacity(pairs.len());
    for (key, a, b, use_index) in pairs {
        let capacity = usize::try_from(key)
            .ok()
            .and_then(|k| cols.capacity.get(k))
            .copied()
            .unwrap_or(1);
        let clash = capacity <= 1 || {
            // Rare (rooms, equipment with capacity > 1): apply the diary's rule
            // to the pair, with everything on the resource overlapping `a`.
            let (ka, kb) = (cols.key(a), cols.key(b));
            let others: Vec<Key> = by_resource
                .iter()
                .filter(|x| x.key == key && x.idx != a && x.s < ka.1 && x.e > ka.0)
                .map(|x| cols.key(x.idx))
                .collect();
            let refs: Vec<&Key> = others.iter().collect();
            over_capacity(&ka, &refs, capacity)
                .iter()
                .any(|k| k.2 == kb.2)
        };
        if clash {
            found.push(Found {
                kind: ConflictKind::ResourceOverlap,
                severity: Severity::Block,
                a,
                b: Some(b),
                resource: cols.uses.get(use_index as usize).map(|u| u.name),
            });
        }
    }
    found
}

/// Kind, then (start, end, first eight bytes of the id) of the first and of
/// the second appointment: the appointment order, inline.
type SortKey = (ConflictKind, (i64, i64, u64), (i64, i64, u64));

/// The first eight bytes of `id`, big-endian and zero-padded: comparing two
/// of these orders ids as comparing the strings does, up to ties.
fn prefix(id: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (b, x) in bytes.iter_mut().zip(id.bytes()) {
        *b = x;
    }
    u64::from_be_bytes(bytes)
}

/// Every clash in `cols`, ordered by kind, then `a`, then `b` (appointment
/// order: start, end, id), then resource.
pub(crate) fn find_all<'a>(cols: &Columns<'a>, travel: &TravelModel) -> Vec<Found<'a>> {
    // Patients and resources are independent: one core each.
    let (mut found, by_resource) = std::thread::scope(|scope| {
        let r = scope.spawn(|| resources(cols));
        let p = patients(cols, travel);
        // A failed worker is recomputed here, never silently dropped.
        (p, r.join().unwrap_or_else(|_| resources(cols)))
    });
    found.extend(by_resource);

    // Opening hours, appointment by appointment.
    for i in (0..cols.ids.len() as u32).filter(|&i| cols.live(i)) {
        let Some(hours) = cols
            .place
            .get(i as usize)
            .copied()
            .flatten()
            .and_then(|p| cols.places.get(p as usize))
            .and_then(|p| p.hours)
        else {
            continue;
        };
        let (s, e) = (
            super::diary::from_micros(cols.s(i)),
            super::diary::from_micros(cols.e(i)),
        );
        let kind = match hours.check(s, e) {
            Some(Closed::BankHoliday) => ConflictKind::BankHoliday,
            Some(_) => ConflictKind::OutsideOpeningHours,
            None => continue,
        };
        found.push(Found {
            kind,
            severity: Severity::Block,
            a: i,
            b: None,
            resource: None,
        });
    }

    // Sort on inline keys (kind, times) so that the comparisons read memory in
    // order; ids and resources only break exact ties.
    let time = |i: Option<u32>| {
        i.map_or((i64::MIN, i64::MIN, 0), |i| {
            (cols.s(i), cols.e(i), prefix(cols.id(i)))
        })
    };
    let mut keyed: Vec<(SortKey, Found<'a>)> = found
        .into_iter()
        .map(|f| ((f.kind, time(Some(f.a)), time(f.b)), f))
        .collect();
    keyed.sort_unstable_by(|((kind_x, ax, bx), x), ((kind_y, ay, by), y)| {
        (kind_x, ax)
            .cmp(&(kind_y, ay))
            .then_with(|| cols.id(x.a).cmp(cols.id(y.a)))
            .then_with(|| bx.cmp(by))
            .then_with(|| x.b.map(|b| cols.id(b)).cmp(&y.b.map(|b| cols.id(b))))
            .then_with(|| x.resource.cmp(&y.resource))
    });
    let found: Vec<Found<'a>> = keyed.into_iter().map(|(_, f)| f).collect();
    found
}
