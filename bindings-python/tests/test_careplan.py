"""carecoord.careplan from Python: commands and history, lifecycle, optimistic
concurrency, consent-governed sharing, reviews, templates, activity, stores."""

from __future__ import annotations

import datetime as dt
import pathlib
import threading

import pytest

from carecoord import careplan as cp
from carecoord.exceptions import (
    CarecoordError,
    CorruptRecord,
    InvalidCarePlan,
    InvalidTransition,
    ShareDenied,
    StaleVersion,
    UnsupportedSchemaVersion,
)

UTC = dt.timezone.utc
AT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CC = "care_coordinator"


def run(h: cp.PlanHistory, *changes: cp.Change, at: dt.datetime = AT) -> cp.CarePlan:
    plan = None
    for change in changes:
        plan = h.execute(change, version=h.version, actor=CC, at=at)
    assert plan is not None
    return plan


def agreed(marker: str = "") -> cp.PlanHistory:
    h = cp.PlanHistory("plan-1")
    run(
        h,
        cp.Change.create(f"{marker}patient"),
        cp.Change.set_what_matters([f"{marker}staying at home", f"{marker}singing group"]),
        cp.Change.add_support_person(
            f"{marker}daughter", "child", "main_carer", contact=f"{marker}07700 900123"
        ),
        cp.Change.add_goal(f"{marker}singing weekly", target=dt.date(2027, 2, 22)),
        cp.Change.add_action(
            f"{marker}transport referral", cp.Actor("service", "svc-transport"), due="2026-12-04", goals=["goal-1"]
        ),
        cp.Change.add_action(f"{marker}medicines review", "pharmacist", due=dt.date(2026, 12, 11)),
        cp.Change.add_risk(f"{marker}falls", f"{marker}press the pendant alarm"),
        cp.Change.set_review_schedule(every_weeks=12),
        cp.Change.change_status("active"),
        cp.Change.link_referral("action-1", "ref-1"),
        cp.Change.link_appointment("action-2", "appt-1"),
    )
    return h


def test_a_plan_is_the_fold_of_its_events() -> None:
    h = agreed()
    plan = h.plan
    assert plan is not None
    assert (plan.status, plan.version, len(h)) == ("active", 11, 11)
    assert [g.id for g in plan.goals] == ["goal-1"]
    assert plan.goals[0].lifecycle == "active"
    assert plan.actions[0].owner == cp.Actor("service", "svc-transport")
    assert plan.actions[0].referrals == ["ref-1"]
    assert plan.actions[1].status == "scheduled"
    assert plan.agreed == AT
    assert plan.review_every_weeks == 12 and plan.review_on is None
    assert [e.kind for e in h.events][:3] == ["create", "set_what_matters", "add_support_person"]
    assert h.events[3].change == cp.Change.add_goal("x", id="goal-1") or h.events[3].kind == "add_goal"
    again = cp.PlanHistory.from_json(h.to_json())
    assert again.plan == plan
    assert again.to_json() == h.to_json()
    assert plan.to_json() == cp.CarePlan.from_json(plan.to_json()).to_json()
    first = h.plan_at(1)
    assert first is not None and first.status == "draft"


def test_decide_appends_nothing() -> None:
    h = agreed()
    event = h.decide(cp.Change.add_goal("walk"), version=h.version, actor=CC, at=AT)
    assert (event.version, event.kind, len(h)) == (12, "add_goal", 11)
    assert event.change.to_json() == '{"type":"add_goal","id":"goal-2","description":"walk"}'


def test_lifecycle_errors_name_from_and_to() -> None:
    h = agreed()
    with pytest.raises(InvalidTransition) as e:
        run(h, cp.Change.change_status("draft"))
    assert (e.value.code, e.value.from_status, e.value.to_status, e.value.plan) == (
        "careplan.invalid_transition",
        "active",
        "draft",
        "plan-1",
    )
    with pytest.raises(InvalidCarePlan) as r:
        run(h, cp.Change.change_status("revoked"))
    assert r.value.code == "careplan.reason_required"
    h.execute(cp.Change.change_status("revoked"), version=h.version, actor=CC, at=AT, reason="moved away")
    with pytest.raises(InvalidCarePlan) as c:
        run(h, cp.Change.add_goal("late"))
    assert c.value.code == "careplan.plan_closed"
    assert isinstance(c.value, ValueError)


def test_a_stale_version_writes_nothing() -> None:
    h = agreed()
    with pytest.raises(StaleVersion) as e:
        h.execute(cp.Change.set_strengths(["x"]), version=3, actor=CC, at=AT)
    assert (e.value.expected, e.value.actual, e.value.kind) == (3, 11, "conflict")
    assert h.version == 11


def test_bad_words_and_dates_are_typed_errors() -> None:
    with pytest.raises(InvalidCarePlan) as e:
        cp.Change.add_action("x", "surgeon")
    assert e.value.code == "careplan.unknown_word"
    assert "care_coordinator" in str(e.value)
    with pytest.raises(CarecoordError):
        cp.Change.add_goal("x", target="2026-02-30")
    with pytest.raises(TypeError):
        cp.PlanHistory("p").execute(
            cp.Change.create("x"), version=0, actor=CC, at=dt.datetime(2026, 11, 23, 10)
        )
    with pytest.raises(ValueError):
        cp.Change.set_review_schedule(every_weeks=4, on="2027-01-01")
    with pytest.raises(CorruptRecord):
        cp.Change.from_json('{"type": "fly"}')


def test_carers_need_consent_and_get_the_minimum_necessary_view() -> None:
    h = agreed()
    carer = cp.Recipient("carer", "person-1")
    plan = h.plan
    assert plan is not None
    d = cp.can_share(plan, carer, "carer_support", AT)
    assert (bool(d), d.reason) == (False, "no_consent")
    assert "not consented" in d.message
    with pytest.raises(ShareDenied) as e:
        run(h, cp.Change.share(carer, "carer_support"))
    assert e.value.reason == "no_consent" and isinstance(e.value, PermissionError)
    plan = run(
        h,
        cp.Change.record_consent(("carer", "person-1"), "whole_plan", end="2027-11-23T00:00:00Z"),
    )
    assert plan.consents[0].in_force(AT)
    view = h.share(carer, "carer_support", version=h.version, actor=CC, at=AT)
    plan = h.plan
    assert plan is not None and plan.disclosures[0].basis == "consent"
    assert view.disclosure_version == plan.version
    assert view.risks is None and view.reviews is None and view.support_network is None
    assert view.contingency == ["press the pendant alarm"]
    assert view.actions is not None and all(a.referrals == [] for a in view.actions)
    assert view.next_review == dt.date(2027, 2, 15)
    md = view.to_markdown()
    assert "## If things get worse" in md and "falls" not in md
    plan = run(h, cp.Change.withdraw_consent("consent-1"))
    assert cp.can_share(plan, carer, "carer_support", AT).reason == "consent_withdrawn"


def test_gp_direct_care_and_safeguarding() -> None:
    h = agreed()
    plan = h.plan
    assert plan is not None
    gp = cp.can_share(plan, ("gp_practice", "Y01234"), "direct_care", AT)
    assert (gp.allowed, gp.reason) == (False, "not_registered_practice")
    plan = run(h, cp.Change.set_registered_practice("Y01234"))
    assert plan.registered_practice == "Y01234"
    gp = cp.can_share(plan, ("gp_practice", "Y01234"), "direct_care", AT)
    assert (gp.allowed, gp.basis, gp.reason) == (True, "direct_care", "gp_direct_care")
    # Naming any other practice gets nothing.
    with pytest.raises(ShareDenied) as denied:
        h.share(("gp_practice", "any-id"), "direct_care", version=h.version, actor=CC, at=AT)
    assert denied.value.reason == "not_registered_practice"
    lead = cp.Recipient("safeguarding_lead", "sg-lead")
    before = h.version
    with pytest.raises(InvalidCarePlan) as e:
        h.share(lead, "safeguarding", version=h.version, actor=CC, at=AT)
    assert e.value.code == "careplan.reason_required" and h.version == before
    with pytest.raises(InvalidCarePlan):
        run(h, cp.Change.share(lead, "safeguarding"))
    view = h.share(lead, "safeguarding", version=h.version, actor=CC, at=AT, reason="concern")
    disclosure = h.events[-1].disclosure
    assert disclosure is not None and disclosure.basis == "safeguarding"
    assert (view.disclosure_version, view.basis) == (h.version, "safeguarding")


def test_a_store_share_is_recorded_all_or_nothing() -> None:
    store = cp.MemoryStore()
    store.create(agreed())
    run_on = store.load("plan-1")
    lead = ("safeguarding_lead", "sg-lead")
    with pytest.raises(StaleVersion):
        store.share("plan-1", lead, "safeguarding", version=1, actor=CC, at=AT, reason="concern")
    view = store.share("plan-1", lead, "safeguarding", version=run_on.version, actor=CC, at=AT, reason="concern")
    assert store.load("plan-1").version == view.disclosure_version == run_on.version + 1
    assert not hasattr(cp, "share_view")


def test_revoked_plans_and_empty_what_matters() -> None:
    h = agreed()
    with pytest.raises(InvalidCarePlan):
        run(h, cp.Change.set_what_matters([]))
    run(h, cp.Change.record_consent(("carer", "person-1"), "whole_plan"))
    h.execute(cp.Change.change_status("revoked"), version=h.version, actor=CC, at=AT, reason="withdrew")
    with pytest.raises(ShareDenied) as e:
        h.share(("carer", "person-1"), "carer_support", version=h.version, actor=CC, at=AT)
    assert e.value.reason == "plan_revoked"


def test_reviews_due_across_a_caseload() -> None:
    h = cp.PlanHistory("p-5")
    run(
        h,
        cp.Change.create("x"),
        cp.Change.set_what_matters(["home"]),
        cp.Change.add_goal("g"),
        cp.Change.set_review_schedule(every_weeks=5),
        cp.Change.change_status("active"),
    )
    plan = h.plan
    assert plan is not None
    # 28 Dec 2026 is the substitute Boxing Day bank holiday: moved to the 29th.
    assert cp.next_review(plan) == dt.date(2026, 12, 29)
    s = cp.review_status(plan, "2027-01-05T09:00:00Z")
    assert (s.state, s.working_days_overdue) == ("overdue", 4)
    other = agreed()
    run(other, cp.Change.set_review_schedule(), at=AT + dt.timedelta(hours=1))
    other_plan = other.plan
    assert other_plan is not None
    due = cp.reviews_due([other_plan, plan], "2027-01-05T09:00:00Z")
    assert [(d.plan_id, d.state) for d in due] == [("p-5", "overdue"), ("plan-1", "unscheduled")]


def test_templates_preview_before_anything_is_stored() -> None:
    assert [t.key for t in cp.Template.built_in()] == [
        "frailty",
        "dementia",
        "long_term_conditions",
        "post_discharge",
    ]
    store = cp.MemoryStore()
    preview = cp.Template.get("dementia").preview("plan-d", "local-3", actor=CC, at=AT)
    plan = preview.plan
    assert plan is not None and plan.status == "draft" and plan.template == "dementia"
    assert store.plan_ids() == []
    assert store.create(preview) == preview.version
    assert store.plan_ids() == ["plan-d"]
    text = cp.person_summary(plan)
    assert text.startswith("# My care and support plan")
    with pytest.raises(InvalidCarePlan):
        cp.Template.get("asthma")


def test_coded_activity_and_counts() -> None:
    h = agreed()
    run(
        h,
        cp.Change.record_review("revised"),
        cp.Change.record_activity("carer_contacted", "185317003"),
        at=dt.datetime(2026, 12, 2, 10, tzinfo=UTC),
    )
    records = cp.activity(h)
    assert [(r.key, r.code) for r in records] == [
        ("plan_agreed", "734163000"),
        ("referral_made", "3457005"),
        ("plan_reviewed", "425268008"),
        ("carer_contacted", "185317003"),
    ]
    counts = cp.aggregate(records, "month")
    assert [(c.period_start, c.key, c.count) for c in counts if c.key == "plan_agreed"] == [
        (dt.date(2026, 11, 1), "plan_agreed", 1)
    ]


def test_sqlite_store_round_trips_and_refuses_stale_writers(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "plans.sqlite"
    store = cp.SqliteStore(path)
    store.create(agreed())
    again = cp.SqliteStore(str(path))
    h = again.load("plan-1")
    assert h.version == 11
    event = again.execute("plan-1", cp.Change.set_strengths(["walks"]), version=11, actor=CC, at=AT)
    assert event.version == 12
    with pytest.raises(StaleVersion):
        store.execute("plan-1", cp.Change.set_strengths(["x"]), version=11, actor=CC, at=AT)
    assert [p.version for p in store.plans()] == [12]
    assert [r.state for r in store.reviews_due("2027-06-01T09:00:00Z")] == ["overdue"]


def test_no_lost_update_from_threads(tmp_path: pathlib.Path) -> None:
    store = cp.SqliteStore(tmp_path / "t.sqlite")
    store.create(agreed())
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                while True:
                    v = store.load("plan-1").version
                    try:
                        store.execute(
                            "plan-1", cp.Change.record_activity(f"t{n}_{i}", "185317003"), version=v, actor=CC, at=AT
                        )
                        break
                    except StaleVersion:
                        continue
        except BaseException as e:  # pragma: no cover - surfaced below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    h = store.load("plan-1")
    assert h.version == 11 + 40
    assert len({r.key for r in cp.activity(h) if r.key.startswith("t")}) == 40


def test_future_and_damaged_json_are_refused() -> None:
    text = agreed().to_json()
    with pytest.raises(UnsupportedSchemaVersion) as e:
        cp.PlanHistory.from_json(text.replace('"schema_version":2', '"schema_version":3', 1))
    assert e.value.code == "careplan.unsupported_schema_version"
    with pytest.raises(CorruptRecord):
        cp.PlanHistory.from_json(text[:-10])


def test_no_free_text_in_reprs_or_errors() -> None:
    mark = "ZQXMARK"
    h = agreed(mark)
    plan = h.plan
    assert plan is not None
    run(h, cp.Change.record_consent(("carer", "person-1"), "whole_plan"))
    plan = h.plan
    assert plan is not None
    shown = [repr(h), repr(plan), *map(repr, h.events), *map(repr, plan.goals), *map(repr, plan.actions)]
    shown += [*map(repr, plan.risks), *map(repr, plan.support_network), *map(repr, plan.consents)]
    shown.append(repr(h.share(("carer", "person-1"), "carer_support", version=h.version, actor=CC, at=AT)))
    for bad in [
        cp.Change.add_goal(" "),
        cp.Change.update_goal("goal-9", lifecycle="active"),
        cp.Change.change_status("draft"),
        cp.Change.share(("service", "svc-x"), "direct_care"),
    ]:
        with pytest.raises(CarecoordError) as e:
            h.execute(bad, version=h.version, actor=CC, at=AT, reason=mark)
        shown.append(str(e.value))
    with pytest.raises(CarecoordError) as e2:
        cp.PlanHistory.from_json(h.to_json().replace(f'"{mark}staying', f'{{"{mark}', 1))
    shown.append(str(e2.value))
    for text in shown:
        assert mark not in text, text


def test_reads_the_file_rust_wrote(tmp_path: pathlib.Path) -> None:
    fixture = pathlib.Path(__file__).parents[2] / "tests" / "fixtures" / "care_plans_v1.sqlite"
    copy = tmp_path / "plans.sqlite"
    copy.write_bytes(fixture.read_bytes())
    plan = cp.SqliteStore(copy).load("plan-demo-69").plan
    assert plan is not None
    assert (plan.version, plan.status, len(plan.goals)) == (22, "active", 3)
    assert plan.consents[0].recipient == cp.Recipient("carer", "daughter")
    assert cp.next_review(plan) == dt.date(2027, 1, 18)


def test_minimum_necessary_actions_and_risks() -> None:
    h = agreed()
    svc = ("service", "svc-transport")
    run(
        h,
        cp.Change.record_consent(("carer", "person-1"), "whole_plan"),
        cp.Change.record_consent(svc, "whole_plan"),
        cp.Change.set_action_sharing("action-2", shareable=True),
        cp.Change.set_risk_actions("risk-1", ["action-1"]),
    )
    plan = h.plan
    assert plan is not None
    assert (plan.actions[1].shareable, plan.actions[1].participants) == (True, [])
    assert plan.risks[0].actions == ["action-1"]
    carer = h.share(("carer", "person-1"), "carer_support", version=h.version, actor=CC, at=AT)
    assert carer.actions is not None and [a.id for a in carer.actions] == ["action-2"]
    service = h.share(svc, "direct_care", version=h.version, actor=CC, at=AT)
    assert service.risks is not None and [r.id for r in service.risks] == ["risk-1"]
    with pytest.raises(InvalidCarePlan) as e:
        run(h, cp.Change.set_action_sharing("action-1", ["person-9"]))
    assert e.value.code == "careplan.unknown_item"
