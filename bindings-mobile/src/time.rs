//! Europe/London wall time, bank holidays and working days for Kotlin and Swift.

use std::sync::Arc;
use std::time::SystemTime;

use carecoord::time::{self as core_time, TimeError};
use chrono::{NaiveDateTime, Timelike};

use crate::convert;
use crate::error::CarecoordError;

pub use carecoord::time::Disambiguation;

pub use carecoord::ffi::CalendarDate;

/// A Europe/London wall-clock time: what a person reads on a clock or a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct LocalDateTime {
    /// The calendar date.
    pub date: CalendarDate,
    /// Hour, 0–23.
    pub hour: i32,
    /// Minute, 0–59.
    pub minute: i32,
    /// Second, 0–59.
    pub second: i32,
}

fn part(value: i32) -> Option<u32> {
    u32::try_from(value).ok()
}

impl LocalDateTime {
    fn to_wall_time(self, field: &'static str) -> Result<NaiveDateTime, TimeError> {
        let date = self.date.to_date(field)?;
        match (part(self.hour), part(self.minute), part(self.second)) {
            (Some(h), Some(m), Some(s)) => date.and_hms_opt(h, m, s),
            _ => None,
        }
        .ok_or(TimeError::InvalidTime { field })
    }
}

impl From<NaiveDateTime> for LocalDateTime {
    fn from(t: NaiveDateTime) -> Self {
        let small = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        Self {
            date: t.date().into(),
            hour: small(t.hour()),
            minute: small(t.minute()),
            second: small(t.second()),
        }
    }
}

/// A moment as it reads on a clock in London.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct LondonTime {
    /// The wall-clock date and time.
    pub local: LocalDateTime,
    /// Seconds east of UTC: 0 in GMT, 3600 in BST.
    pub offset_seconds: i32,
    /// `GMT` or `BST`.
    pub abbreviation: String,
    /// Whether British Summer Time is in force.
    pub is_summer_time: bool,
}

impl From<core_time::LondonDateTime> for LondonTime {
    fn from(t: core_time::LondonDateTime) -> Self {
        Self {
            local: t.local().into(),
            offset_seconds: t.offset_seconds(),
            abbreviation: t.abbreviation().to_owned(),
            is_summer_time: t.is_summer_time(),
        }
    }
}

/// Every instant a London wall time could mean.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum LondonLookup {
    /// Exactly one instant.
    Unique {
        /// The instant.
        instant: SystemTime,
    },
    /// Clocks go back: the wall time happens twice.
    Ambiguous {
        /// The first occurrence, in BST.
        earlier: SystemTime,
        /// The second occurrence, in GMT.
        later: SystemTime,
    },
    /// Clocks go forward: the wall time never happens.
    Skipped {
        /// Moved back by the gap.
        earlier: SystemTime,
        /// Moved forward by the gap.
        later: SystemTime,
    },
}

impl TryFrom<core_time::LondonLookup> for LondonLookup {
    type Error = TimeError;
    fn try_from(l: core_time::LondonLookup) -> Result<Self, TimeError> {
        use core_time::LondonLookup as L;
        let st = convert::system_time;
        Ok(match l {
            L::Unique(t) => Self::Unique { instant: st(t)? },
            L::Ambiguous { earlier, later } => Self::Ambiguous {
                earlier: st(earlier)?,
                later: st(later)?,
            },
            L::Skipped { earlier, later } => Self::Skipped {
                earlier: st(earlier)?,
                later: st(later)?,
            },
        })
    }
}

/// One England and Wales bank holiday.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct BankHoliday {
    /// The day itself.
    pub date: CalendarDate,
    /// A stable machine name, e.g. `boxing_day`.
    pub key: String,
    /// The published name, e.g. `Boxing Day (substitute day)`.
    pub name: String,
    /// Whether this is a substitute day for a holiday that fell at a weekend.
    pub substitute: bool,
}

impl From<&core_time::BankHoliday> for BankHoliday {
    fn from(h: &core_time::BankHoliday) -> Self {
        Self {
            date: h.date.into(),
            key: h.kind.key().to_owned(),
            name: h.name(),
            substitute: h.substitute,
        }
    }
}

/// Parses an ISO 8601 calendar date, `YYYY-MM-DD`. Throws `InvalidDate`.
#[uniffi::export]
pub fn parse_date(text: String) -> Result<CalendarDate, CarecoordError> {
    Ok(core_time::parse_date(&text, "date")?.into())
}

/// Parses an ISO 8601 wall time without offset, `YYYY-MM-DDTHH:MM[:SS]`.
/// Throws `InvalidDate`.
#[uniffi::export]
pub fn parse_local_date_time(text: String) -> Result<LocalDateTime, CarecoordError> {
    Ok(core_time::parse_local_datetime(&text, "local")?.into())
}

/// Parses an RFC 3339 instant with an offset (`2026-11-23T10:00:00Z`,
/// `...+01:00`). Text without an offset is refused (`time.missing_offset`):
/// it names no instant. Throws `InvalidInput` or `InvalidDate`.
#[uniffi::export]
pub fn parse_instant(text: String) -> Result<SystemTime, CarecoordError> {
    Ok(crate::convert::system_time(core_time::parse_instant(
        &text, "instant",
    )?)?)
}

/// The wall time in London at an instant.
#[uniffi::export]
pub fn to_london(instant: SystemTime) -> Result<LondonTime, CarecoordError> {
    Ok(core_time::to_london(convert::instant(instant, "instant")?).into())
}

/// The instant of a London wall time, resolving the daylight-saving edge
/// cases as `disambiguation` says.
#[uniffi::export]
pub fn from_london(
    local: LocalDateTime,
    disambiguation: Disambiguation,
) -> Result<SystemTime, CarecoordError> {
    let instant = core_time::from_london(local.to_wall_time("local")?, disambiguation)?;
    Ok(convert::system_time(instant)?)
}

/// Every instant a London wall time could mean, for showing a person the choice.
#[uniffi::export]
pub fn lookup_london(local: LocalDateTime) -> Result<LondonLookup, CarecoordError> {
    Ok(core_time::lookup_london(local.to_wall_time("local")?).try_into()?)
}

/// The England and Wales bank holidays of `year` (1995–2100), in date order.
#[uniffi::export]
pub fn bank_holidays(year: i32) -> Result<Vec<BankHoliday>, CarecoordError> {
    Ok(core_time::bank_holidays(year)?
        .iter()
        .map(BankHoliday::from)
        .collect())
}

/// The bank holiday on `date`, or null.
#[uniffi::export]
pub fn is_bank_holiday(date: CalendarDate) -> Result<Option<BankHoliday>, CarecoordError> {
    let holiday = core_time::is_bank_holiday(date.to_date("date")?)?;
    Ok(holiday.as_ref().map(BankHoliday::from))
}

/// Working days: Monday to Friday, less England and Wales bank holidays and
/// the closures given.
#[derive(Debug, uniffi::Object)]
pub struct WorkingCalendar(core_time::WorkingCalendar);

#[uniffi::export]
impl WorkingCalendar {
    /// A calendar closed on bank holidays and on each of `closures`.
    #[uniffi::constructor]
    pub fn new(closures: Vec<CalendarDate>) -> Result<Arc<Self>, CarecoordError> {
        let mut calendar = core_time::WorkingCalendar::england_and_wales();
        for closure in closures {
            calendar = calendar.with_closure(closure.to_date("closures")?);
        }
        Ok(Arc::new(Self(calendar)))
    }

    /// The closures of this calendar, in date order.
    pub fn closures(&self) -> Vec<CalendarDate> {
        self.0.closures().map(CalendarDate::from).collect()
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: CalendarDate) -> Result<bool, CarecoordError> {
        Ok(self.0.is_working_day(date.to_date("date")?)?)
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: CalendarDate) -> Result<CalendarDate, CarecoordError> {
        Ok(self.0.next_working_day(date.to_date("date")?)?.into())
    }

    /// The last working day strictly before `date`.
    pub fn previous_working_day(&self, date: CalendarDate) -> Result<CalendarDate, CarecoordError> {
        Ok(self.0.previous_working_day(date.to_date("date")?)?.into())
    }

    /// Moves `days` working days from `date` (back when negative); the start
    /// day is not counted. With 0, `date` itself if a working day, else the next.
    pub fn add_working_days(
        &self,
        date: CalendarDate,
        days: i32,
    ) -> Result<CalendarDate, CarecoordError> {
        Ok(self.0.add_working_days(date.to_date("date")?, days)?.into())
    }

    /// Working days after `start` up to and including `end` (negative when `end` is earlier).
    pub fn working_days_between(
        &self,
        start: CalendarDate,
        end: CalendarDate,
    ) -> Result<i64, CarecoordError> {
        Ok(self
            .0
            .working_days_between(start.to_date("start")?, end.to_date("end")?)?)
    }
}
