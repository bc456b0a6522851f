//! Service directories in TOML and JSON, with their criteria expressions.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = carecoord::routing::Directory::from_toml(text);
    let _ = carecoord::routing::Directory::from_json(text);
});
