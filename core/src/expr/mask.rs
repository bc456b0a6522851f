//! Conditions over a chunk of rows as packed bits (feature `arrow`).
//!
//! A condition's outcome on up to [`VECTOR`] rows is two bitmaps of 64-bit
//! words: which rows are true and which are known (not null). Rule scoring
//! only asks "which rows fire", so bits are all it needs, and a word holds
//! 64 rows: `and`/`or`/`not` are a few word operations, and Arrow's own
//! validity and boolean bitmaps are read straight in.
//!
//! Fast kernels cover boolean columns, `is null`, Kleene `and`/`or`/`not`,
//! and a number or date (a column, or any numeric expression such as
//! `days_between(d, today())`) compared with a constant or tested `between`
//! two constants. Every other shape is evaluated by the vector evaluator
//! (`vector.rs`) and packed, so the bits are always what the row evaluator
//! would give; a proptest in the caseload module checks it on random rules.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use super::check::{CmpOp, Node, NodeKind};
use super::columnar::{BoundBatch, UNIX_EPOCH_DAY, VECTOR};
use super::eval::EvalContext;
use super::functions::{self, Function};
use super::value::Scalar;
use super::vector::{Vector, eval_chunk};

/// 64-bit words per chunk.
pub(crate) const WORDS: usize = VECTOR / 64;

/// One bit per row of a chunk, row `i` at bit `i % 64` of word `i / 64`.
pub(crate) type Words = [u64; WORDS];

/// A condition's outcome on the rows of one chunk. `truth` is a subset of
/// `known`, and no bit at or beyond the chunk's length is set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mask {
    pub(crate) truth: Words,
    pub(crate) known: Words,
}

/// The first `len` bits set.
pub(crate) fn ones(len: usize) -> Words {
    let mut out = [0u64; WORDS];
    for (w, word) in out.iter_mut().enumerate() {
        let from = w * 64;
        *word = match len.saturating_sub(from) {
            0 => 0,
            n if n >= 64 => u64::MAX,
            n => (1u64 << n) - 1,
        };
    }
    out
}

fn zip_words(a: &Words, b: &Words, f: impl Fn(u64, u64) -> u64) -> Words {
    let mut out = [0u64; WORDS];
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = f(*x, *y);
    }
    out
}

/// Booleans packed into words.
pub(crate) fn pack(bools: &[bool]) -> Words {
    let mut out = [0u64; WORDS];
    for (word, chunk) in out.iter_mut().zip(bools.chunks(64)) {
        let mut w = 0u64;
        for (j, b) in chunk.iter().enumerate() {
            w |= u64::from(*b) << j;
        }
        *word = w;
    }
    out
}

/// The bits of `f(v[i])` for every element.
///
/// Written in two steps that each vectorise: `f` into one byte per row, then
/// eight bytes (each 0 or 1) into eight bits with one multiplication, the
/// magic constant gathering byte `j`'s low bit into bit `56 + j`.
#[inline]
pub(crate) fn bits<T: Copy>(v: &[T], f: impl Fn(T) -> bool) -> Words {
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let mut out = [0u64; WORDS];
    for (word, chunk) in out.iter_mut().zip(v.chunks(64)) {
        let mut flags = [0u8; 64];
        for (b, x) in flags.iter_mut().zip(chunk) {
            *b = u8::from(f(*x));
        }
        let mut w = 0u64;
        for (k, eight) in flags.chunks_exact(8).enumerate() {
            let mut lanes = [0u8; 8];
            lanes.copy_from_slice(eight);
            w |= (u64::from_le_bytes(lanes).wrapping_mul(GATHER) >> 56) << (8 * k);
        }
        *word = w;
    }
    out
}

/// `bits` with the operator chosen once, outside the loop.
macro_rules! compare_bits {
    ($v:expr, $op:expr, |$x:ident| $lhs:expr, $c:expr) => {{
        let c = $c;
        match $op {
            CmpOp::Eq => bits($v, |$x| $lhs == c),
            CmpOp::Ne => bits($v, |$x| $lhs != c),
            CmpOp::Lt => bits($v, |$x| $lhs < c),
            CmpOp::Le => bits($v, |$x| $lhs <= c),
            CmpOp::Gt => bits($v, |$x| $lhs > c),
            CmpOp::Ge => bits($v, |$x| $lhs >= c),
        }
    }};
}

/// What evaluating a chunk needs besides the batch: the evaluation context,
/// and the chunk's integer columns narrowed to 8 or 32 bits, kept for every
/// condition that reads them.
///
/// Arrow integer columns are usually 64-bit, and comparing 64-bit integers
/// is several instructions per pair on baseline x86-64 (SSE2 has no 64-bit
/// compare) but one per four for 32-bit, one per sixteen for 8-bit. A
/// column is narrowed once per chunk, as far as every value allows (counts
/// and ages fit in 8 bits), and the sample rule set reads most of its
/// integer columns two or three times.
pub(crate) struct Scope<'c> {
    ctx: &'c EvalContext,
    narrowed: RefCell<Vec<Option<Narrowed>>>,
}

/// A field's values on the current chunk as 8- or 32-bit integers (with its known
/// rows), or `Wide` where some value does not fit.
#[derive(Clone)]
enum Narrowed {
    Tiny(Rc<Vec<i8>>, Words),
    Small(Rc<Vec<i32>>, Words),
    Wide,
}

impl Narrowed {
    fn numbers(self) -> Option<(Numbers<'static>, Words)> {
        match self {
            Self::Tiny(v, k) => Some((Numbers::Tiny(v), k)),
            Self::Small(v, k) => Some((Numbers::Small(v), k)),
            Self::Wide => None,
        }
    }
}

impl<'c> Scope<'c> {
    pub(crate) fn new(ctx: &'c EvalContext) -> Self {
        Self {
            ctx,
            narrowed: RefCell::new(Vec::new()),
        }
    }

    /// Forgets the previous chunk's narrowed columns.
    pub(crate) fn next_chunk(&self, fields: usize) {
        let mut n = self.narrowed.borrow_mut();
        n.clear();
        n.resize(fields, None);
    }

    /// Field `index` on rows `start .. start + len` as 8- or 32-bit integers, if
    /// it is an integer column whose every value there fits.
    fn small(
        &self,
        index: usize,
        batch: &BoundBatch<'_>,
        start: usize,
        len: usize,
    ) -> Option<(Numbers<'static>, Words)> {
        if let Some(Some(known)) = self.narrowed.borrow().get(index) {
            return known.clone().numbers();
        }
        let narrowed = match batch.field_numbers(index, start, len) {
            Some((Numbers::Int(v), known)) => {
                // `x ^ (x >> 63)` is x, or -x - 1 below zero: a value fits
                // in n signed bits when that is below 2^(n-1). One OR over
                // every row, without short-circuiting, decides both widths
                // in a few vector instructions per pair.
                let magnitude = v.iter().fold(0u64, |a, x| a | (x ^ (x >> 63)) as u64);
                let (spill, tiny) = (magnitude >> 31, magnitude >> 7);
                if spill == 0 {
                    // Through 32 bits: each step is a vector shuffle, where
                    // 64 to 8 bits directly is compiled a byte at a time.
                    let small: Vec<i32> = v.iter().map(|x| *x as i32).collect();
                    if tiny == 0 {
                        let tiny: Vec<i8> = small.iter().map(|x| *x as i8).collect();
                        Narrowed::Tiny(Rc::new(tiny), known)
                    } else {
                        Narrowed::Small(Rc::new(small), known)
                    }
                } else {
                    Narrowed::Wide
                }
            }
            Some((Numbers::Small(v), known)) => Narrowed::Small(v, known),
            _ => Narrowed::Wide,
        };
        if let Some(slot) = self.narrowed.borrow_mut().get_mut(index) {
            *slot = Some(narrowed.clone());
        }
        narrowed.numbers()
    }
}

impl std::ops::Deref for Scope<'_> {
    type Target = EvalContext;
    fn deref(&self) -> &EvalContext {
        self.ctx
    }
}

/// A numeric or date operand's values on the chunk's rows.
pub(crate) enum Numbers<'a> {
    Int(Cow<'a, [i64]>),
    /// Integers that fit in 32 bits.
    Small(Rc<Vec<i32>>),
    /// Integers that fit in 8 bits (counts, ages): sixteen per compare.
    Tiny(Rc<Vec<i8>>),
    Float(Cow<'a, [f64]>),
    /// Days from 1970-01-01.
    Days(Cow<'a, [i32]>),
}

/// Evaluates the boolean condition `node` on rows `start .. start + len`.
pub(crate) fn eval_mask(
    node: &Node,
    batch: &BoundBatch<'_>,
    start: usize,
    len: usize,
    ctx: &Scope<'_>,
) -> Mask {
    let sub = |n: &Node| eval_mask(n, batch, start, len, ctx);
    let fast = match &node.kind {
        NodeKind::Field(i) => batch.bool_mask(*i, start, len),
        NodeKind::Not(inner) => {
            let m = sub(inner);
            Some(Mask {
                truth: zip_words(&m.known, &m.truth, |k, t| k & !t),
                known: m.known,
            })
        }
        NodeKind::And(l, r) | NodeKind::Or(l, r) => {
            let (a, b) = (sub(l), sub(r));
            let (a_false, b_false) = (
                zip_words(&a.known, &a.truth, |k, t| k & !t),
                zip_words(&b.known, &b.truth, |k, t| k & !t),
            );
            // Kleene logic: a known decisive operand settles the result.
            let (truth, falsity) = if matches!(node.kind, NodeKind::And(..)) {
                (
                    zip_words(&a.truth, &b.truth, |x, y| x & y),
                    zip_words(&a_false, &b_false, |x, y| x | y),
                )
            } else {
                (
                    zip_words(&a.truth, &b.truth, |x, y| x | y),
                    zip_words(&a_false, &b_false, |x, y| x & y),
                )
            };
            Some(Mask {
                truth,
                known: zip_words(&truth, &falsity, |t, f| t | f),
            })
        }
        NodeKind::IsNull { expr, negated } => {
            let all = ones(len);
            let known = match &expr.kind {
                NodeKind::Field(i) => batch.valid_words(*i, start, len),
                _ => None,
            }
            .unwrap_or_else(|| {
                let v = eval_chunk(expr, batch, start, len, ctx);
                known_words(&v, len)
            });
            let truth = if *negated {
                known
            } else {
                zip_words(&all, &known, |a, k| a & !k)
            };
            Some(Mask { truth, known: all })
        }
        NodeKind::Cmp(op, l, r) => match (constant(r), constant(l)) {
            (Some(c), _) => compare_const(*op, l, c, batch, start, len, ctx),
            (None, Some(c)) => compare_const(op.flipped(), r, c, batch, start, len, ctx),
            (None, None) => None,
        },
        NodeKind::Between {
            expr,
            low,
            high,
            negated,
        } => match (constant(low), constant(high)) {
            (Some(lo), Some(hi)) => between_const(expr, lo, hi, *negated, batch, start, len, ctx),
            _ => None,
        },
        _ => None,
    };
    fast.unwrap_or_else(|| packed(&eval_chunk(node, batch, start, len, ctx), len))
}

fn constant(node: &Node) -> Option<Scalar<'_>> {
    match &node.kind {
        NodeKind::Const(v) => Some(v.scalar()),
        _ => None,
    }
}

/// A vector's outcome as bits: true where it is true, known where not null.
fn packed(v: &Vector<'_>, len: usize) -> Mask {
    match v {
        Vector::Bool { v, known } => {
            let known = pack(known);
            Mask {
                truth: zip_words(&pack(v), &known, |t, k| t & k),
                known,
            }
        }
        other => {
            let truth: Vec<bool> = (0..len)
                .map(|i| other.at(i).truth() == Some(true))
                .collect();
            let known: Vec<bool> = (0..len).map(|i| other.at(i).truth().is_some()).collect();
            Mask {
                truth: pack(&truth),
                known: pack(&known),
            }
        }
    }
}

/// Which rows of a vector are not null.
fn known_words(v: &Vector<'_>, len: usize) -> Words {
    match v {
        Vector::Bool { known, .. }
        | Vector::Int { known, .. }
        | Vector::Float { known, .. }
        | Vector::Date { known, .. }
        | Vector::Str { known, .. }
        | Vector::Codes { known, .. } => pack(known),
        other => pack(&(0..len).map(|i| !other.at(i).is_null()).collect::<Vec<_>>()),
    }
}

/// A numeric or date operand's values and known rows: straight from the
/// column for a field, else from the vector evaluator.
fn numbers<'a>(
    node: &'a Node,
    batch: &'a BoundBatch<'a>,
    start: usize,
    len: usize,
    ctx: &Scope<'_>,
) -> Option<(Numbers<'a>, Words)> {
    match &node.kind {
        NodeKind::Field(i) => {
            if let Some(found) = ctx.small(*i, batch, start, len) {
                return Some(found);
            }
            if let Some(found) = batch.field_numbers(*i, start, len) {
                return Some(found);
            }
        }
        NodeKind::Call(Function::PamLevel, args) => {
            if let [arg] = args.as_slice() {
                if let Some((Numbers::Float(v), known)) = numbers(arg, batch, start, len, ctx) {
                    // Levels 1 to 4 always fit in 32 bits.
                    let levels = v.iter().map(|s| functions::pam_level(*s) as i32).collect();
                    return Some((Numbers::Small(Rc::new(levels)), known));
                }
            }
        }
        NodeKind::Call(Function::DaysBetween, args) => {
            if let [from, to] = args.as_slice() {
                let operands = (
                    days(from, batch, start, len, ctx),
                    days(to, batch, start, len, ctx),
                );
                // Known days lie within the calendar (about 2^27 days either
                // side of 1970), so the difference of two known days fits in
                // 32 bits; an unknown row's wrapped value is never read.
                let between = |a: i32, b: i32| b.wrapping_sub(a);
                let small = |v: Vec<i32>| Numbers::Small(Rc::new(v));
                match operands {
                    (Some(Days::Column(a, known)), Some(Days::Const(b))) => {
                        let v = a.iter().map(|a| between(*a, b)).collect();
                        return Some((small(v), known));
                    }
                    (Some(Days::Const(a)), Some(Days::Column(b, known))) => {
                        let v = b.iter().map(|b| between(a, *b)).collect();
                        return Some((small(v), known));
                    }
                    (Some(Days::Column(a, ka)), Some(Days::Column(b, kb))) => {
                        let v = a
                            .iter()
                            .zip(b.iter())
                            .map(|(a, b)| between(*a, *b))
                            .collect();
                        return Some((small(v), zip_words(&ka, &kb, |x, y| x & y)));
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    match eval_chunk(node, batch, start, len, ctx) {
        Vector::Int { v, known } => Some((Numbers::Int(v), pack(&known))),
        Vector::Float { v, known } => Some((Numbers::Float(v), pack(&known))),
        Vector::Date { v, known } => Some((Numbers::Days(v), pack(&known))),
        _ => None,
    }
}

/// A date operand: a column's day numbers with its known rows (nulls and
/// days beyond the calendar unknown), or one day for every row.
enum Days<'a> {
    Column(Cow<'a, [i32]>, Words),
    Const(i32),
}

fn days<'a>(
    node: &'a Node,
    batch: &'a BoundBatch<'a>,
    start: usize,
    len: usize,
    ctx: &Scope<'_>,
) -> Option<Days<'a>> {
    match &node.kind {
        NodeKind::Const(v) => match v.scalar() {
            Scalar::Date(d) => Some(Days::Const(epoch_days(&d))),
            _ => None,
        },
        NodeKind::Call(Function::Today, args) if args.is_empty() => {
            Some(Days::Const(epoch_days(&ctx.today)))
        }
        _ => match numbers(node, batch, start, len, ctx)? {
            (Numbers::Days(v), known) => {
                let known = dates(&v, &known);
                Some(Days::Column(v, known))
            }
            _ => None,
        },
    }
}

fn epoch_days(d: &chrono::NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(d) - UNIX_EPOCH_DAY
}

/// Known rows of a float operand: not null and not NaN (a comparison with
/// NaN is unknown, as in the row evaluator).
fn not_nan(v: &[f64], known: &Words) -> Words {
    zip_words(known, &bits(v, |x| !x.is_nan()), |k, n| k & n)
}

/// Known rows of a date operand: not null and within the calendar's range
/// (a day number beyond it reads as null in the row evaluator).
fn dates(v: &[i32], known: &Words) -> Words {
    let lo = epoch_days(&chrono::NaiveDate::MIN);
    let hi = epoch_days(&chrono::NaiveDate::MAX);
    zip_words(known, &bits(v, |x| lo <= x && x <= hi), |k, n| k & n)
}

#[allow(clippy::too_many_arguments, reason = "one chunk of one batch")]
fn compare_const(
    op: CmpOp,
    operand: &Node,
    c: Scalar<'_>,
    batch: &BoundBatch<'_>,
    start: usize,
    len: usize,
    ctx: &Scope<'_>,
) -> Option<Mask> {
    if let (
        NodeKind::Call(f @ (Function::EfiCategory | Function::PolypharmacyBand), args),
        Scalar::Str(label),
    ) = (&operand.kind, c)
    {
        return category_const(*f, args, op, label, batch, start, len, ctx);
    }
    let (values, known) = numbers(operand, batch, start, len, ctx)?;
    let (truth, known) = match (&values, c) {
        (Numbers::Small(v), Scalar::Int(c)) => match i32::try_from(c) {
            Ok(c) => (compare_bits!(v, op, |x| x, c), known),
            Err(_) => (compare_bits!(v, op, |x| i64::from(x), c), known),
        },
        (Numbers::Small(v), Scalar::Float(c)) if !c.is_nan() => {
            (compare_bits!(v, op, |x| f64::from(x), c), known)
        }
        (Numbers::Tiny(v), Scalar::Int(c)) => match i8::try_from(c) {
            Ok(c) => (compare_bits!(v, op, |x| x, c), known),
            Err(_) => (compare_bits!(v, op, |x| i64::from(x), c), known),
        },
        (Numbers::Tiny(v), Scalar::Float(c)) if !c.is_nan() => {
            (compare_bits!(v, op, |x| f64::from(x), c), known)
        }
        (Numbers::Int(v), Scalar::Int(c)) => (compare_bits!(v, op, |x| x, c), known),
        (Numbers::Int(v), Scalar::Float(c)) if !c.is_nan() => {
            (compare_bits!(v, op, |x| x as f64, c), known)
        }
        (Numbers::Float(v), Scalar::Int(_) | Scalar::Float(_)) => {
            let c = c.as_f64().filter(|c| !c.is_nan())?;
            (compare_bits!(v, op, |x| x, c), not_nan(v, &known))
        }
        (Numbers::Days(v), Scalar::Date(d)) => (
            compare_bits!(v, op, |x| x, epoch_days(&d)),
            dates(v, &known),
        ),
        _ => return None,
    };
    Some(Mask {
        truth: zip_words(&truth, &known, |t, k| t & k),
        known,
    })
}

/// `efi_category(n) == 'label'` and the like: the category's position in
/// its fixed list compared with the label's, straight from the numbers.
#[allow(clippy::too_many_arguments, reason = "one chunk of one batch")]
fn category_const(
    function: Function,
    args: &[Node],
    op: CmpOp,
    label: &str,
    batch: &BoundBatch<'_>,
    start: usize,
    len: usize,
    ctx: &Scope<'_>,
) -> Option<Mask> {
    if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
        return None;
    }
    let [arg] = args else { return None };
    let (values, known) = numbers(arg, batch, start, len, ctx)?;
    let labels: &[&str] = match function {
        Function::EfiCategory => &functions::EFI_CATEGORIES,
        _ => &functions::POLYPHARMACY_BANDS,
    };
    // A label not in the list is equal to no row.
    let code = labels
        .iter()
        .position(|l| *l == label)
        .and_then(|p| u8::try_from(p).ok())
        .unwrap_or(u8::MAX);
    // Each function called directly in its own loop, so it is inlined.
    let equal = match (function, &values) {
        (Function::EfiCategory, Numbers::Small(v)) => {
            bits(v, |x| functions::efi_category_code(x) == code)
        }
        (Function::EfiCategory, Numbers::Tiny(v)) => {
            bits(v, |x| functions::efi_category_code(x) == code)
        }
        (_, Numbers::Tiny(v)) => bits(v, |x| functions::polypharmacy_band_code(x) == code),
        (Function::EfiCategory, Numbers::Int(v)) => {
            bits(v, |x| functions::efi_category_code(x) == code)
        }
        (_, Numbers::Small(v)) => bits(v, |x| functions::polypharmacy_band_code(x) == code),
        (_, Numbers::Int(v)) => bits(v, |x| functions::polypharmacy_band_code(x) == code),
        _ => return None,
    };
    let truth = match op {
        CmpOp::Eq => equal,
        _ => zip_words(&known, &equal, |k, e| k & !e),
    };
    Some(Mask {
        truth: zip_words(&truth, &known, |t, k| t & k),
        known,
    })
}

#[allow(clippy::too_many_arguments, reason = "one chunk of one batch")]
fn between_const(
    operand: &Node,
    lo: Scalar<'_>,
    hi: Scalar<'_>,
    negated: bool,
    batch: &BoundBatch<'_>,
    start: usize,
    len: usize,
    ctx: &Scope<'_>,
) -> Option<Mask> {
    let (values, known) = numbers(operand, batch, start, len, ctx)?;
    let (inside, known) = match (&values, lo, hi) {
        (Numbers::Int(v), Scalar::Int(lo), Scalar::Int(hi)) => {
            (bits(v, |x| lo <= x && x <= hi), known)
        }
        (Numbers::Tiny(v), Scalar::Int(lo), Scalar::Int(hi)) => {
            match (i8::try_from(lo), i8::try_from(hi)) {
                (Ok(lo), Ok(hi)) => (bits(v, |x| lo <= x && x <= hi), known),
                _ => (bits(v, |x| lo <= i64::from(x) && i64::from(x) <= hi), known),
            }
        }
        (Numbers::Small(v), Scalar::Int(lo), Scalar::Int(hi)) => {
            match (i32::try_from(lo), i32::try_from(hi)) {
                (Ok(lo), Ok(hi)) => (bits(v, |x| lo <= x && x <= hi), known),
                _ => (bits(v, |x| lo <= i64::from(x) && i64::from(x) <= hi), known),
            }
        }
        (Numbers::Days(v), Scalar::Date(lo), Scalar::Date(hi)) => {
            let (lo, hi) = (epoch_days(&lo), epoch_days(&hi));
            (bits(v, |x| lo <= x && x <= hi), dates(v, &known))
        }
        (Numbers::Float(v), lo, hi) => {
            let lo = lo.as_f64().filter(|c| !c.is_nan())?;
            let hi = hi.as_f64().filter(|c| !c.is_nan())?;
            (bits(v, |x| lo <= x && x <= hi), not_nan(v, &known))
        }
        _ => return None,
    };
    let truth = if negated {
        zip_words(&known, &inside, |k, i| k & !i)
    } else {
        zip_words(&known, &inside, |k, i| k & i)
    };
    Some(Mask { truth, known })
}

/// The positions of the set bits of `words`, in order.
pub(crate) fn set_bits(words: &Words) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(w, word)| {
        let mut rest = *word;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let j = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            Some(w * 64 + j)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn packing_and_set_bits_agree(bools in prop::collection::vec(any::<bool>(), 0..=VECTOR)) {
            let words = pack(&bools);
            let expected: Vec<usize> = bools.iter().enumerate().filter(|(_, b)| **b).map(|(i, _)| i).collect();
            prop_assert_eq!(set_bits(&words).collect::<Vec<_>>(), expected);
            let all = ones(bools.len());
            prop_assert_eq!(set_bits(&all).count(), bools.len());
        }

        #[test]
        fn compare_bits_match_element_by_element(v in prop::collection::vec(-5i64..5, 0..=VECTOR), c in -5i64..5) {
            let expected: Vec<bool> = v.iter().map(|x| *x >= c).collect();
            prop_assert_eq!(compare_bits!(&v, CmpOp::Ge, |x| x, c), pack(&expected));
            let expected: Vec<bool> = v.iter().map(|x| *x != c).collect();
            prop_assert_eq!(compare_bits!(&v, CmpOp::Ne, |x| x, c), pack(&expected));
        }
    }
}
