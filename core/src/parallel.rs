//! The one place carecoord runs work on several cores: scoped threads (no
//! pool, no global state), as many as the machine offers.
//!
//! A worker that panics is never swallowed or silently recomputed: its panic
//! is resumed on the calling thread, as if the work had run there. carecoord
//! is written not to panic (the lints forbid `unwrap`, indexing and the like),
//! and the bindings turn a panic into their internal error, so a bug shows
//! itself instead of hiding behind a second attempt.

#[cfg(feature = "arrow")]
use std::sync::Mutex;
#[cfg(feature = "arrow")]
use std::thread::Scope;
use std::thread::ScopedJoinHandle;

// The table paths (feature `arrow`) are the ones with rows enough to split.
#[cfg(feature = "arrow")]
/// The cores to use.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The value of a finished worker, or its panic resumed here.
fn join<T>(handle: ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(feature = "arrow")]
/// Runs `f` on every item, on up to `workers` threads (the calling thread
/// among them), each taking the next item from a shared queue.
pub(crate) fn each<T: Send>(items: Vec<T>, workers: usize, f: impl Fn(T) + Sync) {
    let workers = workers.min(items.len());
    let queue = Mutex::new(items.into_iter());
    // A worker panicking poisons the queue; its panic is resumed below, so
    // the others may carry on with the queue as it is until then.
    let next = || {
        queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .next()
    };
    let work = || {
        while let Some(item) = next() {
            f(item);
        }
    };
    if workers <= 1 {
        work();
        return;
    }
    std::thread::scope(|scope: &Scope<'_, '_>| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        work();
        handles.into_iter().for_each(join);
    });
}

#[cfg(feature = "arrow")]
/// `f` of every item, in order, computed as [`each`] does.
pub(crate) fn map<T: Send, U: Send>(
    items: Vec<T>,
    workers: usize,
    f: impl Fn(T) -> U + Sync,
) -> Vec<U> {
    let results: Vec<Mutex<Option<U>>> = items.iter().map(|_| Mutex::new(None)).collect();
    each(
        items.into_iter().enumerate().collect(),
        workers,
        |(i, item)| {
            let value = f(item);
            if let Some(slot) = results.get(i) {
                *slot
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(value);
            }
        },
    );
    results
        .into_iter()
        .filter_map(|slot| {
            slot.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
        .collect()
}

/// Runs `a` and `b`, on two cores when there is enough work (`big`) to pay
/// for a thread.
pub(crate) fn both<A, B: Send>(
    big: bool,
    a: impl FnOnce() -> A,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !big {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let other = scope.spawn(b);
        let mine = a();
        (mine, join(other))
    })
}

#[cfg(feature = "arrow")]
/// `f(start, end)` for consecutive ranges covering `0..rows`, one per core
/// but none shorter than `min_chunk` rows, in order.
pub(crate) fn ranges<T: Send>(
    rows: usize,
    min_chunk: usize,
    f: impl Fn(usize, usize) -> T + Sync,
) -> Vec<T> {
    let chunk = rows.div_ceil(threads()).max(min_chunk).max(1);
    let starts: Vec<usize> = (0..rows).step_by(chunk).collect();
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = starts
            .iter()
            .map(|&start| scope.spawn(move || f(start, (start + chunk).min(rows))))
            .collect();
        handles.into_iter().map(join).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "arrow")]
    fn map_keeps_order_and_ranges_cover_every_row_once() {
        let squares = map((0..1000u64).collect(), 4, |x| x * x);
        assert_eq!(squares, (0..1000u64).map(|x| x * x).collect::<Vec<_>>());
        let parts = ranges(1003, 100, |start, end| (start, end));
        assert_eq!(parts.first().map(|p| p.0), Some(0));
        assert_eq!(parts.last().map(|p| p.1), Some(1003));
        assert!(parts.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(both(true, || 1, || 2), (1, 2));
        assert!(ranges(0, 10, |s, e| (s, e)).is_empty());
    }

    #[test]
    fn a_panicking_worker_is_not_swallowed() {
        let caught = std::panic::catch_unwind(|| both(true, || 1, || -> u8 { panic!("worker") }));
        assert!(caught.is_err());
        #[cfg(feature = "arrow")]
        {
            let caught = std::panic::catch_unwind(|| {
                each((0..8).collect(), 4, |i: i32| {
                    if i == 5 {
                        panic!("worker");
                    }
                })
            });
            assert!(caught.is_err());
        }
    }
}
