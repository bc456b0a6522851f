//! Europe/London wall times and instants: parse any text, convert what
//! parses each way, with every disambiguation.
#![no_main]
use carecoord::time::{
    Disambiguation, from_london, lookup_london, parse_instant, parse_local_datetime, to_london,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(local) = parse_local_datetime(text, "at") {
        let _ = lookup_london(local);
        for d in [
            Disambiguation::Reject,
            Disambiguation::Earlier,
            Disambiguation::Later,
            Disambiguation::Compatible,
        ] {
            if let Ok(instant) = from_london(local, d) {
                let _ = to_london(instant);
            }
        }
    }
    if let Ok(instant) = parse_instant(text, "at") {
        let _ = to_london(instant);
    }
});
