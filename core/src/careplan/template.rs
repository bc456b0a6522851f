//! Templates: a starting point for a common kind of plan (frailty, dementia,
//! long-term conditions, newly discharged), instantiated into a draft that
//! can be previewed before anything is stored.
//!
//! A template never fills in "what matters to me": that comes from the
//! conversation with the person, and a plan cannot be agreed without it.

use chrono::{DateTime, Days, Utc};

use super::command::{Change, Command};
use super::error::{CarePlanError, CarePlanErrorKind};
use super::history::PlanHistory;
use super::model::{Actor, PatientRef, ReviewSchedule, Role, Text};
use crate::time::{WorkingCalendar, london_date};

/// A goal a template suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateGoal {
    /// The goal, to be put in the person's own words.
    pub description: &'static str,
    /// Weeks from the plan's start to its target date.
    pub target_weeks: u32,
}

/// An action a template suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateAction {
    /// What will be done.
    pub what: &'static str,
    /// The role that usually owns it.
    pub owner: Role,
    /// Working days from the plan's start to its due date.
    pub due_working_days: u32,
    /// The suggested goal it serves (index into the goals), if any.
    pub goal: Option<usize>,
}

/// A risk a template suggests, with what to do if it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateRisk {
    /// The risk.
    pub description: &'static str,
    /// What to do if things get worse.
    pub contingency: &'static str,
}

/// A plan template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    /// The stable key, e.g. `frailty`.
    pub key: &'static str,
    /// A title for people.
    pub title: &'static str,
    /// Suggested goals.
    pub goals: &'static [TemplateGoal],
    /// Suggested actions.
    pub actions: &'static [TemplateAction],
    /// Suggested risks and contingencies.
    pub risks: &'static [TemplateRisk],
    /// Review every this many weeks.
    pub review_weeks: u32,
}

const FRAILTY: Template = Template {
    key: "frailty",
    title: "Living well with frailty",
    goals: &[
        TemplateGoal {
            description: "Stay safe and steady on my feet at home",
            target_weeks: 12,
        },
        TemplateGoal {
            description: "Keep doing the things I enjoy",
            target_weeks: 12,
        },
    ],
    actions: &[
        TemplateAction {
            what: "Falls risk assessment and strength and balance exercises",
            owner: Role::Therapist,
            due_working_days: 10,
            goal: Some(0),
        },
        TemplateAction {
            what: "Structured medication review",
            owner: Role::Pharmacist,
            due_working_days: 20,
            goal: Some(0),
        },
        TemplateAction {
            what: "Check support at home and any equipment needed",
            owner: Role::CareCoordinator,
            due_working_days: 10,
            goal: Some(0),
        },
        TemplateAction {
            what: "Talk with a social prescribing link worker about activities and company",
            owner: Role::SocialPrescribingLinkWorker,
            due_working_days: 15,
            goal: Some(1),
        },
    ],
    risks: &[
        TemplateRisk {
            description: "A fall at home",
            contingency: "If you fall and cannot get up, press your pendant alarm or call 999. Tell the practice about any fall.",
        },
        TemplateRisk {
            description: "Becoming suddenly confused or much less well",
            contingency: "Call the practice the same day, or NHS 111 when the practice is closed.",
        },
    ],
    review_weeks: 12,
};

const DEMENTIA: Template = Template {
    key: "dementia",
    title: "Living well with dementia",
    goals: &[
        TemplateGoal {
            description: "Live well at home for as long as I can",
            target_weeks: 26,
        },
        TemplateGoal {
            description: "Plan ahead while I can decide for myself",
            target_weeks: 12,
        },
    ],
    actions: &[
        TemplateAction {
            what: "Dementia review with the GP",
            owner: Role::Gp,
            due_working_days: 20,
            goal: Some(0),
        },
        TemplateAction {
            what: "Offer the main carer a carer's assessment",
            owner: Role::SocialWorker,
            due_working_days: 20,
            goal: Some(0),
        },
        TemplateAction {
            what: "Talk about lasting power of attorney and advance care planning",
            owner: Role::CareCoordinator,
            due_working_days: 30,
            goal: Some(1),
        },
        TemplateAction {
            what: "Find a memory-friendly activity or peer support group",
            owner: Role::SocialPrescribingLinkWorker,
            due_working_days: 20,
            goal: Some(0),
        },
    ],
    risks: &[
        TemplateRisk {
            description: "Getting lost or confused away from home",
            contingency: "Carry a card with a contact number. If the person is missing, call the police on 999.",
        },
        TemplateRisk {
            description: "The carer becoming exhausted",
            contingency: "Contact the care coordinator about respite; in a crisis call adult social care.",
        },
    ],
    review_weeks: 26,
};

const LONG_TERM_CONDITIONS: Template = Template {
    key: "long_term_conditions",
    title: "Managing long-term conditions",
    goals: &[
        TemplateGoal {
            description: "Understand and manage my conditions day to day",
            target_weeks: 26,
        },
        TemplateGoal {
            description: "Feel more confident looking after my health",
            target_weeks: 26,
        },
    ],
    actions: &[
        TemplateAction {
            what: "Long-term condition review",
            owner: Role::Nurse,
            due_working_days: 20,
            goal: Some(0),
        },
        TemplateAction {
            what: "Health and wellbeing coaching sessions",
            owner: Role::HealthAndWellbeingCoach,
            due_working_days: 15,
            goal: Some(1),
        },
        TemplateAction {
            what: "Structured medication review",
            owner: Role::Pharmacist,
            due_working_days: 30,
            goal: Some(0),
        },
    ],
    risks: &[TemplateRisk {
        description: "Symptoms getting worse",
        contingency: "Follow your self-management plan; call the practice if it does not help, or NHS 111 when the practice is closed.",
    }],
    review_weeks: 26,
};

const POST_DISCHARGE: Template = Template {
    key: "post_discharge",
    title: "Home from hospital",
    goals: &[TemplateGoal {
        description: "Settle back home safely after my hospital stay",
        target_weeks: 4,
    }],
    actions: &[
        TemplateAction {
            what: "Phone call to check how things are since discharge",
            owner: Role::CareCoordinator,
            due_working_days: 2,
            goal: Some(0),
        },
        TemplateAction {
            what: "Check the discharge medicines against the repeat prescription",
            owner: Role::Pharmacist,
            due_working_days: 5,
            goal: Some(0),
        },
        TemplateAction {
            what: "Confirm community nursing and therapy visits are arranged",
            owner: Role::CareCoordinator,
            due_working_days: 3,
            goal: Some(0),
        },
        TemplateAction {
            what: "Follow-up with the GP",
            owner: Role::Gp,
            due_working_days: 10,
            goal: Some(0),
        },
    ],
    risks: &[TemplateRisk {
        description: "Becoming unwell again soon after discharge",
        contingency: "Call the practice the same day; in an emergency call 999.",
    }],
    review_weeks: 4,
};

const BUILT_IN: &[Template] = &[FRAILTY, DEMENTIA, LONG_TERM_CONDITIONS, POST_DISCHARGE];

impl Template {
    /// The built-in templates: `frailty`, `dementia`, `long_term_conditions`,
    /// `post_discharge`.
    pub fn built_in() -> &'static [Template] {
        BUILT_IN
    }

    /// The built-in template with this key.
    pub fn get(key: &str) -> Result<&'static Template, CarePlanError> {
        BUILT_IN.iter().find(|t| t.key == key).ok_or_else(|| {
            CarePlanError::new(CarePlanErrorKind::UnknownWord {
                field: "template",
                allowed: &[
                    "frailty",
                    "dementia",
                    "long_term_conditions",
                    "post_discharge",
                ],
            })
        })
    }

    /// The changes that build a draft from this template, in order: create,
    /// goals, actions, risks, review schedule. Dates count from `at`'s
    /// Europe/London date; due dates land on working days.
    pub fn changes(
        &self,
        patient: PatientRef,
        at: DateTime<Utc>,
    ) -> Result<Vec<Change>, CarePlanError> {
        let today = london_date(at);
        let calendar = WorkingCalendar::england_and_wales();
        let range = || {
            CarePlanError::new(CarePlanErrorKind::InvalidValue {
                field: "at",
                expected: "must fall between 1995 and 2100",
            })
        };
        let mut changes = vec![Change::Create {
            patient,
            template: Some(self.key.to_owned()),
        }];
        for goal in self.goals {
            changes.push(Change::AddGoal {
                id: None,
                description: Text::new(goal.description),
                target: Some(
                    today
                        .checked_add_days(Days::new(u64::from(goal.target_weeks) * 7))
                        .ok_or_else(range)?,
                ),
            });
        }
        for action in self.actions {
            let days = i32::try_from(action.due_working_days).map_err(|_| range())?;
            changes.push(Change::AddAction {
                id: None,
                what: Text::new(action.what),
                owner: Actor::new(action.owner),
                due: Some(
                    calendar
                        .add_working_days(today, days)
                        .map_err(|_| range())?,
                ),
                goals: action
                    .goal
                    .map(|g| vec![format!("goal-{}", g + 1)])
                    .unwrap_or_default(),
            });
        }
        for risk in self.risks {
            changes.push(Change::AddRisk {
                id: None,
                description: Text::new(risk.description),
                contingency: Text::new(risk.contingency),
            });
        }
        changes.push(Change::SetReviewSchedule {
            schedule: Some(ReviewSchedule::EveryWeeks(self.review_weeks)),
        });
        Ok(changes)
    }

    /// The draft this template makes, as a history not yet stored: look at
    /// `preview.plan()`, then store it with
    /// [`PlanStore::create`](super::PlanStore::create) or drop it.
    ///
    /// ```
    /// use carecoord::careplan::{Actor, PatientRef, PlanStatus, Role, Template};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    /// let preview = Template::get("frailty")?.preview(
    ///     "plan-7", PatientRef::new("local-7"), Actor::new(Role::CareCoordinator), at)?;
    /// let plan = preview.plan().unwrap();
    /// assert_eq!(plan.status, PlanStatus::Draft);
    /// assert_eq!(plan.goals.len(), 2);
    /// assert!(plan.what_matters.is_empty()); // that comes from the person
    /// # Ok::<(), carecoord::careplan::CarePlanError>(())
    /// ```
    pub fn preview(
        &self,
        plan_id: &str,
        patient: PatientRef,
        actor: Actor,
        at: DateTime<Utc>,
    ) -> Result<PlanHistory, CarePlanError> {
        let mut history = PlanHistory::new(plan_id)?;
        for change in self.changes(patient, at)? {
            history.execute(Command::new(history.version(), actor.clone(), at, change))?;
        }
        Ok(history)
    }
}
