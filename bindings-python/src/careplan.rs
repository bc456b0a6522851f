//! `carecoord.careplan`: plans as commands and an immutable history,
//! consent-governed sharing, reviews, templates, coded activity and stores.

use std::path::PathBuf;

use carecoord::argument::{ArgumentError, Expected};
use carecoord::careplan::{self as core, PlanStore as _};
use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::convert::{self, InField as _};
use crate::error::to_py_err;

fn word<T: std::str::FromStr<Err = core::CarePlanError>>(text: impl AsRef<str>) -> PyResult<T> {
    text.as_ref().parse().map_err(to_py_err)
}

fn opt_word<T: std::str::FromStr<Err = core::CarePlanError>>(
    text: Option<impl AsRef<str>>,
) -> PyResult<Option<T>> {
    text.map(word).transpose()
}

fn opt_date(obj: Option<&Bound<'_, PyAny>>, field: &'static str) -> PyResult<Option<NaiveDate>> {
    obj.filter(|o| !o.is_none())
        .map(|o| convert::date(o, field))
        .transpose()
}

fn opt_instant(
    obj: Option<&Bound<'_, PyAny>>,
    field: &'static str,
) -> PyResult<Option<DateTime<Utc>>> {
    obj.filter(|o| !o.is_none())
        .map(|o| convert::instant(o, field))
        .transpose()
}

fn texts(items: Vec<String>) -> Vec<core::Text> {
    items.into_iter().map(core::Text::new).collect()
}

fn strs(items: &[core::Text]) -> Vec<String> {
    items.iter().map(|t| t.as_str().to_owned()).collect()
}

/// A list of words as Python writes it: `['a', 'b']`.
fn py_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("'{i}'")).collect();
    format!("[{}]", quoted.join(", "))
}

fn keys<T: Copy + std::fmt::Display>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

/// An actor or owner: a role word (`"care_coordinator"`) or an `Actor`.
fn actor(obj: &Bound<'_, PyAny>) -> PyResult<core::Actor> {
    if let Ok(a) = obj.cast::<Actor>() {
        return Ok(a.get().0.clone());
    }
    if let Ok(role) = obj.cast::<PyString>() {
        return Ok(core::Actor::new(word(
            convert::str_of(role).map_err(to_py_err)?,
        )?));
    }
    Err(to_py_err(ArgumentError::wrong_type(Expected::Object(
        "role word or an Actor",
    ))))
}

/// A recipient: a `Recipient` or a `(kind, id)` pair.
fn recipient(obj: &Bound<'_, PyAny>) -> PyResult<core::Recipient> {
    if let Ok(r) = obj.cast::<Recipient>() {
        return Ok(r.get().0.clone());
    }
    if let Ok((kind, id)) = obj.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>() {
        let kind = convert::text_value(&kind).in_field("kind")?;
        let id = convert::text_value(&id).in_field("id")?;
        return Ok(core::Recipient::new(word(&kind)?, id));
    }
    Err(to_py_err(ArgumentError::wrong_type(Expected::Object(
        "Recipient or a (kind, id) pair",
    ))))
}

/// A scope: `"whole_plan"`, `"summary"`, or a list of section words.
fn scope(obj: &Bound<'_, PyAny>) -> PyResult<core::Scope> {
    if let Ok(text) = obj.cast::<PyString>() {
        return word(convert::str_of(text).map_err(to_py_err)?);
    }
    let words = convert::texts_value(obj).in_field("scope")?;
    Ok(core::Scope::Sections(
        words.iter().map(word).collect::<PyResult<_>>()?,
    ))
}

fn scope_to_py(py: Python<'_>, scope: &core::Scope) -> PyResult<Py<PyAny>> {
    Ok(match scope {
        core::Scope::WholePlan => "whole_plan".into_pyobject(py)?.into_any().unbind(),
        core::Scope::Summary => "summary".into_pyobject(py)?.into_any().unbind(),
        core::Scope::Sections(s) => PyList::new(py, keys(s))?.into_any().unbind(),
    })
}

fn command(
    change: &Change,
    version: u64,
    actor_obj: &Bound<'_, PyAny>,
    at: &Bound<'_, PyAny>,
    reason: Option<String>,
) -> PyResult<core::Command> {
    Ok(core::Command {
        expected_version: version,
        actor: actor(actor_obj)?,
        at: convert::instant(at, "at")?,
        reason: reason.map(core::Text::new),
        change: change.0.clone(),
    })
}

/// The command for a share: `Change.share(recipient, purpose)` with the rest.
fn share_command(
    recipient: &Bound<'_, PyAny>,
    purpose: &str,
    version: u64,
    actor: &Bound<'_, PyAny>,
    at: &Bound<'_, PyAny>,
    reason: Option<String>,
) -> PyResult<core::Command> {
    let change = Change::share(recipient, purpose.to_owned())?;
    command(&change, version, actor, at, reason)
}

/// Who acted or owns an action: a role and, for services and practices, the
/// organisation's id. Never a person's name.
#[pyclass(module = "carecoord.careplan", name = "Actor", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct Actor(core::Actor);

#[pymethods]
impl Actor {
    #[new]
    #[pyo3(signature = (role, organisation=None))]
    fn new(
        #[pyo3(from_py_with = convert::text)] role: String,
        #[pyo3(from_py_with = convert::opt_text)] organisation: Option<String>,
    ) -> PyResult<Self> {
        Ok(Self(core::Actor {
            role: word(role)?,
            organisation,
        }))
    }
    /// The role word, e.g. `"care_coordinator"`.
    #[getter]
    fn role(&self) -> String {
        self.0.role.to_string()
    }
    /// The organisation's id, if any.
    #[getter]
    fn organisation(&self) -> Option<String> {
        self.0.organisation.clone()
    }
    fn __repr__(&self) -> String {
        match &self.0.organisation {
            Some(o) => format!("Actor('{}', {o:?})", self.0.role.key()),
            None => format!("Actor('{}')", self.0.role.key()),
        }
    }
}

/// Who information can go to: a kind (`carer`, `family_member`,
/// `gp_practice`, `service`, `safeguarding_lead`) and an id.
#[pyclass(module = "carecoord.careplan", name = "Recipient", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct Recipient(core::Recipient);

#[pymethods]
impl Recipient {
    #[new]
    fn new(
        #[pyo3(from_py_with = convert::text)] kind: String,
        #[pyo3(from_py_with = convert::text)] id: String,
    ) -> PyResult<Self> {
        Ok(Self(core::Recipient::new(word(kind)?, id)))
    }
    /// The kind of recipient.
    #[getter]
    fn kind(&self) -> String {
        self.0.kind.to_string()
    }
    /// A support person id, ODS code or service id.
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    fn __repr__(&self) -> String {
        format!("Recipient('{}', '{}')", self.0.kind.key(), self.0.id)
    }
}

/// One change to a plan, made with the static constructors
/// (`Change.add_goal("…")`) and run with `PlanHistory.execute` or a store's
/// `execute`. Ids of new items left as `None` are given in order
/// (`goal-1`, `action-1`, …).
#[pyclass(module = "carecoord.careplan", name = "Change", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct Change(core::Change);

#[pymethods]
impl Change {
    /// Start a draft plan for a person (`patient`: your own reference).
    #[staticmethod]
    #[pyo3(signature = (patient, template=None))]
    fn create(
        #[pyo3(from_py_with = convert::text)] patient: String,
        #[pyo3(from_py_with = convert::opt_text)] template: Option<String>,
    ) -> Self {
        Self(core::Change::Create {
            patient: core::PatientRef::new(patient),
            template,
        })
    }
    /// Record the person's registered GP practice (its ODS code): the one
    /// practice that receives the plan for direct care without consent.
    #[staticmethod]
    fn set_registered_practice(#[pyo3(from_py_with = convert::text)] practice: String) -> Self {
        Self(core::Change::SetRegisteredPractice { practice })
    }
    /// Replace what matters to the person (their words, most important first).
    #[staticmethod]
    fn set_what_matters(#[pyo3(from_py_with = convert::texts)] items: Vec<String>) -> Self {
        Self(core::Change::SetWhatMatters {
            items: texts(items),
        })
    }
    /// Replace the person's strengths.
    #[staticmethod]
    fn set_strengths(#[pyo3(from_py_with = convert::texts)] items: Vec<String>) -> Self {
        Self(core::Change::SetStrengths {
            items: texts(items),
        })
    }
    /// Add someone to the support network.
    #[staticmethod]
    #[pyo3(signature = (name, relationship, contact_role, contact=None, id=None))]
    fn add_support_person(
        #[pyo3(from_py_with = convert::text)] name: String,
        #[pyo3(from_py_with = convert::text)] relationship: String,
        #[pyo3(from_py_with = convert::text)] contact_role: String,
        #[pyo3(from_py_with = convert::opt_text)] contact: Option<String>,
        #[pyo3(from_py_with = convert::opt_text)] id: Option<String>,
    ) -> PyResult<Self> {
        Ok(Self(core::Change::AddSupportPerson {
            id,
            name: core::Text::new(name),
            relationship: word(relationship)?,
            contact_role: word(contact_role)?,
            contact: contact.map(core::Text::new),
        }))
    }
    /// Remove someone from the support network (their consents end).
    #[staticmethod]
    fn remove_support_person(#[pyo3(from_py_with = convert::text)] id: String) -> Self {
        Self(core::Change::RemoveSupportPerson { id })
    }
    /// Add a goal.
    #[staticmethod]
    #[pyo3(signature = (description, target=None, id=None))]
    fn add_goal(
        #[pyo3(from_py_with = convert::text)] description: String,
        target: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = convert::opt_text)] id: Option<String>,
    ) -> PyResult<Self> {
        Ok(Self(core::Change::AddGoal {
            id,
            description: core::Text::new(description),
            target: opt_date(target, "target")?,
        }))
    }
    /// Change a goal's lifecycle, achievement or target.
    #[staticmethod]
    #[pyo3(signature = (id, lifecycle=None, achievement=None, target=None))]
    fn update_goal(
        #[pyo3(from_py_with = convert::text)] id: String,
        #[pyo3(from_py_with = convert::opt_text)] lifecycle: Option<String>,
        #[pyo3(from_py_with = convert::opt_text)] achievement: Option<String>,
        target: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(Self(core::Change::UpdateGoal {
            id,
            lifecycle: opt_word(lifecycle)?,
            achievement: opt_word(achievement)?,
            target: opt_date(target, "target")?,
        }))
    }
    /// Add an action owned by a role (or an `Actor` with an organisation).
    #[staticmethod]
    #[pyo3(signature = (what, owner, due=None, goals=Vec::new(), id=None))]
    fn add_action(
        #[pyo3(from_py_with = convert::text)] what: String,
        owner: &Bound<'_, PyAny>,
        due: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = convert::texts)] goals: Vec<String>,
        #[pyo3(from_py_with = convert::opt_text)] id: Option<String>,
    ) -> PyResult<Self> {
        Ok(Self(core::Change::AddAction {
            id,
            what: core::Text::new(what),
            owner: actor(owner)?,
            due: opt_date(due, "due")?,
            goals,
        }))
    }
    /// Change an action's status, due date or owner.
    #[staticmethod]
    #[pyo3(signature = (id, status=None, due=None, owner=None))]
    fn update_action(
        #[pyo3(from_py_with = convert::text)] id: String,
        #[pyo3(from_py_with = convert::opt_text)] status: Option<String>,
        due: Option<&Bound<'_, PyAny>>,
        owner: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(Self(core::Change::UpdateAction {
            id,
            status: opt_word(status)?,
            due: opt_date(due, "due")?,
            owner: owner.map(actor).transpose()?,
        }))
    }
    /// Who in the support network takes part in an action, and whether the
    /// person agreed that everyone they share the plan with may see it.
    #[staticmethod]
    #[pyo3(signature = (id, participants=None, shareable=false))]
    fn set_action_sharing(
        #[pyo3(from_py_with = convert::text)] id: String,
        #[pyo3(from_py_with = convert::opt_texts)] participants: Option<Vec<String>>,
        #[pyo3(from_py_with = convert::boolean)] shareable: bool,
    ) -> Self {
        Self(core::Change::SetActionSharing {
            id,
            participants: participants.unwrap_or_default(),
            shareable,
        })
    }
    /// Record a referral made for an action (SNOMED CT `code` optional).
    #[staticmethod]
    #[pyo3(signature = (action, referral, code=None))]
    fn link_referral(
        #[pyo3(from_py_with = convert::text)] action: String,
        #[pyo3(from_py_with = convert::text)] referral: String,
        #[pyo3(from_py_with = convert::opt_text)] code: Option<String>,
    ) -> Self {
        Self(core::Change::LinkReferral {
            action,
            referral,
            code,
        })
    }
    /// Record an appointment arranged for an action.
    #[staticmethod]
    fn link_appointment(
        #[pyo3(from_py_with = convert::text)] action: String,
        #[pyo3(from_py_with = convert::text)] appointment: String,
    ) -> Self {
        Self(core::Change::LinkAppointment {
            action,
            appointment,
        })
    }
    /// Add a risk and what to do if things get worse.
    #[staticmethod]
    #[pyo3(signature = (description, contingency, id=None))]
    fn add_risk(
        #[pyo3(from_py_with = convert::text)] description: String,
        #[pyo3(from_py_with = convert::text)] contingency: String,
        #[pyo3(from_py_with = convert::opt_text)] id: Option<String>,
    ) -> Self {
        Self(core::Change::AddRisk {
            id,
            description: core::Text::new(description),
            contingency: core::Text::new(contingency),
        })
    }
    /// Link a risk to the actions that address it (a service sees a risk
    /// only when it owns one of them).
    #[staticmethod]
    fn set_risk_actions(
        #[pyo3(from_py_with = convert::text)] id: String,
        #[pyo3(from_py_with = convert::texts)] actions: Vec<String>,
    ) -> Self {
        Self(core::Change::SetRiskActions { id, actions })
    }
    /// Remove a risk.
    #[staticmethod]
    fn remove_risk(#[pyo3(from_py_with = convert::text)] id: String) -> Self {
        Self(core::Change::RemoveRisk { id })
    }
    /// Review every N weeks, or on a date; neither clears the schedule.
    #[staticmethod]
    #[pyo3(signature = (every_weeks=None, on=None))]
    fn set_review_schedule(
        #[pyo3(from_py_with = convert::opt_int::<u32>)] every_weeks: Option<u32>,
        on: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let schedule = core::ReviewSchedule::from_options(every_weeks, opt_date(on, "on")?)
            .map_err(to_py_err)?;
        Ok(Self(core::Change::SetReviewSchedule { schedule }))
    }
    /// Record a review held on the command's (London) date.
    #[staticmethod]
    #[pyo3(signature = (outcome, notes=None))]
    fn record_review(
        #[pyo3(from_py_with = convert::text)] outcome: String,
        #[pyo3(from_py_with = convert::opt_text)] notes: Option<String>,
    ) -> PyResult<Self> {
        Ok(Self(core::Change::RecordReview {
            outcome: word(outcome)?,
            notes: notes.map(core::Text::new),
        }))
    }
    /// Record the person's consent to share with a recipient.
    #[staticmethod]
    #[pyo3(signature = (recipient, scope, start=None, end=None, id=None))]
    fn record_consent(
        recipient: &Bound<'_, PyAny>,
        scope: &Bound<'_, PyAny>,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = convert::opt_text)] id: Option<String>,
    ) -> PyResult<Self> {
        Ok(Self(core::Change::RecordConsent {
            id,
            recipient: self::recipient(recipient)?,
            scope: self::scope(scope)?,
            from: opt_instant(start, "start")?,
            until: opt_instant(end, "end")?,
        }))
    }
    /// Record that the person withdrew a consent.
    #[staticmethod]
    fn withdraw_consent(#[pyo3(from_py_with = convert::text)] id: String) -> Self {
        Self(core::Change::WithdrawConsent { id })
    }
    /// Share the plan (checked by the consent rules, recorded if allowed).
    #[staticmethod]
    fn share(
        recipient: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::text)] purpose: String,
    ) -> PyResult<Self> {
        Ok(Self(core::Change::Share {
            recipient: self::recipient(recipient)?,
            purpose: word(purpose)?,
        }))
    }
    /// Record an intervention with its SNOMED CT code.
    #[staticmethod]
    fn record_activity(
        #[pyo3(from_py_with = convert::text)] key: String,
        #[pyo3(from_py_with = convert::text)] code: String,
    ) -> Self {
        Self(core::Change::RecordActivity { key, code })
    }
    /// Move the plan to another FHIR status.
    #[staticmethod]
    fn change_status(#[pyo3(from_py_with = convert::text)] to: String) -> PyResult<Self> {
        Ok(Self(core::Change::ChangeStatus { to: word(to)? }))
    }
    /// Reads a change from JSON (`{"type": "add_goal", ...}`), e.g. from a
    /// queue of changes made offline.
    #[staticmethod]
    fn from_json(#[pyo3(from_py_with = convert::text)] text: String) -> PyResult<Self> {
        core::Change::from_json(&text).map(Self).map_err(to_py_err)
    }
    /// The change as JSON.
    fn to_json(&self) -> PyResult<String> {
        self.0.to_json().map_err(to_py_err)
    }
    /// The kind of change, e.g. `"add_goal"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind()
    }
    fn __repr__(&self) -> String {
        format!("<Change {}>", self.0.kind())
    }
}

/// A goal.
#[pyclass(module = "carecoord.careplan", name = "Goal", frozen)]
pub struct Goal(core::Goal);

#[pymethods]
impl Goal {
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    #[getter]
    fn description(&self) -> String {
        self.0.description.as_str().to_owned()
    }
    #[getter]
    fn target(&self) -> Option<NaiveDate> {
        self.0.target
    }
    /// FHIR Goal lifecycle status.
    #[getter]
    fn lifecycle(&self) -> String {
        self.0.lifecycle.to_string()
    }
    /// FHIR Goal achievement status.
    #[getter]
    fn achievement(&self) -> Option<String> {
        self.0.achievement.map(|a| a.to_string())
    }
    fn __repr__(&self) -> String {
        format!(
            "Goal(id='{}', lifecycle='{}')",
            self.0.id,
            self.0.lifecycle.key()
        )
    }
}

/// An action: what, who, by when, its status and links.
#[pyclass(module = "carecoord.careplan", name = "Action", frozen)]
pub struct Action(core::Action);

#[pymethods]
impl Action {
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    #[getter]
    fn what(&self) -> String {
        self.0.what.as_str().to_owned()
    }
    #[getter]
    fn owner(&self) -> Actor {
        Actor(self.0.owner.clone())
    }
    #[getter]
    fn due(&self) -> Option<NaiveDate> {
        self.0.due
    }
    #[getter]
    fn status(&self) -> String {
        self.0.status.to_string()
    }
    #[getter]
    fn goals(&self) -> Vec<String> {
        self.0.goals.clone()
    }
    #[getter]
    fn referrals(&self) -> Vec<String> {
        self.0.referrals.clone()
    }
    #[getter]
    fn appointments(&self) -> Vec<String> {
        self.0.appointments.clone()
    }
    /// Support people (ids) who take part.
    #[getter]
    fn participants(&self) -> Vec<String> {
        self.0.participants.clone()
    }
    /// Shareable with everyone the plan is shared with.
    #[getter]
    fn shareable(&self) -> bool {
        self.0.shareable
    }
    fn __repr__(&self) -> String {
        format!(
            "Action(id='{}', owner='{}', status='{}')",
            self.0.id,
            self.0.owner.role.key(),
            self.0.status.key()
        )
    }
}

/// Someone in the support network.
#[pyclass(module = "carecoord.careplan", name = "SupportPerson", frozen)]
pub struct SupportPerson(core::SupportPerson);

#[pymethods]
impl SupportPerson {
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    #[getter]
    fn name(&self) -> String {
        self.0.name.as_str().to_owned()
    }
    #[getter]
    fn relationship(&self) -> String {
        self.0.relationship.to_string()
    }
    #[getter]
    fn contact_role(&self) -> String {
        self.0.contact_role.to_string()
    }
    #[getter]
    fn contact(&self) -> Option<String> {
        self.0.contact.as_ref().map(|c| c.as_str().to_owned())
    }
    fn __repr__(&self) -> String {
        format!(
            "SupportPerson(id='{}', contact_role='{}')",
            self.0.id,
            self.0.contact_role.key()
        )
    }
}

/// A risk and what to do if things get worse.
#[pyclass(module = "carecoord.careplan", name = "Risk", frozen)]
pub struct Risk(core::Risk);

#[pymethods]
impl Risk {
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    #[getter]
    fn description(&self) -> String {
        self.0.description.as_str().to_owned()
    }
    #[getter]
    fn contingency(&self) -> String {
        self.0.contingency.as_str().to_owned()
    }
    /// The actions (ids) that address it.
    #[getter]
    fn actions(&self) -> Vec<String> {
        self.0.actions.clone()
    }
    fn __repr__(&self) -> String {
        format!("Risk(id='{}')", self.0.id)
    }
}

/// A review held.
#[pyclass(module = "carecoord.careplan", name = "Review", frozen)]
pub struct Review(core::Review);

#[pymethods]
impl Review {
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// The Europe/London date.
    #[getter]
    fn date(&self) -> NaiveDate {
        self.0.date
    }
    #[getter]
    fn outcome(&self) -> String {
        self.0.outcome.to_string()
    }
    /// The reviewer's role.
    #[getter]
    fn by(&self) -> String {
        self.0.by.to_string()
    }
    #[getter]
    fn notes(&self) -> Option<String> {
        self.0.notes.as_ref().map(|n| n.as_str().to_owned())
    }
    fn __repr__(&self) -> String {
        format!(
            "Review(date={}, outcome='{}')",
            self.0.date,
            self.0.outcome.key()
        )
    }
}

/// The person's consent to share.
#[pyclass(module = "carecoord.careplan", name = "Consent", frozen)]
pub struct Consent(core::Consent);

#[pymethods]
impl Consent {
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    #[getter]
    fn recipient(&self) -> Recipient {
        Recipient(self.0.recipient.clone())
    }
    /// `"whole_plan"`, `"summary"` or a list of section words.
    #[getter]
    fn scope(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        scope_to_py(py, &self.0.scope)
    }
    #[getter]
    fn start(&self) -> DateTime<Utc> {
        self.0.from
    }
    #[getter]
    fn end(&self) -> Option<DateTime<Utc>> {
        self.0.until
    }
    #[getter]
    fn withdrawn(&self) -> Option<DateTime<Utc>> {
        self.0.withdrawn
    }
    #[getter]
    fn recorded_by(&self) -> String {
        self.0.recorded_by.to_string()
    }
    /// Whether the consent is in force at `at`.
    fn in_force(&self, at: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.in_force(convert::instant(at, "at")?))
    }
    fn __repr__(&self) -> String {
        format!(
            "Consent(id='{}', recipient='{}', withdrawn={})",
            self.0.id,
            self.0.recipient.kind.key(),
            self.0.withdrawn.is_some()
        )
    }
}

/// A record that the plan was shared.
#[pyclass(module = "carecoord.careplan", name = "Disclosure", frozen)]
pub struct Disclosure(core::Disclosure);

#[pymethods]
impl Disclosure {
    #[getter]
    fn recipient(&self) -> Recipient {
        Recipient(self.0.recipient.clone())
    }
    #[getter]
    fn purpose(&self) -> String {
        self.0.purpose.to_string()
    }
    #[getter]
    fn basis(&self) -> String {
        self.0.basis.to_string()
    }
    #[getter]
    fn consent(&self) -> Option<String> {
        self.0.consent.clone()
    }
    #[getter]
    fn sections(&self) -> Vec<String> {
        keys(&self.0.sections)
    }
    fn __repr__(&self) -> String {
        format!(
            "Disclosure(recipient='{}', basis='{}')",
            self.0.recipient.kind.key(),
            self.0.basis.key()
        )
    }
}

/// One entry of a plan's immutable history.
#[pyclass(module = "carecoord.careplan", name = "Event", frozen)]
pub struct Event(core::Event);

#[pymethods]
impl Event {
    /// The plan version this event made.
    #[getter]
    fn version(&self) -> u64 {
        self.0.version
    }
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    #[getter]
    fn actor(&self) -> Actor {
        Actor(self.0.actor.clone())
    }
    #[getter]
    fn reason(&self) -> Option<String> {
        self.0.reason.as_ref().map(|r| r.as_str().to_owned())
    }
    /// The kind of change, e.g. `"add_goal"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.change.kind()
    }
    /// The change, with any new item's id filled in.
    #[getter]
    fn change(&self) -> Change {
        Change(self.0.change.clone())
    }
    /// For a share, what was disclosed and on what basis.
    #[getter]
    fn disclosure(&self) -> Option<Disclosure> {
        self.0.disclosure.clone().map(Disclosure)
    }
    /// The event as versioned JSON.
    fn to_json(&self) -> PyResult<String> {
        self.0.to_json().map_err(to_py_err)
    }
    fn __repr__(&self) -> String {
        format!(
            "Event(version={}, kind='{}', actor='{}')",
            self.0.version,
            self.0.change.kind(),
            self.0.actor.role.key()
        )
    }
}

/// A personalised care and support plan: the fold of its history.
#[pyclass(module = "carecoord.careplan", name = "CarePlan", frozen)]
pub struct CarePlan(pub(crate) core::CarePlan);

#[pymethods]
impl CarePlan {
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    /// Your reference to the patient, as given at creation.
    #[getter]
    fn patient(&self) -> String {
        self.0.patient.as_str().to_owned()
    }
    #[getter]
    fn version(&self) -> u64 {
        self.0.version
    }
    /// The FHIR CarePlan status.
    #[getter]
    fn status(&self) -> String {
        self.0.status.to_string()
    }
    /// The registered GP practice's ODS code, if recorded.
    #[getter]
    fn registered_practice(&self) -> Option<String> {
        self.0.registered_practice.clone()
    }
    #[getter]
    fn template(&self) -> Option<String> {
        self.0.template.clone()
    }
    #[getter]
    fn created(&self) -> DateTime<Utc> {
        self.0.created
    }
    #[getter]
    fn updated(&self) -> DateTime<Utc> {
        self.0.updated
    }
    /// When the plan was agreed (first made active).
    #[getter]
    fn agreed(&self) -> Option<DateTime<Utc>> {
        self.0.agreed
    }
    #[getter]
    fn what_matters(&self) -> Vec<String> {
        strs(&self.0.what_matters)
    }
    #[getter]
    fn strengths(&self) -> Vec<String> {
        strs(&self.0.strengths)
    }
    #[getter]
    fn support_network(&self) -> Vec<SupportPerson> {
        self.0
            .support_network
            .iter()
            .cloned()
            .map(SupportPerson)
            .collect()
    }
    #[getter]
    fn goals(&self) -> Vec<Goal> {
        self.0.goals.iter().cloned().map(Goal).collect()
    }
    #[getter]
    fn actions(&self) -> Vec<Action> {
        self.0.actions.iter().cloned().map(Action).collect()
    }
    #[getter]
    fn risks(&self) -> Vec<Risk> {
        self.0.risks.iter().cloned().map(Risk).collect()
    }
    /// Review every N weeks (or `None`).
    #[getter]
    fn review_every_weeks(&self) -> Option<u32> {
        match self.0.review_schedule {
            Some(core::ReviewSchedule::EveryWeeks(w)) => Some(w),
            _ => None,
        }
    }
    /// Review on a set date (or `None`).
    #[getter]
    fn review_on(&self) -> Option<NaiveDate> {
        match self.0.review_schedule {
            Some(core::ReviewSchedule::On(d)) => Some(d),
            _ => None,
        }
    }
    #[getter]
    fn reviews(&self) -> Vec<Review> {
        self.0.reviews.iter().cloned().map(Review).collect()
    }
    #[getter]
    fn consents(&self) -> Vec<Consent> {
        self.0.consents.iter().cloned().map(Consent).collect()
    }
    #[getter]
    fn disclosures(&self) -> Vec<Disclosure> {
        self.0.disclosures.iter().cloned().map(Disclosure).collect()
    }
    /// The plan as versioned JSON (the same history gives the same bytes).
    fn to_json(&self) -> PyResult<String> {
        self.0.to_json().map_err(to_py_err)
    }
    /// Reads a plan written by `to_json`.
    #[staticmethod]
    fn from_json(#[pyo3(from_py_with = convert::text)] text: String) -> PyResult<Self> {
        core::CarePlan::from_json(&text)
            .map(Self)
            .map_err(to_py_err)
    }
    fn __eq__(&self, other: &Self) -> bool {
        self.0 == other.0
    }
    fn __repr__(&self) -> String {
        format!(
            "CarePlan(id='{}', status='{}', version={}, goals={}, actions={})",
            self.0.id,
            self.0.status.key(),
            self.0.version,
            self.0.goals.len(),
            self.0.actions.len()
        )
    }
}

/// A plan's immutable history and the plan it folds to.
#[pyclass(module = "carecoord.careplan", name = "PlanHistory")]
pub struct PlanHistory(core::PlanHistory);

#[pymethods]
impl PlanHistory {
    /// An empty history for a plan not yet created.
    #[new]
    fn new(#[pyo3(from_py_with = convert::text)] plan_id: String) -> PyResult<Self> {
        core::PlanHistory::new(&plan_id)
            .map(Self)
            .map_err(to_py_err)
    }
    /// Reads a history written by `to_json`, replaying and checking every event.
    #[staticmethod]
    fn from_json(#[pyo3(from_py_with = convert::text)] text: String) -> PyResult<Self> {
        core::PlanHistory::from_json(&text)
            .map(Self)
            .map_err(to_py_err)
    }
    /// The history as versioned JSON.
    fn to_json(&self) -> PyResult<String> {
        self.0.to_json().map_err(to_py_err)
    }
    #[getter]
    fn id(&self) -> String {
        self.0.id().to_owned()
    }
    /// The plan's version (0 before it is created).
    #[getter]
    fn version(&self) -> u64 {
        self.0.version()
    }
    /// The plan now, or `None` before it is created.
    #[getter]
    fn plan(&self) -> Option<CarePlan> {
        self.0.plan().cloned().map(CarePlan)
    }
    /// Every event, oldest first.
    #[getter]
    fn events(&self) -> Vec<Event> {
        self.0.events().iter().cloned().map(Event).collect()
    }
    /// The plan as it was at `version`.
    fn plan_at(
        &self,
        #[pyo3(from_py_with = convert::int::<u64>)] version: u64,
    ) -> Option<CarePlan> {
        self.0.plan_at(version).map(CarePlan)
    }
    /// Checks a change and returns the event it would append, appending nothing.
    #[pyo3(signature = (change, *, version, actor, at, reason=None))]
    fn decide(
        &self,
        #[pyo3(from_py_with = convert::object::<Change>)] change: PyRef<'_, Change>,
        #[pyo3(from_py_with = convert::int::<u64>)] version: u64,
        actor: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::opt_text)] reason: Option<String>,
    ) -> PyResult<Event> {
        let command = command(&change, version, actor, at, reason)?;
        self.0.decide(&command).map(Event).map_err(to_py_err)
    }
    /// Checks a change made on `version`, appends its event and returns the
    /// plan after it. On an error nothing changes.
    #[pyo3(signature = (change, *, version, actor, at, reason=None))]
    fn execute(
        &mut self,
        #[pyo3(from_py_with = convert::object::<Change>)] change: PyRef<'_, Change>,
        #[pyo3(from_py_with = convert::int::<u64>)] version: u64,
        actor: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::opt_text)] reason: Option<String>,
    ) -> PyResult<CarePlan> {
        let command = command(&change, version, actor, at, reason)?;
        self.0
            .execute(command)
            .map(|p| CarePlan(p.clone()))
            .map_err(to_py_err)
    }
    /// Shares the plan: decides, records the disclosure as the next event and
    /// returns the minimum-necessary view it records, in one step. Raises
    /// `ShareDenied` (nothing recorded) when sharing is not allowed; sharing
    /// for safeguarding without consent needs `reason` (the justification).
    #[pyo3(signature = (recipient, purpose, *, version, actor, at, reason=None))]
    fn share(
        &mut self,
        recipient: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::text)] purpose: String,
        #[pyo3(from_py_with = convert::int::<u64>)] version: u64,
        actor: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::opt_text)] reason: Option<String>,
    ) -> PyResult<PlanView> {
        let command = share_command(recipient, &purpose, version, actor, at, reason)?;
        self.0.share(command).map(PlanView).map_err(to_py_err)
    }
    fn __len__(&self) -> usize {
        self.0.events().len()
    }
    fn __repr__(&self) -> String {
        format!(
            "PlanHistory(id='{}', version={})",
            self.0.id(),
            self.0.version()
        )
    }
}

/// Why a share was or would be allowed or refused.
#[pyclass(module = "carecoord.careplan", name = "ShareDecision", frozen)]
pub struct ShareDecision(core::ShareDecision);

#[pymethods]
impl ShareDecision {
    #[getter]
    fn allowed(&self) -> bool {
        self.0.allowed
    }
    /// A stable reason word, e.g. `"consent_in_force"`, `"no_consent"`.
    #[getter]
    fn reason(&self) -> String {
        self.0.reason.to_string()
    }
    /// The reason in plain words.
    #[getter]
    fn message(&self) -> &'static str {
        self.0.reason.message()
    }
    #[getter]
    fn basis(&self) -> Option<String> {
        self.0.basis.map(|b| b.to_string())
    }
    #[getter]
    fn consent(&self) -> Option<String> {
        self.0.consent.clone()
    }
    #[getter]
    fn sections(&self) -> Vec<String> {
        keys(&self.0.sections)
    }
    fn __bool__(&self) -> bool {
        self.0.allowed
    }
    fn __repr__(&self) -> String {
        format!(
            "ShareDecision(allowed={}, reason='{}')",
            if self.0.allowed { "True" } else { "False" },
            self.0.reason.key()
        )
    }
}

/// The minimum-necessary view of a plan for one recipient: sections not
/// shared are `None`.
#[pyclass(module = "carecoord.careplan", name = "PlanView", frozen)]
pub struct PlanView(core::PlanView);

#[pymethods]
impl PlanView {
    #[getter]
    fn plan_id(&self) -> String {
        self.0.plan_id.clone()
    }
    /// The plan version whose event records this disclosure.
    #[getter]
    fn disclosure_version(&self) -> u64 {
        self.0.disclosure_version
    }
    #[getter]
    fn status(&self) -> String {
        self.0.status.to_string()
    }
    #[getter]
    fn recipient(&self) -> Recipient {
        Recipient(self.0.recipient.clone())
    }
    #[getter]
    fn purpose(&self) -> String {
        self.0.purpose.to_string()
    }
    #[getter]
    fn basis(&self) -> String {
        self.0.basis.to_string()
    }
    #[getter]
    fn sections(&self) -> Vec<String> {
        keys(&self.0.sections)
    }
    #[getter]
    fn what_matters(&self) -> Option<Vec<String>> {
        self.0.what_matters.as_deref().map(strs)
    }
    #[getter]
    fn strengths(&self) -> Option<Vec<String>> {
        self.0.strengths.as_deref().map(strs)
    }
    #[getter]
    fn support_network(&self) -> Option<Vec<SupportPerson>> {
        self.0
            .support_network
            .as_ref()
            .map(|v| v.iter().cloned().map(SupportPerson).collect())
    }
    #[getter]
    fn goals(&self) -> Option<Vec<Goal>> {
        self.0
            .goals
            .as_ref()
            .map(|v| v.iter().cloned().map(Goal).collect())
    }
    #[getter]
    fn actions(&self) -> Option<Vec<Action>> {
        self.0
            .actions
            .as_ref()
            .map(|v| v.iter().cloned().map(Action).collect())
    }
    #[getter]
    fn risks(&self) -> Option<Vec<Risk>> {
        self.0
            .risks
            .as_ref()
            .map(|v| v.iter().cloned().map(Risk).collect())
    }
    #[getter]
    fn contingency(&self) -> Option<Vec<String>> {
        self.0.contingency.as_deref().map(strs)
    }
    #[getter]
    fn reviews(&self) -> Option<Vec<Review>> {
        self.0
            .reviews
            .as_ref()
            .map(|v| v.iter().cloned().map(Review).collect())
    }
    #[getter]
    fn next_review(&self) -> Option<NaiveDate> {
        self.0.next_review
    }
    /// The view in plain language (Markdown).
    fn to_markdown(&self) -> String {
        self.0.to_markdown()
    }
    fn _repr_markdown_(&self) -> String {
        self.0.to_markdown()
    }
    fn __repr__(&self) -> String {
        format!(
            "PlanView(plan_id='{}', recipient='{}', sections={})",
            self.0.plan_id,
            self.0.recipient.kind.key(),
            py_list(&keys(&self.0.sections))
        )
    }
}

/// Where a plan stands on its review.
#[pyclass(module = "carecoord.careplan", name = "ReviewStatus", frozen)]
pub struct ReviewStatus(core::ReviewStatus);

#[pymethods]
impl ReviewStatus {
    #[getter]
    fn plan_id(&self) -> String {
        self.0.plan_id.clone()
    }
    /// `overdue`, `unscheduled`, `due_soon`, `scheduled` or `not_applicable`.
    #[getter]
    fn state(&self) -> String {
        self.0.state.to_string()
    }
    #[getter]
    fn due(&self) -> Option<NaiveDate> {
        self.0.due
    }
    #[getter]
    fn working_days_overdue(&self) -> i64 {
        self.0.working_days_overdue
    }
    fn __repr__(&self) -> String {
        format!(
            "ReviewStatus(plan_id='{}', state='{}', due={})",
            self.0.plan_id,
            self.0.state.key(),
            self.0.due.map_or("None".to_owned(), |d| d.to_string())
        )
    }
}

/// One coded intervention.
#[pyclass(module = "carecoord.careplan", name = "ActivityRecord", frozen)]
pub struct ActivityRecord(core::ActivityRecord);

#[pymethods]
impl ActivityRecord {
    #[getter]
    fn plan_id(&self) -> String {
        self.0.plan_id.clone()
    }
    #[getter]
    fn version(&self) -> u64 {
        self.0.version
    }
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    #[getter]
    fn date(&self) -> NaiveDate {
        self.0.date
    }
    #[getter]
    fn key(&self) -> String {
        self.0.key.clone()
    }
    /// The SNOMED CT concept id.
    #[getter]
    fn code(&self) -> String {
        self.0.code.clone()
    }
    #[getter]
    fn actor(&self) -> String {
        self.0.actor.to_string()
    }
    fn __repr__(&self) -> String {
        format!(
            "ActivityRecord(plan_id='{}', date={}, key='{}', code='{}')",
            self.0.plan_id, self.0.date, self.0.key, self.0.code
        )
    }
}

/// How many interventions with one code fell in one period.
#[pyclass(module = "carecoord.careplan", name = "ActivityCount", frozen)]
pub struct ActivityCount(core::ActivityCount);

#[pymethods]
impl ActivityCount {
    #[getter]
    fn period_start(&self) -> NaiveDate {
        self.0.period_start
    }
    #[getter]
    fn code(&self) -> String {
        self.0.code.clone()
    }
    #[getter]
    fn key(&self) -> String {
        self.0.key.clone()
    }
    #[getter]
    fn count(&self) -> u64 {
        self.0.count
    }
    fn __repr__(&self) -> String {
        format!(
            "ActivityCount(period_start={}, code='{}', key='{}', count={})",
            self.0.period_start, self.0.code, self.0.key, self.0.count
        )
    }
}

/// A plan template (`frailty`, `dementia`, `long_term_conditions`,
/// `post_discharge`).
#[pyclass(module = "carecoord.careplan", name = "Template", frozen)]
pub struct Template(&'static core::Template);

#[pymethods]
impl Template {
    /// The built-in template with this key.
    #[staticmethod]
    fn get(#[pyo3(from_py_with = convert::text)] key: String) -> PyResult<Self> {
        core::Template::get(&key).map(Self).map_err(to_py_err)
    }
    /// Every built-in template.
    #[staticmethod]
    fn built_in() -> Vec<Self> {
        core::Template::built_in().iter().map(Self).collect()
    }
    #[getter]
    fn key(&self) -> &'static str {
        self.0.key
    }
    #[getter]
    fn title(&self) -> &'static str {
        self.0.title
    }
    #[getter]
    fn review_weeks(&self) -> u32 {
        self.0.review_weeks
    }
    /// The goals it suggests.
    #[getter]
    fn goals(&self) -> Vec<&'static str> {
        self.0.goals.iter().map(|g| g.description).collect()
    }
    /// The actions it suggests.
    #[getter]
    fn actions(&self) -> Vec<&'static str> {
        self.0.actions.iter().map(|a| a.what).collect()
    }
    /// The draft this template makes, as a history not yet stored.
    #[pyo3(signature = (plan_id, patient, *, actor, at))]
    fn preview(
        &self,
        #[pyo3(from_py_with = convert::text)] plan_id: String,
        #[pyo3(from_py_with = convert::text)] patient: String,
        actor: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<PlanHistory> {
        self.0
            .preview(
                &plan_id,
                core::PatientRef::new(patient),
                self::actor(actor)?,
                convert::instant(at, "at")?,
            )
            .map(PlanHistory)
            .map_err(to_py_err)
    }
    fn __repr__(&self) -> String {
        format!("Template('{}')", self.0.key)
    }
}

/// Stores share this surface; the GIL is released while they work.
fn store_execute(
    py: Python<'_>,
    store: &dyn core::PlanStore,
    plan_id: &str,
    command: core::Command,
) -> PyResult<Event> {
    py.detach(|| store.execute(plan_id, &command))
        .map(Event)
        .map_err(to_py_err)
}

macro_rules! store_methods {
    ($name:ident { $($own:tt)* }) => {
        #[pymethods]
        impl $name {
            $($own)*

            /// The history of one plan.
            fn load(&self, py: Python<'_>, #[pyo3(from_py_with = convert::text)] plan_id: String) -> PyResult<PlanHistory> {
                py.detach(|| self.0.load(&plan_id))
                    .map(PlanHistory)
                    .map_err(to_py_err)
            }
            /// Checks a change made on `version` against the stored plan and
            /// appends its event atomically; a stale version raises
            /// `StaleVersion` and writes nothing.
            #[pyo3(signature = (plan_id, change, *, version, actor, at, reason=None))]
            #[expect(
                clippy::too_many_arguments,
                reason = "Python keyword arguments, mirrored from PlanHistory.execute"
            )]
            fn execute(&self, py: Python<'_>, #[pyo3(from_py_with = convert::text)] plan_id: String, #[pyo3(from_py_with = convert::object::<Change>)] change: PyRef<'_, Change>, #[pyo3(from_py_with = convert::int::<u64>)] version: u64, actor: &Bound<'_, PyAny>, at: &Bound<'_, PyAny>, #[pyo3(from_py_with = convert::opt_text)] reason: Option<String>) -> PyResult<Event> {
                let command = command(&change, version, actor, at, reason)?;
                store_execute(py, &self.0, &plan_id, command)
            }
            /// Shares a stored plan: decides, appends the disclosure event and
            /// returns the view it records, all or nothing. Raises
            /// `ShareDenied` or `StaleVersion` with nothing written.
            #[pyo3(signature = (plan_id, recipient, purpose, *, version, actor, at, reason=None))]
            #[expect(
                clippy::too_many_arguments,
                reason = "Python keyword arguments, mirrored from execute"
            )]
            fn share(&self, py: Python<'_>, #[pyo3(from_py_with = convert::text)] plan_id: String, recipient: &Bound<'_, PyAny>, #[pyo3(from_py_with = convert::text)] purpose: String, #[pyo3(from_py_with = convert::int::<u64>)] version: u64, actor: &Bound<'_, PyAny>, at: &Bound<'_, PyAny>, #[pyo3(from_py_with = convert::opt_text)] reason: Option<String>) -> PyResult<PlanView> {
                let command = share_command(recipient, &purpose, version, actor, at, reason)?;
                py.detach(|| self.0.share(&plan_id, &command))
                    .map(PlanView)
                    .map_err(to_py_err)
            }
            /// Stores a new plan's whole history (e.g. a template preview).
            fn create(&self, py: Python<'_>, #[pyo3(from_py_with = convert::object::<PlanHistory>)] history: PyRef<'_, PlanHistory>) -> PyResult<u64> {
                let history = &history.0;
                py.detach(|| self.0.create(history)).map_err(to_py_err)
            }
            /// The ids of every plan.
            fn plan_ids(&self, py: Python<'_>) -> PyResult<Vec<String>> {
                py.detach(|| self.0.plan_ids()).map_err(to_py_err)
            }
            /// The reviews across every stored plan that need attention at
            /// `at`: overdue first, then unscheduled, then due soon.
            #[pyo3(signature = (at, soon_working_days=5))]
            fn reviews_due(&self, py: Python<'_>, at: &Bound<'_, PyAny>, #[pyo3(from_py_with = convert::int::<u32>)] soon_working_days: u32) -> PyResult<Vec<ReviewStatus>> {
                let at = convert::instant(at, "at")?;
                py.detach(|| self.0.reviews_due(at, soon_working_days))
                    .map(|v| v.into_iter().map(ReviewStatus).collect())
                    .map_err(to_py_err)
            }
            /// Every plan as it is now, in id order.
            fn plans(&self, py: Python<'_>) -> PyResult<Vec<CarePlan>> {
                py.detach(|| self.0.plans())
                    .map(|plans| plans.into_iter().map(CarePlan).collect())
                    .map_err(to_py_err)
            }
        }
    };
}

/// Plan histories in memory.
#[pyclass(module = "carecoord.careplan", name = "MemoryStore", frozen)]
pub struct MemoryStore(core::MemoryStore);

store_methods!(MemoryStore {
    #[new]
    fn new() -> Self {
        Self(core::MemoryStore::new())
    }
    fn __repr__(&self) -> &'static str {
        "MemoryStore()"
    }
});

/// Plan histories in an SQLite file, shared with Rust, Kotlin and Swift.
#[pyclass(module = "carecoord.careplan", name = "SqliteStore", frozen)]
pub struct SqliteStore(core::SqliteStore, PathBuf);

store_methods!(SqliteStore {
    /// Opens (or creates) the store at `path`.
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let opened = py.detach(|| core::SqliteStore::open(&path));
        opened.map(|s| Self(s, path)).map_err(to_py_err)
    }
    fn __repr__(&self) -> String {
        format!("SqliteStore('{}')", self.1.display())
    }
});

fn plan_arg(plan: &Bound<'_, PyAny>) -> PyResult<core::CarePlan> {
    plan.cast::<CarePlan>()
        .map(|p| p.get().0.clone())
        .map_err(|_| to_py_err(ArgumentError::wrong_type(Expected::Object("CarePlan"))))
}

/// May `plan` go to `recipient` for `purpose` at `at`? With the reason.
#[pyfunction]
fn can_share(
    #[pyo3(from_py_with = convert::object::<CarePlan>)] plan: PyRef<'_, CarePlan>,
    recipient: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = convert::text)] purpose: String,
    at: &Bound<'_, PyAny>,
) -> PyResult<ShareDecision> {
    Ok(ShareDecision(core::can_share(
        &plan.0,
        &self::recipient(recipient)?,
        word(purpose)?,
        convert::instant(at, "at")?,
    )))
}

/// The person's own plan in plain language (Markdown).
#[pyfunction]
fn person_summary(
    #[pyo3(from_py_with = convert::object::<CarePlan>)] plan: PyRef<'_, CarePlan>,
) -> PyResult<String> {
    core::person_summary(&plan.0).map_err(to_py_err)
}

/// The date the plan is next reviewed (Europe/London), or `None`.
#[pyfunction]
fn next_review(
    #[pyo3(from_py_with = convert::object::<CarePlan>)] plan: PyRef<'_, CarePlan>,
) -> PyResult<Option<NaiveDate>> {
    core::next_review(&plan.0).map_err(to_py_err)
}

/// Where `plan` stands on its review at `at`.
#[pyfunction]
#[pyo3(signature = (plan, at, soon_working_days=5))]
fn review_status(
    #[pyo3(from_py_with = convert::object::<CarePlan>)] plan: PyRef<'_, CarePlan>,
    at: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = convert::int::<u32>)] soon_working_days: u32,
) -> PyResult<ReviewStatus> {
    core::review_status(&plan.0, convert::instant(at, "at")?, soon_working_days)
        .map(ReviewStatus)
        .map_err(to_py_err)
}

/// The reviews across a caseload that need attention: overdue first, then
/// unscheduled, then due within `soon_working_days`.
#[pyfunction]
#[pyo3(signature = (plans, at, soon_working_days=5))]
fn reviews_due(
    #[pyo3(from_py_with = convert::sequence)] plans: Vec<Bound<'_, PyAny>>,
    at: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = convert::int::<u32>)] soon_working_days: u32,
) -> PyResult<Vec<ReviewStatus>> {
    let plans: Vec<core::CarePlan> = plans.iter().map(plan_arg).collect::<PyResult<_>>()?;
    core::reviews_due(&plans, convert::instant(at, "at")?, soon_working_days)
        .map(|v| v.into_iter().map(ReviewStatus).collect())
        .map_err(to_py_err)
}

/// Every coded intervention in a plan's history.
#[pyfunction]
fn activity(
    #[pyo3(from_py_with = convert::object::<PlanHistory>)] history: PyRef<'_, PlanHistory>,
) -> Vec<ActivityRecord> {
    core::activity(&history.0)
        .into_iter()
        .map(ActivityRecord)
        .collect()
}

/// Counts interventions by period (`week`, `month`, `quarter`,
/// `financial_year`), code and key.
#[pyfunction]
fn aggregate(
    #[pyo3(from_py_with = convert::objects::<ActivityRecord>)] records: Vec<
        PyRef<'_, ActivityRecord>,
    >,
    #[pyo3(from_py_with = convert::text)] period: String,
) -> PyResult<Vec<ActivityCount>> {
    let records: Vec<core::ActivityRecord> = records.iter().map(|r| r.0.clone()).collect();
    Ok(core::aggregate(&records, word(period)?)
        .into_iter()
        .map(ActivityCount)
        .collect())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Actor>()?;
    m.add_class::<Recipient>()?;
    m.add_class::<Change>()?;
    m.add_class::<Goal>()?;
    m.add_class::<Action>()?;
    m.add_class::<SupportPerson>()?;
    m.add_class::<Risk>()?;
    m.add_class::<Review>()?;
    m.add_class::<Consent>()?;
    m.add_class::<Disclosure>()?;
    m.add_class::<Event>()?;
    m.add_class::<CarePlan>()?;
    m.add_class::<PlanHistory>()?;
    m.add_class::<ShareDecision>()?;
    m.add_class::<PlanView>()?;
    m.add_class::<ReviewStatus>()?;
    m.add_class::<ActivityRecord>()?;
    m.add_class::<ActivityCount>()?;
    m.add_class::<Template>()?;
    m.add_class::<MemoryStore>()?;
    m.add_class::<SqliteStore>()?;
    m.add_function(wrap_pyfunction!(can_share, m)?)?;
    m.add_function(wrap_pyfunction!(person_summary, m)?)?;
    m.add_function(wrap_pyfunction!(next_review, m)?)?;
    m.add_function(wrap_pyfunction!(review_status, m)?)?;
    m.add_function(wrap_pyfunction!(reviews_due, m)?)?;
    m.add_function(wrap_pyfunction!(activity, m)?)?;
    m.add_function(wrap_pyfunction!(aggregate, m)?)?;
    Ok(())
}
