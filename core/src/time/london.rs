//! UTC instants and Europe/London wall time, with daylight saving handled on purpose.

use std::fmt;

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::TimeError;

/// The Europe/London time zone: GMT (UTC+0) in winter, BST (UTC+1) from 01:00
/// UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
pub const LONDON: Tz = chrono_tz::Europe::London;

/// What to do with a wall time that daylight saving makes missing or doubled.
///
/// The names and meanings follow the JavaScript Temporal proposal and RFC 5545,
/// so they match what other calendar software does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Disambiguation {
    /// Refuse both: a missing time is [`TimeError::NonexistentLocalTime`], a
    /// doubled one [`TimeError::AmbiguousLocalTime`]. The default, because a
    /// booking should not silently move.
    #[default]
    Reject,
    /// A doubled time takes its first occurrence (BST); a missing time moves
    /// back by the length of the gap (01:30 → 00:30 GMT).
    Earlier,
    /// A doubled time takes its second occurrence (GMT); a missing time moves
    /// forward by the length of the gap (01:30 → 02:30 BST).
    Later,
    /// What calendars do (RFC 5545): a doubled time takes its first
    /// occurrence, a missing time moves forward by the gap (01:30 → 02:30 BST).
    Compatible,
}

impl Disambiguation {
    /// Every policy, in declaration order.
    pub const ALL: [Self; 4] = [Self::Reject, Self::Earlier, Self::Later, Self::Compatible];

    /// The stable name used in data files and other languages: `reject`,
    /// `earlier`, `later` or `compatible`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Reject => "reject",
            Self::Earlier => "earlier",
            Self::Later => "later",
            Self::Compatible => "compatible",
        }
    }
}

impl std::str::FromStr for Disambiguation {
    type Err = TimeError;

    /// Parses a [`key`](Disambiguation::key).
    ///
    /// ```
    /// use carecoord::time::Disambiguation;
    /// assert_eq!("later".parse(), Ok(Disambiguation::Later));
    /// let e = "latest".parse::<Disambiguation>().unwrap_err();
    /// assert_eq!(e.code(), "time.unknown_word");
    /// assert_eq!(e.to_string(), "disambiguation must be one of: reject, earlier, later, compatible");
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.key() == s)
            .ok_or(TimeError::UnknownWord {
                field: "disambiguation",
                allowed: "reject, earlier, later, compatible",
            })
    }
}

/// A moment as it reads on a clock in London: the wall time and the offset in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LondonDateTime {
    local: NaiveDateTime,
    offset_seconds: i32,
}

impl LondonDateTime {
    /// The wall-clock date and time.
    pub fn local(&self) -> NaiveDateTime {
        self.local
    }

    /// Seconds east of UTC: 0 in GMT, 3600 in BST.
    pub fn offset_seconds(&self) -> i32 {
        self.offset_seconds
    }

    /// Whether British Summer Time is in force.
    pub fn is_summer_time(&self) -> bool {
        self.offset_seconds != 0
    }

    /// `"BST"` or `"GMT"`, as printed on letters and appointment cards.
    pub fn abbreviation(&self) -> &'static str {
        // Before 1996 other offsets existed (e.g. double summer time); none occur
        // in the supported range, but name them honestly rather than as BST.
        match self.offset_seconds {
            0 => "GMT",
            3600 => "BST",
            _ => "LMT",
        }
    }
}

impl fmt::Display for LondonDateTime {
    /// `2026-07-01 10:00:00 BST`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.local, self.abbreviation())
    }
}

/// The wall time in London at a UTC instant. Always succeeds: every instant
/// has exactly one London wall time.
///
/// ```
/// use carecoord::time::to_london;
/// use chrono::{TimeZone, Utc};
///
/// // Clocks go back at 01:00 UTC on 25 October 2026.
/// let before = to_london(Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap());
/// let after = to_london(Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap());
/// assert_eq!(before.to_string(), "2026-10-25 01:30:00 BST");
/// assert_eq!(after.to_string(), "2026-10-25 01:30:00 GMT");
/// ```
pub fn to_london(instant: DateTime<Utc>) -> LondonDateTime {
    let zoned = instant.with_timezone(&LONDON);
    LondonDateTime {
        local: zoned.naive_local(),
        offset_seconds: zoned.offset().fix().local_minus_utc(),
    }
}

/// The date on a calendar in London at `instant`: what "today" means for a
/// review, a referral or a booking made then.
///
/// ```
/// use carecoord::time::london_date;
/// use chrono::{NaiveDate, TimeZone, Utc};
///
/// // 23:30 UTC on 30 June is already 1 July in London (BST).
/// let late = Utc.with_ymd_and_hms(2026, 6, 30, 23, 30, 0).unwrap();
/// assert_eq!(london_date(late), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
/// ```
pub fn london_date(instant: DateTime<Utc>) -> chrono::NaiveDate {
    to_london(instant).local().date()
}

/// Today's date on a clock in London, from the system clock. Pass dates
/// explicitly wherever results must be reproducible; this is for defaults.
pub fn london_today() -> chrono::NaiveDate {
    london_date(Utc::now())
}

/// Every instant a London wall time could mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LondonLookup {
    /// The usual case: exactly one instant.
    Unique(DateTime<Utc>),
    /// The wall time happens twice when clocks go back.
    Ambiguous {
        /// The first occurrence, in BST.
        earlier: DateTime<Utc>,
        /// The second occurrence, in GMT, an hour later.
        later: DateTime<Utc>,
    },
    /// The wall time is skipped when clocks go forward.
    Skipped {
        /// The wall time moved back by the gap, read in the offset after it.
        earlier: DateTime<Utc>,
        /// The wall time moved forward by the gap, read in the offset before it.
        later: DateTime<Utc>,
    },
}

/// Looks up every instant a London wall time could mean, so a caller can show
/// the choice to a person.
///
/// ```
/// use carecoord::time::{lookup_london, LondonLookup};
/// use chrono::NaiveDate;
///
/// let doubled = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(1, 30, 0).unwrap();
/// assert!(matches!(lookup_london(doubled), LondonLookup::Ambiguous { .. }));
/// ```
pub fn lookup_london(local: NaiveDateTime) -> LondonLookup {
    match LONDON.from_local_datetime(&local) {
        LocalResult::Single(t) => LondonLookup::Unique(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.with_timezone(&Utc), b.with_timezone(&Utc));
            LondonLookup::Ambiguous {
                earlier: a.min(b),
                later: a.max(b),
            }
        }
        LocalResult::None => {
            // Read the wall time in the offsets in force a day either side: gaps
            // in London are months apart, so these are the offsets around this one.
            let offset_at = |utc: NaiveDateTime| {
                i64::from(
                    LONDON
                        .offset_from_utc_datetime(&utc)
                        .fix()
                        .local_minus_utc(),
                )
            };
            let before = offset_at(local - Duration::days(1));
            let after = offset_at(local + Duration::days(1));
            let read_in = |offset: i64| (local - Duration::seconds(offset)).and_utc();
            LondonLookup::Skipped {
                earlier: read_in(after),
                later: read_in(before),
            }
        }
    }
}

/// The UTC instant of a London wall time, resolving the daylight-saving edge
/// cases as `disambiguation` says.
///
/// ```
/// use carecoord::time::{from_london, Disambiguation, TimeError};
/// use chrono::{NaiveDate, TimeZone, Utc};
///
/// // 01:30 on 29 March 2026 never happens in London: clocks jump from 01:00 to 02:00.
/// let missing = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap().and_hms_opt(1, 30, 0).unwrap();
/// assert!(matches!(
///     from_london(missing, Disambiguation::Reject),
///     Err(TimeError::NonexistentLocalTime { .. })
/// ));
/// // A calendar would book it at 02:30 BST, which is 01:30 UTC.
/// assert_eq!(
///     from_london(missing, Disambiguation::Compatible)?,
///     Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap()
/// );
/// # Ok::<(), TimeError>(())
/// ```
pub fn from_london(
    local: NaiveDateTime,
    disambiguation: Disambiguation,
) -> Result<DateTime<Utc>, TimeError> {
    use Disambiguation::*;
    match (lookup_london(local), disambiguation) {
        (LondonLookup::Unique(t), _) => Ok(t),
        (LondonLookup::Ambiguous { .. }, Reject) => Err(TimeError::AmbiguousLocalTime { local }),
        (LondonLookup::Skipped { .. }, Reject) => Err(TimeError::NonexistentLocalTime { local }),
        (LondonLookup::Ambiguous { earlier, .. }, Earlier | Compatible) => Ok(earlier),
        (LondonLookup::Ambiguous { later, .. }, Later) => Ok(later),
        (LondonLookup::Skipped { earlier, .. }, Earlier) => Ok(earlier),
        (LondonLookup::Skipped { later, .. }, Later | Compatible) => Ok(later),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn spring_gap_each_policy() {
        let gap = local(2026, 3, 29, 1, 30);
        assert_eq!(
            from_london(gap, Disambiguation::Reject),
            Err(TimeError::NonexistentLocalTime { local: gap })
        );
        assert_eq!(
            from_london(gap, Disambiguation::Earlier),
            Ok(utc(2026, 3, 29, 0, 30))
        );
        assert_eq!(
            from_london(gap, Disambiguation::Later),
            Ok(utc(2026, 3, 29, 1, 30))
        );
        assert_eq!(
            from_london(gap, Disambiguation::Compatible),
            Ok(utc(2026, 3, 29, 1, 30))
        );
        // The edges of the gap: 01:00 is missing, 02:00 exists (BST), 00:59 exists (GMT).
        assert!(from_london(local(2026, 3, 29, 1, 0), Disambiguation::Reject).is_err());
        assert_eq!(
            from_london(local(2026, 3, 29, 2, 0), Disambiguation::Reject),
            Ok(utc(2026, 3, 29, 1, 0))
        );
        assert_eq!(
            from_london(local(2026, 3, 29, 0, 59), Disambiguation::Reject),
            Ok(utc(2026, 3, 29, 0, 59))
        );
    }

    #[test]
    fn autumn_overlap_each_policy() {
        let twice = local(2026, 10, 25, 1, 30);
        assert_eq!(
            from_london(twice, Disambiguation::Reject),
            Err(TimeError::AmbiguousLocalTime { local: twice })
        );
        assert_eq!(
            from_london(twice, Disambiguation::Earlier),
            Ok(utc(2026, 10, 25, 0, 30))
        );
        assert_eq!(
            from_london(twice, Disambiguation::Compatible),
            Ok(utc(2026, 10, 25, 0, 30))
        );
        assert_eq!(
            from_london(twice, Disambiguation::Later),
            Ok(utc(2026, 10, 25, 1, 30))
        );
        assert_eq!(
            from_london(local(2026, 10, 25, 2, 0), Disambiguation::Reject),
            Ok(utc(2026, 10, 25, 2, 0))
        );
    }

    #[test]
    fn display_names_the_offset() {
        assert_eq!(
            to_london(utc(2026, 1, 15, 9, 0)).to_string(),
            "2026-01-15 09:00:00 GMT"
        );
        assert_eq!(
            to_london(utc(2026, 6, 15, 9, 0)).to_string(),
            "2026-06-15 10:00:00 BST"
        );
        assert!(to_london(utc(2026, 6, 15, 9, 0)).is_summer_time());
    }

    proptest! {
        #[test]
        fn every_instant_round_trips_through_london(secs in 0i64..4_102_444_800) {
            let instant = DateTime::from_timestamp(secs, 0).unwrap();
            let wall = to_london(instant);
            let candidates = match lookup_london(wall.local()) {
                LondonLookup::Unique(t) => vec![t],
                LondonLookup::Ambiguous { earlier, later } => vec![earlier, later],
                LondonLookup::Skipped { .. } => vec![],
            };
            prop_assert!(candidates.contains(&instant));
        }

        #[test]
        fn resolved_instants_read_back_as_the_wall_time_unless_skipped(secs in 0i64..4_102_444_800) {
            let wall = DateTime::from_timestamp(secs, 0).unwrap().naive_utc();
            for policy in [Disambiguation::Earlier, Disambiguation::Later, Disambiguation::Compatible] {
                let t = from_london(wall, policy).unwrap();
                let skipped = matches!(lookup_london(wall), LondonLookup::Skipped { .. });
                prop_assert_eq!(to_london(t).local() == wall, !skipped);
            }
        }
    }
}
