//! Commands (what a caller asks for) and events (what was done).

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::history::is_plain_id;
use super::model::{
    ActionStatus, Actor, ContactRole, Disclosure, GoalAchievement, GoalLifecycle, Owner,
    PatientRef, PlanStatus, Purpose, Recipient, Relationship, ReviewOutcome, ReviewSchedule, Scope,
    Text,
};

/// One change to a plan. A [`Command`] carries one; so does the [`Event`] it
/// becomes, with any id the command left out filled in.
///
/// Ids of new items (`id: None`) are given in order within the plan:
/// `goal-1`, `action-1`, `person-1`, `risk-1`, `consent-1`, …
///
/// Its `Debug` output shows the kind of change and its ids, words and dates,
/// but never free text, the patient, or text given where an id belongs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi(name = "PlanChange"))]
// Deliberately exhaustive: code that replays or mirrors events (the bindings
// among them) must be revisited when a kind of change is added.
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// Start a draft plan for a person.
    Create {
        /// The person.
        patient: PatientRef,
        /// The template it is started from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        template: Option<String>,
    },
    /// Record the person's registered GP practice (its ODS code): the one
    /// practice that receives the plan for direct care without consent.
    SetRegisteredPractice {
        /// The practice's ODS code.
        practice: String,
    },
    /// Replace what matters to the person (never empty once the plan is
    /// agreed).
    SetWhatMatters {
        /// In their words, most important first.
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        items: Vec<Text>,
    },
    /// Replace their strengths.
    SetStrengths {
        /// Their strengths.
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        items: Vec<Text>,
    },
    /// Add someone to the support network.
    AddSupportPerson {
        /// The id to use, or `None` for the next `person-N`.
        #[serde(default)]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        id: Option<String>,
        /// How the person names them.
        name: Text,
        /// How they are related.
        relationship: Relationship,
        /// What they are to be contacted as.
        contact_role: ContactRole,
        /// How to reach them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        contact: Option<Text>,
    },
    /// Remove someone from the support network (their consents end with it).
    RemoveSupportPerson {
        /// Their id.
        id: String,
    },
    /// Add a goal (lifecycle `proposed` in a draft plan, `active` otherwise).
    AddGoal {
        /// The id to use, or `None` for the next `goal-N`.
        #[serde(default)]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        id: Option<String>,
        /// The goal in the person's words.
        description: Text,
        /// When it should be reached.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        target: Option<NaiveDate>,
    },
    /// Change a goal's status or target. Absent fields stay as they are.
    UpdateGoal {
        /// The goal.
        id: String,
        /// The new lifecycle status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        lifecycle: Option<GoalLifecycle>,
        /// The new achievement status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        achievement: Option<GoalAchievement>,
        /// The new target date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        target: Option<NaiveDate>,
    },
    /// Add an action.
    AddAction {
        /// The id to use, or `None` for the next `action-N`.
        #[serde(default)]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        id: Option<String>,
        /// What will be done.
        what: Text,
        /// Who will do it.
        owner: Owner,
        /// By when.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        due: Option<NaiveDate>,
        /// The goals it serves.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        goals: Vec<String>,
    },
    /// Change an action's status, due date or owner. Absent fields stay.
    UpdateAction {
        /// The action.
        id: String,
        /// The new status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        status: Option<ActionStatus>,
        /// The new due date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        due: Option<NaiveDate>,
        /// The new owner.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        owner: Option<Owner>,
    },
    /// Say who in the support network takes part in an action, and whether
    /// the person agreed it may be seen by everyone they share the plan with.
    /// Carers and family see only the actions they take part in or that are
    /// shareable.
    SetActionSharing {
        /// The action.
        id: String,
        /// Support people (ids) who take part.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        participants: Vec<String>,
        /// Shareable with the whole support network.
        #[serde(default)]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        shareable: bool,
    },
    /// Record that a referral was made for an action.
    LinkReferral {
        /// The action.
        action: String,
        /// The referral's id.
        referral: String,
        /// The SNOMED CT code of the referral, for coded activity
        /// (3457005 |Patient referral| if absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        code: Option<String>,
    },
    /// Record that an appointment was arranged for an action.
    LinkAppointment {
        /// The action.
        action: String,
        /// The appointment's id.
        appointment: String,
    },
    /// Add a risk and what to do if it happens.
    AddRisk {
        /// The id to use, or `None` for the next `risk-N`.
        #[serde(default)]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        id: Option<String>,
        /// The risk.
        description: Text,
        /// What to do if things get worse.
        contingency: Text,
    },
    /// Link a risk to the actions that address it: a service sees a risk
    /// only when it owns one of them.
    SetRiskActions {
        /// The risk.
        id: String,
        /// The actions (ids).
        actions: Vec<String>,
    },
    /// Remove a risk that no longer applies.
    RemoveRisk {
        /// The risk.
        id: String,
    },
    /// Set or clear when the plan is reviewed.
    SetReviewSchedule {
        /// The schedule, or `None` to clear it.
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        schedule: Option<ReviewSchedule>,
    },
    /// Record a review held today (Europe/London date of the command).
    RecordReview {
        /// What came of it.
        outcome: ReviewOutcome,
        /// Notes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        notes: Option<Text>,
    },
    /// Record the person's consent to share.
    RecordConsent {
        /// The id to use, or `None` for the next `consent-N`.
        #[serde(default)]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        id: Option<String>,
        /// Who may receive the plan.
        recipient: Recipient,
        /// What they may receive.
        scope: Scope,
        /// From when (the command's time if absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default, name = "start"))]
        from: Option<DateTime<Utc>>,
        /// Until when.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default, name = "end"))]
        until: Option<DateTime<Utc>>,
    },
    /// Record that the person withdrew a consent (from the command's time).
    WithdrawConsent {
        /// The consent.
        id: String,
    },
    /// Share the plan: checked with [`can_share`](super::can_share) and, if
    /// allowed, recorded as a disclosure. Sharing for safeguarding without
    /// consent needs a reason (the justification).
    Share {
        /// Who receives it.
        recipient: Recipient,
        /// Why.
        purpose: Purpose,
    },
    /// Record an intervention with its SNOMED CT code (e.g. a carer contacted).
    RecordActivity {
        /// A short stable word for the intervention, e.g. `carer_contacted`.
        key: String,
        /// Its SNOMED CT concept id.
        code: String,
    },
    /// Move the plan to another FHIR status.
    ChangeStatus {
        /// The status to move to.
        to: PlanStatus,
    },
}

impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Through the serialised form, so that no kind of change (today's or
        // one added later) can show a field without the redaction.
        let mut value = serde_json::to_value(self).map_err(|_| fmt::Error)?;
        redact(&mut value, None);
        write!(f, "Change({value})")
    }
}

/// Fields whose strings are ids, vocabulary words or dates: shown when they
/// have the shape of an id. Every other string (free text, the patient, and
/// any field added later until it is listed here) is `<redacted>`.
const SHOWN_FIELDS: &[&str] = &[
    "type",
    "id",
    "action",
    "referral",
    "appointment",
    "goals",
    "key",
    "code",
    "practice",
    "template",
    "kind",
    "purpose",
    "to",
    "status",
    "lifecycle",
    "achievement",
    "relationship",
    "contact_role",
    "outcome",
    "scope",
    "sections",
    "role",
    "organisation",
    "due",
    "target",
    "from",
    "until",
    "on",
    "participants",
    "actions",
];

fn redact(value: &mut serde_json::Value, key: Option<&str>) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            let shown = key.is_some_and(|k| SHOWN_FIELDS.contains(&k)) && is_plain_id(s);
            if !shown {
                *s = "<redacted>".to_owned();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact(v, key)),
        Value::Object(map) => map.iter_mut().for_each(|(k, v)| redact(v, Some(k))),
        _ => {}
    }
}

impl Change {
    /// The stable name of this kind of change, e.g. `add_goal`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Create { .. } => "create",
            Self::SetRegisteredPractice { .. } => "set_registered_practice",
            Self::SetWhatMatters { .. } => "set_what_matters",
            Self::SetStrengths { .. } => "set_strengths",
            Self::AddSupportPerson { .. } => "add_support_person",
            Self::RemoveSupportPerson { .. } => "remove_support_person",
            Self::AddGoal { .. } => "add_goal",
            Self::UpdateGoal { .. } => "update_goal",
            Self::AddAction { .. } => "add_action",
            Self::UpdateAction { .. } => "update_action",
            Self::SetActionSharing { .. } => "set_action_sharing",
            Self::LinkReferral { .. } => "link_referral",
            Self::LinkAppointment { .. } => "link_appointment",
            Self::AddRisk { .. } => "add_risk",
            Self::SetRiskActions { .. } => "set_risk_actions",
            Self::RemoveRisk { .. } => "remove_risk",
            Self::SetReviewSchedule { .. } => "set_review_schedule",
            Self::RecordReview { .. } => "record_review",
            Self::RecordConsent { .. } => "record_consent",
            Self::WithdrawConsent { .. } => "withdraw_consent",
            Self::Share { .. } => "share",
            Self::RecordActivity { .. } => "record_activity",
            Self::ChangeStatus { .. } => "change_status",
        }
    }
}

/// A request to change a plan.
///
/// `expected_version` is the plan version the caller read (0 to create): if
/// the plan has moved on, the command fails with
/// [`StaleVersion`](super::CarePlanErrorKind::StaleVersion) and nothing is
/// written, so no one's update is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Command {
    /// The version the caller read.
    pub expected_version: u64,
    /// Who is acting (a role).
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// Why (needed to revoke, to mark an active plan entered-in-error, and to
    /// share for safeguarding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
    /// The change.
    pub change: Change,
}

impl Command {
    /// A command with no reason.
    pub fn new(expected_version: u64, actor: Actor, at: DateTime<Utc>, change: Change) -> Self {
        Self {
            expected_version,
            actor,
            at,
            reason: None,
            change,
        }
    }

    /// The same command with a reason.
    #[must_use]
    pub fn because(mut self, reason: impl Into<Text>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// One entry in a plan's immutable history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi(name = "PlanEvent"))]
pub struct Event {
    /// The plan version this event made (1 for creation).
    pub version: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (a role).
    pub actor: Actor,
    /// Why, if a reason was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
    /// What changed (new items' ids always filled in).
    pub change: Change,
    /// For a share, what was disclosed and on what basis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<Disclosure>,
}
