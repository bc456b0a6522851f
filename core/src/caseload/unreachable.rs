//! Finds bands that can never be chosen because an earlier band of the same
//! rule always matches first (e.g. `age >= 75` before `age >= 85`).
//!
//! Decided for the shapes rules are written in: a constant `true`, and a
//! single test of one subject (a field, or a function of one field) against
//! literals: `>=`, `>`, `<=`, `<`, `==`, `between`, `in`. Other conditions are
//! not judged, so the check never refuses a reachable band.

use crate::expr::functions::Function;
use crate::expr::{CmpOp, Node, NodeKind, Value};

use super::ruleset::Band;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Subject {
    Field(usize),
    Call(Function, usize),
}

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Always,
    /// Numbers from `low` to `high`, each end included or not.
    Range {
        subject: Subject,
        low: (f64, bool),
        high: (f64, bool),
    },
    /// One of these strings.
    OneOf {
        subject: Subject,
        values: Vec<String>,
    },
}

fn subject(node: &Node) -> Option<Subject> {
    match &node.kind {
        NodeKind::Field(i) => Some(Subject::Field(*i)),
        NodeKind::Call(f, args) => match args.as_slice() {
            [
                Node {
                    kind: NodeKind::Field(i),
                    ..
                },
            ] => Some(Subject::Call(*f, *i)),
            _ => None,
        },
        _ => None,
    }
}

fn number(node: &Node) -> Option<f64> {
    match &node.kind {
        NodeKind::Const(Value::Int(i)) => Some(*i as f64),
        NodeKind::Const(Value::Float(x)) => Some(*x),
        _ => None,
    }
}

fn text(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Const(Value::Str(s)) => Some(s.to_string()),
        _ => None,
    }
}

const OPEN_LOW: (f64, bool) = (f64::NEG_INFINITY, false);
const OPEN_HIGH: (f64, bool) = (f64::INFINITY, false);

fn shape(node: &Node) -> Option<Shape> {
    match &node.kind {
        NodeKind::Const(Value::Bool(true)) => Some(Shape::Always),
        NodeKind::Cmp(op, l, r) => {
            // Normalise to `subject op literal`.
            let (subject, op, lit) = match (subject(l), subject(r)) {
                (Some(s), None) => (s, *op, r.as_ref()),
                (None, Some(s)) => (s, op.flipped(), l.as_ref()),
                _ => return None,
            };
            if let Some(v) = number(lit) {
                let (low, high) = match op {
                    CmpOp::Ge => ((v, true), OPEN_HIGH),
                    CmpOp::Gt => ((v, false), OPEN_HIGH),
                    CmpOp::Le => (OPEN_LOW, (v, true)),
                    CmpOp::Lt => (OPEN_LOW, (v, false)),
                    CmpOp::Eq => ((v, true), (v, true)),
                    CmpOp::Ne => return None,
                };
                return Some(Shape::Range { subject, low, high });
            }
            match (op, text(lit)) {
                (CmpOp::Eq, Some(s)) => Some(Shape::OneOf {
                    subject,
                    values: vec![s],
                }),
                _ => None,
            }
        }
        NodeKind::Between {
            expr,
            low,
            high,
            negated: false,
        } => Some(Shape::Range {
            subject: subject(expr)?,
            low: (number(low)?, true),
            high: (number(high)?, true),
        }),
        NodeKind::In {
            expr,
            items,
            negated: false,
        } => {
            let values = items
                .iter()
                .map(|v| match v {
                    Value::Str(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?;
            Some(Shape::OneOf {
                subject: subject(expr)?,
                values,
            })
        }
        _ => None,
    }
}

/// Whether every value matching `inner` also matches `outer`.
fn covers(outer: &Shape, inner: &Shape) -> bool {
    match (outer, inner) {
        (Shape::Always, _) => true,
        (
            Shape::Range {
                subject: a,
                low: (ol, oli),
                high: (oh, ohi),
            },
            Shape::Range {
                subject: b,
                low: (il, ili),
                high: (ih, ihi),
            },
        ) => {
            let low_ok = ol < il || (ol == il && (*oli || !*ili));
            let high_ok = oh > ih || (oh == ih && (*ohi || !*ihi));
            a == b && low_ok && high_ok
        }
        (
            Shape::OneOf {
                subject: a,
                values: outer,
            },
            Shape::OneOf {
                subject: b,
                values: inner,
            },
        ) => a == b && inner.iter().all(|v| outer.contains(v)),
        _ => false,
    }
}

/// The first band (0-based) that an earlier band always pre-empts, and why.
pub(crate) fn first_unreachable_band(bands: &[Band]) -> Option<(usize, String)> {
    let shapes: Vec<Option<Shape>> = bands.iter().map(|b| shape(b.when.node())).collect();
    for (j, later) in shapes.iter().enumerate() {
        for (i, earlier) in shapes.iter().enumerate().take(j) {
            let pre_empted = match (earlier, later) {
                (Some(Shape::Always), _) => true,
                (Some(e), Some(l)) => covers(e, l),
                _ => false,
            };
            if pre_empted {
                let (a, b) = (
                    bands.get(i).map_or("", |b| b.when.source()),
                    bands.get(j).map_or("", |b| b.when.source()),
                );
                return Some((
                    j,
                    format!(
                        "band {} (`{a}`) matches every row that `{b}` matches",
                        i + 1
                    ),
                ));
            }
        }
    }
    None
}
