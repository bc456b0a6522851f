//! Care-plan JSON: histories, plans, events and changes. What reads must
//! write back and read again to the same thing.
#![no_main]
use carecoord::careplan::{CarePlan, Change, Event, PlanHistory};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(history) = PlanHistory::from_json(text) {
        let written = history.to_json().expect("a history read can be written");
        let again = PlanHistory::from_json(&written).expect("what was written reads back");
        assert_eq!(again, history);
    }
    if let Ok(change) = Change::from_json(text) {
        let written = change.to_json().expect("a change read can be written");
        assert_eq!(Change::from_json(&written).ok(), Some(change));
    }
    let _ = CarePlan::from_json(text);
    let _ = Event::from_json(text);
});
