use chrono::{TimeZone, Utc};

use super::*;
use crate::expr::Value;

const DIRECTORY: &str = include_str!("../../../examples/routing/directory.toml");

fn directory() -> Directory {
    Directory::from_toml(DIRECTORY).unwrap()
}

/// A Monday in November 2026, 10:00 GMT.
fn referral(needs: &[&str]) -> Referral {
    Referral {
        id: "R1".into(),
        age: 79,
        sex: Sex::Female,
        district: "LS6".into(),
        pcn: Some("U00001".into()),
        practice: Some("B00001".into()),
        needs: needs.iter().map(|n| (*n).to_owned()).collect(),
        urgency: Urgency::Routine,
        consent: Consent::Given,
        at: Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
        extra: vec![("lives_alone".into(), Value::Bool(true))],
    }
}

fn ids(r: &Routing) -> Vec<&str> {
    r.matches.iter().map(|m| &*m.service_id).collect()
}

fn excluded(r: &Routing, id: &str) -> Vec<&'static str> {
    r.excluded
        .iter()
        .find(|e| &*e.service_id == id)
        .map(|e| e.reasons.iter().map(ExclusionReason::code).collect())
        .unwrap_or_default()
}

fn load_err(text: &str) -> DirectoryError {
    Directory::from_toml(text).unwrap_err()
}

#[test]
fn ranks_by_needs_then_open_then_local_then_wait_then_id() {
    let r = directory()
        .route(&referral(&["loneliness", "debt"]))
        .unwrap();
    assert_eq!(r.outcome, Outcome::Routed);
    assert!(!r.escalate_now);
    // sp_north serves both needs; debt_advice (wait 3) before befriending (wait 20).
    assert_eq!(ids(&r), ["sp_north", "debt_advice", "befriending_65"]);
    assert_eq!(r.matches[0].matched_needs.len(), 2);
    assert_eq!(&*r.matches[0].referral_code, SOCIAL_PRESCRIBING_REFERRAL);
    assert!(r.matches[0].local && !r.matches[1].local);
    assert_eq!(
        r.matches.iter().map(|m| m.rank).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(r.unmet_needs.is_empty());
    // Every other service is listed with its reasons.
    assert_eq!(
        r.matches.len() + r.excluded.len(),
        directory().services().len()
    );
    assert_eq!(
        excluded(&r, "sp_south"),
        ["outside_catchment", "not_accepting"]
    );
    assert_eq!(excluded(&r, "clinical_pharmacist"), ["no_matching_need"]);
}

#[test]
fn safeguarding_goes_to_the_named_lead_first_whatever_consent_or_hours() {
    let mut rf = referral(&["safeguarding", "loneliness"]);
    rf.consent = Consent::Refused;
    // A Sunday: the lead is closed, but safeguarding goes there anyway.
    rf.at = Utc.with_ymd_and_hms(2026, 11, 29, 21, 0, 0).unwrap();
    rf.urgency = Urgency::Stat;
    let r = directory().route(&rf).unwrap();
    assert_eq!(r.outcome, Outcome::Escalated);
    assert!(r.escalate_now);
    let lead = &r.matches[0];
    assert_eq!(&*lead.service_id, "safeguarding_lead");
    assert_eq!(lead.route, RouteKind::Safeguarding);
    assert!(lead.escalate && !lead.open_on_day);
    assert_eq!(lead.consent_basis, ConsentBasis::SafeguardingWithoutConsent);
    assert!(lead.contact.is_some());
    // The loneliness need is refused for want of consent, and says so.
    assert_eq!(r.matches.len(), 1);
    assert!(excluded(&r, "sp_north").contains(&"consent_not_given"));
    assert_eq!(r.unmet_needs.len(), 1);
}

#[test]
fn red_flags_go_to_the_escalation_route() {
    let mut rf = referral(&["acute_confusion", "low_mood"]);
    rf.consent = Consent::NotAsked;
    let r = directory().route(&rf).unwrap();
    assert_eq!(r.outcome, Outcome::Escalated);
    assert_eq!(ids(&r), ["duty_gp"]);
    assert_eq!(r.matches[0].consent_basis, ConsentBasis::DirectCare);
    assert_eq!(excluded(&r, "mh_practitioner"), ["consent_not_given"]);
}

#[test]
fn safeguarding_and_red_flag_both_escalate_lead_first() {
    let r = directory()
        .route(&referral(&["suicidal_thoughts", "safeguarding", "debt"]))
        .unwrap();
    assert_eq!(ids(&r)[..2], ["safeguarding_lead", "duty_gp"]);
    // Both serve debt and are open; the local one comes first.
    assert_eq!(ids(&r)[2..], ["sp_north", "debt_advice"]);
}

#[test]
fn nothing_eligible_is_an_explicit_unmet_need() {
    let mut rf = referral(&["low_mood"]);
    rf.age = 17;
    let r = directory().route(&rf).unwrap();
    assert_eq!(r.outcome, Outcome::Unmet);
    assert!(r.matches.is_empty());
    assert_eq!(
        r.unmet_needs.iter().map(|n| &**n).collect::<Vec<_>>(),
        ["low_mood"]
    );
    assert_eq!(excluded(&r, "mh_practitioner"), ["too_young"]);
}

#[test]
fn consent_refused_is_reported_as_needing_consent() {
    let mut rf = referral(&["housing"]);
    rf.consent = Consent::Refused;
    let r = directory().route(&rf).unwrap();
    assert_eq!(r.outcome, Outcome::NeedsConsent);
    assert_eq!(excluded(&r, "housing_options"), ["consent_not_given"]);
}

#[test]
fn urgent_referrals_need_the_service_open_that_day() {
    let mut rf = referral(&["falls"]);
    rf.extra.push(("efi_deficits".into(), Value::Int(9)));
    rf.district = "LS16".into();
    rf.pcn = None;
    rf.urgency = Urgency::Urgent;
    // Monday: falls prevention opens Tuesday and Thursday only.
    let r = directory().route(&rf).unwrap();
    assert_eq!(excluded(&r, "falls_prevention"), ["closed_on_day"]);
    rf.urgency = Urgency::Routine;
    let r = directory().route(&rf).unwrap();
    assert_eq!(ids(&r), ["falls_prevention"]);
    assert!(!r.matches[0].open_on_day);
}

#[test]
fn bank_holidays_close_services_for_urgent_referrals() {
    let mut rf = referral(&["medication_confusion"]);
    rf.urgency = Urgency::Asap;
    rf.at = Utc.with_ymd_and_hms(2026, 12, 25, 10, 0, 0).unwrap();
    let r = directory().route(&rf).unwrap();
    let reasons = &r
        .excluded
        .iter()
        .find(|e| &*e.service_id == "clinical_pharmacist")
        .unwrap()
        .reasons;
    assert_eq!(
        reasons[0],
        ExclusionReason::ClosedOnDay {
            weekday: chrono::Weekday::Fri,
            bank_holiday: true
        }
    );
    assert!(reasons[0].to_string().contains("bank holiday"));
}

#[test]
fn the_day_is_the_london_day() {
    // 23:30 UTC on Sunday 29 March 2026 is 00:30 BST on Monday 30 March.
    let mut rf = referral(&["falls"]);
    rf.extra.push(("efi_deficits".into(), Value::Int(9)));
    rf.at = Utc.with_ymd_and_hms(2026, 3, 29, 23, 30, 0).unwrap();
    let r = directory().route(&rf).unwrap();
    assert_eq!(r.day.to_string(), "2026-03-30");
}

#[test]
fn criteria_explain_why_not_with_unknowns() {
    let mut rf = referral(&["falls"]);
    let r = directory().route(&rf).unwrap();
    // No eFI given: the criterion is unknown, so it does not pass.
    let e = r
        .excluded
        .iter()
        .find(|e| &*e.service_id == "falls_prevention")
        .unwrap();
    let ExclusionReason::CriteriaNotMet { criteria, checks } = &e.reasons[0] else {
        panic!("{:?}", e.reasons)
    };
    assert_eq!(criteria, "efi_deficits >= 5");
    assert_eq!(checks[0].outcome, crate::expr::Truth::Unknown);
    rf.extra.push(("efi_deficits".into(), Value::Int(6)));
    assert_eq!(ids(&directory().route(&rf).unwrap()), ["falls_prevention"]);
}

#[test]
fn registered_practice_and_sex_and_age_limits() {
    let mut rf = referral(&["personal_health_budget"]);
    rf.practice = Some("B00009".into());
    let r = directory().route(&rf).unwrap();
    assert_eq!(excluded(&r, "phb_team"), ["not_registered_practice"]);
    rf.practice = Some("b00002".into());
    assert_eq!(ids(&directory().route(&rf).unwrap()), ["phb_team"]);
}

#[test]
fn area_codes_are_normalised_and_checked() {
    let mut rf = referral(&["loneliness"]);
    rf.district = " ls6 ".into();
    assert_eq!(ids(&directory().route(&rf).unwrap())[0], "sp_north");
    rf.district = "LS6 4AB".into();
    let e = directory().route(&rf).unwrap_err();
    assert_eq!(e.code(), "referral.malformed_area");
    assert!(!e.to_string().contains("4AB"));
}

#[test]
fn bad_referrals_are_typed_errors_without_values() {
    let d = directory();
    let mut rf = referral(&["lonliness"]);
    let e = d.route(&rf).unwrap_err();
    assert_eq!(e.code(), "referral.unknown_need");
    assert_eq!(e.to_string(), "unknown need: did you mean `loneliness`?");
    rf.needs.clear();
    assert_eq!(d.route(&rf).unwrap_err().code(), "referral.no_needs");
    rf = referral(&["debt"]);
    rf.age = 150;
    let e = d.route(&rf).unwrap_err();
    assert_eq!(e.code(), "referral.impossible_age");
    assert!(!e.to_string().contains("150"));
    rf = referral(&["debt"]);
    rf.id = " ".into();
    assert_eq!(d.route(&rf).unwrap_err().code(), "referral.empty_id");
    rf = referral(&["debt"]);
    rf.extra = vec![("lives_alon".into(), Value::Bool(true))];
    let e = d.route(&rf).unwrap_err();
    assert_eq!(e.code(), "referral.unknown_field");
    assert!(e.to_string().contains("did you mean `lives_alone`"));
    // Of several unknown names, the alphabetically first is named whatever
    // order they came in (a Python dict and a Kotlin map iterate differently).
    for order in [["zz_field", "aa_field"], ["aa_field", "zz_field"]] {
        rf.extra = order
            .iter()
            .map(|n| ((*n).to_owned(), Value::Null))
            .collect();
        let e = d.route(&rf).unwrap_err();
        assert!(e.to_string().contains("`aa_field`"), "{e}");
        let fields = order.iter().map(|n| ((*n).to_owned(), Value::Null));
        let e = d.referral(fields, rf.at).unwrap_err();
        assert!(e.to_string().contains("`aa_field`"), "{e}");
    }
    rf.extra = vec![("efi_deficits".into(), Value::str("SECRET-VALUE"))];
    let e = d.route(&rf).unwrap_err();
    assert_eq!(e.code(), "record.wrong_type");
    assert!(!e.to_string().contains("SECRET"));
    rf = referral(&["debt"]);
    rf.at = Utc.with_ymd_and_hms(2150, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(
        d.route(&rf).unwrap_err().code(),
        "referral.date_out_of_range"
    );
}

#[test]
fn a_referral_from_named_values_is_the_typed_referral() {
    let d = directory();
    let typed = referral(&["debt"]);
    let fields = vec![
        ("lives_alone".to_owned(), Value::Bool(true)),
        ("consent".to_owned(), Value::str("given")),
        ("id".to_owned(), Value::str("R1")),
        ("age".to_owned(), Value::Int(79)),
        ("sex".to_owned(), Value::str("female")),
        ("district".to_owned(), Value::str("LS6")),
        ("pcn".to_owned(), Value::str("U00001")),
        ("practice".to_owned(), Value::str("B00001")),
        ("needs".to_owned(), Value::list(["debt"])),
        ("urgency".to_owned(), Value::str("routine")),
    ];
    let built = d.referral(fields.clone(), typed.at).unwrap();
    assert!(built == typed);
    assert_eq!(d.route(&built).unwrap(), d.route(&typed).unwrap());
    // Each built-in field is required (pcn and practice may be null), of its
    // type, and a word field one of its words.
    let without = |name: &str| {
        fields
            .iter()
            .filter(|(n, _)| n != name)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        d.referral(without("age"), typed.at).unwrap_err().code(),
        "record.missing_field"
    );
    assert!(d.referral(without("pcn"), typed.at).is_ok());
    let with = |name: &str, v: Value| {
        let mut f = without(name);
        f.push((name.to_owned(), v));
        d.referral(f, typed.at).unwrap_err().code()
    };
    assert_eq!(with("age", Value::str("79")), "record.wrong_type");
    assert_eq!(with("needs", Value::str("debt")), "record.wrong_type");
    assert_eq!(with("sex", Value::str("f")), "referral.invalid_value");
    assert_eq!(with("urgency", Value::Int(1)), "record.wrong_type");
    assert_eq!(
        d.extra_fields()
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        ["efi_deficits", "housebound", "lives_alone"]
    );
}

#[test]
fn debug_holds_no_area_or_extra_values() {
    let mut rf = referral(&["debt"]);
    rf.district = "ZZ9".into();
    rf.extra = vec![("lives_alone".into(), Value::Bool(true))];
    let text = format!("{rf:?}");
    assert!(
        !text.contains("ZZ9") && !text.contains("79") && !text.contains("U00001"),
        "{text}"
    );
}

#[test]
fn ranking_is_configurable() {
    let text = DIRECTORY.replace(
        "order = [\"matched_needs\", \"open_on_day\", \"local\", \"wait\", \"id\"]",
        "order = [\"wait\"]",
    );
    let d = Directory::from_toml(&text).unwrap();
    assert_eq!(d.ranking(), [RankKey::Wait, RankKey::Id]);
    let r = d.route(&referral(&["loneliness", "debt"])).unwrap();
    assert_eq!(ids(&r), ["debt_advice", "sp_north", "befriending_65"]);
}

#[test]
fn json_and_toml_load_the_same_directory() {
    let toml_value: toml::Value = toml::from_str(DIRECTORY).unwrap();
    let json = serde_json::to_string(&toml_value).unwrap();
    let from_json = Directory::from_json(&json).unwrap();
    let d = directory();
    assert_eq!(from_json.services(), d.services());
    let rf = referral(&["safeguarding", "debt", "falls"]);
    assert_eq!(from_json.route(&rf).unwrap(), d.route(&rf).unwrap());
}

#[test]
fn load_checks_name_the_place() {
    let e = load_err(&DIRECTORY.replace("needs = [\"carer_strain\"]", "needs = [\"carer_stran\"]"));
    assert_eq!(e.code(), "directory.unknown_need");
    assert_eq!(e.path, "service[carers_service].needs[0]");
    assert_eq!(e.help().as_deref(), Some("did you mean `carer_strain`?"));
    assert!(e.location.is_some());

    let e = load_err(&DIRECTORY.replace("id = \"debt_advice\"", "id = \"housing_options\""));
    assert_eq!(e.code(), "directory.duplicate_id");

    let e = load_err(&DIRECTORY.replace("safeguarding_lead = \"safeguarding_lead\"\n", ""));
    assert_eq!(e.code(), "directory.no_safeguarding_lead");
    assert!(e.help().is_some());

    let e = load_err(&DIRECTORY.replace(
        "red_flag_route = \"duty_gp\"",
        "red_flag_route = \"duty_pg\"",
    ));
    assert_eq!(e.code(), "directory.unknown_service");
    assert_eq!(e.help().as_deref(), Some("did you mean `duty_gp`?"));

    let e = load_err(&DIRECTORY.replace(
        "min_age = 65\ncatchment = \"everywhere\"",
        "min_age = 65\nmax_age = 40\ncatchment = \"everywhere\"",
    ));
    assert_eq!(e.code(), "directory.contradictory_eligibility");
    assert_eq!(e.path, "service[befriending_65].max_age");

    let e = load_err(&DIRECTORY.replace(
        "districts = [\"LS6\", \"LS7\"]",
        "districts = [\"LS6 4AB\", \"LS7\"]",
    ));
    assert_eq!(e.code(), "directory.malformed_area");

    let e = load_err(&DIRECTORY.replace(
        "criteria = \"efi_deficits >= 5\"",
        "criteria = \"efi_deficit >= 5\"",
    ));
    assert_eq!(e.code(), "expr.unknown_field");
    assert_eq!(e.path, "service[falls_prevention].criteria");
    // The column points into the criteria string, at the field.
    let at = e.location.unwrap();
    let line = DIRECTORY.lines().nth(at.line - 1).unwrap();
    assert!(line.starts_with("criteria"), "{line}");

    let e = load_err(&DIRECTORY.replace("hours = \"09:00-17:00\"", "hours = \"17:00-09:00\""));
    assert_eq!(e.code(), "directory.invalid_hours");

    let e = load_err(&DIRECTORY.replace("accepting = false", "accepting = nope"));
    assert_eq!(e.code(), "directory.syntax");
    assert!(e.location.is_some());

    let e = load_err(&DIRECTORY.replace("wait_days = 3\n", "wait_days = 3\nwiat = 4\n"));
    assert_eq!(e.code(), "directory.syntax");

    let e = load_err(&DIRECTORY.replace(
        "id = \"debt_advice\"\nname = \"Debt and benefits advice line\"\nkind = \"advice\"\nneeds = [\"debt\", \"benefits\"]",
        "id = \"debt_advice\"\nname = \"Debt and benefits advice line\"\nkind = \"advice\"\nneeds = [\"debt\", \"safeguarding\"]",
    ));
    assert_eq!(e.code(), "directory.invalid");
    assert!(e.to_string().contains("only the escalation routes"));

    let e = load_err(&DIRECTORY.replace(
        "referral_code = \"306238000\"",
        "referral_code = \"306238001\"",
    ));
    assert_eq!(e.code(), "directory.invalid");
}

#[test]
fn sctid_check_digits() {
    for ok in [
        SOCIAL_PRESCRIBING_REFERRAL,
        SOCIAL_SERVICES_REFERRAL,
        PATIENT_REFERRAL,
        "734163000",
    ] {
        assert!(crate::ids::is_sctid(ok), "{ok}");
    }
    for bad in ["871731000000107", "0123456", "12345", "abc123456"] {
        assert!(!crate::ids::is_sctid(bad), "{bad}");
    }
}

#[test]
fn registry_picks_the_version_in_force() {
    let mut reg = DirectoryRegistry::new();
    reg.add(directory()).unwrap();
    let v2 = Directory::from_toml(
        &DIRECTORY.replace("effective_from = 2026-11-01", "effective_from = 2027-01-01"),
    )
    .unwrap();
    reg.add(v2).unwrap();
    assert!(reg.add(directory()).is_err());
    let on = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(
        reg.in_force("example-pcn-services", on(2026, 12, 1))
            .unwrap()
            .effective_from(),
        on(2026, 11, 1)
    );
    assert_eq!(
        reg.in_force("example-pcn-services", on(2027, 2, 1))
            .unwrap()
            .effective_from(),
        on(2027, 1, 1)
    );
    assert!(
        reg.in_force("example-pcn-services", on(2026, 1, 1))
            .is_none()
    );
}

#[cfg(feature = "arrow")]
mod columnar {
    use std::sync::Arc;

    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Int32Type, UInt32Type};
    use arrow_array::{
        Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray,
        TimestampMicrosecondArray,
    };
    use proptest::prelude::*;

    use super::*;

    /// One long-form row: (referral, rank, service, needs, escalate, outcome).
    type Row = (
        String,
        Option<u32>,
        Option<String>,
        Vec<String>,
        bool,
        String,
    );

    fn batch(refs: &[Referral]) -> RecordBatch {
        let mut needs = ListBuilder::new(StringBuilder::new());
        for r in refs {
            for n in &r.needs {
                needs.values().append_value(n);
            }
            needs.append(true);
        }
        let strs = |f: &dyn Fn(&Referral) -> Option<String>| -> ArrayRef {
            Arc::new(refs.iter().map(f).collect::<StringArray>())
        };
        let lives_alone: BooleanArray = refs
            .iter()
            .map(|r| {
                r.extra
                    .iter()
                    .find(|(n, _)| n == "lives_alone")
                    .and_then(|(_, v)| match v {
                        Value::Bool(b) => Some(*b),
                        _ => None,
                    })
            })
            .collect();
        let efi: Int64Array = refs
            .iter()
            .map(|r| {
                r.extra
                    .iter()
                    .find(|(n, _)| n == "efi_deficits")
                    .and_then(|(_, v)| match v {
                        Value::Int(i) => Some(*i),
                        _ => None,
                    })
            })
            .collect();
        let at: TimestampMicrosecondArray = refs
            .iter()
            .map(|r| Some(r.at.timestamp_micros()))
            .collect::<TimestampMicrosecondArray>()
            .with_timezone("UTC");
        RecordBatch::try_from_iter(vec![
            ("id", strs(&|r| Some(r.id.clone()))),
            (
                "age",
                Arc::new(refs.iter().map(|r| Some(r.age)).collect::<Int64Array>()) as ArrayRef,
            ),
            ("sex", strs(&|r| Some(r.sex.key().into()))),
            ("district", strs(&|r| Some(r.district.clone()))),
            ("pcn", strs(&|r| r.pcn.clone())),
            ("practice", strs(&|r| r.practice.clone())),
            ("needs", Arc::new(needs.finish()) as ArrayRef),
            ("urgency", strs(&|r| Some(r.urgency.key().into()))),
            ("consent", strs(&|r| Some(r.consent.key().into()))),
            ("at", Arc::new(at) as ArrayRef),
            ("lives_alone", Arc::new(lives_alone) as ArrayRef),
            ("efi_deficits", Arc::new(efi) as ArrayRef),
        ])
        .unwrap()
    }

    fn long_form(out: &RecordBatch) -> Vec<Row> {
        let ids = out.column(0).as_string::<i32>();
        let rank = out.column(1).as_primitive::<UInt32Type>();
        let service = out.column(2).as_dictionary::<Int32Type>();
        let service_names = service.values().as_string::<i32>();
        let needs = out.column(3).as_list::<i32>();
        let escalate = out.column(4).as_boolean();
        let outcome = out.column(5).as_dictionary::<Int32Type>();
        let outcome_names = outcome.values().as_string::<i32>();
        (0..out.num_rows())
            .map(|i| {
                let list = needs.value(i);
                let list = list.as_dictionary::<Int32Type>();
                let names = list.values().as_string::<i32>();
                (
                    ids.value(i).to_owned(),
                    rank.is_valid(i).then(|| rank.value(i)),
                    service.is_valid(i).then(|| {
                        service_names
                            .value(service.keys().value(i) as usize)
                            .to_owned()
                    }),
                    list.keys()
                        .iter()
                        .map(|k| names.value(k.unwrap() as usize).to_owned())
                        .collect(),
                    escalate.value(i),
                    outcome_names
                        .value(outcome.keys().value(i) as usize)
                        .to_owned(),
                )
            })
            .collect()
    }

    fn expected(d: &Directory, refs: &[Referral]) -> Vec<Row> {
        let mut rows = Vec::new();
        for r in refs {
            let routing = d.route(r).unwrap();
            let outcome = routing.outcome.key().to_owned();
            if routing.matches.is_empty() {
                rows.push((r.id.clone(), None, None, vec![], false, outcome.clone()));
            }
            for m in &routing.matches {
                rows.push((
                    r.id.clone(),
                    Some(m.rank),
                    Some(m.service_id.to_string()),
                    m.matched_needs.iter().map(|n| n.to_string()).collect(),
                    m.escalate,
                    outcome.clone(),
                ));
            }
        }
        rows
    }

    const NEEDS: &[&str] = &[
        "loneliness",
        "debt",
        "housing",
        "benefits",
        "low_mood",
        "falls",
        "mobility",
        "carer_strain",
        "medication_confusion",
        "personal_care",
        "personal_health_budget",
        "safeguarding",
        "acute_confusion",
        "suicidal_thoughts",
        "physical_activity",
        "lifestyle",
        "digital_inclusion",
        "befriending",
    ];

    fn arb_referral() -> impl Strategy<Value = Referral> {
        (
            0i64..=110,
            0usize..4,
            prop::sample::select(vec!["LS6", "LS7", "LS10", "LS11", "LS16", "LS17", "M1"]),
            prop::option::of(prop::sample::select(vec!["U00001", "U00002", "U00003"])),
            prop::option::of(prop::sample::select(vec!["B00001", "B00002", "B00004"])),
            prop::sample::subsequence(NEEDS.to_vec(), 1..4),
            (0usize..4, 0usize..3),
            // Any minute over 2026, so weekends and bank holidays come up.
            0i64..(365 * 24 * 60),
            (prop::option::of(any::<bool>()), prop::option::of(0i64..20)),
        )
            .prop_map(
                |(age, sex, district, pcn, practice, needs, (u, c), minute, (alone, efi))| {
                    let mut extra = vec![];
                    if let Some(a) = alone {
                        extra.push(("lives_alone".to_owned(), Value::Bool(a)));
                    }
                    if let Some(e) = efi {
                        extra.push(("efi_deficits".to_owned(), Value::Int(e)));
                    }
                    Referral {
                        id: format!("R{minute}"),
                        age,
                        sex: Sex::ALL[sex],
                        district: district.into(),
                        pcn: pcn.map(Into::into),
                        practice: practice.map(Into::into),
                        needs: needs.into_iter().map(Into::into).collect(),
                        urgency: Urgency::ALL[u],
                        consent: Consent::ALL[c],
                        at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
                            + chrono::Duration::minutes(minute),
                        extra,
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn batch_routing_equals_row_routing(refs in prop::collection::vec(arb_referral(), 1..40)) {
            let d = directory();
            let out = d.route_batch(&batch(&refs)).unwrap();
            prop_assert_eq!(long_form(&out), expected(&d, &refs));
        }
    }

    #[test]
    fn large_batches_keep_input_order_across_threads() {
        let d = directory();
        let refs: Vec<Referral> = (0..20_000)
            .map(|i| {
                let mut r = referral(if i % 3 == 0 {
                    &["debt", "safeguarding"]
                } else {
                    &["loneliness"]
                });
                r.id = format!("R{i:05}");
                r.age = 18 + (i % 80);
                r
            })
            .collect();
        let out = d.route_batch(&batch(&refs)).unwrap();
        assert_eq!(long_form(&out), expected(&d, &refs));
    }

    #[test]
    fn bad_tables_name_the_column_and_row() {
        let d = directory();
        let mut refs = vec![referral(&["debt"]), referral(&["debt"])];
        refs[1].age = -4;
        let e = d.route_batch(&batch(&refs)).unwrap_err();
        assert_eq!((e.code(), e.row), ("referral.impossible_age", Some(1)));
        assert_eq!(
            e.to_string(),
            "age is not a possible age (0 to 130) (row 1)"
        );

        let good = batch(&[referral(&["debt"])]);
        let without_at = good.project(&[0, 1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
        let e = d.route_batch(&without_at).unwrap_err();
        assert_eq!(e.code(), "record.missing_column");

        let naive: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![0]));
        let mut cols = good.columns().to_vec();
        cols[9] = naive;
        let mut fields: Vec<_> = good
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        fields[9] = arrow_schema::Field::new("at", cols[9].data_type().clone(), true);
        let naive_batch =
            RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), cols).unwrap();
        let e = d.route_batch(&naive_batch).unwrap_err();
        assert_eq!(e.code(), "record.wrong_column_type");
        assert!(e.to_string().contains("without a time zone"));
    }

    /// `good` with one column renamed or replaced.
    fn with_column(good: &RecordBatch, index: usize, name: &str, column: ArrayRef) -> RecordBatch {
        let mut cols = good.columns().to_vec();
        cols[index] = column.clone();
        let mut fields: Vec<_> = good
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        fields[index] = arrow_schema::Field::new(name, column.data_type().clone(), true);
        RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), cols).unwrap()
    }

    #[test]
    fn a_misspelt_column_is_refused_as_route_refuses_the_field() {
        let d = directory();
        let good = batch(&[referral(&["falls"])]);
        // `lives_alone` misspelt: row by row this is `referral.unknown_field`.
        let misspelt = with_column(&good, 10, "lives_alon", good.column(10).clone());
        let e = d.route_batch(&misspelt).unwrap_err();
        assert_eq!(e.code(), "referral.unknown_field");
        assert!(e.to_string().contains("did you mean `lives_alone`"), "{e}");
        let mut rf = referral(&["falls"]);
        rf.extra = vec![("lives_alon".into(), Value::Bool(true))];
        assert_eq!(d.route(&rf).unwrap_err().code(), e.code());
    }

    #[test]
    fn an_instant_beyond_the_calendar_is_out_of_range_not_missing() {
        let d = directory();
        let good = batch(&[referral(&["debt"]), referral(&["debt"])]);
        for (micros, code) in [
            (Some(i64::MAX), "referral.date_out_of_range"),
            (Some(i64::MIN), "referral.date_out_of_range"),
            (None, "record.missing_field"),
        ] {
            let at: ArrayRef = Arc::new(
                TimestampMicrosecondArray::from(vec![
                    Some(referral(&[]).at.timestamp_micros()),
                    micros,
                ])
                .with_timezone("UTC"),
            );
            let e = d.route_batch(&with_column(&good, 9, "at", at)).unwrap_err();
            assert_eq!((e.code(), e.row), (code, Some(1)), "{micros:?}");
        }
    }
}

/// A directory for boundary tests: one service per rule, so each test sees
/// one criterion at a time.
const BOUNDARIES: &str = r#"
[directory]
name = "boundaries"
version = "1"
effective_from = 2026-01-01

[escalation]
safeguarding_lead = "lead"
red_flag_route = "gp"

[[service]]
id = "lead"
name = "Safeguarding lead"
kind = "safeguarding_lead"
needs = ["safeguarding"]
contact = "the named lead"
catchment = "everywhere"
days = ["mon", "tue", "wed", "thu", "fri"]
accepting = true
consent_required = false

[[service]]
id = "gp"
name = "Duty GP"
kind = "gp_urgent"
needs = ["chest_pain"]
catchment = "everywhere"
days = ["mon", "tue", "wed", "thu", "fri"]
accepting = true
consent_required = false

[[service]]
id = "adults"
name = "Adults of working age, women only, Tuesdays"
kind = "social_prescribing"
needs = ["debt"]
min_age = 18
max_age = 64
sex = ["female"]
catchment = "everywhere"
days = ["tue"]
accepting = true
wait_days = 5
consent_required = true

[[service]]
id = "area_wide"
name = "Area-wide befriending"
kind = "voluntary_sector"
needs = ["loneliness"]
catchment = "everywhere"
days = ["mon", "tue", "wed", "thu", "fri"]
accepting = true
wait_days = 5
consent_required = true

[[service]]
id = "local"
name = "Local befriending"
kind = "voluntary_sector"
needs = ["loneliness"]
catchment = { districts = ["LS6"] }
days = ["mon", "tue", "wed", "thu", "fri"]
accepting = true
wait_days = 5
consent_required = true
"#;

fn boundaries() -> Directory {
    Directory::from_toml(BOUNDARIES).unwrap()
}

/// `referral` on a given day of the week of Monday 23 November 2026.
fn on(rf: &Referral, weekday: u32) -> Referral {
    Referral {
        at: Utc
            .with_ymd_and_hms(2026, 11, 23 + weekday, 10, 0, 0)
            .unwrap(),
        ..rf.clone()
    }
}

#[test]
fn age_limits_include_both_ends() {
    let d = boundaries();
    let mut rf = on(&referral(&["debt"]), 1);
    rf.extra.clear();
    for (age, want) in [
        (0, vec!["too_young"]),
        (17, vec!["too_young"]),
        (18, vec![]),
        (40, vec![]),
        (64, vec![]),
        (65, vec!["too_old"]),
        (120, vec!["too_old"]),
    ] {
        rf.age = age;
        let r = d.route(&rf).unwrap();
        assert_eq!(excluded(&r, "adults"), want, "age {age}");
        assert_eq!(ids(&r) == ["adults"], want.is_empty(), "age {age}");
    }
}

#[test]
fn a_service_for_one_sex_excludes_the_other() {
    let d = boundaries();
    let mut rf = on(&referral(&["debt"]), 1);
    rf.extra.clear();
    rf.age = 40;
    assert_eq!(ids(&d.route(&rf).unwrap()), ["adults"]);
    rf.sex = Sex::Male;
    assert_eq!(excluded(&d.route(&rf).unwrap(), "adults"), ["sex"]);
}

#[test]
fn an_urgent_referral_needs_the_service_open_on_that_weekday() {
    let d = boundaries();
    let mut rf = referral(&["debt"]);
    rf.extra.clear();
    rf.age = 40;
    rf.urgency = Urgency::Urgent;
    // The service opens on Tuesdays only: every other weekday is closed.
    for (offset, day) in (0..7).zip([
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]) {
        let r = d.route(&on(&rf, offset)).unwrap();
        if day == "Tuesday" {
            assert_eq!(ids(&r), ["adults"], "{day}");
            assert!(r.matches[0].open_on_day);
        } else {
            assert_eq!(excluded(&r, "adults"), ["closed_on_day"], "{day}");
            let reason = &r
                .excluded
                .iter()
                .find(|e| &*e.service_id == "adults")
                .unwrap()
                .reasons[0];
            assert_eq!(
                reason.to_string(),
                format!("urgent referral, and it is closed on {day}")
            );
        }
    }
    // Routine referrals go whatever the day, marked closed on the day.
    rf.urgency = Urgency::Routine;
    let r = d.route(&on(&rf, 2)).unwrap();
    assert_eq!(ids(&r), ["adults"]);
    assert!(!r.matches[0].open_on_day);
}

#[test]
fn a_local_service_ranks_before_an_area_wide_one() {
    let d = boundaries();
    let mut rf = on(&referral(&["loneliness"]), 1);
    rf.extra.clear();
    let r = d.route(&rf).unwrap();
    assert_eq!(ids(&r), ["local", "area_wide"]);
    assert!(r.matches[0].local && !r.matches[1].local);
    // Outside the district, only the area-wide service.
    rf.district = "LS10".into();
    let r = d.route(&rf).unwrap();
    assert_eq!(ids(&r), ["area_wide"]);
    assert_eq!(excluded(&r, "local"), ["outside_catchment"]);
}

#[test]
fn reasons_read_in_plain_words() {
    let mut rf = referral(&["falls"]);
    rf.urgency = Urgency::Urgent;
    let r = directory().route(&rf).unwrap();
    let e = r
        .excluded
        .iter()
        .find(|e| &*e.service_id == "falls_prevention")
        .unwrap();
    let words: Vec<String> = e.reasons.iter().map(ToString::to_string).collect();
    assert!(
        words
            .iter()
            .any(|w| w == "urgent referral, and it is closed on Monday"),
        "{words:?}"
    );
    // A criterion that is unknown lists the check that failed.
    assert!(
        words
            .iter()
            .any(|w| w.starts_with("criteria not met: efi_deficits >= 5 (failed: ")),
        "{words:?}"
    );
    let text = format!("{rf:?}");
    assert!(
        text.starts_with("Referral {") && text.contains("\"R1\""),
        "{text}"
    );
}

#[test]
fn escalation_services_take_escalations_only() {
    // A duty GP that also lists an ordinary need is still only the red-flag
    // route: an ordinary referral never lands there.
    let text = BOUNDARIES.replace(
        "needs = [\"chest_pain\"]",
        "needs = [\"chest_pain\", \"loneliness\"]",
    );
    let d = Directory::from_toml(&text).unwrap();
    let mut rf = on(&referral(&["loneliness"]), 1);
    rf.extra.clear();
    let r = d.route(&rf).unwrap();
    assert_eq!(ids(&r), ["local", "area_wide"]);
}

#[test]
fn a_safeguarding_share_without_consent_says_to_record_why() {
    let d = boundaries();
    let mut rf = on(&referral(&["safeguarding"]), 1);
    rf.extra.clear();
    let says = |r: &Routing| {
        r.matches[0]
            .reasons
            .iter()
            .any(|w| w.starts_with("shared without consent on safeguarding grounds"))
    };
    rf.consent = Consent::Refused;
    assert!(says(&d.route(&rf).unwrap()));
    rf.consent = Consent::Given;
    assert!(!says(&d.route(&rf).unwrap()));
}

#[test]
fn an_escalation_is_marked_local_only_inside_the_leads_own_area() {
    let lead = "contact = \"the named lead\"\ncatchment = \"everywhere\"";
    let text = BOUNDARIES.replace(
        lead,
        "contact = \"the named lead\"\ncatchment = { districts = [\"LS6\"] }",
    );
    assert_ne!(text, BOUNDARIES);
    let mut rf = on(&referral(&["safeguarding"]), 1);
    rf.extra.clear();
    for (directory, district, local) in [
        (&text, "LS6", true),
        (&text, "LS10", false),
        (&BOUNDARIES.to_owned(), "LS6", false),
    ] {
        rf.district = district.into();
        let r = Directory::from_toml(directory).unwrap().route(&rf).unwrap();
        // Escalated whatever the catchment; "local" says whether it is the
        // person's own area.
        assert_eq!(ids(&r), ["lead"]);
        assert_eq!(r.matches[0].local, local, "{district}");
    }
}
