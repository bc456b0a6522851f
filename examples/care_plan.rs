//! A personalised care and support plan, agreed and shared, kept in an
//! SQLite file (synthetic person; run with `cargo run --features sqlite
//! --example care_plan`, or the README's demo command).
//!
//! She is 69, has Parkinson's disease, lives alone, has memory problems and
//! cannot drive; her son and daughter live far away. The care coordinator
//! agrees with her what matters, her goals and who will do what, links a
//! referral and two appointments, records her consent to share with her
//! daughter, shows the daughter's view (no clinical sections), and sets the
//! review date. A second coordinator's out-of-date edit is refused rather
//! than lost.

use std::error::Error as StdError;
use std::path::PathBuf;

use carecoord::careplan::{
    Actor, Change, Command, ContactRole, PatientRef, Period, PlanStore, Purpose, Recipient,
    RecipientKind, Relationship, ReviewSchedule, Role, Scope, SqliteStore, Text, activity,
    aggregate, next_review, person_summary, reviews_due,
};
use carecoord::time::{parse_date, parse_instant, to_london};

const PLAN: &str = "plan-demo-69";

fn main() -> Result<(), Box<dyn StdError>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/demo");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("care_plans.sqlite");
    // A fresh file each run, so the output never changes.
    let _ = std::fs::remove_file(&file);
    let store = SqliteStore::open(&file)?;

    let me = Actor::new(Role::CareCoordinator).at("Y01234");
    let visit = parse_instant("2026-11-23T10:30:00Z", "at")?;
    let date = |text: &str| parse_date(text, "date");
    let t = Text::new;

    let changes = vec![
        Change::Create {
            patient: PatientRef::new("demo-69"),
            template: None,
        },
        Change::SetWhatMatters {
            items: vec![
                t("Staying in my own home"),
                t("Getting to my Tuesday singing group: it helps my voice and I see friends"),
                t("Not being a worry to my son and daughter"),
            ],
        },
        Change::SetStrengths {
            items: vec![
                t("I walk to the end of the road every day with my stick"),
                t("My friend next door pops in most days"),
            ],
        },
        Change::AddSupportPerson {
            id: Some("daughter".into()),
            name: t("Daughter"),
            relationship: Relationship::Child,
            contact_role: ContactRole::MainCarer,
            contact: Some(t("07700 900461")),
        },
        Change::AddSupportPerson {
            id: Some("neighbour".into()),
            name: t("Next-door neighbour"),
            relationship: Relationship::Neighbour,
            contact_role: ContactRole::InformalSupport,
            contact: None,
        },
        Change::AddGoal {
            id: None,
            description: t("Get to singing group every Tuesday"),
            target: Some(date("2027-01-26")?),
        },
        Change::AddGoal {
            id: None,
            description: t("Take my Parkinson's medicines on time, every time"),
            target: Some(date("2026-12-21")?),
        },
        Change::AddGoal {
            id: None,
            description: t("Feel safe at home, day and night"),
            target: Some(date("2027-02-15")?),
        },
        Change::AddAction {
            id: None,
            what: t("Refer to community transport for the Tuesday group"),
            owner: Actor::new(Role::SocialPrescribingLinkWorker),
            due: Some(date("2026-11-30")?),
            goals: vec!["goal-1".into()],
        },
        Change::AddAction {
            id: None,
            what: t("Medicines in a timed dispenser with an alarm; check doses fit her day"),
            owner: Actor::new(Role::Pharmacist),
            due: Some(date("2026-12-04")?),
            goals: vec!["goal-2".into()],
        },
        Change::AddAction {
            id: None,
            what: t("Parkinson's nurse review, and memory assessment"),
            owner: Actor::new(Role::Nurse),
            due: Some(date("2027-01-19")?),
            goals: vec!["goal-2".into(), "goal-3".into()],
        },
        Change::AddAction {
            id: None,
            what: t("Pendant alarm and a key safe, so help can get in"),
            owner: Actor::new(Role::CareCoordinator),
            due: Some(date("2026-12-11")?),
            goals: vec!["goal-3".into()],
        },
        Change::AddRisk {
            id: None,
            description: t("Falls, worse when medicines are late"),
            contingency: t(
                "If she falls and cannot get up, press the pendant; the neighbour has the key safe code. Tell the practice about any fall.",
            ),
        },
        Change::AddRisk {
            id: None,
            description: t("Missed doses, or unable to swallow medicines"),
            contingency: t(
                "Call the practice the same day; when it is closed, call NHS 111 and say she has Parkinson's disease.",
            ),
        },
        Change::SetReviewSchedule {
            schedule: Some(ReviewSchedule::EveryWeeks(8)),
        },
        Change::ChangeStatus {
            to: carecoord::careplan::PlanStatus::Active,
        },
        Change::LinkReferral {
            action: "action-1".into(),
            referral: "ref-2026-1123-07".into(),
            code: Some("871731000000106".into()),
        },
        Change::LinkAppointment {
            action: "action-3".into(),
            appointment: "appt-pdns-2027-01-12".into(),
        },
        Change::LinkAppointment {
            action: "action-3".into(),
            appointment: "appt-memory-2027-01-19".into(),
        },
        Change::RecordConsent {
            id: None,
            recipient: Recipient::new(RecipientKind::Carer, "daughter"),
            scope: Scope::WholePlan,
            from: None,
            until: Some(parse_instant("2027-11-23T00:00:00Z", "until")?),
        },
        Change::RecordActivity {
            key: "carer_phoned".into(),
            code: "185317003".into(), // |Telephone encounter|
        },
    ];
    let mut version = 0;
    for change in changes {
        let event = store.execute(PLAN, &Command::new(version, me.clone(), visit, change))?;
        version = event.version;
    }

    let history = store.load(PLAN)?;
    let plan = history.plan().ok_or("the plan was not stored")?;
    println!("Care plan {PLAN}: agreed with her on {}", to_london(visit));
    println!(
        "  status {}, version {}, {} goals, {} actions, kept in {}",
        plan.status,
        plan.version,
        plan.goals.len(),
        plan.actions.len(),
        file.strip_prefix(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))
            .unwrap_or(&file)
            .display()
    );
    for action in &plan.actions {
        let links: Vec<&str> = action
            .referrals
            .iter()
            .chain(&action.appointments)
            .map(String::as_str)
            .collect();
        println!(
            "  {:<9} {:<31} {:<12} {}",
            action.id,
            action.owner.role.key(),
            action.status.key(),
            links.join(", ")
        );
    }
    if let Some(due) = next_review(plan)? {
        println!(
            "  next review: {} (8 weeks, on a working day)",
            due.format("%A %-d %B %Y")
        );
    }
    println!();

    // A colleague who read the plan before the consent was recorded tries to
    // change it: refused, and nothing is lost.
    let stale = Command::new(
        plan.version - 2,
        Actor::new(Role::CareCoordinator).at("Y01234"),
        visit,
        Change::SetStrengths { items: vec![] },
    );
    match store.execute(PLAN, &stale) {
        Err(e) => println!(
            "A second coordinator's out-of-date edit: {e} [{}]",
            e.code()
        ),
        Ok(_) => return Err("a stale edit was accepted".into()),
    }
    println!();

    println!("Her plan, for her (plain language):");
    println!();
    for line in person_summary(plan)?.lines() {
        println!("  | {line}");
    }
    println!();

    let daughter = Recipient::new(RecipientKind::Carer, "daughter");
    // The view comes only with its record: one call decides the share,
    // appends the disclosure to the history and returns what it released.
    let share_with = |recipient: &Recipient, version: u64| {
        let change = Change::Share {
            recipient: recipient.clone(),
            purpose: Purpose::CarerSupport,
        };
        store.share(PLAN, &Command::new(version, me.clone(), visit, change))
    };
    let view = share_with(&daughter, history.version())?;
    let shown: Vec<&str> = view.sections.iter().map(|s| s.key()).collect();
    let recorded = store.load(PLAN)?;
    println!(
        "Her daughter's view (recorded as version {}, consent {}; sections: {}):",
        view.disclosure_version,
        recorded
            .plan()
            .and_then(|p| p.disclosures.last())
            .and_then(|d| d.consent.as_deref())
            .unwrap_or("-"),
        shown.join(", ")
    );
    println!();
    for line in view.to_markdown().lines() {
        println!("  | {line}");
    }
    println!();
    let neighbour = Recipient::new(RecipientKind::Carer, "neighbour");
    match share_with(&neighbour, recorded.version()) {
        Err(e) => println!("The neighbour's view: {e}"),
        Ok(_) => return Err("shared without consent".into()),
    }
    println!();

    println!("Coded activity (SNOMED CT), by month:");
    for count in aggregate(&activity(&history), Period::Month) {
        println!(
            "  {}  {:<16} {:<16} {}",
            count.period_start.format("%b %Y"),
            count.code,
            count.key,
            count.count
        );
    }
    println!();

    // Reopen the file, as the app would tomorrow, and ask what is due.
    drop(store);
    let store = SqliteStore::open(&file)?;
    let later = parse_instant("2027-01-25T09:00:00Z", "at")?;
    println!("Reviews due on Monday 25 January 2027 (within 5 working days):");
    for due in reviews_due(&store.plans()?, later, 5)? {
        let when = due.due.map_or_else(|| "-".to_owned(), |d| d.to_string());
        println!("  {:<14} {:<10} due {when}", due.plan_id, due.state);
    }
    Ok(())
}
