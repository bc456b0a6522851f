//! Where plan histories are kept.
//!
//! A [`PlanStore`] appends events with an atomic version check: the append
//! succeeds only if the plan is still at the version the caller read, so two
//! people editing the same plan never overwrite each other; the second gets
//! [`StaleVersion`](CarePlanErrorKind::StaleVersion), reloads and decides
//! again. Every append is replayed against the stored history first, so a
//! store never holds an event its plan would refuse.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::command::{Change, Command, Event};
use super::consent::PlanView;
use super::error::{CarePlanError, CarePlanErrorKind};
use super::history::{PlanHistory, check_id};
use super::model::CarePlan;
use super::review::{ReviewStatus, reviews_due};

/// A store of plan histories. Implementations are safe to share between
/// threads.
pub trait PlanStore: Send + Sync {
    /// The history of one plan, or [`UnknownPlan`](CarePlanErrorKind::UnknownPlan).
    fn load(&self, plan_id: &str) -> Result<PlanHistory, CarePlanError>;

    /// Appends `events` to a plan if it is still at `expected_version` (0: the
    /// plan must not exist yet), all or nothing; returns the new version.
    fn append(
        &self,
        plan_id: &str,
        expected_version: u64,
        events: &[Event],
    ) -> Result<u64, CarePlanError>;

    /// The ids of every plan, in order.
    fn plan_ids(&self) -> Result<Vec<String>, CarePlanError>;

    /// Checks a command against the stored plan and appends its event.
    /// Returns the event appended.
    ///
    /// ```
    /// use carecoord::careplan::{Actor, Change, Command, MemoryStore, PatientRef, PlanStore, Role};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let store = MemoryStore::new();
    /// let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    /// let me = Actor::new(Role::CareCoordinator);
    /// let create = Change::Create { patient: PatientRef::new("local-1"), template: None };
    /// store.execute("plan-1", &Command::new(0, me.clone(), at, create.clone()))?;
    ///
    /// // A second writer who read version 0 is refused; nothing is written.
    /// let err = store.execute("plan-1", &Command::new(0, me, at, create)).unwrap_err();
    /// assert_eq!(err.code(), "careplan.stale_version");
    /// assert_eq!(store.load("plan-1")?.version(), 1);
    /// # Ok::<(), carecoord::careplan::CarePlanError>(())
    /// ```
    fn execute(&self, plan_id: &str, command: &Command) -> Result<Event, CarePlanError> {
        let history = match self.load(plan_id) {
            Ok(history) => history,
            Err(e)
                if e.kind == CarePlanErrorKind::UnknownPlan
                    && matches!(command.change, Change::Create { .. }) =>
            {
                PlanHistory::new(plan_id)?
            }
            Err(e) => return Err(e),
        };
        let event = history.decide(command)?;
        self.append(
            plan_id,
            command.expected_version,
            std::slice::from_ref(&event),
        )?;
        Ok(event)
    }

    /// Shares a stored plan: decides a [`Change::Share`] command, appends
    /// the disclosure event and returns the view it records, all or nothing
    /// (see [`PlanHistory::share`]). A stale version shares nothing.
    fn share(&self, plan_id: &str, command: &Command) -> Result<PlanView, CarePlanError> {
        let history = self.load(plan_id)?;
        let event = history.decide_share(command)?;
        let view = history.view_for(&event)?;
        self.append(
            plan_id,
            command.expected_version,
            std::slice::from_ref(&event),
        )?;
        Ok(view)
    }

    /// Stores a new plan's whole history (e.g. an accepted template preview).
    fn create(&self, history: &PlanHistory) -> Result<u64, CarePlanError> {
        self.append(history.id(), 0, history.events())
    }

    /// The reviews across every stored plan that need attention at `at`
    /// (see [`reviews_due`](super::reviews_due)).
    fn reviews_due(
        &self,
        at: DateTime<Utc>,
        soon_working_days: u32,
    ) -> Result<Vec<ReviewStatus>, CarePlanError> {
        reviews_due(&self.plans()?, at, soon_working_days)
    }

    /// Every plan as it is now, in id order.
    fn plans(&self) -> Result<Vec<CarePlan>, CarePlanError> {
        let mut plans = Vec::new();
        for id in self.plan_ids()? {
            if let Some(plan) = self.load(&id)?.plan() {
                plans.push(plan.clone());
            }
        }
        Ok(plans)
    }
}

/// Checks an append against the current history and returns the history
/// after it (not yet stored).
pub(crate) fn checked_append(
    plan_id: &str,
    current: Option<&PlanHistory>,
    expected_version: u64,
    events: &[Event],
) -> Result<PlanHistory, CarePlanError> {
    check_id(plan_id, "plan_id").map_err(|e| e.with_plan(plan_id))?;
    let actual = current.map_or(0, PlanHistory::version);
    if expected_version == 0 && current.is_some() {
        return Err(CarePlanError::in_plan(
            CarePlanErrorKind::PlanExists,
            plan_id,
        ));
    }
    if expected_version != actual {
        return Err(CarePlanError::in_plan(
            CarePlanErrorKind::StaleVersion {
                expected: expected_version,
                actual,
            },
            plan_id,
        ));
    }
    let mut next = match current {
        Some(history) => history.clone(),
        None => PlanHistory::new(plan_id)?,
    };
    for event in events {
        next.push(event.clone())?;
    }
    Ok(next)
}

/// A store in memory: for tests, previews and apps that keep plans
/// elsewhere.
#[derive(Debug, Default)]
pub struct MemoryStore {
    plans: Mutex<BTreeMap<String, PlanHistory>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, BTreeMap<String, PlanHistory>>, CarePlanError> {
        self.plans.lock().map_err(|_| {
            CarePlanError::new(CarePlanErrorKind::Storage {
                detail: "the store's lock was poisoned by a failed writer".to_owned(),
            })
        })
    }
}

impl PlanStore for MemoryStore {
    fn load(&self, plan_id: &str) -> Result<PlanHistory, CarePlanError> {
        self.lock()?
            .get(plan_id)
            .cloned()
            .ok_or_else(|| CarePlanError::in_plan(CarePlanErrorKind::UnknownPlan, plan_id))
    }

    fn append(
        &self,
        plan_id: &str,
        expected_version: u64,
        events: &[Event],
    ) -> Result<u64, CarePlanError> {
        let mut plans = self.lock()?;
        let next = checked_append(plan_id, plans.get(plan_id), expected_version, events)?;
        let version = next.version();
        plans.insert(plan_id.to_owned(), next);
        Ok(version)
    }

    fn plan_ids(&self) -> Result<Vec<String>, CarePlanError> {
        Ok(self.lock()?.keys().cloned().collect())
    }

    /// Decides and appends under one lock, in place: no copy of the history.
    fn execute(&self, plan_id: &str, command: &Command) -> Result<Event, CarePlanError> {
        let mut plans = self.lock()?;
        match plans.get_mut(plan_id) {
            Some(history) => {
                let event = history.decide(command)?;
                // `push` checks again and changes nothing if it fails.
                history.push(event.clone())?;
                Ok(event)
            }
            None if matches!(command.change, Change::Create { .. }) => {
                let mut history = PlanHistory::new(plan_id)?;
                let event = history.decide(command)?;
                history.push(event.clone())?;
                plans.insert(plan_id.to_owned(), history);
                Ok(event)
            }
            None => Err(CarePlanError::in_plan(
                CarePlanErrorKind::UnknownPlan,
                plan_id,
            )),
        }
    }
}
