//! Working days: weekdays that are not bank holidays or local closures.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::{TimeError, is_bank_holiday};

/// A calendar of working days: Monday to Friday, less England and Wales bank
/// holidays and any closures added (a practice's training afternoon, a
/// proclaimed holiday newer than this library).
///
/// Days outside 1995–2100 are errors, not guesses: the bank holidays there
/// are unknown.
///
/// ```
/// use carecoord::time::WorkingCalendar;
/// use chrono::NaiveDate;
///
/// let calendar = WorkingCalendar::england_and_wales();
/// // Thursday 24 December 2026 plus two working days skips Christmas Day
/// // (Friday), the weekend and the Boxing Day substitute (Monday 28th).
/// let thursday = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
/// assert_eq!(calendar.add_working_days(thursday, 2)?.to_string(), "2026-12-30");
/// # Ok::<(), carecoord::time::TimeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    closures: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    /// Weekdays less England and Wales bank holidays.
    pub fn england_and_wales() -> Self {
        Self::default()
    }

    /// The same calendar with one more day closed.
    ///
    /// ```
    /// use carecoord::time::WorkingCalendar;
    /// use chrono::NaiveDate;
    ///
    /// let training = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    /// let calendar = WorkingCalendar::england_and_wales().with_closure(training);
    /// assert!(!calendar.is_working_day(training)?);
    /// # Ok::<(), carecoord::time::TimeError>(())
    /// ```
    #[must_use]
    pub fn with_closure(mut self, date: NaiveDate) -> Self {
        self.closures.insert(date);
        self
    }

    /// The closures added to this calendar, in date order.
    pub fn closures(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.closures.iter().copied()
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, TimeError> {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        // Look the holiday up even at weekends so that an unsupported year is
        // always an error, never a silent "working day".
        let holiday = is_bank_holiday(date)?.is_some();
        Ok(!weekend && !holiday && !self.closures.contains(&date))
    }

    /// The first working day strictly after `date`.
    ///
    /// ```
    /// use carecoord::time::WorkingCalendar;
    /// use chrono::NaiveDate;
    ///
    /// let good_friday_eve = NaiveDate::from_ymd_opt(2026, 4, 2).unwrap();
    /// let next = WorkingCalendar::england_and_wales().next_working_day(good_friday_eve)?;
    /// assert_eq!(next.to_string(), "2026-04-07"); // after Good Friday, the weekend and Easter Monday
    /// # Ok::<(), carecoord::time::TimeError>(())
    /// ```
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, TimeError> {
        self.step(date, 1)
    }

    /// The last working day strictly before `date`.
    pub fn previous_working_day(&self, date: NaiveDate) -> Result<NaiveDate, TimeError> {
        self.step(date, -1)
    }

    /// Moves `days` working days from `date`: forward when positive, back when
    /// negative. The start day itself is not counted, so one working day after
    /// a Friday is the Monday (if it is a working day). With `days == 0` the
    /// result is `date` if it is a working day, else the next working day.
    ///
    /// ```
    /// use carecoord::time::WorkingCalendar;
    /// use chrono::NaiveDate;
    ///
    /// let calendar = WorkingCalendar::england_and_wales();
    /// let friday = NaiveDate::from_ymd_opt(2026, 12, 18).unwrap();
    /// // Christmas Day, Boxing Day (a Saturday: Monday 28th is its substitute)
    /// // and the weekends are skipped.
    /// assert_eq!(calendar.add_working_days(friday, 5)?.to_string(), "2026-12-29");
    /// assert_eq!(calendar.add_working_days(friday, -1)?.to_string(), "2026-12-17");
    /// # Ok::<(), carecoord::time::TimeError>(())
    /// ```
    pub fn add_working_days(&self, date: NaiveDate, days: i32) -> Result<NaiveDate, TimeError> {
        if days == 0 {
            return if self.is_working_day(date)? {
                Ok(date)
            } else {
                self.next_working_day(date)
            };
        }
        let direction = days.signum();
        let mut current = date;
        for _ in 0..days.unsigned_abs() {
            current = self.step(current, direction)?;
        }
        Ok(current)
    }

    /// How many working days lie after `start` up to and including `end`
    /// (negative when `end` is before `start`), so that
    /// `add_working_days(start, n)` lands on `end` when `end` is a working day.
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> Result<i64, TimeError> {
        let (from, to, sign) = if start <= end {
            (start, end, 1)
        } else {
            (end, start, -1)
        };
        let mut count = 0i64;
        let mut day = from;
        while day < to {
            day = day
                .succ_opt()
                .ok_or(TimeError::YearOutOfRange { year: day.year() })?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }

    fn step(&self, date: NaiveDate, direction: i32) -> Result<NaiveDate, TimeError> {
        let mut current = date;
        loop {
            current = current
                .checked_add_signed(Duration::days(i64::from(direction)))
                .ok_or(TimeError::YearOutOfRange { year: date.year() })?;
            if self.is_working_day(current)? {
                return Ok(current);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn counts_forward_and_back_over_easter() {
        let cal = WorkingCalendar::england_and_wales();
        assert_eq!(
            cal.add_working_days(d(2026, 4, 2), 1).unwrap(),
            d(2026, 4, 7)
        );
        assert_eq!(
            cal.add_working_days(d(2026, 4, 7), -1).unwrap(),
            d(2026, 4, 2)
        );
        assert_eq!(
            cal.add_working_days(d(2026, 4, 4), 0).unwrap(),
            d(2026, 4, 7)
        );
        assert_eq!(
            cal.add_working_days(d(2026, 4, 8), 0).unwrap(),
            d(2026, 4, 8)
        );
        assert_eq!(
            cal.previous_working_day(d(2026, 1, 2)).unwrap(),
            d(2025, 12, 31)
        );
    }

    #[test]
    fn the_edges_of_the_supported_range_are_errors() {
        let cal = WorkingCalendar::england_and_wales();
        assert_eq!(
            cal.next_working_day(d(2100, 12, 31)),
            Err(TimeError::YearOutOfRange { year: 2101 })
        );
        assert_eq!(
            cal.is_working_day(d(1994, 6, 1)),
            Err(TimeError::YearOutOfRange { year: 1994 })
        );
        assert!(cal.add_working_days(d(2026, 1, 5), i32::MAX).is_err());
    }

    #[test]
    fn closures_are_not_working_days() {
        let cal = WorkingCalendar::england_and_wales().with_closure(d(2026, 11, 25));
        assert_eq!(
            cal.next_working_day(d(2026, 11, 24)).unwrap(),
            d(2026, 11, 26)
        );
        assert_eq!(cal.closures().collect::<Vec<_>>(), [d(2026, 11, 25)]);
    }

    proptest! {
        #[test]
        fn adding_then_counting_agrees(offset in 0i64..36_000, n in -400i32..400) {
            let cal = WorkingCalendar::england_and_wales();
            let start = d(1996, 1, 1) + Duration::days(offset);
            if let Ok(end) = cal.add_working_days(start, n) {
                prop_assert!(cal.is_working_day(end).unwrap());
                let start_counts = i64::from(cal.is_working_day(start).unwrap());
                match n {
                    1.. => prop_assert_eq!(cal.working_days_between(start, end).unwrap(), i64::from(n)),
                    // Counting forward from `end` covers the |n| - 1 days stepped over, and `start`.
                    ..0 => prop_assert_eq!(
                        cal.working_days_between(end, start).unwrap(),
                        i64::from(n.unsigned_abs()) - 1 + start_counts
                    ),
                    0 => prop_assert_eq!(cal.working_days_between(start, end).unwrap(), 1 - start_counts),
                }
            }
        }
    }
}
