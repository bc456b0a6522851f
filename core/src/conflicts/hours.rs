//! Opening hours in Europe/London wall time, closed on England and Wales bank
//! holidays unless stated, with one-off closures.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};

use super::{AppointmentError, AppointmentErrorKind};
use crate::time::{is_bank_holiday, to_london};

/// When a location (or service) is open, in London wall time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpeningHours {
    /// Opening windows for each weekday, Monday first; a day may have several
    /// (e.g. a lunch closure); an empty day is closed.
    pub weekly: [Vec<(NaiveTime, NaiveTime)>; 7],
    /// Whether it opens on bank holidays (with its usual hours for the weekday).
    pub open_bank_holidays: bool,
    /// One-off closures (training days, building works).
    pub closures: BTreeSet<NaiveDate>,
}

/// Why an appointment falls outside opening hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closed {
    /// Closed for a bank holiday.
    BankHoliday,
    /// A one-off closure.
    Closure,
    /// Not within one of the day's windows.
    OutsideHours,
}

impl OpeningHours {
    /// The same hours Monday to Friday, closed at weekends and bank holidays.
    pub fn weekdays(open: NaiveTime, close: NaiveTime) -> Self {
        let mut weekly: [Vec<(NaiveTime, NaiveTime)>; 7] = Default::default();
        for day in weekly.iter_mut().take(5) {
            day.push((open, close));
        }
        Self {
            weekly,
            ..Self::default()
        }
    }

    /// Adds an opening window on `day`, in London wall time. A window must
    /// close after it opens (clinics do not run past midnight): one that does
    /// not would leave the day closed without saying so.
    ///
    /// ```
    /// use carecoord::conflicts::OpeningHours;
    /// use carecoord::time::{parse_wall_clock, parse_weekday};
    ///
    /// let mut hours = OpeningHours::default();
    /// hours.add_window(parse_weekday("mon", "hours")?, parse_wall_clock("08:00", "hours")?,
    ///                  parse_wall_clock("12:30", "hours")?)?;
    /// assert_eq!(hours.weekly[0].len(), 1);
    /// # Ok::<(), carecoord::Error>(())
    /// ```
    pub fn add_window(
        &mut self,
        day: Weekday,
        open: NaiveTime,
        close: NaiveTime,
    ) -> Result<(), AppointmentError> {
        if close <= open {
            return Err(AppointmentError::new(
                AppointmentErrorKind::InvalidSetup {
                    message: "an opening window must close after it opens".into(),
                },
                None,
            ));
        }
        if let Some(windows) = self.weekly.get_mut(day.num_days_from_monday() as usize) {
            windows.push((open, close));
        }
        Ok(())
    }

    /// Adds a one-off closure.
    pub fn with_closure(mut self, date: NaiveDate) -> Self {
        self.closures.insert(date);
        self
    }

    fn windows(&self, day: Weekday) -> &[(NaiveTime, NaiveTime)] {
        self.weekly
            .get(day.num_days_from_monday() as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `[start, end)` lies within one opening window of one London
    /// day; if not, why. A year whose bank holidays are not known (outside
    /// 1995–2100) reads as closed, never as open.
    pub(crate) fn check(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Closed> {
        let (s, e) = (to_london(start).local(), to_london(end).local());
        let day = s.date();
        if self.closures.contains(&day) {
            return Some(Closed::Closure);
        }
        match is_bank_holiday(day) {
            Ok(Some(_)) if !self.open_bank_holidays => return Some(Closed::BankHoliday),
            Err(_) => return Some(Closed::OutsideHours),
            _ => {}
        }
        // Within one window of one London day (clinics do not run past midnight).
        let within = e.date() == day
            && self
                .windows(day.weekday())
                .iter()
                .any(|(open, close)| *open <= s.time() && e.time() <= *close);
        (!within).then_some(Closed::OutsideHours)
    }
}
