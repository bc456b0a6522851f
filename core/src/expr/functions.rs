//! The functions rule expressions may call, with their type rules and their
//! evaluation. Clinical built-ins cite their sources.

use crate::diag::Span;

use super::ast::Expr;
use super::check::Node;
use super::error::{ExprError, ExprErrorKind};
use super::schema::Type;
use super::value::{Scalar, Value};

/// A function of the rule language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Function {
    Min,
    Max,
    Abs,
    Coalesce,
    DaysBetween,
    Today,
    AnyIn,
    Len,
    Efi,
    EfiCategory,
    PamLevel,
    PolypharmacyBand,
}

/// The eFI categories, by deficit count out of 36 (Clegg et al. 2016).
pub(crate) const EFI_CATEGORIES: [&str; 4] = ["fit", "mild", "moderate", "severe"];
/// Polypharmacy bands by number of regular medicines (Payne et al. 2014;
/// Guthrie et al. 2015): fewer than 5, 5 to 9, 10 or more.
pub(crate) const POLYPHARMACY_BANDS: [&str; 3] = ["none", "polypharmacy", "excessive"];

const ALL: [(Function, &str); 12] = [
    (Function::Min, "min"),
    (Function::Max, "max"),
    (Function::Abs, "abs"),
    (Function::Coalesce, "coalesce"),
    (Function::DaysBetween, "days_between"),
    (Function::Today, "today"),
    (Function::AnyIn, "any_in"),
    (Function::Len, "len"),
    (Function::Efi, "efi"),
    (Function::EfiCategory, "efi_category"),
    (Function::PamLevel, "pam_level"),
    (Function::PolypharmacyBand, "polypharmacy_band"),
];

fn enum_type(values: &[&str]) -> Type {
    Type::Enum(values.iter().map(|s| (*s).to_owned()).collect())
}

impl Function {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        ALL.iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(f, _)| *f)
    }

    pub(crate) fn names() -> impl Iterator<Item = &'static str> {
        ALL.iter().map(|(_, n)| *n)
    }

    pub(crate) fn name(self) -> &'static str {
        ALL.iter().find(|(f, _)| *f == self).map_or("?", |(_, n)| n)
    }

    /// Checks the arguments, returning their nodes and the result type.
    pub(crate) fn check(
        self,
        args: &[Expr],
        span: Span,
        mut check: impl FnMut(&Expr) -> Result<(Node, Type), ExprError>,
        mut literal_list: impl FnMut(&Expr, &Type) -> Result<Vec<Value>, ExprError>,
    ) -> Result<(Vec<Node>, Type), ExprError> {
        let count = |expected: &'static str, ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(ExprError::new(
                    ExprErrorKind::WrongArgumentCount {
                        function: self.name().to_owned(),
                        expected,
                        found: args.len(),
                    },
                    span,
                ))
            }
        };
        let mismatch =
            |s: Span, message: String| ExprError::new(ExprErrorKind::TypeMismatch { message }, s);

        if self == Self::AnyIn {
            count("2", args.len() == 2)?;
            let (list, ty) = args
                .first()
                .map(&mut check)
                .transpose()?
                .ok_or_else(|| mismatch(span, "missing list".into()))?;
            if ty != Type::StrList && ty != Type::Null {
                return Err(mismatch(
                    list.span,
                    format!("any_in needs a list<string> field first, found {ty}"),
                ));
            }
            let items = args
                .get(1)
                .map(|e| literal_list(e, &Type::Str))
                .transpose()?
                .unwrap_or_default();
            let values = Node {
                kind: super::check::NodeKind::Const(Value::List(
                    items
                        .iter()
                        .filter_map(|v| match v {
                            Value::Str(s) => Some(s.clone()),
                            _ => None,
                        })
                        .collect(),
                )),
                span: args.get(1).map_or(span, |e| e.span),
            };
            return Ok((vec![list, values], Type::Bool));
        }

        let mut nodes = Vec::with_capacity(args.len());
        let mut types = Vec::with_capacity(args.len());
        for arg in args {
            let (node, ty) = check(arg)?;
            nodes.push(node);
            types.push(ty);
        }
        let numeric = |i: usize| -> Result<Type, ExprError> {
            match types.get(i) {
                Some(t) if t.is_numeric() || *t == Type::Null => Ok(t.clone()),
                Some(t) => Err(mismatch(
                    nodes.get(i).map_or(span, |n| n.span),
                    format!("`{}` needs a number, found {t}", self.name()),
                )),
                None => Err(mismatch(span, "missing argument".into())),
            }
        };
        let int_arg = |i: usize| -> Result<(), ExprError> {
            match types.get(i) {
                Some(Type::Int | Type::Null) => Ok(()),
                Some(t) => Err(mismatch(
                    nodes.get(i).map_or(span, |n| n.span),
                    format!("`{}` needs an int, found {t}", self.name()),
                )),
                None => Err(mismatch(span, "missing argument".into())),
            }
        };
        let ty = match self {
            Self::Min | Self::Max | Self::Coalesce => {
                count("at least 1", !args.is_empty())?;
                // All arguments share one type; ints and floats mix as float.
                let mut result = Type::Null;
                for (i, t) in types.iter().enumerate() {
                    let node_span = nodes.get(i).map_or(span, |n| n.span);
                    result = match (&result, t) {
                        (Type::Null, t) => t.clone(),
                        (_, Type::Null) => result,
                        (a, b) if a == b => result,
                        (a, b) if a.is_numeric() && b.is_numeric() => Type::Float,
                        (a, b) if a.is_text() && b.is_text() && self == Self::Coalesce => Type::Str,
                        (a, b) => {
                            return Err(mismatch(
                                node_span,
                                format!(
                                    "`{}` arguments must share a type, found {a} and {b}",
                                    self.name()
                                ),
                            ));
                        }
                    };
                }
                if self != Self::Coalesce
                    && !(result.is_numeric() || result == Type::Date || result == Type::Null)
                {
                    return Err(mismatch(
                        span,
                        format!("`{}` needs numbers or dates, found {result}", self.name()),
                    ));
                }
                result
            }
            Self::Abs => {
                count("1", args.len() == 1)?;
                numeric(0)?
            }
            Self::DaysBetween => {
                count("2", args.len() == 2)?;
                for (i, t) in types.iter().enumerate() {
                    if !matches!(t, Type::Date | Type::Null) {
                        return Err(mismatch(
                            nodes.get(i).map_or(span, |n| n.span),
                            format!("days_between needs dates, found {t}"),
                        ));
                    }
                }
                Type::Int
            }
            Self::Today => {
                count("0", args.is_empty())?;
                Type::Date
            }
            Self::Len => {
                count("1", args.len() == 1)?;
                match types.first() {
                    Some(Type::StrList | Type::Null) => Type::Int,
                    Some(t) => {
                        return Err(mismatch(
                            span,
                            format!("len needs a list<string> field, found {t}"),
                        ));
                    }
                    None => Type::Int,
                }
            }
            Self::Efi => {
                count("1", args.len() == 1)?;
                int_arg(0)?;
                Type::Float
            }
            Self::EfiCategory => {
                count("1", args.len() == 1)?;
                int_arg(0)?;
                enum_type(&EFI_CATEGORIES)
            }
            Self::PamLevel => {
                count("1", args.len() == 1)?;
                numeric(0)?;
                Type::Int
            }
            Self::PolypharmacyBand => {
                count("1", args.len() == 1)?;
                int_arg(0)?;
                enum_type(&POLYPHARMACY_BANDS)
            }
            Self::AnyIn => Type::Bool,
        };
        Ok((nodes, ty))
    }
}

/// The eFI category of a deficit count: fit 0–4 (eFI ≤ 0.12), mild 5–8
/// (≤ 0.24), moderate 9–12 (≤ 0.36), severe 13–36 (> 0.36).
pub(crate) fn efi_category(deficits: i64) -> &'static str {
    EFI_CATEGORIES
        .get(usize::from(efi_category_code(deficits)))
        .copied()
        .unwrap_or("severe")
}

/// [`efi_category`] as a position in [`EFI_CATEGORIES`], for a count of
/// any integer width: a column narrowed to 8 or 32 bits is compared at that
/// width (sixteen or four rows per instruction rather than one or two).
#[inline]
pub(crate) fn efi_category_code<T: PartialOrd + From<i8>>(deficits: T) -> u8 {
    // 0..=4 fit, 5..=8 mild, 9..=12 moderate, 13+ severe: counted without
    // branches, so a whole column is categorised at vector speed.
    u8::from(deficits >= T::from(5))
        + u8::from(deficits >= T::from(9))
        + u8::from(deficits >= T::from(13))
}

/// The PAM level (1–4) of a Patient Activation Measure score (0–100):
/// level 1 ≤ 47.0, level 2 ≤ 55.1, level 3 ≤ 67.0, level 4 above.
#[inline]
pub(crate) fn pam_level(score: f64) -> i64 {
    // Counted down without branches, so a column is levelled at vector
    // speed; a NaN score compares false everywhere and stays at level 4.
    4 - i64::from(score <= 67.0) - i64::from(score <= 55.1) - i64::from(score <= 47.0)
}

pub(crate) fn polypharmacy_band(count: i64) -> &'static str {
    POLYPHARMACY_BANDS
        .get(usize::from(polypharmacy_band_code(count)))
        .copied()
        .unwrap_or("excessive")
}

/// [`polypharmacy_band`] as a position in [`POLYPHARMACY_BANDS`], for a
/// count of any integer width (see [`efi_category_code`]).
#[inline]
pub(crate) fn polypharmacy_band_code<T: PartialOrd + From<i8>>(count: T) -> u8 {
    // 0..=4 none, 5..=9 polypharmacy, 10+ excessive, without branches.
    u8::from(count >= T::from(5)) + u8::from(count >= T::from(10))
}

/// Evaluates a call on already-evaluated arguments (SQL null rules: a null
/// argument gives null, except `coalesce`, and `min`/`max` which skip nulls).
pub(crate) fn call<'a>(
    function: Function,
    args: &[Scalar<'a>],
    today: chrono::NaiveDate,
) -> Scalar<'a> {
    let first = args.first().copied().unwrap_or(Scalar::Null);
    match function {
        Function::Coalesce => args
            .iter()
            .copied()
            .find(|a| !a.is_null())
            .unwrap_or(Scalar::Null),
        Function::Min | Function::Max => {
            let mut best: Option<Scalar<'a>> = None;
            let any_float = args.iter().any(|a| matches!(a, Scalar::Float(_)));
            for a in args.iter().copied().filter(|a| !a.is_null()) {
                let a = match (any_float, a.as_f64()) {
                    (true, Some(x)) => Scalar::Float(x),
                    _ => a,
                };
                best = Some(match best {
                    None => a,
                    Some(b) => {
                        let keep_b = match b.compare(&a) {
                            Some(o) => (function == Function::Min) == o.is_le(),
                            None => true,
                        };
                        if keep_b { b } else { a }
                    }
                });
            }
            best.unwrap_or(Scalar::Null)
        }
        Function::Abs => match first {
            Scalar::Int(i) => i.checked_abs().map_or(Scalar::Null, Scalar::Int),
            Scalar::Float(x) => Scalar::Float(x.abs()),
            _ => Scalar::Null,
        },
        Function::DaysBetween => match (first, args.get(1).copied().unwrap_or(Scalar::Null)) {
            (Scalar::Date(a), Scalar::Date(b)) => Scalar::Int((b - a).num_days()),
            _ => Scalar::Null,
        },
        Function::Today => Scalar::Date(today),
        Function::AnyIn => match (first, args.get(1).copied()) {
            (Scalar::List(have), Some(Scalar::List(wanted))) => {
                Scalar::Bool(have.iter().any(|h| wanted.iter().any(|w| w == h)))
            }
            _ => Scalar::Null,
        },
        Function::Len => match first {
            Scalar::List(l) => i64::try_from(l.len()).map_or(Scalar::Null, Scalar::Int),
            _ => Scalar::Null,
        },
        Function::Efi => match first {
            Scalar::Int(d) => Scalar::Float(d as f64 / 36.0),
            _ => Scalar::Null,
        },
        Function::EfiCategory => match first {
            Scalar::Int(d) => Scalar::Str(efi_category(d)),
            _ => Scalar::Null,
        },
        Function::PamLevel => first
            .as_f64()
            .map_or(Scalar::Null, |s| Scalar::Int(pam_level(s))),
        Function::PolypharmacyBand => match first {
            Scalar::Int(n) => Scalar::Str(polypharmacy_band(n)),
            _ => Scalar::Null,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Category codes of narrowed (32- and 8-bit) counts are those of
        /// the same counts at 64 bits, at the cut points and everywhere else.
        #[test]
        fn small_codes_equal_wide_codes(x in proptest::prop_oneof![-3i32..40, proptest::num::i32::ANY]) {
            proptest::prop_assert_eq!(efi_category_code(x), efi_category_code(i64::from(x)));
            proptest::prop_assert_eq!(
                polypharmacy_band_code(x),
                polypharmacy_band_code(i64::from(x))
            );
            let tiny = x as i8;
            proptest::prop_assert_eq!(efi_category_code(tiny), efi_category_code(i64::from(tiny)));
            proptest::prop_assert_eq!(
                polypharmacy_band_code(tiny),
                polypharmacy_band_code(i64::from(tiny))
            );
        }
    }

    #[test]
    fn efi_bands_match_the_fractions() {
        // Clegg et al. 2016: fit ≤ 0.12, mild ≤ 0.24, moderate ≤ 0.36, severe above.
        for d in 0..=36 {
            let efi = d as f64 / 36.0;
            let by_fraction = if efi <= 0.12 {
                "fit"
            } else if efi <= 0.24 {
                "mild"
            } else if efi <= 0.36 {
                "moderate"
            } else {
                "severe"
            };
            assert_eq!(efi_category(d), by_fraction, "{d} deficits");
        }
    }

    #[test]
    fn pam_levels_at_the_cut_points() {
        assert_eq!(
            [0.0, 47.0, 47.1, 55.1, 55.2, 67.0, 67.1, 100.0].map(pam_level),
            [1, 1, 2, 2, 3, 3, 4, 4]
        );
        // As the branching version gave: NaN is above every cut point.
        assert_eq!(pam_level(f64::NAN), 4);
        assert_eq!([-3, i64::MIN, i64::MAX].map(efi_category_code), [0, 0, 3]);
    }

    #[test]
    fn polypharmacy_bands() {
        assert_eq!(
            [0, 4, 5, 9, 10, 25].map(polypharmacy_band),
            [
                "none",
                "none",
                "polypharmacy",
                "polypharmacy",
                "excessive",
                "excessive"
            ]
        );
    }
}
