//! Caseload scoring speed: one patient row-wise, and a whole caseload batch.
//!
//! `cargo bench -p carecoord --features arrow --bench caseload`

#![allow(
    clippy::panic,
    reason = "a benchmark stops on bad setup; it is not shipped"
)]

use std::hint::black_box;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use carecoord::caseload::RuleSet;
use carecoord::expr::Value;
use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn rules() -> RuleSet {
    RuleSet::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/rules/frailty_priority.toml"
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

/// A deterministic mix of values (a tiny LCG, no dependency) with nulls.
fn batch(n: usize) -> RecordBatch {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let mut int = |m: u64, null_pct: u64| -> Int64Array {
        (0..n)
            .map(|_| (next(100) >= null_pct).then(|| i64::try_from(next(m)).unwrap_or(0)))
            .collect()
    };
    let age = int(87, 0)
        .iter()
        .map(|a| a.map(|a| a + 18))
        .collect::<Int64Array>();
    let efi = int(20, 30);
    let meds = int(14, 5);
    let adm = int(3, 2);
    let ae = int(5, 2);
    let mut bool_col = |pct: u64| -> BooleanArray {
        (0..n)
            .map(|_| (next(100) >= 5).then(|| next(100) < pct))
            .collect()
    };
    let alone = bool_col(25);
    let dementia = bool_col(8);
    let housebound = bool_col(6);
    let carer = bool_col(8);
    let mut state2 = 7u64;
    let mut next2 = |m: u64| {
        state2 = state2
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state2 >> 33) % m
    };
    let today_days = 20_415i32; // 2025-11-23 .. dates within the last year or so
    let discharge: Date32Array = (0..n)
        .map(|_| (next2(10) < 2).then(|| today_days + 365 - i32::try_from(next2(365)).unwrap_or(0)))
        .collect();
    let contact: Date32Array = (0..n)
        .map(|_| {
            (next2(10) >= 4).then(|| today_days + 365 - i32::try_from(next2(400)).unwrap_or(0))
        })
        .collect();
    let pam: Float64Array = (0..n)
        .map(|_| (next2(10) < 3).then(|| 30.0 + next2(600) as f64 / 10.0))
        .collect();
    let flag: BooleanArray = (0..n).map(|_| Some(next2(200) == 0)).collect();
    let ids = StringArray::from_iter_values((0..n).map(|i| format!("P{i:07}")));
    RecordBatch::try_from_iter(vec![
        ("patient_id", Arc::new(ids) as ArrayRef),
        ("age", Arc::new(age)),
        ("efi_deficits", Arc::new(efi)),
        ("lives_alone", Arc::new(alone)),
        ("medication_count", Arc::new(meds)),
        ("emergency_admissions_12m", Arc::new(adm)),
        ("ae_attendances_12m", Arc::new(ae)),
        ("last_discharge", Arc::new(discharge)),
        ("pam_score", Arc::new(pam)),
        ("dementia", Arc::new(dementia)),
        ("housebound", Arc::new(housebound)),
        ("is_carer", Arc::new(carer)),
        ("last_contact", Arc::new(contact)),
        ("safeguarding_flag", Arc::new(flag)),
    ])
    .unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    let rules = rules();
    let row = rules
        .row([
            ("patient_id", Value::str("P1")),
            ("age", Value::Int(88)),
            ("efi_deficits", Value::Int(14)),
            ("lives_alone", Value::Bool(true)),
            ("medication_count", Value::Int(11)),
            ("emergency_admissions_12m", Value::Int(1)),
            (
                "last_discharge",
                Value::Date(today() - chrono::Duration::days(12)),
            ),
            ("pam_score", Value::Float(50.0)),
            (
                "last_contact",
                Value::Date(today() - chrono::Duration::days(200)),
            ),
            ("safeguarding_flag", Value::Bool(false)),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("caseload/evaluate_one_patient", |b| {
        b.iter(|| black_box(rules.evaluate(black_box(&row), today())))
    });

    let n = 100_000;
    let data = batch(n);
    let mut group = c.benchmark_group("caseload/evaluate_batch");
    group.throughput(Throughput::Elements(u64::try_from(n).unwrap_or(0)));
    group.sample_size(20);
    group.bench_function("100k_patients", |b| {
        b.iter(|| black_box(rules.evaluate_batch(black_box(&data), today())))
    });
    group.finish();

    // A million patients as a Parquet reader gives them: 8 batches.
    let n = 1_000_000;
    let data = batch(n);
    let parts: Vec<RecordBatch> = (0..8).map(|i| data.slice(i * n / 8, n / 8)).collect();
    let mut group = c.benchmark_group("caseload/evaluate_batches");
    group.throughput(Throughput::Elements(u64::try_from(n).unwrap_or(0)));
    group.sample_size(20);
    group.bench_function("1M_patients_in_8_batches", |b| {
        b.iter(|| black_box(rules.evaluate_batches(black_box(&parts), today())))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
