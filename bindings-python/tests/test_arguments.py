# This file passes values of the wrong type on purpose.
# mypy: disable-error-code="arg-type,dict-item,list-item,call-overload"
"""The error contract at the language boundary (issue 15, item 14): whatever
a caller passes, a refusal is a carecoord error with a stable ``code`` from
the catalogue, never a bare ``OverflowError``, ``TypeError`` or
``UnicodeEncodeError``. The parameter's name is in the exception's notes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import carecoord
from carecoord import careplan as cp
from carecoord.caseload import RuleRegistry, RuleSet
from carecoord.conflicts import Diary
from carecoord.routing import Directory, DirectoryRegistry
from carecoord.time import WorkingCalendar, bank_holidays, from_london

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
RULES = RuleSet.from_toml(ROOT / "examples/rules/frailty_priority.toml")
DIRECTORY = Directory.from_toml(ROOT / "examples/routing/directory.toml")
CATALOGUE = {code for code, _ in carecoord.error_catalogue()}
APPT = {"id": "A1", "patient": "p1", "start": "2026-11-23T10:00:00Z", "end": "2026-11-23T10:30:00Z"}
REFERRAL = {
    "id": "R1", "age": 80, "sex": "female", "district": "LS6", "needs": ["loneliness"],
    "urgency": "routine", "consent": "given", "at": AT,
}
ROW = {"patient_id": "P1", "age": 80, "efi_deficits": 4, "last_contact": "2026-11-01", "safeguarding_flag": False}


def diary() -> Diary:
    d = Diary()
    d.add_location("surgery", 53.8, -1.5)
    d.add_resource("dr_a")
    return d


# (what is wrong, the call, the code it must raise)
CASES: list[tuple[str, Callable[[], Any], str]] = [
    ("year past i32", lambda: bank_holidays(2**31), "argument.out_of_range"),
    ("year not an int", lambda: bank_holidays("2026"), "argument.wrong_type"),
    ("working days past i32", lambda: WorkingCalendar().add_working_days(date(2026, 1, 5), 2**63 - 1), "argument.out_of_range"),
    ("capacity past u32", lambda: diary().add_resource("room_1", kind="room", capacity=2**40), "argument.out_of_range"),
    ("negative capacity", lambda: diary().add_resource("room_1", capacity=-1), "argument.out_of_range"),
    ("unknown resource kind", lambda: diary().add_resource("x", kind="desk"), "appointment.invalid_value"),
    ("negative suggestion count", lambda: diary().suggest(APPT, after=AT, n=-1), "argument.out_of_range"),
    ("float suggestion count", lambda: diary().suggest(APPT, after=AT, n=2.5), "argument.wrong_type"),
    ("suggestion window not HH:MM", lambda: diary().suggest(APPT, after=AT, earliest="8am"), "time.invalid_format"),
    ("latitude too large for a float", lambda: diary().add_location("s", 10**400, 0.0), "argument.number_too_large"),
    ("latitude as text", lambda: diary().add_location("s", "53.8", 0.0), "argument.wrong_type"),
    ("opening day not a day", lambda: diary().add_location("s", 53.8, -1.5, hours={"funday": [("08:00", "18:00")]}), "time.unknown_word"),
    ("opening time not HH:MM", lambda: diary().add_location("s", 53.8, -1.5, hours={"mon": [("8", "18:00")]}), "time.invalid_format"),
    ("opening window closes first", lambda: diary().add_location("s", 53.8, -1.5, hours={"mon": [("18:00", "08:00")]}), "appointment.invalid_setup"),
    ("opening window not a pair", lambda: diary().add_location("s", 53.8, -1.5, hours={"mon": ["08:00"]}), "argument.wrong_type"),
    ("hours not a mapping", lambda: diary().add_location("s", 53.8, -1.5, hours=[("mon", "08:00")]), "argument.wrong_type"),
    ("appointment not a mapping", lambda: diary().add(["A1"]), "argument.wrong_type"),
    ("appointment without start", lambda: diary().add({k: v for k, v in APPT.items() if k != "start"}), "argument.missing"),
    ("appointment id not text", lambda: diary().add({**APPT, "id": 7}), "argument.wrong_type"),
    ("resources as one text", lambda: diary().add({**APPT, "resources": "dr_a"}), "argument.wrong_type"),
    ("bool flag as text", lambda: diary().add_location("s", 53.8, -1.5, open_bank_holidays="yes"), "argument.wrong_type"),
    ("age past i64", lambda: RULES.evaluate({**ROW, "age": 2**63}, today=date(2026, 11, 23)), "argument.out_of_range"),
    ("age as text", lambda: RULES.evaluate({**ROW, "age": "x"}, today=date(2026, 11, 23)), "record.wrong_type"),
    ("row value of no field type", lambda: RULES.evaluate({**ROW, "age": object()}, today=date(2026, 11, 23)), "argument.wrong_type"),
    ("row not a mapping", lambda: RULES.evaluate([("age", 80)]), "argument.wrong_type"),
    ("rules neither text nor a path", lambda: RuleSet.from_toml(42), "argument.wrong_type"),
    ("impact with a non-rule set", lambda: carecoord.caseload.impact(RULES, "v2", []), "argument.wrong_type"),
    ("referral not a mapping", lambda: DIRECTORY.route("R1"), "argument.wrong_type"),
    ("referral without at", lambda: DIRECTORY.route({k: v for k, v in REFERRAL.items() if k != "at"}), "record.missing_field"),
    ("referral age past i64", lambda: DIRECTORY.route({**REFERRAL, "age": 2**64}), "argument.out_of_range"),
    ("referral age as text", lambda: DIRECTORY.route({**REFERRAL, "age": "eighty"}), "record.wrong_type"),
    ("referral needs as text", lambda: DIRECTORY.route({**REFERRAL, "needs": "loneliness"}), "record.wrong_type"),
    ("referral sex not a word", lambda: DIRECTORY.route({**REFERRAL, "sex": "f"}), "referral.invalid_value"),
    ("referral key not text", lambda: DIRECTORY.route({**REFERRAL, 3: "x"}), "argument.wrong_type"),
    ("review every N weeks and on a date", lambda: cp.Change.set_review_schedule(every_weeks=4, on=date(2027, 1, 4)), "careplan.invalid_value"),
    ("review weeks past u32", lambda: cp.Change.set_review_schedule(every_weeks=2**32), "argument.out_of_range"),
    ("scope word unknown", lambda: cp.Change.record_consent(("carer", "c1"), scope="everything"), "careplan.unknown_word"),
    ("plan version negative", lambda: cp.PlanHistory("plan-1").execute(cp.Change.add_goal("Walk"), version=-1, actor="care_coordinator", at=AT), "argument.out_of_range"),
    ("change not a Change", lambda: cp.PlanHistory("plan-1").execute("add_goal", version=0, actor="care_coordinator", at=AT), "argument.wrong_type"),
    ("actor neither a role nor an Actor", lambda: cp.PlanHistory("plan-1").execute(cp.Change.add_goal("Walk"), version=0, actor=3, at=AT), "argument.wrong_type"),
    ("instant of no kind", lambda: cp.PlanHistory("plan-1").execute(cp.Change.add_goal("Walk"), version=0, actor="care_coordinator", at=3), "argument.wrong_type"),
    ("wall time of no kind", lambda: from_london(3), "argument.wrong_type"),
    ("date given a datetime", lambda: WorkingCalendar().is_working_day(AT), "argument.wrong_type"),
    ("duplicate rule-set version", lambda: _twice(RuleRegistry(), RULES), "registry.duplicate_version"),
    ("duplicate directory version", lambda: _twice(DirectoryRegistry(), DIRECTORY), "registry.duplicate_version"),
]


def _twice(registry: Any, version: Any) -> None:
    registry.add(version)
    registry.add(version)


@pytest.mark.parametrize("call,code", [(c, k) for _, c, k in CASES], ids=[w for w, _, _ in CASES])
def test_every_refusal_has_a_catalogued_code(call: Callable[[], Any], code: str) -> None:
    with pytest.raises(carecoord.CarecoordError) as raised:
        call()
    assert raised.value.code == code, raised.value
    assert code in CATALOGUE


def test_the_parameter_is_named_in_a_note() -> None:
    with pytest.raises(carecoord.OutOfRange) as raised:
        bank_holidays(2**31)
    assert raised.value.__notes__ == ["while processing 'year'"]
    assert str(raised.value) == "the number must be between -2147483648 and 2147483647"


def test_a_wrong_type_is_still_a_type_error() -> None:
    # Callers who catch TypeError for a value of the wrong type keep working.
    with pytest.raises(TypeError) as raised:
        DIRECTORY.route("R1")
    assert isinstance(raised.value, carecoord.WrongType)
    assert raised.value.kind == "invalid_input"


def test_a_mapping_key_is_named_in_field() -> None:
    with pytest.raises(carecoord.WrongType) as raised:
        diary().add({**APPT, "patient": 7})
    assert raised.value.field == "patient"
    assert str(raised.value) == "`patient`: expected text"


def test_numpy_style_integers_are_taken() -> None:
    # Anything with __index__ is a whole number.
    class Index:
        def __index__(self) -> int:
            return 2027

    assert len(bank_holidays(Index())) == 8
