//! Personalised care and support plans: "what matters to me", goals, actions
//! with owners, risks and what to do if things get worse, reviews, and
//! consent-governed sharing, with a full history.
//!
//! - **Commands and events.** Every change is a [`Command`] carrying the
//!   version it was based on, the actor's role (never a name), the time and,
//!   where needed, a reason. [`PlanHistory::execute`] checks it against the
//!   plan and appends an [`Event`]; the [`CarePlan`] is the fold of its
//!   events, so replaying a history gives the same plan byte for byte.
//! - **Lifecycle.** FHIR CarePlan statuses with enforced transitions: a plan
//!   is agreed (draft → active) only with what matters, a goal and a review
//!   schedule; completed, revoked and entered-in-error plans are closed.
//! - **Concurrency.** A [`PlanStore`] appends only if the plan is still at the
//!   version the command read ([`CarePlanErrorKind::StaleVersion`]
//!   otherwise, nothing written): no lost updates. [`MemoryStore`] and, with
//!   the `sqlite` feature, `SqliteStore`.
//! - **Sharing.** [`can_share`] decides from the person's consents, with the
//!   reason; [`PlanHistory::share`] and [`PlanStore::share`] record the
//!   disclosure and return the minimum-necessary [`PlanView`] in one step, so
//!   no view exists without its record. Safeguarding reaches the
//!   safeguarding lead without consent, only with a recorded justification.
//! - **Reviews, templates, summaries, coded activity.** [`reviews_due`] across
//!   a caseload in working days; [`Template`] drafts with a preview;
//!   [`person_summary`] and [`PlanView::to_markdown`] in plain language;
//!   [`activity`] as SNOMED CT coded records and [`aggregate`] counts.
//! - **Versioned JSON.** [`PlanHistory::to_json`], [`CarePlan::to_json`]; a
//!   document from a newer carecoord is refused with a clear error.
//!
//! Free text is held as [`Text`] and the patient as [`PatientRef`], whose
//! `Debug` output is redacted; no error message holds either.

mod activity;
mod chain;
mod command;
mod consent;
mod error;
mod history;
mod json;
mod model;
mod review;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
mod summary;
mod template;

pub use activity::{
    ActivityCount, ActivityRecord, CARE_PLAN, PATIENT_REFERRAL, Period, REVIEW_OF_CARE_PLAN,
    activity, aggregate,
};
pub use command::{Change, Command, Event};
pub use consent::{PlanView, ShareDecision, ShareReason, can_share, sections_for};
pub use error::{CarePlanError, CarePlanErrorKind};
pub use history::{CLOCK_TOLERANCE, PlanHistory};
pub use json::SCHEMA_VERSION;
pub use model::{
    Action, ActionStatus, Actor, CarePlan, Consent, ContactRole, Disclosure, Goal, GoalAchievement,
    GoalLifecycle, Owner, PatientRef, PlanStatus, Purpose, Recipient, RecipientKind, Relationship,
    Review, ReviewOutcome, ReviewSchedule, Risk, Role, Scope, Section, ShareBasis, SupportPerson,
    Text,
};
pub use review::{ReviewState, ReviewStatus, next_review, review_status, reviews_due};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use store::{MemoryStore, PlanStore};
pub use summary::person_summary;
pub use template::{Template, TemplateAction, TemplateGoal, TemplateRisk};

#[cfg(test)]
mod tests;
