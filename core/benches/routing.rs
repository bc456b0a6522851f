//! Referral routing speed: one referral row-wise (with every exclusion
//! reason), and a batch of 100,000 over the sample directory.
//!
//! `cargo bench -p carecoord --features arrow --bench routing`

#![allow(
    clippy::panic,
    reason = "a benchmark stops on bad setup; it is not shipped"
)]

use std::hint::black_box;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{
    ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray, TimestampSecondArray,
};
use carecoord::expr::Value;
use carecoord::routing::{Consent, Directory, Referral, Sex, Urgency};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn directory() -> Directory {
    let text = include_str!("../../examples/routing/directory.toml");
    Directory::from_toml(text).unwrap_or_else(|e| panic!("{e}"))
}

const NEEDS: &[&str] = &[
    "loneliness",
    "debt",
    "housing",
    "benefits",
    "low_mood",
    "falls",
    "carer_strain",
    "medication_confusion",
    "personal_care",
    "lifestyle",
    "befriending",
    "mobility",
];
const DISTRICTS: &[&str] = &["LS6", "LS7", "LS10", "LS11", "LS16", "LS17", "LS20"];

/// A deterministic mix of referrals (a tiny LCG, no dependency).
fn batch(n: usize) -> RecordBatch {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((state >> 33) % m).unwrap_or(0)
    };
    let pick = |i: usize, xs: &[&'static str]| -> &'static str {
        xs.get(i % xs.len()).copied().unwrap_or("")
    };
    let mut needs = ListBuilder::new(StringBuilder::new());
    let (
        mut ids,
        mut ages,
        mut sexes,
        mut districts,
        mut urgencies,
        mut consents,
        mut ats,
        mut alone,
    ) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    let start = Utc
        .with_ymd_and_hms(2026, 1, 12, 8, 0, 0)
        .single()
        .map_or(0, |t| t.timestamp());
    for i in 0..n {
        ids.push(format!("R{i:07}"));
        ages.push(18 + i64::try_from(next(83)).unwrap_or(0));
        sexes.push(pick(next(2), &["female", "male"]));
        districts.push(pick(next(7), DISTRICTS));
        for k in 0..1 + next(3) {
            needs.values().append_value(pick(next(12) + k, NEEDS));
        }
        if next(50) == 0 {
            needs.values().append_value("safeguarding");
        }
        needs.append(true);
        urgencies.push(pick(
            next(5),
            &["routine", "routine", "routine", "urgent", "asap"],
        ));
        consents.push(pick(
            next(10),
            &[
                "given",
                "given",
                "given",
                "given",
                "given",
                "given",
                "given",
                "given",
                "not_asked",
                "refused",
            ],
        ));
        ats.push(start + i64::try_from(next(91 * 86_400)).unwrap_or(0));
        alone.push(next(3) == 0);
    }
    let strs = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
    RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
        ("age", Arc::new(Int64Array::from(ages)) as ArrayRef),
        ("sex", strs(sexes)),
        ("district", strs(districts)),
        ("needs", Arc::new(needs.finish()) as ArrayRef),
        ("urgency", strs(urgencies)),
        ("consent", strs(consents)),
        (
            "at",
            Arc::new(TimestampSecondArray::from(ats).with_timezone("UTC")) as ArrayRef,
        ),
        (
            "lives_alone",
            Arc::new(BooleanArray::from(alone)) as ArrayRef,
        ),
    ])
    .unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    let d = directory();
    let referral = Referral {
        id: "R1".into(),
        age: 79,
        sex: Sex::Female,
        district: "LS6".into(),
        pcn: Some("U00001".into()),
        practice: Some("B00001".into()),
        needs: vec!["loneliness".into(), "debt".into()],
        urgency: Urgency::Routine,
        consent: Consent::Given,
        at: Utc
            .with_ymd_and_hms(2026, 11, 23, 10, 0, 0)
            .single()
            .unwrap_or_default(),
        extra: vec![("lives_alone".into(), Value::Bool(true))],
    };
    c.bench_function("route one referral (all 14 services explained)", |b| {
        b.iter(|| d.route(black_box(&referral)))
    });
    let n = 100_000;
    let data = batch(n);
    let mut group = c.benchmark_group("route_batch");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(20);
    group.bench_function("100k referrals", |b| {
        b.iter(|| d.route_batch(black_box(&data)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
