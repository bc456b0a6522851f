//! Time as care coordination needs it.
//!
//! - **Instants are UTC** ([`chrono::DateTime<Utc>`]): what is stored, compared
//!   and sent.
//! - **What a person reads, and when a clinic opens, is Europe/London wall
//!   time**: [`to_london`] and [`from_london`] convert, and say what they did
//!   with the hour that does not exist in spring and the hour that happens
//!   twice in autumn ([`Disambiguation`]).
//! - **England and Wales bank holidays** for 1995–2100 ([`bank_holidays`]) and a
//!   [`WorkingCalendar`] that counts working days around them.
//!
//! ```
//! use carecoord::time::{from_london, to_london, Disambiguation};
//! use chrono::{NaiveDate, TimeZone, Utc};
//!
//! // 10:00 on a summer day in London is 09:00 UTC.
//! let local = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap().and_hms_opt(10, 0, 0).unwrap();
//! let instant = from_london(local, Disambiguation::Reject)?;
//! assert_eq!(instant, Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap());
//! assert_eq!(to_london(instant).to_string(), "2026-07-01 10:00:00 BST");
//! # Ok::<(), carecoord::time::TimeError>(())
//! ```

mod bank_holidays;
mod london;
mod working_days;

pub use bank_holidays::{
    BankHoliday, BankHolidayKind, FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR, bank_holidays,
    is_bank_holiday,
};
pub use london::{
    Disambiguation, LONDON, LondonDateTime, LondonLookup, from_london, london_date, london_today,
    lookup_london, to_london,
};
pub use working_days::WorkingCalendar;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};

/// Why a date or time could not be used.
///
/// Messages hold only what is needed to find the mistake. Calendar dates
/// given by a caller are left out of messages: such a date may be a date of
/// birth.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The wall time falls in the hour skipped when clocks go forward in spring.
    #[error(
        "local time {local} does not exist in Europe/London: clocks go forward at 01:00 GMT that day"
    )]
    NonexistentLocalTime {
        /// The wall time that was asked for.
        local: NaiveDateTime,
    },
    /// The wall time happens twice, in the hour repeated when clocks go back in autumn.
    #[error(
        "local time {local} happens twice in Europe/London (clocks go back at 02:00 BST): choose the earlier or the later"
    )]
    AmbiguousLocalTime {
        /// The wall time that was asked for.
        local: NaiveDateTime,
    },
    /// A year outside the range the bank-holiday rules are known for.
    #[error(
        "year {year} is outside the supported range {FIRST_SUPPORTED_YEAR}–{LAST_SUPPORTED_YEAR} for England and Wales bank holidays"
    )]
    YearOutOfRange {
        /// The year that was asked for.
        year: i32,
    },
    /// Year, month and day that do not make a calendar date (e.g. 30 February).
    #[error("{field} is not a valid calendar date")]
    InvalidDate {
        /// Which input held the date, e.g. `"date"` or `"start"`.
        field: &'static str,
    },
    /// Hour, minute and second that do not make a time of day.
    #[error("{field} is not a valid time of day")]
    InvalidTime {
        /// Which input held the time.
        field: &'static str,
    },
    /// An instant outside the range chrono can represent.
    #[error("{field} is outside the representable range of instants")]
    InstantOutOfRange {
        /// Which input held the instant.
        field: &'static str,
    },
    /// A date-time with no UTC offset where an instant is needed: a wall time
    /// without a zone could be either of two instants around a clock change.
    #[error(
        "{field} has no UTC offset: give an instant in UTC or with an offset, e.g. 2026-03-29T09:00:00Z"
    )]
    MissingOffset {
        /// Which input held the date-time.
        field: &'static str,
    },
    /// A word that is not one of the words this field takes.
    #[error("{field} must be one of: {allowed}")]
    UnknownWord {
        /// Which input held the word.
        field: &'static str,
        /// The words it takes, comma-separated.
        allowed: &'static str,
    },
    /// An aware date-time (one with an offset or zone) where a wall time is
    /// needed: it already names an instant, so there is no wall time to
    /// resolve.
    #[error(
        "{field} has a time zone, so it is already an instant: give Europe/London wall time as a naive date-time (or convert the instant with to_london)"
    )]
    AwareWallTime {
        /// Which input held the date-time.
        field: &'static str,
    },
    /// Text that is not an ISO 8601 date, time or date-time of the expected form.
    #[error("{field} is not in the expected ISO 8601 form {expected}")]
    InvalidFormat {
        /// Which input held the text.
        field: &'static str,
        /// The form that was expected, e.g. `YYYY-MM-DD`.
        expected: &'static str,
    },
}

impl TimeError {
    /// The stable error code, listed in [`crate::error::catalogue`].
    pub fn code(&self) -> &'static str {
        match self {
            Self::NonexistentLocalTime { .. } => "time.nonexistent_local_time",
            Self::AmbiguousLocalTime { .. } => "time.ambiguous_local_time",
            Self::YearOutOfRange { .. } => "time.year_out_of_range",
            Self::InvalidDate { .. } => "time.invalid_date",
            Self::InvalidTime { .. } => "time.invalid_time",
            Self::InstantOutOfRange { .. } => "time.instant_out_of_range",
            Self::MissingOffset { .. } => "time.missing_offset",
            Self::UnknownWord { .. } => "time.unknown_word",
            Self::AwareWallTime { .. } => "time.aware_wall_time",
            Self::InvalidFormat { .. } => "time.invalid_format",
        }
    }
}

/// Builds a calendar date, with a typed error naming `field` if the parts do not make one.
///
/// ```
/// use carecoord::time::{date, TimeError};
/// assert!(date(2024, 2, 29, "review_date").is_ok());
/// assert_eq!(date(2023, 2, 29, "review_date"), Err(TimeError::InvalidDate { field: "review_date" }));
/// ```
pub fn date(year: i32, month: u32, day: u32, field: &'static str) -> Result<NaiveDate, TimeError> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or(TimeError::InvalidDate { field })
}

/// Parses an ISO 8601 calendar date, `YYYY-MM-DD`, naming `field` in any error.
///
/// ```
/// use carecoord::time::parse_date;
/// assert_eq!(parse_date("2026-12-25", "date")?.to_string(), "2026-12-25");
/// assert!(parse_date("2026-02-30", "date").is_err());
/// # Ok::<(), carecoord::time::TimeError>(())
/// ```
pub fn parse_date(text: &str, field: &'static str) -> Result<NaiveDate, TimeError> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(TimeError::InvalidFormat {
            field,
            expected: "YYYY-MM-DD",
        });
    };
    let well_formed = y.len() == 4
        && m.len() == 2
        && d.len() == 2
        && [y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(TimeError::InvalidFormat {
            field,
            expected: "YYYY-MM-DD",
        });
    }
    let number = |p: &str| {
        p.parse::<u32>().map_err(|_| TimeError::InvalidFormat {
            field,
            expected: "YYYY-MM-DD",
        })
    };
    let year = i32::try_from(number(y)?).map_err(|_| TimeError::InvalidDate { field })?;
    date(year, number(m)?, number(d)?, field)
}

/// Parses a wall-clock time of day `HH:MM` (24-hour), naming `field` in any
/// error. Opening hours and preferred times are given this way.
///
/// ```
/// use carecoord::time::parse_wall_clock;
/// assert_eq!(parse_wall_clock("08:30", "open")?.to_string(), "08:30:00");
/// assert_eq!(parse_wall_clock("8:30", "open").unwrap_err().code(), "time.invalid_format");
/// assert_eq!(parse_wall_clock("24:00", "open").unwrap_err().code(), "time.invalid_time");
/// # Ok::<(), carecoord::time::TimeError>(())
/// ```
pub fn parse_wall_clock(text: &str, field: &'static str) -> Result<NaiveTime, TimeError> {
    let bad = TimeError::InvalidFormat {
        field,
        expected: "HH:MM",
    };
    let (h, m) = text.split_once(':').ok_or(bad.clone())?;
    let two_digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return Err(bad);
    }
    let (h, m) = (
        h.parse().map_err(|_| bad.clone())?,
        m.parse().map_err(|_| bad)?,
    );
    NaiveTime::from_hms_opt(h, m, 0).ok_or(TimeError::InvalidTime { field })
}

/// The days of the week as the bindings write them, Monday first.
pub const WEEKDAY_WORDS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parses a day of the week, naming `field` in any error: `mon` … `sun` or
/// the full name, in any case. Opening hours in Python, service directories
/// and rule files all read days this way.
///
/// ```
/// use carecoord::time::parse_weekday;
/// use chrono::Weekday;
/// assert_eq!(parse_weekday("wed", "hours")?, Weekday::Wed);
/// assert_eq!(parse_weekday("Wednesday", "hours")?, Weekday::Wed);
/// assert_eq!(parse_weekday("weds", "hours").unwrap_err().code(), "time.unknown_word");
/// # Ok::<(), carecoord::time::TimeError>(())
/// ```
pub fn parse_weekday(text: &str, field: &'static str) -> Result<Weekday, TimeError> {
    const FULL: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let word = text.to_ascii_lowercase();
    WEEKDAY_WORDS
        .iter()
        .zip(FULL)
        .position(|(short, full)| *short == word || full == word)
        .and_then(|i| u8::try_from(i).ok())
        .and_then(|i| Weekday::try_from(i).ok())
        .ok_or(TimeError::UnknownWord {
            field,
            allowed: "mon, tue, wed, thu, fri, sat, sun (or the full name)",
        })
}

/// The ISO 8601 day of the week `1` (Monday) … `7` (Sunday), as Kotlin's
/// `DayOfWeek.getValue()` and Swift callers give it.
///
/// ```
/// use carecoord::time::iso_weekday;
/// use chrono::Weekday;
/// assert_eq!(iso_weekday(7, "weekday")?, Weekday::Sun);
/// assert_eq!(iso_weekday(0, "weekday").unwrap_err().code(), "time.unknown_word");
/// # Ok::<(), carecoord::time::TimeError>(())
/// ```
pub fn iso_weekday(number: u8, field: &'static str) -> Result<Weekday, TimeError> {
    number
        .checked_sub(1)
        .filter(|n| *n < 7)
        .and_then(|n| Weekday::try_from(n).ok())
        .ok_or(TimeError::UnknownWord {
            field,
            allowed: "1 (Monday) to 7 (Sunday)",
        })
}

/// Parses an ISO 8601 local date-time without offset, `YYYY-MM-DDTHH:MM[:SS]`
/// (a space may stand for the `T`), naming `field` in any error.
///
/// ```
/// use carecoord::time::parse_local_datetime;
/// let t = parse_local_datetime("2026-03-29T01:30", "start")?;
/// assert_eq!(t.to_string(), "2026-03-29 01:30:00");
/// # Ok::<(), carecoord::time::TimeError>(())
/// ```
pub fn parse_local_datetime(text: &str, field: &'static str) -> Result<NaiveDateTime, TimeError> {
    const EXPECTED: &str = "YYYY-MM-DDTHH:MM[:SS]";
    let text = text.trim();
    let (d, t) = text
        .split_once(['T', ' '])
        .ok_or(TimeError::InvalidFormat {
            field,
            expected: EXPECTED,
        })?;
    let day = parse_date(d, field).map_err(|e| match e {
        TimeError::InvalidFormat { .. } => TimeError::InvalidFormat {
            field,
            expected: EXPECTED,
        },
        other => other,
    })?;
    let parts: Vec<&str> = t.split(':').collect();
    let well_formed = matches!(parts.len(), 2 | 3)
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(TimeError::InvalidFormat {
            field,
            expected: EXPECTED,
        });
    }
    let mut hms = [0u32; 3];
    for (slot, part) in hms.iter_mut().zip(&parts) {
        *slot = part.parse().map_err(|_| TimeError::InvalidFormat {
            field,
            expected: EXPECTED,
        })?;
    }
    let [h, m, s] = hms;
    day.and_hms_opt(h, m, s)
        .ok_or(TimeError::InvalidTime { field })
}

/// Parses an RFC 3339 instant such as `2026-03-29T09:00:00Z` or
/// `2026-03-29T10:00:00+01:00`, naming `field` in any error. Text without an
/// offset is [`TimeError::MissingOffset`], not a guess.
///
/// ```
/// use carecoord::time::{parse_instant, TimeError};
/// let t = parse_instant("2026-06-01T10:00:00+01:00", "start")?;
/// assert_eq!(t.to_rfc3339(), "2026-06-01T09:00:00+00:00");
/// assert_eq!(parse_instant("2026-06-01T10:00:00", "start"), Err(TimeError::MissingOffset { field: "start" }));
/// # Ok::<(), TimeError>(())
/// ```
pub fn parse_instant(text: &str, field: &'static str) -> Result<DateTime<Utc>, TimeError> {
    let text = text.trim();
    match DateTime::parse_from_rfc3339(text) {
        Ok(t) => Ok(t.with_timezone(&Utc)),
        Err(_) => match parse_local_datetime(text, field) {
            Ok(_) => Err(TimeError::MissingOffset { field }),
            Err(e @ (TimeError::InvalidDate { .. } | TimeError::InvalidTime { .. })) => Err(e),
            Err(_) => Err(TimeError::InvalidFormat {
                field,
                expected: "YYYY-MM-DDTHH:MM:SSZ or ±HH:MM offset",
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_date_rejects_malformed_and_impossible_dates() {
        assert_eq!(
            parse_date("2026-1-05", "d"),
            Err(TimeError::InvalidFormat {
                field: "d",
                expected: "YYYY-MM-DD"
            })
        );
        assert_eq!(
            parse_date("26-01-05", "d").map_err(|e| e.code()),
            Err("time.invalid_format")
        );
        assert_eq!(
            parse_date("2026-13-01", "d"),
            Err(TimeError::InvalidDate { field: "d" })
        );
        assert_eq!(
            parse_date("2025-02-29", "d"),
            Err(TimeError::InvalidDate { field: "d" })
        );
        assert_eq!(
            parse_date("+026-01-01", "d").map_err(|e| e.code()),
            Err("time.invalid_format")
        );
        assert!(parse_date("2024-02-29", "d").is_ok());
    }

    #[test]
    fn parse_local_datetime_forms() {
        let t = parse_local_datetime("2026-10-25 01:30:15", "t").unwrap();
        assert_eq!(t.to_string(), "2026-10-25 01:30:15");
        assert_eq!(
            parse_local_datetime("2026-10-25T24:00", "t"),
            Err(TimeError::InvalidTime { field: "t" })
        );
        assert_eq!(
            parse_local_datetime("2026-10-25T1:00", "t").map_err(|e| e.code()),
            Err("time.invalid_format")
        );
        assert_eq!(
            parse_local_datetime("2026-10-25", "t").map_err(|e| e.code()),
            Err("time.invalid_format")
        );
        assert_eq!(
            parse_local_datetime("2026-02-30T10:00", "t"),
            Err(TimeError::InvalidDate { field: "t" })
        );
    }

    #[test]
    fn parse_instant_needs_an_offset() {
        assert_eq!(
            parse_instant("2026-03-29T01:30:00Z", "t")
                .unwrap()
                .to_rfc3339(),
            "2026-03-29T01:30:00+00:00"
        );
        assert_eq!(
            parse_instant("2026-03-29 01:30", "t"),
            Err(TimeError::MissingOffset { field: "t" })
        );
        assert_eq!(
            parse_instant("2026-02-30T01:30:00Z", "t").map_err(|e| e.code()),
            Err("time.invalid_date")
        );
        assert_eq!(
            parse_instant("yesterday", "t").map_err(|e| e.code()),
            Err("time.invalid_format")
        );
    }

    #[test]
    fn invalid_date_message_does_not_echo_the_date() {
        let e = parse_date("1948-02-30", "date_of_birth").unwrap_err();
        assert!(!e.to_string().contains("1948"));
        assert!(!format!("{e:?}").contains("1948"));
    }
}
