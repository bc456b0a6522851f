//! A small typed expression language for rules written as data.
//!
//! Rules are parsed ([`parse`]), then checked against a declared [`Schema`]
//! ([`compile`]): unknown fields (with "did you mean"), type mismatches and
//! misuse of null are load-time errors with a span, never surprises on the
//! thousandth row.
//!
//! - Literals: `42`, `0.12`, `true`, `"text"` or `'text'`, `date("2026-04-01")`,
//!   `null`, lists `["a", "b"]` (after `in` and in `any_in`).
//! - Operators, loosest first: `or`; `and`; `not`; comparisons `== != < <= > >=`,
//!   `in [..]`, `not in [..]`, `between a and b` (inclusive), `is null`,
//!   `is not null`; `+ -`; `* /` (`/` always gives a float); unary `-`.
//!   Keywords are case-insensitive (`AND` works).
//! - Functions: `min`, `max` (skip nulls), `abs`, `coalesce`,
//!   `days_between(a, b)` (days from `a` to `b`), `today()`,
//!   `any_in(list_field, ["a", ..])`, `len(list_field)`, and clinical
//!   built-ins `efi(deficits)`, `efi_category(deficits)`, `pam_level(score)`,
//!   `polypharmacy_band(medicines)`.
//!
//! **Nulls are SQL-like.** A comparison or arithmetic with null is *unknown*;
//! `and`, `or` and `not` use three-valued logic (`false and unknown` is false,
//! `true or unknown` is true); a condition fires only when it is true. Test
//! for missing values explicitly with `is null`. Comparing with the `null`
//! literal (`x == null`) is refused at load time, because it is never true.
//!
//! ```
//! use carecoord::expr::{compile, EvalContext, Field, Schema, Type, Value};
//! use chrono::NaiveDate;
//!
//! let schema = Schema::new(vec![
//!     Field { name: "age".into(), ty: Type::Int, nullable: false, role: None },
//!     Field { name: "efi_deficits".into(), ty: Type::Int, nullable: true, role: None },
//! ]).unwrap();
//! let rule = compile("age >= 75 and efi_category(efi_deficits) in ['moderate', 'severe']", &schema)?;
//! let ctx = EvalContext { today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap() };
//! assert!(rule.is_true(&[Value::Int(81), Value::Int(10)], &ctx));
//! // A missing eFI makes the condition unknown, so it does not fire.
//! assert!(!rule.is_true(&[Value::Int(81), Value::Null], &ctx));
//!
//! let err = compile("age >= 75 and efi_deficit > 3", &schema).unwrap_err();
//! assert_eq!(err.to_string(), "unknown field `efi_deficit`: did you mean `efi_deficits`?");
//! # Ok::<(), carecoord::expr::ExprError>(())
//! ```

mod ast;
mod check;
#[cfg(feature = "arrow")]
pub(crate) mod columnar;
mod error;
mod eval;
pub(crate) mod functions;
mod lexer;
#[cfg(feature = "arrow")]
pub(crate) mod mask;
mod parser;
mod schema;
mod value;
#[cfg(feature = "arrow")]
pub(crate) mod vector;

use std::sync::Arc;

pub use ast::{BinaryOp, Expr, ExprKind, Literal};
pub use error::{ExprError, ExprErrorKind};
pub use eval::{Check, EvalContext, Truth};
pub use parser::{MAX_HEIGHT, MAX_TOKENS, parse};
pub use schema::{Field, FieldRole, Schema, Type};
pub use value::Value;

pub(crate) use check::{CmpOp, Node, NodeKind};
pub(crate) use eval::Fields;
pub(crate) use value::Scalar;

/// An expression checked against a schema, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledExpr {
    source: Arc<str>,
    node: Node,
    ty: Type,
}

/// Parses and type-checks `source` against `schema`.
pub fn compile(source: &str, schema: &Schema) -> Result<CompiledExpr, ExprError> {
    let expr = parse(source)?;
    let (node, ty) = check::check(&expr, schema)?;
    Ok(CompiledExpr {
        source: Arc::from(source),
        node,
        ty,
    })
}

/// Parses and type-checks a condition: like [`compile`], but the expression
/// must be true/false.
pub fn compile_condition(source: &str, schema: &Schema) -> Result<CompiledExpr, ExprError> {
    let compiled = compile(source, schema)?;
    match compiled.ty {
        Type::Bool | Type::Null => Ok(compiled),
        ref other => Err(ExprError::new(
            ExprErrorKind::NotACondition {
                found: other.to_string(),
            },
            compiled.node.span,
        )),
    }
}

impl CompiledExpr {
    /// The text it was compiled from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Its type.
    pub fn ty(&self) -> &Type {
        &self.ty
    }

    /// Its value on `row` (values in schema order).
    pub fn evaluate(&self, row: &[Value], ctx: &EvalContext) -> Value {
        eval::eval(&self.node, row, ctx).to_value()
    }

    /// Whether it is true on `row` (false and unknown both do not fire).
    pub fn is_true(&self, row: &[Value], ctx: &EvalContext) -> bool {
        eval::eval(&self.node, row, ctx).truth() == Some(true)
    }

    /// Its truth on `row` under three-valued logic.
    pub fn truth(&self, row: &[Value], ctx: &EvalContext) -> Truth {
        Truth::of(eval::eval(&self.node, row, ctx))
    }

    /// The elementary tests that decided this condition on `row`: when it is
    /// true, those that made it true; otherwise those that failed or were
    /// unknown, with the values they saw ("why not").
    pub fn explain(&self, row: &[Value], ctx: &EvalContext, schema: &Schema) -> Vec<Check> {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name.as_str()).collect();
        let mut out = Vec::new();
        eval::decisive_checks(&self.node, row, ctx, &self.source, &names, &mut out);
        out
    }

    /// The schema positions of the fields this expression reads.
    pub fn fields_read(&self) -> Vec<usize> {
        eval::fields_read(&self.node)
    }

    pub(crate) fn node(&self) -> &Node {
        &self.node
    }

    /// [`is_true`](Self::is_true) over any row source (a row, or a row of an Arrow batch).
    pub(crate) fn fires<R: Fields + ?Sized>(&self, row: &R, ctx: &EvalContext) -> bool {
        eval::eval(&self.node, row, ctx).truth() == Some(true)
    }
}

#[cfg(test)]
mod tests;
