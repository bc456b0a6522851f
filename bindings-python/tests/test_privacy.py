"""The privacy sweep: a marker planted in every text field and identifier
of every input, through every capability, wrong in every way the API lets a
caller be wrong. No error's message, repr or args, and no object's repr,
may carry it (HAZ-018: special-category data stays out of logs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import carecoord
from carecoord import careplan as cp
from carecoord.caseload import RuleSet
from carecoord.conflicts import Diary
from carecoord.ids import NhsNumber
from carecoord.routing import Directory
from carecoord.time import from_london, is_bank_holiday, to_london

MARK = "ZQXMARK"
ROOT = Path(__file__).resolve().parents[2]
UTC = timezone.utc
AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

# Free text a person might type where something else belongs: a name, a
# sentence, a phone number, a word with punctuation. (Text with the shape of
# an id, 1-64 letters, digits or -_.:, may be repeated where an id belongs.)
TEXTS = [f"Mrs {MARK} Smith", f"{MARK} lives at 12 High St", f"07700 {MARK}", f"{MARK}!"]


def shown(error: BaseException) -> str:
    """Everything an error shows: message, repr, args and attributes, and
    what it was raised from."""
    parts = [str(error), repr(error), repr(error.args)]
    parts += [repr(v) for k, v in vars(error).items() if not k.startswith("__")] if hasattr(error, "__dict__") else []
    for linked in (error.__cause__, error.__context__):
        if linked is not None:
            parts.append(shown(linked))
    return "\n".join(parts)


def refuses_without_the_text(call: Callable[[], Any]) -> None:
    # Any refusal will do here (which error, and its code, is the error
    # contract's business); what it shows must not carry the text.
    with pytest.raises(Exception) as raised:
        call()
    text = shown(raised.value)
    assert MARK not in text, text


@pytest.mark.parametrize("text", TEXTS)
def test_ids_and_time(text: str) -> None:
    refuses_without_the_text(lambda: NhsNumber(text))
    refuses_without_the_text(lambda: to_london(text))
    refuses_without_the_text(lambda: from_london(text))
    refuses_without_the_text(lambda: is_bank_holiday(text))


@pytest.mark.parametrize("text", TEXTS)
def test_caseload(text: str) -> None:
    rules = RuleSet.from_toml(ROOT / "examples" / "rules" / "frailty_priority.toml")
    row: dict[str, Any] = {"patient_id": "p1", "age": 80, "safeguarding_flag": False}
    for field in ["age", "efi_deficits", "lives_alone", "last_discharge", "pam_score", "safeguarding_flag"]:
        refuses_without_the_text(lambda: rules.evaluate({**row, field: text}))
    refuses_without_the_text(lambda: RuleSet.from_toml(f'[ruleset]\nname = "{text}"\nbad = 1\n'))


@pytest.mark.parametrize("text", TEXTS)
def test_routing(text: str) -> None:
    d = Directory.from_toml(ROOT / "examples" / "routing" / "directory.toml")
    base: dict[str, Any] = {
        "id": "R1", "age": 79, "sex": "female", "district": "LS6", "pcn": "U00001", "practice": "B00001",
        "needs": ["loneliness"], "urgency": "routine", "consent": "given", "at": AT,
    }
    for field in ["age", "sex", "district", "pcn", "practice", "urgency", "consent", "at", "lives_alone"]:
        refuses_without_the_text(lambda: d.route({**base, field: text}))
    refuses_without_the_text(lambda: d.route({**base, "needs": [text]}))
    refuses_without_the_text(lambda: d.route({**base, text: True}))


@pytest.mark.parametrize("text", TEXTS)
def test_conflicts(text: str) -> None:
    d = Diary()
    d.add_location("surgery", 53.8, -1.55)
    d.add_resource("dr_a")
    base: dict[str, Any] = {"id": "A1", "patient": "p1", "location": "surgery",
                            "start": AT, "end": AT + timedelta(minutes=30)}
    for field, value in [("location", text), ("resources", [text]), ("start", text), ("end", text),
                         ("status", text), ("travel_mode", text), ("service_type", 7)]:
        refuses_without_the_text(lambda: d.check({**base, field: value}))
    d.add(base)
    refuses_without_the_text(lambda: d.add({**base, "patient": text}))  # the id is taken
    refuses_without_the_text(lambda: d.check_series(base, f"FREQ=WEEKLY;BYDAY={text}"))
    refuses_without_the_text(lambda: d.check_series(base, f"FREQ={text}"))
    refuses_without_the_text(lambda: d.check_series(base, f"{text}=1"))


@pytest.mark.parametrize("text", TEXTS)
def test_careplan(text: str, tmp_path: Path) -> None:
    h = cp.PlanHistory("plan-1")
    h.execute(cp.Change.create("local-1"), version=0, actor="care_coordinator", at=AT)
    def run(change: cp.Change) -> cp.CarePlan:
        return h.execute(change, version=h.version, actor="care_coordinator", at=AT)

    for change in [
        cp.Change.update_goal(text, lifecycle="active"),
        cp.Change.update_action(text, status="completed"),
        cp.Change.remove_risk(text),
        cp.Change.remove_support_person(text),
        cp.Change.withdraw_consent(text),
        cp.Change.link_referral(text, "ref-1"),
        cp.Change.link_appointment(text, "appt-1"),
        cp.Change.add_action("x", "gp", goals=[text]),
        cp.Change.set_action_sharing(text),
        cp.Change.set_risk_actions(text, []),
        cp.Change.set_registered_practice(text),
    ]:
        refuses_without_the_text(lambda: run(change))
    store = cp.MemoryStore()
    refuses_without_the_text(lambda: store.load(text))
    refuses_without_the_text(
        lambda: store.execute(text, cp.Change.create("p"), version=0, actor="care_coordinator", at=AT)
    )
    for doc in [f'{{"type": "{text}"}}', f'{{"type": "remove_risk", "id": "r", "{text}": 1}}',
                f'{{"type": "change_status", "to": "{text}"}}']:
        refuses_without_the_text(lambda: cp.Change.from_json(doc))
    refuses_without_the_text(lambda: cp.PlanHistory.from_json(h.to_json().replace('"create"', f'"{text}"')))
    refuses_without_the_text(lambda: cp.Recipient(text, "x"))  # type: ignore[arg-type]
    refuses_without_the_text(lambda: cp.Change.change_status(text))  # type: ignore[arg-type]


def test_reprs_hold_no_text() -> None:
    h = cp.PlanHistory("plan-1")
    def run(change: cp.Change) -> cp.CarePlan:
        return h.execute(change, version=h.version, actor="care_coordinator", at=AT)

    run(cp.Change.create(MARK))
    run(cp.Change.set_what_matters([MARK]))
    run(cp.Change.add_goal(MARK))
    run(cp.Change.add_risk(MARK, MARK))
    run(cp.Change.add_support_person(MARK, "child", "main_carer", contact=MARK))
    plan = h.plan
    assert plan is not None
    objects: list[Any] = [h, plan, *h.events, *plan.goals, *plan.risks, *plan.support_network]
    objects += [cp.Change.add_goal(MARK), cp.Change.set_what_matters([MARK])]
    for o in objects:
        assert MARK not in repr(o), repr(o)


def surrogate_calls(bad: str) -> list[Callable[[], Any]]:
    """Calls that take text in a parameter, a mapping value, a mapping key or
    a list item, each given text with a lone surrogate."""
    rules = RuleSet.from_toml(ROOT / "examples/rules/frailty_priority.toml")
    directory = Directory.from_toml(ROOT / "examples/routing/directory.toml")
    diary = Diary()
    appt = {"id": "A1", "patient": "p1", "start": "2026-11-23T10:00:00Z", "end": "2026-11-23T10:30:00Z"}
    referral = {"id": "R1", "age": 80, "sex": "female", "district": "LS6", "needs": ["loneliness"],
                "urgency": "routine", "consent": "given", "at": AT}
    return [
        lambda: NhsNumber(bad),
        lambda: cp.PlanHistory(bad),
        lambda: cp.Change.from_json(bad),
        lambda: cp.Change.add_goal(bad),
        lambda: cp.Change.add_action("Call", "care_coordinator", goals=[bad]),
        lambda: cp.Change.add_action("Call", bad),
        lambda: from_london(bad),
        lambda: diary.add_resource(bad),
        lambda: diary.add({**appt, "patient": bad}),
        lambda: diary.add({**appt, "resources": [bad]}),
        lambda: diary.add_location("s", 53.8, -1.5, hours={bad: [("08:00", "18:00")]}),
        lambda: rules.evaluate({"patient_id": bad, "age": 80}),
        lambda: directory.route({**referral, "district": bad}),
        lambda: directory.route({**referral, bad: 1}),
        lambda: directory.route({**referral, "needs": [bad]}),
    ]


def test_surrogates_are_typed_errors_without_the_text() -> None:
    # A lone surrogate cannot be UTF-8: it must not escape as a bare
    # UnicodeEncodeError carrying the whole string, wherever the text is.
    bad = f"{MARK}\ud800"
    for call in surrogate_calls(bad):
        with pytest.raises(carecoord.CarecoordError) as raised:
            call()
        assert raised.value.code == "argument.invalid_text", raised.value
        assert MARK not in shown(raised.value)
