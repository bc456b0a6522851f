//! Care plans for Kotlin and Swift: changes and an immutable history,
//! consent-governed sharing, reviews, templates, coded activity, and a store
//! in an SQLite file shared with Rust and Python.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use carecoord::careplan as core;

use crate::convert;
use crate::error::CarecoordError;
use crate::time::CalendarDate;

// The plan's values are the core's own types (deriving uniffi behind the
// core's `uniffi` feature): no copy to keep in step.
pub use core::{
    Action as PlanAction, ActivityCount, ActivityRecord, Actor, CarePlan, Change as PlanChange,
    Event as PlanEvent, Goal, Period, PlanStatus, Purpose, Recipient, Review as PlanReview,
    ReviewStatus, Risk, Section, ShareBasis, ShareReason, SupportPerson,
};

fn instant(
    t: SystemTime,
    field: &'static str,
) -> Result<chrono::DateTime<chrono::Utc>, CarecoordError> {
    Ok(convert::instant(t, field)?)
}

fn sections(items: &[core::Section]) -> Vec<Section> {
    items.to_vec()
}

/// Whether a share is allowed, on what basis, and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShareDecision {
    /// Allowed or not.
    pub allowed: bool,
    /// Why.
    pub reason: ShareReason,
    /// The reason in plain words.
    pub message: String,
    /// The basis, when allowed.
    pub basis: Option<ShareBasis>,
    /// The consent relied on.
    pub consent: Option<String>,
    /// Sections that may be shared.
    pub sections: Vec<Section>,
}

impl From<core::ShareDecision> for ShareDecision {
    fn from(d: core::ShareDecision) -> Self {
        Self {
            allowed: d.allowed,
            message: d.reason.message().to_owned(),
            reason: d.reason,
            basis: d.basis,
            consent: d.consent,
            sections: sections(&d.sections),
        }
    }
}

/// The minimum-necessary view of a plan for one recipient: sections not
/// shared are null.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanView {
    /// Plan id.
    pub plan_id: String,
    /// The plan version whose event records this disclosure.
    pub disclosure_version: u64,
    /// Plan status.
    pub status: PlanStatus,
    /// Who it is for.
    pub recipient: Recipient,
    /// Why.
    pub purpose: Purpose,
    /// On what basis.
    pub basis: ShareBasis,
    /// The sections present.
    pub sections: Vec<Section>,
    /// What matters.
    pub what_matters: Option<Vec<core::Text>>,
    /// Strengths.
    pub strengths: Option<Vec<core::Text>>,
    /// Support network.
    pub support_network: Option<Vec<SupportPerson>>,
    /// Goals.
    pub goals: Option<Vec<Goal>>,
    /// Actions (a service sees only its own).
    pub actions: Option<Vec<PlanAction>>,
    /// Risks.
    pub risks: Option<Vec<Risk>>,
    /// What to do if things get worse.
    pub contingency: Option<Vec<core::Text>>,
    /// Reviews.
    pub reviews: Option<Vec<PlanReview>>,
    /// Next review date.
    pub next_review: Option<CalendarDate>,
    /// The view in plain language (Markdown): free text, so it prints as
    /// `FreeText(***)`.
    pub markdown: core::Text,
}

fn list<T, U: From<T>>(items: Option<Vec<T>>) -> Option<Vec<U>> {
    items.map(|v| v.into_iter().map(Into::into).collect())
}

impl From<core::PlanView> for PlanView {
    fn from(v: core::PlanView) -> Self {
        let markdown = core::Text::new(v.to_markdown());
        Self {
            plan_id: v.plan_id,
            disclosure_version: v.disclosure_version,
            status: v.status,
            recipient: v.recipient,
            purpose: v.purpose,
            basis: v.basis,
            sections: sections(&v.sections),
            what_matters: v.what_matters,
            strengths: v.strengths,
            support_network: list(v.support_network),
            goals: list(v.goals),
            actions: list(v.actions),
            risks: list(v.risks),
            contingency: v.contingency,
            reviews: list(v.reviews),
            next_review: v.next_review.map(Into::into),
            markdown,
        }
    }
}

/// A built-in template.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TemplateInfo {
    /// Key, e.g. `frailty`.
    pub key: String,
    /// Title.
    pub title: String,
    /// Suggested goals.
    pub goals: Vec<String>,
    /// Suggested actions.
    pub actions: Vec<String>,
    /// Review every N weeks.
    pub review_weeks: u32,
}

fn command(
    change: PlanChange,
    version: u64,
    actor: Actor,
    at: SystemTime,
    reason: Option<String>,
) -> Result<core::Command, CarecoordError> {
    Ok(core::Command {
        expected_version: version,
        actor,
        at: instant(at, "at")?,
        reason: reason.map(core::Text::new),
        change,
    })
}

/// A plan's immutable history and the plan it folds to. Safe to share
/// between threads.
#[derive(Debug, uniffi::Object)]
pub struct PlanHistory(Mutex<core::PlanHistory>);

impl PlanHistory {
    fn with<T>(&self, f: impl FnOnce(&mut core::PlanHistory) -> T) -> T {
        f(&mut crate::locked(&self.0))
    }

    fn wrap(history: core::PlanHistory) -> Arc<Self> {
        Arc::new(Self(Mutex::new(history)))
    }

    fn plan_or_err(&self) -> Result<core::CarePlan, CarecoordError> {
        self.with(|h| {
            h.plan().cloned().ok_or_else(|| {
                carecoord::Error::from(core::CarePlanError {
                    kind: core::CarePlanErrorKind::UnknownPlan,
                    plan: Some(h.id().to_owned()),
                })
                .into()
            })
        })
    }
}

#[uniffi::export]
impl PlanHistory {
    /// An empty history for a plan not yet created.
    #[uniffi::constructor]
    pub fn new(plan_id: String) -> Result<Arc<Self>, CarecoordError> {
        Ok(Self::wrap(
            core::PlanHistory::new(&plan_id).map_err(carecoord::Error::from)?,
        ))
    }

    /// Reads a history written by `toJson`, replaying and checking every event.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, CarecoordError> {
        Ok(Self::wrap(
            core::PlanHistory::from_json(&text).map_err(carecoord::Error::from)?,
        ))
    }

    /// The history as versioned JSON.
    pub fn to_json(&self) -> Result<String, CarecoordError> {
        Ok(self.with(|h| h.to_json()).map_err(carecoord::Error::from)?)
    }

    /// The plan's id.
    pub fn id(&self) -> String {
        self.with(|h| h.id().to_owned())
    }

    /// The plan's version (0 before it is created).
    pub fn version(&self) -> u64 {
        self.with(|h| h.version())
    }

    /// The plan now, or null before it is created.
    pub fn plan(&self) -> Option<CarePlan> {
        self.with(|h| h.plan().cloned())
    }

    /// Every event, oldest first.
    pub fn events(&self) -> Vec<PlanEvent> {
        self.with(|h| h.events().to_vec())
    }

    /// The plan as it was at `version`.
    pub fn plan_at(&self, version: u64) -> Option<CarePlan> {
        self.with(|h| h.plan_at(version))
    }

    /// Checks a change and returns the event it would append, appending
    /// nothing (to show a coordinator what a change will record).
    #[uniffi::method(default(reason))]
    pub fn decide(
        &self,
        change: PlanChange,
        version: u64,
        actor: Actor,
        at: SystemTime,
        reason: Option<String>,
    ) -> Result<PlanEvent, CarecoordError> {
        let command = command(change, version, actor, at, reason)?;
        Ok(self.with(|h| h.decide(&command))?)
    }

    /// Checks a change made on `version`, appends its event and returns the
    /// plan after it. Throws `StaleVersion` if the plan has moved on, and
    /// nothing changes on any error.
    #[uniffi::method(default(reason))]
    pub fn execute(
        &self,
        change: PlanChange,
        version: u64,
        actor: Actor,
        at: SystemTime,
        reason: Option<String>,
    ) -> Result<CarePlan, CarecoordError> {
        let command = command(change, version, actor, at, reason)?;
        self.with(|h| h.execute(command).cloned())
            .map_err(|e| carecoord::Error::from(e).into())
    }

    /// May the plan go to `recipient` for `purpose` at `at`? With the reason.
    pub fn can_share(
        &self,
        recipient: Recipient,
        purpose: Purpose,
        at: SystemTime,
    ) -> Result<ShareDecision, CarecoordError> {
        let plan = self.plan_or_err()?;
        let at = instant(at, "at")?;
        Ok(core::can_share(&plan, &recipient, purpose, at).into())
    }

    /// Shares the plan: decides, records the disclosure as the next event
    /// and returns the minimum-necessary view it records, in one step.
    /// Throws `ShareDenied` (nothing recorded) when sharing is not allowed;
    /// sharing for safeguarding without consent needs `reason`.
    #[uniffi::method(default(reason))]
    pub fn share(
        &self,
        recipient: Recipient,
        purpose: Purpose,
        version: u64,
        actor: Actor,
        at: SystemTime,
        reason: Option<String>,
    ) -> Result<PlanView, CarecoordError> {
        let command = command(
            PlanChange::Share { recipient, purpose },
            version,
            actor,
            at,
            reason,
        )?;
        self.with(|h| h.share(command).map(Into::into))
            .map_err(|e| carecoord::Error::from(e).into())
    }

    /// The person's own plan in plain language (Markdown).
    pub fn person_summary(&self) -> Result<String, CarecoordError> {
        let plan = self.plan_or_err()?;
        Ok(core::person_summary(&plan).map_err(carecoord::Error::from)?)
    }

    /// Where the plan stands on its review at `at`.
    pub fn review_status(
        &self,
        at: SystemTime,
        soon_working_days: u32,
    ) -> Result<ReviewStatus, CarecoordError> {
        let plan = self.plan_or_err()?;
        let at = instant(at, "at")?;
        Ok(core::review_status(&plan, at, soon_working_days).map_err(carecoord::Error::from)?)
    }

    /// Every coded intervention in the history.
    pub fn activity(&self) -> Vec<ActivityRecord> {
        self.with(|h| core::activity(h).into_iter().collect())
    }
}

/// Where plan histories are kept: in memory, or in an SQLite file that Rust,
/// Python and other devices can read. Appends are atomic with a version
/// check, so no update is lost. Safe to share between threads.
#[derive(uniffi::Object)]
pub struct PlanStore(Box<dyn core::PlanStore>);

impl std::fmt::Debug for PlanStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlanStore")
    }
}

#[uniffi::export]
impl PlanStore {
    /// A store in memory.
    #[uniffi::constructor]
    pub fn memory() -> Arc<Self> {
        Arc::new(Self(Box::new(core::MemoryStore::new())))
    }

    /// Opens (or creates) a store in the SQLite file at `path`.
    #[uniffi::constructor]
    pub fn sqlite(path: String) -> Result<Arc<Self>, CarecoordError> {
        let store = core::SqliteStore::open(PathBuf::from(path)).map_err(carecoord::Error::from)?;
        Ok(Arc::new(Self(Box::new(store))))
    }

    /// The history of one plan.
    pub fn load(&self, plan_id: String) -> Result<Arc<PlanHistory>, CarecoordError> {
        Ok(PlanHistory::wrap(
            self.0.load(&plan_id).map_err(carecoord::Error::from)?,
        ))
    }

    /// Checks a change made on `version` against the stored plan and appends
    /// its event atomically; throws `StaleVersion` (nothing written) if the
    /// plan has moved on.
    #[uniffi::method(default(reason))]
    pub fn execute(
        &self,
        plan_id: String,
        change: PlanChange,
        version: u64,
        actor: Actor,
        at: SystemTime,
        reason: Option<String>,
    ) -> Result<PlanEvent, CarecoordError> {
        let command = command(change, version, actor, at, reason)?;
        Ok(self
            .0
            .execute(&plan_id, &command)
            .map_err(carecoord::Error::from)?)
    }

    /// Shares a stored plan: decides, appends the disclosure event and
    /// returns the view it records, all or nothing; throws `ShareDenied` or
    /// `StaleVersion` with nothing written.
    #[uniffi::method(default(reason))]
    #[expect(
        clippy::too_many_arguments,
        reason = "mirrors execute: the plan, the share and the command's fields"
    )]
    pub fn share(
        &self,
        plan_id: String,
        recipient: Recipient,
        purpose: Purpose,
        version: u64,
        actor: Actor,
        at: SystemTime,
        reason: Option<String>,
    ) -> Result<PlanView, CarecoordError> {
        let command = command(
            PlanChange::Share { recipient, purpose },
            version,
            actor,
            at,
            reason,
        )?;
        Ok(self
            .0
            .share(&plan_id, &command)
            .map_err(carecoord::Error::from)?
            .into())
    }

    /// Stores a new plan's whole history (e.g. a template preview).
    pub fn create(&self, history: Arc<PlanHistory>) -> Result<u64, CarecoordError> {
        let history = history.with(|h| h.clone());
        Ok(self.0.create(&history).map_err(carecoord::Error::from)?)
    }

    /// The ids of every plan.
    pub fn plan_ids(&self) -> Result<Vec<String>, CarecoordError> {
        Ok(self.0.plan_ids().map_err(carecoord::Error::from)?)
    }

    /// Every plan as it is now.
    pub fn plans(&self) -> Result<Vec<CarePlan>, CarecoordError> {
        Ok(self
            .0
            .plans()
            .map_err(carecoord::Error::from)?
            .into_iter()
            .collect())
    }

    /// The reviews across the stored caseload that need attention at `at`:
    /// overdue first, then unscheduled, then due within `soonWorkingDays`.
    pub fn reviews_due(
        &self,
        at: SystemTime,
        soon_working_days: u32,
    ) -> Result<Vec<ReviewStatus>, CarecoordError> {
        let at = instant(at, "at")?;
        Ok(self
            .0
            .reviews_due(at, soon_working_days)
            .map_err(carecoord::Error::from)?
            .into_iter()
            .collect())
    }
}

/// The built-in plan templates.
#[uniffi::export]
pub fn plan_templates() -> Vec<TemplateInfo> {
    core::Template::built_in()
        .iter()
        .map(|t| TemplateInfo {
            key: t.key.to_owned(),
            title: t.title.to_owned(),
            goals: t.goals.iter().map(|g| g.description.to_owned()).collect(),
            actions: t.actions.iter().map(|a| a.what.to_owned()).collect(),
            review_weeks: t.review_weeks,
        })
        .collect()
}

/// The draft a template makes, as a history not yet stored.
#[uniffi::export]
pub fn preview_template(
    key: String,
    plan_id: String,
    patient: String,
    actor: Actor,
    at: SystemTime,
) -> Result<Arc<PlanHistory>, CarecoordError> {
    let at = instant(at, "at")?;
    let template = core::Template::get(&key).map_err(carecoord::Error::from)?;
    let history = template
        .preview(&plan_id, core::PatientRef::new(patient), actor, at)
        .map_err(carecoord::Error::from)?;
    Ok(PlanHistory::wrap(history))
}

/// Counts interventions by period, code and key.
#[uniffi::export]
pub fn aggregate_activity(records: Vec<ActivityRecord>, period: Period) -> Vec<ActivityCount> {
    core::aggregate(&records, period)
}

/// Reads a change from JSON (`{"type":"add_goal",…}`), e.g. from a queue of
/// changes made offline.
#[uniffi::export]
pub fn plan_change_from_json(text: String) -> Result<PlanChange, CarecoordError> {
    Ok(core::Change::from_json(&text).map_err(carecoord::Error::from)?)
}

/// The change as JSON.
#[uniffi::export]
pub fn plan_change_to_json(change: PlanChange) -> Result<String, CarecoordError> {
    Ok(change.to_json().map_err(carecoord::Error::from)?)
}
