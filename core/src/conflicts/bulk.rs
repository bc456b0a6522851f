//! Every clash in a whole diary or table at once, by sort and sweep: each
//! patient's and each resource's appointments in (start, end, id) order, one
//! pass each. The same rules as [`Diary::check`](super::Diary::check).
//!
//! The caller turns its appointments into [`Entry`] records, one per
//! (patient or resource, appointment), carrying inline everything sorting and
//! sweeping read: the group's key, the times and the first bytes of the id.
//! Patients and resources are identified by a key: a dense number for a
//! diary, a 128-bit hash of the id for a table (so that a million rows need
//! no hash table, whose random accesses cost more than everything else). The
//! entries are partitioned by key into small buckets as they are made (no
//! pass over them all), each bucket sorted while it fits in cache, and the
//! runs of one key swept. Each clash found carries its
//! two appointments' order inline too, so that putting the clashes in output
//! order reads the appointments again only to break exact ties.

use std::cmp::Ordering;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use super::diary::{Key, over_capacity};
use super::model::TravelMode;
use super::travel::TravelModel;

/// A place appointments happen (one entry per distinct location).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    pub id: &'a str,
    pub at: (f64, f64),
}

/// What the sweep looks up by appointment, rarely: ids only break exact ties
/// of time and prefix; names label resource clashes in the output.
pub(crate) trait Source: Sync {
    /// The id of appointment `appt` (as numbered in the entries).
    fn id(&self, appt: u32) -> &str;
    /// The name of the resource behind a resource entry's `extra`.
    fn resource(&self, extra: u32) -> &str;
    /// The capacity of the resource with `key`.
    fn capacity(&self, key: u128) -> u32;
}

/// An appointment's position in the output order: start, end (microseconds,
/// UTC), then the id, of which the first eight bytes are kept inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct At {
    pub s: i64,
    pub e: i64,
    pre: u64,
}

impl At {
    pub(crate) fn new(s: i64, e: i64, id: &str) -> Self {
        Self::with_prefix(s, e, prefix(id))
    }

    /// The same, with `pre` already computed by [`prefix`].
    pub(crate) fn with_prefix(s: i64, e: i64, pre: u64) -> Self {
        Self { s, e, pre }
    }
}

/// The first eight bytes of `id`, big-endian and zero-padded: comparing two
/// of these orders ids as comparing the strings does, up to ties.
#[inline]
pub(crate) fn prefix(id: &str) -> u64 {
    crate::routing::fast_hash::word_le(id.as_bytes()).swap_bytes()
}

/// One appointment of one group (a patient or a resource).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// The group.
    pub key: u128,
    pub at: At,
    /// The appointment.
    pub idx: u32,
    /// For a patient: where and how they travel ([`Entry::located`]); for a
    /// resource: its name, for [`Source::resource`].
    pub extra: u32,
}

/// Places are numbered below this; the three low bits of a patient entry's
/// `extra` hold the travel mode.
pub(crate) const MAX_PLACES: u32 = 1 << 28;
const NO_PLACE: u32 = MAX_PLACES;

impl Entry {
    /// The `extra` of a patient entry at `place` (an index into the places,
    /// below [`MAX_PLACES`]) travelling by `mode`.
    pub(crate) fn located(place: Option<u32>, mode: Option<TravelMode>) -> u32 {
        let mode = match mode {
            None => 0,
            Some(TravelMode::Walk) => 1,
            Some(TravelMode::PublicTransport) => 2,
            Some(TravelMode::Car) => 3,
            Some(TravelMode::PatientTransport) => 4,
        };
        (place.unwrap_or(NO_PLACE).min(NO_PLACE) << 3) | mode
    }

    fn place(&self) -> Option<u32> {
        let p = self.extra >> 3;
        (p < NO_PLACE).then_some(p)
    }

    fn mode(&self) -> Option<TravelMode> {
        match self.extra & 7 {
            1 => Some(TravelMode::Walk),
            2 => Some(TravelMode::PublicTransport),
            3 => Some(TravelMode::Car),
            4 => Some(TravelMode::PatientTransport),
            _ => None,
        }
    }
}

/// One clash: appointment `a` before `b` in output order, with both
/// positions inline; `extra` is the resource entry's, for a resource overlap.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pair {
    pub a: At,
    pub b: At,
    pub ai: u32,
    pub bi: u32,
    pub extra: u32,
}

impl Pair {
    fn of(y: &Entry, x: &Entry) -> Self {
        Self {
            a: y.at,
            b: x.at,
            ai: y.idx,
            bi: x.idx,
            extra: x.extra,
        }
    }
}

/// Two appointments in output order: inline position, then the full ids.
fn by_at<S: Source + ?Sized>(src: &S, (x, i): (&At, u32), (y, j): (&At, u32)) -> Ordering {
    x.cmp(y).then_with(|| {
        if i == j {
            Ordering::Equal
        } else {
            src.id(i).cmp(src.id(j))
        }
    })
}

/// Puts clashes in output order: `a`, then `b`, then (for resources) the
/// resource's name.
fn sort_pairs<S: Source + ?Sized>(src: &S, pairs: &mut [Pair], by_resource: bool) {
    pairs.sort_unstable_by(|x, y| pair_order(src, x, y, by_resource));
}

fn pair_order<S: Source + ?Sized>(src: &S, x: &Pair, y: &Pair, by_resource: bool) -> Ordering {
    by_at(src, (&x.a, x.ai), (&y.a, y.ai))
        .then_with(|| by_at(src, (&x.b, x.bi), (&y.b, y.bi)))
        .then_with(|| {
            if by_resource && x.extra != y.extra {
                src.resource(x.extra).cmp(src.resource(y.extra))
            } else {
                Ordering::Equal
            }
        })
}

/// Entries partitioned by a mix of their key as they are made, into
/// buckets small enough for the cache: each bucket is then sorted and swept
/// while it is still there.
pub(crate) struct Buckets {
    parts: Vec<Vec<Entry>>,
    bits: u32,
}

impl Buckets {
    /// Buckets for about `expected` entries (a few hundred each).
    pub(crate) fn new(expected: usize) -> Self {
        let bits = (expected / 1024).max(1).ilog2().min(10);
        let each = expected >> bits;
        Self {
            parts: (0..1usize << bits)
                .map(|_| Vec::with_capacity(each + each / 4))
                .collect(),
            bits,
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, entry: Entry) {
        let folded = (entry.key as u64) ^ ((entry.key >> 64) as u64);
        // The top bits of a multiplicative hash: 0 when there is one bucket.
        let b = folded
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .checked_shr(64 - self.bits)
            .unwrap_or(0) as usize;
        if let Some(part) = self.parts.get_mut(b) {
            part.push(entry);
        }
    }

    /// Each bucket with its groups (runs of one key) in (start, end, id)
    /// order; ids are read only to break exact ties of time and prefix.
    fn each_sorted<S: Source + ?Sized>(&mut self, src: &S, mut f: impl FnMut(&[Entry])) {
        let mut sorter = Sorter::default();
        for part in &mut self.parts {
            f(sorter.sort(part, src));
            // Its entries are in the sorter's buffer now; free them early.
            *part = Vec::new();
        }
    }
}

/// Sorts a bucket into groups, each in (start, end, id) order, on one
/// integer per entry: the group's slot in a small open-addressing table
/// (16 bits) above the start's offset from the bucket's earliest (48 bits).
/// Integers sort several times faster than (key, start, end, id) tuples;
/// entries that tie on the integer (same group and start, rare) are then
/// put in order by end and id.
#[derive(Default)]
struct Sorter {
    keys: Vec<(u64, u32)>,
    slots: Vec<u32>,
    out: Vec<Entry>,
}

impl Sorter {
    const EMPTY: u32 = u32::MAX;

    fn sort<S: Source + ?Sized>(&mut self, part: &[Entry], src: &S) -> &[Entry] {
        let exact = |x: &Entry, y: &Entry| by_at(src, (&x.at, x.idx), (&y.at, y.idx));
        self.out.clear();
        self.out.extend_from_slice(part);
        let lo = part.iter().map(|e| e.at.s).min().unwrap_or(0);
        let hi = part.iter().map(|e| e.at.s).max().unwrap_or(0);
        let cap = (part.len() * 2).next_power_of_two();
        let packable = hi.checked_sub(lo).is_some_and(|span| span < 1 << 48) && cap <= 1 << 16;
        if !packable {
            self.out
                .sort_unstable_by(|x, y| x.key.cmp(&y.key).then_with(|| exact(x, y)));
            return &self.out;
        }
        self.slots.clear();
        self.slots.resize(cap, Self::EMPTY);
        self.keys.clear();
        for (i, e) in part.iter().enumerate() {
            let folded = (e.key as u64) ^ ((e.key >> 64) as u64);
            let mut h = (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as usize & (cap - 1);
            // At most half full, so a free slot or the key's own is near.
            loop {
                match self.slots.get_mut(h) {
                    Some(slot) if *slot == Self::EMPTY => {
                        *slot = i as u32;
                        break;
                    }
                    Some(slot) if part.get(*slot as usize).is_some_and(|f| f.key == e.key) => break,
                    Some(_) => h = (h + 1) & (cap - 1),
                    None => break,
                }
            }
            let offset = e.at.s.wrapping_sub(lo) as u64;
            self.keys.push((((h as u64) << 48) | offset, i as u32));
        }
        self.keys.sort_unstable();
        self.out.clear();
        self.out.extend(
            self.keys
                .iter()
                .filter_map(|&(_, i)| part.get(i as usize))
                .copied(),
        );
        let mut at = 0;
        while let Some(&(k, _)) = self.keys.get(at) {
            let run = self
                .keys
                .get(at..)
                .unwrap_or(&[])
                .iter()
                .take_while(|x| x.0 == k)
                .count();
            if run > 1 {
                if let Some(tied) = self.out.get_mut(at..at + run) {
                    tied.sort_unstable_by(exact);
                }
            }
            at += run.max(1);
        }
        &self.out
    }
}

/// Calls `f` on each run of one key in grouped entries.
fn each_group(entries: &[Entry], mut f: impl FnMut(&[Entry])) {
    let mut rest = entries;
    while let Some(first) = rest.first() {
        let n = rest
            .iter()
            .position(|x| x.key != first.key)
            .unwrap_or(rest.len());
        let (group, tail) = rest.split_at(n);
        f(group);
        rest = tail;
    }
}

/// The most clashes (and, for resources, overlapping pairs examined) one
/// search of a diary or table goes through: clashes grow with the square of
/// appointments stacked at one time, so a search past this is refused
/// (`appointment.too_many_conflicts`) rather than left to exhaust memory.
/// Real diaries have far fewer: the 1M-appointment benchmark has 160,969.
pub const MAX_CONFLICT_PAIRS: usize = 5_000_000;

/// A search went past its limit of clashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooMany;

/// Overlapping pairs within one group: `a.start < b.end && b.start < a.end`,
/// given as (earlier, later). `emit` returns `false` to stop (the work here
/// grows with the pairs found); returns whether the group was finished.
fn overlapping(
    group: &[Entry],
    active: &mut Vec<Entry>,
    mut emit: impl FnMut(&Entry, &Entry) -> bool,
) -> bool {
    active.clear();
    for x in group {
        active.retain(|y| y.at.e > x.at.s);
        for y in active.iter() {
            // y starts no later than x; it overlaps x if it also starts before x ends.
            if y.at.s < x.at.e && y.idx != x.idx && !emit(y, x) {
                return false;
            }
        }
        active.push(*x);
    }
    true
}

/// Patient overlaps and travel clashes among patient entries (`extra` from
/// [`Entry::located`], places indexing `places`), each list in output order.
/// More than `limit` clashes is [`TooMany`].
pub(crate) fn patient_clashes<S: Source + ?Sized>(
    mut entries: Buckets,
    src: &S,
    places: &[Place<'_>],
    travel: &TravelModel,
    limit: usize,
) -> Result<(Vec<Pair>, Vec<Pair>), TooMany> {
    let (mut overlaps, mut journeys) = (Vec::new(), Vec::new());
    let mut active = Vec::new();
    let mut stopped = false;
    entries.each_sorted(src, |bucket| {
        each_group(bucket, |group| {
            if stopped {
                return;
            }
            stopped = !overlapping(group, &mut active, |y, x| {
                overlaps.push(Pair::of(y, x));
                overlaps.len() <= limit
            });
            for w in group.windows(2) {
                let (Some(x), Some(y)) = (w.first(), w.get(1)) else {
                    continue;
                };
                if x.at.e > y.at.s || x.place() == y.place() {
                    continue;
                }
                let (Some(from), Some(to)) = (
                    x.place().and_then(|p| places.get(p as usize)),
                    y.place().and_then(|p| places.get(p as usize)),
                ) else {
                    continue;
                };
                let gap = (y.at.s - x.at.e) / 1_000_000;
                // Most pairs are hours or days apart: settle them without the
                // trigonometry (or the ids, which only a matrix needs).
                if travel.certainly_enough(gap, from.at, to.at, y.mode()) {
                    continue;
                }
                let need = travel.seconds((from.id, from.at), (to.id, to.at), y.mode());
                if gap < need {
                    journeys.push(Pair::of(x, y));
                }
            }
            stopped |= overlaps.len() + journeys.len() > limit;
        })
    });
    if stopped {
        return Err(TooMany);
    }
    sort_pairs(src, &mut overlaps, false);
    sort_pairs(src, &mut journeys, false);
    Ok((overlaps, journeys))
}

/// Resource overlaps beyond capacity among resource entries, in output order.
///
/// Each clash's `extra` is that of the resource's first entry, so that the
/// output reads each resource's name from one place.
pub(crate) fn resource_clashes<S: Source + ?Sized>(
    entries: Buckets,
    src: &S,
    limit: usize,
) -> Result<Examined, TooMany> {
    resource_clashes_shared(&entries.share(), src, limit)
}

/// Resource clashes found by one worker, and how many overlapping pairs it
/// examined to find them (what counts against the limit).
#[derive(Debug, Default)]
pub(crate) struct Examined {
    pub(crate) pairs: Vec<Pair>,
    pub(crate) examined: usize,
}

/// Buckets that several workers take one at a time, so that a worker done
/// with its own share of the work helps with these.
pub(crate) struct SharedBuckets {
    parts: Vec<Mutex<Vec<Entry>>>,
    next: AtomicUsize,
}

impl Buckets {
    pub(crate) fn share(self) -> SharedBuckets {
        SharedBuckets {
            parts: self.parts.into_iter().map(Mutex::new).collect(),
            next: AtomicUsize::new(0),
        }
    }
}

/// [`resource_clashes`] over the buckets not yet taken by another worker,
/// in output order. Merge the workers' lists with [`merge_resource_pairs`].
///
/// Every overlapping pair examined counts against `limit` (with capacity
/// above one, a pair is examined whether or not it clashes); past it, the
/// worker stops and returns [`TooMany`]. Each worker counts its own and
/// reports the count; a caller adds them up and refuses a total past the
/// limit, so whether a search is refused does not depend on how the buckets
/// fell between the workers.
pub(crate) fn resource_clashes_shared<S: Source + ?Sized>(
    shared: &SharedBuckets,
    src: &S,
    limit: usize,
) -> Result<Examined, TooMany> {
    let mut found = Vec::new();
    let mut active = Vec::new();
    let mut sorter = Sorter::default();
    let mut examined = 0usize;
    let mut finished = true;
    while finished {
        let i = shared.next.fetch_add(1, AtomicOrdering::Relaxed);
        let Some(slot) = shared.parts.get(i) else {
            break;
        };
        // A worker that failed holding a bucket cannot have left it half
        // changed (it is only ever taken whole): take it anyway.
        let part = std::mem::take(&mut *slot.lock().unwrap_or_else(|e| e.into_inner()));
        each_group(sorter.sort(&part, src), |group| {
            let Some(first) = group.first() else { return };
            if !finished {
                return;
            }
            let capacity = src.capacity(first.key);
            finished = overlapping(group, &mut active, |y, x| {
                examined += 1;
                let clash = capacity <= 1 || {
                    // Rare (rooms, equipment with capacity > 1): apply the diary's
                    // rule to the pair, with everything in the group overlapping `y`.
                    let key = |e: &Entry| -> Key { (e.at.s, e.at.e, src.id(e.idx).into()) };
                    let (ka, kb) = (key(y), key(x));
                    let others: Vec<Key> = group
                        .iter()
                        .filter(|z| z.idx != y.idx && z.at.s < y.at.e && z.at.e > y.at.s)
                        .map(key)
                        .collect();
                    let refs: Vec<&Key> = others.iter().collect();
                    over_capacity(&ka, &refs, capacity)
                        .iter()
                        .any(|k| k.2 == kb.2)
                };
                if clash {
                    found.push(Pair {
                        extra: first.extra,
                        ..Pair::of(y, x)
                    });
                }
                examined <= limit
            });
        });
    }
    if !finished {
        return Err(TooMany);
    }
    sort_pairs(src, &mut found, true);
    Ok(Examined {
        pairs: found,
        examined,
    })
}

/// Two lists of resource clashes, each in output order, as one.
#[cfg(any(feature = "arrow", test))]
pub(crate) fn merge_resource_pairs<S: Source + ?Sized>(
    src: &S,
    a: Vec<Pair>,
    b: Vec<Pair>,
) -> Vec<Pair> {
    if b.is_empty() {
        return a;
    }
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => pair_order(src, x, y, true) != Ordering::Greater,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Ids(Vec<String>);

    impl Source for Ids {
        fn id(&self, appt: u32) -> &str {
            self.0.get(appt as usize).map_or("", String::as_str)
        }
        fn resource(&self, extra: u32) -> &str {
            ["dr_a", "dr_b", "room_1"][extra as usize % 3]
        }
        fn capacity(&self, _key: u128) -> u32 {
            1
        }
    }

    /// Resource entries with many clashes: 5,000 appointments in 40 slots
    /// of 30 resources.
    fn entries(src: &Ids) -> Buckets {
        let mut b = Buckets::new(src.0.len());
        for (i, id) in src.0.iter().enumerate() {
            let i = i as u32;
            let s = i64::from(i * 7 % 40) * 600_000_000;
            let e = s + i64::from(1 + i % 3) * 600_000_000;
            b.push(Entry {
                key: u128::from(i % 30),
                at: At::new(s, e, id),
                idx: i,
                extra: i % 30,
            });
        }
        b
    }

    #[test]
    fn workers_sharing_the_buckets_find_what_one_finds_in_the_same_order() {
        let src = Ids((0..5_000)
            .map(|i| format!("appointment-{}", i * 37 % 5_000))
            .collect());
        let found = resource_clashes(entries(&src), &src, MAX_CONFLICT_PAIRS).unwrap();
        let alone = found.pairs;
        assert!(alone.len() > 10_000);
        assert_eq!(
            found.examined,
            alone.len(),
            "capacity 1: every overlap clashes"
        );
        let shared = entries(&src).share();
        let (a, b) = std::thread::scope(|scope| {
            let other = scope.spawn(|| resource_clashes_shared(&shared, &src, MAX_CONFLICT_PAIRS));
            let mine = resource_clashes_shared(&shared, &src, MAX_CONFLICT_PAIRS).unwrap();
            (mine, other.join().unwrap().unwrap())
        });
        assert_eq!(a.examined + b.examined, found.examined);
        let (a, b) = (a.pairs, b.pairs);
        let key = |p: &Pair| (p.ai, p.bi, p.extra);
        // However the buckets fell between the workers, the merge is the same.
        let merged = merge_resource_pairs(&src, a.clone(), b.clone());
        assert_eq!(
            merged.iter().map(key).collect::<Vec<_>>(),
            alone.iter().map(key).collect::<Vec<_>>()
        );
        let (front, back): (Vec<Pair>, Vec<Pair>) = alone.iter().partition(|p| p.ai % 2 == 0);
        let merged = merge_resource_pairs(&src, back, front);
        assert_eq!(
            merged.iter().map(key).collect::<Vec<_>>(),
            alone.iter().map(key).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_search_past_its_limit_stops_and_says_so() {
        let src = Ids((0..5_000).map(|i| format!("a-{i}")).collect());
        let all = resource_clashes(entries(&src), &src, MAX_CONFLICT_PAIRS).unwrap();
        let n = all.examined;
        assert!(resource_clashes(entries(&src), &src, n).is_ok());
        assert_eq!(
            resource_clashes(entries(&src), &src, n - 1).err(),
            Some(TooMany)
        );
        // Two workers: each stops only past the whole limit, and what they
        // examined adds up to what one examines.
        let shared = entries(&src).share();
        let (a, b) = std::thread::scope(|scope| {
            let other = scope.spawn(|| resource_clashes_shared(&shared, &src, n - 1));
            let mine = resource_clashes_shared(&shared, &src, n - 1);
            (mine, other.join().unwrap())
        });
        let total = [a, b]
            .into_iter()
            .map(|r| r.map_or(usize::MAX, |e| e.examined))
            .fold(0usize, usize::saturating_add);
        assert!(total > n - 1);
    }
}
