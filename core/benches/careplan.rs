//! Care-plan speed: a change checked and appended in memory and in an SQLite
//! file, and a long history replayed (as every load does).
//!
//! `cargo bench -p carecoord --features sqlite --bench careplan`

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    reason = "a benchmark stops on bad setup; it is not shipped"
)]

use std::hint::black_box;

use carecoord::careplan::{
    Actor, Change, Command, MemoryStore, PatientRef, PlanHistory, PlanStore, ReviewSchedule, Role,
    SqliteStore, Text,
};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

fn history(events: usize) -> PlanHistory {
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    let me = Actor::new(Role::CareCoordinator);
    let mut h = PlanHistory::new("plan-1").unwrap();
    let run = |h: &mut PlanHistory, change: Change| {
        h.execute(Command::new(h.version(), me.clone(), at, change))
            .unwrap();
    };
    run(
        &mut h,
        Change::Create {
            patient: PatientRef::new("p"),
            template: None,
        },
    );
    run(
        &mut h,
        Change::SetWhatMatters {
            items: vec![Text::new("home")],
        },
    );
    run(
        &mut h,
        Change::SetReviewSchedule {
            schedule: Some(ReviewSchedule::EveryWeeks(8)),
        },
    );
    while h.events().len() < events {
        let n = h.events().len();
        run(
            &mut h,
            Change::AddGoal {
                id: None,
                description: Text::new(format!("goal {n}")),
                target: None,
            },
        );
        run(
            &mut h,
            Change::AddAction {
                id: None,
                what: Text::new("call"),
                owner: Actor::new(Role::Nurse),
                due: None,
                goals: vec![],
            },
        );
    }
    h
}

fn bench(c: &mut Criterion) {
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
    let base = history(50);
    let change = Change::RecordActivity {
        key: "carer_phoned".into(),
        code: "185317003".into(),
    };

    c.bench_function("decide one change on a 50-event plan", |b| {
        let command = Command::new(base.version(), Actor::new(Role::Gp), at, change.clone());
        b.iter(|| black_box(base.decide(black_box(&command)).unwrap()));
    });

    let long = history(500);
    let events = long.events().to_vec();
    c.bench_function("replay a 500-event history", |b| {
        b.iter(|| black_box(PlanHistory::from_events("plan-1", events.clone()).unwrap()));
    });

    c.bench_function("execute on a memory store (50-event plan)", |b| {
        let cmd = Command::new(base.version(), Actor::new(Role::Gp), at, change.clone());
        b.iter_batched(
            || {
                let store = MemoryStore::new();
                store.create(&base).unwrap();
                store
            },
            |store| black_box(store.execute("plan-1", &cmd).unwrap()),
            criterion::BatchSize::SmallInput,
        );
    });

    let dir = std::env::temp_dir().join(format!("carecoord-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    c.bench_function("execute on an SQLite file (50-event plan)", |b| {
        let mut n = 0;
        let cmd = Command::new(base.version(), Actor::new(Role::Gp), at, change.clone());
        b.iter_batched(
            || {
                // A fresh file holding the 50-event plan, so every iteration
                // measures the same append (setup is not timed).
                n += 1;
                let path = dir.join(format!("plans-{n}.sqlite"));
                let _ = std::fs::remove_file(&path);
                let store = SqliteStore::open(&path).unwrap();
                store.create(&base).unwrap();
                store
            },
            |store| black_box(store.execute("plan-1", &cmd).unwrap()),
            criterion::BatchSize::PerIteration,
        );
    });
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
