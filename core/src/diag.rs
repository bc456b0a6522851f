//! Locations in source text and "did you mean" suggestions, shared by every
//! loader that reads a file a person wrote (rule sets, directories).

use std::fmt;

/// Whether `text` has the shape of an identifier: 1–64 ASCII letters,
/// digits or `-_.:`. Only such text is ever repeated in an error: anything
/// else may be free text or patient data typed into the wrong field.
pub(crate) fn is_id_shaped(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// `text` to repeat in an error, if it has the shape of an identifier.
pub(crate) fn shown_id(text: &str) -> Option<String> {
    is_id_shaped(text).then(|| text.to_owned())
}

/// An id for an error message: `` `id` `` when it was shown, else `fallback`.
pub(crate) fn quoted_id(id: &Option<String>, fallback: &str) -> String {
    match id {
        Some(id) => format!("`{id}`"),
        None => fallback.to_owned(),
    }
}

/// A byte range in a source text: `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The same span moved `by` bytes later (e.g. from an expression into the file holding it).
    #[must_use]
    pub const fn shifted(self, by: usize) -> Self {
        Self {
            start: self.start + by,
            end: self.end + by,
        }
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn to(self, other: Span) -> Self {
        Self {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// The line and column of byte `offset` in `source` (clamped to its end).
///
/// ```
/// use carecoord::diag::{line_col, LineCol};
/// assert_eq!(line_col("ab\ncd", 4), LineCol { line: 2, column: 2 });
/// ```
pub fn line_col(source: &str, offset: usize) -> LineCol {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = source.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    LineCol { line, column }
}

/// The candidate closest to `word` by edit distance, if close enough to be a
/// likely typo (at most a third of the word's length, and at most 3 edits).
///
/// ```
/// use carecoord::diag::did_you_mean;
/// assert_eq!(did_you_mean("lives_alon", ["age", "lives_alone"]), Some("lives_alone"));
/// assert_eq!(did_you_mean("postcode", ["age", "lives_alone"]), None);
/// ```
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .filter_map(|c| {
            let d = edit_distance(&word.to_lowercase(), &c.to_lowercase(), limit)?;
            Some((d, c))
        })
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance, or `None` once it must exceed `limit`.
fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        let mut row_min = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(usize::MAX) + usize::from(ca != cb);
            let delete = previous
                .get(j + 1)
                .copied()
                .unwrap_or(usize::MAX)
                .saturating_add(1);
            let insert = current
                .get(j)
                .copied()
                .unwrap_or(usize::MAX)
                .saturating_add(1);
            let best = substitute.min(delete).min(insert);
            if let Some(slot) = current.get_mut(j + 1) {
                *slot = best;
            }
            row_min = row_min.min(best);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().filter(|d| *d <= limit)
}

/// Writes where a mistake in a file is, after its message: ` (at <path>, line
/// L, column C)`, ` (at <path>)`, ` (line L, column C)`, or nothing.
pub(crate) fn write_place(
    f: &mut std::fmt::Formatter<'_>,
    path: &str,
    location: Option<LineCol>,
) -> std::fmt::Result {
    match (path.is_empty(), location) {
        (false, Some(at)) => write!(f, " (at {path}, {at})"),
        (false, None) => write!(f, " (at {path})"),
        (true, Some(at)) => write!(f, " ({at})"),
        (true, None) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let s = "one\ntwo\nthrée x";
        assert_eq!(line_col(s, 0), LineCol { line: 1, column: 1 });
        assert_eq!(line_col(s, 4), LineCol { line: 2, column: 1 });
        // Columns count characters: "thrée " is 6 characters but 7 bytes.
        assert_eq!(line_col(s, s.len() - 1), LineCol { line: 3, column: 7 });
        assert_eq!(line_col(s, 10_000), LineCol { line: 3, column: 8 });
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("kitten", "sitting", 5), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        assert_eq!(edit_distance("", "abc", 3), Some(3));
        assert_eq!(did_you_mean("AGE", ["age"]), Some("age"));
        assert_eq!(
            did_you_mean("housebund", ["housebound", "is_carer"]),
            Some("housebound")
        );
    }
}
