//! Plain-language summaries (Markdown) for the person and for their carer.
//!
//! The person's summary is their whole plan in their words. A carer's
//! summary is rendered from the carer's [`PlanView`], so it holds only what
//! the person consented to and a carer needs.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::consent::PlanView;
use super::error::CarePlanError;
use super::model::{
    Action, ActionStatus, CarePlan, Goal, GoalLifecycle, RecipientKind, Role, Text,
};
use super::review::next_review;

/// Who a summary is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Person,
    Carer,
}

fn long_date(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

fn who(role: Role, organisation: Option<&str>, audience: Audience) -> String {
    let person = match audience {
        Audience::Person => "You",
        Audience::Carer => "The person you care for",
    };
    let words = match role {
        Role::CareCoordinator => "The care coordinator",
        Role::Gp => "The GP",
        Role::Nurse => "The nurse",
        Role::Pharmacist => "The pharmacist",
        Role::SocialPrescribingLinkWorker => "The social prescribing link worker",
        Role::HealthAndWellbeingCoach => "The health and wellbeing coach",
        Role::MentalHealthPractitioner => "The mental health practitioner",
        Role::Therapist => "The therapist",
        Role::SocialWorker => "The social worker",
        Role::SafeguardingLead => "The safeguarding lead",
        Role::Administrator => "The practice team",
        Role::Patient => person,
        Role::Carer => match audience {
            Audience::Person => "Your carer",
            Audience::Carer => "You",
        },
        Role::FamilyMember => "Family",
        Role::Service | Role::System => "",
    };
    match (words, organisation) {
        ("", Some(organisation)) => format!("The service ({organisation})"),
        ("", None) => "The service".to_owned(),
        (words, _) => words.to_owned(),
    }
}

fn action_state(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::NotStarted => "to do",
        ActionStatus::Scheduled => "arranged",
        ActionStatus::InProgress => "under way",
        ActionStatus::OnHold => "paused",
        ActionStatus::Completed => "done",
        ActionStatus::Cancelled | ActionStatus::Stopped => "no longer needed",
        ActionStatus::Unknown | ActionStatus::EnteredInError => "to be checked",
    }
}

fn list(out: &mut String, heading: &str, items: &[Text]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## {heading}\n");
    for item in items {
        let _ = writeln!(out, "- {}", item.as_str());
    }
}

fn goals(out: &mut String, heading: &str, goals: &[Goal]) {
    let shown: Vec<_> = goals
        .iter()
        .filter(|g| {
            !matches!(
                g.lifecycle,
                GoalLifecycle::Cancelled | GoalLifecycle::EnteredInError | GoalLifecycle::Rejected
            )
        })
        .collect();
    if shown.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## {heading}\n");
    for goal in shown {
        let _ = write!(out, "- {}", goal.description.as_str());
        if let Some(target) = goal.target {
            let _ = write!(out, " (by {})", long_date(target));
        }
        if goal.lifecycle == GoalLifecycle::Completed {
            out.push_str(" (done)");
        }
        out.push('\n');
    }
}

fn actions(out: &mut String, actions: &[Action], audience: Audience) {
    let shown: Vec<_> = actions
        .iter()
        .filter(|a| a.status != ActionStatus::EnteredInError)
        .collect();
    if shown.is_empty() {
        return;
    }
    out.push_str("\n## Who will do what\n\n");
    for action in shown {
        let _ = write!(
            out,
            "- **{}**: {}",
            who(
                action.owner.role,
                action.owner.organisation.as_deref(),
                audience
            ),
            action.what.as_str()
        );
        if let Some(due) = action.due {
            let _ = write!(out, " (by {})", long_date(due));
        }
        let _ = writeln!(out, ": {}", action_state(action.status));
    }
}

fn review(out: &mut String, due: Option<NaiveDate>) {
    if let Some(due) = due {
        let _ = writeln!(out, "\n## Next review\n\n{}", long_date(due));
    }
}

/// The person's own plan in plain language (Markdown).
///
/// ```
/// # use carecoord::careplan::{person_summary, Actor, PatientRef, Role, Template};
/// # use chrono::{TimeZone, Utc};
/// # let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
/// let preview = Template::get("post_discharge")?
///     .preview("plan-9", PatientRef::new("local-9"), Actor::new(Role::CareCoordinator), at)?;
/// let text = person_summary(preview.plan().unwrap())?;
/// assert!(text.starts_with("# My care and support plan"));
/// assert!(text.contains("**The pharmacist**: Check the discharge medicines"));
/// # Ok::<(), carecoord::careplan::CarePlanError>(())
/// ```
pub fn person_summary(plan: &CarePlan) -> Result<String, CarePlanError> {
    let mut out = String::from("# My care and support plan\n");
    list(&mut out, "What matters to me", &plan.what_matters);
    list(&mut out, "What I am good at", &plan.strengths);
    if !plan.support_network.is_empty() {
        out.push_str("\n## People who support me\n\n");
        for person in &plan.support_network {
            let _ = write!(out, "- {}", person.name.as_str());
            if let Some(contact) = &person.contact {
                let _ = write!(out, ": {}", contact.as_str());
            }
            out.push('\n');
        }
    }
    goals(&mut out, "My goals", &plan.goals);
    actions(&mut out, &plan.actions, Audience::Person);
    let contingency: Vec<Text> = plan.risks.iter().map(|r| r.contingency.clone()).collect();
    list(&mut out, "If things get worse", &contingency);
    review(&mut out, next_review(plan)?);
    Ok(out)
}

impl PlanView {
    /// This view in plain language (Markdown) for its recipient: only the
    /// sections the view holds.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Care and support plan: what you need to know\n");
        let heading = match self.recipient.kind {
            RecipientKind::Carer | RecipientKind::FamilyMember => {
                "What matters to the person you care for"
            }
            _ => "What matters to the person",
        };
        if let Some(items) = &self.what_matters {
            list(&mut out, heading, items);
        }
        if let Some(items) = &self.strengths {
            list(&mut out, "Their strengths", items);
        }
        if let Some(items) = &self.goals {
            goals(&mut out, "Their goals", items);
        }
        if let Some(items) = &self.actions {
            actions(&mut out, items, Audience::Carer);
        }
        if let Some(items) = &self.contingency {
            list(&mut out, "If things get worse", items);
        }
        review(&mut out, self.next_review);
        out
    }
}
