//! Recurrence rules: parse any text, and expand what parses from wall times
//! on either side of the clock changes.
#![no_main]
use carecoord::conflicts::Recurrence;
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(rule) = Recurrence::parse(text) else {
        return;
    };
    for (y, m, d, h, min) in [
        (2026, 3, 29, 1, 30),
        (2026, 10, 25, 1, 30),
        (2099, 12, 31, 23, 59),
    ] {
        let Some(start) = NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(h, min, 0))
        else {
            continue;
        };
        let horizon = NaiveDate::from_ymd_opt(2100, 12, 31);
        let _ = rule.expand(start, &[start.date()], horizon);
    }
});
