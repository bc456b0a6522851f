//! Coded activity for monitoring and evaluation: each intervention in a plan's
//! history as a SNOMED CT coded record, and counts by code and period.
//!
//! Built-in codes, used only where the concept is certain:
//!
//! | intervention | key | SNOMED CT |
//! |---|---|---|
//! | plan agreed (draft → active) | `plan_agreed` | 734163000 \|Care plan (record artifact)\| |
//! | plan reviewed | `plan_reviewed` | 425268008 \|Review of care plan (procedure)\| |
//! | referral made | `referral_made` | the referral's own code, else 3457005 \|Patient referral (procedure)\| |
//!
//! Anything else (a carer contacted, a welfare call) is recorded with
//! [`Change::RecordActivity`] and the code the practice uses.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::command::Change;
use super::history::PlanHistory;
use super::model::{PlanStatus, Role, vocabulary};
use crate::time::london_date;

/// 734163000 |Care plan (record artifact)|.
pub const CARE_PLAN: &str = "734163000";
/// 425268008 |Review of care plan (procedure)|.
pub const REVIEW_OF_CARE_PLAN: &str = "425268008";
/// 3457005 |Patient referral (procedure)|.
pub const PATIENT_REFERRAL: &str = "3457005";

/// One coded intervention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ActivityRecord {
    /// The plan's id.
    pub plan_id: String,
    /// The plan version the event made.
    pub version: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// The Europe/London date.
    pub date: NaiveDate,
    /// The intervention's stable word, e.g. `plan_reviewed`.
    pub key: String,
    /// Its SNOMED CT concept id.
    pub code: String,
    /// Who did it (a role).
    pub actor: Role,
}

/// Every coded intervention in a plan's history, oldest first.
pub fn activity(history: &PlanHistory) -> Vec<ActivityRecord> {
    let mut records = Vec::new();
    let mut status = PlanStatus::Draft;
    for event in history.events() {
        let coded: Option<(&str, &str)> = match &event.change {
            Change::ChangeStatus { to } => {
                let agreed = status == PlanStatus::Draft && *to == PlanStatus::Active;
                status = *to;
                agreed.then_some(("plan_agreed", CARE_PLAN))
            }
            Change::RecordReview { .. } => Some(("plan_reviewed", REVIEW_OF_CARE_PLAN)),
            Change::LinkReferral { code, .. } => {
                Some(("referral_made", code.as_deref().unwrap_or(PATIENT_REFERRAL)))
            }
            Change::RecordActivity { key, code } => Some((key.as_str(), code.as_str())),
            _ => None,
        };
        if let Some((key, code)) = coded {
            records.push(ActivityRecord {
                plan_id: history.id().to_owned(),
                version: event.version,
                at: event.at,
                date: london_date(event.at),
                key: key.to_owned(),
                code: code.to_owned(),
                actor: event.actor.role,
            });
        }
    }
    records
}

vocabulary! {
    /// A reporting period.
    Period, "period" {
        /// Monday to Sunday.
        Week = "week",
        /// A calendar month.
        Month = "month",
        /// A calendar quarter (January, April, July, October).
        Quarter = "quarter",
        /// The NHS financial year, from 1 April.
        FinancialYear = "financial_year",
    }
}

impl Period {
    /// The first day of the period holding `date`.
    pub fn start(self, date: NaiveDate) -> NaiveDate {
        let first_of = |month: u32| date.with_day(1).and_then(|d| d.with_month(month));
        let start = match self {
            Self::Week => {
                date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
            }
            Self::Month => date.with_day(1),
            Self::Quarter => first_of((date.month0() / 3) * 3 + 1),
            Self::FinancialYear => {
                let year = if date.month() >= 4 {
                    date.year()
                } else {
                    date.year() - 1
                };
                NaiveDate::from_ymd_opt(year, 4, 1)
            }
        };
        // Every date has a period start; fall back to the date itself only
        // at the edge of chrono's range.
        start.unwrap_or(date)
    }
}

/// How many interventions with one code fell in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ActivityCount {
    /// The first day of the period.
    pub period_start: NaiveDate,
    /// The SNOMED CT concept id.
    pub code: String,
    /// The intervention's stable word.
    pub key: String,
    /// How many.
    pub count: u64,
}

/// Counts interventions by period, code and key, in that order.
///
/// ```
/// use carecoord::careplan::{aggregate, Period};
/// assert!(aggregate(&[], Period::Month).is_empty());
/// ```
pub fn aggregate(records: &[ActivityRecord], period: Period) -> Vec<ActivityCount> {
    let mut counts: BTreeMap<(NaiveDate, &str, &str), u64> = BTreeMap::new();
    for record in records {
        *counts
            .entry((period.start(record.date), &record.code, &record.key))
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((period_start, code, key), count)| ActivityCount {
            period_start,
            code: code.to_owned(),
            key: key.to_owned(),
            count,
        })
        .collect()
}
