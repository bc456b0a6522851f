//! Appointment conflict checking speed: one check against a 10,000-appointment
//! diary, and every clash in a 1M-appointment table.
//!
//! `cargo bench -p carecoord --features arrow --bench conflicts`

#![allow(
    clippy::panic,
    reason = "a benchmark stops on bad setup; it is not shipped"
)]

use std::hint::black_box;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, TimestampMicrosecondArray};
use carecoord::conflicts::{
    Appointment, Diary, Location, Resource, ResourceKind, Status, TravelModel, find_all_batch,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A tiny deterministic generator (no dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, m: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % m.max(1)
    }
}

struct Spec {
    patients: u64,
    clinicians: u64,
    locations: u64,
    days: u64,
}

/// Appointments in 20-minute slots from 08:00 to 18:00 UTC on weekdays from
/// Monday 12 January 2026: each clinician works at one location; slots are
/// drawn at random, so some are double-booked; patients at random.
fn appointments(n: usize, spec: &Spec, rng: &mut Lcg) -> Vec<(Appointment, (f64, f64))> {
    let monday = Utc
        .with_ymd_and_hms(2026, 1, 12, 8, 0, 0)
        .single()
        .unwrap_or_default();
    (0..n)
        .map(|i| {
            let clinician = rng.next(spec.clinicians);
            let location = clinician % spec.locations;
            let day = rng.next(spec.days);
            let week = day / 5;
            let start: DateTime<Utc> = monday
                + Duration::days(i64::try_from(week * 7 + day % 5).unwrap_or(0))
                + Duration::minutes(i64::try_from(rng.next(30) * 20).unwrap_or(0));
            let slots = 1 + i64::from(rng.next(10) == 0);
            let coords = (
                53.70 + (location % 20) as f64 * 0.01,
                -1.70 + (location / 20) as f64 * 0.01,
            );
            let appt = Appointment {
                id: format!("A{i:07}"),
                patient: format!("P{:06}", rng.next(spec.patients)),
                resources: vec![format!("C{clinician:04}")],
                location: Some(format!("L{location:03}")),
                start,
                end: start + Duration::minutes(20 * slots),
                status: if rng.next(50) == 0 {
                    Status::Cancelled
                } else {
                    Status::Booked
                },
                service_type: None,
                travel_mode: None,
            };
            (appt, coords)
        })
        .collect()
}

fn diary(all: &[(Appointment, (f64, f64))], spec: &Spec) -> Diary {
    let mut d = Diary::new(TravelModel::uniform(30.0, 10.0));
    for (a, (lat, lon)) in all {
        if let Some(loc) = &a.location {
            d.add_location(Location {
                id: loc.clone(),
                lat: *lat,
                lon: *lon,
                hours: None,
            })
            .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    for c in 0..spec.clinicians {
        d.add_resource(Resource {
            id: format!("C{c:04}"),
            kind: ResourceKind::Clinician,
            capacity: 1,
        })
        .unwrap_or_else(|e| panic!("{e}"));
    }
    for (a, _) in all {
        d.add(a.clone()).unwrap_or_else(|e| panic!("{e}"));
    }
    d
}

fn table(all: &[(Appointment, (f64, f64))]) -> RecordBatch {
    let s = |f: &dyn Fn(&Appointment) -> String| -> ArrayRef {
        Arc::new(all.iter().map(|(a, _)| Some(f(a))).collect::<StringArray>())
    };
    let ts = |f: &dyn Fn(&Appointment) -> DateTime<Utc>| -> ArrayRef {
        Arc::new(
            all.iter()
                .map(|(a, _)| Some(f(a).timestamp_micros()))
                .collect::<TimestampMicrosecondArray>()
                .with_timezone("UTC"),
        )
    };
    RecordBatch::try_from_iter(vec![
        ("id", s(&|a| a.id.clone())),
        ("patient", s(&|a| a.patient.clone())),
        (
            "resource",
            s(&|a| a.resources.first().cloned().unwrap_or_default()),
        ),
        ("location", s(&|a| a.location.clone().unwrap_or_default())),
        (
            "lat",
            Arc::new(all.iter().map(|(_, c)| Some(c.0)).collect::<Float64Array>()) as ArrayRef,
        ),
        (
            "lon",
            Arc::new(all.iter().map(|(_, c)| Some(c.1)).collect::<Float64Array>()) as ArrayRef,
        ),
        ("start", ts(&|a| a.start)),
        ("end", ts(&|a| a.end)),
        ("status", s(&|a| a.status.key().to_owned())),
    ])
    .unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    let mut rng = Lcg(0x2545_f491_4f6c_dd1d);
    let small = Spec {
        patients: 1_000,
        clinicians: 50,
        locations: 20,
        days: 65,
    };
    let all = appointments(10_000, &small, &mut rng);
    let d = diary(&all, &small);
    let probes: Vec<Appointment> = appointments(1_000, &small, &mut rng)
        .into_iter()
        .map(|(mut a, _)| {
            a.id = format!("N{}", a.id);
            a.status = Status::Booked;
            a
        })
        .collect();
    let mut i = 0;
    c.bench_function("check one appointment against a 10k diary", |b| {
        b.iter(|| {
            i = (i + 1) % probes.len();
            probes.get(i).map(|p| d.check(black_box(p)))
        })
    });

    let big = Spec {
        patients: 100_000,
        clinicians: 2_000,
        locations: 400,
        days: 65,
    };
    let n = 1_000_000;
    let data = table(&appointments(n, &big, &mut rng));
    let travel = TravelModel::uniform(30.0, 10.0);
    let mut group = c.benchmark_group("find_all_batch");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    group.bench_function("1M appointments", |b| {
        b.iter(|| find_all_batch(black_box(&data), &travel))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
