//! Row-at-a-time evaluation of a checked expression, with SQL-style null
//! logic, and the "why / why not" trace used by explanations.
//!
//! Null rules: any comparison or arithmetic with null is null (unknown);
//! `and`/`or`/`not` follow three-valued (Kleene) logic; `is null` is the only
//! test that sees null as a value. A condition *fires* only when it is true.
//! Integer overflow and division by zero give null rather than an error, so
//! that evaluation never fails part-way through a caseload.

use chrono::NaiveDate;

use super::check::{ArithOp, CmpOp, Node, NodeKind};
use super::functions;
use super::value::{Scalar, Value};

/// What evaluation may depend on besides the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalContext {
    /// The date `today()` returns: the day the caseload is assessed.
    pub today: NaiveDate,
}

/// Where evaluation reads field values: a row of [`Value`]s, or one row of an
/// Arrow batch read in place. One evaluator serves both, so row-wise and
/// columnar results cannot disagree.
pub(crate) trait Fields {
    fn field(&self, index: usize) -> Scalar<'_>;
}

impl Fields for [Value] {
    fn field(&self, index: usize) -> Scalar<'_> {
        self.get(index).map_or(Scalar::Null, Value::scalar)
    }
}

pub(crate) fn eval<'a, R: Fields + ?Sized>(
    node: &'a Node,
    row: &'a R,
    ctx: &EvalContext,
) -> Scalar<'a> {
    match &node.kind {
        NodeKind::Const(v) => v.scalar(),
        NodeKind::Field(i) => row.field(*i),
        NodeKind::Not(inner) => match eval(inner, row, ctx).truth() {
            Some(b) => Scalar::Bool(!b),
            None => Scalar::Null,
        },
        NodeKind::Neg(inner) => match eval(inner, row, ctx) {
            Scalar::Int(i) => i.checked_neg().map_or(Scalar::Null, Scalar::Int),
            Scalar::Float(x) => Scalar::Float(-x),
            _ => Scalar::Null,
        },
        NodeKind::And(l, r) => match eval(l, row, ctx).truth() {
            Some(false) => Scalar::Bool(false),
            left => and3(left, eval(r, row, ctx).truth()),
        },
        NodeKind::Or(l, r) => match eval(l, row, ctx).truth() {
            Some(true) => Scalar::Bool(true),
            left => or3(left, eval(r, row, ctx).truth()),
        },
        NodeKind::Cmp(op, l, r) => match (&l.kind, &r.kind) {
            // The commonest shape by far (`age >= 85`): read the field and the
            // literal directly rather than through two more calls.
            (NodeKind::Field(i), NodeKind::Const(v)) => compare(*op, row.field(*i), v.scalar()),
            _ => compare(*op, eval(l, row, ctx), eval(r, row, ctx)),
        },
        NodeKind::Arith(op, l, r) => arith(*op, eval(l, row, ctx), eval(r, row, ctx)),
        NodeKind::In {
            expr,
            items,
            negated,
        } => in_list(eval(expr, row, ctx), items, *negated),
        NodeKind::Between {
            expr,
            low,
            high,
            negated,
        } => between(
            eval(expr, row, ctx),
            eval(low, row, ctx),
            eval(high, row, ctx),
            *negated,
        ),
        NodeKind::IsNull { expr, negated } => {
            Scalar::Bool(eval(expr, row, ctx).is_null() != *negated)
        }
        NodeKind::Call(function, args) => {
            // Functions take at most a handful of arguments; keep them on the stack.
            let mut values = [Scalar::Null; 4];
            let mut heap = Vec::new();
            let args: &[Scalar<'a>] = if args.len() <= values.len() {
                for (slot, arg) in values.iter_mut().zip(args) {
                    *slot = eval(arg, row, ctx);
                }
                values.get(..args.len()).unwrap_or_default()
            } else {
                heap.extend(args.iter().map(|a| eval(a, row, ctx)));
                &heap
            };
            functions::call(*function, args, ctx.today)
        }
    }
}

/// Three-valued `and`: false wins, then unknown.
pub(crate) fn and3<'a>(l: Option<bool>, r: Option<bool>) -> Scalar<'a> {
    match (l, r) {
        (Some(false), _) | (_, Some(false)) => Scalar::Bool(false),
        (Some(true), Some(true)) => Scalar::Bool(true),
        _ => Scalar::Null,
    }
}

/// Three-valued `or`: true wins, then unknown.
pub(crate) fn or3<'a>(l: Option<bool>, r: Option<bool>) -> Scalar<'a> {
    match (l, r) {
        (Some(true), _) | (_, Some(true)) => Scalar::Bool(true),
        (Some(false), Some(false)) => Scalar::Bool(false),
        _ => Scalar::Null,
    }
}

/// `value in items` (or `not in`): null when the value is null.
pub(crate) fn in_list<'a>(value: Scalar<'a>, items: &[Value], negated: bool) -> Scalar<'a> {
    if value.is_null() {
        return Scalar::Null;
    }
    let found = items
        .iter()
        .any(|item| value.compare(&item.scalar()).is_some_and(|o| o.is_eq()));
    Scalar::Bool(found != negated)
}

/// `v between lo and hi`, both ends included: null if any of them is null.
pub(crate) fn between<'a>(
    v: Scalar<'a>,
    lo: Scalar<'a>,
    hi: Scalar<'a>,
    negated: bool,
) -> Scalar<'a> {
    match (v.compare(&lo), v.compare(&hi)) {
        (Some(a), Some(b)) => Scalar::Bool((a.is_ge() && b.is_le()) != negated),
        _ => Scalar::Null,
    }
}

pub(crate) fn compare<'a>(op: CmpOp, l: Scalar<'a>, r: Scalar<'a>) -> Scalar<'a> {
    l.compare(&r)
        .map_or(Scalar::Null, |o| Scalar::Bool(op.matches(o)))
}

pub(crate) fn arith<'a>(op: ArithOp, l: Scalar<'a>, r: Scalar<'a>) -> Scalar<'a> {
    match (op, l, r) {
        (ArithOp::Add, Scalar::Int(a), Scalar::Int(b)) => {
            a.checked_add(b).map_or(Scalar::Null, Scalar::Int)
        }
        (ArithOp::Sub, Scalar::Int(a), Scalar::Int(b)) => {
            a.checked_sub(b).map_or(Scalar::Null, Scalar::Int)
        }
        (ArithOp::Mul, Scalar::Int(a), Scalar::Int(b)) => {
            a.checked_mul(b).map_or(Scalar::Null, Scalar::Int)
        }
        (op, l, r) => match (l.as_f64(), r.as_f64()) {
            (Some(a), Some(b)) => match op {
                ArithOp::Add => Scalar::Float(a + b),
                ArithOp::Sub => Scalar::Float(a - b),
                ArithOp::Mul => Scalar::Float(a * b),
                ArithOp::Div if b == 0.0 => Scalar::Null,
                ArithOp::Div => Scalar::Float(a / b),
            },
            _ => Scalar::Null,
        },
    }
}

/// The outcome of a condition under three-valued logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Truth {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// A value it needs is missing (null), so it cannot be decided; it does not fire.
    Unknown,
}

impl Truth {
    pub(crate) fn of(s: Scalar<'_>) -> Self {
        match s.truth() {
            Some(true) => Self::True,
            Some(false) => Self::False,
            None => Self::Unknown,
        }
    }

    /// `"true"`, `"false"` or `"unknown"`.
    pub fn key(self) -> &'static str {
        match self {
            Self::True => "true",
            Self::False => "false",
            Self::Unknown => "unknown",
        }
    }
}

/// One elementary test inside a condition, as evaluated on a row: the part
/// of the rule text, its outcome, and the field values it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The test as written in the rule, e.g. `age >= 85`.
    pub text: String,
    /// Its outcome on this row.
    pub outcome: Truth,
    /// Each field the test read and its value on this row, rendered as text.
    pub values: Vec<(String, String)>,
}

/// The elementary tests that decided a condition: when it is true, those
/// that made it true; otherwise those that failed or were unknown.
pub(crate) fn decisive_checks(
    node: &Node,
    row: &[Value],
    ctx: &EvalContext,
    source: &str,
    field_names: &[&str],
    out: &mut Vec<Check>,
) {
    let outcome = Truth::of(eval(node, row, ctx));
    match &node.kind {
        NodeKind::And(l, r) => {
            for child in [l, r] {
                let child_outcome = Truth::of(eval(child, row, ctx));
                if outcome == Truth::True || child_outcome != Truth::True {
                    decisive_checks(child, row, ctx, source, field_names, out);
                }
            }
        }
        NodeKind::Or(l, r) => {
            for child in [l, r] {
                let child_outcome = Truth::of(eval(child, row, ctx));
                if outcome != Truth::True || child_outcome == Truth::True {
                    decisive_checks(child, row, ctx, source, field_names, out);
                    if outcome == Truth::True {
                        break;
                    }
                }
            }
        }
        _ => {
            let mut fields = Vec::new();
            collect_fields(node, &mut fields);
            fields.dedup();
            let values = fields
                .into_iter()
                .map(|i| {
                    let name = field_names.get(i).copied().unwrap_or("?").to_owned();
                    let value = row.get(i).map_or(Scalar::Null, Value::scalar).to_string();
                    (name, value)
                })
                .collect();
            let text = source
                .get(node.span.start..node.span.end)
                .unwrap_or_default()
                .to_owned();
            out.push(Check {
                text,
                outcome,
                values,
            });
        }
    }
}

fn collect_fields(node: &Node, out: &mut Vec<usize>) {
    match &node.kind {
        NodeKind::Const(_) => {}
        NodeKind::Field(i) => {
            if !out.contains(i) {
                out.push(*i);
            }
        }
        NodeKind::Not(a)
        | NodeKind::Neg(a)
        | NodeKind::IsNull { expr: a, .. }
        | NodeKind::In { expr: a, .. } => {
            collect_fields(a, out);
        }
        NodeKind::And(a, b)
        | NodeKind::Or(a, b)
        | NodeKind::Cmp(_, a, b)
        | NodeKind::Arith(_, a, b) => {
            collect_fields(a, out);
            collect_fields(b, out);
        }
        NodeKind::Between {
            expr, low, high, ..
        } => {
            for n in [expr, low, high] {
                collect_fields(n, out);
            }
        }
        NodeKind::Call(_, args) => args.iter().for_each(|a| collect_fields(a, out)),
    }
}

/// The fields an expression reads, by index, in first-use order.
pub(crate) fn fields_read(node: &Node) -> Vec<usize> {
    let mut out = Vec::new();
    collect_fields(node, &mut out);
    out
}
