//! When plans are reviewed, and which reviews across a caseload are overdue,
//! due soon, or missing altogether.
//!
//! Dates are Europe/London dates; a review that falls on a weekend or an
//! England and Wales bank holiday moves to the next working day, and "due
//! soon" and "days overdue" count working days.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::error::{CarePlanError, CarePlanErrorKind};
use super::model::{CarePlan, PlanStatus, ReviewSchedule, vocabulary};
use crate::time::{WorkingCalendar, london_date};

fn out_of_range() -> CarePlanError {
    CarePlanError::new(CarePlanErrorKind::InvalidValue {
        field: "review_schedule",
        expected: "must fall between 1995 and 2100",
    })
}

/// The date the plan is next reviewed, or `None` when it is not in force
/// (draft or closed) or has no review scheduled.
///
/// Every N weeks counts from the last review, or from the day the plan was
/// agreed, and moves to the next working day. A set date counts until a
/// review is held on or after it; then the plan needs a new schedule.
pub fn next_review(plan: &CarePlan) -> Result<Option<NaiveDate>, CarePlanError> {
    if !matches!(plan.status, PlanStatus::Active | PlanStatus::OnHold) {
        return Ok(None);
    }
    let last = plan.last_review().map(|r| r.date);
    match plan.review_schedule {
        None => Ok(None),
        Some(ReviewSchedule::On(date)) => Ok(match last {
            Some(held) if held >= date => None,
            _ => Some(date),
        }),
        Some(ReviewSchedule::EveryWeeks(weeks)) => {
            let base = last.unwrap_or_else(|| london_date(plan.agreed.unwrap_or(plan.created)));
            let due = base
                .checked_add_days(Days::new(u64::from(weeks) * 7))
                .ok_or_else(out_of_range)?;
            WorkingCalendar::england_and_wales()
                .add_working_days(due, 0)
                .map(Some)
                .map_err(|_| out_of_range())
        }
    }
}

vocabulary! {
    /// Where a plan stands on its review.
    ReviewState, "review_state" {
        /// The review date has passed.
        Overdue = "overdue",
        /// The plan is in force but no review is scheduled.
        Unscheduled = "unscheduled",
        /// Due within the window asked for.
        DueSoon = "due_soon",
        /// Scheduled, not yet due soon.
        Scheduled = "scheduled",
        /// Not in force (draft or closed): no review needed.
        NotApplicable = "not_applicable",
        /// The review date cannot be worked out: it falls outside the
        /// supported calendar (1995–2100). Only [`reviews_due`] reports it,
        /// so that one damaged plan never hides the rest of a caseload.
        OutOfRange = "out_of_range",
    }
}

/// A plan's review position on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReviewStatus {
    /// The plan's id.
    pub plan_id: String,
    /// Where it stands.
    pub state: ReviewState,
    /// The next review date, if one is scheduled.
    pub due: Option<NaiveDate>,
    /// Working days past the due date (0 unless overdue).
    pub working_days_overdue: i64,
}

/// Where `plan` stands on its review at `at`, with "due soon" meaning within
/// `soon_working_days` working days.
pub fn review_status(
    plan: &CarePlan,
    at: DateTime<Utc>,
    soon_working_days: u32,
) -> Result<ReviewStatus, CarePlanError> {
    let today = london_date(at);
    let due = next_review(plan)?;
    let calendar = WorkingCalendar::england_and_wales();
    let (state, overdue) = match due {
        _ if !matches!(plan.status, PlanStatus::Active | PlanStatus::OnHold) => {
            (ReviewState::NotApplicable, 0)
        }
        None => (ReviewState::Unscheduled, 0),
        Some(due) if due < today => {
            let days = calendar
                .working_days_between(due, today)
                .map_err(|_| out_of_range())?;
            (ReviewState::Overdue, days)
        }
        Some(due) => {
            let until = calendar
                .working_days_between(today, due)
                .map_err(|_| out_of_range())?;
            if until <= i64::from(soon_working_days) {
                (ReviewState::DueSoon, 0)
            } else {
                (ReviewState::Scheduled, 0)
            }
        }
    };
    Ok(ReviewStatus {
        plan_id: plan.id.clone(),
        state,
        due,
        working_days_overdue: overdue,
    })
}

/// The reviews across a caseload that need attention at `at`: overdue
/// (longest overdue first), then plans whose review date cannot be worked
/// out ([`ReviewState::OutOfRange`]: a plan to check by hand, never an error
/// that hides the others), then plans in force with no review scheduled,
/// then those due within `soon_working_days` (soonest first). Plans not in
/// force and reviews not yet due soon are left out. Only an `at` outside the
/// supported calendar fails the whole call.
///
/// ```
/// # use carecoord::careplan::{reviews_due, ReviewState};
/// # use chrono::{TimeZone, Utc};
/// let due = reviews_due(&[], Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(), 5)?;
/// assert!(due.is_empty());
/// # Ok::<(), carecoord::careplan::CarePlanError>(())
/// ```
pub fn reviews_due<'a>(
    plans: impl IntoIterator<Item = &'a CarePlan>,
    at: DateTime<Utc>,
    soon_working_days: u32,
) -> Result<Vec<ReviewStatus>, CarePlanError> {
    let today = london_date(at);
    WorkingCalendar::england_and_wales()
        .add_working_days(today, 0)
        .map_err(|_| {
            CarePlanError::new(CarePlanErrorKind::InvalidValue {
                field: "at",
                expected: "must fall between 1995 and 2100",
            })
        })?;
    let mut due = Vec::new();
    for plan in plans {
        // `at` is in range, so an error here is this plan's alone.
        let status = review_status(plan, at, soon_working_days).unwrap_or_else(|_| ReviewStatus {
            plan_id: plan.id.clone(),
            state: ReviewState::OutOfRange,
            due: None,
            working_days_overdue: 0,
        });
        if matches!(
            status.state,
            ReviewState::Overdue
                | ReviewState::OutOfRange
                | ReviewState::Unscheduled
                | ReviewState::DueSoon
        ) {
            due.push(status);
        }
    }
    due.sort_by(|a, b| {
        let rank = |s: &ReviewStatus| match s.state {
            ReviewState::Overdue => 0,
            ReviewState::OutOfRange => 1,
            ReviewState::Unscheduled => 2,
            _ => 3,
        };
        rank(a)
            .cmp(&rank(b))
            .then(b.working_days_overdue.cmp(&a.working_days_overdue))
            .then(a.due.cmp(&b.due))
            .then(a.plan_id.cmp(&b.plan_id))
    });
    Ok(due)
}
