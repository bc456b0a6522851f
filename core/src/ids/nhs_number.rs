//! The NHS number: parsing, the Modulus 11 check digit, display, and redaction.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why some text is not a valid NHS number.
///
/// No variant holds the digits that were given: an error may be logged, shown
/// in a crash report or sent across an FFI boundary, and an NHS number is a
/// patient identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NhsNumberError {
    /// Nothing but white space was given.
    #[error("NHS number is empty")]
    Empty,
    /// The number does not have ten digits.
    #[error("NHS number must have 10 digits, found {digits}")]
    WrongLength {
        /// How many digits were found.
        digits: usize,
    },
    /// A character other than a digit, a space or a hyphen.
    #[error("NHS number has a character that is not a digit at position {position}")]
    InvalidCharacter {
        /// Zero-based character position in the given text (after trimming).
        position: usize,
    },
    /// Spaces or hyphens anywhere but between the 3-3-4 groups, or mixed.
    #[error(
        "NHS number separator at position {position} is misplaced: write 10 digits, or groups of 3-3-4 separated by one space or one hyphen"
    )]
    MisplacedSeparator {
        /// Zero-based character position in the given text (after trimming).
        position: usize,
    },
    /// The tenth digit is not the Modulus 11 check digit of the first nine.
    #[error("NHS number check digit does not match (Modulus 11): the number is mistyped")]
    CheckDigitMismatch,
    /// The first nine digits give a check digit of 10, so no such number is ever issued.
    #[error("NHS number is never issued: its first nine digits give a check digit of 10")]
    CheckDigitTen,
}

impl NhsNumberError {
    /// The stable error code, listed in [`crate::error::catalogue`].
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "nhs_number.empty",
            Self::WrongLength { .. } => "nhs_number.wrong_length",
            Self::InvalidCharacter { .. } => "nhs_number.invalid_character",
            Self::MisplacedSeparator { .. } => "nhs_number.misplaced_separator",
            Self::CheckDigitMismatch => "nhs_number.check_digit_mismatch",
            Self::CheckDigitTen => "nhs_number.check_digit_ten",
        }
    }
}

/// A valid NHS number: ten digits whose last is the Modulus 11 check digit of
/// the first nine.
///
/// The number is a patient identifier, so it never shows itself by accident:
/// `Debug` prints `NhsNumber(***)` and there is no `Display`. Ask for the
/// digits on purpose with [`NhsNumber::digits`] or [`NhsNumber::formatted`].
///
/// ```
/// use carecoord::ids::NhsNumber;
///
/// let n: NhsNumber = "943 476 5919".parse()?;
/// assert_eq!(n.formatted(), "943 476 5919");
/// assert_eq!(n.digits(), "9434765919");
/// assert_eq!(format!("{n:?}"), "NhsNumber(***)");
///
/// // A single mistyped digit is always caught by the check digit.
/// assert!("943 476 5918".parse::<NhsNumber>().is_err());
/// # Ok::<(), carecoord::ids::NhsNumberError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NhsNumber {
    digits: [u8; 10],
}

impl NhsNumber {
    /// Parses an NHS number written as ten digits (`9434765919`), or as 3-3-4
    /// groups separated by single spaces (`943 476 5919`) or single hyphens
    /// (`943-476-5919`). Surrounding white space is ignored.
    ///
    /// ```
    /// use carecoord::ids::{NhsNumber, NhsNumberError};
    ///
    /// assert!(NhsNumber::parse("943-476-5919").is_ok());
    /// assert_eq!(
    ///     NhsNumber::parse("94347659"),
    ///     Err(NhsNumberError::WrongLength { digits: 8 })
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<Self, NhsNumberError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(NhsNumberError::Empty);
        }
        let mut digits = [0u8; 10];
        let mut count = 0usize;
        let mut separator: Option<char> = None;
        for (position, ch) in text.chars().enumerate() {
            match ch {
                '0'..='9' => {
                    if let Some(slot) = digits.get_mut(count) {
                        *slot = ch as u8 - b'0';
                    }
                    count += 1;
                }
                ' ' | '-' => {
                    // Only after the 3rd and 6th digit, once each, all the same kind.
                    let expected_position = match count {
                        3 => 3,
                        6 => 7,
                        _ => usize::MAX,
                    };
                    let same_kind = separator.is_none_or(|s| s == ch);
                    if position != expected_position || !same_kind {
                        return Err(NhsNumberError::MisplacedSeparator { position });
                    }
                    separator = Some(ch);
                }
                _ => return Err(NhsNumberError::InvalidCharacter { position }),
            }
        }
        if count != 10 {
            return Err(NhsNumberError::WrongLength { digits: count });
        }
        // "943 4765919" has one separator where two are needed.
        if separator.is_some() && text.chars().count() != 12 {
            return Err(NhsNumberError::MisplacedSeparator { position: 3 });
        }
        Self::from_digits(digits)
    }

    /// Builds an NHS number from its ten digits (each 0–9), checking the check digit.
    ///
    /// ```
    /// use carecoord::ids::NhsNumber;
    /// let n = NhsNumber::from_digits([9, 4, 3, 4, 7, 6, 5, 9, 1, 9])?;
    /// assert_eq!(n.digits(), "9434765919");
    /// # Ok::<(), carecoord::ids::NhsNumberError>(())
    /// ```
    pub fn from_digits(digits: [u8; 10]) -> Result<Self, NhsNumberError> {
        if let Some(position) = digits.iter().position(|d| *d > 9) {
            return Err(NhsNumberError::InvalidCharacter { position });
        }
        let [first_nine @ .., check] = digits;
        match check_digit(first_nine) {
            None => Err(NhsNumberError::CheckDigitTen),
            Some(expected) if expected == check => Ok(Self { digits }),
            Some(_) => Err(NhsNumberError::CheckDigitMismatch),
        }
    }

    /// Completes nine digits with their check digit, or `None` when the check
    /// digit would be 10 (such numbers are never issued).
    ///
    /// Useful for making synthetic test numbers: the range starting 999 is
    /// reserved for testing and never issued to a patient.
    ///
    /// ```
    /// use carecoord::ids::NhsNumber;
    /// let n = NhsNumber::with_check_digit([9, 9, 9, 0, 0, 0, 0, 0, 1]).unwrap();
    /// assert_eq!(n.digits(), "9990000018");
    /// ```
    pub fn with_check_digit(first_nine: [u8; 9]) -> Option<Self> {
        if first_nine.iter().any(|d| *d > 9) {
            return None;
        }
        let check = check_digit(first_nine)?;
        let [a, b, c, d, e, f, g, h, i] = first_nine;
        Some(Self {
            digits: [a, b, c, d, e, f, g, h, i, check],
        })
    }

    /// The ten digits with no separators, e.g. `9434765919`. This reveals the
    /// identifier: use it only where the number must be stored or sent.
    pub fn digits(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// The number as people read it, in 3-3-4 groups: `943 476 5919`. This
    /// reveals the identifier: use it only where a person must see it.
    pub fn formatted(&self) -> String {
        let d = self.digits();
        let (a, rest) = d.split_at(3);
        let (b, c) = rest.split_at(3);
        format!("{a} {b} {c}")
    }
}

/// The Modulus 11 check digit of nine digits: weights 10 down to 2, the sum's
/// remainder on division by 11 taken from 11, with 11 meaning 0. `None` for 10.
fn check_digit(first_nine: [u8; 9]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10u32).rev())
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        // 1..=9: the remainder was 2..=10, a valid digit.
        n => u8::try_from(n).ok(),
    }
}

impl fmt::Debug for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NhsNumber(***)")
    }
}

impl FromStr for NhsNumber {
    type Err = NhsNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for NhsNumber {
    type Error = NhsNumberError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

/// Serialised as the ten digits: storage needs the identifier itself.
impl Serialize for NhsNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.digits())
    }
}

impl<'de> Deserialize<'de> for NhsNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_three_written_forms() {
        for text in [
            "9434765919",
            "943 476 5919",
            "943-476-5919",
            "  9434765919\n",
        ] {
            let n = NhsNumber::parse(text).map(|n| n.digits());
            assert_eq!(n.as_deref(), Ok("9434765919"), "{text:?}");
        }
    }

    #[test]
    fn reports_why_text_is_not_a_number() {
        use NhsNumberError::*;
        let cases = [
            ("", Empty),
            ("   ", Empty),
            ("943476591", WrongLength { digits: 9 }),
            ("94347659190", WrongLength { digits: 11 }),
            ("943476591A", InvalidCharacter { position: 9 }),
            ("943 476-5919", MisplacedSeparator { position: 7 }),
            ("9434 765919", MisplacedSeparator { position: 4 }),
            ("943  4765919", MisplacedSeparator { position: 4 }),
            ("943 4765919", MisplacedSeparator { position: 3 }),
            ("9434765918", CheckDigitMismatch),
            // 1×10 + 1×2 = 12, remainder 1, so the check digit would be 10.
            ("1000000010", CheckDigitTen),
        ];
        for (text, expected) in cases {
            assert_eq!(NhsNumber::parse(text), Err(expected), "{text:?}");
        }
    }

    #[test]
    fn check_digit_follows_modulus_11() {
        assert_eq!(check_digit([9, 4, 3, 4, 7, 6, 5, 9, 1]), Some(9));
        assert_eq!(check_digit([1, 0, 0, 0, 0, 0, 0, 0, 1]), None);
        // Remainder 0 gives 11, which stands for 0.
        assert_eq!(check_digit([0; 9]), Some(0));
    }

    #[test]
    fn neither_debug_nor_errors_show_digits() {
        let n = NhsNumber::parse("9434765919").unwrap();
        assert_eq!(format!("{n:?}"), "NhsNumber(***)");
        for text in ["9434765918", "943476591A", "94347659", "943 4765919"] {
            let err = NhsNumber::parse(text).unwrap_err();
            let err = format!("{err} {err:?}");
            assert!(!err.contains("943"), "{err}");
            assert!(!err.contains("5919"), "{err}");
        }
    }

    #[test]
    fn serde_round_trip_uses_digits() -> Result<(), serde_json::Error> {
        let n = NhsNumber::parse("943 476 5919").unwrap();
        let json = serde_json::to_string(&n)?;
        assert_eq!(json, "\"9434765919\"");
        assert_eq!(serde_json::from_str::<NhsNumber>(&json)?, n);
        assert!(serde_json::from_str::<NhsNumber>("\"9434765918\"").is_err());
        Ok(())
    }

    proptest! {
        #[test]
        fn every_completed_prefix_parses_in_all_forms(first in proptest::array::uniform9(0u8..10)) {
            if let Some(n) = NhsNumber::with_check_digit(first) {
                prop_assert_eq!(NhsNumber::parse(&n.digits()), Ok(n));
                prop_assert_eq!(NhsNumber::parse(&n.formatted()), Ok(n));
                prop_assert_eq!(NhsNumber::parse(&n.formatted().replace(' ', "-")), Ok(n));
            } else {
                prop_assert_eq!(check_digit(first), None);
            }
        }

        #[test]
        fn any_single_digit_change_is_caught(
            first in proptest::array::uniform9(0u8..10),
            at in 0usize..10,
            delta in 1u8..10,
        ) {
            if let Some(n) = NhsNumber::with_check_digit(first) {
                let mut digits = n.digits;
                if let Some(d) = digits.get_mut(at) {
                    *d = (*d + delta) % 10;
                }
                prop_assert!(NhsNumber::from_digits(digits).is_err());
            }
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,20}") {
            let _ = NhsNumber::parse(&text);
        }
    }
}
