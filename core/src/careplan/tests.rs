use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn cc() -> Actor {
    Actor::new(Role::CareCoordinator)
}

/// Runs changes in order, each on the version the last one made.
fn run(history: &mut PlanHistory, when: DateTime<Utc>, changes: Vec<Change>) {
    for change in changes {
        let kind = change.kind();
        history
            .execute(Command::new(history.version(), cc(), when, change))
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
    }
}

/// The person's consent to share the whole plan with `recipient`, from now.
fn whole_plan_consent(recipient: Recipient) -> Change {
    Change::RecordConsent {
        id: None,
        recipient,
        scope: Scope::WholePlan,
        from: None,
        until: None,
    }
}

/// Records the person's registered GP practice.
fn register(history: &mut PlanHistory, practice: &str, when: DateTime<Utc>) {
    let change = Change::SetRegisteredPractice {
        practice: practice.into(),
    };
    run(history, when, vec![change]);
}

/// Shares the plan (recorded) and returns the view.
fn share(
    history: &mut PlanHistory,
    recipient: &Recipient,
    purpose: Purpose,
    when: DateTime<Utc>,
) -> Result<PlanView, CarePlanError> {
    let change = Change::Share {
        recipient: recipient.clone(),
        purpose,
    };
    history.share(Command::new(history.version(), cc(), when, change))
}

fn try_run(
    history: &mut PlanHistory,
    when: DateTime<Utc>,
    change: Change,
) -> Result<(), CarePlanError> {
    history
        .execute(Command::new(history.version(), cc(), when, change))
        .map(|_| ())
}

/// A draft with what matters, a goal, an action, a risk, a carer and a
/// schedule: ready to agree.
fn draft(marker: &str) -> PlanHistory {
    let t = |s: &str| Text::new(format!("{marker}{s}"));
    let mut h = PlanHistory::new("plan-1").unwrap();
    run(
        &mut h,
        at(2026, 11, 23, 10),
        vec![
            Change::Create {
                patient: PatientRef::new(format!("{marker}patient")),
                template: None,
            },
            Change::SetWhatMatters {
                items: vec![t("staying at home"), t("singing group")],
            },
            Change::SetStrengths {
                items: vec![t("walks daily")],
            },
            Change::AddSupportPerson {
                id: None,
                name: t("daughter"),
                relationship: Relationship::Child,
                contact_role: ContactRole::MainCarer,
                contact: Some(t("07700 900123")),
            },
            Change::AddGoal {
                id: None,
                description: t("get to singing group weekly"),
                target: Some(day(2027, 2, 22)),
            },
            Change::AddAction {
                id: None,
                what: t("community transport referral"),
                owner: Actor::new(Role::Service).at("svc-transport"),
                due: Some(day(2026, 12, 4)),
                goals: vec!["goal-1".into()],
            },
            Change::AddAction {
                id: None,
                what: t("medicines review"),
                owner: Actor::new(Role::Pharmacist),
                due: Some(day(2026, 12, 11)),
                goals: vec![],
            },
            Change::AddRisk {
                id: None,
                description: t("falls"),
                contingency: t("press the pendant alarm"),
            },
            Change::SetReviewSchedule {
                schedule: Some(ReviewSchedule::EveryWeeks(12)),
            },
        ],
    );
    h
}

fn agreed(marker: &str) -> PlanHistory {
    let mut h = draft(marker);
    run(
        &mut h,
        at(2026, 11, 23, 11),
        vec![
            Change::ChangeStatus {
                to: PlanStatus::Active,
            },
            Change::LinkReferral {
                action: "action-1".into(),
                referral: "ref-1".into(),
                code: None,
            },
            Change::LinkAppointment {
                action: "action-2".into(),
                appointment: "appt-1".into(),
            },
        ],
    );
    h
}

fn carer() -> Recipient {
    Recipient::new(RecipientKind::Carer, "person-1")
}

#[test]
fn ids_are_given_in_order_and_checked() {
    let h = draft("");
    let plan = h.plan().unwrap();
    assert_eq!(plan.version, 9);
    assert_eq!(plan.goals[0].id, "goal-1");
    assert_eq!(plan.goals[0].lifecycle, GoalLifecycle::Proposed);
    assert_eq!(plan.actions[1].id, "action-2");
    assert_eq!(plan.support_network[0].id, "person-1");
    let mut h = h;
    let dup = try_run(
        &mut h,
        at(2026, 11, 23, 10),
        Change::AddGoal {
            id: Some("goal-1".into()),
            description: "x".into(),
            target: None,
        },
    )
    .unwrap_err();
    assert_eq!(dup.code(), "careplan.duplicate_item");
    let bad = try_run(
        &mut h,
        at(2026, 11, 23, 10),
        Change::AddGoal {
            id: Some("has space".into()),
            description: "x".into(),
            target: None,
        },
    )
    .unwrap_err();
    assert_eq!(bad.code(), "careplan.invalid_id");
    let unknown = try_run(
        &mut h,
        at(2026, 11, 23, 10),
        Change::UpdateAction {
            id: "action-9".into(),
            status: Some(ActionStatus::Completed),
            due: None,
            owner: None,
        },
    )
    .unwrap_err();
    assert_eq!(unknown.code(), "careplan.unknown_item");
    assert_eq!(
        unknown.to_string(),
        "care plan `plan-1`: no action `action-9` in this plan"
    );
    assert_eq!(h.version(), 9, "refused commands append nothing");
}

#[test]
fn agreeing_needs_what_matters_a_goal_and_a_review_schedule() {
    let mut h = PlanHistory::new("p").unwrap();
    let when = at(2026, 11, 23, 10);
    run(
        &mut h,
        when,
        vec![Change::Create {
            patient: PatientRef::new("x"),
            template: None,
        }],
    );
    let activate = Change::ChangeStatus {
        to: PlanStatus::Active,
    };
    let e = try_run(&mut h, when, activate.clone()).unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
    assert!(e.to_string().contains("what matters"), "{e}");
    run(
        &mut h,
        when,
        vec![
            Change::SetWhatMatters {
                items: vec!["home".into()],
            },
            Change::AddGoal {
                id: None,
                description: "g".into(),
                target: None,
            },
        ],
    );
    let e = try_run(&mut h, when, activate.clone()).unwrap_err();
    assert!(e.to_string().contains("review schedule"), "{e}");
    run(
        &mut h,
        when,
        vec![
            Change::SetReviewSchedule {
                schedule: Some(ReviewSchedule::EveryWeeks(6)),
            },
            activate,
        ],
    );
    let plan = h.plan().unwrap();
    assert_eq!(plan.status, PlanStatus::Active);
    assert_eq!(plan.agreed, Some(when));
    assert_eq!(plan.goals[0].lifecycle, GoalLifecycle::Active);
}

#[test]
fn transitions_follow_the_lifecycle() {
    use PlanStatus::*;
    let allowed = [
        (Draft, Active),
        (Draft, Revoked),
        (Draft, EnteredInError),
        (Active, OnHold),
        (Active, Completed),
        (Active, Revoked),
        (Active, EnteredInError),
        (OnHold, Active),
        (OnHold, Completed),
        (OnHold, Revoked),
        (OnHold, EnteredInError),
    ];
    for from in PlanStatus::ALL.iter().copied() {
        for to in PlanStatus::ALL.iter().copied() {
            let mut h = draft("");
            let when = at(2026, 11, 24, 9);
            let path: &[PlanStatus] = match from {
                Draft => &[],
                Active => &[Active],
                OnHold => &[Active, OnHold],
                Completed => &[Active, Completed],
                Revoked => &[Revoked],
                EnteredInError => &[EnteredInError],
            };
            for step in path {
                h.execute(
                    Command::new(h.version(), cc(), when, Change::ChangeStatus { to: *step })
                        .because("reason"),
                )
                .unwrap();
            }
            let result = h.execute(
                Command::new(h.version(), cc(), when, Change::ChangeStatus { to }).because("why"),
            );
            assert_eq!(
                result.is_ok(),
                allowed.contains(&(from, to)),
                "{from} -> {to}: {result:?}"
            );
            if let Err(e) = result {
                assert_eq!(e.code(), "careplan.invalid_transition");
                assert!(
                    e.to_string().contains(&format!("from {from} to {to}")),
                    "{e}"
                );
            }
        }
    }
}

#[test]
fn reasons_are_required_to_revoke_and_to_withdraw_an_agreed_plan() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    for to in [PlanStatus::Revoked, PlanStatus::EnteredInError] {
        let e = try_run(&mut h, when, Change::ChangeStatus { to }).unwrap_err();
        assert_eq!(e.code(), "careplan.reason_required");
    }
    // A draft can be entered-in-error freely (e.g. started for the wrong person).
    let mut d = draft("");
    try_run(
        &mut d,
        when,
        Change::ChangeStatus {
            to: PlanStatus::EnteredInError,
        },
    )
    .unwrap();
}

#[test]
fn closed_plans_are_not_edited() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    run(
        &mut h,
        when,
        vec![Change::ChangeStatus {
            to: PlanStatus::Completed,
        }],
    );
    let e = try_run(
        &mut h,
        when,
        Change::AddGoal {
            id: None,
            description: "late".into(),
            target: None,
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "careplan.plan_closed");
    assert_eq!(
        e.to_string(),
        "care plan `plan-1`: a completed plan cannot be changed"
    );
}

#[test]
fn stale_versions_write_nothing() {
    let mut h = agreed("");
    let v = h.version();
    let stale = Command::new(
        v - 1,
        cc(),
        at(2026, 11, 25, 9),
        Change::SetStrengths { items: vec![] },
    );
    let e = h.execute(stale).unwrap_err();
    assert!(e.is_stale());
    assert_eq!(
        e.kind,
        CarePlanErrorKind::StaleVersion {
            expected: v - 1,
            actual: v
        }
    );
    assert_eq!(h.version(), v);
}

#[test]
fn commands_cannot_go_back_in_time() {
    let mut h = agreed("");
    let e = try_run(
        &mut h,
        at(2026, 11, 1, 9),
        Change::SetStrengths { items: vec![] },
    )
    .unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
}

#[test]
fn replay_gives_the_same_plan_byte_for_byte() {
    let h = agreed("");
    let json = h.to_json().unwrap();
    let back = PlanHistory::from_json(&json).unwrap();
    assert_eq!(back, h);
    assert_eq!(
        back.plan().unwrap().to_json().unwrap(),
        h.plan().unwrap().to_json().unwrap()
    );
    assert_eq!(back.to_json().unwrap(), json);
    let plan = CarePlan::from_json(&h.plan().unwrap().to_json().unwrap()).unwrap();
    assert_eq!(&plan, h.plan().unwrap());
    // Looking back.
    assert_eq!(h.plan_at(1).unwrap().status, PlanStatus::Draft);
    assert_eq!(h.plan_at(9).unwrap().goals.len(), 1);
    assert_eq!(h.plan_at(h.version()).as_ref(), h.plan());
}

#[test]
fn damaged_and_future_documents_are_refused_clearly() {
    let h = agreed("");
    let json = h.to_json().unwrap();
    let future = json.replacen("\"schema_version\":2", "\"schema_version\":7", 1);
    let e = PlanHistory::from_json(&future).unwrap_err();
    assert_eq!(e.code(), "careplan.unsupported_schema_version");
    assert!(e.to_string().contains("version 7"), "{e}");
    let truncated = &json[..json.len() / 2];
    let e = PlanHistory::from_json(truncated).unwrap_err();
    assert_eq!(e.code(), "careplan.corrupt_record");
    assert!(e.to_string().contains("line 1 column"), "{e}");
    // An event edited by hand no longer replays.
    let tampered = json.replacen("\"goal-1\"", "\"goal-7\"", 1);
    let e = PlanHistory::from_json(&tampered).unwrap_err();
    assert_eq!(e.code(), "careplan.corrupt_record");
    // A version gap.
    let gap = json.replacen("\"version\":2", "\"version\":3", 1);
    assert_eq!(
        PlanHistory::from_json(&gap).unwrap_err().code(),
        "careplan.corrupt_record"
    );
    let unknown = json.replacen("\"plan_id\"", "\"surprise\":1,\"plan_id\"", 1);
    let e = PlanHistory::from_json(&unknown).unwrap_err();
    assert!(
        e.to_string().contains("a field the schema does not have"),
        "{e}"
    );
    assert!(!e.to_string().contains("surprise"), "{e}");
    assert!(!e.to_string().contains("at `"), "{e}");
    assert_eq!(
        PlanHistory::from_json("{}").unwrap_err().code(),
        "careplan.corrupt_record"
    );
}

#[test]
fn the_gp_practice_gets_the_plan_for_direct_care_unless_the_person_objects() {
    let mut h = agreed("");
    let gp = Recipient::new(RecipientKind::GpPractice, "Y01234");
    let when = at(2026, 11, 25, 9);
    // No practice recorded: no practice receives the plan without consent.
    let d = can_share(h.plan().unwrap(), &gp, Purpose::DirectCare, when);
    assert_eq!(d.reason, ShareReason::NotRegisteredPractice);
    register(&mut h, "Y01234", when);
    let d = can_share(h.plan().unwrap(), &gp, Purpose::DirectCare, when);
    assert!(d.allowed);
    assert_eq!(d.reason, ShareReason::GpDirectCare);
    assert_eq!(d.sections, Section::ALL);
    run(
        &mut h,
        when,
        vec![
            whole_plan_consent(gp.clone()),
            Change::WithdrawConsent {
                id: "consent-1".into(),
            },
        ],
    );
    let d = can_share(
        h.plan().unwrap(),
        &gp,
        Purpose::DirectCare,
        when + Duration::hours(1),
    );
    assert!(!d.allowed);
    assert_eq!(d.reason, ShareReason::ObjectionRecorded);
    // Naming another practice does not get round the objection.
    let other = Recipient::new(RecipientKind::GpPractice, "Z99999");
    let later = when + Duration::hours(1);
    let d = can_share(h.plan().unwrap(), &other, Purpose::DirectCare, later);
    assert_eq!(d.reason, ShareReason::NotRegisteredPractice);
    register(&mut h, "Z99999", when);
    let d = can_share(h.plan().unwrap(), &other, Purpose::DirectCare, later);
    assert_eq!(d.reason, ShareReason::ObjectionRecorded);
}

#[test]
fn another_practice_gets_nothing_without_consent() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    register(&mut h, "Y01234", when);
    let other = Recipient::new(RecipientKind::GpPractice, "any-id");
    let e = share(&mut h, &other, Purpose::DirectCare, when).unwrap_err();
    assert_eq!(e.code(), "careplan.share_denied");
    assert!(h.plan().unwrap().disclosures.is_empty());
    let bad = Change::SetRegisteredPractice {
        practice: "not an id".into(),
    };
    assert_eq!(
        try_run(&mut h, when, bad).unwrap_err().code(),
        "careplan.invalid_id"
    );
}

#[test]
fn a_revoked_plan_is_shared_with_no_one_but_the_safeguarding_lead() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    run(
        &mut h,
        when,
        vec![
            Change::SetRegisteredPractice {
                practice: "Y01234".into(),
            },
            whole_plan_consent(carer()),
        ],
    );
    let gp = Recipient::new(RecipientKind::GpPractice, "Y01234");
    assert!(can_share(h.plan().unwrap(), &gp, Purpose::DirectCare, when).allowed);
    assert!(can_share(h.plan().unwrap(), &carer(), Purpose::CarerSupport, when).allowed);
    h.execute(
        Command::new(
            h.version(),
            cc(),
            when,
            Change::ChangeStatus {
                to: PlanStatus::Revoked,
            },
        )
        .because("the person withdrew from the plan"),
    )
    .unwrap();
    for (who, purpose) in [
        (&gp, Purpose::DirectCare),
        (&carer(), Purpose::CarerSupport),
    ] {
        let d = can_share(h.plan().unwrap(), who, purpose, when);
        assert_eq!(d.reason, ShareReason::PlanRevoked);
        assert!(share(&mut h, who, purpose, when).is_err());
    }
    let lead = Recipient::new(RecipientKind::SafeguardingLead, "sg-lead");
    assert!(can_share(h.plan().unwrap(), &lead, Purpose::Safeguarding, when).allowed);
}

#[test]
fn an_agreed_plan_keeps_what_matters() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let e = try_run(&mut h, when, Change::SetWhatMatters { items: vec![] }).unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
    assert_eq!(h.plan().unwrap().what_matters.len(), 2);
    // A draft may still be cleared and rewritten.
    let mut d = draft("");
    try_run(&mut d, when, Change::SetWhatMatters { items: vec![] }).unwrap();
}

#[test]
fn a_fast_clock_never_freezes_a_plan_or_blocks_a_withdrawal() {
    let mut h = agreed("");
    let now = at(2026, 11, 25, 9);
    run(&mut h, now, vec![whole_plan_consent(carer())]);
    // A phone five minutes fast records a goal...
    let fast = now + Duration::minutes(5);
    let goal = || Change::AddGoal {
        id: None,
        description: Text::new("walk"),
        target: None,
    };
    run(&mut h, fast, vec![goal()]);
    // ...and the correct clocks carry on.
    run(&mut h, now + Duration::minutes(1), vec![goal()]);
    assert_eq!(h.plan().unwrap().updated, fast);
    // Beyond the tolerance, an ordinary change is refused...
    let stale = now - CLOCK_TOLERANCE;
    let e = try_run(&mut h, stale, goal()).unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
    // ...but never a withdrawal of consent or a safeguarding share.
    let withdraw = Change::WithdrawConsent {
        id: "consent-1".into(),
    };
    try_run(&mut h, now - Duration::hours(2), withdraw).unwrap();
    let lead = Recipient::new(RecipientKind::SafeguardingLead, "sg-lead");
    let change = Change::Share {
        recipient: lead,
        purpose: Purpose::Safeguarding,
    };
    let command = Command::new(h.version(), cc(), now - Duration::hours(2), change);
    h.share(command.because("concern")).unwrap();
    // The history replays as it was written.
    let replayed = PlanHistory::from_events("plan-1", h.events().to_vec()).unwrap();
    assert_eq!(replayed.plan(), h.plan());
}

#[test]
fn every_view_is_recorded_and_only_a_share_gives_one() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let lead = Recipient::new(RecipientKind::SafeguardingLead, "sg-lead");
    // Safeguarding without a justification: refused, nothing recorded.
    let before = h.version();
    let e = share(&mut h, &lead, Purpose::Safeguarding, when).unwrap_err();
    assert_eq!(e.code(), "careplan.reason_required");
    assert_eq!(h.version(), before);
    let change = Change::Share {
        recipient: lead.clone(),
        purpose: Purpose::Safeguarding,
    };
    let view = h
        .share(Command::new(h.version(), cc(), when, change).because("concern"))
        .unwrap();
    assert_eq!(view.disclosure_version, h.version());
    let recorded = h.plan().unwrap().disclosures.last().unwrap();
    assert_eq!(recorded.sections, view.sections);
    assert_eq!(
        h.events().last().unwrap().disclosure.as_ref(),
        Some(recorded)
    );
    // Any other change is not a share.
    let goal = Change::AddGoal {
        id: None,
        description: Text::new("walk"),
        target: None,
    };
    let e = h
        .share(Command::new(h.version(), cc(), when, goal))
        .unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
    // The same through a store, all or nothing.
    let store = MemoryStore::new();
    store.create(&h).unwrap();
    let stale = Command::new(
        1,
        cc(),
        when,
        Change::Share {
            recipient: lead.clone(),
            purpose: Purpose::Safeguarding,
        },
    )
    .because("concern");
    assert_eq!(
        store.share("plan-1", &stale).unwrap_err().code(),
        "careplan.stale_version"
    );
    let fresh = Command {
        expected_version: h.version(),
        ..stale
    };
    let view = store.share("plan-1", &fresh).unwrap();
    assert_eq!(
        store.load("plan-1").unwrap().version(),
        view.disclosure_version
    );
}

#[test]
fn a_replayed_disclosure_must_belong_to_its_share() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    run(&mut h, when, vec![whole_plan_consent(carer())]);
    share(&mut h, &carer(), Purpose::CarerSupport, when).unwrap();
    let mut events = h.events().to_vec();
    let last = events.last_mut().unwrap();
    if let Some(d) = last.disclosure.as_mut() {
        d.recipient = Recipient::new(RecipientKind::Carer, "person-9");
    }
    let e = PlanHistory::from_events("plan-1", events).unwrap_err();
    assert_eq!(e.code(), "careplan.corrupt_record");
}

#[test]
fn carers_need_consent_and_see_no_clinical_sections() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let d = can_share(h.plan().unwrap(), &carer(), Purpose::CarerSupport, when);
    assert_eq!((d.allowed, d.reason), (false, ShareReason::NoConsent));
    let e = try_run(
        &mut h,
        when,
        Change::Share {
            recipient: carer(),
            purpose: Purpose::CarerSupport,
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "careplan.share_denied");
    assert!(e.to_string().contains("no_consent"), "{e}");
    run(
        &mut h,
        when,
        vec![
            Change::RecordConsent {
                id: None,
                recipient: carer(),
                scope: Scope::WholePlan,
                from: None,
                until: Some(at(2027, 11, 25, 0)),
            },
            Change::Share {
                recipient: carer(),
                purpose: Purpose::CarerSupport,
            },
            // She takes part in the first; the person shares the second.
            Change::SetActionSharing {
                id: "action-1".into(),
                participants: vec!["person-1".into()],
                shareable: false,
            },
            Change::SetActionSharing {
                id: "action-2".into(),
                participants: vec![],
                shareable: true,
            },
        ],
    );
    let plan = h.plan().unwrap();
    let shared = plan.disclosures.last().unwrap();
    assert_eq!(shared.basis, ShareBasis::Consent);
    assert_eq!(shared.consent.as_deref(), Some("consent-1"));
    assert!(!shared.sections.contains(&Section::Risks));
    let view = share(&mut h, &carer(), Purpose::CarerSupport, when).unwrap();
    let plan = h.plan().unwrap();
    assert!(view.risks.is_none() && view.reviews.is_none() && view.support_network.is_none());
    assert_eq!(view.contingency.as_ref().unwrap().len(), 1);
    let actions = view.actions.as_ref().unwrap();
    assert_eq!(actions.len(), 2);
    assert!(
        actions
            .iter()
            .all(|a| a.referrals.is_empty() && a.appointments.is_empty())
    );
    assert_eq!(view.next_review, Some(day(2027, 2, 15)));
    let md = view.to_markdown();
    assert!(
        md.contains("## If things get worse") && !md.contains("falls"),
        "{md}"
    );
    // Expired, withdrawn, not yet.
    let later = at(2027, 12, 1, 9);
    assert_eq!(
        can_share(plan, &carer(), Purpose::CarerSupport, later).reason,
        ShareReason::ConsentExpired
    );
    assert_eq!(
        can_share(plan, &carer(), Purpose::CarerSupport, at(2026, 11, 20, 9)).reason,
        ShareReason::ConsentNotYetInForce
    );
    run(
        &mut h,
        when,
        vec![Change::WithdrawConsent {
            id: "consent-1".into(),
        }],
    );
    assert_eq!(
        can_share(h.plan().unwrap(), &carer(), Purpose::CarerSupport, when).reason,
        ShareReason::ConsentWithdrawn
    );
}

#[test]
fn a_carer_sees_only_the_actions_they_take_part_in_or_that_are_shared() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let neighbour = || Change::AddSupportPerson {
        id: Some("neighbour".into()),
        name: Text::new("n"),
        relationship: Relationship::Neighbour,
        contact_role: ContactRole::Carer,
        contact: None,
    };
    let neighbour_id = Recipient::new(RecipientKind::Carer, "neighbour");
    run(
        &mut h,
        when,
        vec![
            neighbour(),
            whole_plan_consent(carer()),
            whole_plan_consent(neighbour_id.clone()),
            Change::SetActionSharing {
                id: "action-1".into(),
                participants: vec!["neighbour".into(), "neighbour".into()],
                shareable: false,
            },
        ],
    );
    let ids = |view: PlanView| -> Vec<String> {
        view.actions.unwrap().into_iter().map(|a| a.id).collect()
    };
    // Nothing shared, nothing taken part in: no actions for the daughter.
    let daughter = share(&mut h, &carer(), Purpose::CarerSupport, when).unwrap();
    assert!(ids(daughter).is_empty());
    let next_door = share(&mut h, &neighbour_id, Purpose::CarerSupport, when).unwrap();
    assert_eq!(ids(next_door), ["action-1"]);
    assert_eq!(h.plan().unwrap().actions[0].participants, ["neighbour"]);
    // Marked shareable by the person: everyone they share with sees it.
    let shareable = Change::SetActionSharing {
        id: "action-2".into(),
        participants: vec![],
        shareable: true,
    };
    run(&mut h, when, vec![shareable]);
    let daughter = share(&mut h, &carer(), Purpose::CarerSupport, when).unwrap();
    assert_eq!(ids(daughter), ["action-2"]);
    // Leaving the network ends taking part.
    let leave = Change::RemoveSupportPerson {
        id: "neighbour".into(),
    };
    run(&mut h, when, vec![leave]);
    assert!(h.plan().unwrap().actions[0].participants.is_empty());
    // Only people in the network take part; only actions in the plan.
    let stranger = Change::SetActionSharing {
        id: "action-1".into(),
        participants: vec!["person-9".into()],
        shareable: false,
    };
    assert_eq!(
        try_run(&mut h, when, stranger).unwrap_err().code(),
        "careplan.unknown_item"
    );
}

#[test]
fn a_service_sees_only_the_risks_linked_to_its_own_actions() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let svc = Recipient::new(RecipientKind::Service, "svc-transport");
    let second_risk = Change::AddRisk {
        id: None,
        description: Text::new("missed transport"),
        contingency: Text::new("ring the coordinator"),
    };
    run(
        &mut h,
        when,
        vec![second_risk, whole_plan_consent(svc.clone())],
    );
    let view = share(&mut h, &svc, Purpose::DirectCare, when).unwrap();
    assert!(view.risks.unwrap().is_empty() && view.contingency.unwrap().is_empty());
    // risk-2 is addressed by its action, risk-1 by the pharmacist's.
    let links = vec![
        Change::SetRiskActions {
            id: "risk-2".into(),
            actions: vec!["action-1".into()],
        },
        Change::SetRiskActions {
            id: "risk-1".into(),
            actions: vec!["action-2".into()],
        },
    ];
    run(&mut h, when, links);
    let view = share(&mut h, &svc, Purpose::DirectCare, when).unwrap();
    let risks: Vec<String> = view.risks.unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(risks, ["risk-2"]);
    assert_eq!(view.contingency.unwrap().len(), 1);
    // The GP practice, with consent, sees every risk.
    let gp = Recipient::new(RecipientKind::GpPractice, "Y01234");
    run(&mut h, when, vec![whole_plan_consent(gp.clone())]);
    let view = share(&mut h, &gp, Purpose::DirectCare, when).unwrap();
    assert_eq!(view.risks.unwrap().len(), 2);
    let bad = Change::SetRiskActions {
        id: "risk-1".into(),
        actions: vec!["action-9".into()],
    };
    assert_eq!(
        try_run(&mut h, when, bad).unwrap_err().code(),
        "careplan.unknown_item"
    );
}

#[test]
fn a_consent_holds_from_its_first_instant_to_just_before_its_end() {
    let mut h = agreed("");
    let (from, until) = (at(2026, 12, 1, 9), at(2026, 12, 8, 9));
    run(
        &mut h,
        at(2026, 11, 25, 9),
        vec![Change::RecordConsent {
            id: None,
            recipient: carer(),
            scope: Scope::WholePlan,
            from: Some(from),
            until: Some(until),
        }],
    );
    let second = Duration::seconds(1);
    let reason = |h: &PlanHistory, when| {
        can_share(h.plan().unwrap(), &carer(), Purpose::CarerSupport, when).reason
    };
    assert_eq!(reason(&h, from - second), ShareReason::ConsentNotYetInForce);
    assert_eq!(reason(&h, from), ShareReason::ConsentInForce);
    assert_eq!(reason(&h, until - second), ShareReason::ConsentInForce);
    assert_eq!(reason(&h, until), ShareReason::ConsentExpired);
    // Withdrawn at an instant: in force until just before it.
    let withdrawn = at(2026, 12, 3, 9);
    let withdraw = Change::WithdrawConsent {
        id: "consent-1".into(),
    };
    run(&mut h, withdrawn, vec![withdraw]);
    assert_eq!(reason(&h, withdrawn - second), ShareReason::ConsentInForce);
    assert_eq!(reason(&h, withdrawn), ShareReason::ConsentWithdrawn);
    // A consent starting exactly now (the default start) is in force now.
    let mut g = agreed("");
    let now = at(2026, 11, 25, 9);
    run(&mut g, now, vec![whole_plan_consent(carer())]);
    assert_eq!(reason(&g, now), ShareReason::ConsentInForce);
    assert_eq!(reason(&g, now - second), ShareReason::ConsentNotYetInForce);
}

#[test]
fn a_summary_consent_shares_only_the_summary() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    run(
        &mut h,
        when,
        vec![Change::RecordConsent {
            id: None,
            recipient: carer(),
            scope: Scope::Summary,
            from: None,
            until: None,
        }],
    );
    let d = can_share(h.plan().unwrap(), &carer(), Purpose::DirectCare, when);
    assert_eq!(
        d.sections,
        vec![Section::WhatMatters, Section::Goals, Section::NextReview]
    );
    // A consent naming only clinical sections gives a carer nothing.
    let mut h = agreed("");
    run(
        &mut h,
        when,
        vec![Change::RecordConsent {
            id: None,
            recipient: carer(),
            scope: Scope::Sections(vec![Section::Risks, Section::Reviews]),
            from: None,
            until: None,
        }],
    );
    assert_eq!(
        can_share(h.plan().unwrap(), &carer(), Purpose::DirectCare, when).reason,
        ShareReason::NothingToShare
    );
}

#[test]
fn a_service_sees_only_its_own_actions() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let svc = Recipient::new(RecipientKind::Service, "svc-transport");
    assert_eq!(
        can_share(h.plan().unwrap(), &svc, Purpose::DirectCare, when).reason,
        ShareReason::NoConsent
    );
    run(&mut h, when, vec![whole_plan_consent(svc.clone())]);
    let view = share(&mut h, &svc, Purpose::DirectCare, when).unwrap();
    let actions = view.actions.unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].id, "action-1");
    assert!(view.support_network.is_none());
    assert_eq!(
        can_share(h.plan().unwrap(), &svc, Purpose::CarerSupport, when).reason,
        ShareReason::PurposeNotCovered
    );
}

#[test]
fn safeguarding_reaches_the_lead_without_consent_with_a_justification() {
    let mut h = draft("");
    let lead = Recipient::new(RecipientKind::SafeguardingLead, "sg-lead");
    let when = at(2026, 11, 24, 9);
    let share = Change::Share {
        recipient: lead.clone(),
        purpose: Purpose::Safeguarding,
    };
    let e = try_run(&mut h, when, share.clone()).unwrap_err();
    assert_eq!(e.code(), "careplan.reason_required");
    h.execute(Command::new(h.version(), cc(), when, share).because("concern raised at visit"))
        .unwrap();
    let last = h.events().last().unwrap();
    assert!(last.reason.is_some());
    let disclosure = last.disclosure.as_ref().unwrap();
    assert_eq!(disclosure.basis, ShareBasis::Safeguarding);
    assert_eq!(disclosure.sections, Section::ALL);
    // Safeguarding does not open the plan to anyone else.
    let d = can_share(h.plan().unwrap(), &carer(), Purpose::Safeguarding, when);
    assert_eq!(d.reason, ShareReason::PlanNotAgreed);
}

#[test]
fn plans_in_error_and_strangers_get_nothing() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let stranger = Recipient::new(RecipientKind::Carer, "person-9");
    assert_eq!(
        can_share(h.plan().unwrap(), &stranger, Purpose::CarerSupport, when).reason,
        ShareReason::UnknownRecipient
    );
    h.execute(
        Command::new(
            h.version(),
            cc(),
            when,
            Change::ChangeStatus {
                to: PlanStatus::EnteredInError,
            },
        )
        .because("wrong person"),
    )
    .unwrap();
    let lead = Recipient::new(RecipientKind::SafeguardingLead, "sg");
    assert_eq!(
        can_share(h.plan().unwrap(), &lead, Purpose::Safeguarding, when).reason,
        ShareReason::PlanEnteredInError
    );
}

#[test]
fn consents_must_end_after_they_start_and_name_known_people() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let e = try_run(
        &mut h,
        when,
        Change::RecordConsent {
            id: None,
            recipient: carer(),
            scope: Scope::WholePlan,
            from: Some(at(2026, 12, 1, 0)),
            until: Some(at(2026, 11, 30, 0)),
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "careplan.consent_ends_before_start");
    let e = try_run(
        &mut h,
        when,
        whole_plan_consent(Recipient::new(RecipientKind::Carer, "person-5")),
    )
    .unwrap_err();
    assert_eq!(e.code(), "careplan.unknown_item");
    // Removing someone from the network ends their consent.
    run(
        &mut h,
        when,
        vec![
            whole_plan_consent(carer()),
            Change::RemoveSupportPerson {
                id: "person-1".into(),
            },
        ],
    );
    assert_eq!(h.plan().unwrap().consents[0].withdrawn, Some(when));
}

#[test]
fn a_review_date_past_the_calendar_is_refused_and_never_hides_the_caseload() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let far = Change::SetReviewSchedule {
        schedule: Some(ReviewSchedule::On(day(2101, 6, 1))),
    };
    let e = try_run(&mut h, when, far).unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
    // A plan that got such a date some other way (an older version, an
    // import) is reported for checking, and the overdue plan beside it
    // still surfaces first.
    let mut broken = h.plan().unwrap().clone();
    broken.id = "plan-broken".into();
    broken.review_schedule = Some(ReviewSchedule::On(day(2101, 6, 1)));
    let mut overdue = h.plan().unwrap().clone();
    overdue.review_schedule = Some(ReviewSchedule::On(day(2026, 11, 30)));
    let due = reviews_due([&broken, &overdue], at(2026, 12, 9, 9), 5).unwrap();
    let states: Vec<_> = due.iter().map(|s| (s.plan_id.as_str(), s.state)).collect();
    assert_eq!(
        states,
        [
            ("plan-1", ReviewState::Overdue),
            ("plan-broken", ReviewState::OutOfRange)
        ]
    );
    // Only an `at` outside the calendar fails the whole call.
    let e = reviews_due([&overdue], at(2150, 1, 1, 9), 5).unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
}

#[test]
fn reviews_fall_on_working_days_and_overdue_ones_surface() {
    // Agreed on Monday 23 Nov 2026; 4 weeks on is Monday 21 Dec; 5 weeks on is
    // Monday 28 Dec 2026, the substitute Boxing Day bank holiday: moved to Tue 29.
    let mut h = draft("");
    run(
        &mut h,
        at(2026, 11, 23, 11),
        vec![
            Change::SetReviewSchedule {
                schedule: Some(ReviewSchedule::EveryWeeks(5)),
            },
            Change::ChangeStatus {
                to: PlanStatus::Active,
            },
        ],
    );
    let plan = h.plan().unwrap().clone();
    assert_eq!(next_review(&plan).unwrap(), Some(day(2026, 12, 29)));
    let s = review_status(&plan, at(2026, 12, 22, 9), 5).unwrap();
    assert_eq!(s.state, ReviewState::DueSoon);
    let s = review_status(&plan, at(2027, 1, 5, 9), 5).unwrap();
    assert_eq!(s.state, ReviewState::Overdue);
    // 30, 31 Dec, (1 Jan holiday), 4, 5 Jan.
    assert_eq!(s.working_days_overdue, 4);
    // A review resets the clock.
    run(
        &mut h,
        at(2027, 1, 5, 10),
        vec![Change::RecordReview {
            outcome: ReviewOutcome::Continue,
            notes: None,
        }],
    );
    assert_eq!(
        next_review(h.plan().unwrap()).unwrap(),
        Some(day(2027, 2, 9))
    );
    // Clearing the schedule surfaces the plan as unscheduled.
    let mut u = agreed("");
    run(
        &mut u,
        at(2026, 11, 24, 9),
        vec![Change::SetReviewSchedule { schedule: None }],
    );
    let mut other = agreed("");
    run(
        &mut other,
        at(2026, 11, 24, 9),
        vec![Change::SetReviewSchedule {
            schedule: Some(ReviewSchedule::On(day(2026, 12, 1))),
        }],
    );
    let plans = [
        plan,
        u.plan().unwrap().clone(),
        other.plan().unwrap().clone(),
    ];
    let due = reviews_due(&plans, at(2027, 1, 5, 9), 5).unwrap();
    let states: Vec<_> = due.iter().map(|s| s.state).collect();
    assert_eq!(
        states,
        [
            ReviewState::Overdue,
            ReviewState::Overdue,
            ReviewState::Unscheduled
        ]
    );
    assert!(due[0].working_days_overdue > due[1].working_days_overdue);
    // Closed plans need no review.
    let mut c = agreed("");
    run(
        &mut c,
        at(2026, 11, 24, 9),
        vec![Change::ChangeStatus {
            to: PlanStatus::Completed,
        }],
    );
    assert!(
        reviews_due([c.plan().unwrap()], at(2027, 6, 1, 9), 5)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn reviews_need_a_plan_in_force_and_past_dates_are_refused() {
    let mut h = draft("");
    let e = try_run(
        &mut h,
        at(2026, 11, 24, 9),
        Change::RecordReview {
            outcome: ReviewOutcome::Continue,
            notes: None,
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
    for schedule in [
        ReviewSchedule::EveryWeeks(0),
        ReviewSchedule::On(day(2026, 1, 1)),
    ] {
        let e = try_run(
            &mut h,
            at(2026, 11, 24, 9),
            Change::SetReviewSchedule {
                schedule: Some(schedule),
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), "careplan.invalid_value");
    }
}

#[test]
fn every_template_previews_a_draft_that_can_be_stored() {
    let when = at(2026, 11, 23, 10);
    let store = MemoryStore::new();
    for (i, template) in Template::built_in().iter().enumerate() {
        let id = format!("plan-{i}");
        let preview = template
            .preview(&id, PatientRef::new("p"), cc(), when)
            .unwrap();
        let plan = preview.plan().unwrap();
        assert_eq!(plan.status, PlanStatus::Draft);
        assert_eq!(plan.template.as_deref(), Some(template.key));
        assert_eq!(plan.goals.len(), template.goals.len());
        assert_eq!(plan.actions.len(), template.actions.len());
        assert!(plan.review_schedule.is_some());
        for action in &plan.actions {
            let due = action.due.unwrap();
            assert!(
                crate::time::WorkingCalendar::england_and_wales()
                    .is_working_day(due)
                    .unwrap()
            );
        }
        store.create(&preview).unwrap();
    }
    assert_eq!(store.plan_ids().unwrap().len(), 4);
    assert_eq!(
        Template::get("asthma").unwrap_err().code(),
        "careplan.unknown_word"
    );
}

#[test]
fn coded_activity_and_counts() {
    let mut h = agreed("");
    run(
        &mut h,
        at(2026, 12, 2, 10),
        vec![
            Change::RecordReview {
                outcome: ReviewOutcome::Revised,
                notes: None,
            },
            Change::RecordActivity {
                key: "carer_contacted".into(),
                code: "185317003".into(),
            },
            Change::LinkReferral {
                action: "action-1".into(),
                referral: "ref-2".into(),
                code: Some("871731000000106".into()),
            },
        ],
    );
    let records = activity(&h);
    let keys: Vec<_> = records
        .iter()
        .map(|r| (r.key.as_str(), r.code.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("plan_agreed", CARE_PLAN),
            ("referral_made", PATIENT_REFERRAL),
            ("plan_reviewed", REVIEW_OF_CARE_PLAN),
            ("carer_contacted", "185317003"),
            ("referral_made", "871731000000106"),
        ]
    );
    let monthly = aggregate(&records, Period::Month);
    assert_eq!(monthly.len(), 5);
    assert_eq!(monthly[0].period_start, day(2026, 11, 1));
    let yearly = aggregate(&records, Period::FinancialYear);
    assert!(yearly.iter().all(|c| c.period_start == day(2026, 4, 1)));
    assert_eq!(yearly.iter().map(|c| c.count).sum::<u64>(), 5);
    assert_eq!(Period::Week.start(day(2026, 11, 29)), day(2026, 11, 23));
    assert_eq!(Period::Quarter.start(day(2026, 11, 29)), day(2026, 10, 1));
    let e = try_run(
        &mut h,
        at(2026, 12, 2, 10),
        Change::RecordActivity {
            key: "carer_contacted".into(),
            code: "185317004".into(),
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
}

#[test]
fn the_person_summary_reads_plainly() {
    let h = agreed("");
    let text = person_summary(h.plan().unwrap()).unwrap();
    assert!(
        text.contains("## What matters to me\n\n- staying at home\n- singing group"),
        "{text}"
    );
    assert!(
        text.contains("- get to singing group weekly (by Monday 22 February 2027)"),
        "{text}"
    );
    assert!(text.contains("**The service (svc-transport)**: community transport referral (by Friday 4 December 2026): to do"), "{text}");
    assert!(
        text.contains(
            "**The pharmacist**: medicines review (by Friday 11 December 2026): arranged"
        ),
        "{text}"
    );
    assert!(
        text.contains("## Next review\n\nMonday 15 February 2027"),
        "{text}"
    );
}

/// Every free-text field and the patient reference carry a marker; no Debug
/// output of any value and no error message may contain it.
#[test]
fn no_free_text_or_identifier_leaks_into_debug_or_errors() {
    const MARK: &str = "ZQXMARK";
    let mut h = agreed(MARK);
    let when = at(2026, 11, 25, 9);
    run(
        &mut h,
        when,
        vec![
            whole_plan_consent(carer()),
            Change::RecordReview {
                outcome: ReviewOutcome::Continue,
                notes: Some(Text::new(format!("{MARK} notes"))),
            },
        ],
    );
    h.execute(
        Command::new(
            h.version(),
            cc(),
            when,
            Change::Share {
                recipient: carer(),
                purpose: Purpose::CarerSupport,
            },
        )
        .because(format!("{MARK} reason")),
    )
    .unwrap();
    let view = share(&mut h, &carer(), Purpose::CarerSupport, when).unwrap();
    let plan = h.plan().unwrap().clone();
    let mut outputs = vec![
        format!("{h:?}"),
        format!("{plan:?}"),
        format!("{view:?}"),
        format!("{:?}", h.events()),
        format!("{:?}", activity(&h)),
        format!(
            "{:?}",
            can_share(&plan, &carer(), Purpose::CarerSupport, when)
        ),
    ];
    // Errors from every kind of bad command on a marked plan.
    let marked = || Text::new(format!("{MARK} text"));
    let bad = vec![
        Change::AddGoal {
            id: Some("not an id".into()),
            description: marked(),
            target: None,
        },
        Change::AddGoal {
            id: None,
            description: Text::new("  "),
            target: None,
        },
        Change::UpdateGoal {
            id: "goal-9".into(),
            lifecycle: None,
            achievement: None,
            target: None,
        },
        Change::ChangeStatus {
            to: PlanStatus::Draft,
        },
        Change::Create {
            patient: PatientRef::new(MARK),
            template: None,
        },
        Change::RecordConsent {
            id: None,
            recipient: carer(),
            scope: Scope::WholePlan,
            from: Some(when),
            until: Some(when),
        },
        Change::Share {
            recipient: Recipient::new(RecipientKind::Service, "svc-x"),
            purpose: Purpose::DirectCare,
        },
        Change::RecordActivity {
            key: "k".into(),
            code: "12345".into(),
        },
    ];
    // Free text (a name, a sentence) where an id belongs, in every field
    // that takes the id of something in the plan: never repeated.
    let text_id = || format!("{MARK} Mrs Smith");
    let bad = bad.into_iter().chain([
        Change::UpdateGoal {
            id: text_id(),
            lifecycle: Some(GoalLifecycle::Active),
            achievement: None,
            target: None,
        },
        Change::UpdateAction {
            id: text_id(),
            status: Some(ActionStatus::Completed),
            due: None,
            owner: None,
        },
        Change::RemoveRisk { id: text_id() },
        Change::RemoveSupportPerson { id: text_id() },
        Change::WithdrawConsent { id: text_id() },
        Change::LinkReferral {
            action: text_id(),
            referral: "ref-2".into(),
            code: None,
        },
        Change::LinkAppointment {
            action: text_id(),
            appointment: "appt-2".into(),
        },
        Change::AddAction {
            id: None,
            what: Text::new("x"),
            owner: cc(),
            due: None,
            goals: vec![text_id()],
        },
        whole_plan_consent(Recipient::new(RecipientKind::Carer, text_id())),
    ]);
    for change in bad {
        let command = Command::new(h.version(), cc(), when, change).because(marked());
        let e = h.clone().execute(command.clone()).unwrap_err();
        outputs.push(e.to_string());
        outputs.push(format!("{e:?}"));
        outputs.push(format!("{command:?}"));
    }
    // Plan ids that are not ids, through a store.
    let store = MemoryStore::new();
    store.create(&h).unwrap();
    let e = store.load(&text_id()).unwrap_err();
    outputs.push(e.to_string());
    outputs.push(format!("{e:?}"));
    let goal = Change::AddGoal {
        id: None,
        description: Text::new("x"),
        target: None,
    };
    let e = store
        .execute(&text_id(), &Command::new(1, cc(), when, goal))
        .unwrap_err();
    outputs.push(e.to_string());
    outputs.push(format!("{e:?}"));
    // Stale and damaged records.
    let stale = Command::new(
        1,
        cc(),
        when,
        Change::SetStrengths {
            items: vec![marked()],
        },
    );
    outputs.push(h.clone().execute(stale).unwrap_err().to_string());
    let json = h.to_json().unwrap();
    assert!(json.contains(MARK), "the JSON holds the text itself");
    let damaged = json.replacen(
        &format!("\"{MARK}staying"),
        &format!("{{\"{MARK}staying"),
        1,
    );
    let wrong_type = json.replacen("\"version\":2", &format!("\"version\":\"{MARK}\""), 1);
    for text in [damaged, wrong_type, json[..json.len() - 3].to_owned()] {
        let e = PlanHistory::from_json(&text).unwrap_err();
        outputs.push(e.to_string());
        outputs.push(format!("{e:?}"));
    }
    for output in &outputs {
        assert!(!output.contains(MARK), "leaked: {output}");
    }
}

#[test]
fn damaged_documents_are_reported_by_path_and_kind_never_by_text() {
    const MARK: &str = "zqxmark";
    let h = agreed("");
    let json = h.to_json().unwrap();
    let cases = [
        // An unknown word where a status belongs (serde quoted it).
        (
            json.replacen("\"to\":\"active\"", &format!("\"to\":\"{MARK}\""), 1),
            "events[9].change",
        ),
        // A key the schema does not have.
        (
            json.replacen("\"version\":2,", &format!("\"version\":2,\"{MARK}\":1,"), 1),
            "events[1]",
        ),
        // A value of the wrong type.
        (
            json.replacen("\"version\":2,", &format!("\"version\":\"{MARK}\","), 1),
            "events[1].version",
        ),
    ];
    for (text, path) in cases {
        let e = PlanHistory::from_json(&text).unwrap_err();
        let shown = format!("{e} {e:?}");
        assert_eq!(e.code(), "careplan.corrupt_record");
        assert!(!shown.to_lowercase().contains(MARK), "{shown}");
        assert!(shown.contains(&format!("at `{path}`")), "{shown}");
        assert!(!shown.contains("line 0"), "{shown}");
    }
    // A change from a queue: the path and the kind, never line 0 column 0.
    for text in [
        format!("{{\"type\":\"change_status\",\"to\":\"{MARK}\"}}"),
        format!("{{\"type\":\"{MARK}\"}}"),
        format!("{{\"type\":\"remove_risk\",\"id\":\"risk-1\",\"{MARK}\":1}}"),
        "{\"type\":\"remove_risk\"}".to_owned(),
    ] {
        let e = Change::from_json(&text).unwrap_err();
        let shown = format!("{e} {e:?}");
        assert_eq!(e.code(), "careplan.corrupt_record");
        assert!(!shown.to_lowercase().contains(MARK), "{shown}");
        assert!(!shown.contains("line 0"), "{shown}");
    }
    let e = Change::from_json("{\"type\":\"remove_risk\"}").unwrap_err();
    assert!(e.to_string().contains("missing field `id`"), "{e}");
}

#[test]
fn memory_store_appends_atomically() {
    let store = MemoryStore::new();
    let h = agreed("");
    store.create(&h).unwrap();
    assert_eq!(store.create(&h).unwrap_err().code(), "careplan.plan_exists");
    let loaded = store.load("plan-1").unwrap();
    assert_eq!(loaded, h);
    // A batch where the last event is bad writes nothing.
    let mut next = h.clone();
    run(
        &mut next,
        at(2026, 11, 26, 9),
        vec![Change::SetStrengths { items: vec![] }],
    );
    let mut events: Vec<Event> = next.events()[h.events().len()..].to_vec();
    let mut bad = events[0].clone();
    bad.version += 1;
    bad.change = Change::RemoveRisk {
        id: "risk-9".into(),
    };
    events.push(bad);
    let e = store.append("plan-1", h.version(), &events).unwrap_err();
    assert_eq!(e.code(), "careplan.corrupt_record");
    assert_eq!(store.load("plan-1").unwrap().version(), h.version());
    assert_eq!(
        store.load("nope").unwrap_err().code(),
        "careplan.unknown_plan"
    );
    let e = store
        .execute(
            "nope",
            &Command::new(
                0,
                cc(),
                at(2026, 11, 26, 9),
                Change::SetStrengths { items: vec![] },
            ),
        )
        .unwrap_err();
    assert_eq!(e.code(), "careplan.unknown_plan");
}

/// Writers on several threads each read, decide and append, retrying when
/// someone else got there first: every update lands exactly once.
fn no_lost_updates(store: Arc<dyn PlanStore>, open_other: impl Fn() -> Arc<dyn PlanStore>) {
    const THREADS: usize = 4;
    const EACH: usize = 15;
    store.create(&agreed("")).unwrap();
    let start = store.load("plan-1").unwrap().version();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = if t % 2 == 0 {
                store.clone()
            } else {
                open_other()
            };
            std::thread::spawn(move || {
                let mut retries = 0;
                for i in 0..EACH {
                    loop {
                        let h = store.load("plan-1").unwrap();
                        let change = Change::RecordActivity {
                            key: format!("t{t}_{i}"),
                            code: "185317003".into(),
                        };
                        let cmd = Command::new(h.version(), cc(), at(2026, 11, 26, 9), change);
                        match store.execute("plan-1", &cmd) {
                            Ok(_) => break,
                            Err(e) if e.is_stale() => retries += 1,
                            Err(e) => panic!("{e}"),
                        }
                    }
                }
                retries
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let h = store.load("plan-1").unwrap();
    assert_eq!(h.version(), start + (THREADS * EACH) as u64);
    let mut keys: Vec<_> = activity(&h)
        .into_iter()
        .filter(|r| r.key.starts_with('t'))
        .map(|r| r.key)
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), THREADS * EACH);
}

#[test]
fn no_lost_update_in_memory() {
    let store: Arc<dyn PlanStore> = Arc::new(MemoryStore::new());
    let same = store.clone();
    no_lost_updates(store, move || same.clone());
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;

    fn temp_file(name: &str) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("carecoord-{}-{name}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn no_lost_update_across_connections_to_one_file() {
        let path = temp_file("concurrent");
        let store: Arc<dyn PlanStore> = Arc::new(SqliteStore::open(&path).unwrap());
        let other = path.clone();
        no_lost_updates(store, move || Arc::new(SqliteStore::open(&other).unwrap()));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn paths_that_would_keep_nothing_are_refused() {
        // SQLite reads "" as a throwaway temporary database: once, what was
        // written to `SqliteStore::open("")` was silently lost.
        for path in [
            "",
            "  ",
            ":memory:",
            "file::memory:",
            "file:plans.sqlite?mode=memory",
        ] {
            let e = SqliteStore::open(path).err().unwrap();
            assert_eq!(e.code(), "careplan.storage", "{path:?}");
        }
        assert!(SqliteStore::in_memory().is_ok());
    }

    /// The demo's file, written by this version of carecoord and kept in the
    /// repository: Python and Kotlin read the same file, and every later
    /// version must still read it.
    #[test]
    fn the_version_1_fixture_file_still_reads() {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/care_plans_v1.sqlite");
        let path = temp_file("fixture");
        std::fs::copy(fixture, &path).unwrap();
        let store = SqliteStore::open(&path).unwrap();
        let h = store.load("plan-demo-69").unwrap();
        let plan = h.plan().unwrap();
        assert_eq!((plan.version, plan.status), (22, PlanStatus::Active));
        assert_eq!(plan.goals.len(), 3);
        assert_eq!(plan.consents[0].recipient.id, "daughter");
        assert_eq!(next_review(plan).unwrap(), Some(day(2027, 1, 18)));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_file_round_trips_and_refuses_damage_and_the_future() {
        let path = temp_file("roundtrip");
        let h = agreed("");
        {
            let store = SqliteStore::open(&path).unwrap();
            store.create(&h).unwrap();
            assert_eq!(store.create(&h).unwrap_err().code(), "careplan.plan_exists");
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.load("plan-1").unwrap(), h);
        assert_eq!(store.plans().unwrap().len(), 1);
        drop(store);
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute(
            "UPDATE careplan_events SET event = substr(event, 1, 20) WHERE version = 3",
            [],
        )
        .unwrap();
        let store = SqliteStore::open(&path).unwrap();
        let e = store.load("plan-1").unwrap_err();
        assert_eq!(e.code(), "careplan.corrupt_record");
        assert_eq!(e.plan.as_deref(), Some("plan-1"));
        raw.execute(
            "UPDATE careplan_events SET schema_version = 3 WHERE version = 3",
            [],
        )
        .unwrap();
        assert_eq!(
            store.load("plan-1").unwrap_err().code(),
            "careplan.unsupported_schema_version"
        );
        raw.execute_batch("PRAGMA user_version = 9").unwrap();
        drop(store);
        let e = SqliteStore::open(&path).unwrap_err();
        assert_eq!(e.code(), "careplan.unsupported_schema_version");
        let _ = std::fs::remove_file(&path);
    }

    /// A plan with a consent and a share, stored in a fresh file; returns
    /// the path and a raw connection for editing it behind the store's back.
    fn stored(name: &str) -> (std::path::PathBuf, rusqlite::Connection) {
        let path = temp_file(name);
        let mut h = agreed("");
        let when = at(2026, 11, 25, 9);
        run(&mut h, when, vec![whole_plan_consent(carer())]);
        share(&mut h, &carer(), Purpose::CarerSupport, when).unwrap();
        SqliteStore::open(&path).unwrap().create(&h).unwrap();
        let raw = rusqlite::Connection::open(&path).unwrap();
        (path, raw)
    }

    fn load_code(path: &std::path::Path) -> &'static str {
        let store = SqliteStore::open(path).unwrap();
        match store.load("plan-1") {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn edits_deletions_and_forgeries_in_the_file_are_corrupt_records() {
        let edits = [
            // A consent made to last for ever (still replays).
            "UPDATE careplan_events SET event = replace(event, '\"scope\":\"whole_plan\"', '\"scope\":\"whole_plan\",\"until\":\"2099-01-01T00:00:00Z\"') WHERE version = 13",
            // What matters rewritten (still replays).
            "UPDATE careplan_events SET event = replace(event, 'staying at home', 'moving to a home') WHERE version = 2",
            // The last event deleted: the history truncated.
            "DELETE FROM careplan_events WHERE version = 14",
            // A middle event deleted.
            "DELETE FROM careplan_events WHERE version = 5",
            // Every event deleted, the head left behind.
            "DELETE FROM careplan_events",
            // The head deleted.
            "DELETE FROM careplan_heads",
            // The plan moved to another id.
            "UPDATE careplan_events SET plan_id = 'plan-9'",
        ];
        for (n, edit) in edits.iter().enumerate() {
            let (path, raw) = stored(&format!("edit-{n}"));
            assert_eq!(load_code(&path), "ok");
            raw.execute_batch(edit).unwrap();
            let store = SqliteStore::open(&path).unwrap();
            let codes: Vec<&str> = store
                .plan_ids()
                .unwrap()
                .iter()
                .map(|id| store.load(id).err().map_or("ok", |e| e.code()))
                .collect();
            assert!(
                !codes.is_empty() && codes.iter().all(|c| *c == "careplan.corrupt_record"),
                "{edit}: {codes:?}"
            );
            let _ = std::fs::remove_file(&path);
        }
    }

    #[test]
    fn the_damaged_event_is_named() {
        let (path, raw) = stored("named");
        raw.execute_batch(
            "UPDATE careplan_events SET event = replace(event, 'staying at home', 'x') WHERE version = 2",
        )
        .unwrap();
        let e = SqliteStore::open(&path)
            .unwrap()
            .load("plan-1")
            .unwrap_err();
        assert!(e.to_string().contains("event 2 does not match"), "{e}");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_forged_disclosure_is_a_corrupt_record() {
        let (path, raw) = stored("forged");
        // A share to someone with no consent, appended by hand.
        let event: String = raw
            .query_row(
                "SELECT event FROM careplan_events WHERE version = 14",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let forged = event
            .replace("\"version\":14", "\"version\":15")
            .replace("person-1", "person-9");
        raw.execute(
            "INSERT INTO careplan_events (plan_id, version, schema_version, event, chain) VALUES ('plan-1', 15, 2, ?1, 'x')",
            [forged],
        )
        .unwrap();
        assert_eq!(load_code(&path), "careplan.corrupt_record");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_version_1_file_is_upgraded_once_and_then_chained() {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/care_plans_v1.sqlite");
        let path = temp_file("upgrade");
        std::fs::copy(&fixture, &path).unwrap();
        let before = SqliteStore::open(&path)
            .unwrap()
            .load("plan-demo-69")
            .unwrap();
        let raw = rusqlite::Connection::open(&path).unwrap();
        let version: i64 = raw
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 2);
        let head: String = raw
            .query_row(
                "SELECT head FROM careplan_heads WHERE plan_id = 'plan-demo-69'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(head, before.head().unwrap());
        // Opening again changes nothing; an edit is now caught.
        assert_eq!(
            SqliteStore::open(&path)
                .unwrap()
                .load("plan-demo-69")
                .unwrap(),
            before
        );
        raw.execute_batch(
            "UPDATE careplan_events SET event = replace(event, 'singing', 'dancing')",
        )
        .unwrap();
        let e = SqliteStore::open(&path)
            .unwrap()
            .load("plan-demo-69")
            .unwrap_err();
        assert_eq!(e.code(), "careplan.corrupt_record");
        // A version-1 file whose history does not replay is not upgraded.
        let broken = temp_file("upgrade-broken");
        std::fs::copy(&fixture, &broken).unwrap();
        let raw = rusqlite::Connection::open(&broken).unwrap();
        raw.execute_batch("DELETE FROM careplan_events WHERE version = 3")
            .unwrap();
        let e = SqliteStore::open(&broken).unwrap_err();
        assert_eq!(e.code(), "careplan.corrupt_record");
        let version: i64 = raw
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1, "a failed upgrade changes nothing");
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(&broken);
    }
}

/// A random command: some valid, many not.
fn any_change() -> impl Strategy<Value = Change> {
    let text = prop_oneof![Just(""), Just("a"), Just("walk"), Just("  ")].prop_map(Text::new);
    let id = prop_oneof![
        Just(None),
        Just(Some("goal-1".to_owned())),
        Just(Some("x".to_owned()))
    ];
    let item = prop_oneof![
        Just("goal-1"),
        Just("goal-2"),
        Just("action-1"),
        Just("risk-1"),
        Just("consent-1"),
        Just("person-1")
    ]
    .prop_map(str::to_owned);
    let status = proptest::sample::select(PlanStatus::ALL.to_vec());
    let date = (0i64..400).prop_map(|d| day(2026, 11, 1) + Duration::days(d));
    prop_oneof![
        proptest::collection::vec(text.clone(), 0..3)
            .prop_map(|items| Change::SetWhatMatters { items }),
        (id.clone(), text.clone(), proptest::option::of(date.clone())).prop_map(
            |(id, description, target)| Change::AddGoal {
                id,
                description,
                target
            }
        ),
        (
            item.clone(),
            proptest::option::of(proptest::sample::select(GoalLifecycle::ALL.to_vec()))
        )
            .prop_map(|(id, lifecycle)| Change::UpdateGoal {
                id,
                lifecycle,
                achievement: Some(GoalAchievement::Improving),
                target: None
            }),
        (text.clone(), item.clone()).prop_map(|(what, goal)| Change::AddAction {
            id: None,
            what,
            owner: Actor::new(Role::Gp),
            due: None,
            goals: vec![goal]
        }),
        (text.clone(), text.clone()).prop_map(|(description, contingency)| Change::AddRisk {
            id: None,
            description,
            contingency
        }),
        item.clone().prop_map(|id| Change::RemoveRisk { id }),
        (0u32..30).prop_map(|w| Change::SetReviewSchedule {
            schedule: Some(ReviewSchedule::EveryWeeks(w))
        }),
        Just(Change::AddSupportPerson {
            id: None,
            name: Text::new("n"),
            relationship: Relationship::Friend,
            contact_role: ContactRole::Carer,
            contact: None
        }),
        Just(Change::RecordConsent {
            id: None,
            recipient: Recipient::new(RecipientKind::Carer, "person-1"),
            scope: Scope::Summary,
            from: None,
            until: None
        }),
        item.clone().prop_map(|id| Change::WithdrawConsent { id }),
        Just(Change::Share {
            recipient: Recipient::new(RecipientKind::Carer, "person-1"),
            purpose: Purpose::CarerSupport
        }),
        Just(Change::RecordReview {
            outcome: ReviewOutcome::Continue,
            notes: None
        }),
        status.prop_map(|to| Change::ChangeStatus { to }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever is asked, in whatever order: refused commands change nothing,
    /// versions count events, and replaying the history (in memory or through
    /// JSON) gives the same plan byte for byte.
    #[test]
    fn replay_equals_the_live_plan(
        changes in proptest::collection::vec((any_change(), 0u64..3, proptest::bool::ANY), 1..40)
    ) {
        let mut h = PlanHistory::new("p").unwrap();
        let start = at(2026, 11, 23, 9);
        h.execute(Command::new(0, cc(), start, Change::Create {
            patient: PatientRef::new("x"), template: None })).unwrap();
        for (i, (change, lag, reason)) in changes.into_iter().enumerate() {
            let before = h.clone();
            let version = h.version().saturating_sub(lag);
            let mut command = Command::new(version, cc(), start + Duration::hours(i as i64), change);
            if reason {
                command = command.because("r");
            }
            if h.execute(command).is_err() {
                prop_assert_eq!(&h, &before);
            }
            prop_assert_eq!(h.version(), h.events().len() as u64);
        }
        let replayed = PlanHistory::from_events("p", h.events().to_vec()).unwrap();
        prop_assert_eq!(&replayed, &h);
        let through_json = PlanHistory::from_json(&h.to_json().unwrap()).unwrap();
        prop_assert_eq!(
            through_json.plan().unwrap().to_json().unwrap(),
            h.plan().unwrap().to_json().unwrap()
        );
    }
}

#[test]
fn the_hash_chain_catches_edits_that_still_replay() {
    let mut h = agreed("");
    run(
        &mut h,
        at(2026, 11, 25, 9),
        vec![whole_plan_consent(carer())],
    );
    let json = h.to_json().unwrap();
    let head = h.head().unwrap();
    assert_eq!(head.len(), 64);
    assert!(json.ends_with(&format!("\"head\":\"{head}\"}}")), "{json}");
    // Each edit below leaves a history that replays; only the chain sees it.
    let edits = [
        json.replacen("staying at home", "staying in hospital", 1),
        json.replacen("\"target\":\"2027-02-22\"", "\"target\":\"2027-03-22\"", 1),
    ];
    for text in edits {
        assert_ne!(text, json);
        let e = PlanHistory::from_json(&text).unwrap_err();
        assert_eq!(e.code(), "careplan.corrupt_record", "{e}");
        assert!(e.to_string().contains("head"), "{e}");
    }
    // The last event removed (the history truncated): still replays.
    let mut document: serde_json::Value = serde_json::from_str(&json).unwrap();
    document["events"].as_array_mut().unwrap().pop();
    let e = PlanHistory::from_json(&document.to_string()).unwrap_err();
    assert_eq!(e.code(), "careplan.corrupt_record");
    // A version-2 document without its head is damaged.
    document.as_object_mut().unwrap().remove("head");
    let e = PlanHistory::from_json(&document.to_string()).unwrap_err();
    assert_eq!(e.code(), "careplan.corrupt_record");
}

/// The chain hashes carecoord's own JSON for each event: if that JSON ever
/// changes, every stored head disagrees. This pins it.
#[test]
fn the_hash_of_a_known_history_never_changes() {
    let mut h = PlanHistory::new("plan-1").unwrap();
    run(
        &mut h,
        at(2026, 11, 23, 10),
        vec![
            Change::Create {
                patient: PatientRef::new("local-1"),
                template: None,
            },
            Change::SetWhatMatters {
                items: vec![Text::new("staying at home")],
            },
        ],
    );
    assert_eq!(
        h.head().unwrap(),
        "9ae1d302d475776047be66da79d58f685fe744ed74e95732e1967b845559859c"
    );
    assert_eq!(PlanHistory::new("plan-2").unwrap().head().unwrap(), "");
}

#[test]
fn every_single_byte_damage_to_a_history_is_a_corrupt_record() {
    let original = agreed("");
    let json = original.to_json().unwrap();
    let mut checked = 0;
    for i in 0..json.len() {
        for c in [b'0', b'9', b'a', b'"', b'-', b' '] {
            let mut bytes = json.as_bytes().to_vec();
            bytes[i] = c;
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            if text == json {
                continue;
            }
            match PlanHistory::from_json(&text) {
                // Damage that still replays (a goal's words, a date) is
                // caught by the hash chain's head; only another spelling of
                // the same value (a space for the `T` of a time) reads back.
                Ok(read) => assert_eq!(read, original, "byte {i} to {}", c as char),
                Err(e) => {
                    let newer = e.code() == "careplan.unsupported_schema_version" && c == b'9';
                    assert!(
                        e.code() == "careplan.corrupt_record" || newer,
                        "byte {i} to {}: {e}",
                        c as char
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 10_000);
}

#[test]
fn every_share_reason_has_its_own_plain_message() {
    let messages: Vec<&str> = ShareReason::ALL.iter().map(|r| r.message()).collect();
    let mut distinct = messages.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), messages.len(), "{messages:?}");
    assert!(
        messages
            .iter()
            .all(|m| m.len() > 20 && m.starts_with(char::is_lowercase))
    );
    assert!(ShareReason::NoConsent.message().contains("not consented"));
    assert!(
        ShareReason::NotRegisteredPractice
            .message()
            .contains("registered GP practice")
    );
}

#[test]
fn only_a_withdrawn_gp_consent_is_an_objection_to_gp_direct_care() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    register(&mut h, "Y01234", when);
    let gp = Recipient::new(RecipientKind::GpPractice, "Y01234");
    // A carer's consent withdrawn says nothing about the GP.
    run(
        &mut h,
        when,
        vec![
            whole_plan_consent(carer()),
            Change::WithdrawConsent {
                id: "consent-1".into(),
            },
        ],
    );
    let later = when + Duration::hours(1);
    assert_eq!(
        can_share(h.plan().unwrap(), &gp, Purpose::DirectCare, later).reason,
        ShareReason::GpDirectCare
    );
    // Nor does a GP consent that simply ran out.
    run(
        &mut h,
        when,
        vec![Change::RecordConsent {
            id: None,
            recipient: gp.clone(),
            scope: Scope::Summary,
            from: None,
            until: Some(when + Duration::minutes(30)),
        }],
    );
    assert_eq!(
        can_share(h.plan().unwrap(), &gp, Purpose::DirectCare, later).reason,
        ShareReason::GpDirectCare
    );
}

#[test]
fn only_a_safeguarding_share_with_the_lead_skips_the_clock_check() {
    let mut h = agreed("");
    let now = at(2026, 11, 25, 9);
    let lead = Recipient::new(RecipientKind::SafeguardingLead, "sg-lead");
    run(
        &mut h,
        now,
        vec![
            whole_plan_consent(carer()),
            whole_plan_consent(lead.clone()),
        ],
    );
    let stale = now - CLOCK_TOLERANCE - Duration::minutes(1);
    // Other shares are ordinary changes: refused when stamped too early.
    for (recipient, purpose) in [
        (lead.clone(), Purpose::DirectCare),
        (carer(), Purpose::Safeguarding),
        (carer(), Purpose::CarerSupport),
    ] {
        let change = Change::Share { recipient, purpose };
        let e = h
            .share(Command::new(h.version(), cc(), stale, change).because("concern"))
            .unwrap_err();
        assert_eq!(e.code(), "careplan.invalid_value", "{e}");
    }
    let change = Change::Share {
        recipient: lead,
        purpose: Purpose::Safeguarding,
    };
    h.share(Command::new(h.version(), cc(), stale, change).because("concern"))
        .unwrap();
}

#[test]
fn an_update_may_change_any_one_thing() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let goal = |lifecycle, achievement, target| Change::UpdateGoal {
        id: "goal-1".into(),
        lifecycle,
        achievement,
        target,
    };
    run(
        &mut h,
        when,
        vec![
            goal(Some(GoalLifecycle::OnHold), None, None),
            goal(None, Some(GoalAchievement::Improving), None),
            goal(None, None, Some(day(2027, 3, 1))),
        ],
    );
    let g = h.plan().unwrap().goal("goal-1").unwrap().clone();
    assert_eq!(
        (g.lifecycle, g.achievement, g.target),
        (
            GoalLifecycle::OnHold,
            Some(GoalAchievement::Improving),
            Some(day(2027, 3, 1))
        )
    );
    let e = try_run(&mut h, when, goal(None, None, None)).unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
    let action = |status, due, owner| Change::UpdateAction {
        id: "action-2".into(),
        status,
        due,
        owner,
    };
    run(
        &mut h,
        when,
        vec![
            action(Some(ActionStatus::InProgress), None, None),
            action(None, Some(day(2027, 1, 8)), None),
            action(None, None, Some(Actor::new(Role::Gp))),
        ],
    );
    let a = h.plan().unwrap().action("action-2").unwrap().clone();
    assert_eq!(
        (a.status, a.due, a.owner.role),
        (ActionStatus::InProgress, Some(day(2027, 1, 8)), Role::Gp)
    );
    let e = try_run(&mut h, when, action(None, None, None)).unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
}

#[test]
fn new_ids_skip_those_already_taken() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let goal = |id: Option<&str>| Change::AddGoal {
        id: id.map(str::to_owned),
        description: Text::new("walk"),
        target: None,
    };
    // goal-1 exists and goal-3 is taken by hand: the count says goal-3,
    // which is taken, so the next is goal-4 (never a gap below it).
    run(&mut h, when, vec![goal(Some("goal-3")), goal(None)]);
    let ids: Vec<&str> = h
        .plan()
        .unwrap()
        .goals
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    assert_eq!(ids, ["goal-1", "goal-3", "goal-4"]);
}

#[test]
fn the_clock_tolerance_is_fifteen_minutes_to_the_second() {
    let mut h = agreed("");
    let last = h.plan().unwrap().updated;
    let goal = || Change::AddGoal {
        id: None,
        description: Text::new("walk"),
        target: None,
    };
    let second = Duration::seconds(1);
    let e = try_run(&mut h, last - CLOCK_TOLERANCE - second, goal()).unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
    try_run(&mut h, last - CLOCK_TOLERANCE, goal()).unwrap();
    assert_eq!(CLOCK_TOLERANCE, Duration::minutes(15));
}

#[test]
fn a_review_may_be_set_for_today_and_must_fit_the_calendar() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let on = |d| Change::SetReviewSchedule {
        schedule: Some(ReviewSchedule::On(d)),
    };
    try_run(&mut h, when, on(day(2026, 11, 25))).unwrap();
    let e = try_run(&mut h, when, on(day(2026, 11, 24))).unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
    // Late in the calendar: a short interval fits, two years does not.
    let late = at(2100, 3, 1, 9);
    let every = |weeks| Change::SetReviewSchedule {
        schedule: Some(ReviewSchedule::EveryWeeks(weeks)),
    };
    try_run(&mut h, late, every(4)).unwrap();
    let e = try_run(&mut h, late, every(104)).unwrap_err();
    assert_eq!(e.code(), "careplan.invalid_value");
}

#[test]
fn a_replayed_share_keeps_its_purpose_and_justification() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    run(&mut h, when, vec![whole_plan_consent(carer())]);
    share(&mut h, &carer(), Purpose::CarerSupport, when).unwrap();
    let lead = Recipient::new(RecipientKind::SafeguardingLead, "sg-lead");
    let change = Change::Share {
        recipient: lead,
        purpose: Purpose::Safeguarding,
    };
    h.share(Command::new(h.version(), cc(), when, change).because("concern"))
        .unwrap();
    let events = h.events().to_vec();
    let n = events.len();
    // The carer's disclosure recorded under another purpose.
    let mut purpose = events.clone();
    if let Some(d) = purpose[n - 2].disclosure.as_mut() {
        d.purpose = Purpose::DirectCare;
    }
    // The safeguarding share with its justification taken away.
    let mut reason = events.clone();
    reason[n - 1].reason = None;
    for damaged in [purpose, reason] {
        let e = PlanHistory::from_events("plan-1", damaged).unwrap_err();
        assert_eq!(e.code(), "careplan.corrupt_record");
    }
    assert!(PlanHistory::from_events("plan-1", events).is_ok());
}

#[test]
fn a_change_touches_only_the_item_it_names() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let second_goal = Change::AddGoal {
        id: None,
        description: Text::new("walk"),
        target: None,
    };
    run(&mut h, when, vec![second_goal]);
    run(
        &mut h,
        when,
        vec![
            Change::UpdateGoal {
                id: "goal-2".into(),
                lifecycle: Some(GoalLifecycle::OnHold),
                achievement: None,
                target: None,
            },
            Change::UpdateAction {
                id: "action-2".into(),
                status: Some(ActionStatus::Completed),
                due: None,
                owner: None,
            },
            Change::LinkReferral {
                action: "action-2".into(),
                referral: "ref-9".into(),
                code: None,
            },
            Change::LinkAppointment {
                action: "action-1".into(),
                appointment: "appt-9".into(),
            },
        ],
    );
    let plan = h.plan().unwrap();
    let lifecycles: Vec<_> = plan.goals.iter().map(|g| g.lifecycle).collect();
    assert_eq!(lifecycles, [GoalLifecycle::Active, GoalLifecycle::OnHold]);
    let statuses: Vec<_> = plan.actions.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [ActionStatus::Scheduled, ActionStatus::Completed]);
    assert_eq!(plan.actions[0].referrals, ["ref-1"]);
    assert_eq!(plan.actions[1].referrals, ["ref-9"]);
    assert_eq!(plan.actions[0].appointments, ["appt-9"]);
    assert_eq!(plan.actions[1].appointments, ["appt-1"]);
}

#[test]
fn removing_one_person_ends_only_their_consents_and_their_part() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let friend = Change::AddSupportPerson {
        id: Some("friend".into()),
        name: Text::new("f"),
        relationship: Relationship::Friend,
        contact_role: ContactRole::Carer,
        contact: None,
    };
    let friend_id = Recipient::new(RecipientKind::Carer, "friend");
    let gp = Recipient::new(RecipientKind::GpPractice, "Y01234");
    run(
        &mut h,
        when,
        vec![
            friend,
            whole_plan_consent(carer()),
            whole_plan_consent(friend_id.clone()),
            whole_plan_consent(gp),
            Change::SetActionSharing {
                id: "action-1".into(),
                participants: vec!["friend".into(), "person-1".into()],
                shareable: false,
            },
            Change::RemoveSupportPerson {
                id: "person-1".into(),
            },
        ],
    );
    let plan = h.plan().unwrap();
    let withdrawn: Vec<bool> = plan
        .consents
        .iter()
        .map(|c| c.withdrawn.is_some())
        .collect();
    assert_eq!(withdrawn, [true, false, false]);
    assert_eq!(plan.actions[0].participants, ["friend"]);
    let network: Vec<&str> = plan.support_network.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(network, ["friend"]);
}

#[test]
fn only_revoking_and_erroring_an_agreed_plan_need_a_reason() {
    let mut h = agreed("");
    let when = at(2026, 11, 25, 9);
    let to = |to| Change::ChangeStatus { to };
    // Pausing, resuming and completing need no reason.
    run(
        &mut h,
        when,
        vec![
            to(PlanStatus::OnHold),
            to(PlanStatus::Active),
            to(PlanStatus::Completed),
        ],
    );
    // A draft entered in error needs none either.
    let mut d = draft("");
    try_run(&mut d, when, to(PlanStatus::EnteredInError)).unwrap();
    let mut a = agreed("");
    let e = try_run(&mut a, when, to(PlanStatus::EnteredInError)).unwrap_err();
    assert_eq!(e.code(), "careplan.reason_required");
    assert!(
        e.to_string()
            .contains("marking an agreed plan entered-in-error"),
        "{e}"
    );
    let e = try_run(&mut a, when, to(PlanStatus::Revoked)).unwrap_err();
    assert_eq!(e.code(), "careplan.reason_required");
    assert!(e.to_string().contains("revoking a plan"), "{e}");
}

#[test]
fn removing_a_risk_keeps_the_others_and_agreement_is_dated_once() {
    let mut h = agreed("");
    let agreed_at = h.plan().unwrap().agreed;
    let when = at(2026, 11, 25, 9);
    let risk = Change::AddRisk {
        id: None,
        description: Text::new("missed transport"),
        contingency: Text::new("ring the coordinator"),
    };
    run(
        &mut h,
        when,
        vec![
            risk,
            Change::RemoveRisk {
                id: "risk-1".into(),
            },
            Change::ChangeStatus {
                to: PlanStatus::OnHold,
            },
            Change::ChangeStatus {
                to: PlanStatus::Active,
            },
        ],
    );
    let plan = h.plan().unwrap();
    let risks: Vec<&str> = plan.risks.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(risks, ["risk-2"]);
    // Resuming after a pause is not agreeing the plan again.
    assert_eq!(plan.agreed, agreed_at);
    assert!(agreed_at.is_some_and(|t| t < when));
}
