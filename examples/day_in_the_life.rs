//! A day in the life of a care coordinator, on bundled synthetic data.
//!
//! Run it with `cargo run --example day_in_the_life` (or the README's demo
//! command). Today it shows the foundation every capability builds on:
//! checking NHS numbers as typed, working out when each care plan is due for
//! review in working days around bank holidays, and reading appointment times
//! in Europe/London across the daylight-saving changes; ranking the caseload
//! by risk with reasons; and routing the week's referrals to services, the
//! safeguarding concern to the named lead first.

use std::error::Error as StdError;
use std::path::PathBuf;

use carecoord::caseload::RuleSet;
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
    route_referrals()
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
