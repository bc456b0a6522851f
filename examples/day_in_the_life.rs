//! A day in the life of a care coordinator, on bundled synthetic data.
//!
//! Run it with `cargo run --example day_in_the_life` (or the README's demo
//! command). Today it shows the foundation every capability builds on:
//! checking NHS numbers as typed, working out when each care plan is due for
//! review in working days around bank holidays, and reading appointment times
//! in Europe/London across the daylight-saving changes.

use std::error::Error as StdError;
use std::path::PathBuf;

use carecoord::caseload::RuleSet;
use carecoord::expr::{Type, Value};
use carecoord::ids::NhsNumber;
use carecoord::time::{
    Disambiguation, LondonLookup, WorkingCalendar, bank_holidays, from_london, lookup_london,
    parse_date, parse_local_datetime, to_london,
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
    Ok(())
}
