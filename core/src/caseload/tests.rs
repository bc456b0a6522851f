use chrono::NaiveDate;

use super::*;
use crate::diag::LineCol;
use crate::expr::{Truth, Value};

const SAMPLE: &str = include_str!("../../../examples/rules/frailty_priority.toml");

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn sample() -> RuleSet {
    RuleSet::from_toml(SAMPLE).unwrap_or_else(|e| panic!("{e}"))
}

/// A minimal valid file with `extra` appended, for error tests.
fn minimal(extra: &str) -> String {
    format!(
        r#"[ruleset]
name = "t"
version = "1"
effective_from = 2026-01-01

[schema]
id = "id"
fields = {{ id = "string", age = "int", flag = {{ type = "bool", nullable = true }}, sex = {{ type = "enum", values = ["female", "male"] }} }}

[[tier]]
name = "high"
min_score = 2
[[tier]]
name = "low"
{extra}"#
    )
}

fn load_error(text: &str) -> RuleError {
    RuleSet::from_toml(text).expect_err("should not load")
}

#[test]
fn the_description_is_the_files_and_a_row_shows_only_its_size() {
    let rules = sample();
    assert_eq!(
        rules.description(),
        "Frailty, admissions, polypharmacy, activation and isolation risk for proactive care coordination."
    );
    let row = rules
        .row([
            ("patient_id", Value::str("SECRET-ID")),
            ("age", Value::Int(91)),
            ("safeguarding_flag", Value::Bool(false)),
        ])
        .unwrap();
    // A row is patient data: its Debug says how many values, never which.
    let shown = format!("{row:?}");
    assert!(
        shown.starts_with("Row(") && shown.ends_with(" values)"),
        "{shown}"
    );
    assert!(!shown.contains("SECRET") && !shown.contains("91"));
}

#[test]
fn no_reasons_are_kept_when_none_are_asked_for_even_for_an_override() {
    let rules = RuleSet::from_toml(&SAMPLE.replace("top_reasons = 3", "top_reasons = 0")).unwrap();
    let row = rules
        .row([
            ("patient_id", Value::str("P1")),
            ("age", Value::Int(91)),
            ("safeguarding_flag", Value::Bool(true)),
        ])
        .unwrap();
    let p = rules.evaluate(&row, today());
    assert_eq!(p.tier(), "urgent");
    assert!(p.override_id.is_some());
    assert!(p.reasons.is_empty(), "{:?}", p.reasons);
}

#[test]
fn sample_loads_and_its_embedded_tests_pass() {
    let rules = sample();
    assert_eq!(rules.name(), "frailty_priority");
    assert_eq!(
        rules.tiers().collect::<Vec<_>>(),
        ["urgent", "high", "medium", "low"]
    );
    let outcomes = rules.run_tests();
    assert_eq!(outcomes.len(), 4);
    for o in &outcomes {
        assert!(o.passed(), "{}: {:?}", o.name, o.failures);
    }
}

#[test]
fn embedded_tests_can_fail() {
    let text = SAMPLE.replace(
        r#"expect = { score = 8, tier = "high""#,
        r#"expect = { score = 9, tier = "medium""#,
    );
    let outcomes = RuleSet::from_toml(&text).unwrap().run_tests();
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].failures,
        [
            "score: expected 9, got 8",
            "tier: expected medium, got high"
        ]
    );
}

#[test]
fn reasons_are_ordered_by_points_then_rule_order() {
    let rules = sample();
    let row = rules
        .row([
            ("patient_id", Value::str("P1")),
            ("age", Value::Int(90)),
            ("lives_alone", Value::Bool(true)),
            ("dementia", Value::Bool(true)),
            ("medication_count", Value::Int(6)),
            ("last_contact", Value::str("2026-11-01")),
            ("safeguarding_flag", Value::Bool(false)),
        ])
        .unwrap();
    let p = rules.evaluate(&row, today());
    // age 2, lives alone 1, polypharmacy 1, dementia 1 = 5.
    assert_eq!((p.score, p.tier()), (5, "medium"));
    assert_eq!(
        p.reason_codes(),
        ["AGE_85_PLUS", "LIVES_ALONE", "POLYPHARMACY_5_TO_9"]
    );
    assert_eq!(p.override_id, None);
}

#[test]
fn explanation_says_why_not() {
    let rules = sample();
    let row = rules
        .row([
            ("patient_id", Value::str("P9")),
            ("age", Value::Int(79)),
            ("efi_deficits", Value::Int(3)),
            ("safeguarding_flag", Value::Bool(false)),
        ])
        .unwrap();
    let e = rules.explain(&row, today());
    assert_eq!(e.row_id, "P9");
    let age = e.rules.iter().find(|r| &*r.rule_id == "age").unwrap();
    assert_eq!((age.band, age.points), (Some(2), 1));
    assert_eq!(age.bands[0].outcome, Truth::False);
    assert_eq!(
        age.bands[0].checks[0].values,
        [("age".to_owned(), "79".to_owned())]
    );
    let efi = e.rules.iter().find(|r| &*r.rule_id == "efi").unwrap();
    assert_eq!(efi.band, None);
    assert_eq!(efi.bands.len(), 3);
    assert!(efi.bands.iter().all(|b| b.outcome == Truth::False));
    // Bands are numbered from 1, as the rule file's readers count them.
    assert_eq!(
        efi.bands.iter().map(|b| b.band).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let alone = e
        .rules
        .iter()
        .find(|r| &*r.rule_id == "lives_alone")
        .unwrap();
    assert_eq!(alone.bands[0].outcome, Truth::Unknown);
    let text = e.to_text();
    assert!(text.starts_with("P9: score 2, tier low"), "{text}");
    assert!(
        text.contains("age [AGE_75_TO_84] because `age >= 75` is true (age = 79)"),
        "{text}"
    );
    assert!(
        text.contains("lives_alone not fired: `lives_alone` is unknown (lives_alone = null)"),
        "{text}"
    );
}

#[test]
fn explanations_render_as_text_and_escaped_html() {
    let text = minimal(
        r#"
[[override]]
id = "flagged"
when = "flag"
tier = "high"
reason = "FLAG"

[[override]]
id = "female"
when = "sex == 'female'"
tier = "high"
reason = "F"

[[rule]]
id = "age"
bands = [
  { when = "age >= 85", points = 2, reason = "AGE_85" },
  { when = "age >= 75", points = 1, reason = "AGE_75" },
]
"#,
    )
    .replace(r#"id = "string""#, r#"id = "int""#);
    let rules = RuleSet::from_toml(&text).unwrap();
    let row = rules
        .row([
            ("id", Value::Int(42)),
            ("age", Value::Int(80)),
            ("flag", Value::Bool(true)),
            ("sex", Value::str("male")),
        ])
        .unwrap();
    let e = rules.explain(&row, today());
    // An integer id reads as its digits.
    assert_eq!(e.row_id, "42");

    let text = e.to_text();
    // Only overrides that fired are listed.
    assert!(text.contains("override flagged → high"), "{text}");
    assert!(!text.contains("override female"), "{text}");

    let html = e.to_html();
    assert!(
        html.starts_with("<div><strong>42</strong>: score 1, tier <strong>high</strong>"),
        "{html}"
    );
    assert!(
        html.contains("(set by override <code>flagged</code>)"),
        "{html}"
    );
    // A fired rule shows why from its chosen band only; comparisons are
    // escaped, never raw markup.
    assert!(
        html.contains("<tr><td><code>age</code></td><td>1</td><td>AGE_75</td><td>`age &gt;= 75` is true (age = 80)</td></tr>"),
        "{html}"
    );
    assert!(!html.contains("age &gt;= 85"), "{html}");
    assert!(html.ends_with("</tbody></table></div>"), "{html}");
}

#[test]
fn rows_are_checked_against_the_schema_without_echoing_values() {
    let rules = sample();
    let err = rules
        .row([("patient_id", Value::str("P1")), ("age", Value::Int(80))])
        .unwrap_err();
    assert_eq!(
        err,
        RecordError::MissingField {
            field: "safeguarding_flag".into()
        }
    );
    let err = rules
        .row([
            ("patient_id", Value::str("P1")),
            ("age", Value::str("eighty")),
            ("safeguarding_flag", Value::Bool(false)),
        ])
        .unwrap_err();
    assert_eq!(err.code(), "record.wrong_type");
    assert!(!err.to_string().contains("eighty"));
    let err = rules
        .row([
            ("patient_id", Value::str("P1")),
            ("age", Value::Int(80)),
            ("last_contact", Value::str("1948-02-30")),
            ("safeguarding_flag", Value::Bool(false)),
        ])
        .unwrap_err();
    assert_eq!(err.code(), "record.wrong_type");
    assert!(!err.to_string().contains("1948"));
    // Unknown columns are ignored: analysts bring any columns.
    assert!(
        rules
            .row([
                ("patient_id", Value::str("P1")),
                ("age", Value::Int(80)),
                ("postcode", Value::str("X")),
                ("safeguarding_flag", Value::Bool(false))
            ])
            .is_ok()
    );
}

#[test]
fn syntax_errors_have_line_and_column() {
    let e = load_error(&minimal(
        "[[rule]]\nid = \"r\"\nwhen = \"age >= \"\npoints = 1\nreason = \"R\"\n",
    ));
    assert_eq!(e.code(), "expr.unexpected_end");
    assert_eq!(e.path, "rule[r].when");
    assert_eq!(
        e.location,
        Some(LineCol {
            line: 17,
            column: 16
        })
    );

    let e = load_error(&minimal(
        "[[rule]]\nid = \"r\"\nwhen = \"agee > 1\"\npoints = 1\nreason = \"R\"\n",
    ));
    assert_eq!(e.code(), "expr.unknown_field");
    assert_eq!(e.help().as_deref(), Some("did you mean `age`?"));
    assert_eq!(
        e.location,
        Some(LineCol {
            line: 17,
            column: 9
        })
    );
    assert_eq!(
        e.to_string(),
        "unknown field `agee`: did you mean `age`? (at rule[r].when, line 17, column 9)"
    );

    let e = load_error(&minimal(
        "[[rule]]\nid = \"r\"\nwhen = \"age > 1\"\npoints = 1\nreasn = \"R\"\n",
    ));
    assert_eq!(e.code(), "rules.syntax");
    assert_eq!(e.location.map(|l| l.line), Some(19));
    assert!(e.to_string().contains("reasn"), "{e}");

    let e = load_error("[ruleset\nname = 1");
    assert_eq!(
        (e.code(), e.location.map(|l| l.line)),
        ("rules.syntax", Some(1))
    );
}

#[test]
fn semantic_errors() {
    let rule = |id: &str, when: &str| {
        format!("[[rule]]\nid = \"{id}\"\nwhen = \"{when}\"\npoints = 1\nreason = \"R\"\n")
    };
    let cases = [
        (format!("{}{}", rule("a", "flag"), rule("a", "flag")), "rules.duplicate_id"),
        (rule("a", "sex == 'femal'"), "expr.unknown_enum_value"),
        (rule("a", "age + 1"), "expr.not_a_condition"),
        (rule("a", "age == null"), "expr.type_mismatch"),
        ("[[rule]]\nid = \"a\"\npoints = 1\nreason = \"R\"\n".to_owned(), "rules.invalid_rule"),
        ("[[rule]]\nid = \"a\"\nwhen = \"flag\"\n".to_owned(), "rules.invalid_rule"),
        (
            "[[rule]]\nid = \"a\"\nbands = [\n { when = \"age >= 75\", points = 1, reason = \"A\" },\n { when = \"age >= 85\", points = 2, reason = \"B\" },\n]\n".to_owned(),
            "rules.unreachable_band",
        ),
        (
            "[[rule]]\nid = \"a\"\nbands = [\n { when = \"sex in ['female', 'male']\", points = 1, reason = \"A\" },\n { when = \"sex == 'male'\", points = 2, reason = \"B\" },\n]\n".to_owned(),
            "rules.unreachable_band",
        ),
        (
            "[[rule]]\nid = \"a\"\nbands = [\n { when = \"true\", points = 1, reason = \"A\" },\n { when = \"flag\", points = 2, reason = \"B\" },\n]\n".to_owned(),
            "rules.unreachable_band",
        ),
        ("[[override]]\nid = \"o\"\nwhen = \"flag\"\ntier = \"hihg\"\nreason = \"O\"\n".to_owned(), "rules.unknown_tier"),
        ("[[test]]\nname = \"t\"\nrow = { id = \"x\", age = \"old\", sex = \"male\" }\nexpect = { score = 0 }\n".to_owned(), "rules.invalid_test_row"),
    ];
    for (extra, code) in cases {
        let e = load_error(&minimal(&extra));
        assert_eq!(e.code(), code, "{extra}\n{e}");
        assert!(e.location.is_some(), "{code} has no location");
    }
    // A band order that is reachable loads.
    let ok = "[[rule]]\nid = \"a\"\nbands = [\n { when = \"age >= 85\", points = 2, reason = \"A\" },\n { when = \"age >= 75\", points = 1, reason = \"B\" },\n { when = \"age == 85\", points = 1, reason = \"C\" },\n]\n";
    assert_eq!(load_error(&minimal(ok)).code(), "rules.unreachable_band");
    let ok = "[[rule]]\nid = \"a\"\nbands = [\n { when = \"age > 85\", points = 2, reason = \"A\" },\n { when = \"age >= 85\", points = 1, reason = \"B\" },\n]\n";
    assert!(RuleSet::from_toml(&minimal(ok)).is_ok());
}

#[test]
fn tiers_must_all_be_reachable() {
    let bad = minimal("").replace("name = \"low\"", "name = \"low\"\nmin_score = 0");
    assert_eq!(load_error(&bad).code(), "rules.invalid_tiers");
    let bad = minimal("").replace(
        "[[tier]]\nname = \"low\"",
        "[[tier]]\nname = \"mid\"\nmin_score = 3\n[[tier]]\nname = \"low\"",
    );
    assert_eq!(load_error(&bad).code(), "rules.invalid_tiers");
}

#[test]
fn safeguarding_flag_must_reach_the_top_tier() {
    let no_override = SAMPLE.replace("[[override]]\nid = \"safeguarding\"\nwhen = \"safeguarding_flag\"\ntier = \"urgent\"", "[[override]]\nid = \"safeguarding\"\nwhen = \"safeguarding_flag and age > 18\"\ntier = \"urgent\"");
    let e = load_error(&no_override);
    assert_eq!(e.code(), "rules.missing_safeguarding_override");
    assert_eq!(e.location.map(|l| l.line), Some(14));
    assert!(e.help().is_some());

    let wrong_tier = SAMPLE.replace(
        "tier = \"urgent\"\nreason = \"SAFEGUARDING_CONCERN\"",
        "tier = \"high\"\nreason = \"SAFEGUARDING_CONCERN\"",
    );
    assert_eq!(
        load_error(&wrong_tier).code(),
        "rules.missing_safeguarding_override"
    );

    // `flag or anything` always fires when the flag is set, so it is accepted.
    let or_form = SAMPLE.replace(
        "when = \"safeguarding_flag\"\ntier",
        "when = \"safeguarding_flag or dementia\"\ntier",
    );
    assert!(RuleSet::from_toml(&or_form).is_ok());
}

#[test]
fn json_is_the_same_model() {
    let rules = sample();
    let table: toml::Table = toml::from_str(SAMPLE).unwrap();
    let json = serde_json::to_string(&table).unwrap();
    let from_json = RuleSet::from_json(&json).unwrap();
    assert_eq!(
        from_json.rule_ids().collect::<Vec<_>>(),
        rules.rule_ids().collect::<Vec<_>>()
    );
    assert!(from_json.run_tests().iter().all(TestOutcome::passed));
    let e = RuleSet::from_json("{\"ruleset\": ").unwrap_err();
    assert_eq!(
        (e.code(), e.location.map(|l| l.line)),
        ("rules.syntax", Some(1))
    );
}

#[test]
fn row_debug_hides_values() {
    let rules = sample();
    let row = rules
        .row([
            ("patient_id", Value::str("SECRET-ID")),
            ("age", Value::Int(80)),
            ("safeguarding_flag", Value::Bool(false)),
        ])
        .unwrap();
    let shown = format!("{row:?} {:?}", Value::str("SECRET-ID"));
    assert!(!shown.contains("SECRET"), "{shown}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn opt<T: std::fmt::Debug + Clone + 'static>(
        s: impl Strategy<Value = T> + 'static,
    ) -> impl Strategy<Value = Option<T>> {
        prop_oneof![1 => Just(None), 4 => s.prop_map(Some)]
    }

    prop_compose! {
        fn sample_row()(
            age in 18i64..105,
            efi in opt(0i64..30),
            alone in opt(any::<bool>()),
            meds in opt(0i64..20),
            adm in opt(0i64..5),
            ae in opt(0i64..6),
            discharge in opt(0i64..400),
            pam in opt(20.0f64..90.0),
            flags in proptest::array::uniform3(opt(any::<bool>())),
            contact in opt(0i64..400),
            safeguarding in proptest::bool::weighted(0.05),
        ) -> Vec<(&'static str, Value)> {
            let day = |ago: i64| Value::Date(today() - chrono::Duration::days(ago));
            vec![
                ("patient_id", Value::str("P")),
                ("age", Value::Int(age)),
                ("efi_deficits", efi.into()),
                ("lives_alone", alone.into()),
                ("medication_count", meds.into()),
                ("emergency_admissions_12m", adm.into()),
                ("ae_attendances_12m", ae.into()),
                ("last_discharge", discharge.map(day).unwrap_or(Value::Null)),
                ("pam_score", pam.into()),
                ("dementia", flags[0].into()),
                ("housebound", flags[1].into()),
                ("is_carer", flags[2].into()),
                ("last_contact", contact.map(day).unwrap_or(Value::Null)),
                ("safeguarding_flag", Value::Bool(safeguarding)),
            ]
        }
    }

    proptest! {
        /// The incremental top-N equals sorting every fired rule, and the
        /// score equals the explanation's points.
        #[test]
        fn top_reasons_match_a_full_sort(pairs in sample_row()) {
            let rules = sample();
            let row = rules.row(pairs).unwrap();
            let p = rules.evaluate(&row, today());
            let e = rules.explain(&row, today());
            let mut fired: Vec<(i64, String)> = e.rules.iter()
                .filter_map(|r| r.reason.as_ref().map(|code| (r.points, code.to_string())))
                .collect();
            fired.sort_by_key(|f| std::cmp::Reverse(f.0));
            let mut expected: Vec<String> = p.override_id.iter().map(|_| "SAFEGUARDING_CONCERN".to_owned()).collect();
            expected.extend(fired.iter().map(|f| f.1.clone()));
            expected.truncate(3);
            prop_assert_eq!(p.reason_codes(), expected);
            prop_assert_eq!(p.score, e.rules.iter().map(|r| r.points).sum::<i64>());
            let flag = rules.schema().index_of("safeguarding_flag").unwrap();
            prop_assert_eq!(p.tier() == "urgent", row.values()[flag] == Value::Bool(true));
        }
    }
}
