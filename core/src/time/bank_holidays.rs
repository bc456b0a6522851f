//! England and Wales bank holidays, computed from the rules plus a table of one-off changes.
//!
//! The rules (Banking and Financial Dealings Act 1971 and the standing royal
//! proclamations): New Year's Day, Good Friday, Easter Monday, the first
//! Monday in May, the last Monday in May, the last Monday in August, Christmas
//! Day and Boxing Day. A fixed-date holiday falling at a weekend moves to the
//! next weekday not already a holiday (the "substitute day").
//!
//! One-off changes are made by proclamation, each listed in [`ADJUSTMENTS`]:
//! the VE Day anniversaries of 1995 and 2020 moved the early May holiday; the
//! jubilees of 2002, 2012 and 2022 moved the spring holiday and added a day;
//! 1999 (millennium), 2011 (royal wedding), 2022 (state funeral) and 2023
//! (coronation) added a day. A change proclaimed after this release is not
//! known: update the library, or add the day to a [`super::WorkingCalendar`]
//! as a closure.

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::TimeError;

/// The first year whose bank holidays are known.
pub const FIRST_SUPPORTED_YEAR: i32 = 1995;
/// The last year whose bank holidays are computed.
pub const LAST_SUPPORTED_YEAR: i32 = 2100;

/// Which bank holiday a day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum BankHolidayKind {
    /// 1 January.
    NewYearsDay,
    /// The Friday before Easter Sunday.
    GoodFriday,
    /// The Monday after Easter Sunday.
    EasterMonday,
    /// The first Monday in May (moved in 1995 and 2020).
    EarlyMay,
    /// The last Monday in May (moved in 2002, 2012 and 2022).
    Spring,
    /// The last Monday in August.
    Summer,
    /// 25 December.
    ChristmasDay,
    /// 26 December.
    BoxingDay,
    /// 31 December 1999.
    Millennium,
    /// 3 June 2002.
    GoldenJubilee,
    /// 29 April 2011.
    RoyalWedding,
    /// 5 June 2012.
    DiamondJubilee,
    /// 3 June 2022.
    PlatinumJubilee,
    /// 19 September 2022.
    StateFuneral,
    /// 8 May 2023.
    Coronation,
}

impl BankHolidayKind {
    /// The holiday's name as published, without "(substitute day)".
    pub fn name(self) -> &'static str {
        use BankHolidayKind::*;
        match self {
            NewYearsDay => "New Year's Day",
            GoodFriday => "Good Friday",
            EasterMonday => "Easter Monday",
            EarlyMay => "Early May bank holiday",
            Spring => "Spring bank holiday",
            Summer => "Summer bank holiday",
            ChristmasDay => "Christmas Day",
            BoxingDay => "Boxing Day",
            Millennium => "Millennium Day",
            GoldenJubilee => "Queen's Golden Jubilee",
            RoyalWedding => "Royal wedding",
            DiamondJubilee => "Queen's Diamond Jubilee",
            PlatinumJubilee => "Platinum Jubilee bank holiday",
            StateFuneral => "State Funeral of Queen Elizabeth II",
            Coronation => "Coronation of King Charles III",
        }
    }

    /// A stable machine name (`snake_case`) for data files and other languages.
    pub fn key(self) -> &'static str {
        use BankHolidayKind::*;
        match self {
            NewYearsDay => "new_years_day",
            GoodFriday => "good_friday",
            EasterMonday => "easter_monday",
            EarlyMay => "early_may",
            Spring => "spring",
            Summer => "summer",
            ChristmasDay => "christmas_day",
            BoxingDay => "boxing_day",
            Millennium => "millennium",
            GoldenJubilee => "golden_jubilee",
            RoyalWedding => "royal_wedding",
            DiamondJubilee => "diamond_jubilee",
            PlatinumJubilee => "platinum_jubilee",
            StateFuneral => "state_funeral",
            Coronation => "coronation",
        }
    }
}

/// One England and Wales bank holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BankHoliday {
    /// The day offices and most clinics are closed.
    pub date: NaiveDate,
    /// Which holiday it is.
    pub kind: BankHolidayKind,
    /// Whether this is a substitute day for a holiday that fell at a weekend.
    pub substitute: bool,
}

impl BankHoliday {
    /// The published name, e.g. `"Boxing Day (substitute day)"`.
    pub fn name(&self) -> String {
        if self.substitute {
            format!("{} (substitute day)", self.kind.name())
        } else {
            self.kind.name().to_owned()
        }
    }
}

/// A proclaimed one-off change to the rules.
enum Adjustment {
    /// The holiday of this kind in the date's year falls on this date instead.
    Moved(BankHolidayKind, (i32, u32, u32)),
    /// An extra holiday.
    Extra(BankHolidayKind, (i32, u32, u32)),
}

/// Every one-off change since 1995. Dates from the proclamations as published on GOV.UK.
const ADJUSTMENTS: &[Adjustment] = &[
    Adjustment::Moved(BankHolidayKind::EarlyMay, (1995, 5, 8)),
    Adjustment::Extra(BankHolidayKind::Millennium, (1999, 12, 31)),
    Adjustment::Moved(BankHolidayKind::Spring, (2002, 6, 4)),
    Adjustment::Extra(BankHolidayKind::GoldenJubilee, (2002, 6, 3)),
    Adjustment::Extra(BankHolidayKind::RoyalWedding, (2011, 4, 29)),
    Adjustment::Moved(BankHolidayKind::Spring, (2012, 6, 4)),
    Adjustment::Extra(BankHolidayKind::DiamondJubilee, (2012, 6, 5)),
    Adjustment::Moved(BankHolidayKind::EarlyMay, (2020, 5, 8)),
    Adjustment::Moved(BankHolidayKind::Spring, (2022, 6, 2)),
    Adjustment::Extra(BankHolidayKind::PlatinumJubilee, (2022, 6, 3)),
    Adjustment::Extra(BankHolidayKind::StateFuneral, (2022, 9, 19)),
    Adjustment::Extra(BankHolidayKind::Coronation, (2023, 5, 8)),
];

/// The bank holidays of one year in England and Wales, in date order.
///
/// ```
/// use carecoord::time::{bank_holidays, BankHolidayKind};
///
/// let days = bank_holidays(2026)?;
/// let boxing = days.iter().find(|h| h.kind == BankHolidayKind::BoxingDay).unwrap();
/// // 26 December 2026 is a Saturday, so the holiday is Monday 28th.
/// assert_eq!(boxing.date.to_string(), "2026-12-28");
/// assert_eq!(boxing.name(), "Boxing Day (substitute day)");
/// # Ok::<(), carecoord::time::TimeError>(())
/// ```
pub fn bank_holidays(year: i32) -> Result<&'static [BankHoliday], TimeError> {
    let index = year
        .checked_sub(FIRST_SUPPORTED_YEAR)
        .and_then(|i| usize::try_from(i).ok())
        .filter(|_| year <= LAST_SUPPORTED_YEAR)
        .ok_or(TimeError::YearOutOfRange { year })?;
    table()
        .get(index)
        .map(Vec::as_slice)
        .ok_or(TimeError::YearOutOfRange { year })
}

/// Whether a day is an England and Wales bank holiday, and which.
///
/// ```
/// use carecoord::time::{is_bank_holiday, BankHolidayKind};
/// use chrono::NaiveDate;
///
/// let coronation = NaiveDate::from_ymd_opt(2023, 5, 8).unwrap();
/// assert_eq!(is_bank_holiday(coronation)?.map(|h| h.kind), Some(BankHolidayKind::Coronation));
/// # Ok::<(), carecoord::time::TimeError>(())
/// ```
pub fn is_bank_holiday(date: NaiveDate) -> Result<Option<BankHoliday>, TimeError> {
    Ok(bank_holidays(date.year())?
        .iter()
        .find(|h| h.date == date)
        .copied())
}

/// Every supported year's holidays, computed once on first use.
fn table() -> &'static [Vec<BankHoliday>] {
    static TABLE: OnceLock<Vec<Vec<BankHoliday>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR)
            .map(compute_year)
            .collect()
    })
}

fn compute_year(year: i32) -> Vec<BankHoliday> {
    use BankHolidayKind::*;
    let mut days: Vec<BankHoliday> = Vec::with_capacity(10);
    let plain = |date, kind| BankHoliday {
        date,
        kind,
        substitute: false,
    };

    let easter = easter_sunday(year);
    days.push(plain(easter - Duration::days(2), GoodFriday));
    days.push(plain(easter + Duration::days(1), EasterMonday));
    days.extend(nth_monday(year, 5, 1).map(|d| plain(d, EarlyMay)));
    days.extend(last_monday(year, 5).map(|d| plain(d, Spring)));
    days.extend(last_monday(year, 8).map(|d| plain(d, Summer)));

    for adjustment in ADJUSTMENTS {
        match adjustment {
            Adjustment::Moved(kind, (y, m, d)) if *y == year => {
                if let (Some(day), Some(date)) = (
                    days.iter_mut().find(|h| h.kind == *kind),
                    NaiveDate::from_ymd_opt(*y, *m, *d),
                ) {
                    day.date = date;
                }
            }
            Adjustment::Extra(kind, (y, m, d)) if *y == year => {
                days.extend(NaiveDate::from_ymd_opt(*y, *m, *d).map(|date| plain(date, *kind)));
            }
            _ => {}
        }
    }

    // A fixed date on a weekday is the holiday itself. One at a weekend gets a
    // substitute: the next weekday not already a holiday, taken in calendar
    // order (so when Christmas is a Sunday, Boxing Day keeps Monday 26th and
    // Christmas moves to Tuesday 27th, as published).
    let fixed = [
        (1, 1, NewYearsDay),
        (12, 25, ChristmasDay),
        (12, 26, BoxingDay),
    ]
    .into_iter()
    .filter_map(|(month, day, kind)| Some((NaiveDate::from_ymd_opt(year, month, day)?, kind)));
    let (weekday, weekend): (Vec<_>, Vec<_>) = fixed.partition(|(date, _)| !is_weekend(*date));
    days.extend(weekday.into_iter().map(|(date, kind)| plain(date, kind)));
    for (mut date, kind) in weekend {
        while is_weekend(date) || days.iter().any(|h| h.date == date) {
            date += Duration::days(1);
        }
        days.push(BankHoliday {
            date,
            kind,
            substitute: true,
        });
    }
    days.sort();
    days
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn nth_monday(year: i32, month: u32, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, n)
}

fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    nth_monday(year, month, 5).or_else(|| nth_monday(year, month, 4))
}

/// Easter Sunday in the Gregorian calendar (the "Anonymous Gregorian" algorithm,
/// Meeus/Jones/Butcher), valid for every year after 1582.
fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // The algorithm yields 22 March to 25 April; the fallback is never taken.
    let (month, day) = (
        u32::try_from(month).unwrap_or(4),
        u32::try_from(day).unwrap_or(1),
    );
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(year: i32) -> Vec<String> {
        bank_holidays(year)
            .unwrap()
            .iter()
            .map(|h| h.date.to_string())
            .collect()
    }

    #[test]
    fn easter_known_dates() {
        for (y, m, d) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(
                easter_sunday(y),
                NaiveDate::from_ymd_opt(y, m, d).unwrap(),
                "{y}"
            );
        }
    }

    #[test]
    fn published_years() {
        assert_eq!(
            dates(2022),
            [
                "2022-01-03",
                "2022-04-15",
                "2022-04-18",
                "2022-05-02",
                "2022-06-02",
                "2022-06-03",
                "2022-08-29",
                "2022-09-19",
                "2022-12-26",
                "2022-12-27",
            ]
        );
        assert_eq!(
            dates(2010),
            [
                "2010-01-01",
                "2010-04-02",
                "2010-04-05",
                "2010-05-03",
                "2010-05-31",
                "2010-08-30",
                "2010-12-27",
                "2010-12-28",
            ]
        );
        assert_eq!(dates(1999).last().map(String::as_str), Some("1999-12-31"));
        assert_eq!(dates(2000).first().map(String::as_str), Some("2000-01-03"));
    }

    #[test]
    fn substitute_days_are_flagged_and_named() {
        let h = bank_holidays(2021).unwrap();
        let christmas = h
            .iter()
            .find(|h| h.kind == BankHolidayKind::ChristmasDay)
            .unwrap();
        assert!(christmas.substitute);
        assert_eq!(christmas.name(), "Christmas Day (substitute day)");
        assert_eq!(christmas.date.to_string(), "2021-12-27");

        // Christmas on a Sunday: Boxing Day keeps Monday, Christmas takes Tuesday.
        let h = bank_holidays(2022).unwrap();
        let boxing = h
            .iter()
            .find(|h| h.kind == BankHolidayKind::BoxingDay)
            .unwrap();
        assert_eq!(
            (boxing.date.to_string(), boxing.substitute),
            ("2022-12-26".to_owned(), false)
        );
        let christmas = h
            .iter()
            .find(|h| h.kind == BankHolidayKind::ChristmasDay)
            .unwrap();
        assert_eq!(
            (christmas.date.to_string(), christmas.substitute),
            ("2022-12-27".to_owned(), true)
        );
    }

    #[test]
    fn every_year_is_weekdays_without_duplicates() {
        for year in FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR {
            let days = bank_holidays(year).unwrap();
            assert!(days.len() >= 8, "{year}");
            assert!(
                days.iter()
                    .all(|h| !is_weekend(h.date) && h.date.year() == year),
                "{year}"
            );
            assert!(days.windows(2).all(|w| w[0].date < w[1].date), "{year}");
        }
    }

    #[test]
    fn years_outside_the_range_are_errors() {
        assert_eq!(
            bank_holidays(1994),
            Err(TimeError::YearOutOfRange { year: 1994 })
        );
        assert_eq!(
            bank_holidays(2101),
            Err(TimeError::YearOutOfRange { year: 2101 })
        );
        assert_eq!(
            bank_holidays(i32::MIN),
            Err(TimeError::YearOutOfRange { year: i32::MIN })
        );
    }
}
