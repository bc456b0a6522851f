//! What a personalised care and support plan holds.
//!
//! Free text (what matters to the person, goals, actions, names, contact
//! details) is held as [`Text`], and the patient as a [`PatientRef`]: neither
//! prints itself through `Debug`, so a plan can be logged or put in an error
//! report without leaking what the person said.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Free text written by or about the person. `Debug` shows only that text is
/// there; read it with [`Text::as_str`] where it must be shown to someone.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    /// Wraps text.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text itself, for showing to someone entitled to read it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the text is empty or only white space.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Text(<redacted>)")
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self(text)
    }
}

/// An opaque reference to the patient the plan is for (a local record id or
/// an NHS number held as text). Never printed by `Debug`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PatientRef(String);

impl PatientRef {
    /// Wraps a reference.
    pub fn new(reference: impl Into<String>) -> Self {
        Self(reference.into())
    }

    /// The reference itself, for storing or for a system entitled to it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PatientRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PatientRef(***)")
    }
}

/// Defines a closed vocabulary: an enum with its stable words (FHIR codes
/// where FHIR has them), `key`, `parse`, `Display` and serde as the word.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])* $name:ident, $field:literal {
            $($(#[$vmeta:meta])* $variant:ident = $key:literal),+ $(,)?
        }
    ) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "uniffi", derive(::uniffi::Enum))]
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $key)] $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable word for this value.
            pub fn key(self) -> &'static str {
                match self {
                    $(Self::$variant => $key),+
                }
            }

            /// Reads the stable word.
            pub fn parse(word: &str) -> Result<Self, $crate::careplan::CarePlanError> {
                match word {
                    $($key => Ok(Self::$variant),)+
                    _ => Err($crate::careplan::CarePlanError::new($crate::careplan::CarePlanErrorKind::UnknownWord {
                        field: $field,
                        allowed: &[$($key),+],
                    })),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.key())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::careplan::CarePlanError;
            fn from_str(word: &str) -> Result<Self, $crate::careplan::CarePlanError> {
                Self::parse(word)
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// The FHIR CarePlan status.
    ///
    /// draft → active ⇄ on-hold → completed or revoked; entered-in-error from
    /// draft freely, from anything else only with a reason. Completed, revoked
    /// and entered-in-error plans are closed: no more edits.
    PlanStatus, "status" {
        /// Being written, not yet agreed with the person.
        Draft = "draft",
        /// Agreed and in force.
        Active = "active",
        /// Paused (e.g. a hospital stay).
        OnHold = "on-hold",
        /// Ended before it was completed.
        Revoked = "revoked",
        /// Finished.
        Completed = "completed",
        /// Should never have existed (e.g. the wrong person's record).
        EnteredInError = "entered-in-error",
    }
}

impl PlanStatus {
    /// Whether the plan is closed to edits.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Revoked | Self::Completed | Self::EnteredInError)
    }
}

vocabulary! {
    /// The FHIR Goal lifecycle status.
    GoalLifecycle, "lifecycle" {
        /// Suggested, not yet agreed.
        Proposed = "proposed",
        /// Agreed, not yet being worked on.
        Planned = "planned",
        /// Accepted by the person.
        Accepted = "accepted",
        /// Being worked on.
        Active = "active",
        /// Paused.
        OnHold = "on-hold",
        /// No longer being worked on because it was reached or ended.
        Completed = "completed",
        /// Abandoned.
        Cancelled = "cancelled",
        /// Recorded by mistake.
        EnteredInError = "entered-in-error",
        /// Declined by the person.
        Rejected = "rejected",
    }
}

vocabulary! {
    /// The FHIR Goal achievement status.
    GoalAchievement, "achievement" {
        /// Being attempted.
        InProgress = "in-progress",
        /// Getting closer.
        Improving = "improving",
        /// Getting further away.
        Worsening = "worsening",
        /// No change.
        NoChange = "no-change",
        /// Reached.
        Achieved = "achieved",
        /// Reached and being kept up.
        Sustaining = "sustaining",
        /// Not reached.
        NotAchieved = "not-achieved",
        /// No progress.
        NoProgress = "no-progress",
        /// Cannot be reached.
        NotAttainable = "not-attainable",
    }
}

vocabulary! {
    /// The status of an action (FHIR CarePlan activity status).
    ActionStatus, "status" {
        /// Not started.
        NotStarted = "not-started",
        /// Arranged for a time.
        Scheduled = "scheduled",
        /// Under way.
        InProgress = "in-progress",
        /// Paused.
        OnHold = "on-hold",
        /// Done.
        Completed = "completed",
        /// Will not be done.
        Cancelled = "cancelled",
        /// Stopped part way.
        Stopped = "stopped",
        /// Not known.
        Unknown = "unknown",
        /// Recorded by mistake.
        EnteredInError = "entered-in-error",
    }
}

vocabulary! {
    /// A role: who acted or who owns an action. Plans record roles, never
    /// names of staff.
    Role, "role" {
        /// The care coordinator.
        CareCoordinator = "care_coordinator",
        /// A GP.
        Gp = "gp",
        /// A practice or community nurse.
        Nurse = "nurse",
        /// A clinical pharmacist.
        Pharmacist = "pharmacist",
        /// A social prescribing link worker.
        SocialPrescribingLinkWorker = "social_prescribing_link_worker",
        /// A health and wellbeing coach.
        HealthAndWellbeingCoach = "health_and_wellbeing_coach",
        /// A mental health practitioner.
        MentalHealthPractitioner = "mental_health_practitioner",
        /// A physiotherapist or occupational therapist.
        Therapist = "therapist",
        /// A social worker.
        SocialWorker = "social_worker",
        /// The named safeguarding lead.
        SafeguardingLead = "safeguarding_lead",
        /// Practice administration.
        Administrator = "administrator",
        /// The person the plan is for.
        Patient = "patient",
        /// An unpaid carer.
        Carer = "carer",
        /// A family member.
        FamilyMember = "family_member",
        /// A service (named by its organisation id).
        Service = "service",
        /// An automated process.
        System = "system",
    }
}

vocabulary! {
    /// How someone in the support network is related to the person.
    Relationship, "relationship" {
        /// Husband, wife or partner.
        SpouseOrPartner = "spouse_or_partner",
        /// Son or daughter.
        Child = "child",
        /// Other family.
        OtherFamily = "other_family",
        /// A friend.
        Friend = "friend",
        /// A neighbour.
        Neighbour = "neighbour",
        /// A paid carer or care agency.
        PaidCarer = "paid_carer",
        /// Anyone else.
        Other = "other",
    }
}

vocabulary! {
    /// What someone in the support network is to be contacted as.
    ContactRole, "contact_role" {
        /// The main unpaid carer.
        MainCarer = "main_carer",
        /// Another unpaid carer.
        Carer = "carer",
        /// Next of kin.
        NextOfKin = "next_of_kin",
        /// Who to call in an emergency.
        EmergencyContact = "emergency_contact",
        /// Holds a lasting power of attorney for health and welfare.
        LastingPowerOfAttorney = "lasting_power_of_attorney",
        /// Informal support (visits, shopping, lifts).
        InformalSupport = "informal_support",
    }
}

vocabulary! {
    /// What came of a review.
    ReviewOutcome, "outcome" {
        /// The plan continues as it is.
        Continue = "continue",
        /// The plan was changed at the review.
        Revised = "revised",
        /// Needs beyond the plan were escalated.
        Escalated = "escalated",
        /// The plan can be closed.
        Close = "close",
    }
}

/// Someone who acted on a plan: a role and, where it matters, the
/// organisation (an ODS code or a service id). Never a person's name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Actor {
    /// The role.
    pub role: Role,
    /// The organisation's id, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub organisation: Option<String>,
}

impl Actor {
    /// An actor with a role and no organisation.
    pub fn new(role: Role) -> Self {
        Self {
            role,
            organisation: None,
        }
    }

    /// The same actor within an organisation.
    #[must_use]
    pub fn at(mut self, organisation: impl Into<String>) -> Self {
        self.organisation = Some(organisation.into());
        self
    }
}

/// Who owns an action: a role and, for services and practices, the
/// organisation's id.
pub type Owner = Actor;

/// Someone in the person's support network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SupportPerson {
    /// The id within the plan (what consents name).
    pub id: String,
    /// How the person names them.
    pub name: Text,
    /// How they are related.
    pub relationship: Relationship,
    /// What they are to be contacted as.
    pub contact_role: ContactRole,
    /// How to reach them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Text>,
}

/// A goal agreed with the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Goal {
    /// The id within the plan.
    pub id: String,
    /// The goal in the person's words.
    pub description: Text,
    /// When it should be reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<NaiveDate>,
    /// FHIR lifecycle status.
    pub lifecycle: GoalLifecycle,
    /// FHIR achievement status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement: Option<GoalAchievement>,
}

/// An action: what will be done, by whom, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "uniffi",
    derive(uniffi::Record),
    uniffi(name = "PlanAction")
)]
pub struct Action {
    /// The id within the plan.
    pub id: String,
    /// What will be done.
    pub what: Text,
    /// Who will do it.
    pub owner: Owner,
    /// By when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Its status.
    pub status: ActionStatus,
    /// The goals it serves (goal ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<String>,
    /// Referrals made for it (referral ids, as routing knows them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referrals: Vec<String>,
    /// Appointments arranged for it (appointment ids, as a diary knows them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appointments: Vec<String>,
    /// The people in the support network who take part in it (their ids):
    /// a carer or family member sees an action only if they take part or
    /// the person marked it `shareable`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<String>,
    /// Whether the person agreed that everyone they share the plan with may
    /// see this action.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shareable: bool,
}

/// A risk and what to do if it happens ("what to do if things get worse").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Risk {
    /// The id within the plan.
    pub id: String,
    /// The risk.
    pub description: Text,
    /// What to do if it happens.
    pub contingency: Text,
    /// The actions that address it (action ids): a service sees a risk only
    /// when it owns one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
}

/// When the plan is next reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ReviewSchedule {
    /// Every N weeks from the plan being agreed or last reviewed, moved to
    /// the next working day when it falls on a weekend or bank holiday.
    EveryWeeks(#[cfg_attr(feature = "uniffi", uniffi(name = "weeks"))] u32),
    /// On a set date.
    On(#[cfg_attr(feature = "uniffi", uniffi(name = "date"))] NaiveDate),
}

impl ReviewSchedule {
    /// The schedule from the two ways of giving one: every N weeks, or on a
    /// date; neither clears the schedule (`None`), both is refused.
    ///
    /// ```
    /// use carecoord::careplan::ReviewSchedule;
    /// assert_eq!(ReviewSchedule::from_options(Some(12), None)?, Some(ReviewSchedule::EveryWeeks(12)));
    /// assert_eq!(ReviewSchedule::from_options(None, None)?, None);
    /// let both = ReviewSchedule::from_options(Some(12), chrono::NaiveDate::from_ymd_opt(2027, 1, 4));
    /// assert_eq!(both.unwrap_err().code(), "careplan.invalid_value");
    /// # Ok::<(), carecoord::careplan::CarePlanError>(())
    /// ```
    pub fn from_options(
        every_weeks: Option<u32>,
        on: Option<NaiveDate>,
    ) -> Result<Option<Self>, super::CarePlanError> {
        match (every_weeks, on) {
            (Some(_), Some(_)) => Err(super::CarePlanError::new(
                super::CarePlanErrorKind::InvalidValue {
                    field: "review_schedule",
                    expected: "is every N weeks or on a date, not both",
                },
            )),
            (Some(weeks), None) => Ok(Some(Self::EveryWeeks(weeks))),
            (None, Some(date)) => Ok(Some(Self::On(date))),
            (None, None) => Ok(None),
        }
    }
}

/// A review of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "uniffi",
    derive(uniffi::Record),
    uniffi(name = "PlanReview")
)]
pub struct Review {
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// The Europe/London date of the review.
    pub date: NaiveDate,
    /// What came of it.
    pub outcome: ReviewOutcome,
    /// Who reviewed (a role).
    pub by: Role,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<Text>,
}

vocabulary! {
    /// Who information can go to.
    RecipientKind, "recipient" {
        /// An unpaid carer in the support network (id: the support person).
        Carer = "carer",
        /// A family member in the support network (id: the support person).
        FamilyMember = "family_member",
        /// The person's GP practice (id: its ODS code).
        GpPractice = "gp_practice",
        /// A named service (id: its directory id).
        Service = "service",
        /// The named safeguarding lead (id: theirs).
        SafeguardingLead = "safeguarding_lead",
    }
}

/// A recipient of shared information.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Recipient {
    /// What kind of recipient.
    pub kind: RecipientKind,
    /// Which one: a support person id, an ODS code or a service id.
    pub id: String,
}

impl Recipient {
    /// A recipient of a kind with an id.
    pub fn new(kind: RecipientKind, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.into(),
        }
    }
}

vocabulary! {
    /// A part of a plan that can be shared.
    #[cfg_attr(feature = "uniffi", uniffi(name = "PlanSection"))]
    Section, "section" {
        /// What matters to the person.
        WhatMatters = "what_matters",
        /// Strengths.
        Strengths = "strengths",
        /// The support network and contact details.
        SupportNetwork = "support_network",
        /// Goals.
        Goals = "goals",
        /// Actions (what, who, when, status).
        Actions = "actions",
        /// Which referrals and appointments serve each action.
        Links = "links",
        /// Risks (clinical).
        Risks = "risks",
        /// What to do if things get worse.
        Contingency = "contingency",
        /// Review history and outcomes (clinical).
        Reviews = "reviews",
        /// The next review date.
        NextReview = "next_review",
    }
}

/// What a consent covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Scope {
    /// Everything the recipient may need.
    WholePlan,
    /// What matters, goals and the next review only.
    Summary,
    /// Named sections.
    Sections(#[cfg_attr(feature = "uniffi", uniffi(name = "sections"))] Vec<Section>),
}

impl std::str::FromStr for Scope {
    type Err = super::CarePlanError;
    /// The scopes written as one word: `whole_plan` or `summary`. Named
    /// sections are a list, each read as a [`Section`].
    ///
    /// ```
    /// use carecoord::careplan::Scope;
    /// assert_eq!("summary".parse::<Scope>()?, Scope::Summary);
    /// assert_eq!("all".parse::<Scope>().unwrap_err().code(), "careplan.unknown_word");
    /// # Ok::<(), carecoord::careplan::CarePlanError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "whole_plan" => Ok(Self::WholePlan),
            "summary" => Ok(Self::Summary),
            _ => Err(super::CarePlanError::new(
                super::CarePlanErrorKind::UnknownWord {
                    field: "scope",
                    allowed: &["whole_plan", "summary"],
                },
            )),
        }
    }
}

/// The person's consent to share their plan with someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "uniffi",
    derive(uniffi::Record),
    uniffi(name = "PlanConsent")
)]
pub struct Consent {
    /// The id within the plan.
    pub id: String,
    /// Who may receive the plan.
    pub recipient: Recipient,
    /// What they may receive.
    pub scope: Scope,
    /// From when.
    #[cfg_attr(feature = "uniffi", uniffi(name = "start"))]
    pub from: DateTime<Utc>,
    /// Until when (open-ended if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(name = "end"))]
    pub until: Option<DateTime<Utc>>,
    /// When it was withdrawn, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<DateTime<Utc>>,
    /// Who recorded it (a role).
    pub recorded_by: Role,
}

impl Consent {
    /// Whether the consent is in force at `at`.
    pub fn in_force(&self, at: DateTime<Utc>) -> bool {
        self.from <= at
            && self.until.is_none_or(|until| at < until)
            && self.withdrawn.is_none_or(|withdrawn| at < withdrawn)
    }
}

vocabulary! {
    /// Why information may be shared.
    Purpose, "purpose" {
        /// Providing the person's care.
        DirectCare = "direct_care",
        /// Supporting the person's carer in caring.
        CarerSupport = "carer_support",
        /// Protecting the person (or others) from abuse or neglect.
        Safeguarding = "safeguarding",
    }
}

vocabulary! {
    /// The lawful basis a share rested on.
    ShareBasis, "basis" {
        /// The person's recorded consent.
        Consent = "consent",
        /// The registered GP practice, for direct care (no objection recorded).
        DirectCare = "direct_care",
        /// Safeguarding, without consent, with a recorded justification.
        Safeguarding = "safeguarding",
    }
}

/// A record that information was shared: part of the plan's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Disclosure {
    /// Who received it.
    pub recipient: Recipient,
    /// Why.
    pub purpose: Purpose,
    /// On what basis.
    pub basis: ShareBasis,
    /// The consent relied on, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<String>,
    /// The sections shared.
    pub sections: Vec<Section>,
}

/// A personalised care and support plan: the fold of its history.
///
/// Build one with [`PlanHistory`](super::PlanHistory); every change is a
/// [`Command`](super::Command) that becomes an [`Event`](super::Event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CarePlan {
    /// The plan's id.
    pub id: String,
    /// The person the plan is for.
    pub patient: PatientRef,
    /// The number of events applied (1 after creation).
    pub version: u64,
    /// The FHIR CarePlan status.
    pub status: PlanStatus,
    /// The template it was started from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The person's registered GP practice (its ODS code), the one practice
    /// that receives the plan for direct care without consent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_practice: Option<String>,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it last changed.
    pub updated: DateTime<Utc>,
    /// When it was agreed (first made active).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed: Option<DateTime<Utc>>,
    /// What matters to the person, in their words.
    pub what_matters: Vec<Text>,
    /// Their strengths.
    pub strengths: Vec<Text>,
    /// Carers, next of kin and other support.
    pub support_network: Vec<SupportPerson>,
    /// Goals.
    pub goals: Vec<Goal>,
    /// Actions.
    pub actions: Vec<Action>,
    /// Risks and what to do if things get worse.
    pub risks: Vec<Risk>,
    /// When it is reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_schedule: Option<ReviewSchedule>,
    /// Reviews held.
    pub reviews: Vec<Review>,
    /// Consents to share.
    pub consents: Vec<Consent>,
    /// What was shared, with whom, on what basis.
    pub disclosures: Vec<Disclosure>,
}

impl CarePlan {
    /// The goal with this id.
    pub fn goal(&self, id: &str) -> Option<&Goal> {
        self.goals.iter().find(|g| g.id == id)
    }

    /// The action with this id.
    pub fn action(&self, id: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.id == id)
    }

    /// The support person with this id.
    pub fn support_person(&self, id: &str) -> Option<&SupportPerson> {
        self.support_network.iter().find(|p| p.id == id)
    }

    /// The consent with this id.
    pub fn consent(&self, id: &str) -> Option<&Consent> {
        self.consents.iter().find(|c| c.id == id)
    }

    /// The last review, if any.
    pub fn last_review(&self) -> Option<&Review> {
        self.reviews.last()
    }
}
