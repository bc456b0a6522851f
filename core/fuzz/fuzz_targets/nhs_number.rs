//! NHS numbers: parse any text; what parses prints and parses back the same.
#![no_main]
use carecoord::ids::NhsNumber;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(n) = NhsNumber::parse(text) {
        let shown = n.digits();
        assert_eq!(NhsNumber::parse(&shown).ok(), Some(n));
    }
});
