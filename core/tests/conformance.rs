//! Runs every cross-language conformance vector in `tests/conformance/*.json`
//! against the Rust core. Python and Kotlin run the same files; a vector added
//! once is checked in every language.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use carecoord::Error;
use carecoord::careplan::{self, Actor, Change, Command, PlanHistory, Recipient, Text};
use carecoord::caseload::RuleSet;
use carecoord::conflicts::{
    Appointment, Diary, Location, OpeningHours, Resource, ResourceKind, TravelModel,
};
use carecoord::expr::Value as FieldValue;
use carecoord::ids::NhsNumber;
use carecoord::routing::{Directory, Referral};
use carecoord::time::{
    self, Disambiguation, LondonLookup, WorkingCalendar, parse_date, parse_instant,
    parse_local_datetime, parse_wall_clock, parse_weekday,
};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(dead_code, reason = "documentation for people reading the file")]
    description: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    #[allow(dead_code, reason = "documentation for people reading the file")]
    description: String,
    op: String,
    input: Value,
    #[serde(default)]
    expect: Option<Value>,
    #[serde(default)]
    error: Option<ExpectedError>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    code: String,
    kind: String,
    /// For errors in files: where, 1-based.
    #[serde(default)]
    line: Option<usize>,
    #[serde(default)]
    column: Option<usize>,
}

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

fn text<'a>(input: &'a Value, key: &str) -> &'a str {
    input[key]
        .as_str()
        .unwrap_or_else(|| panic!("input.{key} must be a string"))
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn calendar(input: &Value) -> Result<WorkingCalendar, Error> {
    let mut calendar = WorkingCalendar::england_and_wales();
    for closure in input["closures"].as_array().into_iter().flatten() {
        calendar = calendar.with_closure(parse_date(closure.as_str().unwrap(), "closures")?);
    }
    Ok(calendar)
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A rule set named by path (relative to the repository) or given inline.
fn rules(input: &Value) -> Result<RuleSet, Error> {
    Ok(match (input.get("rules"), input.get("rules_toml")) {
        (Some(path), None) => RuleSet::from_path(repo_root().join(path.as_str().unwrap()))?,
        (None, Some(text)) => RuleSet::from_toml(text.as_str().unwrap())?,
        _ => panic!("give exactly one of rules and rules_toml"),
    })
}

/// An appointment from its JSON form; times are RFC 3339 text read by the
/// library's own parser.
fn appointment(a: &Value) -> Result<Appointment, Error> {
    Ok(Appointment {
        id: text(a, "id").to_owned(),
        patient: text(a, "patient").to_owned(),
        resources: a["resources"]
            .as_array()
            .map(|r| r.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default(),
        location: a["location"].as_str().map(str::to_owned),
        start: parse_instant(text(a, "start"), "start")?,
        end: parse_instant(text(a, "end"), "end")?,
        status: text(a, "status").parse()?,
        service_type: None,
        travel_mode: a["travel_mode"].as_str().map(str::parse).transpose()?,
    })
}

/// A diary from a vector's setup (`locations`, `resources`, travel speed and
/// buffer) and its `diary` of appointments.
fn diary(input: &Value) -> Result<Diary, Error> {
    let mut d = Diary::new(TravelModel::uniform(
        input["speed_kmh"].as_f64().unwrap(),
        input["buffer_min"].as_f64().unwrap(),
    ));
    for l in input["locations"].as_array().unwrap() {
        let hours = match l.get("hours") {
            None => None,
            Some(h) => {
                let mut oh = OpeningHours::default();
                for (day, windows) in h.as_object().unwrap() {
                    let day = parse_weekday(day, "hours")?;
                    for w in windows.as_array().unwrap() {
                        let t = |k: usize| parse_wall_clock(w[k].as_str().unwrap(), "hours");
                        oh.add_window(day, t(0)?, t(1)?)?;
                    }
                }
                for c in l["closures"].as_array().into_iter().flatten() {
                    oh.closures
                        .insert(parse_date(c.as_str().unwrap(), "closures")?);
                }
                Some(oh)
            }
        };
        d.add_location(Location {
            id: text(l, "id").to_owned(),
            lat: l["lat"].as_f64().unwrap(),
            lon: l["lon"].as_f64().unwrap(),
            hours,
        })?;
    }
    for r in input["resources"].as_array().unwrap() {
        let kind: ResourceKind = text(r, "kind").parse()?;
        d.add_resource(Resource {
            id: text(r, "id").to_owned(),
            kind,
            capacity: u32::try_from(r["capacity"].as_u64().unwrap()).unwrap(),
        })?;
    }
    for a in input["diary"].as_array().unwrap() {
        d.add(appointment(a)?)?;
    }
    Ok(d)
}

/// A directory named by path (relative to the repository) or given inline.
fn directory(input: &Value) -> Result<Directory, Error> {
    Ok(
        match (input.get("directory"), input.get("directory_toml")) {
            (Some(path), None) => Directory::from_toml(
                &std::fs::read_to_string(repo_root().join(path.as_str().unwrap())).unwrap(),
            )?,
            (None, Some(text)) => Directory::from_toml(text.as_str().unwrap())?,
            _ => panic!("give exactly one of directory and directory_toml"),
        },
    )
}

/// JSON row values as the library's values: integral numbers are ints.
fn field_value(v: &Value) -> FieldValue {
    match v {
        Value::Null => FieldValue::Null,
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| FieldValue::Float(n.as_f64().unwrap()), FieldValue::Int),
        Value::String(s) => FieldValue::str(s),
        Value::Array(items) => FieldValue::list(items.iter().map(|i| i.as_str().unwrap())),
        Value::Object(_) => panic!("rows hold no nested objects"),
    }
}

/// Runs one operation. Every operation the vectors use is listed here; an
/// unknown one fails the test rather than being skipped.
/// Runs a care-plan vector's steps: each a change as the core writes it in
/// JSON, made on the current version unless the step gives one.
fn plan(input: &Value) -> Result<PlanHistory, Error> {
    let mut h = PlanHistory::new(text(input, "plan_id"))?;
    for step in input["steps"].as_array().unwrap() {
        let actor: Actor = match step.get("actor") {
            Some(a) => serde_json::from_value(a.clone()).unwrap(),
            None => Actor::new(careplan::Role::CareCoordinator),
        };
        let command = Command {
            expected_version: step["version"].as_u64().unwrap_or(h.version()),
            actor,
            at: parse_instant(text(step, "at"), "at")?,
            reason: step["reason"].as_str().map(Text::new),
            change: Change::from_json(&step["change"].to_string())?,
        };
        h.execute(command)?;
    }
    Ok(h)
}

fn current(h: &PlanHistory) -> &careplan::CarePlan {
    h.plan().unwrap()
}

fn recipient(input: &Value) -> Result<Recipient, Error> {
    let r = &input["recipient"];
    Ok(Recipient::new(text(r, "kind").parse()?, text(r, "id")))
}

fn run(op: &str, input: &Value) -> Result<Value, Error> {
    Ok(match op {
        "nhs_number.parse" => {
            let n = NhsNumber::parse(text(input, "text"))?;
            json!({ "digits": n.digits(), "formatted": n.formatted() })
        }
        "time.to_london" => {
            let t = time::to_london(parse_instant(text(input, "instant"), "instant")?);
            json!({
                "local": t.local().format("%Y-%m-%dT%H:%M:%S").to_string(),
                "offset_seconds": t.offset_seconds(),
                "abbreviation": t.abbreviation(),
            })
        }
        "time.from_london" => {
            let local = parse_local_datetime(text(input, "local"), "local")?;
            let policy: Disambiguation = text(input, "disambiguation").parse()?;
            json!({ "instant": instant(time::from_london(local, policy)?) })
        }
        "time.lookup_london" => {
            let local = parse_local_datetime(text(input, "local"), "local")?;
            let (kind, instants) = match time::lookup_london(local) {
                LondonLookup::Unique(t) => ("unique", vec![t]),
                LondonLookup::Ambiguous { earlier, later } => ("ambiguous", vec![earlier, later]),
                LondonLookup::Skipped { earlier, later } => ("skipped", vec![earlier, later]),
            };
            json!({ "kind": kind, "instants": instants.into_iter().map(instant).collect::<Vec<_>>() })
        }
        "time.bank_holidays" => {
            let year = i32::try_from(input["year"].as_i64().unwrap()).unwrap();
            let holidays: Vec<Value> = time::bank_holidays(year)?
                .iter()
                .map(|h| json!({ "date": h.date.to_string(), "key": h.kind.key(), "substitute": h.substitute }))
                .collect();
            json!({ "holidays": holidays })
        }
        "time.is_bank_holiday" => {
            let date = parse_date(text(input, "date"), "date")?;
            json!({ "holiday": time::is_bank_holiday(date)?.map(|h| h.kind.key()) })
        }
        "time.add_working_days" => {
            let calendar = calendar(input)?;
            let date = parse_date(text(input, "date"), "date")?;
            let days = i32::try_from(input["days"].as_i64().unwrap()).unwrap();
            json!({ "date": calendar.add_working_days(date, days)?.to_string() })
        }
        "time.next_working_day" => {
            let calendar = calendar(input)?;
            let date = parse_date(text(input, "date"), "date")?;
            json!({ "date": calendar.next_working_day(date)?.to_string() })
        }
        "time.is_working_day" => {
            let calendar = calendar(input)?;
            json!({ "working": calendar.is_working_day(parse_date(text(input, "date"), "date")?)? })
        }
        "time.working_days_between" => {
            let calendar = calendar(input)?;
            let start = parse_date(text(input, "start"), "start")?;
            let end = parse_date(text(input, "end"), "end")?;
            json!({ "days": calendar.working_days_between(start, end)? })
        }
        "caseload.evaluate" => {
            let rules = rules(input)?;
            let today = parse_date(text(input, "today"), "today")?;
            let pairs: Vec<(&str, FieldValue)> = input["row"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.as_str(), field_value(v)))
                .collect();
            let p = rules.evaluate(&rules.row(pairs)?, today);
            json!({ "score": p.score, "tier": p.tier(), "reasons": p.reason_codes() })
        }
        "caseload.load" => {
            let rules = rules(input)?;
            json!({ "rules": rules.rule_ids().collect::<Vec<_>>() })
        }
        "caseload.run_tests" => {
            let outcomes = rules(input)?.run_tests();
            let passed = outcomes.iter().filter(|o| o.passed()).count();
            json!({ "passed": passed, "failed": outcomes.len() - passed })
        }
        "conflicts.check" => {
            let d = diary(input)?;
            let found = d.check(&appointment(&input["appointment"])?)?;
            let conflicts: Vec<Value> = found
                .iter()
                .map(|c| {
                    json!({
                        "kind": c.kind.key(),
                        "severity": c.severity.key(),
                        "others": c.with,
                        "resource": c.resource,
                    })
                })
                .collect();
            json!({ "conflicts": conflicts })
        }
        "conflicts.find_all" => {
            let d = diary(input)?;
            let pairs: Vec<Value> = d
                .find_all()?
                .into_iter()
                .map(|c| json!([c.kind.key(), c.a, c.b, c.resource]))
                .collect();
            json!({ "pairs": pairs })
        }
        "routing.load" => {
            let d = directory(input)?;
            json!({ "services": d.services().iter().map(|s| &*s.id).collect::<Vec<_>>() })
        }
        "routing.route" => {
            let d = directory(input)?;
            let r = &input["referral"];
            let opt = |k: &str| r[k].as_str().map(str::to_owned);
            let referral = Referral {
                id: text(r, "id").to_owned(),
                age: r["age"].as_i64().unwrap(),
                sex: text(r, "sex").parse()?,
                district: text(r, "district").to_owned(),
                pcn: opt("pcn"),
                practice: opt("practice"),
                needs: r["needs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_str().unwrap().to_owned())
                    .collect(),
                urgency: text(r, "urgency").parse()?,
                consent: text(r, "consent").parse()?,
                at: parse_instant(text(r, "at"), "at")?,
                extra: r["extra"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), field_value(v)))
                    .collect(),
            };
            let routing = d.route(&referral)?;
            let matches: Vec<Value> = routing
                .matches
                .iter()
                .map(|m| {
                    json!({
                        "rank": m.rank,
                        "service_id": &*m.service_id,
                        "route": m.route.key(),
                        "matched_needs": m.matched_needs.iter().map(|n| &**n).collect::<Vec<_>>(),
                        "referral_code": &*m.referral_code,
                        "escalate": m.escalate,
                        "consent_basis": m.consent_basis.key(),
                    })
                })
                .collect();
            let excluded: serde_json::Map<String, Value> = routing
                .excluded
                .iter()
                .map(|e| {
                    (
                        e.service_id.to_string(),
                        json!(e.reasons.iter().map(|r| r.code()).collect::<Vec<_>>()),
                    )
                })
                .collect();
            json!({
                "outcome": routing.outcome.key(),
                "escalate_now": routing.escalate_now,
                "matches": matches,
                "excluded": excluded,
                "unmet_needs": routing.unmet_needs.iter().map(|n| &**n).collect::<Vec<_>>(),
                "day": routing.day.to_string(),
            })
        }
        "careplan.run" => {
            let h = plan(input)?;
            let p = current(&h);
            json!({
                "version": p.version,
                "status": p.status.key(),
                "goals": p.goals.iter().map(|g| json!([g.id, g.lifecycle.key()])).collect::<Vec<_>>(),
                "actions": p.actions.iter().map(|a| json!([a.id, a.status.key()])).collect::<Vec<_>>(),
                "consents": p.consents.iter().map(|c| json!([c.id, c.withdrawn.is_some()])).collect::<Vec<_>>(),
                "disclosures": p.disclosures.iter().map(|d| json!([
                    d.recipient.kind.key(),
                    d.basis.key(),
                    d.sections.iter().map(|s| s.key()).collect::<Vec<_>>(),
                ])).collect::<Vec<_>>(),
            })
        }
        "careplan.can_share" => {
            let h = plan(input)?;
            let at = parse_instant(text(input, "at"), "at")?;
            let d = careplan::can_share(
                current(&h),
                &recipient(input)?,
                text(input, "purpose").parse()?,
                at,
            );
            json!({
                "allowed": d.allowed,
                "reason": d.reason.key(),
                "basis": d.basis.map(|b| b.key()),
                "sections": d.sections.iter().map(|s| s.key()).collect::<Vec<_>>(),
            })
        }
        "careplan.share" => {
            let mut h = plan(input)?;
            let at = parse_instant(text(input, "at"), "at")?;
            let change = Change::Share {
                recipient: recipient(input)?,
                purpose: text(input, "purpose").parse()?,
            };
            let mut command = Command::new(
                h.version(),
                Actor::new(careplan::Role::CareCoordinator),
                at,
                change,
            );
            command.reason = input["reason"].as_str().map(Text::new);
            let v = h.share(command)?;
            json!({
                "disclosure_version": v.disclosure_version,
                "sections": v.sections.iter().map(|s| s.key()).collect::<Vec<_>>(),
                "actions": v.actions.map(|a| a.into_iter().map(|a| a.id).collect::<Vec<_>>()),
                "risks": v.risks.map(|r| r.into_iter().map(|r| r.id).collect::<Vec<_>>()),
                "next_review": v.next_review.map(|d| d.to_string()),
            })
        }
        "careplan.review" => {
            let h = plan(input)?;
            let at = parse_instant(text(input, "at"), "at")?;
            let soon = u32::try_from(input["soon_working_days"].as_u64().unwrap()).unwrap();
            let s = careplan::review_status(current(&h), at, soon)?;
            json!({
                "state": s.state.key(),
                "due": s.due.map(|d| d.to_string()),
                "working_days_overdue": s.working_days_overdue,
            })
        }
        "careplan.activity" => {
            let h = plan(input)?;
            let records = careplan::activity(&h);
            let counts = careplan::aggregate(&records, text(input, "period").parse()?);
            json!({
                "records": records.iter().map(|r| json!([r.date.to_string(), r.key, r.code])).collect::<Vec<_>>(),
                "counts": counts.iter().map(|c| json!([c.period_start.to_string(), c.code, c.key, c.count])).collect::<Vec<_>>(),
            })
        }
        "careplan.from_json" => {
            let h = PlanHistory::from_json(text(input, "json"))?;
            json!({ "version": current(&h).version, "status": current(&h).status.key() })
        }
        other => panic!("unknown conformance operation {other:?}"),
    })
}

#[test]
fn every_conformance_vector_passes() {
    let mut files: Vec<_> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no conformance vectors found");

    let (mut passed, mut failures) = (0usize, Vec::new());
    for path in &files {
        let file: File = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for case in file.cases {
            let outcome = run(&case.op, &case.input);
            let verdict = match (&case.expect, &case.error, outcome) {
                (Some(expect), None, Ok(got)) if &got == expect => Ok(()),
                (Some(expect), None, Ok(got)) => Err(format!("expected {expect}, got {got}")),
                (Some(_), None, Err(e)) => Err(format!("expected success, got error {}", e.code())),
                (None, Some(expected), Err(e)) => {
                    let location = match &e {
                        Error::Rules(r) => r.location,
                        Error::Directory(d) => d.location,
                        _ => None,
                    };
                    // Line and column are compared only where the vector gives them.
                    let got = ExpectedError {
                        code: e.code().into(),
                        kind: e.kind().key().into(),
                        line: location.map(|l| l.line).filter(|_| expected.line.is_some()),
                        column: location
                            .map(|l| l.column)
                            .filter(|_| expected.column.is_some()),
                    };
                    if &got == expected {
                        Ok(())
                    } else {
                        Err(format!("expected {expected:?}, got {got:?}"))
                    }
                }
                (None, Some(expected), Ok(got)) => {
                    Err(format!("expected error {expected:?}, got {got}"))
                }
                _ => Err("a case needs exactly one of `expect` and `error`".into()),
            };
            match verdict {
                Ok(()) => passed += 1,
                Err(why) => failures.push(format!("{} / {}: {why}", path.display(), case.id)),
            }
        }
    }
    println!("conformance: {passed} passed, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "{} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
