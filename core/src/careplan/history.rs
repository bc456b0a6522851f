//! A plan's history: commands are checked against the plan (`decide`), the
//! event they produce is appended, and the plan is the fold of its events
//! (`apply`). Replaying a history re-checks every event, so a damaged or
//! hand-edited history is refused rather than folded into a wrong plan.

use chrono::{DateTime, Utc};

use super::command::{Change, Command, Event};
use super::consent::{PlanView, can_share, view_of};
use super::error::{CarePlanError, CarePlanErrorKind as K, shown_id};
use super::model::{
    Action, ActionStatus, CarePlan, Consent, Disclosure, Goal, GoalLifecycle, PatientRef,
    PlanStatus, RecipientKind, Review, ReviewSchedule, Risk, Scope, ShareBasis, SupportPerson,
    Text,
};
use crate::time::london_date;

/// How far a command's time may fall before the plan's last change. Devices'
/// clocks differ: one phone running a few minutes fast must not freeze a plan
/// for everyone with a correct clock. Beyond this, a command is taken to be
/// based on a stale picture of the plan and is refused.
pub const CLOCK_TOLERANCE: chrono::Duration = chrono::Duration::minutes(15);

/// Changes that protect the person are never refused for their time: a
/// withdrawal of consent, and a share with the safeguarding lead for
/// safeguarding.
fn never_blocked_by_time(change: &Change) -> bool {
    match change {
        Change::WithdrawConsent { .. } => true,
        Change::Share { recipient, purpose } => {
            recipient.kind == RecipientKind::SafeguardingLead
                && *purpose == super::model::Purpose::Safeguarding
        }
        _ => false,
    }
}

/// The longest review interval a schedule may set.
const MAX_REVIEW_WEEKS: u32 = 104;

/// A plan's immutable history and the plan it folds to.
///
/// ```
/// use carecoord::careplan::{Actor, Change, Command, PatientRef, PlanHistory, Role, Text};
/// use chrono::{TimeZone, Utc};
///
/// let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
/// let me = Actor::new(Role::CareCoordinator);
/// let mut history = PlanHistory::new("plan-1")?;
/// history.execute(Command::new(0, me.clone(), at, Change::Create {
///     patient: PatientRef::new("local-42"),
///     template: None,
/// }))?;
/// let plan = history.execute(Command::new(1, me, at, Change::AddGoal {
///     id: None,
///     description: Text::new("Walk to the corner shop again"),
///     target: None,
/// }))?;
/// assert_eq!(plan.version, 2);
/// assert_eq!(plan.goals[0].id, "goal-1");
///
/// // Replaying the events gives the same plan.
/// let replayed = PlanHistory::from_events("plan-1", history.events().to_vec())?;
/// assert_eq!(replayed.plan(), history.plan());
/// # Ok::<(), carecoord::careplan::CarePlanError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanHistory {
    id: String,
    events: Vec<Event>,
    plan: Option<CarePlan>,
}

impl PlanHistory {
    /// An empty history for a plan not yet created.
    pub fn new(plan_id: &str) -> Result<Self, CarePlanError> {
        check_id(plan_id, "plan_id")?;
        Ok(Self {
            id: plan_id.to_owned(),
            events: Vec::new(),
            plan: None,
        })
    }

    /// Rebuilds a history from stored events, checking each one as if it
    /// were made again. A history that does not replay is
    /// [`CorruptRecord`](K::CorruptRecord).
    pub fn from_events(plan_id: &str, events: Vec<Event>) -> Result<Self, CarePlanError> {
        let mut history = Self::new(plan_id)?;
        for event in events {
            history.push(event)?;
        }
        Ok(history)
    }

    /// The plan's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The plan now, or `None` before it is created.
    pub fn plan(&self) -> Option<&CarePlan> {
        self.plan.as_ref()
    }

    /// The plan's version (0 before it is created).
    pub fn version(&self) -> u64 {
        self.plan.as_ref().map_or(0, |p| p.version)
    }

    /// Every event, oldest first.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The head of the hash chain over the events (64 hex digits; empty
    /// before the plan is created). Two histories with the same head hold
    /// the same events; keep it beside a copy to notice any later edit.
    pub fn head(&self) -> Result<String, CarePlanError> {
        super::chain::head(&self.id, &self.events)
    }

    /// The plan as it was at `version` (after that many events), for looking
    /// back through its history.
    pub fn plan_at(&self, version: u64) -> Option<CarePlan> {
        let mut plan = None;
        for event in self.events.iter().take_while(|e| e.version <= version) {
            plan = Some(apply(plan, event, &self.id));
        }
        plan
    }

    /// Checks a command against the plan and returns the event it would
    /// append, without appending it.
    pub fn decide(&self, command: &Command) -> Result<Event, CarePlanError> {
        decide(self.plan.as_ref(), command).map_err(|e| e.with_plan(&self.id))
    }

    /// Checks a command, appends its event and returns the plan after it.
    /// On an error nothing changes.
    ///
    /// ```
    /// use carecoord::careplan::{Actor, Change, Command, PatientRef, PlanHistory, Role};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    /// let me = Actor::new(Role::CareCoordinator);
    /// let mut history = PlanHistory::new("plan-1")?;
    /// let create = Change::Create { patient: PatientRef::new("local-42"), template: None };
    /// history.execute(Command::new(0, me.clone(), at, create.clone()))?;
    /// // A command made on an old version is refused and changes nothing.
    /// let stale = history.execute(Command::new(0, me, at, create)).unwrap_err();
    /// assert_eq!(stale.code(), "careplan.stale_version");
    /// assert_eq!(history.version(), 1);
    /// # Ok::<(), carecoord::careplan::CarePlanError>(())
    /// ```
    pub fn execute(&mut self, command: Command) -> Result<&CarePlan, CarePlanError> {
        let event = self.decide(&command)?;
        self.push(event)?;
        self.plan
            .as_ref()
            .ok_or_else(|| CarePlanError::in_plan(K::UnknownPlan, &self.id))
    }

    /// Shares the plan: decides a [`Change::Share`] command, records the
    /// disclosure as an event and returns the minimum-necessary view that it
    /// records, in one step, so no plan data leaves without its record.
    /// Refused shares are [`ShareDenied`](K::ShareDenied) and change nothing;
    /// sharing for safeguarding without consent needs the command's reason
    /// (the justification).
    ///
    /// ```
    /// use carecoord::careplan::{Actor, Change, Command, PatientRef, PlanHistory, Purpose,
    ///     Recipient, RecipientKind, Role};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    /// let me = Actor::new(Role::CareCoordinator);
    /// let mut history = PlanHistory::new("plan-1")?;
    /// history.execute(Command::new(0, me.clone(), at, Change::Create {
    ///     patient: PatientRef::new("local-42"),
    ///     template: None,
    /// }))?;
    /// let lead = Recipient::new(RecipientKind::SafeguardingLead, "sg-lead");
    /// let share = Change::Share { recipient: lead, purpose: Purpose::Safeguarding };
    ///
    /// // Without a justification nothing is shared or recorded.
    /// let err = history.share(Command::new(1, me.clone(), at, share.clone())).unwrap_err();
    /// assert_eq!(err.code(), "careplan.reason_required");
    ///
    /// let view = history.share(Command::new(1, me, at, share).because("bruising seen at visit"))?;
    /// assert_eq!(view.disclosure_version, 2);
    /// assert_eq!(history.plan().unwrap().disclosures.len(), 1);
    /// # Ok::<(), carecoord::careplan::CarePlanError>(())
    /// ```
    pub fn share(&mut self, command: Command) -> Result<PlanView, CarePlanError> {
        let event = self.decide_share(&command)?;
        let view = self.view_for(&event)?;
        self.push(event)?;
        Ok(view)
    }

    /// Decides a command that must be a share.
    pub(crate) fn decide_share(&self, command: &Command) -> Result<Event, CarePlanError> {
        if !matches!(command.change, Change::Share { .. }) {
            return Err(invalid("change", "must be a share").with_plan(&self.id));
        }
        self.decide(command)
    }

    /// The view a decided share event releases, built from the plan it was
    /// decided on.
    pub(crate) fn view_for(&self, event: &Event) -> Result<PlanView, CarePlanError> {
        match (self.plan.as_ref(), event.disclosure.as_ref()) {
            (Some(plan), Some(disclosure)) => view_of(plan, disclosure, event.version),
            _ => Err(invalid("change", "must be a share").with_plan(&self.id)),
        }
    }

    /// Appends an event made elsewhere (read from a store), checking it.
    pub(crate) fn push(&mut self, event: Event) -> Result<(), CarePlanError> {
        let command = Command {
            expected_version: event.version.saturating_sub(1),
            actor: event.actor.clone(),
            at: event.at,
            reason: event.reason.clone(),
            change: event.change.clone(),
        };
        let damaged = |detail: String| {
            CarePlanError::in_plan(
                K::CorruptRecord {
                    what: "plan history",
                    detail,
                },
                &self.id,
            )
        };
        if event.version != self.version() + 1 {
            return Err(damaged(format!(
                "event version {} follows version {}",
                event.version,
                self.version()
            )));
        }
        let decided = decide_with(self.plan.as_ref(), &command, event.disclosure.as_ref())
            .map_err(|e| {
                damaged(format!(
                    "event {} cannot be applied ({})",
                    event.version,
                    e.code()
                ))
            })?;
        if decided != event {
            return Err(damaged(format!(
                "event {} does not match what its change makes",
                event.version
            )));
        }
        self.plan = Some(apply(self.plan.take(), &event, &self.id));
        self.events.push(event);
        Ok(())
    }
}

/// Whether `id` is a plain identifier: 1–64 ASCII letters, digits or `-_.:`.
pub(crate) fn is_plain_id(id: &str) -> bool {
    crate::diag::is_id_shaped(id)
}

pub(crate) fn check_id(id: &str, field: &'static str) -> Result<(), CarePlanError> {
    if is_plain_id(id) {
        Ok(())
    } else {
        Err(CarePlanError::new(K::InvalidId { field }))
    }
}

fn check_text(text: &Text, field: &'static str) -> Result<(), CarePlanError> {
    if text.is_blank() {
        Err(CarePlanError::new(K::EmptyText { field }))
    } else {
        Ok(())
    }
}

fn invalid(field: &'static str, expected: &'static str) -> CarePlanError {
    CarePlanError::new(K::InvalidValue { field, expected })
}

fn unknown(item: &'static str, id: &str) -> CarePlanError {
    CarePlanError::new(K::UnknownItem {
        item,
        id: shown_id(id),
    })
}

fn duplicate(item: &'static str, id: &str) -> CarePlanError {
    CarePlanError::new(K::DuplicateItem {
        item,
        id: shown_id(id),
    })
}

/// The id for a new item: the one given (checked, unused) or the next free
/// `prefix-N`.
fn new_id<'a>(
    given: &Option<String>,
    existing: impl Iterator<Item = &'a str> + Clone,
    prefix: &str,
    item: &'static str,
    field: &'static str,
) -> Result<String, CarePlanError> {
    if let Some(id) = given {
        check_id(id, field)?;
        if existing.clone().any(|e| e == id) {
            return Err(duplicate(item, id));
        }
        return Ok(id.clone());
    }
    let mut n = existing.clone().count() + 1;
    loop {
        let id = format!("{prefix}-{n}");
        if !existing.clone().any(|e| e == id) {
            return Ok(id);
        }
        n += 1;
    }
}

fn decide(plan: Option<&CarePlan>, command: &Command) -> Result<Event, CarePlanError> {
    decide_with(plan, command, None)
}

/// Checks `command` against `plan`. A share replayed from storage keeps the
/// disclosure it recorded (`replayed_disclosure`): what was shared then is
/// history, even if the sharing rules have changed since.
fn decide_with(
    plan: Option<&CarePlan>,
    command: &Command,
    replayed_disclosure: Option<&Disclosure>,
) -> Result<Event, CarePlanError> {
    let actual = plan.map_or(0, |p| p.version);
    if command.expected_version != actual {
        return Err(CarePlanError::new(K::StaleVersion {
            expected: command.expected_version,
            actual,
        }));
    }
    if let Some(reason) = &command.reason {
        check_text(reason, "reason")?;
    }
    if let Some(organisation) = &command.actor.organisation {
        check_id(organisation, "actor.organisation")?;
    }
    let mut change = command.change.clone();
    let mut disclosure = None;
    let Some(plan) = plan else {
        let Change::Create { patient, template } = &change else {
            return Err(CarePlanError::new(K::UnknownPlan));
        };
        if patient.as_str().trim().is_empty() {
            return Err(CarePlanError::new(K::EmptyText { field: "patient" }));
        }
        if let Some(template) = template {
            check_id(template, "template")?;
        }
        return Ok(event(command, change, None));
    };
    if command.at + CLOCK_TOLERANCE < plan.updated && !never_blocked_by_time(&change) {
        return Err(invalid(
            "at",
            "must not be more than 15 minutes before the plan's last change",
        ));
    }
    let open_only = !matches!(
        change,
        Change::Share { .. } | Change::WithdrawConsent { .. } | Change::ChangeStatus { .. }
    );
    if open_only && plan.status.is_closed() {
        return Err(CarePlanError::new(K::PlanClosed {
            status: plan.status,
        }));
    }
    match &mut change {
        Change::Create { .. } => return Err(CarePlanError::new(K::PlanExists)),
        Change::SetRegisteredPractice { practice } => {
            check_id(practice, "practice")?;
        }
        Change::SetWhatMatters { items } => {
            // An agreed plan is built on what matters: it cannot be emptied.
            if items.is_empty() && plan.status != PlanStatus::Draft {
                return Err(invalid(
                    "items",
                    "must name what matters once the plan is agreed",
                ));
            }
            for item in items.iter() {
                check_text(item, "items")?;
            }
        }
        Change::SetStrengths { items } => {
            for item in items.iter() {
                check_text(item, "items")?;
            }
        }
        Change::AddSupportPerson {
            id, name, contact, ..
        } => {
            check_text(name, "name")?;
            if let Some(contact) = contact {
                check_text(contact, "contact")?;
            }
            let ids = plan.support_network.iter().map(|p| p.id.as_str());
            *id = Some(new_id(id, ids, "person", "support person", "id")?);
        }
        Change::RemoveSupportPerson { id } => {
            plan.support_person(id)
                .ok_or_else(|| unknown("support person", id))?;
        }
        Change::AddGoal {
            id, description, ..
        } => {
            check_text(description, "description")?;
            let ids = plan.goals.iter().map(|g| g.id.as_str());
            *id = Some(new_id(id, ids, "goal", "goal", "id")?);
        }
        Change::UpdateGoal {
            id,
            lifecycle,
            achievement,
            target,
        } => {
            plan.goal(id).ok_or_else(|| unknown("goal", id))?;
            if lifecycle.is_none() && achievement.is_none() && target.is_none() {
                return Err(invalid(
                    "change",
                    "must change the lifecycle, achievement or target",
                ));
            }
        }
        Change::AddAction {
            id,
            what,
            owner,
            goals,
            ..
        } => {
            check_text(what, "what")?;
            if let Some(organisation) = &owner.organisation {
                check_id(organisation, "owner.organisation")?;
            }
            for goal in goals.iter() {
                plan.goal(goal).ok_or_else(|| unknown("goal", goal))?;
            }
            let ids = plan.actions.iter().map(|a| a.id.as_str());
            *id = Some(new_id(id, ids, "action", "action", "id")?);
        }
        Change::UpdateAction {
            id,
            status,
            due,
            owner,
        } => {
            plan.action(id).ok_or_else(|| unknown("action", id))?;
            if let Some(organisation) = owner.as_ref().and_then(|o| o.organisation.as_ref()) {
                check_id(organisation, "owner.organisation")?;
            }
            if status.is_none() && due.is_none() && owner.is_none() {
                return Err(invalid(
                    "change",
                    "must change the status, due date or owner",
                ));
            }
        }
        Change::LinkReferral {
            action,
            referral,
            code,
        } => {
            let found = plan
                .action(action)
                .ok_or_else(|| unknown("action", action))?;
            check_id(referral, "referral")?;
            if let Some(code) = code {
                if !crate::ids::is_sctid(code) {
                    return Err(invalid("code", "must be a SNOMED CT concept id"));
                }
            }
            if found.referrals.contains(referral) {
                return Err(duplicate("referral link", referral));
            }
        }
        Change::LinkAppointment {
            action,
            appointment,
        } => {
            let found = plan
                .action(action)
                .ok_or_else(|| unknown("action", action))?;
            check_id(appointment, "appointment")?;
            if found.appointments.contains(appointment) {
                return Err(duplicate("appointment link", appointment));
            }
        }
        Change::AddRisk {
            id,
            description,
            contingency,
        } => {
            check_text(description, "description")?;
            check_text(contingency, "contingency")?;
            let ids = plan.risks.iter().map(|r| r.id.as_str());
            *id = Some(new_id(id, ids, "risk", "risk", "id")?);
        }
        Change::SetActionSharing {
            id, participants, ..
        } => {
            plan.action(id).ok_or_else(|| unknown("action", id))?;
            for person in participants.iter() {
                plan.support_person(person)
                    .ok_or_else(|| unknown("support person", person))?;
            }
            participants.sort_unstable();
            participants.dedup();
        }
        Change::SetRiskActions { id, actions } => {
            plan.risks
                .iter()
                .find(|r| r.id == *id)
                .ok_or_else(|| unknown("risk", id))?;
            for action in actions.iter() {
                plan.action(action)
                    .ok_or_else(|| unknown("action", action))?;
            }
            actions.sort_unstable();
            actions.dedup();
        }
        Change::RemoveRisk { id } => {
            plan.risks
                .iter()
                .find(|r| r.id == *id)
                .ok_or_else(|| unknown("risk", id))?;
        }
        Change::SetReviewSchedule { schedule } => {
            let today = london_date(command.at);
            match schedule {
                Some(ReviewSchedule::EveryWeeks(weeks))
                    if !(1..=MAX_REVIEW_WEEKS).contains(weeks) =>
                {
                    return Err(invalid("schedule", "must be every 1 to 104 weeks"));
                }
                Some(ReviewSchedule::On(date)) if *date < today => {
                    return Err(invalid("schedule", "must not be a date in the past"));
                }
                _ => {}
            }
            // The review date must be one the working calendar can place:
            // refused here, it can never break a caseload's review list.
            let furthest = match schedule {
                Some(ReviewSchedule::On(date)) => Some(*date),
                Some(ReviewSchedule::EveryWeeks(weeks)) => {
                    today.checked_add_days(chrono::Days::new(u64::from(*weeks) * 7))
                }
                None => Some(today),
            };
            let placeable = furthest.is_some_and(|d| {
                crate::time::WorkingCalendar::england_and_wales()
                    .add_working_days(d, 0)
                    .is_ok()
            });
            if !placeable {
                return Err(invalid("schedule", "must fall between 1995 and 2100"));
            }
        }
        Change::RecordReview { notes, .. } => {
            if !matches!(plan.status, PlanStatus::Active | PlanStatus::OnHold) {
                return Err(invalid(
                    "status",
                    "must be active or on-hold to record a review",
                ));
            }
            if let Some(notes) = notes {
                check_text(notes, "notes")?;
            }
        }
        Change::RecordConsent {
            id,
            recipient,
            scope,
            from,
            until,
        } => {
            check_id(&recipient.id, "recipient.id")?;
            if matches!(
                recipient.kind,
                RecipientKind::Carer | RecipientKind::FamilyMember
            ) {
                plan.support_person(&recipient.id)
                    .ok_or_else(|| unknown("support person", &recipient.id))?;
            }
            if let Scope::Sections(sections) = scope {
                if sections.is_empty() {
                    return Err(invalid("scope", "must name at least one section"));
                }
                sections.sort_unstable();
                sections.dedup();
            }
            let start = from.unwrap_or(command.at);
            *from = Some(start);
            if until.is_some_and(|until| until <= start) {
                return Err(CarePlanError::new(K::ConsentEndsBeforeStart));
            }
            let ids = plan.consents.iter().map(|c| c.id.as_str());
            *id = Some(new_id(id, ids, "consent", "consent", "id")?);
        }
        Change::WithdrawConsent { id } => {
            let consent = plan.consent(id).ok_or_else(|| unknown("consent", id))?;
            if consent.withdrawn.is_some() {
                return Err(invalid("consent", "is already withdrawn"));
            }
        }
        Change::Share { recipient, purpose } => {
            check_id(&recipient.id, "recipient.id")?;
            if let Some(recorded) = replayed_disclosure {
                // What was shared then stands even if the rules changed since,
                // but it must be a share of this change, with its
                // justification where the basis needs one.
                if recorded.recipient != *recipient
                    || recorded.purpose != *purpose
                    || (recorded.basis == ShareBasis::Safeguarding && command.reason.is_none())
                {
                    return Err(invalid("disclosure", "must record the share it belongs to"));
                }
                disclosure = Some(recorded.clone());
            } else {
                let decision = can_share(plan, recipient, *purpose, command.at);
                if !decision.allowed {
                    return Err(decision.refused());
                }
                if decision.basis == Some(ShareBasis::Safeguarding) && command.reason.is_none() {
                    return Err(CarePlanError::new(K::ReasonRequired {
                        what: "sharing for safeguarding without consent",
                    }));
                }
                disclosure = decision.disclosure(recipient.clone(), *purpose);
            }
        }
        Change::RecordActivity { key, code } => {
            check_id(key, "key")?;
            if !crate::ids::is_sctid(code) {
                return Err(invalid("code", "must be a SNOMED CT concept id"));
            }
        }
        Change::ChangeStatus { to } => check_transition(plan, *to, command.reason.is_some())?,
    }
    Ok(event(command, change, disclosure))
}

fn event(command: &Command, change: Change, disclosure: Option<Disclosure>) -> Event {
    Event {
        version: command.expected_version + 1,
        at: command.at,
        actor: command.actor.clone(),
        reason: command.reason.clone(),
        change,
        disclosure,
    }
}

/// The FHIR CarePlan lifecycle as the care coordinator works it.
fn check_transition(
    plan: &CarePlan,
    to: PlanStatus,
    has_reason: bool,
) -> Result<(), CarePlanError> {
    use PlanStatus::{Active, Completed, Draft, EnteredInError, OnHold, Revoked};
    let from = plan.status;
    let allowed = matches!(
        (from, to),
        (Draft, Active | Revoked | EnteredInError)
            | (Active, OnHold | Completed | Revoked | EnteredInError)
            | (OnHold, Active | Completed | Revoked | EnteredInError)
    );
    if !allowed {
        return Err(CarePlanError::new(K::InvalidTransition { from, to }));
    }
    let needs_reason = to == Revoked || (to == EnteredInError && from != Draft);
    if needs_reason && !has_reason {
        return Err(CarePlanError::new(K::ReasonRequired {
            what: if to == Revoked {
                "revoking a plan"
            } else {
                "marking an agreed plan entered-in-error"
            },
        }));
    }
    if from == Draft && to == Active {
        // An agreed plan must say what matters, aim at something, and be
        // reviewed: a plan with no review date is never surfaced as overdue.
        if plan.what_matters.is_empty() {
            return Err(invalid(
                "status",
                "needs what matters to the person before it is agreed",
            ));
        }
        if plan.goals.is_empty() {
            return Err(invalid(
                "status",
                "needs at least one goal before it is agreed",
            ));
        }
        if plan.review_schedule.is_none() {
            return Err(invalid(
                "status",
                "needs a review schedule before it is agreed",
            ));
        }
    }
    Ok(())
}

fn new_plan(
    plan_id: &str,
    patient: PatientRef,
    template: Option<String>,
    at: DateTime<Utc>,
) -> CarePlan {
    CarePlan {
        id: plan_id.to_owned(),
        patient,
        version: 0,
        status: PlanStatus::Draft,
        template,
        registered_practice: None,
        created: at,
        updated: at,
        agreed: None,
        what_matters: Vec::new(),
        strengths: Vec::new(),
        support_network: Vec::new(),
        goals: Vec::new(),
        actions: Vec::new(),
        risks: Vec::new(),
        review_schedule: None,
        reviews: Vec::new(),
        consents: Vec::new(),
        disclosures: Vec::new(),
    }
}

/// Folds one checked event into the plan.
pub(crate) fn apply(plan: Option<CarePlan>, event: &Event, plan_id: &str) -> CarePlan {
    let mut plan = match (plan, &event.change) {
        (Some(plan), _) => plan,
        (None, Change::Create { patient, template }) => {
            new_plan(plan_id, patient.clone(), template.clone(), event.at)
        }
        // `push` checks every event before it is applied, so a history always
        // starts with its creation and this arm is never reached.
        (None, _) => new_plan(plan_id, PatientRef::new(""), None, event.at),
    };
    plan.version = event.version;
    // Never backwards: a change within the clock tolerance (or a withdrawal
    // of consent) may carry an earlier time than the one before it.
    plan.updated = plan.updated.max(event.at);
    let id = |id: &Option<String>| id.clone().unwrap_or_default();
    match &event.change {
        Change::Create { .. } => {}
        Change::SetRegisteredPractice { practice } => {
            plan.registered_practice = Some(practice.clone());
        }
        Change::SetWhatMatters { items } => plan.what_matters.clone_from(items),
        Change::SetStrengths { items } => plan.strengths.clone_from(items),
        Change::AddSupportPerson {
            id: given,
            name,
            relationship,
            contact_role,
            contact,
        } => plan.support_network.push(SupportPerson {
            id: id(given),
            name: name.clone(),
            relationship: *relationship,
            contact_role: *contact_role,
            contact: contact.clone(),
        }),
        Change::RemoveSupportPerson { id: person } => {
            plan.support_network.retain(|p| p.id != *person);
            // Nor do they take part in actions any more.
            for action in &mut plan.actions {
                action.participants.retain(|p| p != person);
            }
            // Consent given to someone no longer in the network ends with them.
            for consent in &mut plan.consents {
                if consent.recipient.id == *person
                    && matches!(
                        consent.recipient.kind,
                        RecipientKind::Carer | RecipientKind::FamilyMember
                    )
                    && consent.withdrawn.is_none()
                {
                    consent.withdrawn = Some(event.at);
                }
            }
        }
        Change::AddGoal {
            id: given,
            description,
            target,
        } => plan.goals.push(Goal {
            id: id(given),
            description: description.clone(),
            target: *target,
            lifecycle: if plan.status == PlanStatus::Draft {
                GoalLifecycle::Proposed
            } else {
                GoalLifecycle::Active
            },
            achievement: None,
        }),
        Change::UpdateGoal {
            id: goal,
            lifecycle,
            achievement,
            target,
        } => {
            if let Some(found) = plan.goals.iter_mut().find(|g| g.id == *goal) {
                if let Some(lifecycle) = lifecycle {
                    found.lifecycle = *lifecycle;
                }
                if achievement.is_some() {
                    found.achievement = *achievement;
                }
                if target.is_some() {
                    found.target = *target;
                }
            }
        }
        Change::AddAction {
            id: given,
            what,
            owner,
            due,
            goals,
        } => plan.actions.push(Action {
            id: id(given),
            what: what.clone(),
            owner: owner.clone(),
            due: *due,
            status: ActionStatus::NotStarted,
            goals: goals.clone(),
            referrals: Vec::new(),
            appointments: Vec::new(),
            participants: Vec::new(),
            shareable: false,
        }),
        Change::UpdateAction {
            id: action,
            status,
            due,
            owner,
        } => {
            if let Some(found) = plan.actions.iter_mut().find(|a| a.id == *action) {
                if let Some(status) = status {
                    found.status = *status;
                }
                if due.is_some() {
                    found.due = *due;
                }
                if let Some(owner) = owner {
                    found.owner = owner.clone();
                }
            }
        }
        Change::LinkReferral {
            action, referral, ..
        } => {
            if let Some(found) = plan.actions.iter_mut().find(|a| a.id == *action) {
                found.referrals.push(referral.clone());
            }
        }
        Change::LinkAppointment {
            action,
            appointment,
        } => {
            if let Some(found) = plan.actions.iter_mut().find(|a| a.id == *action) {
                found.appointments.push(appointment.clone());
                if found.status == ActionStatus::NotStarted {
                    found.status = ActionStatus::Scheduled;
                }
            }
        }
        Change::AddRisk {
            id: given,
            description,
            contingency,
        } => plan.risks.push(Risk {
            id: id(given),
            description: description.clone(),
            contingency: contingency.clone(),
            actions: Vec::new(),
        }),
        Change::SetActionSharing {
            id: action,
            participants,
            shareable,
        } => {
            if let Some(found) = plan.actions.iter_mut().find(|a| a.id == *action) {
                found.participants.clone_from(participants);
                found.shareable = *shareable;
            }
        }
        Change::SetRiskActions { id: risk, actions } => {
            if let Some(found) = plan.risks.iter_mut().find(|r| r.id == *risk) {
                found.actions.clone_from(actions);
            }
        }
        Change::RemoveRisk { id: risk } => plan.risks.retain(|r| r.id != *risk),
        Change::SetReviewSchedule { schedule } => plan.review_schedule = *schedule,
        Change::RecordReview { outcome, notes } => plan.reviews.push(Review {
            at: event.at,
            date: london_date(event.at),
            outcome: *outcome,
            by: event.actor.role,
            notes: notes.clone(),
        }),
        Change::RecordConsent {
            id: given,
            recipient,
            scope,
            from,
            until,
        } => plan.consents.push(Consent {
            id: id(given),
            recipient: recipient.clone(),
            scope: scope.clone(),
            from: from.unwrap_or(event.at),
            until: *until,
            withdrawn: None,
            recorded_by: event.actor.role,
        }),
        Change::WithdrawConsent { id: consent } => {
            if let Some(found) = plan.consents.iter_mut().find(|c| c.id == *consent) {
                found.withdrawn = Some(event.at);
            }
        }
        Change::Share { .. } => {
            if let Some(disclosure) = &event.disclosure {
                plan.disclosures.push(disclosure.clone());
            }
        }
        Change::RecordActivity { .. } => {}
        Change::ChangeStatus { to } => {
            if plan.status == PlanStatus::Draft && *to == PlanStatus::Active {
                plan.agreed = Some(event.at);
                for goal in &mut plan.goals {
                    if goal.lifecycle == GoalLifecycle::Proposed {
                        goal.lifecycle = GoalLifecycle::Active;
                    }
                }
            }
            plan.status = *to;
        }
    }
    plan
}
