//! Vectorised evaluation of a checked expression over a chunk of rows of a
//! bound Arrow batch (feature `arrow`).
//!
//! Each node yields a typed vector (values plus a "known" mask for null)
//! computed by a tight loop. The common shapes (comparisons, `and`/`or`/
//! `not`, `is null`, `in`, `between`, arithmetic, the clinical built-ins)
//! have typed kernels; every other combination falls back to the row
//! evaluator's own scalar functions applied element by element, so the
//! vectorised path can only be faster, never different. A proptest checks it
//! against the row evaluator on random rule sets.

use std::borrow::Cow;

use super::check::{ArithOp, CmpOp, Node, NodeKind};
use super::columnar::{BoundBatch, UNIX_EPOCH_DAY, date_from_epoch_days};
use super::eval::{self, EvalContext};
use super::functions::{self, Function};
use super::value::Scalar;

/// A vector of values for the rows of one chunk.
#[derive(Debug, Clone)]
pub(crate) enum Vector<'a> {
    /// `known[i] == false` means null. Values are borrowed straight from the
    /// Arrow buffers where the layout allows, and computed otherwise.
    Bool {
        v: Cow<'a, [bool]>,
        known: Cow<'a, [bool]>,
    },
    Int {
        v: Cow<'a, [i64]>,
        known: Cow<'a, [bool]>,
    },
    Float {
        v: Cow<'a, [f64]>,
        known: Cow<'a, [bool]>,
    },
    /// Days from 1970-01-01, as Arrow's `Date32` stores them.
    Date {
        v: Cow<'a, [i32]>,
        known: Cow<'a, [bool]>,
    },
    Str {
        v: Vec<&'a str>,
        known: Cow<'a, [bool]>,
    },
    /// Text from a fixed list (a built-in's categories), held as positions in
    /// it so that comparisons are integer comparisons.
    Codes {
        codes: Vec<u8>,
        labels: &'static [&'static str],
        known: Cow<'a, [bool]>,
    },
    /// The same value on every row.
    Const(Scalar<'a>),
    /// Anything else, one scalar per row.
    Rows(Vec<Scalar<'a>>),
}

impl<'a> Vector<'a> {
    /// The value on row `i` of the chunk, as the row evaluator would see it.
    pub(crate) fn at(&self, i: usize) -> Scalar<'a> {
        let pick = |known: &[bool]| known.get(i).copied().unwrap_or(false);
        match self {
            Self::Bool { v, known } if pick(known) => {
                v.get(i).map_or(Scalar::Null, |b| Scalar::Bool(*b))
            }
            Self::Int { v, known } if pick(known) => {
                v.get(i).map_or(Scalar::Null, |x| Scalar::Int(*x))
            }
            Self::Float { v, known } if pick(known) => {
                v.get(i).map_or(Scalar::Null, |x| Scalar::Float(*x))
            }
            Self::Date { v, known } if pick(known) => v
                .get(i)
                .and_then(|d| date_from_epoch_days(*d))
                .map_or(Scalar::Null, Scalar::Date),
            Self::Str { v, known } if pick(known) => {
                v.get(i).map_or(Scalar::Null, |s| Scalar::Str(s))
            }
            Self::Codes {
                codes,
                labels,
                known,
            } if pick(known) => codes
                .get(i)
                .and_then(|c| labels.get(usize::from(*c)))
                .map_or(Scalar::Null, |s| Scalar::Str(s)),
            Self::Const(s) => *s,
            Self::Rows(rows) => rows.get(i).copied().unwrap_or(Scalar::Null),
            _ => Scalar::Null,
        }
    }
}

/// Typed views used by the kernels.
enum Num<'v> {
    Ints(&'v [i64], &'v [bool]),
    Floats(&'v [f64], &'v [bool]),
    Int(i64),
    Float(f64),
}

fn num<'v>(v: &'v Vector<'_>) -> Option<Num<'v>> {
    Some(match v {
        Vector::Int { v, known } => Num::Ints(v, known),
        Vector::Float { v, known } => Num::Floats(v, known),
        Vector::Const(Scalar::Int(i)) => Num::Int(*i),
        Vector::Const(Scalar::Float(x)) => Num::Float(*x),
        _ => return None,
    })
}

/// A date as days from 1970-01-01.
fn epoch_days(d: &chrono::NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(d) - UNIX_EPOCH_DAY
}

/// A date operand as day numbers: a column, or one day for every row.
#[derive(Clone, Copy)]
enum Days<'v> {
    Column(&'v [i32], &'v [bool]),
    Const(i32),
}

impl Days<'_> {
    fn at(self, i: usize) -> Option<i32> {
        match self {
            Self::Column(v, k) => k
                .get(i)
                .copied()
                .unwrap_or(false)
                .then(|| v.get(i).copied())
                .flatten(),
            Self::Const(d) => Some(d),
        }
    }
}

fn days<'v>(v: &'v Vector<'_>) -> Option<Days<'v>> {
    match v {
        Vector::Date { v, known } => Some(Days::Column(v, known)),
        Vector::Const(Scalar::Date(d)) => Some(Days::Const(epoch_days(d))),
        _ => None,
    }
}

/// Element-wise over one vector with a scalar function (the fallback).
fn map1<'a>(a: &Vector<'a>, len: usize, f: impl Fn(Scalar<'a>) -> Scalar<'a>) -> Vector<'a> {
    Vector::Rows((0..len).map(|i| f(a.at(i))).collect())
}

fn map2<'a>(
    a: &Vector<'a>,
    b: &Vector<'a>,
    len: usize,
    f: impl Fn(Scalar<'a>, Scalar<'a>) -> Scalar<'a>,
) -> Vector<'a> {
    Vector::Rows((0..len).map(|i| f(a.at(i), b.at(i))).collect())
}

/// Evaluates `node` on rows `start .. start + len` of `batch`.
pub(crate) fn eval_chunk<'a>(
    node: &'a Node,
    batch: &'a BoundBatch<'a>,
    start: usize,
    len: usize,
    ctx: &EvalContext,
) -> Vector<'a> {
    let sub = |n: &'a Node| eval_chunk(n, batch, start, len, ctx);
    match &node.kind {
        NodeKind::Const(v) => Vector::Const(v.scalar()),
        NodeKind::Field(i) => batch.field_vector(*i, start, len),
        NodeKind::Not(inner) => match sub(inner) {
            Vector::Bool { v, known } => Vector::Bool {
                v: v.iter().map(|b| !b).collect(),
                known,
            },
            other => map1(&other, len, |s| {
                s.truth().map_or(Scalar::Null, |b| Scalar::Bool(!b))
            }),
        },
        NodeKind::And(l, r) | NodeKind::Or(l, r) => {
            let and = matches!(node.kind, NodeKind::And(..));
            match (sub(l), sub(r)) {
                (Vector::Bool { v: lv, known: lk }, Vector::Bool { v: rv, known: rk }) => {
                    // Kleene logic, branch-free: a known decisive operand
                    // (false for `and`, true for `or`) settles the result.
                    let quads = lv.iter().zip(lk.iter()).zip(rv.iter()).zip(rk.iter());
                    let (v, known): (Vec<bool>, Vec<bool>) = if and {
                        quads
                            .map(|(((a, ak), b), bk)| {
                                (*a & *ak & *b & *bk, (*ak & !*a) | (*bk & !*b) | (*ak & *bk))
                            })
                            .unzip()
                    } else {
                        quads
                            .map(|(((a, ak), b), bk)| {
                                (
                                    (*a & *ak) | (*b & *bk),
                                    (*ak & *a) | (*bk & *b) | (*ak & *bk),
                                )
                            })
                            .unzip()
                    };
                    Vector::Bool {
                        v: v.into(),
                        known: known.into(),
                    }
                }
                (a, b) => map2(&a, &b, len, |x, y| {
                    if and {
                        eval::and3(x.truth(), y.truth())
                    } else {
                        eval::or3(x.truth(), y.truth())
                    }
                }),
            }
        }
        NodeKind::Cmp(op, l, r) => compare(*op, &sub(l), &sub(r), len),
        NodeKind::Arith(op, l, r) => arith(*op, &sub(l), &sub(r), len),
        NodeKind::Neg(inner) => map1(&sub(inner), len, |s| match s {
            Scalar::Int(i) => i.checked_neg().map_or(Scalar::Null, Scalar::Int),
            Scalar::Float(x) => Scalar::Float(-x),
            _ => Scalar::Null,
        }),
        NodeKind::IsNull { expr, negated } => {
            let inner = sub(expr);
            let known = vec![true; len];
            let v = match &inner {
                Vector::Bool { known: k, .. }
                | Vector::Int { known: k, .. }
                | Vector::Float { known: k, .. }
                | Vector::Date { known: k, .. }
                | Vector::Str { known: k, .. }
                | Vector::Codes { known: k, .. } => k.iter().map(|k| *k == *negated).collect(),
                other => (0..len)
                    .map(|i| other.at(i).is_null() != *negated)
                    .collect(),
            };
            Vector::Bool {
                v,
                known: known.into(),
            }
        }
        NodeKind::In {
            expr,
            items,
            negated,
        } => {
            let inner = sub(expr);
            match &inner {
                Vector::Codes {
                    codes,
                    labels,
                    known,
                } => {
                    let wanted: Vec<u8> = labels
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| items.iter().any(|i| i.scalar() == Scalar::Str(l)))
                        .filter_map(|(p, _)| u8::try_from(p).ok())
                        .collect();
                    let v = codes
                        .iter()
                        .map(|c| wanted.contains(c) != *negated)
                        .collect();
                    Vector::Bool {
                        v,
                        known: known.clone(),
                    }
                }
                Vector::Str { v, known } => {
                    let wanted: Vec<&str> = items
                        .iter()
                        .filter_map(|i| match i.scalar() {
                            Scalar::Str(s) => Some(s),
                            _ => None,
                        })
                        .collect();
                    let v = v.iter().map(|s| wanted.contains(s) != *negated).collect();
                    Vector::Bool {
                        v,
                        known: known.clone(),
                    }
                }
                Vector::Int { v, known }
                    if items.iter().all(|i| matches!(i.scalar(), Scalar::Int(_))) =>
                {
                    let wanted: Vec<i64> = items
                        .iter()
                        .filter_map(|i| match i.scalar() {
                            Scalar::Int(x) => Some(x),
                            _ => None,
                        })
                        .collect();
                    let v = v.iter().map(|x| wanted.contains(x) != *negated).collect();
                    Vector::Bool {
                        v,
                        known: known.clone(),
                    }
                }
                other => map1(other, len, |s| eval::in_list(s, items, *negated)),
            }
        }
        NodeKind::Between {
            expr,
            low,
            high,
            negated,
        } => {
            let (v, lo, hi) = (sub(expr), sub(low), sub(high));
            match (&v, &lo, &hi) {
                (
                    Vector::Int { v, known },
                    Vector::Const(Scalar::Int(lo)),
                    Vector::Const(Scalar::Int(hi)),
                ) => {
                    let out = v.iter().map(|x| (lo <= x && x <= hi) != *negated).collect();
                    Vector::Bool {
                        v: out,
                        known: known.clone(),
                    }
                }
                _ => Vector::Rows(
                    (0..len)
                        .map(|i| eval::between(v.at(i), lo.at(i), hi.at(i), *negated))
                        .collect(),
                ),
            }
        }
        NodeKind::Call(function, args) => call(*function, args, batch, start, len, ctx),
    }
}

/// `v[i] op c` for every element, with the operator chosen once outside the
/// loop so that the loop compiles to straight-line (vectorisable) code.
macro_rules! each_vs_const {
    ($v:expr, $c:expr, $op:expr) => {{
        let c = $c;
        match $op {
            CmpOp::Eq => $v.iter().map(|x| *x == c).collect::<Vec<bool>>().into(),
            CmpOp::Ne => $v.iter().map(|x| *x != c).collect::<Vec<bool>>().into(),
            CmpOp::Lt => $v.iter().map(|x| *x < c).collect::<Vec<bool>>().into(),
            CmpOp::Le => $v.iter().map(|x| *x <= c).collect::<Vec<bool>>().into(),
            CmpOp::Gt => $v.iter().map(|x| *x > c).collect::<Vec<bool>>().into(),
            CmpOp::Ge => $v.iter().map(|x| *x >= c).collect::<Vec<bool>>().into(),
        }
    }};
}

/// `a[i] op b[i]` for every element.
macro_rules! each_vs_each {
    ($a:expr, $b:expr, $op:expr) => {{
        let pairs = $a.iter().zip($b.iter());
        match $op {
            CmpOp::Eq => pairs.map(|(x, y)| x == y).collect::<Vec<bool>>().into(),
            CmpOp::Ne => pairs.map(|(x, y)| x != y).collect::<Vec<bool>>().into(),
            CmpOp::Lt => pairs.map(|(x, y)| x < y).collect::<Vec<bool>>().into(),
            CmpOp::Le => pairs.map(|(x, y)| x <= y).collect::<Vec<bool>>().into(),
            CmpOp::Gt => pairs.map(|(x, y)| x > y).collect::<Vec<bool>>().into(),
            CmpOp::Ge => pairs.map(|(x, y)| x >= y).collect::<Vec<bool>>().into(),
        }
    }};
}

fn both(a: &[bool], b: &[bool]) -> Cow<'static, [bool]> {
    a.iter().zip(b).map(|(x, y)| *x && *y).collect()
}

/// Known, and not NaN: a comparison with NaN is unknown, as in the row evaluator.
fn known_numbers(known: &[bool], v: &[f64]) -> Cow<'static, [bool]> {
    known
        .iter()
        .zip(v)
        .map(|(k, x)| *k && !x.is_nan())
        .collect()
}

/// The typed fast paths of [`compare`]; `None` where none applies.
fn compare_fast<'a>(op: CmpOp, a: &Vector<'a>, b: &Vector<'a>) -> Option<Vector<'a>> {
    use Scalar as S;
    use Vector as V;
    Some(match (a, b) {
        (V::Int { v, known }, V::Const(S::Int(c))) => V::Bool {
            v: each_vs_const!(v, *c, op),
            known: known.clone(),
        },
        (
            V::Const(S::Int(_) | S::Float(_) | S::Date(_)),
            V::Int { .. } | V::Float { .. } | V::Date { .. },
        ) => {
            return compare_fast(op.flipped(), b, a);
        }
        (V::Int { v: x, known: kx }, V::Int { v: y, known: ky }) => V::Bool {
            v: each_vs_each!(x, y, op),
            known: both(kx, ky),
        },
        (V::Float { v, known }, V::Const(c @ (S::Float(_) | S::Int(_)))) => {
            let c = c.as_f64()?;
            if c.is_nan() {
                return None;
            }
            V::Bool {
                v: each_vs_const!(v, c, op),
                known: known_numbers(known, v),
            }
        }
        (V::Int { v, known }, V::Const(S::Float(c))) if !c.is_nan() => {
            let as_float: Vec<f64> = v.iter().map(|x| *x as f64).collect();
            V::Bool {
                v: each_vs_const!(as_float, *c, op),
                known: known.clone(),
            }
        }
        (V::Float { v: x, known: kx }, V::Float { v: y, known: ky }) => {
            let known = kx
                .iter()
                .zip(ky.iter())
                .zip(x.iter().zip(y.iter()))
                .map(|((a, b), (p, q))| *a && *b && !p.is_nan() && !q.is_nan())
                .collect();
            V::Bool {
                v: each_vs_each!(x, y, op),
                known,
            }
        }
        (V::Date { v, known }, V::Const(S::Date(d))) => V::Bool {
            v: each_vs_const!(v, epoch_days(d), op),
            known: known.clone(),
        },
        (V::Date { v: x, known: kx }, V::Date { v: y, known: ky }) => V::Bool {
            v: each_vs_each!(x, y, op),
            known: both(kx, ky),
        },
        (V::Str { v, known }, V::Const(S::Str(c))) => {
            let out = v.iter().map(|s| op.matches((*s).cmp(c))).collect();
            V::Bool {
                v: out,
                known: known.clone(),
            }
        }
        (
            V::Codes {
                codes,
                labels,
                known,
            },
            V::Const(S::Str(c)),
        ) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
            // A label not in the list matches no row.
            let code = labels
                .iter()
                .position(|l| l == c)
                .and_then(|p| u8::try_from(p).ok())
                .unwrap_or(u8::MAX);
            V::Bool {
                v: each_vs_const!(codes, code, op),
                known: known.clone(),
            }
        }
        (V::Bool { v, known }, V::Const(S::Bool(c))) => V::Bool {
            v: each_vs_const!(v, *c, op),
            known: known.clone(),
        },
        _ => return None,
    })
}

fn compare<'a>(op: CmpOp, a: &Vector<'a>, b: &Vector<'a>, len: usize) -> Vector<'a> {
    if let Some(fast) = compare_fast(op, a, b) {
        return fast;
    }
    // Integers with integers compare exactly; any float makes it a float compare.
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        let ints = |n: &Num<'_>| matches!(n, Num::Ints(..) | Num::Int(_));
        if ints(&x) && ints(&y) {
            let get = |n: &Num<'_>, i: usize| match n {
                Num::Ints(v, k) => k
                    .get(i)
                    .copied()
                    .unwrap_or(false)
                    .then(|| v.get(i).copied())
                    .flatten(),
                Num::Int(c) => Some(*c),
                _ => None,
            };
            return bools(len, |i| Some(op.matches(get(&x, i)?.cmp(&get(&y, i)?))));
        }
        let get = |n: &Num<'_>, i: usize| match n {
            Num::Ints(v, k) => k
                .get(i)
                .copied()
                .unwrap_or(false)
                .then(|| v.get(i).map(|x| *x as f64))
                .flatten(),
            Num::Floats(v, k) => k
                .get(i)
                .copied()
                .unwrap_or(false)
                .then(|| v.get(i).copied())
                .flatten(),
            Num::Int(c) => Some(*c as f64),
            Num::Float(c) => Some(*c),
        };
        return bools(len, |i| {
            Some(op.matches(get(&x, i)?.partial_cmp(&get(&y, i)?)?))
        });
    }
    if let (Some(x), Some(y)) = (days(a), days(b)) {
        return bools(len, |i| Some(op.matches(x.at(i)?.cmp(&y.at(i)?))));
    }
    map2(a, b, len, |x, y| eval::compare(op, x, y))
}

/// A boolean vector from a per-row function giving `None` for null.
fn bools<'a>(len: usize, f: impl Fn(usize) -> Option<bool>) -> Vector<'a> {
    let mut v = Vec::with_capacity(len);
    let mut known = Vec::with_capacity(len);
    for i in 0..len {
        let r = f(i);
        v.push(r.unwrap_or(false));
        known.push(r.is_some());
    }
    Vector::Bool {
        v: v.into(),
        known: known.into(),
    }
}

fn arith<'a>(op: ArithOp, a: &Vector<'a>, b: &Vector<'a>, len: usize) -> Vector<'a> {
    match (a, b, op) {
        (
            Vector::Int { v, known },
            Vector::Const(Scalar::Int(c)),
            ArithOp::Add | ArithOp::Sub | ArithOp::Mul,
        ) => {
            let mut out = Vec::with_capacity(len);
            let mut k = Vec::with_capacity(len);
            for (x, ok) in v.iter().zip(known.iter()) {
                let r = match op {
                    ArithOp::Add => x.checked_add(*c),
                    ArithOp::Sub => x.checked_sub(*c),
                    _ => x.checked_mul(*c),
                };
                out.push(r.unwrap_or(0));
                k.push(*ok && r.is_some());
            }
            Vector::Int {
                v: out.into(),
                known: k.into(),
            }
        }
        _ => map2(a, b, len, |x, y| eval::arith(op, x, y)),
    }
}

fn call<'a>(
    function: Function,
    args: &'a [Node],
    batch: &'a BoundBatch<'a>,
    start: usize,
    len: usize,
    ctx: &EvalContext,
) -> Vector<'a> {
    let vectors: Vec<Vector<'a>> = args
        .iter()
        .map(|a| eval_chunk(a, batch, start, len, ctx))
        .collect();
    match (function, vectors.as_slice()) {
        (Function::Today, []) => Vector::Const(Scalar::Date(ctx.today)),
        (Function::EfiCategory, [Vector::Int { v, known }]) => Vector::Codes {
            codes: v.iter().map(|d| functions::efi_category_code(*d)).collect(),
            labels: &functions::EFI_CATEGORIES,
            known: known.clone(),
        },
        (Function::PolypharmacyBand, [Vector::Int { v, known }]) => Vector::Codes {
            codes: v
                .iter()
                .map(|d| functions::polypharmacy_band_code(*d))
                .collect(),
            labels: &functions::POLYPHARMACY_BANDS,
            known: known.clone(),
        },
        (Function::PamLevel, [Vector::Float { v, known }]) => Vector::Int {
            v: v.iter().map(|s| functions::pam_level(*s)).collect(),
            known: known.clone(),
        },
        (Function::DaysBetween, [a, b]) if days(a).is_some() && days(b).is_some() => {
            let (Some(x), Some(y)) = (days(a), days(b)) else {
                return Vector::Rows(Vec::new());
            };
            let mut out = Vec::with_capacity(len);
            let mut known = Vec::with_capacity(len);
            for i in 0..len {
                let d = x
                    .at(i)
                    .zip(y.at(i))
                    .map(|(a, b)| i64::from(b) - i64::from(a));
                out.push(d.unwrap_or(0));
                known.push(d.is_some());
            }
            Vector::Int {
                v: out.into(),
                known: known.into(),
            }
        }
        (f, vs) => {
            let mut scratch = Vec::with_capacity(vs.len());
            Vector::Rows(
                (0..len)
                    .map(|i| {
                        scratch.clear();
                        scratch.extend(vs.iter().map(|v| v.at(i)));
                        functions::call(f, &scratch, ctx.today)
                    })
                    .collect(),
            )
        }
    }
}
