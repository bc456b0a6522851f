//! Rule files in TOML and JSON: any text loads or is a typed error, never a
//! panic or a stack overflow.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = carecoord::caseload::RuleSet::from_toml(text);
    let _ = carecoord::caseload::RuleSet::from_json(text);
});
