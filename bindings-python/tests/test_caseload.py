from __future__ import annotations

import math
import pickle
from datetime import date
from pathlib import Path

import pytest

import carecoord
from carecoord.caseload import RuleSet

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rules" / "frailty_priority.toml"
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet.from_toml(SAMPLE)


def test_loads_from_path_text_and_json(rules: RuleSet) -> None:
    assert rules.name == "frailty_priority"
    assert rules.effective_from == date(2026, 4, 1)
    assert RuleSet.from_toml(str(SAMPLE)).rule_ids == rules.rule_ids
    assert RuleSet.from_toml(SAMPLE.read_text()).rule_ids == rules.rule_ids
    assert ("age", "int", False) in rules.fields
    assert repr(rules).startswith("RuleSet(name='frailty_priority', version='1.0.0'")


def test_embedded_tests_pass(rules: RuleSet) -> None:
    outcomes = rules.run_tests()
    assert len(outcomes) == 4
    assert all(o.passed and o.failures == [] for o in outcomes), outcomes


def test_evaluate_one_patient(rules: RuleSet) -> None:
    row = {
        "patient_id": "P1",
        "age": 88,
        "efi_deficits": 14,
        "last_discharge": date(2026, 11, 10),
        "last_contact": "2026-11-01",
        "safeguarding_flag": False,
        "postcode": "ignored: not in the schema",
    }
    p = rules.evaluate(row, today=TODAY)
    assert (p.score, p.tier, p.override_id) == (8, "high", None)
    assert [r.code for r in p.reasons] == ["EFI_SEVERE", "RECENT_DISCHARGE", "AGE_85_PLUS"]
    assert p.reasons[0].points == 3 and p.reasons[0].rule_id == "efi"
    assert repr(p) == "Priority(score=8, tier='high', reasons=['EFI_SEVERE', 'RECENT_DISCHARGE', 'AGE_85_PLUS'])"


def test_nan_is_null_and_today_defaults(rules: RuleSet) -> None:
    p = rules.evaluate({"patient_id": "P2", "age": 70, "pam_score": math.nan, "safeguarding_flag": False})
    assert p.reasons[0].code == "NO_CONTACT_180_DAYS"


def test_safeguarding_override(rules: RuleSet) -> None:
    p = rules.evaluate({"patient_id": "P3", "age": 30, "last_contact": TODAY, "safeguarding_flag": True}, today=TODAY)
    assert (p.tier, p.override_id, p.reasons[0].code) == ("urgent", "safeguarding", "SAFEGUARDING_CONCERN")


def test_explanation(rules: RuleSet) -> None:
    e = rules.explain({"patient_id": "P9", "age": 79, "efi_deficits": 3, "safeguarding_flag": False}, today=TODAY)
    assert e.row_id == "P9" and e.priority.score == 2
    age = next(r for r in e.rules if r["rule_id"] == "age")
    assert (age["band"], age["points"], age["reason"]) == (2, 1, "AGE_75_TO_84")
    assert age["bands"][0]["outcome"] == "false"
    assert age["bands"][0]["checks"][0]["values"] == {"age": "79"}
    alone = next(r for r in e.rules if r["rule_id"] == "lives_alone")
    assert alone["band"] is None and alone["bands"][0]["outcome"] == "unknown"
    assert "age [AGE_75_TO_84] because `age >= 75` is true (age = 79)" in str(e)
    html = e._repr_html_()
    assert html.startswith("<div><strong>P9</strong>") and "&gt;=" in html
    assert e.overrides[0]["id"] == "safeguarding" and e.overrides[0]["outcome"] == "false"


def test_rule_errors_say_where(tmp_path: Path) -> None:
    broken = SAMPLE.read_text().replace('when = "lives_alone"', 'when = "lives_alon"')
    with pytest.raises(carecoord.RuleError) as raised:
        RuleSet.from_toml(broken)
    err = raised.value
    assert (err.code, err.kind, err.path) == ("expr.unknown_field", "invalid_rules", "rule[lives_alone].when")
    assert (err.line, err.col) == (75, 9)
    assert err.help == "did you mean `lives_alone`?"
    assert isinstance(err, ValueError)
    path = tmp_path / "broken.toml"
    path.write_text(broken)
    with pytest.raises(carecoord.RuleError):
        RuleSet.from_toml(path)
    with pytest.raises(carecoord.RuleError) as raised:
        RuleSet.from_toml("[ruleset]\nname = ")
    assert raised.value.code == "rules.syntax" and raised.value.line is not None
    assert pickle.loads(pickle.dumps(raised.value)).code == "rules.syntax"


def test_bad_rows_are_typed_errors_without_values(rules: RuleSet) -> None:
    with pytest.raises(carecoord.InvalidRecord) as raised:
        rules.evaluate({"patient_id": "P1", "age": 80}, today=TODAY)
    assert raised.value.code == "record.missing_field" and "safeguarding_flag" in str(raised.value)
    with pytest.raises(carecoord.InvalidRecord) as raised:
        rules.evaluate({"patient_id": "P1", "age": "eighty", "safeguarding_flag": False}, today=TODAY)
    assert raised.value.code == "record.wrong_type" and "eighty" not in str(raised.value)
    with pytest.raises(TypeError):
        rules.evaluate({"patient_id": "P1", "age": object(), "safeguarding_flag": False}, today=TODAY)
    with pytest.raises(TypeError):
        rules.evaluate(["not", "a", "mapping"], today=TODAY)  # type: ignore[arg-type]


def test_impact_of_a_new_version(rules: RuleSet) -> None:
    from carecoord.caseload import impact

    v2 = RuleSet.from_toml(
        SAMPLE.read_text()
        .replace('version = "1.0.0"', 'version = "2.0.0"')
        .replace('points = 3, reason = "EFI_SEVERE"', 'points = 6, reason = "EFI_SEVERE"')
    )
    rows = [
        {"patient_id": "A", "age": 86, "efi_deficits": 14, "last_contact": TODAY, "safeguarding_flag": False},
        {"patient_id": "B", "age": 60, "efi_deficits": 2, "last_contact": TODAY, "safeguarding_flag": False},
    ]
    report = impact(rules, v2, rows, today=TODAY)
    assert (report.patients, report.moved) == (2, 1)
    assert ("medium", "high", 1) in report.matrix and ("low", "low", 1) in report.matrix
    assert report.rules[0] == {"rule_id": "efi", "change": "changed", "moved_patients": 1, "all_patients": 1}
    assert repr(report) == "ImpactReport(patients=2, moved=1)"
