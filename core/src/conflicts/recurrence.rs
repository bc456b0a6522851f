//! Recurring appointments: the RFC 5545 RRULE subset practices use, expanded
//! in Europe/London wall time, so 10:00 stays 10:00 across daylight saving.
//!
//! Supported: `FREQ=DAILY|WEEKLY|MONTHLY`, `INTERVAL`, `BYDAY` (weekdays;
//! with an ordinal such as `1MO` or `-1FR` for MONTHLY), `BYMONTHDAY` (for
//! MONTHLY), `COUNT` or `UNTIL`, `WKST=MO`; plus exception dates (EXDATE).
//! Anything else (YEARLY, BYSETPOS, BYHOUR, …) is refused by name rather than
//! expanded wrongly. An open-ended rule needs a horizon.

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, Weekday};

use super::error::{AppointmentError, AppointmentErrorKind as K};

/// How often a rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    /// Every `interval` days.
    Daily,
    /// Every `interval` weeks (weeks start on Monday).
    Weekly,
    /// Every `interval` months.
    Monthly,
}

/// A weekday, with an ordinal within the month for MONTHLY rules
/// (`1MO` first Monday, `-1FR` last Friday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByDay {
    /// The weekday.
    pub weekday: Weekday,
    /// 1..=5 from the start of the month, -5..=-1 from its end; `None`: every.
    pub ordinal: Option<i8>,
}

/// The end of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// After this many occurrences (exception dates still count).
    Count(u32),
    /// On or before this London wall time.
    Until(NaiveDateTime),
    /// No end given: expansion needs a horizon.
    Never,
}

/// A parsed recurrence rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    /// How often.
    pub frequency: Frequency,
    /// Every how many periods (at least 1).
    pub interval: u32,
    /// Which weekdays, if given.
    pub by_day: Vec<ByDay>,
    /// Which days of the month (MONTHLY), if given; negative from the end.
    pub by_month_day: Vec<i8>,
    /// When it ends.
    pub end: End,
}

fn invalid(message: impl Into<String>) -> AppointmentError {
    AppointmentError::new(
        K::InvalidRecurrence {
            message: message.into(),
        },
        None,
    )
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// `YYYYMMDD` (the end of that day) or `YYYYMMDDTHHMMSS[Z]`.
fn until(text: &str) -> Option<NaiveDateTime> {
    if text.len() == 8 {
        return NaiveDate::parse_from_str(text, "%Y%m%d")
            .ok()?
            .and_hms_opt(23, 59, 59);
    }
    let t = text.strip_suffix('Z').unwrap_or(text);
    NaiveDateTime::parse_from_str(t, "%Y%m%dT%H%M%S").ok()
}

impl Recurrence {
    /// Parses an RRULE value (with or without the `RRULE:` prefix). Errors
    /// name the part that is wrong or not supported.
    pub fn parse(text: &str) -> Result<Self, AppointmentError> {
        let body = text.trim();
        let body = body.strip_prefix("RRULE:").unwrap_or(body);
        let (mut frequency, mut interval, mut by_day, mut by_month_day) =
            (None, 1u32, Vec::new(), Vec::new());
        let (mut count, mut until_at) = (None, None);
        for part in body.split(';').filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| invalid("each part must be KEY=VALUE"))?;
            match key.to_ascii_uppercase().as_str() {
                "FREQ" => {
                    frequency = Some(match value {
                        "DAILY" => Frequency::Daily,
                        "WEEKLY" => Frequency::Weekly,
                        "MONTHLY" => Frequency::Monthly,
                        _ => {
                            return Err(invalid(
                                "FREQ is not supported (use DAILY, WEEKLY or MONTHLY)",
                            ));
                        }
                    })
                }
                "INTERVAL" => {
                    interval = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=1000).contains(n))
                        .ok_or_else(|| invalid("INTERVAL must be a whole number from 1"))?;
                }
                "COUNT" => {
                    count = Some(
                        value
                            .parse::<u32>()
                            .ok()
                            .filter(|n| (1..=10_000).contains(n))
                            .ok_or_else(|| {
                                invalid("COUNT must be a whole number from 1 to 10000")
                            })?,
                    );
                }
                "UNTIL" => {
                    until_at = Some(
                        until(value)
                            .ok_or_else(|| invalid("UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSS"))?,
                    );
                }
                "BYDAY" => {
                    for item in value.split(',') {
                        // The last two bytes are the weekday code; a split
                        // inside a multi-byte character is no weekday.
                        let not_a_weekday = || invalid("a BYDAY item is not a weekday (MO..SU)");
                        let (num, code) = item
                            .split_at_checked(item.len().saturating_sub(2))
                            .ok_or_else(not_a_weekday)?;
                        let weekday = weekday(code).ok_or_else(not_a_weekday)?;
                        let ordinal = if num.is_empty() {
                            None
                        } else {
                            Some(
                                num.trim_start_matches('+')
                                    .parse::<i8>()
                                    .ok()
                                    .filter(|n| (1..=5).contains(&n.abs()))
                                    .ok_or_else(|| {
                                        invalid("a BYDAY ordinal must be 1..5 or -5..-1")
                                    })?,
                            )
                        };
                        by_day.push(ByDay { weekday, ordinal });
                    }
                }
                "BYMONTHDAY" => {
                    for item in value.split(',') {
                        by_month_day.push(
                            item.parse::<i8>()
                                .ok()
                                .filter(|n| *n != 0 && (-31..=31).contains(n))
                                .ok_or_else(|| invalid("BYMONTHDAY must be 1..31 or -31..-1"))?,
                        );
                    }
                }
                "WKST" if value == "MO" => {}
                "WKST" => return Err(invalid("only WKST=MO is supported")),
                other => {
                    // Name a part only from RFC 5545's own list: the caller's
                    // text is never repeated.
                    const OTHER_PARTS: [&str; 7] = [
                        "BYSECOND",
                        "BYMINUTE",
                        "BYHOUR",
                        "BYYEARDAY",
                        "BYWEEKNO",
                        "BYMONTH",
                        "BYSETPOS",
                    ];
                    let named = OTHER_PARTS.iter().find(|p| **p == other);
                    return Err(invalid(match named {
                        Some(part) => format!("{part} is not supported"),
                        None => "an unknown part (supported: FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, WKST)".to_owned(),
                    }));
                }
            }
        }
        let frequency = frequency.ok_or_else(|| invalid("FREQ is required"))?;
        let end = match (count, until_at) {
            (Some(_), Some(_)) => return Err(invalid("COUNT and UNTIL cannot both be given")),
            (Some(n), None) => End::Count(n),
            (None, Some(u)) => End::Until(u),
            (None, None) => End::Never,
        };
        if frequency != Frequency::Monthly
            && (by_day.iter().any(|d| d.ordinal.is_some()) || !by_month_day.is_empty())
        {
            return Err(invalid(
                "ordinal BYDAY and BYMONTHDAY are supported with FREQ=MONTHLY only",
            ));
        }
        Ok(Self {
            frequency,
            interval,
            by_day,
            by_month_day,
            end,
        })
    }

    /// The dates of the period (day, week or month) starting at `anchor`
    /// that the rule selects, in order.
    fn dates_in_period(&self, anchor: NaiveDate, first: NaiveDate) -> Vec<NaiveDate> {
        match self.frequency {
            Frequency::Daily => {
                let ok = self.by_day.is_empty()
                    || self.by_day.iter().any(|d| d.weekday == anchor.weekday());
                if ok { vec![anchor] } else { vec![] }
            }
            Frequency::Weekly => {
                if self.by_day.is_empty() {
                    // The weekday of the first occurrence.
                    let offset = i64::from(first.weekday().num_days_from_monday());
                    return vec![anchor + Duration::days(offset)];
                }
                let mut days: Vec<NaiveDate> = self
                    .by_day
                    .iter()
                    .map(|d| anchor + Duration::days(i64::from(d.weekday.num_days_from_monday())))
                    .collect();
                days.sort_unstable();
                days.dedup();
                days
            }
            Frequency::Monthly => {
                let (y, m) = (anchor.year(), anchor.month());
                let last = (anchor + Months::new(1) - Duration::days(1)).day();
                let mut days: Vec<NaiveDate> = Vec::new();
                let month_days = |d: i8| -> Option<u32> {
                    let d = i32::from(d);
                    let day = if d > 0 { d } else { last as i32 + 1 + d };
                    (1..=last as i32).contains(&day).then_some(day as u32)
                };
                for d in &self.by_month_day {
                    if let Some(day) =
                        month_days(*d).and_then(|day| NaiveDate::from_ymd_opt(y, m, day))
                    {
                        days.push(day);
                    }
                }
                for b in &self.by_day {
                    let all: Vec<NaiveDate> = (1..=last)
                        .filter_map(|day| NaiveDate::from_ymd_opt(y, m, day))
                        .filter(|d| d.weekday() == b.weekday)
                        .collect();
                    match b.ordinal {
                        None => days.extend(all),
                        Some(n) if n > 0 => days.extend(all.get(n as usize - 1).copied()),
                        Some(n) => days.extend(
                            all.len()
                                .checked_sub(n.unsigned_abs() as usize)
                                .and_then(|i| all.get(i))
                                .copied(),
                        ),
                    }
                }
                if self.by_day.is_empty() && self.by_month_day.is_empty() {
                    // The day of the month of the first occurrence; months
                    // without it are skipped (RFC 5545).
                    days.extend(NaiveDate::from_ymd_opt(y, m, first.day()));
                }
                days.sort_unstable();
                days.dedup();
                days
            }
        }
    }

    /// The London wall times of the occurrences from `start` (the first,
    /// which must itself match the rule), skipping `exdates` (which still
    /// count towards COUNT), up to `horizon` (inclusive) for open-ended
    /// rules. At most 10,000 occurrences.
    pub fn expand(
        &self,
        start: NaiveDateTime,
        exdates: &[NaiveDate],
        horizon: Option<NaiveDate>,
    ) -> Result<Vec<NaiveDateTime>, AppointmentError> {
        let last_day = match (self.end, horizon) {
            (End::Until(u), h) => Some(h.map_or(u.date(), |h| h.min(u.date()))),
            (_, Some(h)) => Some(h),
            (End::Count(_), None) => None,
            (End::Never, None) => {
                return Err(invalid(
                    "a rule without COUNT or UNTIL needs a horizon date",
                ));
            }
        };
        let first = start.date();
        let time = start.time();
        let mut out = Vec::new();
        let mut counted = 0u32;
        let mut period = 0u32;
        let anchor0 = match self.frequency {
            Frequency::Daily => first,
            Frequency::Weekly => {
                first - Duration::days(i64::from(first.weekday().num_days_from_monday()))
            }
            Frequency::Monthly => first.with_day(1).unwrap_or(first),
        };
        let mut matched_start = false;
        // Enough periods for 10,000 occurrences of any rule, bounded anyway.
        while period < 200_000 {
            let step = period.saturating_mul(self.interval);
            let anchor = match self.frequency {
                Frequency::Daily => anchor0.checked_add_signed(Duration::days(i64::from(step))),
                Frequency::Weekly => anchor0.checked_add_signed(Duration::weeks(i64::from(step))),
                Frequency::Monthly => anchor0.checked_add_months(Months::new(step)),
            };
            let Some(anchor) = anchor else { break };
            if last_day.is_some_and(|l| anchor > l) {
                break;
            }
            for day in self.dates_in_period(anchor, first) {
                if day < first {
                    continue;
                }
                if day == first {
                    matched_start = true;
                }
                if !matched_start {
                    return Err(invalid(
                        "the first appointment does not fall on a day the rule selects",
                    ));
                }
                let at = day.and_time(time);
                if let End::Until(u) = self.end {
                    if at > u {
                        return Ok(out);
                    }
                }
                if last_day.is_some_and(|l| day > l) {
                    return Ok(out);
                }
                counted += 1;
                if !exdates.contains(&day) {
                    out.push(at);
                }
                if let End::Count(n) = self.end {
                    if counted >= n {
                        return Ok(out);
                    }
                }
                if out.len() >= 10_000 {
                    return Err(invalid("the rule gives more than 10,000 occurrences"));
                }
            }
            period += 1;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(y: i32, m: u32, day: u32, h: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, 0, 0).unwrap()
    }

    fn dates(v: &[NaiveDateTime]) -> Vec<String> {
        v.iter()
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .collect()
    }

    #[test]
    fn every_eight_weeks_keeps_wall_time() {
        let r = Recurrence::parse("RRULE:FREQ=WEEKLY;INTERVAL=8;BYDAY=TU;COUNT=4").unwrap();
        let got = r.expand(at(2026, 1, 6, 10), &[], None).unwrap();
        assert_eq!(
            dates(&got),
            [
                "2026-01-06 10:00",
                "2026-03-03 10:00",
                "2026-04-28 10:00",
                "2026-06-23 10:00"
            ]
        );
    }

    #[test]
    fn weekly_on_several_days_until_with_exdates() {
        let r = Recurrence::parse("FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261203").unwrap();
        let got = r
            .expand(at(2026, 11, 23, 9), &[d(2026, 11, 26)], None)
            .unwrap();
        assert_eq!(
            dates(&got),
            ["2026-11-23 09:00", "2026-11-30 09:00", "2026-12-03 09:00"]
        );
    }

    #[test]
    fn monthly_last_friday_and_month_days() {
        let r = Recurrence::parse("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3").unwrap();
        assert_eq!(
            dates(&r.expand(at(2026, 1, 30, 14), &[], None).unwrap()),
            ["2026-01-30 14:00", "2026-02-27 14:00", "2026-03-27 14:00"]
        );
        // The 31st: months without one are skipped.
        let r = Recurrence::parse("FREQ=MONTHLY;COUNT=3").unwrap();
        assert_eq!(
            dates(&r.expand(at(2026, 1, 31, 14), &[], None).unwrap()),
            ["2026-01-31 14:00", "2026-03-31 14:00", "2026-05-31 14:00"]
        );
        let r = Recurrence::parse("FREQ=MONTHLY;BYMONTHDAY=1,-1;COUNT=3").unwrap();
        assert_eq!(
            dates(&r.expand(at(2026, 2, 1, 9), &[], None).unwrap()),
            ["2026-02-01 09:00", "2026-02-28 09:00", "2026-03-01 09:00"]
        );
    }

    #[test]
    fn daily_weekdays_with_a_horizon() {
        let r = Recurrence::parse("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR").unwrap();
        let got = r
            .expand(at(2026, 11, 27, 8), &[], Some(d(2026, 12, 1)))
            .unwrap();
        assert_eq!(
            dates(&got),
            ["2026-11-27 08:00", "2026-11-30 08:00", "2026-12-01 08:00"]
        );
        assert_eq!(
            r.expand(at(2026, 11, 27, 8), &[], None).unwrap_err().code(),
            "appointment.invalid_recurrence"
        );
    }

    #[test]
    fn unsupported_and_malformed_rules_are_named() {
        for (rule, says) in [
            ("FREQ=YEARLY", "FREQ is not supported"),
            ("FREQ=WEEKLY;BYSETPOS=1", "BYSETPOS"),
            ("FREQ=WEEKLY;COUNT=2;UNTIL=20270101", "COUNT and UNTIL"),
            ("FREQ=WEEKLY;BYDAY=XX", "BYDAY item is not a weekday"),
            // A multi-byte character where the weekday code belongs: once a
            // panic (a string sliced inside a character).
            ("FREQ=WEEKLY;COUNT=2;BYDAY=€", "BYDAY item is not a weekday"),
            (
                "FREQ=WEEKLY;COUNT=2;BYDAY=M€",
                "BYDAY item is not a weekday",
            ),
            ("FREQ=WEEKLY;COUNT=2;BYDAY=€MO", "ordinal"),
            ("FREQ=WEEKLY;SECRETKEY=1", "an unknown part"),
            ("FREQ=WEEKLY;BYDAY=1MO", "MONTHLY only"),
            ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
            ("INTERVAL=2", "FREQ is required"),
            ("FREQ=WEEKLY;WKST=SU", "WKST"),
        ] {
            let e = Recurrence::parse(rule).unwrap_err();
            assert_eq!(e.code(), "appointment.invalid_recurrence");
            assert!(e.to_string().contains(says), "{rule}: {e}");
            for secret in ["€", "XX", "SECRETKEY", "YEARLY"] {
                assert!(!e.to_string().contains(secret), "{rule}: {e}");
            }
        }
        // A first appointment the rule does not select.
        let r = Recurrence::parse("FREQ=WEEKLY;BYDAY=TU;COUNT=2").unwrap();
        assert!(r.expand(at(2026, 11, 23, 10), &[], None).is_err());
    }
}
