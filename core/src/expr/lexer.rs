//! Splits rule text into tokens, each with its byte span.

use crate::diag::Span;

use super::error::{ExprError, ExprErrorKind};

/// One token of rule text.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A whole number, e.g. `85`.
    Int(i64),
    /// A number with a fractional part, e.g. `0.12`.
    Float(f64),
    /// A double- or single-quoted string, unescaped.
    Str(String),
    /// A field or function name.
    Ident(String),
    /// A keyword (`and`, `or`, `not`, `in`, `between`, `is`, `null`, `true`, `false`), lowercased.
    Keyword(Keyword),
    /// Punctuation or an operator.
    Symbol(Symbol),
}

/// Reserved words. Matched without regard to case, so `AND` reads as `and`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "each variant is its own keyword")]
pub enum Keyword {
    And,
    Or,
    Not,
    In,
    Between,
    Is,
    Null,
    True,
    False,
}

impl Keyword {
    fn from_word(word: &str) -> Option<Self> {
        Some(match word.to_ascii_lowercase().as_str() {
            "and" => Self::And,
            "or" => Self::Or,
            "not" => Self::Not,
            "in" => Self::In,
            "between" => Self::Between,
            "is" => Self::Is,
            "null" => Self::Null,
            "true" => Self::True,
            "false" => Self::False,
            _ => return None,
        })
    }
}

/// Operators and punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "each variant is its own symbol")]
pub enum Symbol {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Tokenises `source`. Spans are byte offsets into `source`.
pub fn tokenize(source: &str) -> Result<Vec<(Token, Span)>, ExprError> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0usize;
    let at = |i: usize| bytes.get(i).copied();
    while let Some(b) = at(i) {
        let start = i;
        let symbol = |s: Symbol, len: usize| (Token::Symbol(s), Span::new(start, start + len));
        let token = match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' => symbol(Symbol::LParen, 1),
            b')' => symbol(Symbol::RParen, 1),
            b'[' => symbol(Symbol::LBracket, 1),
            b']' => symbol(Symbol::RBracket, 1),
            b',' => symbol(Symbol::Comma, 1),
            b'+' => symbol(Symbol::Plus, 1),
            b'-' => symbol(Symbol::Minus, 1),
            b'*' => symbol(Symbol::Star, 1),
            b'/' => symbol(Symbol::Slash, 1),
            b'=' if at(i + 1) == Some(b'=') => symbol(Symbol::Eq, 2),
            b'=' => {
                return Err(ExprError::new(
                    ExprErrorKind::SingleEquals,
                    Span::new(i, i + 1),
                ));
            }
            b'!' if at(i + 1) == Some(b'=') => symbol(Symbol::Ne, 2),
            b'<' if at(i + 1) == Some(b'=') => symbol(Symbol::Le, 2),
            b'<' if at(i + 1) == Some(b'>') => symbol(Symbol::Ne, 2),
            b'<' => symbol(Symbol::Lt, 1),
            b'>' if at(i + 1) == Some(b'=') => symbol(Symbol::Ge, 2),
            b'>' => symbol(Symbol::Gt, 1),
            b'"' | b'\'' => {
                let (text, end) = string(source, i)?;
                (Token::Str(text), Span::new(start, end))
            }
            b'0'..=b'9' => {
                let (token, end) = number(source, i)?;
                (token, Span::new(start, end))
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let mut end = i;
                while at(end).is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
                    end += 1;
                }
                let word = source.get(start..end).unwrap_or_default();
                let token = Keyword::from_word(word)
                    .map_or_else(|| Token::Ident(word.to_owned()), Token::Keyword);
                (token, Span::new(start, end))
            }
            _ => {
                let len = source
                    .get(i..)
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                return Err(ExprError::new(
                    ExprErrorKind::UnexpectedCharacter,
                    Span::new(i, i + len),
                ));
            }
        };
        i = token.1.end;
        tokens.push(token);
    }
    Ok(tokens)
}

/// A quoted string starting at `start`; returns its text and the end offset.
/// Escapes: `\\`, `\"`, `\'`, `\n`, `\t`.
fn string(source: &str, start: usize) -> Result<(String, usize), ExprError> {
    let mut chars = source.get(start..).unwrap_or_default().char_indices();
    let quote = chars.next().map(|(_, c)| c);
    let mut text = String::new();
    while let Some((offset, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, 'n')) => text.push('\n'),
                Some((_, 't')) => text.push('\t'),
                Some((_, e @ ('\\' | '"' | '\''))) => text.push(e),
                Some((o, e)) => {
                    let span = Span::new(start + offset, start + o + e.len_utf8());
                    return Err(ExprError::new(ExprErrorKind::BadEscape, span));
                }
                None => break,
            },
            c if Some(c) == quote => return Ok((text, start + offset + 1)),
            c => text.push(c),
        }
    }
    Err(ExprError::new(
        ExprErrorKind::UnterminatedString,
        Span::new(start, source.len()),
    ))
}

fn number(source: &str, start: usize) -> Result<(Token, usize), ExprError> {
    let bytes = source.as_bytes();
    let mut end = start;
    while bytes.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    let is_float =
        bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
    if is_float {
        end += 1;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    if bytes
        .get(end)
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        return Err(ExprError::new(
            ExprErrorKind::BadNumber,
            Span::new(start, end + 1),
        ));
    }
    let text = source.get(start..end).unwrap_or_default();
    let span = Span::new(start, end);
    let token = if is_float {
        Token::Float(
            text.parse()
                .map_err(|_| ExprError::new(ExprErrorKind::BadNumber, span))?,
        )
    } else {
        Token::Int(
            text.parse()
                .map_err(|_| ExprError::new(ExprErrorKind::BadNumber, span))?,
        )
    };
    Ok((token, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Token> {
        tokenize(s).unwrap().into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn tokens_and_spans() {
        let t = tokenize("age >= 85 AND x != 'a\\'b'").unwrap();
        assert_eq!(t[0], (Token::Ident("age".into()), Span::new(0, 3)));
        assert_eq!(t[1], (Token::Symbol(Symbol::Ge), Span::new(4, 6)));
        assert_eq!(t[2], (Token::Int(85), Span::new(7, 9)));
        assert_eq!(t[3].0, Token::Keyword(Keyword::And));
        assert_eq!(t[6], (Token::Str("a'b".into()), Span::new(19, 25)));
        assert_eq!(
            kinds("0.12 <> 3"),
            [Token::Float(0.12), Token::Symbol(Symbol::Ne), Token::Int(3)]
        );
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = tokenize("age = 3").unwrap_err();
        assert_eq!(
            (e.kind.code(), e.span),
            ("expr.single_equals", Span::new(4, 5))
        );
        assert_eq!(
            tokenize("x == 'abc").unwrap_err().kind.code(),
            "expr.unterminated_string"
        );
        assert_eq!(tokenize("x # 1").unwrap_err().span, Span::new(2, 3));
        assert_eq!(
            tokenize("12abc").unwrap_err().kind.code(),
            "expr.bad_number"
        );
        assert_eq!(
            tokenize("99999999999999999999").unwrap_err().kind.code(),
            "expr.bad_number"
        );
        assert_eq!(
            tokenize("'\\q'").unwrap_err().kind.code(),
            "expr.bad_escape"
        );
        assert_eq!(tokenize("é").unwrap_err().span, Span::new(0, 2));
    }
}
