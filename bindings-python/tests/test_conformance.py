"""Runs every cross-language conformance vector in tests/conformance/ through the
Python API. The Rust core and the Kotlin bindings run the same files."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

import pytest

import carecoord
from carecoord import careplan as cp
from carecoord.caseload import RuleSet
from carecoord.conflicts import Diary
from carecoord.ids import NhsNumber
from carecoord.routing import Directory
from carecoord.time import (
    WorkingCalendar,
    bank_holidays,
    from_london,
    is_bank_holiday,
    lookup_london,
    to_london,
)

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "conformance"
CASE_KEYS = {"id", "description", "op", "input", "expect", "error"}


def _instant(t: datetime) -> str:
    offset = t.utcoffset()
    assert offset is not None and offset.total_seconds() == 0
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _calendar(inp: dict[str, Any]) -> WorkingCalendar:
    return WorkingCalendar(inp.get("closures", []))


def _rules(inp: dict[str, Any]) -> RuleSet:
    if "rules" in inp:
        return RuleSet.from_toml(ROOT / inp["rules"])
    return RuleSet.from_toml(inp["rules_toml"])


def _evaluate(inp: dict[str, Any]) -> dict[str, Any]:
    p = _rules(inp).evaluate(inp["row"], today=inp["today"])
    return {"score": p.score, "tier": p.tier, "reasons": [r.code for r in p.reasons]}


def _run_tests(inp: dict[str, Any]) -> dict[str, Any]:
    outcomes = _rules(inp).run_tests()
    passed = sum(o.passed for o in outcomes)
    return {"passed": passed, "failed": len(outcomes) - passed}


def _directory(inp: dict[str, Any]) -> Directory:
    if "directory" in inp:
        return Directory.from_toml(ROOT / inp["directory"])
    return Directory.from_toml(inp["directory_toml"])


def _route(inp: dict[str, Any]) -> dict[str, Any]:
    ref = dict(inp["referral"])
    ref.update(ref.pop("extra"))
    r = _directory(inp).route(ref)
    return {
        "outcome": r.outcome,
        "escalate_now": r.escalate_now,
        "matches": [
            {
                "rank": m.rank,
                "service_id": m.service_id,
                "route": m.route,
                "matched_needs": m.matched_needs,
                "referral_code": m.referral_code,
                "escalate": m.escalate,
                "consent_basis": m.consent_basis,
            }
            for m in r.matches
        ],
        "excluded": {e["service_id"]: [x["code"] for x in e["reasons"]] for e in r.excluded},
        "unmet_needs": r.unmet_needs,
        "day": r.day.isoformat(),
    }


def _diary(inp: dict[str, Any]) -> Diary:
    d = Diary(speed_kmh=inp["speed_kmh"], buffer_min=inp["buffer_min"])
    for loc in inp["locations"]:
        hours = {day: [tuple(w) for w in ws] for day, ws in loc["hours"].items()} if "hours" in loc else None
        d.add_location(loc["id"], loc["lat"], loc["lon"], hours=hours, closures=loc.get("closures", []))
    for r in inp["resources"]:
        d.add_resource(r["id"], kind=r["kind"], capacity=r["capacity"])
    for a in inp["diary"]:
        d.add(a)
    return d


def _check(inp: dict[str, Any]) -> dict[str, Any]:
    found = _diary(inp).check(inp["appointment"])
    return {"conflicts": [
        {"kind": c.kind, "severity": c.severity, "others": c.others, "resource": c.resource} for c in found
    ]}


def _find_all(inp: dict[str, Any]) -> dict[str, Any]:
    return {"pairs": [[k, a, b, r] for k, _, a, b, r in _diary(inp).find_all()]}


def _plan(inp: dict[str, Any]) -> cp.PlanHistory:
    """Runs the vector's steps: each a change (JSON, as the core writes it),
    made on the current version unless the step says otherwise."""
    h = cp.PlanHistory(inp["plan_id"])
    for step in inp["steps"]:
        actor = step.get("actor", {"role": "care_coordinator"})
        h.execute(
            cp.Change.from_json(json.dumps(step["change"])),
            version=step.get("version", h.version),
            actor=cp.Actor(actor["role"], actor.get("organisation")),
            at=step["at"],
            reason=step.get("reason"),
        )
    return h


def _current(h: cp.PlanHistory) -> cp.CarePlan:
    plan = h.plan
    assert plan is not None
    return plan


def _plan_summary(inp: dict[str, Any]) -> dict[str, Any]:
    p = _current(_plan(inp))
    return {
        "version": p.version,
        "status": p.status,
        "goals": [[g.id, g.lifecycle] for g in p.goals],
        "actions": [[a.id, a.status] for a in p.actions],
        "consents": [[c.id, c.withdrawn is not None] for c in p.consents],
        "disclosures": [[d.recipient.kind, d.basis, d.sections] for d in p.disclosures],
    }


def _recipient(inp: dict[str, Any]) -> cp.Recipient:
    return cp.Recipient(inp["recipient"]["kind"], inp["recipient"]["id"])


def _can_share(inp: dict[str, Any]) -> dict[str, Any]:
    d = cp.can_share(_current(_plan(inp)), _recipient(inp), inp["purpose"], inp["at"])
    return {"allowed": d.allowed, "reason": d.reason, "basis": d.basis, "sections": d.sections}


def _share(inp: dict[str, Any]) -> dict[str, Any]:
    h = _plan(inp)
    v = h.share(
        _recipient(inp), inp["purpose"], version=h.version, actor="care_coordinator", at=inp["at"], reason=inp.get("reason")
    )
    return {
        "disclosure_version": v.disclosure_version,
        "sections": v.sections,
        "actions": None if v.actions is None else [a.id for a in v.actions],
        "risks": None if v.risks is None else [r.id for r in v.risks],
        "next_review": None if v.next_review is None else v.next_review.isoformat(),
    }


def _review(inp: dict[str, Any]) -> dict[str, Any]:
    s = cp.review_status(_current(_plan(inp)), inp["at"], inp["soon_working_days"])
    return {
        "state": s.state,
        "due": None if s.due is None else s.due.isoformat(),
        "working_days_overdue": s.working_days_overdue,
    }


def _activity(inp: dict[str, Any]) -> dict[str, Any]:
    records = cp.activity(_plan(inp))
    return {
        "records": [[r.date.isoformat(), r.key, r.code] for r in records],
        "counts": [
            [c.period_start.isoformat(), c.code, c.key, c.count] for c in cp.aggregate(records, inp["period"])
        ],
    }


def _from_json(inp: dict[str, Any]) -> dict[str, Any]:
    p = _current(cp.PlanHistory.from_json(inp["json"]))
    return {"version": p.version, "status": p.status}


# Inputs go in as the ISO text of the vectors, so that the library's own
# parser (and its typed errors) does the checking, as in Rust and Kotlin.
OPS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "nhs_number.parse": lambda i: (
        lambda n: {"digits": n.digits(), "formatted": n.formatted()}
    )(NhsNumber(i["text"])),
    "time.to_london": lambda i: (
        lambda t: {
            "local": t.local.strftime("%Y-%m-%dT%H:%M:%S"),
            "offset_seconds": t.offset_seconds,
            "abbreviation": t.abbreviation,
        }
    )(to_london(i["instant"])),
    "time.from_london": lambda i: {"instant": _instant(from_london(i["local"], i["disambiguation"]))},
    "time.lookup_london": lambda i: (
        lambda r: {"kind": r.kind, "instants": [_instant(t) for t in r.instants]}
    )(lookup_london(i["local"])),
    "time.bank_holidays": lambda i: {
        "holidays": [
            {"date": h.date.isoformat(), "key": h.key, "substitute": h.substitute}
            for h in bank_holidays(i["year"])
        ]
    },
    "time.is_bank_holiday": lambda i: {
        "holiday": (lambda h: h.key if h else None)(is_bank_holiday(i["date"]))
    },
    "time.add_working_days": lambda i: {
        "date": _calendar(i).add_working_days(i["date"], i["days"]).isoformat()
    },
    "time.next_working_day": lambda i: {"date": _calendar(i).next_working_day(i["date"]).isoformat()},
    "time.is_working_day": lambda i: {"working": _calendar(i).is_working_day(i["date"])},
    "time.working_days_between": lambda i: {
        "days": _calendar(i).working_days_between(i["start"], i["end"])
    },
    "caseload.evaluate": _evaluate,
    "caseload.load": lambda i: {"rules": _rules(i).rule_ids},
    "caseload.run_tests": _run_tests,
    "conflicts.check": _check,
    "conflicts.find_all": _find_all,
    "routing.load": lambda i: {"services": _directory(i).service_ids},
    "routing.route": _route,
    "careplan.run": _plan_summary,
    "careplan.can_share": _can_share,
    "careplan.share": _share,
    "careplan.review": _review,
    "careplan.activity": _activity,
    "careplan.from_json": _from_json,
}

# Each error kind is raised as an exception of this class (or a subclass).
KIND_CLASS = {
    "invalid_input": carecoord.InvalidInput,
    "local_time": carecoord.LocalTimeError,
    "out_of_range": carecoord.OutOfRange,
    "invalid_rules": carecoord.RuleError,
    "conflict": carecoord.StaleVersion,
    "denied": carecoord.ShareDenied,
    "storage": carecoord.StorageError,
}


def _cases() -> list[Any]:
    files = sorted(VECTORS.glob("*.json"))
    assert files, f"no conformance vectors in {VECTORS}"
    cases = []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert set(data) == {"description", "cases"}, path
        for case in data["cases"]:
            assert set(case) <= CASE_KEYS, (path, case["id"])
            cases.append(pytest.param(case, id=f"{path.stem}/{case['id']}"))
    return cases


@pytest.mark.parametrize("case", _cases())
def test_vector(case: dict[str, Any]) -> None:
    run = OPS[case["op"]]
    if "expect" in case:
        assert run(case["input"]) == case["expect"]
    else:
        expected = case["error"]
        with pytest.raises(carecoord.CarecoordError) as raised:
            run(case["input"])
        assert raised.value.code == expected["code"]
        assert raised.value.kind == expected["kind"]
        assert isinstance(raised.value, KIND_CLASS[expected["kind"]])
        if "line" in expected:
            assert isinstance(raised.value, carecoord.RuleError)
            assert (raised.value.line, raised.value.col) == (expected["line"], expected["column"])
