//! SNOMED CT identifiers.

/// Whether `text` is a well-formed SNOMED CT identifier: 6 to 18 digits, no
/// leading zero, and a valid Verhoeff check digit.
///
/// It says nothing about whether the concept exists in a release.
///
/// ```
/// use carecoord::ids::is_sctid;
///
/// assert!(is_sctid("734163000")); // Care plan (record artifact)
/// assert!(!is_sctid("734163001")); // check digit wrong
/// ```
pub fn is_sctid(text: &str) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    if !(6..=18).contains(&text.len())
        || text.starts_with('0')
        || !text.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    let mut c = 0u8;
    for (i, b) in text.bytes().rev().enumerate() {
        let digit = usize::from(b - b'0');
        let p = P
            .get(i % 8)
            .and_then(|row| row.get(digit))
            .copied()
            .unwrap_or(0);
        c = D
            .get(usize::from(c))
            .and_then(|row| row.get(usize::from(p)))
            .copied()
            .unwrap_or(0);
    }
    c == 0
}
