//! Every clash in a whole diary or table at once, by sort and sweep: each
//! patient's and each resource's appointments in (start, end, id) order, one
//! pass each. The same rules as [`Diary::check`](super::Diary::check).

use std::cmp::Ordering;

use super::conflict::{ConflictKind, Severity};
use super::diary::{Key, over_capacity};
use super::hours::{Closed, OpeningHours};
use super::model::TravelMode;
use super::travel::TravelModel;

/// The columns the sweep reads; appointments by index.
pub(crate) struct Columns<'a> {
    pub ids: Vec<&'a str>,
    /// Microseconds since the epoch, UTC.
    pub start: Vec<i64>,
    pub end: Vec<i64>,
    pub occupies: Vec<bool>,
    /// Patient group of each appointment.
    pub patient: Vec<u32>,
    /// (appointment, resource group) pairs.
    pub uses: Vec<(u32, u32)>,
    /// Capacity of each resource group.
    pub capacity: Vec<u32>,
    /// Location index of each appointment.
    pub location: Vec<Option<u32>>,
    /// Each location: id, (lat, lon), opening hours.
    pub places: Vec<(&'a str, (f64, f64), Option<&'a OpeningHours>)>,
    pub mode: Vec<Option<TravelMode>>,
}

/// One clash between two appointments (`b` is `None` for opening hours),
/// `a` before `b` in (start, end, id) order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub kind: ConflictKind,
    pub severity: Severity,
    pub a: u32,
    pub b: Option<u32>,
    /// The resource group, for a resource overlap.
    pub resource: Option<u32>,
}

impl Columns<'_> {
    fn cmp(&self, x: u32, y: u32) -> Ordering {
        let (x, y) = (x as usize, y as usize);
        let key = |i: usize| {
            (
                self.start.get(i).copied().unwrap_or(0),
                self.end.get(i).copied().unwrap_or(0),
                self.ids.get(i).copied().unwrap_or(""),
            )
        };
        key(x).cmp(&key(y))
    }

    fn key(&self, i: u32) -> Key {
        let i = i as usize;
        (
            self.start.get(i).copied().unwrap_or(0),
            self.end.get(i).copied().unwrap_or(0),
            self.ids.get(i).copied().unwrap_or("").into(),
        )
    }

    fn id(&self, i: u32) -> &str {
        self.ids.get(i as usize).copied().unwrap_or("")
    }

    fn s(&self, i: u32) -> i64 {
        self.start.get(i as usize).copied().unwrap_or(0)
    }

    fn e(&self, i: u32) -> i64 {
        self.end.get(i as usize).copied().unwrap_or(0)
    }
}

/// One appointment in a group, with its times inline so that sorting and
/// sweeping read memory in order.
#[derive(Debug, Clone, Copy)]
struct Entry {
    group: u32,
    idx: u32,
    s: i64,
    e: i64,
}

/// Groups `(group, appointment)` pairs, each group in (start, end, id) order:
/// a counting sort by group, then a sort of each (small) group.
fn grouped(cols: &Columns<'_>, pairs: impl Iterator<Item = (u32, u32)>) -> Vec<Entry> {
    let pairs: Vec<Entry> = pairs
        .map(|(group, idx)| Entry {
            group,
            idx,
            s: cols.s(idx),
            e: cols.e(idx),
        })
        .collect();
    let groups = pairs
        .iter()
        .map(|p| p.group as usize + 1)
        .max()
        .unwrap_or(0);
    let mut offsets = vec![0usize; groups + 1];
    for p in &pairs {
        if let Some(o) = offsets.get_mut(p.group as usize + 1) {
            *o += 1;
        }
    }
    for g in 0..groups {
        let before = offsets.get(g).copied().unwrap_or(0);
        if let Some(o) = offsets.get_mut(g + 1) {
            *o += before;
        }
    }
    let mut out = vec![
        Entry {
            group: 0,
            idx: 0,
            s: 0,
            e: 0
        };
        pairs.len()
    ];
    let mut next = offsets.clone();
    for p in pairs {
        if let Some(slot) = next.get_mut(p.group as usize) {
            if let Some(cell) = out.get_mut(*slot) {
                *cell = p;
            }
            *slot += 1;
        }
    }
    for g in 0..groups {
        let (lo, hi) = (
            offsets.get(g).copied().unwrap_or(0),
            offsets.get(g + 1).copied().unwrap_or(0),
        );
        if let Some(slice) = out.get_mut(lo..hi) {
            slice.sort_unstable_by(|a, b| {
                (a.s, a.e)
                    .cmp(&(b.s, b.e))
                    .then_with(|| cols.id(a.idx).cmp(cols.id(b.idx)))
            });
        }
    }
    out
}

/// Overlapping pairs within each group: `a.start < b.end && b.start < a.end`.
fn sweep(entries: &[Entry], mut emit: impl FnMut(u32, u32, u32)) {
    let mut active: Vec<Entry> = Vec::new();
    let mut group = None;
    for &x in entries {
        if group != Some(x.group) {
            active.clear();
            group = Some(x.group);
        }
        active.retain(|y| y.e > x.s);
        for y in &active {
            // y starts no later than x; it overlaps x if it also starts before x ends.
            if y.s < x.e {
                emit(x.group, y.idx, x.idx);
            }
        }
        active.push(x);
    }
}

/// Patient overlaps and travel clashes.
fn patients(cols: &Columns<'_>, travel: &TravelModel, live: &[bool]) -> Vec<Found> {
    let mut found = Vec::new();
    let by_patient = grouped(
        cols,
        (0..cols.ids.len() as u32)
            .filter(|&i| live.get(i as usize).copied().unwrap_or(false))
            .map(|i| (cols.patient.get(i as usize).copied().unwrap_or(0), i)),
    );
    sweep(&by_patient, |_, a, b| {
        found.push(Found {
            kind: ConflictKind::PatientOverlap,
            severity: Severity::Block,
            a,
            b: Some(b),
            resource: None,
        });
    });
    for w in by_patient.windows(2) {
        let (Some(x), Some(y)) = (w.first(), w.get(1)) else {
            continue;
        };
        if x.group != y.group || x.e > y.s {
            continue;
        }
        let loc = |i: u32| cols.location.get(i as usize).copied().flatten();
        let (Some(la), Some(lb)) = (loc(x.idx), loc(y.idx)) else {
            continue;
        };
        if la == lb {
            continue;
        }
        let (Some(pa), Some(pb)) = (cols.places.get(la as usize), cols.places.get(lb as usize))
        else {
            continue;
        };
        if pa.0 == pb.0 {
            continue;
        }
        let need = travel.seconds(
            (pa.0, pa.1),
            (pb.0, pb.1),
            cols.mode.get(y.idx as usize).copied().flatten(),
        );
        let gap = (y.s - x.e) / 1_000_000;
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
fn resources(cols: &Columns<'_>, live: &[bool]) -> Vec<Found> {
    let by_resource = grouped(
        cols,
        cols.uses
            .iter()
            .copied()
            .filter(|&(i, _)| live.get(i as usize).copied().unwrap_or(false))
            .map(|(i, r)| (r, i)),
    );
    let mut pairs = Vec::new();
    sweep(&by_resource, |g, a, b| pairs.push((g, a, b)));
    let mut found = Vec::with_capacity(pairs.len());
    for (g, a, b) in pairs {
        let capacity = cols.capacity.get(g as usize).copied().unwrap_or(1);
        let clash = capacity <= 1 || {
            // Rare (rooms, equipment with capacity > 1): apply the diary's rule
            // to the pair, with everything on the resource overlapping `a`.
            let (ka, kb) = (cols.key(a), cols.key(b));
            let others: Vec<Key> = by_resource
                .iter()
                .filter(|x| x.group == g && x.idx != a && x.s < ka.1 && x.e > ka.0)
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
                resource: Some(g),
            });
        }
    }
    found
}

/// Every clash in `cols`, ordered by kind, then `a`, then `b` (appointment
/// order: start, end, id).
pub(crate) fn find_all(cols: &Columns<'_>, travel: &TravelModel) -> Vec<Found> {
    let n = cols.ids.len();
    let live: Vec<bool> = (0..n)
        .map(|i| cols.occupies.get(i).copied().unwrap_or(false))
        .collect();
    let live_at = |i: u32| live.get(i as usize).copied().unwrap_or(false);
    // Patients and resources are independent: one core each.
    let (mut found, by_resource) = std::thread::scope(|scope| {
        let r = scope.spawn(|| resources(cols, &live));
        let p = patients(cols, travel, &live);
        // A failed worker is recomputed here, never silently dropped.
        (p, r.join().unwrap_or_else(|_| resources(cols, &live)))
    });
    found.extend(by_resource);

    // Opening hours, appointment by appointment.
    for i in (0..n as u32).filter(|&i| live_at(i)) {
        let hours = cols
            .location
            .get(i as usize)
            .copied()
            .flatten()
            .and_then(|l| cols.places.get(l as usize))
            .and_then(|p| p.2);
        let Some(hours) = hours else { continue };
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

    found.sort_by(|x, y| {
        x.kind
            .cmp(&y.kind)
            .then_with(|| cols.cmp(x.a, y.a))
            .then_with(|| match (x.b, y.b) {
                (Some(p), Some(q)) => cols.cmp(p, q),
                (p, q) => p.cmp(&q),
            })
            .then_with(|| x.resource.cmp(&y.resource))
    });
    found
}
