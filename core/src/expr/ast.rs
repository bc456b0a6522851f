//! The syntax tree of a rule expression, as parsed, before type checking.

use std::fmt;

use chrono::NaiveDate;

use crate::diag::Span;

/// An expression with its location in the rule text.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it is in the text it was parsed from.
    pub span: Span,
}

/// A literal value written in a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fractional part.
    Float(f64),
    /// A quoted string.
    Str(String),
    /// `date("2026-04-01")`.
    Date(NaiveDate),
}

/// Binary operators, loosest-binding first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each variant is its own operator")]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Or => "or",
            Self::And => "and",
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "/",
        }
    }

    /// Whether this is one of `== != < <= > >=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            Self::Eq | Self::Ne | Self::Lt | Self::Le | Self::Gt | Self::Ge
        )
    }
}

/// Every kind of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal value.
    Literal(Literal),
    /// A field of the input row, by name.
    Field(String),
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// `not x`.
    Not(Box<Expr>),
    /// `-x`.
    Neg(Box<Expr>),
    /// `a op b`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `x in [..]` or `x not in [..]`.
    In {
        /// The value looked for.
        expr: Box<Expr>,
        /// The list looked in.
        list: Box<Expr>,
        /// `not in`.
        negated: bool,
    },
    /// `x between low and high` (both ends included), or `not between`.
    Between {
        /// The value tested.
        expr: Box<Expr>,
        /// Lowest value included.
        low: Box<Expr>,
        /// Highest value included.
        high: Box<Expr>,
        /// `not between`.
        negated: bool,
    },
    /// `x is null` or `x is not null`.
    IsNull {
        /// The value tested.
        expr: Box<Expr>,
        /// `is not null`.
        negated: bool,
    },
    /// `name(args)`.
    Call {
        /// The function name.
        name: String,
        /// Where the name is written.
        name_span: Span,
        /// The arguments.
        args: Vec<Expr>,
    },
}

/// Prints the expression fully parenthesised, so that parsing the printed text
/// gives back the same tree (spans aside).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(l) => match l {
                Literal::Null => f.write_str("null"),
                Literal::Bool(b) => write!(f, "{b}"),
                Literal::Int(i) => write!(f, "{i}"),
                Literal::Float(x) => write!(f, "{x:?}"),
                Literal::Str(s) => write!(
                    f,
                    "\"{}\"",
                    s.replace('\\', "\\\\")
                        .replace('"', "\\\"")
                        .replace('\n', "\\n")
                        .replace('\t', "\\t")
                ),
                Literal::Date(d) => write!(f, "date(\"{d}\")"),
            },
            ExprKind::Field(name) => f.write_str(name),
            ExprKind::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            ExprKind::Not(e) => write!(f, "(not {e})"),
            ExprKind::Neg(e) => write!(f, "(-{e})"),
            ExprKind::Binary { op, left, right } => write!(f, "({left} {} {right})", op.symbol()),
            ExprKind::In {
                expr,
                list,
                negated,
            } => {
                write!(
                    f,
                    "({expr} {}in {list})",
                    if *negated { "not " } else { "" }
                )
            }
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => write!(
                f,
                "({expr} {}between {low} and {high})",
                if *negated { "not " } else { "" }
            ),
            ExprKind::IsNull { expr, negated } => {
                write!(f, "({expr} is {}null)", if *negated { "not " } else { "" })
            }
            ExprKind::Call { name, args, .. } => {
                write!(f, "{name}(")?;
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}
