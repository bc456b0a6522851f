use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn t(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn setup() -> Diary {
    let mut d = Diary::new(TravelModel::uniform(30.0, 10.0));
    d.add_location(Location {
        id: "surgery".into(),
        lat: 53.8008,
        lon: -1.5491,
        hours: Some(
            OpeningHours::weekdays(hm(8, 0), hm(18, 30))
                .with_closure(chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()),
        ),
    })
    .unwrap();
    // About 11 km away: 22 min at 30 km/h, plus 10.
    d.add_location(Location {
        id: "hospital".into(),
        lat: 53.9,
        lon: -1.55,
        hours: None,
    })
    .unwrap();
    d.add_location(Location {
        id: "clinic".into(),
        lat: 53.8009,
        lon: -1.5492,
        hours: None,
    })
    .unwrap();
    for (id, kind, capacity) in [
        ("dr_a", ResourceKind::Clinician, 1),
        ("room_1", ResourceKind::Room, 2),
        ("ecg", ResourceKind::Equipment, 3),
    ] {
        d.add_resource(Resource {
            id: id.into(),
            kind,
            capacity,
        })
        .unwrap();
    }
    d
}

fn appt(id: &str, patient: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Appointment {
    Appointment {
        id: id.into(),
        patient: patient.into(),
        resources: vec![],
        location: Some("surgery".into()),
        start,
        end,
        status: Status::Booked,
        service_type: None,
        travel_mode: None,
    }
}

fn kinds(c: &[Conflict]) -> Vec<(&'static str, Vec<String>)> {
    c.iter().map(|c| (c.kind.key(), c.with.clone())).collect()
}

#[test]
fn the_diary_reports_what_it_holds() {
    let mut d = setup();
    assert!(d.is_empty());
    d.add(appt("A1", "p1", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    assert!(!d.is_empty());
    assert_eq!(d.len(), 1);
    assert_eq!(d.get("A1").map(|a| a.patient.as_str()), Some("p1"));
    assert!(d.get("A2").is_none());
    assert_eq!(
        d.appointments().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["A1"]
    );
}

#[test]
fn a_sequence_rule_needs_both_service_types() {
    let mut d = Diary::default();
    let rule = |first: &str, then: &str, min_days, max_days| SequenceRule {
        first: first.into(),
        then: then.into(),
        min_days,
        max_days,
    };
    for bad in [
        rule(" ", "b", 1, 2),
        rule("a", "", 1, 2),
        rule("a", "b", 3, 2),
    ] {
        assert_eq!(
            d.add_sequence_rule(bad).unwrap_err().code(),
            "appointment.invalid_constraint"
        );
    }
    // min_days equal to max_days is a fixed gap, and allowed.
    d.add_sequence_rule(rule("a", "b", 2, 2)).unwrap();
}

#[test]
fn only_a_person_who_needs_patient_transport_is_assumed_to_have_it() {
    // Surgery to hospital (about 11 km) in three hours: too little on foot, enough
    // by patient transport.
    let mut d = Diary::default();
    for (id, lat) in [("surgery", 53.8008), ("hospital", 53.9)] {
        let location = Location {
            id: id.into(),
            lat,
            lon: -1.55,
            hours: None,
        };
        d.add_location(location).unwrap();
    }
    let walk = |id: &str, location: &str, start, end| Appointment {
        location: Some(location.into()),
        travel_mode: Some(TravelMode::Walk),
        ..appt(id, "p1", start, end)
    };
    d.add(walk("A1", "surgery", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    let next = walk("A2", "hospital", t(23, 13, 30), t(23, 14, 0));
    let constraints = |needs_patient_transport| PatientConstraints {
        max_per_day: None,
        unavailable: Vec::new(),
        preferred: None,
        carer: None,
        needs_patient_transport,
    };
    d.set_constraints("p1", constraints(false)).unwrap();
    assert_eq!(
        kinds(&d.check(&next).unwrap()),
        [("travel", vec!["A1".to_owned()])]
    );
    d.set_constraints("p1", constraints(true)).unwrap();
    assert!(d.check(&next).unwrap().is_empty());
}

#[test]
fn a_diary_keeps_the_travel_model_it_was_given() {
    let model = TravelModel::uniform(30.0, 10.0);
    assert_eq!(Diary::new(model.clone()).travel(), &model);
    assert_eq!(Diary::default().travel(), &TravelModel::default());
    assert_ne!(model, TravelModel::default());
}

#[test]
fn patient_double_booking_named_and_touching_is_fine() {
    let mut d = setup();
    d.add(appt("A1", "p1", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    let c = d
        .check(&appt("A2", "p1", t(23, 10, 20), t(23, 10, 50)))
        .unwrap();
    assert_eq!(kinds(&c), [("patient_overlap", vec!["A1".to_owned()])]);
    assert_eq!(c[0].severity, Severity::Block);
    assert!(
        c[0].detail.contains("Mon 23 Nov 2026 10:00–10:30 GMT"),
        "{}",
        c[0].detail
    );
    assert!(
        d.check(&appt("A3", "p1", t(23, 10, 30), t(23, 11, 0)))
            .unwrap()
            .is_empty()
    );
    assert!(
        d.check(&appt("A4", "p1", t(23, 9, 30), t(23, 10, 0)))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn cancelled_appointments_never_clash() {
    let mut d = setup();
    let mut cancelled = appt("A1", "p1", t(23, 10, 0), t(23, 10, 30));
    cancelled.status = Status::Cancelled;
    d.add(cancelled).unwrap();
    assert!(
        d.check(&appt("A2", "p1", t(23, 10, 0), t(23, 10, 30)))
            .unwrap()
            .is_empty()
    );
    let mut noshow = appt("A3", "p1", t(23, 10, 0), t(23, 10, 30));
    noshow.status = Status::Noshow;
    d.add(appt("A4", "p1", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    assert!(d.check(&noshow).unwrap().is_empty());
    assert!(d.find_all().unwrap().is_empty());
}

#[test]
fn resources_clash_beyond_their_capacity() {
    let mut d = setup();
    let with = |id: &str, p: &str, r: &str, s, e| Appointment {
        resources: vec![r.into()],
        ..appt(id, p, s, e)
    };
    d.add(with("A1", "p1", "dr_a", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    let c = d
        .check(&with("A2", "p2", "dr_a", t(23, 10, 15), t(23, 10, 45)))
        .unwrap();
    assert_eq!(kinds(&c), [("resource_overlap", vec!["A1".to_owned()])]);
    assert_eq!(c[0].resource.as_deref(), Some("dr_a"));
    // A room for two: the second booking fits, the third does not.
    d.add(with("R1", "p1", "room_1", t(23, 14, 0), t(23, 15, 0)))
        .unwrap();
    assert!(
        d.check(&with("R2", "p2", "room_1", t(23, 14, 0), t(23, 15, 0)))
            .unwrap()
            .is_empty()
    );
    d.add(with("R2", "p2", "room_1", t(23, 14, 0), t(23, 15, 0)))
        .unwrap();
    let c = d
        .check(&with("R3", "p3", "room_1", t(23, 14, 30), t(23, 14, 45)))
        .unwrap();
    assert_eq!(c.len(), 2, "{c:?}");
    // After 15:00 the room is free again.
    assert!(
        d.check(&with("R4", "p3", "room_1", t(23, 15, 0), t(23, 16, 0)))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn travel_between_consecutive_appointments() {
    let mut d = setup();
    d.add(appt("A1", "p1", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    let at_hospital = |id: &str, s, e| Appointment {
        location: Some("hospital".into()),
        ..appt(id, "p1", s, e)
    };
    let c = d
        .check(&at_hospital("A2", t(23, 10, 45), t(23, 11, 15)))
        .unwrap();
    assert_eq!(kinds(&c), [("travel", vec!["A1".to_owned()])]);
    assert!(
        c[0].detail.contains("15 min to get from `surgery`"),
        "{}",
        c[0].detail
    );
    assert!(
        d.check(&at_hospital("A2", t(23, 11, 15), t(23, 11, 45)))
            .unwrap()
            .is_empty()
    );
    // And to the next one: a hospital visit ending 9:50 before the 10:00 surgery.
    let c = d
        .check(&at_hospital("A0", t(23, 9, 20), t(23, 9, 50)))
        .unwrap();
    assert_eq!(kinds(&c), [("travel", vec!["A1".to_owned()])]);
    // The same building next door: no travel clash.
    let next_door = Appointment {
        location: Some("clinic".into()),
        ..appt("A3", "p1", t(23, 10, 30), t(23, 11, 0))
    };
    assert!(
        d.check(&next_door)
            .unwrap()
            .iter()
            .all(|c| c.kind != ConflictKind::Travel || c.detail.contains("clinic"))
    );
}

#[test]
fn without_a_car_the_journey_is_longer() {
    let mut d = setup();
    d.add(appt("A1", "p1", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    let mut next = Appointment {
        location: Some("hospital".into()),
        ..appt("A2", "p1", t(23, 11, 5), t(23, 11, 30))
    };
    next.travel_mode = Some(TravelMode::Car);
    let mut d2 = Diary::default();
    for l in ["surgery", "hospital"] {
        let loc = Location {
            id: l.into(),
            lat: if l == "surgery" { 53.8008 } else { 53.9 },
            lon: -1.55,
            hours: None,
        };
        d2.add_location(loc).unwrap();
    }
    d2.add(appt("A1", "p1", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    // Default model, by car: 11 km × 1.3 at 30 km/h + 10 min ≈ 39 min > 35.
    assert_eq!(d2.check(&next).unwrap().len(), 1);
    next.start = t(23, 11, 15);
    assert!(d2.check(&next).unwrap().is_empty());
    // Without a car (the default mode, public transport) the same gap is too short.
    next.travel_mode = None;
    assert_eq!(d2.check(&next).unwrap().len(), 1);
}

#[test]
fn opening_hours_bank_holidays_and_closures() {
    let d = setup();
    let c = d
        .check(&appt("A1", "p1", t(23, 18, 0), t(23, 19, 0)))
        .unwrap();
    assert_eq!(kinds(&c), [("outside_opening_hours", vec![])]);
    // Saturday.
    assert_eq!(
        d.check(&appt("A1", "p1", t(28, 10, 0), t(28, 11, 0)))
            .unwrap()
            .len(),
        1
    );
    // The one-off closure on Wednesday 25 November.
    let c = d
        .check(&appt("A1", "p1", t(25, 10, 0), t(25, 11, 0)))
        .unwrap();
    assert!(c[0].detail.contains("closed that day"));
    // Christmas Day 2026 is a Friday and a bank holiday.
    let xmas = appt(
        "A1",
        "p1",
        Utc.with_ymd_and_hms(2026, 12, 25, 10, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 25, 11, 0, 0).unwrap(),
    );
    assert_eq!(kinds(&d.check(&xmas).unwrap()), [("bank_holiday", vec![])]);
}

#[test]
fn opening_hours_are_london_wall_time_across_dst() {
    let mut d = setup();
    d.add_location(Location {
        id: "summer".into(),
        lat: 53.8,
        lon: -1.55,
        hours: Some(OpeningHours::weekdays(hm(9, 0), hm(17, 0))),
    })
    .unwrap();
    let at = |id: &str, s: DateTime<Utc>, e: DateTime<Utc>| Appointment {
        location: Some("summer".into()),
        ..appt(id, "p1", s, e)
    };
    // Monday 30 March 2026 (BST): 08:00–08:30 UTC is 09:00–09:30 local: open.
    let s = Utc.with_ymd_and_hms(2026, 3, 30, 8, 0, 0).unwrap();
    assert!(
        d.check(&at("A1", s, s + Duration::minutes(30)))
            .unwrap()
            .is_empty()
    );
    // Friday 27 March (GMT): the same UTC time is 08:00 local: closed.
    let s = Utc.with_ymd_and_hms(2026, 3, 27, 8, 0, 0).unwrap();
    let c = d.check(&at("A1", s, s + Duration::minutes(30))).unwrap();
    assert_eq!(c.len(), 1);
    assert!(c[0].detail.contains("08:00–08:30 GMT"), "{}", c[0].detail);
}

#[test]
fn bad_appointments_are_typed_errors_naming_the_appointment() {
    let mut d = setup();
    let e = d
        .check(&appt("A1", "SECRET-PATIENT", t(23, 10, 0), t(23, 10, 0)))
        .unwrap_err();
    assert_eq!(e.code(), "appointment.end_not_after_start");
    assert_eq!(
        e.to_string(),
        "appointment `A1`: `end` must be after `start`"
    );
    let e = d
        .check(&Appointment {
            location: Some("moon".into()),
            ..appt("A1", "p", t(23, 10, 0), t(23, 11, 0))
        })
        .unwrap_err();
    assert_eq!(e.code(), "appointment.unknown_location");
    let e = d
        .add(Appointment {
            resources: vec!["dr_z".into()],
            ..appt("A1", "p", t(23, 10, 0), t(23, 11, 0))
        })
        .unwrap_err();
    assert_eq!(e.code(), "appointment.unknown_resource");
    d.add(appt("A1", "p", t(23, 10, 0), t(23, 11, 0))).unwrap();
    assert_eq!(
        d.add(appt("A1", "p", t(23, 12, 0), t(23, 13, 0)))
            .unwrap_err()
            .code(),
        "appointment.duplicate_id"
    );
    assert_eq!(
        d.remove("A9").unwrap_err().code(),
        "appointment.unknown_appointment"
    );
    assert_eq!("booked".parse::<Status>().unwrap(), Status::Booked);
    for s in Status::ALL {
        assert_eq!(s.key().parse::<Status>().unwrap(), s);
    }
    assert_eq!("checked-in".parse::<Status>().unwrap(), Status::CheckedIn);
    assert_eq!(
        "done".parse::<Status>().unwrap_err().code(),
        "appointment.invalid_value"
    );
    let text = format!(
        "{:?}",
        appt("A1", "SECRET-PATIENT", t(23, 10, 0), t(23, 11, 0))
    );
    assert!(!text.contains("SECRET"), "{text}");
    let bad = Location {
        id: "x".into(),
        lat: 95.0,
        lon: 0.0,
        hours: None,
    };
    assert_eq!(
        d.add_location(bad).unwrap_err().code(),
        "appointment.invalid_setup"
    );
}

#[test]
fn remove_frees_the_time() {
    let mut d = setup();
    d.add(appt("A1", "p1", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    let clash = appt("A2", "p1", t(23, 10, 0), t(23, 10, 30));
    assert_eq!(d.check(&clash).unwrap().len(), 1);
    d.remove("A1").unwrap();
    assert!(d.check(&clash).unwrap().is_empty());
    assert!(d.is_empty());
}

// --- the index and the sweep against the naive O(n²) definitions ----------

/// The clashes as comparable tuples: (kind, a, b, resource).
type Row = (ConflictKind, String, Option<String>, Option<String>);

fn naive(d: &Diary, all: &[Appointment]) -> Vec<Row> {
    let live: Vec<&Appointment> = all.iter().filter(|a| a.status.occupies_time()).collect();
    let key = |a: &Appointment| (a.start, a.end, a.id.clone());
    let overlap = |x: &Appointment, y: &Appointment| x.start < y.end && y.start < x.end;
    let ordered = |x: &Appointment, y: &Appointment| {
        if key(x) <= key(y) {
            (x.id.clone(), y.id.clone())
        } else {
            (y.id.clone(), x.id.clone())
        }
    };
    let mut out = BTreeSet::new();
    for (i, x) in live.iter().enumerate() {
        for y in live.iter().skip(i + 1) {
            if x.patient == y.patient && overlap(x, y) {
                let (a, b) = ordered(x, y);
                out.insert((ConflictKind::PatientOverlap, a, Some(b), None));
            }
            for r in x.resources.iter().collect::<BTreeSet<_>>() {
                if !y.resources.contains(r) || !overlap(x, y) {
                    continue;
                }
                let cap = match r.as_str() {
                    "room_1" => 2,
                    "ecg" => 3,
                    _ => 1,
                };
                let (lo, hi) = (x.start.max(y.start), x.end.min(y.end));
                let mut instants = vec![lo];
                instants.extend(live.iter().map(|k| k.start).filter(|s| *s > lo && *s < hi));
                let peak = instants
                    .iter()
                    .map(|t| {
                        2 + live
                            .iter()
                            .filter(|k| {
                                k.id != x.id
                                    && k.id != y.id
                                    && k.resources.contains(r)
                                    && k.start <= *t
                                    && *t < k.end
                            })
                            .count()
                    })
                    .max()
                    .unwrap_or(0);
                if peak > cap {
                    let (a, b) = ordered(x, y);
                    out.insert((ConflictKind::ResourceOverlap, a, Some(b), Some(r.clone())));
                }
            }
        }
    }
    let patients: BTreeSet<&str> = live.iter().map(|a| a.patient.as_str()).collect();
    for p in patients {
        let mut mine: Vec<&&Appointment> = live.iter().filter(|a| a.patient == p).collect();
        mine.sort_by_key(|a| key(a));
        for w in mine.windows(2) {
            let (a, b) = (w[0], w[1]);
            if a.end > b.start {
                continue;
            }
            if let Some(need) = d.journey(a.location.as_deref(), b.location.as_deref(), b) {
                if (b.start - a.end).num_seconds() < need {
                    out.insert((ConflictKind::Travel, a.id.clone(), Some(b.id.clone()), None));
                }
            }
        }
    }
    for a in &live {
        let single = d
            .check(&Appointment {
                patient: format!("{}-alone", a.id),
                resources: vec![],
                ..(*a).clone()
            })
            .unwrap();
        for c in single.iter().filter(|c| {
            matches!(
                c.kind,
                ConflictKind::BankHoliday | ConflictKind::OutsideOpeningHours
            )
        }) {
            out.insert((c.kind, a.id.clone(), None, None));
        }
    }
    out.into_iter().collect()
}

fn arb_appointments() -> impl Strategy<Value = Vec<Appointment>> {
    // Around both DST changes of 2026 and an ordinary Monday, on 5-minute
    // steps so touching and equal times are common.
    // A fourth base decades later: a table spanning more than 2^48 µs
    // (about nine years) takes the bulk sort's general path.
    let bases = [
        Utc.with_ymd_and_hms(2026, 3, 29, 6, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 10, 25, 6, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2046, 11, 23, 7, 0, 0).unwrap(),
    ];
    let specs = prop::collection::vec(
        (
            prop::sample::select(vec![0usize, 0, 1, 1, 2, 2, 3]),
            0i64..60,
            1i64..16,
            0usize..4,
            prop::collection::btree_set(prop::sample::select(vec!["dr_a", "room_1", "ecg"]), 0..3),
            prop::option::weighted(
                0.9,
                prop::sample::select(vec!["surgery", "hospital", "clinic"]),
            ),
            prop::sample::select(vec![
                Status::Booked,
                Status::Booked,
                Status::Arrived,
                Status::Cancelled,
                Status::Proposed,
                Status::Noshow,
            ]),
            prop::option::of(prop::sample::select(TravelMode::ALL.to_vec())),
        ),
        0..24,
    );
    // Short ids, or long ones sharing their first eight bytes and not in
    // insertion order (so that ties of time fall through to the full id).
    (specs, any::<bool>()).prop_map(move |(specs, long_ids)| {
        specs
            .into_iter()
            .enumerate()
            .map(
                |(i, (base, step, len, patient, resources, location, status, mode))| {
                    let start = bases[base] + Duration::minutes(step * 5);
                    Appointment {
                        id: if long_ids {
                            format!("APPOINTMENT-{:02}-{i}", (i * 7) % 24)
                        } else {
                            format!("A{i:02}")
                        },
                        patient: format!("p{patient}"),
                        resources: resources.into_iter().map(str::to_owned).collect(),
                        location: location.map(str::to_owned),
                        start,
                        end: start + Duration::minutes(len * 5),
                        status,
                        service_type: None,
                        travel_mode: mode,
                    }
                },
            )
            .collect()
    })
}

fn rows_of_check(x: &Appointment, conflicts: &[Conflict], all: &[Appointment]) -> Vec<Row> {
    let key = |id: &str| {
        all.iter()
            .find(|a| a.id == id)
            .map(|a| (a.start, a.end, a.id.clone()))
    };
    let mut rows: Vec<Row> = conflicts
        .iter()
        .map(|c| match c.with.first() {
            Some(other) => {
                let (a, b) = if key(&x.id) <= key(other) {
                    (x.id.clone(), other.clone())
                } else {
                    (other.clone(), x.id.clone())
                };
                (c.kind, a, Some(b), c.resource.clone())
            }
            None => (c.kind, x.id.clone(), None, None),
        })
        .collect();
    rows.sort();
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sweep_equals_naive(all in arb_appointments()) {
        let mut d = setup();
        for a in &all {
            d.add(a.clone()).unwrap();
        }
        let got: Vec<Row> = d.find_all().unwrap().into_iter().map(|c| (c.kind, c.a, c.b, c.resource)).collect();
        // The same clashes, in the documented order: kind, then the first
        // appointment, then the second (start, end, id), then the resource.
        let mut expected = naive(&d, &all);
        let key = |id: &str| all.iter().find(|a| a.id == id).map(|a| (a.start, a.end, a.id.clone()));
        expected.sort_by_key(|(kind, a, b, r)| (*kind, key(a), b.as_deref().map(key), r.clone()));
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn index_check_equals_naive(all in arb_appointments()) {
        let d0 = setup();
        let expected = naive(&d0, &all);
        for x in &all {
            let mut d = setup();
            for a in all.iter().filter(|a| a.id != x.id) {
                d.add(a.clone()).unwrap();
            }
            let want: Vec<Row> = expected.iter().filter(|r| r.1 == x.id || r.2.as_deref() == Some(&x.id)).cloned().collect();
            prop_assert_eq!(rows_of_check(x, &d.check(x).unwrap(), &all), want.clone());
            // Re-checking a stored appointment ignores itself.
            d.add(x.clone()).unwrap();
            prop_assert_eq!(rows_of_check(x, &d.check(x).unwrap(), &all), want);
        }
    }
}

#[cfg(feature = "arrow")]
mod columnar {
    use std::sync::Arc;

    use arrow_array::cast::AsArray;
    use arrow_array::types::Int32Type;
    use arrow_array::{
        Array, ArrayRef, DictionaryArray, Float64Array, RecordBatch, StringArray,
        TimestampMicrosecondArray,
    };

    use super::*;

    const PLACES: [(&str, f64, f64); 3] = [
        ("surgery", 53.8008, -1.5491),
        ("hospital", 53.9, -1.55),
        ("clinic", 53.8009, -1.5492),
    ];

    /// The same diary without opening hours (the table path does not check them).
    fn plain() -> Diary {
        let mut d = Diary::new(TravelModel::uniform(30.0, 10.0));
        for (id, lat, lon) in PLACES {
            d.add_location(Location {
                id: id.into(),
                lat,
                lon,
                hours: None,
            })
            .unwrap();
        }
        for id in ["dr_a", "room_1", "ecg"] {
            d.add_resource(Resource {
                id: id.into(),
                kind: ResourceKind::Room,
                capacity: 1,
            })
            .unwrap();
        }
        d
    }

    /// One row per (appointment, resource); an appointment with no resource has one row with null.
    fn table(all: &[Appointment]) -> RecordBatch {
        let mut rows: Vec<(&Appointment, Option<&str>)> = Vec::new();
        for a in all {
            if a.resources.is_empty() {
                rows.push((a, None));
            }
            for r in &a.resources {
                rows.push((a, Some(r)));
            }
        }
        type RowRef<'a> = (&'a Appointment, Option<&'a str>);
        let s = |f: &dyn Fn(&RowRef<'_>) -> Option<String>| -> ArrayRef {
            Arc::new(rows.iter().map(f).collect::<StringArray>())
        };
        let coord = |lat: bool| -> ArrayRef {
            Arc::new(
                rows.iter()
                    .map(|(a, _)| {
                        a.location
                            .as_deref()
                            .and_then(|l| PLACES.iter().find(|p| p.0 == l))
                            .map(|p| if lat { p.1 } else { p.2 })
                    })
                    .collect::<Float64Array>(),
            )
        };
        let ts = |f: &dyn Fn(&Appointment) -> DateTime<Utc>| -> ArrayRef {
            Arc::new(
                rows.iter()
                    .map(|(a, _)| Some(f(a).timestamp_micros()))
                    .collect::<TimestampMicrosecondArray>()
                    .with_timezone("UTC"),
            )
        };
        RecordBatch::try_from_iter(vec![
            ("id", s(&|(a, _)| Some(a.id.clone()))),
            ("patient", s(&|(a, _)| Some(a.patient.clone()))),
            ("resource", s(&|(_, r)| r.map(str::to_owned))),
            ("location", s(&|(a, _)| a.location.clone())),
            ("lat", coord(true)),
            ("lon", coord(false)),
            ("start", ts(&|a| a.start)),
            ("end", ts(&|a| a.end)),
            ("status", s(&|(a, _)| Some(a.status.key().to_owned()))),
            (
                "travel_mode",
                s(&|(a, _)| a.travel_mode.map(|m| m.key().to_owned())),
            ),
        ])
        .unwrap()
    }

    /// `batch` with its patient, resource, location and status columns
    /// dictionary-encoded.
    fn dictionaries(batch: &RecordBatch) -> RecordBatch {
        let columns: Vec<(String, ArrayRef)> = batch
            .schema()
            .fields()
            .iter()
            .zip(batch.columns())
            .map(|(f, c)| {
                let name = f.name().clone();
                if ["patient", "resource", "location", "status"].contains(&name.as_str()) {
                    let dict: DictionaryArray<Int32Type> = c.as_string::<i32>().iter().collect();
                    (name, Arc::new(dict) as ArrayRef)
                } else {
                    (name, c.clone())
                }
            })
            .collect();
        RecordBatch::try_from_iter(columns).unwrap()
    }

    fn rows(out: &RecordBatch) -> Vec<Row> {
        let a = out.column(0).as_string::<i32>();
        let b = out.column(1).as_string::<i32>();
        let kind = out.column(2).as_dictionary::<Int32Type>();
        let names = kind.values().as_string::<i32>();
        let res = out.column(4).as_string::<i32>();
        (0..out.num_rows())
            .map(|i| {
                let k = names.value(kind.keys().value(i) as usize);
                let kind = [
                    ConflictKind::PatientOverlap,
                    ConflictKind::ResourceOverlap,
                    ConflictKind::Travel,
                    ConflictKind::OutsideOpeningHours,
                    ConflictKind::BankHoliday,
                ]
                .into_iter()
                .find(|x| x.key() == k)
                .unwrap();
                (
                    kind,
                    a.value(i).to_owned(),
                    b.is_valid(i).then(|| b.value(i).to_owned()),
                    res.is_valid(i).then(|| res.value(i).to_owned()),
                )
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn table_equals_diary(all in arb_appointments(), split in 0usize..40, dict in any::<bool>()) {
            let mut d = plain();
            for a in &all {
                d.add(a.clone()).unwrap();
            }
            let want: Vec<Row> = d.find_all().unwrap().into_iter().map(|c| (c.kind, c.a, c.b, c.resource)).collect();
            let m = TravelModel::uniform(30.0, 10.0);
            let whole = table(&all);
            let got = rows(&find_all_batch(&whole, &m).unwrap());
            prop_assert_eq!(&got, &want);
            // The same table as two batches (split anywhere, even between
            // the rows of one appointment), text as dictionaries or not.
            let whole = if dict { dictionaries(&whole) } else { whole };
            let k = split.min(whole.num_rows());
            let parts = [whole.slice(0, k), whole.slice(k, whole.num_rows() - k)];
            let got = rows(&find_all_batches(&parts, &m).unwrap());
            prop_assert_eq!(got, want);
        }
    }

    /// Big enough for the two-core path (over 20,000 rows), dense enough for
    /// every kind of clash: the table and the diary agree row for row.
    #[test]
    fn a_large_table_on_two_cores_equals_the_diary() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % m
        };
        let resources = ["dr_a", "room_1", "ecg"];
        let all: Vec<Appointment> = (0..21_000)
            .map(|i| {
                let start = t(2, 8, 0)
                    + Duration::days(next(40) as i64)
                    + Duration::minutes(10 * next(60) as i64);
                let mut a = appt(
                    &format!("A{i:05}"),
                    &format!("p{}", next(2_000)),
                    start,
                    start + Duration::minutes(10 * (1 + next(4) as i64)),
                );
                a.resources = vec![resources[next(3) as usize].to_owned()];
                a.location = Some(PLACES[next(3) as usize].0.to_owned());
                a.status = if next(20) == 0 {
                    Status::Cancelled
                } else {
                    Status::Booked
                };
                a
            })
            .collect();
        let mut d = plain();
        for a in &all {
            d.add(a.clone()).unwrap();
        }
        let want: Vec<Row> = d
            .find_all()
            .unwrap()
            .into_iter()
            .map(|c| (c.kind, c.a, c.b, c.resource))
            .collect();
        assert!(want.iter().any(|r| r.0 == ConflictKind::Travel));
        assert!(want.iter().any(|r| r.0 == ConflictKind::PatientOverlap));
        let got = rows(&find_all_batch(&table(&all), &TravelModel::uniform(30.0, 10.0)).unwrap());
        assert_eq!(got, want);
    }

    #[test]
    fn bad_tables_name_the_column_or_appointment() {
        let good = vec![appt("A1", "p1", t(23, 10, 0), t(23, 11, 0))];
        let batch = table(&good);
        let m = TravelModel::default();
        let e = find_all_batch(&batch.project(&[0, 1, 2, 3, 4, 5, 6]).unwrap(), &m).unwrap_err();
        assert_eq!(e.code(), "appointment.invalid_column");
        assert!(e.to_string().contains("`end`"), "{e}");
        let backwards = vec![appt("A1", "SECRET", t(23, 11, 0), t(23, 10, 0))];
        let e = find_all_batch(&table(&backwards), &m).unwrap_err();
        assert_eq!(
            (e.code(), e.appointment.as_deref()),
            ("appointment.end_not_after_start", Some("A1"))
        );
        assert!(!e.to_string().contains("SECRET"));
        // A repeated id on rows that are not adjacent, clashing with itself.
        let twice = vec![
            good[0].clone(),
            appt("A2", "p2", t(23, 12, 0), t(23, 13, 0)),
            good[0].clone(),
        ];
        let e = find_all_batch(&table(&twice), &m).unwrap_err();
        assert_eq!(
            (e.code(), e.appointment.as_deref()),
            ("appointment.duplicate_id", Some("A1"))
        );
    }

    #[test]
    fn a_time_zone_no_one_knows_is_refused() {
        let good = table(&[appt("A1", "p1", t(23, 10, 0), t(23, 11, 0))]);
        let m = TravelModel::default();
        let in_zone = |zone: &str| -> RecordBatch {
            let schema = good.schema();
            let mut fields: Vec<_> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
            let mut cols = good.columns().to_vec();
            for name in ["start", "end"] {
                let (i, _) = schema.column_with_name(name).unwrap();
                let times = cols[i]
                    .as_any()
                    .downcast_ref::<TimestampMicrosecondArray>()
                    .unwrap();
                cols[i] = Arc::new(times.clone().with_timezone(zone));
                fields[i] = arrow_schema::Field::new(name, cols[i].data_type().clone(), false);
            }
            RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), cols).unwrap()
        };
        for zone in ["UTC", "Europe/London", "+01:00", "Z"] {
            assert!(find_all_batch(&in_zone(zone), &m).is_ok(), "{zone}");
        }
        for zone in ["Mars/Olympus", "", "London"] {
            let e = find_all_batch(&in_zone(zone), &m).unwrap_err();
            assert_eq!(e.code(), "appointment.invalid_column", "{zone}");
            if !zone.is_empty() {
                assert!(!e.to_string().contains(zone), "{e}");
            }
        }
    }

    #[test]
    fn a_table_past_the_clash_limit_is_refused_not_run_out_of_memory() {
        // 3,200 appointments at once for one person (over 5.1 million
        // overlapping pairs), then the same through one clinician.
        let m = TravelModel::default();
        let at_once = |resource: bool, patients: u32| -> Vec<Appointment> {
            (0..3_200)
                .map(|i| Appointment {
                    resources: if resource {
                        vec!["dr_a".into()]
                    } else {
                        vec![]
                    },
                    ..appt(
                        &format!("A{i}"),
                        &format!("p{}", i % patients),
                        t(23, 10, 0),
                        t(23, 10, 30),
                    )
                })
                .collect()
        };
        for (resource, patients) in [(false, 1), (true, 3_200)] {
            let e = find_all_batch(&table(&at_once(resource, patients)), &m).unwrap_err();
            assert_eq!(e.code(), "appointment.too_many_conflicts");
        }
        assert_eq!(MAX_CONFLICT_PAIRS, 5_000_000);
    }
}

#[test]
fn patient_constraints_and_carers() {
    let mut d = setup();
    let unavailable = (t(24, 13, 0), t(24, 17, 0));
    d.set_constraints(
        "p1",
        PatientConstraints {
            max_per_day: Some(2),
            unavailable: vec![unavailable],
            preferred: Some(OpeningHours::weekdays(hm(10, 0), hm(14, 0))),
            carer: Some("c1".into()),
            needs_patient_transport: false,
        },
    )
    .unwrap();
    d.set_constraints(
        "c1",
        PatientConstraints {
            unavailable: vec![(t(26, 9, 0), t(26, 12, 0))],
            ..Default::default()
        },
    )
    .unwrap();
    d.add(appt("A1", "p1", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    d.add(appt("A2", "p1", t(23, 11, 0), t(23, 11, 30)))
        .unwrap();
    // A third that day: over the limit of two.
    let c = d
        .check(&appt("A3", "p1", t(23, 13, 0), t(23, 13, 30)))
        .unwrap();
    assert_eq!(
        kinds(&c),
        [("patient_constraint", vec!["A1".to_owned(), "A2".to_owned()])]
    );
    assert!(c[0].detail.contains("at most 2"), "{}", c[0].detail);
    // Unavailable on Tuesday afternoon; and 15:00 is outside the preferred 10:00–14:00 (a warning).
    let c = d
        .check(&appt("A4", "p1", t(24, 15, 0), t(24, 15, 30)))
        .unwrap();
    assert_eq!(
        c.iter()
            .map(|c| (c.kind.key(), c.severity))
            .collect::<Vec<_>>(),
        [
            ("patient_constraint", Severity::Block),
            ("patient_constraint", Severity::Warn)
        ]
    );
    // The carer is booked elsewhere, then unavailable.
    d.add(appt("C1", "c1", t(25, 11, 0), t(25, 12, 0))).unwrap();
    let c = d
        .check(&appt("A5", "p1", t(27, 11, 30), t(27, 12, 0)))
        .unwrap();
    assert!(c.is_empty(), "{c:?}");
    let c = d
        .check(&appt("A5", "p1", t(26, 11, 30), t(26, 12, 0)))
        .unwrap();
    assert_eq!(kinds(&c), [("carer", vec![])]);
    let c = d
        .check(&Appointment {
            location: Some("hospital".into()),
            ..appt("A6", "p1", t(25, 11, 30), t(25, 12, 30))
        })
        .unwrap();
    assert_eq!(kinds(&c), [("carer", vec!["C1".to_owned()])]);
    // Bad constraints are refused.
    let bad = PatientConstraints {
        max_per_day: Some(0),
        ..Default::default()
    };
    assert_eq!(
        d.set_constraints("p2", bad).unwrap_err().code(),
        "appointment.invalid_constraint"
    );
}

#[test]
fn patient_transport_is_used_for_journeys() {
    let mut d = Diary::default();
    for (id, lat) in [("surgery", 53.8008), ("hospital", 53.9)] {
        d.add_location(Location {
            id: id.into(),
            lat,
            lon: -1.55,
            hours: None,
        })
        .unwrap();
    }
    d.add(appt("A1", "p1", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    // By car (11 km × 1.3 at 30 km/h + 10 ≈ 39 min), 50 minutes is enough...
    let mut next = Appointment {
        location: Some("hospital".into()),
        travel_mode: Some(TravelMode::Car),
        ..appt("A2", "p1", t(23, 11, 20), t(23, 11, 50))
    };
    assert!(d.check(&next).unwrap().is_empty());
    // ...but not by patient transport (20 km/h + 30 min ≈ 73 min), which the person needs.
    d.set_constraints(
        "p1",
        PatientConstraints {
            needs_patient_transport: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        kinds(&d.check(&next).unwrap()),
        [("travel", vec!["A1".to_owned()])]
    );
    next.start = t(23, 11, 45);
    next.end = t(23, 12, 15);
    assert!(d.check(&next).unwrap().is_empty());
}

#[test]
fn sequencing_warns_when_the_first_is_missing_or_out_of_range() {
    let mut d = setup();
    d.add_sequence_rule(SequenceRule {
        first: "blood_test".into(),
        then: "medication_review".into(),
        min_days: 2,
        max_days: 14,
    })
    .unwrap();
    let review = |d: u32| Appointment {
        service_type: Some("medication_review".into()),
        ..appt("R1", "p1", t(d, 10, 0), t(d, 10, 30))
    };
    let c = d.check(&review(27)).unwrap();
    assert_eq!(
        c.iter()
            .map(|c| (c.kind.key(), c.severity))
            .collect::<Vec<_>>(),
        [("sequencing", Severity::Warn)]
    );
    assert!(
        c[0].detail.contains("none is booked before it"),
        "{}",
        c[0].detail
    );
    d.add(Appointment {
        service_type: Some("blood_test".into()),
        ..appt("B1", "p1", t(26, 9, 0), t(26, 9, 10))
    })
    .unwrap();
    // One day after the blood test: too soon.
    let c = d.check(&review(27)).unwrap();
    assert!(
        c[0].detail.contains("the nearest, B1, is 1 day(s) before"),
        "{}",
        c[0].detail
    );
    // Four days after: fine.
    assert!(
        d.check(&Appointment {
            start: t(30, 10, 0),
            end: t(30, 10, 30),
            ..review(27)
        })
        .unwrap()
        .is_empty()
    );
    let bad = SequenceRule {
        first: "a".into(),
        then: "b".into(),
        min_days: 5,
        max_days: 2,
    };
    assert_eq!(
        d.add_sequence_rule(bad).unwrap_err().code(),
        "appointment.invalid_constraint"
    );
}

#[test]
fn booking_over_a_block_needs_a_recorded_reason() {
    let mut d = setup();
    d.book(appt("A1", "p1", t(23, 10, 0), t(23, 10, 30)), None)
        .unwrap();
    let clash = appt("A2", "p1", t(23, 10, 15), t(23, 10, 45));
    let e = d.book(clash.clone(), None).unwrap_err();
    assert_eq!(
        (e.code(), e.appointment.as_deref()),
        ("appointment.blocked", Some("A2"))
    );
    let empty = Override {
        by_role: "care_coordinator".into(),
        reason: " ".into(),
    };
    assert_eq!(
        d.book(clash.clone(), Some(empty)).unwrap_err().code(),
        "appointment.override_needs_reason"
    );
    assert_eq!(d.len(), 1);
    let why = Override {
        by_role: "care_coordinator".into(),
        reason: "SECRET joint visit agreed with the family".into(),
    };
    let booking = d.book(clash, Some(why.clone())).unwrap();
    assert_eq!(booking.overridden, Some(why));
    assert_eq!(booking.conflicts.len(), 1);
    assert_eq!(d.len(), 2);
    assert!(!format!("{booking:?}").contains("SECRET"));
    // Warnings alone never stop a booking and need no override.
    d.set_constraints(
        "p3",
        PatientConstraints {
            preferred: Some(OpeningHours::weekdays(hm(9, 0), hm(10, 0))),
            ..Default::default()
        },
    )
    .unwrap();
    let b = d
        .book(appt("A3", "p3", t(23, 15, 0), t(23, 15, 30)), None)
        .unwrap();
    assert_eq!((b.conflicts.len(), b.overridden), (1, None));
}

#[test]
fn a_series_is_checked_occurrence_by_occurrence_in_london_time() {
    let mut d = setup();
    // Tuesdays at 10:00 London time, every 8 weeks, from 3 March 2026 (GMT)
    // into BST: 10:00 stays 10:00, so the UTC time moves.
    let first = Appointment {
        resources: vec!["dr_a".into()],
        ..appt(
            "S",
            "p1",
            Utc.with_ymd_and_hms(2026, 3, 3, 10, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 3, 10, 30, 0).unwrap(),
        )
    };
    let rule = Recurrence::parse("FREQ=WEEKLY;INTERVAL=8;BYDAY=TU;COUNT=3").unwrap();
    let occ = d.occurrences(&first, &rule, &[], None).unwrap();
    let when: Vec<String> = occ
        .iter()
        .map(|a| format!("{} {}", a.id, crate::time::to_london(a.start)))
        .collect();
    assert_eq!(
        when,
        [
            "S@2026-03-03 2026-03-03 10:00:00 GMT",
            "S@2026-04-28 2026-04-28 10:00:00 BST",
            "S@2026-06-23 2026-06-23 10:00:00 BST"
        ]
    );
    assert!(occ.iter().all(|a| a.end - a.start == Duration::minutes(30)));
    // Dr A is busy at the second occurrence.
    d.add(Appointment {
        resources: vec!["dr_a".into()],
        ..appt(
            "X",
            "p9",
            Utc.with_ymd_and_hms(2026, 4, 28, 9, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 4, 28, 9, 20, 0).unwrap(),
        )
    })
    .unwrap();
    let checked = d.check_series(&first, &rule, &[], None).unwrap();
    let counts: Vec<usize> = checked.iter().map(|o| o.conflicts.len()).collect();
    assert_eq!(counts, [0, 1, 0]);
    assert_eq!(checked[1].conflicts[0].with, ["X"]);
    // Skipping it with an exception date.
    let checked = d
        .check_series(
            &first,
            &rule,
            &[chrono::NaiveDate::from_ymd_opt(2026, 4, 28).unwrap()],
            None,
        )
        .unwrap();
    assert_eq!(checked.len(), 2);
}

#[test]
fn a_series_at_a_skipped_wall_time_is_an_error_naming_the_date() {
    let d = Diary::default();
    // Sundays at 01:30: on 29 March 2026 the clocks go from 01:00 to 02:00.
    let start = Utc.with_ymd_and_hms(2026, 3, 22, 1, 30, 0).unwrap();
    let first = Appointment {
        location: None,
        ..appt("S", "SECRET", start, start + Duration::minutes(30))
    };
    let rule = Recurrence::parse("FREQ=WEEKLY;COUNT=3").unwrap();
    let e = d.occurrences(&first, &rule, &[], None).unwrap_err();
    assert_eq!(e.code(), "appointment.local_time");
    assert_eq!(
        e.to_string(),
        "appointment `S`: an occurrence on 2026-03-29 at 01:30 does not exist in Europe/London"
    );
    assert_eq!(crate::Error::from(e).kind(), crate::ErrorKind::LocalTime);
}

#[test]
fn suggestions_skip_clashes_hours_and_constraints() {
    let mut d = setup();
    d.add(Appointment {
        resources: vec!["dr_a".into()],
        ..appt("A1", "p2", t(23, 9, 0), t(23, 10, 0))
    })
    .unwrap();
    d.set_constraints(
        "p1",
        PatientConstraints {
            unavailable: vec![(t(23, 10, 0), t(23, 11, 0))],
            ..Default::default()
        },
    )
    .unwrap();
    let want = Appointment {
        resources: vec!["dr_a".into()],
        ..appt("N", "p1", t(23, 8, 0), t(23, 8, 30))
    };
    let slots = d
        .suggest(&want, t(23, 8, 0), 3, 30, 3, (hm(8, 0), hm(17, 0)))
        .unwrap();
    let starts: Vec<String> = slots
        .iter()
        .map(|s| s.start.format("%d %H:%M").to_string())
        .collect();
    // 08:00 and 08:30 are free; 09:00–10:00 is Dr A's; 10:00–11:00 the person is away.
    assert_eq!(starts, ["23 08:00", "23 08:30", "23 11:00"]);
    // Late on Friday: the surgery closes at 18:30, Saturday and Sunday it is closed.
    let slots = d
        .suggest(&want, t(27, 17, 0), 2, 30, 4, (hm(8, 0), hm(19, 0)))
        .unwrap();
    let starts: Vec<String> = slots
        .iter()
        .map(|s| s.start.format("%a %H:%M").to_string())
        .collect();
    assert_eq!(starts, ["Fri 17:00", "Fri 17:30"]);
    let bad = d
        .suggest(&want, t(23, 8, 0), 3, 0, 3, (hm(8, 0), hm(17, 0)))
        .unwrap_err();
    assert_eq!(bad.code(), "appointment.invalid_setup");
    // The work of one call is bounded: once n = 2^32 ran for ever.
    let window = (hm(8, 0), hm(17, 0));
    for (n, days) in [
        (MAX_SUGGESTIONS + 1, 3),
        (usize::MAX, 3),
        (3, MAX_SUGGEST_DAYS + 1),
        (3, u32::MAX),
    ] {
        let e = d
            .suggest(&want, t(23, 8, 0), n, 30, days, window)
            .unwrap_err();
        assert_eq!(e.code(), "appointment.invalid_setup", "{n} {days}");
    }
    let most = d.suggest(
        &want,
        t(23, 8, 0),
        MAX_SUGGESTIONS,
        30,
        MAX_SUGGEST_DAYS,
        window,
    );
    assert_eq!(most.unwrap().len(), MAX_SUGGESTIONS);
}

#[test]
fn bundles_suggest_one_trip_for_nearby_places() {
    let mut d = setup();
    d.add(appt("A1", "p1", t(23, 10, 0), t(23, 10, 30)))
        .unwrap();
    // Next door, on Thursday: move it to Monday after A1.
    d.add(Appointment {
        location: Some("clinic".into()),
        ..appt("A2", "p1", t(26, 14, 0), t(26, 14, 20))
    })
    .unwrap();
    // The hospital is 11 km away: not bundled at 2 km.
    d.add(Appointment {
        location: Some("hospital".into()),
        ..appt("A3", "p1", t(27, 14, 0), t(27, 14, 20))
    })
    .unwrap();
    let b = d.bundles("p1", 2.0);
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!((b[0].keep.as_str(), b[0].move_id.as_str()), ("A1", "A2"));
    // The 10-minute buffer plus a few metres at 30 km/h, rounded up to 5 minutes: 15.
    assert_eq!(b[0].to.start, t(23, 10, 45));
    assert!(b[0].km < 0.1);
    assert!(d.bundles("nobody", 2.0).is_empty());
}

#[test]
fn a_search_with_more_clashes_than_its_limit_is_refused() {
    let mut d = setup();
    // Forty appointments at once for one person with one clinician: 780
    // patient overlaps and 780 clinician overlaps.
    for i in 0..40 {
        d.add(Appointment {
            resources: vec!["dr_a".into()],
            ..appt(&format!("A{i}"), "p1", t(23, 10, 0), t(23, 10, 30))
        })
        .unwrap();
    }
    let all = d.find_all().unwrap();
    assert_eq!(all.len(), 1_560);
    assert_eq!(d.find_all_within(1_560).unwrap(), all);
    for limit in [0, 700, 1_000, 1_559] {
        let e = d.find_all_within(limit).unwrap_err();
        assert_eq!(e.code(), "appointment.too_many_conflicts", "{limit}");
    }
}

#[test]
fn ids_are_repeated_only_when_they_look_like_ids() {
    let d = setup();
    let typed = "Mrs Smith's front room";
    let e = d
        .check(&Appointment {
            location: Some(typed.into()),
            ..appt("A1", "p1", t(23, 10, 0), t(23, 10, 30))
        })
        .unwrap_err();
    assert_eq!(e.code(), "appointment.unknown_location");
    assert!(!format!("{e} {e:?}").contains("Smith"), "{e}");
    let e = d
        .check(&Appointment {
            resources: vec![typed.into()],
            ..appt("an id? no", "p1", t(23, 10, 0), t(23, 10, 30))
        })
        .unwrap_err();
    assert_eq!(
        (e.code(), e.appointment.as_deref()),
        ("appointment.unknown_resource", None)
    );
    assert!(!format!("{e} {e:?}").contains("Smith"), "{e}");
    // An id-shaped one is named, to help find the mistake.
    let e = d
        .check(&Appointment {
            location: Some("surgery-2".into()),
            ..appt("A1", "p1", t(23, 10, 0), t(23, 10, 30))
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "appointment `A1`: unknown location `surgery-2`"
    );
}
