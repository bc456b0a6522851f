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

    fn s(&self, i: u32) -> i64 {
        self.start.get(i as usize).copied().unwrap_or(0)
    }

    fn e(&self, i: u32) -> i64 {
        self.end.get(i as usize).copied().unwrap_or(0)
    }
}

/// Groups `(group, appointment)` pairs, each group in (start, end, id) order.
fn grouped(cols: &Columns<'_>, mut pairs: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| cols.cmp(a.1, b.1)));
    pairs
}

/// Overlapping pairs within each group: `a.start < b.end && b.start < a.end`.
fn sweep(cols: &Columns<'_>, pairs: &[(u32, u32)], mut emit: impl FnMut(u32, u32, u32)) {
    let mut active: Vec<u32> = Vec::new();
    let mut group = None;
    for &(g, x) in pairs {
        if group != Some(g) {
            active.clear();
            group = Some(g);
        }
        let (xs, xe) = (cols.s(x), cols.e(x));
        active.retain(|&y| cols.e(y) > xs);
        for &y in &active {
            // y starts no later than x; it overlaps x if it also starts before x ends.
            if cols.s(y) < xe {
                emit(g, y, x);
            }
        }
        active.push(x);
    }
}

/// Every clash in `cols`, ordered by kind, then `a`, then `b` (appointment
/// order: start, end, id).
pub(crate) fn find_all(cols: &Columns<'_>, travel: &TravelModel) -> Vec<Found> {
    let n = cols.ids.len();
    let live = |i: u32| cols.occupies.get(i as usize).copied().unwrap_or(false);
    let mut found = Vec::new();

    // Patients: overlaps, then travel between consecutive appointments.
    let by_patient = grouped(
        cols,
        (0..n as u32)
            .filter(|&i| live(i))
            .map(|i| (cols.patient.get(i as usize).copied().unwrap_or(0), i))
            .collect(),
    );
    sweep(cols, &by_patient, |_, a, b| {
        found.push(Found {
            kind: ConflictKind::PatientOverlap,
            severity: Severity::Block,
            a,
            b: Some(b),
            resource: None,
        });
    });
    for w in by_patient.windows(2) {
        let (Some(&(g1, a)), Some(&(g2, b))) = (w.first(), w.get(1)) else {
            continue;
        };
        if g1 != g2 || cols.e(a) > cols.s(b) {
            continue;
        }
        let loc = |i: u32| cols.location.get(i as usize).copied().flatten();
        let (Some(la), Some(lb)) = (loc(a), loc(b)) else {
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
            cols.mode.get(b as usize).copied().flatten(),
        );
        let gap = (cols.s(b) - cols.e(a)) / 1_000_000;
        if gap < need {
            found.push(Found {
                kind: ConflictKind::Travel,
                severity: Severity::Block,
                a,
                b: Some(b),
                resource: None,
            });
        }
    }

    // Resources: overlaps beyond capacity.
    let by_resource = grouped(
        cols,
        cols.uses
            .iter()
            .copied()
            .filter(|&(i, _)| live(i))
            .map(|(i, r)| (r, i))
            .collect(),
    );
    let mut resource_pairs = Vec::new();
    sweep(cols, &by_resource, |g, a, b| resource_pairs.push((g, a, b)));
    for (g, a, b) in resource_pairs {
        let capacity = cols.capacity.get(g as usize).copied().unwrap_or(1);
        let clash = capacity <= 1 || {
            // Rare (rooms, equipment with capacity > 1): apply the diary's rule
            // to the pair, with everything on the resource overlapping `a`.
            let (ka, kb) = (cols.key(a), cols.key(b));
            let others: Vec<Key> = by_resource
                .iter()
                .filter(|&&(h, i)| h == g && i != a && cols.s(i) < ka.1 && cols.e(i) > ka.0)
                .map(|&(_, i)| cols.key(i))
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

    // Opening hours, appointment by appointment.
    for i in (0..n as u32).filter(|&i| live(i)) {
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
