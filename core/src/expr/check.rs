//! Type checking: resolves field names against a [`Schema`], checks every
//! operator and function call, and produces the typed tree the evaluators run.

use std::sync::Arc;

use crate::diag::{Span, did_you_mean};

use super::ast::{BinaryOp, Expr, ExprKind, Literal};
use super::error::{ExprError, ExprErrorKind};
use super::functions::Function;
use super::schema::{Schema, Type};
use super::value::Value;

/// A checked expression node. Every evaluator runs this one tree, so they
/// cannot disagree about what an expression means.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// Whether an ordering satisfies the operator (`Less` satisfies `<`).
    pub(crate) fn matches(self, o: std::cmp::Ordering) -> bool {
        match self {
            Self::Eq => o.is_eq(),
            Self::Ne => o.is_ne(),
            Self::Lt => o.is_lt(),
            Self::Le => o.is_le(),
            Self::Gt => o.is_gt(),
            Self::Ge => o.is_ge(),
        }
    }

    /// The operator with its operands swapped: `a < b` is `b > a`.
    pub(crate) fn flipped(self) -> Self {
        match self {
            Self::Lt => Self::Gt,
            Self::Le => Self::Ge,
            Self::Gt => Self::Lt,
            Self::Ge => Self::Le,
            other => other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Const(Value),
    Field(usize),
    Not(Box<Node>),
    Neg(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    Arith(ArithOp, Box<Node>, Box<Node>),
    In {
        expr: Box<Node>,
        items: Vec<Value>,
        negated: bool,
    },
    Between {
        expr: Box<Node>,
        low: Box<Node>,
        high: Box<Node>,
        negated: bool,
    },
    IsNull {
        expr: Box<Node>,
        negated: bool,
    },
    Call(Function, Vec<Node>),
}

/// Checks `expr` against `schema`, returning the typed tree and its type.
pub(crate) fn check(expr: &Expr, schema: &Schema) -> Result<(Node, Type), ExprError> {
    Checker { schema }.check(expr)
}

struct Checker<'s> {
    schema: &'s Schema,
}

fn mismatch(span: Span, message: String) -> ExprError {
    ExprError::new(ExprErrorKind::TypeMismatch { message }, span)
}

/// Whether values of `a` and `b` can be compared with `==`.
fn comparable(a: &Type, b: &Type) -> bool {
    (a.is_numeric() && b.is_numeric())
        || (a.is_text() && b.is_text())
        || (a == b && matches!(a, Type::Date | Type::Bool))
}

impl Checker<'_> {
    fn check(&self, expr: &Expr) -> Result<(Node, Type), ExprError> {
        let span = expr.span;
        let node = |kind| Node { kind, span };
        Ok(match &expr.kind {
            ExprKind::Literal(l) => {
                let (value, ty) = match l {
                    Literal::Null => (Value::Null, Type::Null),
                    Literal::Bool(b) => (Value::Bool(*b), Type::Bool),
                    Literal::Int(i) => (Value::Int(*i), Type::Int),
                    Literal::Float(x) => (Value::Float(*x), Type::Float),
                    Literal::Str(s) => (Value::str(s), Type::Str),
                    Literal::Date(d) => (Value::Date(*d), Type::Date),
                };
                (node(NodeKind::Const(value)), ty)
            }
            ExprKind::Field(name) => {
                let Some(index) = self.schema.index_of(name) else {
                    let names = self.schema.fields().iter().map(|f| f.name.as_str());
                    let suggestion = did_you_mean(name, names).map(str::to_owned);
                    return Err(ExprError::new(
                        ExprErrorKind::UnknownField {
                            name: name.clone(),
                            suggestion,
                        },
                        span,
                    ));
                };
                let ty = self
                    .schema
                    .fields()
                    .get(index)
                    .map_or(Type::Null, |f| f.ty.clone());
                (node(NodeKind::Field(index)), ty)
            }
            ExprKind::List(_) => {
                return Err(mismatch(
                    span,
                    "a list may appear only after `in` or as an argument of `any_in`".into(),
                ));
            }
            ExprKind::Not(inner) => {
                let (inner, ty) = self.check(inner)?;
                self.expect_condition(&ty, inner.span)?;
                (node(NodeKind::Not(Box::new(inner))), Type::Bool)
            }
            ExprKind::Neg(inner) => {
                let (inner, ty) = self.check(inner)?;
                if !ty.is_numeric() {
                    return Err(mismatch(span, format!("cannot negate {ty}")));
                }
                // Fold `-literal` so that negative numbers work in lists.
                let folded = match &inner.kind {
                    NodeKind::Const(Value::Int(i)) => i.checked_neg().map(Value::Int),
                    NodeKind::Const(Value::Float(x)) => Some(Value::Float(-x)),
                    _ => None,
                };
                match folded {
                    Some(v) => (node(NodeKind::Const(v)), ty),
                    None => (node(NodeKind::Neg(Box::new(inner))), ty),
                }
            }
            ExprKind::Binary { op, left, right } => self.binary(*op, left, right, span)?,
            ExprKind::In {
                expr: inner,
                list,
                negated,
            } => {
                let (inner, ty) = self.check(inner)?;
                if ty == Type::StrList {
                    return Err(mismatch(
                        span,
                        "a list field cannot be `in` a list: use any_in(field, [..])".into(),
                    ));
                }
                if matches!(ty, Type::Null) {
                    return Err(mismatch(
                        span,
                        "`null in [..]` is always unknown: use `is null`".into(),
                    ));
                }
                let items = self.literal_list(list, &ty)?;
                (
                    node(NodeKind::In {
                        expr: Box::new(inner),
                        items,
                        negated: *negated,
                    }),
                    Type::Bool,
                )
            }
            ExprKind::Between {
                expr: inner,
                low,
                high,
                negated,
            } => {
                let (inner, ty) = self.check(inner)?;
                let (low, low_ty) = self.check(low)?;
                let (high, high_ty) = self.check(high)?;
                let orderable = |t: &Type| t.is_numeric() || *t == Type::Date;
                if !orderable(&ty) || !comparable(&ty, &low_ty) || !comparable(&ty, &high_ty) {
                    return Err(mismatch(
                        span,
                        format!(
                            "`between` needs numbers or dates, found {ty} between {low_ty} and {high_ty}"
                        ),
                    ));
                }
                let kind = NodeKind::Between {
                    expr: Box::new(inner),
                    low: Box::new(low),
                    high: Box::new(high),
                    negated: *negated,
                };
                (node(kind), Type::Bool)
            }
            ExprKind::IsNull {
                expr: inner,
                negated,
            } => {
                let (inner, _) = self.check(inner)?;
                (
                    node(NodeKind::IsNull {
                        expr: Box::new(inner),
                        negated: *negated,
                    }),
                    Type::Bool,
                )
            }
            ExprKind::Call {
                name,
                name_span,
                args,
            } => {
                let Some(function) = Function::from_name(name) else {
                    let suggestion = did_you_mean(name, Function::names()).map(str::to_owned);
                    return Err(ExprError::new(
                        ExprErrorKind::UnknownFunction {
                            name: name.clone(),
                            suggestion,
                        },
                        *name_span,
                    ));
                };
                let (nodes, ty) = function.check(
                    args,
                    span,
                    |e| self.check(e),
                    |list, ty| self.literal_list(list, ty),
                )?;
                (node(NodeKind::Call(function, nodes)), ty)
            }
        })
    }

    fn expect_condition(&self, ty: &Type, span: Span) -> Result<(), ExprError> {
        match ty {
            Type::Bool | Type::Null => Ok(()),
            other => Err(ExprError::new(
                ExprErrorKind::NotACondition {
                    found: other.to_string(),
                },
                span,
            )),
        }
    }

    fn binary(
        &self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        span: Span,
    ) -> Result<(Node, Type), ExprError> {
        let (l, lt) = self.check(left)?;
        let (r, rt) = self.check(right)?;
        let node = |kind| Node { kind, span };
        match op {
            BinaryOp::And | BinaryOp::Or => {
                self.expect_condition(&lt, l.span)?;
                self.expect_condition(&rt, r.span)?;
                let kind = if op == BinaryOp::And {
                    NodeKind::And(Box::new(l), Box::new(r))
                } else {
                    NodeKind::Or(Box::new(l), Box::new(r))
                };
                Ok((node(kind), Type::Bool))
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                if !lt.is_numeric() || !rt.is_numeric() {
                    return Err(mismatch(
                        span,
                        format!("`{}` needs numbers, found {lt} and {rt}", op.symbol()),
                    ));
                }
                let (aop, ty) = match op {
                    BinaryOp::Add => (
                        ArithOp::Add,
                        if lt == Type::Int && rt == Type::Int {
                            Type::Int
                        } else {
                            Type::Float
                        },
                    ),
                    BinaryOp::Sub => (
                        ArithOp::Sub,
                        if lt == Type::Int && rt == Type::Int {
                            Type::Int
                        } else {
                            Type::Float
                        },
                    ),
                    BinaryOp::Mul => (
                        ArithOp::Mul,
                        if lt == Type::Int && rt == Type::Int {
                            Type::Int
                        } else {
                            Type::Float
                        },
                    ),
                    _ => (ArithOp::Div, Type::Float),
                };
                Ok((node(NodeKind::Arith(aop, Box::new(l), Box::new(r))), ty))
            }
            _ => {
                if lt == Type::Null || rt == Type::Null {
                    return Err(mismatch(
                        span,
                        "a comparison with null is always unknown: use `is null` or `is not null`"
                            .into(),
                    ));
                }
                if !comparable(&lt, &rt) {
                    return Err(mismatch(span, format!("cannot compare {lt} with {rt}")));
                }
                let ordering = !matches!(op, BinaryOp::Eq | BinaryOp::Ne);
                if ordering
                    && (lt == Type::Bool
                        || matches!(lt, Type::Enum(_))
                        || matches!(rt, Type::Enum(_)))
                {
                    return Err(mismatch(
                        span,
                        format!(
                            "`{}` does not order {lt} values: compare with == or use `in`",
                            op.symbol()
                        ),
                    ));
                }
                self.enum_literal(&lt, &r)?;
                self.enum_literal(&rt, &l)?;
                let cop = match op {
                    BinaryOp::Eq => CmpOp::Eq,
                    BinaryOp::Ne => CmpOp::Ne,
                    BinaryOp::Lt => CmpOp::Lt,
                    BinaryOp::Le => CmpOp::Le,
                    BinaryOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                Ok((
                    node(NodeKind::Cmp(cop, Box::new(l), Box::new(r))),
                    Type::Bool,
                ))
            }
        }
    }

    /// A string literal compared with an enum must be one of its values.
    fn enum_literal(&self, ty: &Type, other: &Node) -> Result<(), ExprError> {
        if let (Type::Enum(values), NodeKind::Const(Value::Str(s))) = (ty, &other.kind) {
            check_enum_value(values, s, other.span)?;
        }
        Ok(())
    }

    /// The values of a literal list `[..]` whose items must compare with `ty`.
    fn literal_list(&self, list: &Expr, ty: &Type) -> Result<Vec<Value>, ExprError> {
        let ExprKind::List(items) = &list.kind else {
            return Err(mismatch(
                list.span,
                "expected a list of values `[..]`".into(),
            ));
        };
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let (node, item_ty) = self.check(item)?;
            let NodeKind::Const(value) = node.kind else {
                return Err(mismatch(
                    item.span,
                    "list items must be literal values".into(),
                ));
            };
            if item_ty == Type::Null {
                return Err(mismatch(
                    item.span,
                    "null in a list is always unknown: test `is null` separately".into(),
                ));
            }
            if !comparable(ty, &item_ty) {
                return Err(mismatch(
                    item.span,
                    format!("list item is {item_ty}, but it is compared with {ty}"),
                ));
            }
            if let (Type::Enum(allowed), Value::Str(s)) = (ty, &value) {
                check_enum_value(allowed, s, item.span)?;
            }
            values.push(value);
        }
        Ok(values)
    }
}

fn check_enum_value(allowed: &Arc<[String]>, value: &str, span: Span) -> Result<(), ExprError> {
    if allowed.iter().any(|a| a == value) {
        return Ok(());
    }
    let suggestion = did_you_mean(value, allowed.iter().map(String::as_str)).map(str::to_owned);
    Err(ExprError::new(
        ExprErrorKind::UnknownEnumValue {
            value: value.to_owned(),
            allowed: allowed.join(", "),
            suggestion,
        },
        span,
    ))
}
