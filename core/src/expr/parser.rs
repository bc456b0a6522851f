//! Recursive-descent parser from tokens to [`Expr`].
//!
//! Grammar, loosest first:
//!
//! ```text
//! or       := and ("or" and)*
//! and      := not ("and" not)*
//! not      := "not" not | compare
//! compare  := sum ( cmp_op sum
//!                 | "not"? "in" sum
//!                 | "not"? "between" sum "and" sum
//!                 | "is" "not"? "null" )?
//! sum      := product (("+" | "-") product)*
//! product  := unary (("*" | "/") unary)*
//! unary    := "-" unary | primary
//! primary  := literal | "date" "(" string ")" | name "(" args ")" | name
//!           | "[" (or ("," or)*)? "]" | "(" or ")"
//! ```

use chrono::NaiveDate;

use crate::diag::Span;

use super::ast::{BinaryOp, Expr, ExprKind, Literal};
use super::error::{ExprError, ExprErrorKind};
use super::lexer::{Keyword, Symbol, Token, tokenize};

/// How tall an expression tree may grow before the parser refuses: each
/// bracket, prefix operator and link of an operator chain (`a and b and c`
/// is two links) counts one. The checker, the evaluators and `Drop` all
/// recurse over the tree, so its height, not only its brackets, must be
/// bounded: a flat chain of 10,000 `and`s once overflowed the stack. Far
/// beyond any real rule.
pub const MAX_HEIGHT: usize = 64;

/// How many tokens (words, numbers, strings, symbols) one expression may
/// hold: bounds the work and memory of every later pass. A code list of a
/// few thousand entries still fits.
pub const MAX_TOKENS: usize = 20_000;

/// Parses one expression from rule text.
pub fn parse(source: &str) -> Result<Expr, ExprError> {
    let tokens = tokenize(source)?;
    if tokens.len() > MAX_TOKENS {
        let at = tokens.get(MAX_TOKENS).map_or(Span::new(0, 0), |(_, s)| *s);
        return Err(ExprError::new(ExprErrorKind::TooLarge, at));
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: source.len(),
    };
    if parser.tokens.is_empty() {
        return Err(ExprError::new(
            ExprErrorKind::Empty,
            Span::new(0, source.len()),
        ));
    }
    let expr = parser.or()?;
    if let Some((_, span)) = parser.tokens.get(parser.pos) {
        return Err(ExprError::new(
            ExprErrorKind::UnexpectedToken {
                expected: "an operator or the end",
            },
            *span,
        ));
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<(Token, Span)>,
    pos: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.pos + ahead).map(|(t, _)| t)
    }

    fn span(&self) -> Span {
        self.tokens
            .get(self.pos)
            .map_or(Span::new(self.end, self.end), |(_, s)| *s)
    }

    fn eat_keyword(&mut self, k: Keyword) -> bool {
        if self.peek() == Some(&Token::Keyword(k)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_symbol(&mut self, s: Symbol) -> bool {
        if self.peek() == Some(&Token::Symbol(s)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_symbol(&mut self, s: Symbol, expected: &'static str) -> Result<Span, ExprError> {
        let span = self.span();
        if self.eat_symbol(s) {
            Ok(span)
        } else {
            Err(ExprError::new(
                ExprErrorKind::UnexpectedToken { expected },
                span,
            ))
        }
    }

    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, ExprError>,
    ) -> Result<T, ExprError> {
        self.deeper()?;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// One more level of the tree (a bracket, a prefix operator or a chain
    /// link), refused past [`MAX_HEIGHT`].
    fn deeper(&mut self) -> Result<(), ExprError> {
        if self.depth >= MAX_HEIGHT {
            return Err(ExprError::new(ExprErrorKind::TooDeep, self.span()));
        }
        self.depth += 1;
        Ok(())
    }

    /// Parses `operand (op operand)*`, left-associated, where `op` returns the
    /// operator it consumed. Each link makes the tree one level taller, and
    /// counts against the height for the operands that follow it.
    fn chain(
        &mut self,
        operand: fn(&mut Self) -> Result<Expr, ExprError>,
        op: fn(&mut Self) -> Option<BinaryOp>,
    ) -> Result<Expr, ExprError> {
        let mut left = operand(self)?;
        let base = self.depth;
        while let Some(op) = op(self) {
            self.deeper()?;
            let right = operand(self)?;
            left = Self::binary(op, left, right);
        }
        self.depth = base;
        Ok(left)
    }

    fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
        let span = left.span.to(right.span);
        Expr {
            kind: ExprKind::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            },
            span,
        }
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.nested(|p| {
            p.chain(Self::and, |p| {
                p.eat_keyword(Keyword::Or).then_some(BinaryOp::Or)
            })
        })
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        self.chain(Self::not, |p| {
            p.eat_keyword(Keyword::And).then_some(BinaryOp::And)
        })
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        let start = self.span();
        if self.eat_keyword(Keyword::Not) {
            let inner = self.nested(Self::not)?;
            let span = start.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr, ExprError> {
        let left = self.sum()?;
        let op = match self.peek() {
            Some(Token::Symbol(Symbol::Eq)) => Some(BinaryOp::Eq),
            Some(Token::Symbol(Symbol::Ne)) => Some(BinaryOp::Ne),
            Some(Token::Symbol(Symbol::Lt)) => Some(BinaryOp::Lt),
            Some(Token::Symbol(Symbol::Le)) => Some(BinaryOp::Le),
            Some(Token::Symbol(Symbol::Gt)) => Some(BinaryOp::Gt),
            Some(Token::Symbol(Symbol::Ge)) => Some(BinaryOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.pos += 1;
            let right = self.sum()?;
            return Ok(Self::binary(op, left, right));
        }
        let negated = matches!(
            (self.peek(), self.peek_at(1)),
            (
                Some(Token::Keyword(Keyword::Not)),
                Some(Token::Keyword(Keyword::In | Keyword::Between))
            )
        );
        if negated {
            self.pos += 1;
        }
        if self.eat_keyword(Keyword::In) {
            let list = self.sum()?;
            let span = left.span.to(list.span);
            return Ok(Expr {
                kind: ExprKind::In {
                    expr: Box::new(left),
                    list: Box::new(list),
                    negated,
                },
                span,
            });
        }
        if self.eat_keyword(Keyword::Between) {
            let low = self.sum()?;
            if !self.eat_keyword(Keyword::And) {
                return Err(ExprError::new(
                    ExprErrorKind::UnexpectedToken {
                        expected: "`and` in `between … and …`",
                    },
                    self.span(),
                ));
            }
            let high = self.sum()?;
            let span = left.span.to(high.span);
            return Ok(Expr {
                kind: ExprKind::Between {
                    expr: Box::new(left),
                    low: Box::new(low),
                    high: Box::new(high),
                    negated,
                },
                span,
            });
        }
        if self.eat_keyword(Keyword::Is) {
            let negated = self.eat_keyword(Keyword::Not);
            let null_span = self.span();
            if !self.eat_keyword(Keyword::Null) {
                return Err(ExprError::new(
                    ExprErrorKind::UnexpectedToken {
                        expected: "`null` after `is`",
                    },
                    null_span,
                ));
            }
            let span = left.span.to(null_span);
            return Ok(Expr {
                kind: ExprKind::IsNull {
                    expr: Box::new(left),
                    negated,
                },
                span,
            });
        }
        Ok(left)
    }

    fn sum(&mut self) -> Result<Expr, ExprError> {
        self.chain(Self::product, |p| {
            if p.eat_symbol(Symbol::Plus) {
                Some(BinaryOp::Add)
            } else if p.eat_symbol(Symbol::Minus) {
                Some(BinaryOp::Sub)
            } else {
                None
            }
        })
    }

    fn product(&mut self) -> Result<Expr, ExprError> {
        self.chain(Self::unary, |p| {
            if p.eat_symbol(Symbol::Star) {
                Some(BinaryOp::Mul)
            } else if p.eat_symbol(Symbol::Slash) {
                Some(BinaryOp::Div)
            } else {
                None
            }
        })
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        let start = self.span();
        if self.eat_symbol(Symbol::Minus) {
            let inner = self.nested(Self::unary)?;
            let span = start.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(inner)),
                span,
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let span = self.span();
        let Some(token) = self.peek().cloned() else {
            return Err(ExprError::new(ExprErrorKind::UnexpectedEnd, span));
        };
        self.pos += 1;
        let literal = |l| {
            Ok(Expr {
                kind: ExprKind::Literal(l),
                span,
            })
        };
        match token {
            Token::Int(i) => literal(Literal::Int(i)),
            Token::Float(x) => literal(Literal::Float(x)),
            Token::Str(s) => literal(Literal::Str(s)),
            Token::Keyword(Keyword::True) => literal(Literal::Bool(true)),
            Token::Keyword(Keyword::False) => literal(Literal::Bool(false)),
            Token::Keyword(Keyword::Null) => literal(Literal::Null),
            Token::Ident(name) if self.peek() == Some(&Token::Symbol(Symbol::LParen)) => {
                self.pos += 1;
                let args = self.items(Symbol::RParen, "`,` or `)`")?;
                let close = self
                    .tokens
                    .get(self.pos.saturating_sub(1))
                    .map_or(span, |(_, s)| *s);
                let full = span.to(close);
                if name.eq_ignore_ascii_case("date") {
                    return date_literal(&args, full);
                }
                Ok(Expr {
                    kind: ExprKind::Call {
                        name,
                        name_span: span,
                        args,
                    },
                    span: full,
                })
            }
            Token::Ident(name) => Ok(Expr {
                kind: ExprKind::Field(name),
                span,
            }),
            Token::Symbol(Symbol::LBracket) => {
                let items = self.items(Symbol::RBracket, "`,` or `]`")?;
                let close = self
                    .tokens
                    .get(self.pos.saturating_sub(1))
                    .map_or(span, |(_, s)| *s);
                Ok(Expr {
                    kind: ExprKind::List(items),
                    span: span.to(close),
                })
            }
            Token::Symbol(Symbol::LParen) => {
                let inner = self.or()?;
                self.expect_symbol(Symbol::RParen, "`)`")?;
                Ok(inner)
            }
            _ => Err(ExprError::new(
                ExprErrorKind::UnexpectedToken {
                    expected: "a value, a field or `(`",
                },
                span,
            )),
        }
    }

    /// Comma-separated expressions up to `close` (already past the opener).
    fn items(&mut self, close: Symbol, expected: &'static str) -> Result<Vec<Expr>, ExprError> {
        let mut items = Vec::new();
        if self.eat_symbol(close) {
            return Ok(items);
        }
        loop {
            items.push(self.or()?);
            if self.eat_symbol(close) {
                return Ok(items);
            }
            self.expect_symbol(Symbol::Comma, expected)?;
        }
    }
}

fn date_literal(args: &[Expr], span: Span) -> Result<Expr, ExprError> {
    let [
        Expr {
            kind: ExprKind::Literal(Literal::Str(text)),
            ..
        },
    ] = args
    else {
        return Err(ExprError::new(ExprErrorKind::BadDateLiteral, span));
    };
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or(ExprError::new(ExprErrorKind::BadDateLiteral, span))?;
    Ok(Expr {
        kind: ExprKind::Literal(Literal::Date(date)),
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(s: &str) -> String {
        parse(s)
            .map(|e| e.to_string())
            .unwrap_or_else(|e| format!("error {}", e.kind.code()))
    }

    #[test]
    fn precedence_and_forms() {
        assert_eq!(printed("a or b and not c"), "(a or (b and (not c)))");
        assert_eq!(printed("1 + 2 * 3 - 4"), "((1 + (2 * 3)) - 4)");
        assert_eq!(
            printed("age between 75 and 84 and x"),
            "((age between 75 and 84) and x)"
        );
        assert_eq!(printed("x not in ['a', 'b']"), "(x not in [\"a\", \"b\"])");
        assert_eq!(printed("not x in [1]"), "(not (x in [1]))");
        assert_eq!(
            printed("last_contact is not null"),
            "(last_contact is not null)"
        );
        assert_eq!(
            printed("date('2026-04-01') < d"),
            "(date(\"2026-04-01\") < d)"
        );
        assert_eq!(printed("max(a, 2) >= -1"), "(max(a, 2) >= (-1))");
        assert_eq!(printed("(a)"), "a");
        assert_eq!(printed("f()"), "f()");
    }

    #[test]
    fn syntax_errors_have_codes_and_spans() {
        let e = parse("age >= ").unwrap_err();
        assert_eq!(
            (e.kind.code(), e.span),
            ("expr.unexpected_end", Span::new(7, 7))
        );
        let e = parse("age >= 85 lives_alone").unwrap_err();
        assert_eq!(
            (e.kind.code(), e.span),
            ("expr.unexpected_token", Span::new(10, 21))
        );
        assert_eq!(printed("x between 1 or 2"), "error expr.unexpected_token");
        assert_eq!(printed("date('2026-02-30')"), "error expr.bad_date_literal");
        assert_eq!(printed("date(1)"), "error expr.bad_date_literal");
        assert_eq!(printed("   "), "error expr.empty");
        assert_eq!(printed("x is 3"), "error expr.unexpected_token");
        assert_eq!(printed(&"(".repeat(200)), "error expr.too_deep");
        assert_eq!(printed(&"not ".repeat(100)), "error expr.too_deep");
        assert_eq!(printed(&"-".repeat(100)), "error expr.too_deep");
    }
}
