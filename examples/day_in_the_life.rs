//! A day in the life of a care coordinator, on bundled synthetic data.
//!
//! Run it with `cargo run --example day_in_the_life` (or the README's demo
//! command). Today it shows the foundation every capability builds on:
//! checking NHS numbers as typed, working out when each care plan is due for
//! review in working days around bank holidays, and reading appointment times
//! in Europe/London across the daylight-saving changes; ranking the caseload
//! by risk with reasons; and routing the week's referrals to services, the
//! safeguarding concern to the named lead first; and booking a week of
//! appointments: clashes named, an override recorded, a recurring review
//! across the clock change, free slots and a journey saved.

use std::error::Error as StdError;
use std::path::PathBuf;

use carecoord::caseload::RuleSet;
use carecoord::conflicts::{
    Appointment, Diary, Location, OpeningHours, Override, PatientConstraints, Recurrence, Resource,
    ResourceKind, Status, TravelMode,
};
use carecoord::expr::{Type, Value};
use carecoord::ids::NhsNumber;
use carecoord::routing::{Directory, Outcome, Referral};
use carecoord::time::{
    Disambiguation, LondonLookup, WorkingCalendar, bank_holidays, from_london, lookup_london,
    parse_date, parse_instant, parse_local_datetime, to_london,
};
use chrono::{Datelike, NaiveDate};

/// The day the demo pretends it is, so its output never changes.
const TODAY: (i32, u32, u32) = (2026, 11, 23);

fn main() -> Result<(), Box<dyn StdError>> {
    let data =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data/foundation_patients.csv");
    let text = std::fs::read_to_string(&data)?;
    let today = NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).ok_or("bad TODAY")?;
    let calendar = WorkingCalendar::england_and_wales();

    println!("carecoord: a day in the life of a care coordinator");
    println!("Today is {} {today} (Europe/London).", today.weekday());
    println!();

    println!("Bank holidays in the next eight weeks (England and Wales):");
    let horizon = today + chrono::Duration::weeks(8);
    for year in today.year()..=horizon.year() {
        for h in bank_holidays(year)?
            .iter()
            .filter(|h| h.date >= today && h.date <= horizon)
        {
            println!("  {} {}  {}", h.date.weekday(), h.date, h.name());
        }
    }
    println!();

    println!(
        "Caseload ({}):",
        data.file_name().and_then(|n| n.to_str()).unwrap_or("data")
    );
    println!(
        "  {:<4} {:<13} {:<19} {:<30} note",
        "ref", "NHS number", "review due", "next appointment"
    );
    for (line_no, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [reference, nhs, last_review, interval, appointment] = fields.as_slice() else {
            println!("  line {}: expected 5 fields", line_no + 1);
            continue;
        };
        let mut notes = Vec::new();

        // The number as typed may be wrong; say why without echoing it.
        let shown = match NhsNumber::parse(nhs) {
            Ok(n) => n.formatted(),
            Err(e) => {
                notes.push(format!("NHS number refused: {e} [{}]", e.code()));
                "(check)".to_owned()
            }
        };

        let due = calendar
            .add_working_days(parse_date(last_review, "last_review")?, interval.parse()?)?;
        let overdue = if due < today { " OVERDUE" } else { "" };

        let local = parse_local_datetime(appointment, "next_appointment")?;
        let when = match from_london(local, Disambiguation::Reject) {
            Ok(instant) => to_london(instant).to_string(),
            Err(e) => {
                // Show the person the choice rather than silently moving the booking.
                match lookup_london(local) {
                    LondonLookup::Skipped { later, .. } => {
                        notes.push(format!("{e}; a calendar would book {}", to_london(later)))
                    }
                    LondonLookup::Ambiguous { earlier, later } => notes.push(format!(
                        "{e}: {} or {}",
                        to_london(earlier),
                        to_london(later)
                    )),
                    LondonLookup::Unique(_) => notes.push(e.to_string()),
                }
                format!("{local} (unresolved)")
            }
        };
        println!(
            "  {reference:<4} {shown:<13} {:<19} {when:<30} {}",
            format!("{due}{overdue}"),
            notes.join("; ")
        );
    }
    println!();
    prioritise(today)?;
    println!();
    route_referrals()?;
    println!();
    book_week()
}

/// Ranks the bundled synthetic caseload with the sample rule set and shows
/// who needs help first, and why.
fn prioritise(today: NaiveDate) -> Result<(), Box<dyn StdError>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let rules = RuleSet::from_path(root.join("examples/rules/frailty_priority.toml"))?;
    let failed = rules
        .run_tests()
        .into_iter()
        .filter(|t| !t.passed())
        .count();
    if failed > 0 {
        return Err(format!("{failed} rule-file tests failed").into());
    }
    let text = std::fs::read_to_string(root.join("examples/data/caseload.csv"))?;
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(unquote)
        .collect();

    let mut ranked = Vec::new();
    for line in lines {
        let mut pairs = Vec::with_capacity(header.len());
        for (name, raw) in header.iter().zip(line.split(',')) {
            let ty = rules.schema().field(name).map(|f| f.ty.clone());
            pairs.push((name.as_str(), csv_value(&unquote(raw), ty.as_ref())?));
        }
        let row = rules.row(pairs)?;
        ranked.push((rules.evaluate(&row, today), row));
    }
    // Highest tier first, then highest score; ties keep file order.
    ranked.sort_by_key(|(p, _)| (p.tier_index, std::cmp::Reverse(p.score)));

    println!(
        "Caseload prioritisation: {} v{} on {} synthetic patients (rule-file tests pass)",
        rules.name(),
        rules.version(),
        ranked.len()
    );
    for tier in rules.tiers() {
        let n = ranked.iter().filter(|(p, _)| p.tier() == tier).count();
        println!("  {tier:<7} {n:>4}");
    }
    println!("Who needs help first:");
    let id_index = rules.schema().index_of("patient_id");
    for (p, row) in ranked.iter().take(8) {
        let id = match id_index.and_then(|i| row.values().get(i)) {
            Some(Value::Str(s)) => s.to_string(),
            _ => "?".to_owned(),
        };
        println!(
            "  {id}  {:<6} score {:>2}  {}",
            p.tier(),
            p.score,
            p.reason_codes().join(", ")
        );
    }
    if let Some((_, row)) = ranked.iter().find(|(p, _)| p.tier() == "high") {
        println!("Why, in full, for the first high-tier patient:");
        for line in rules.explain(row, today).to_text().lines() {
            println!("  {line}");
        }
    }
    Ok(())
}

/// Routes the week's bundled referrals against the sample service directory:
/// where each goes and why, escalations first, unmet needs named.
fn route_referrals() -> Result<(), Box<dyn StdError>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let directory = Directory::from_toml(&std::fs::read_to_string(
        root.join("examples/routing/directory.toml"),
    )?)?;
    let text = std::fs::read_to_string(root.join("examples/data/referrals.csv"))?;
    println!(
        "Referrals this week, routed with `{}` v{} ({} services):",
        directory.name(),
        directory.version(),
        directory.services().len()
    );
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let cell = |name: &str| -> &str {
            header
                .iter()
                .position(|h| *h == name)
                .and_then(|i| cells.get(i))
                .copied()
                .unwrap_or("")
        };
        let optional = |name: &str| Some(cell(name).to_owned()).filter(|s| !s.is_empty());
        let mut extra = Vec::new();
        for (name, ty) in [
            ("lives_alone", Type::Bool),
            ("housebound", Type::Bool),
            ("efi_deficits", Type::Int),
        ] {
            let value = csv_value(cell(name), Some(&ty))?;
            if value != Value::Null {
                extra.push((name.to_owned(), value));
            }
        }
        let referral = Referral {
            id: cell("id").to_owned(),
            age: cell("age").parse()?,
            sex: cell("sex").parse()?,
            district: cell("district").to_owned(),
            pcn: optional("pcn"),
            practice: optional("practice"),
            needs: cell("needs").split(';').map(str::to_owned).collect(),
            urgency: cell("urgency").parse()?,
            consent: cell("consent").parse()?,
            at: parse_instant(cell("at"), "at")?,
            extra,
        };
        let routing = directory.route(&referral)?;
        let flag = if routing.escalate_now {
            "  ESCALATE NOW"
        } else {
            ""
        };
        println!(
            "  {} ({}, {} {}): {}{flag}",
            routing.referral_id,
            referral.needs.join(", "),
            cell("urgency"),
            routing.day,
            routing.outcome.key()
        );
        for m in &routing.matches {
            println!(
                "    {}. {} [{}, SNOMED CT {}]: {}",
                m.rank,
                m.service_name,
                m.service_id,
                m.referral_code,
                m.reasons.join("; ")
            );
        }
        if !routing.unmet_needs.is_empty() {
            println!(
                "    unmet: {} (recorded for monitoring)",
                routing.unmet_needs.join(", ")
            );
        }
        if matches!(routing.outcome, Outcome::Unmet | Outcome::NeedsConsent) {
            // Say why the services that serve the need were ruled out.
            for e in routing
                .excluded
                .iter()
                .filter(|e| !e.reasons.iter().any(|r| r.code() == "no_matching_need"))
            {
                let why: Vec<String> = e.reasons.iter().map(ToString::to_string).collect();
                println!("    not {}: {}", e.service_id, why.join("; "));
            }
        }
    }
    Ok(())
}

/// Books the week of 23 November 2026 for three people and shows what the
/// diary says: the clashes, an override, a recurring review across the clock
/// change, free slots and a journey saved.
fn book_week() -> Result<(), Box<dyn StdError>> {
    let mut diary = Diary::default(); // cautious travel defaults
    let weekdays =
        |open: (u32, u32), close: (u32, u32)| -> Result<OpeningHours, Box<dyn StdError>> {
            let t = |(h, m): (u32, u32)| chrono::NaiveTime::from_hms_opt(h, m, 0).ok_or("bad time");
            Ok(OpeningHours::weekdays(t(open)?, t(close)?))
        };
    diary.add_location(Location {
        id: "surgery".into(),
        lat: 53.8196,
        lon: -1.5806,
        hours: Some(weekdays((8, 0), (18, 30))?),
    })?;
    diary.add_location(Location {
        id: "community_clinic".into(),
        lat: 53.8210,
        lon: -1.5790,
        hours: Some(weekdays((9, 0), (17, 0))?),
    })?;
    diary.add_location(Location {
        id: "hospital".into(),
        lat: 53.8023,
        lon: -1.5531,
        hours: None,
    })?;
    for (id, kind) in [
        ("dr_patel", ResourceKind::Clinician),
        ("nurse_jones", ResourceKind::Clinician),
        ("pharmacist_lee", ResourceKind::Clinician),
    ] {
        diary.add_resource(Resource {
            id: id.into(),
            kind,
            capacity: 1,
        })?;
    }
    // Mrs K (p1) walks with a frame: at most two appointments a day, and her
    // daughter (c1), who must come with her, works Wednesday mornings.
    let at = |d: u32, h: u32, m: u32| {
        parse_instant(&format!("2026-11-{d:02}T{h:02}:{m:02}:00Z"), "demo")
    };
    diary.set_constraints(
        "p1",
        PatientConstraints {
            max_per_day: Some(2),
            carer: Some("c1".into()),
            ..Default::default()
        },
    )?;
    diary.set_constraints(
        "c1",
        PatientConstraints {
            unavailable: vec![(at(25, 8, 0)?, at(25, 13, 0)?)],
            ..Default::default()
        },
    )?;
    let appt = |id: &str, patient: &str, who: &str, place: &str, start, minutes: i64| Appointment {
        id: id.into(),
        patient: patient.into(),
        resources: vec![who.into()],
        location: Some(place.into()),
        start,
        end: start + chrono::Duration::minutes(minutes),
        status: Status::Booked,
        service_type: None,
        travel_mode: Some(TravelMode::Walk),
    };
    println!("Booking the week of Monday 23 November 2026:");
    let wanted = [
        appt("K-1", "p1", "dr_patel", "surgery", at(23, 10, 0)?, 20),
        appt("K-2", "p1", "nurse_jones", "hospital", at(23, 10, 40)?, 30),
        appt(
            "K-3",
            "p1",
            "pharmacist_lee",
            "community_clinic",
            at(25, 10, 0)?,
            30,
        ),
        appt("M-1", "p2", "dr_patel", "surgery", at(23, 10, 10)?, 20),
        appt("M-2", "p2", "nurse_jones", "surgery", at(27, 17, 45)?, 30),
        appt("R-1", "p3", "nurse_jones", "surgery", at(24, 9, 0)?, 15),
        appt(
            "R-2",
            "p3",
            "pharmacist_lee",
            "community_clinic",
            at(26, 11, 0)?,
            30,
        ),
    ];
    for a in wanted {
        let id = a.id.clone();
        match diary.book(a.clone(), None) {
            Ok(b) if b.conflicts.is_empty() => println!("  {id}: booked"),
            Ok(b) => println!("  {id}: booked with {} warning(s)", b.conflicts.len()),
            Err(e) if e.code() == "appointment.blocked" => {
                println!("  {id}: not booked");
                for c in diary.check(&a)? {
                    println!("    - {c}");
                }
                let slots = diary.suggest(
                    &a,
                    a.start,
                    3,
                    15,
                    7,
                    (
                        chrono::NaiveTime::from_hms_opt(8, 0, 0).ok_or("t")?,
                        chrono::NaiveTime::from_hms_opt(17, 30, 0).ok_or("t")?,
                    ),
                )?;
                let shown: Vec<String> = slots
                    .iter()
                    .map(|s| to_london(s.start).to_string())
                    .collect();
                println!("    free instead: {}", shown.join("; "));
            }
            Err(e) => return Err(e.into()),
        }
    }
    // The practice decides to see M-1 at 10:10 anyway, and records why.
    let m1 = appt("M-1", "p2", "dr_patel", "surgery", at(23, 10, 10)?, 20);
    let booked = diary.book(
        m1,
        Some(Override {
            by_role: "care_coordinator".into(),
            reason: "joint review with Mrs K's GP".into(),
        }),
    )?;
    println!(
        "  M-1: booked over {} conflict(s) by override (role: {})",
        booked.conflicts.len(),
        booked.overridden.map(|o| o.by_role).unwrap_or_default()
    );

    // A medication review every 8 weeks on Tuesdays at 11:00, across the March clock change.
    let review = Appointment {
        service_type: Some("medication_review".into()),
        ..appt(
            "R-MR",
            "p3",
            "pharmacist_lee",
            "surgery",
            at(24, 11, 0)?,
            30,
        )
    };
    let rule = Recurrence::parse("FREQ=WEEKLY;INTERVAL=8;BYDAY=TU;COUNT=4")?;
    println!("Recurring review for p3 (FREQ=WEEKLY;INTERVAL=8;BYDAY=TU;COUNT=4):");
    for o in diary.check_series(&review, &rule, &[], None)? {
        let state = if o.conflicts.is_empty() {
            "free".to_owned()
        } else {
            format!("{} conflict(s)", o.conflicts.len())
        };
        println!(
            "  {}  {}  {state}",
            o.appointment.id,
            to_london(o.appointment.start)
        );
    }
    for b in diary.bundles("p3", 1.0) {
        println!(
            "Save a journey: move {} to {} (straight after {}, {:.1} km apart)",
            b.move_id,
            to_london(b.to.start),
            b.keep,
            b.km
        );
    }
    println!("Every clash left in the diary:");
    for c in diary.find_all()? {
        println!(
            "  {} {} {} {}",
            c.kind.key(),
            c.a,
            c.b.unwrap_or_default(),
            c.resource.unwrap_or_default()
        );
    }
    Ok(())
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').to_owned()
}

/// A CSV cell as the schema's type says; empty is null.
fn csv_value(raw: &str, ty: Option<&Type>) -> Result<Value, Box<dyn StdError>> {
    if raw.is_empty() {
        return Ok(Value::Null);
    }
    Ok(match ty {
        Some(Type::Int) => Value::Int(raw.parse()?),
        Some(Type::Float) => Value::Float(raw.parse()?),
        Some(Type::Bool) => Value::Bool(raw.parse()?),
        _ => Value::str(raw),
    })
}
