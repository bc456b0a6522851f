//! Opening an SQLite file of any content as a plan store, listing and
//! loading every plan: typed errors, never a panic.
#![no_main]
use carecoord::careplan::{PlanStore, SqliteStore};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let path = std::env::temp_dir().join(format!("carecoord-fuzz-{}.sqlite", std::process::id()));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    if let Ok(store) = SqliteStore::open(&path) {
        if let Ok(ids) = store.plan_ids() {
            for id in ids.iter().take(20) {
                let _ = store.load(id);
            }
        }
        let _ = store.plans();
    }
    let _ = std::fs::remove_file(&path);
});
