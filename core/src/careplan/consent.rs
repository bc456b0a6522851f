//! Consent-governed sharing: who may see a plan, why, and exactly which
//! parts (the minimum-necessary view for that recipient).
//!
//! The rules, in order:
//!
//! 1. A plan entered in error is never shared.
//! 2. The safeguarding lead receives the whole plan for safeguarding without
//!    consent; the share must record a justification (the command's reason).
//! 3. A draft plan (not yet agreed with the person) is not shared otherwise,
//!    and neither is a revoked one (the person or the practice withdrew it).
//! 4. Carer support is a purpose for carers only.
//! 5. A carer or family member must be in the person's support network.
//! 6. Consents in force for the recipient at the time are combined; what is
//!    shared is what they cover *and* what that kind of recipient needs.
//! 7. With no consent in force, the person's registered GP practice (the one
//!    recorded with [`Change::SetRegisteredPractice`](super::Change)) still
//!    receives the plan for direct care, unless the person has objected: a
//!    withdrawn consent for any GP practice is an objection to sharing with
//!    their GP. Every other practice, and everyone else, is refused, with the
//!    reason.
//!
//! Data leaves a plan only through a recorded share:
//! [`PlanHistory::share`](super::PlanHistory::share) and
//! [`PlanStore::share`](super::PlanStore::share) decide, record the
//! disclosure as an event and return the view in one step. [`can_share`]
//! answers the question without releasing anything.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::error::{CarePlanError, CarePlanErrorKind};
use super::model::{
    Action, CarePlan, Disclosure, Goal, PlanStatus, Purpose, Recipient, RecipientKind, Review,
    Risk, Scope, Section, ShareBasis, SupportPerson, Text, vocabulary,
};
use super::review::next_review;

vocabulary! {
    /// Why a share was allowed or refused.
    ShareReason, "reason" {
        /// Allowed: the person's consent is in force.
        ConsentInForce = "consent_in_force",
        /// Allowed: the registered GP practice, for direct care.
        GpDirectCare = "gp_direct_care",
        /// Allowed: the safeguarding lead, for safeguarding, without consent.
        Safeguarding = "safeguarding",
        /// Refused: the plan was entered in error.
        PlanEnteredInError = "plan_entered_in_error",
        /// Refused: the plan is a draft not yet agreed with the person.
        PlanNotAgreed = "plan_not_agreed",
        /// Refused: the plan was revoked.
        PlanRevoked = "plan_revoked",
        /// Refused: direct care without consent goes only to the person's
        /// registered GP practice, and this is not it (or none is recorded).
        NotRegisteredPractice = "not_registered_practice",
        /// Refused: the purpose does not apply to this recipient.
        PurposeNotCovered = "purpose_not_covered",
        /// Refused: the carer or family member is not in the support network.
        UnknownRecipient = "unknown_recipient",
        /// Refused: no consent was recorded for this recipient.
        NoConsent = "no_consent",
        /// Refused: the person withdrew their consent.
        ConsentWithdrawn = "consent_withdrawn",
        /// Refused: the consent has expired.
        ConsentExpired = "consent_expired",
        /// Refused: the consent starts later.
        ConsentNotYetInForce = "consent_not_yet_in_force",
        /// Refused: the person objected to sharing with their GP practice.
        ObjectionRecorded = "objection_recorded",
        /// Refused: the consent covers nothing this recipient needs.
        NothingToShare = "nothing_to_share",
    }
}

impl ShareReason {
    /// The reason in plain words.
    pub fn message(self) -> &'static str {
        match self {
            Self::ConsentInForce => "the person's consent to share with this recipient is in force",
            Self::GpDirectCare => {
                "the registered GP practice receives the plan for direct care; no objection is recorded"
            }
            Self::Safeguarding => {
                "shared with the safeguarding lead for safeguarding without consent; the justification is recorded"
            }
            Self::PlanEnteredInError => "the plan was entered in error and is never shared",
            Self::PlanNotAgreed => "the plan is a draft not yet agreed with the person",
            Self::PlanRevoked => "the plan was revoked and is no longer shared",
            Self::NotRegisteredPractice => {
                "without consent, direct care goes only to the person's recorded registered GP practice"
            }
            Self::PurposeNotCovered => "this purpose does not apply to this recipient",
            Self::UnknownRecipient => "this carer or family member is not in the support network",
            Self::NoConsent => "the person has not consented to share with this recipient",
            Self::ConsentWithdrawn => "the person withdrew their consent",
            Self::ConsentExpired => "the person's consent has expired",
            Self::ConsentNotYetInForce => "the person's consent is not yet in force",
            Self::ObjectionRecorded => "the person objected to sharing with their GP practice",
            Self::NothingToShare => "the consent covers nothing this recipient needs",
        }
    }
}

/// The answer to "may this plan go to this recipient, for this purpose, now?"
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareDecision {
    /// Whether sharing is allowed.
    pub allowed: bool,
    /// Why.
    pub reason: ShareReason,
    /// The basis it rests on, when allowed.
    pub basis: Option<ShareBasis>,
    /// The consent relied on (the first in force), when consent is the basis.
    pub consent: Option<String>,
    /// The sections that may be shared (empty when refused).
    pub sections: Vec<Section>,
}

impl ShareDecision {
    fn deny(reason: ShareReason) -> Self {
        Self {
            allowed: false,
            reason,
            basis: None,
            consent: None,
            sections: Vec::new(),
        }
    }

    /// The error for a refused share.
    pub(crate) fn refused(&self) -> CarePlanError {
        CarePlanError::new(CarePlanErrorKind::ShareDenied {
            reason: self.reason.key(),
            message: self.reason.message(),
        })
    }

    pub(crate) fn disclosure(&self, recipient: Recipient, purpose: Purpose) -> Option<Disclosure> {
        Some(Disclosure {
            recipient,
            purpose,
            basis: self.basis?,
            consent: self.consent.clone(),
            sections: self.sections.clone(),
        })
    }
}

/// The most a kind of recipient ever needs, whatever the consent says.
pub fn sections_for(kind: RecipientKind) -> &'static [Section] {
    use Section::*;
    match kind {
        // Carers and family: what to help with and what to do if things get
        // worse; not clinical risks, review notes, links or others' contacts.
        RecipientKind::Carer | RecipientKind::FamilyMember => &[
            WhatMatters,
            Strengths,
            Goals,
            Actions,
            Contingency,
            NextReview,
        ],
        // A service: the person's priorities and the work it is part of.
        RecipientKind::Service => &[WhatMatters, Goals, Actions, Risks, Contingency, NextReview],
        RecipientKind::GpPractice | RecipientKind::SafeguardingLead => Section::ALL,
    }
}

fn scope_sections(scope: &Scope) -> &[Section] {
    use Section::*;
    match scope {
        Scope::WholePlan => Section::ALL,
        Scope::Summary => &[WhatMatters, Goals, NextReview],
        Scope::Sections(sections) => sections,
    }
}

/// Decides whether `plan` may go to `recipient` for `purpose` at `at`, on
/// what basis, and which sections.
///
/// ```
/// use carecoord::careplan::{can_share, Purpose, Recipient, RecipientKind, ShareReason};
/// # use carecoord::careplan::{Actor, Change, Command, PatientRef, PlanHistory, Role};
/// # use chrono::{TimeZone, Utc};
/// # let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
/// # let mut history = PlanHistory::new("plan-1")?;
/// # history.execute(Command::new(0, Actor::new(Role::CareCoordinator), at,
/// #     Change::Create { patient: PatientRef::new("local-42"), template: None }))?;
/// let plan = history.plan().unwrap();
/// // A draft goes nowhere but to the safeguarding lead.
/// let carer = Recipient::new(RecipientKind::Carer, "person-1");
/// let decision = can_share(plan, &carer, Purpose::CarerSupport, at);
/// assert!(!decision.allowed);
/// assert_eq!(decision.reason, ShareReason::PlanNotAgreed);
///
/// let lead = Recipient::new(RecipientKind::SafeguardingLead, "sg-lead");
/// assert!(can_share(plan, &lead, Purpose::Safeguarding, at).allowed);
/// # Ok::<(), carecoord::careplan::CarePlanError>(())
/// ```
pub fn can_share(
    plan: &CarePlan,
    recipient: &Recipient,
    purpose: Purpose,
    at: DateTime<Utc>,
) -> ShareDecision {
    if plan.status == PlanStatus::EnteredInError {
        return ShareDecision::deny(ShareReason::PlanEnteredInError);
    }
    if recipient.kind == RecipientKind::SafeguardingLead && purpose == Purpose::Safeguarding {
        return ShareDecision {
            allowed: true,
            reason: ShareReason::Safeguarding,
            basis: Some(ShareBasis::Safeguarding),
            consent: None,
            sections: sections_for(recipient.kind).to_vec(),
        };
    }
    match plan.status {
        PlanStatus::Draft => return ShareDecision::deny(ShareReason::PlanNotAgreed),
        PlanStatus::Revoked => return ShareDecision::deny(ShareReason::PlanRevoked),
        _ => {}
    }
    if purpose == Purpose::CarerSupport && recipient.kind != RecipientKind::Carer {
        return ShareDecision::deny(ShareReason::PurposeNotCovered);
    }
    if matches!(
        recipient.kind,
        RecipientKind::Carer | RecipientKind::FamilyMember
    ) && plan.support_person(&recipient.id).is_none()
    {
        return ShareDecision::deny(ShareReason::UnknownRecipient);
    }
    let mine: Vec<_> = plan
        .consents
        .iter()
        .filter(|c| c.recipient == *recipient)
        .collect();
    let in_force: Vec<_> = mine.iter().filter(|c| c.in_force(at)).collect();
    let needed = sections_for(recipient.kind);
    if let Some(first) = in_force.first() {
        let mut sections: Vec<Section> = needed
            .iter()
            .copied()
            .filter(|s| {
                in_force
                    .iter()
                    .any(|c| scope_sections(&c.scope).contains(s))
            })
            .collect();
        sections.sort_unstable();
        if sections.is_empty() {
            return ShareDecision::deny(ShareReason::NothingToShare);
        }
        return ShareDecision {
            allowed: true,
            reason: ShareReason::ConsentInForce,
            basis: Some(ShareBasis::Consent),
            consent: Some(first.id.clone()),
            sections,
        };
    }
    if recipient.kind == RecipientKind::GpPractice && purpose == Purpose::DirectCare {
        if plan.registered_practice.as_deref() != Some(recipient.id.as_str()) {
            return ShareDecision::deny(ShareReason::NotRegisteredPractice);
        }
        // The objection is to sharing with "my GP", whichever practice it was
        // recorded against: naming another practice id must not get round it.
        let objected = plan.consents.iter().any(|c| {
            c.recipient.kind == RecipientKind::GpPractice
                && c.withdrawn.is_some_and(|withdrawn| withdrawn <= at)
        });
        if objected {
            return ShareDecision::deny(ShareReason::ObjectionRecorded);
        }
        return ShareDecision {
            allowed: true,
            reason: ShareReason::GpDirectCare,
            basis: Some(ShareBasis::DirectCare),
            consent: None,
            sections: needed.to_vec(),
        };
    }
    // Say why the most recent consent for this recipient does not apply.
    let reason = match mine.last() {
        None => ShareReason::NoConsent,
        Some(c) if c.withdrawn.is_some_and(|w| w <= at) => ShareReason::ConsentWithdrawn,
        Some(c) if c.from > at => ShareReason::ConsentNotYetInForce,
        Some(_) => ShareReason::ConsentExpired,
    };
    ShareDecision::deny(reason)
}

/// What one recipient may see of a plan: only the sections allowed, the rest
/// absent (`None`), produced by the library so that no caller has to decide
/// what to leave out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    /// The plan's id.
    pub plan_id: String,
    /// The plan version whose event records this disclosure: every view
    /// handed out is in the plan's history.
    pub disclosure_version: u64,
    /// The plan's status.
    pub status: PlanStatus,
    /// Who it is for.
    pub recipient: Recipient,
    /// Why.
    pub purpose: Purpose,
    /// On what basis.
    pub basis: ShareBasis,
    /// The sections present.
    pub sections: Vec<Section>,
    /// What matters to the person.
    pub what_matters: Option<Vec<Text>>,
    /// Their strengths.
    pub strengths: Option<Vec<Text>>,
    /// The support network.
    pub support_network: Option<Vec<SupportPerson>>,
    /// Goals.
    pub goals: Option<Vec<Goal>>,
    /// Actions (a service sees only its own; referral and appointment links
    /// only with the links section).
    pub actions: Option<Vec<Action>>,
    /// Risks.
    pub risks: Option<Vec<Risk>>,
    /// What to do if things get worse.
    pub contingency: Option<Vec<Text>>,
    /// Reviews held.
    pub reviews: Option<Vec<Review>>,
    /// The next review date.
    pub next_review: Option<NaiveDate>,
}

/// Whether `recipient` needs to see `action` (Caldicott: the minimum
/// necessary). A service sees the actions it owns; a carer or family member
/// those they take part in or that the person marked shareable; the GP
/// practice and the safeguarding lead, all.
fn action_is_for(action: &Action, recipient: &Recipient) -> bool {
    match recipient.kind {
        RecipientKind::Service => {
            action.owner.organisation.as_deref() == Some(recipient.id.as_str())
        }
        RecipientKind::Carer | RecipientKind::FamilyMember => {
            action.shareable || action.participants.contains(&recipient.id)
        }
        RecipientKind::GpPractice | RecipientKind::SafeguardingLead => true,
    }
}

/// The risks `recipient` needs: a service only those linked to an action it
/// owns; everyone else who may see risks or what to do about them, all.
fn risks_for<'p>(plan: &'p CarePlan, recipient: &'p Recipient) -> impl Iterator<Item = &'p Risk> {
    plan.risks.iter().filter(move |risk| {
        recipient.kind != RecipientKind::Service
            || risk
                .actions
                .iter()
                .any(|id| plan.action(id).is_some_and(|a| action_is_for(a, recipient)))
    })
}

/// The minimum-necessary view of `plan` for the recipient of `disclosure`,
/// as recorded by the event at `disclosure_version`. Only
/// [`PlanHistory::share`](super::PlanHistory::share) (and so the stores)
/// call this, after the share was decided and before it is recorded.
pub(crate) fn view_of(
    plan: &CarePlan,
    disclosure: &Disclosure,
    disclosure_version: u64,
) -> Result<PlanView, CarePlanError> {
    let recipient = &disclosure.recipient;
    let sections = disclosure.sections.clone();

    let has = |s: Section| sections.contains(&s);
    let links = has(Section::Links);
    let actions = has(Section::Actions).then(|| {
        plan.actions
            .iter()
            .filter(|a| action_is_for(a, recipient))
            .map(|a| {
                let mut a = a.clone();
                if !links {
                    a.referrals.clear();
                    a.appointments.clear();
                }
                a
            })
            .collect()
    });
    let next = if has(Section::NextReview) {
        next_review(plan)?
    } else {
        None
    };
    Ok(PlanView {
        plan_id: plan.id.clone(),
        disclosure_version,
        status: plan.status,
        recipient: recipient.clone(),
        purpose: disclosure.purpose,
        basis: disclosure.basis,
        what_matters: has(Section::WhatMatters).then(|| plan.what_matters.clone()),
        strengths: has(Section::Strengths).then(|| plan.strengths.clone()),
        support_network: has(Section::SupportNetwork).then(|| plan.support_network.clone()),
        goals: has(Section::Goals).then(|| plan.goals.clone()),
        actions,
        risks: has(Section::Risks).then(|| risks_for(plan, recipient).cloned().collect()),
        contingency: has(Section::Contingency).then(|| {
            risks_for(plan, recipient)
                .map(|r| r.contingency.clone())
                .collect()
        }),
        reviews: has(Section::Reviews).then(|| plan.reviews.clone()),
        next_review: next,
        sections,
    })
}
