"""carecoord.conflicts from Python: a diary, and every clash in a table."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

import carecoord
from carecoord.conflicts import Diary, find_all

pa = pytest.importorskip("pyarrow")

UTC = timezone.utc


def at(day: int, h: int, m: int = 0) -> datetime:
    return datetime(2026, 11, day, h, m, tzinfo=UTC)


def appt(id: str, patient: str, start: datetime, minutes: int = 30, **kw: Any) -> dict[str, Any]:
    a: dict[str, Any] = {"id": id, "patient": patient, "location": "surgery", "start": start,
                         "end": start + timedelta(minutes=minutes)}
    a.update(kw)
    return a


@pytest.fixture
def diary() -> Diary:
    d = Diary(speed_kmh=30, buffer_min=10)
    weekdays = {day: [("08:00", "18:30")] for day in ["mon", "tue", "wed", "thu", "fri"]}
    d.add_location("surgery", 53.8008, -1.5491, hours=weekdays, closures=[date(2026, 11, 25)])
    d.add_location("hospital", 53.9, -1.55)
    d.add_resource("dr_a")
    d.add_resource("room_1", kind="room", capacity=2)
    return d


def test_every_clash_is_named(diary: Diary) -> None:
    diary.add(appt("A1", "p1", at(23, 10), resources=["dr_a"]))
    clashes = diary.check(appt("A2", "p1", at(23, 10, 15), resources=["dr_a"]))
    assert sorted((c.kind, c.others, c.resource) for c in clashes) == [
        ("patient_overlap", ["A1"], None),
        ("resource_overlap", ["A1"], "dr_a"),
    ]
    assert all(c.severity == "block" for c in clashes)
    assert "Mon 23 Nov 2026 10:00–10:30 GMT" in clashes[0].detail
    assert repr(clashes[0]).startswith("Conflict(kind=")
    # Touching is no clash; cancelled never clashes.
    assert diary.check(appt("A3", "p1", at(23, 10, 30), resources=["dr_a"])) == []
    assert diary.check(appt("A4", "p1", at(23, 10), status="cancelled")) == []
    assert len(diary) == 1


def test_travel_opening_hours_bank_holidays(diary: Diary) -> None:
    diary.add(appt("A1", "p1", at(23, 10)))
    c = diary.check(appt("A2", "p1", at(23, 10, 45), location="hospital"))
    assert [x.kind for x in c] == ["travel"]
    assert "15 min to get from `surgery`" in c[0].detail
    assert [x.kind for x in diary.check(appt("A3", "p2", at(23, 18, 15)))] == ["outside_opening_hours"]
    assert [x.kind for x in diary.check(appt("A3", "p2", at(25, 10)))] == ["outside_opening_hours"]
    xmas = datetime(2026, 12, 25, 10, tzinfo=UTC)
    assert [x.kind for x in diary.check(appt("A3", "p2", xmas))] == ["bank_holiday"]


def test_london_hours_across_dst(diary: Diary) -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    # 08:15 London time in summer is 07:15 UTC: open (the window is London time).
    summer = datetime(2026, 6, 15, 8, 15, tzinfo=london)
    assert diary.check(appt("S1", "p1", summer)) == []
    winter = datetime(2026, 1, 12, 7, 15, tzinfo=UTC)
    assert [x.kind for x in diary.check(appt("W1", "p1", winter))] == ["outside_opening_hours"]


def test_remove_and_find_all(diary: Diary) -> None:
    diary.add(appt("A1", "p1", at(23, 10)))
    diary.add(appt("A2", "p1", at(23, 10, 15)))
    diary.add(appt("A3", "p2", at(23, 20)))
    assert diary.find_all() == [
        ("patient_overlap", "block", "A1", "A2", None),
        ("outside_opening_hours", "block", "A3", None, None),
    ]
    diary.remove("A2")
    assert [k for k, *_ in diary.find_all()] == ["outside_opening_hours"]
    with pytest.raises(carecoord.InvalidAppointment) as e:
        diary.remove("A2")
    assert e.value.code == "appointment.unknown_appointment" and e.value.appointment == "A2"


def test_bad_appointments_raise_typed_errors(diary: Diary) -> None:
    with pytest.raises(carecoord.InvalidAppointment) as e:
        diary.check(appt("A1", "SECRET-PATIENT", at(23, 10), minutes=0))
    assert e.value.code == "appointment.end_not_after_start"
    assert e.value.appointment == "A1" and "SECRET" not in str(e.value)
    with pytest.raises(carecoord.InvalidAppointment) as e:
        diary.check(appt("A1", "p", at(23, 10), location="moon"))
    assert e.value.code == "appointment.unknown_location"
    with pytest.raises(carecoord.InvalidAppointment) as e:
        diary.check(appt("A1", "p", at(23, 10), resources=["dr_z"]))
    assert e.value.code == "appointment.unknown_resource"
    with pytest.raises(carecoord.InvalidAppointment) as e:
        diary.check(appt("A1", "p", at(23, 10), status="done"))
    assert e.value.code == "appointment.invalid_value"
    with pytest.raises(carecoord.NaiveDatetimeError):
        diary.check(appt("A1", "p", datetime(2026, 11, 23, 10)))
    diary.add(appt("A1", "p", at(23, 10)))
    with pytest.raises(carecoord.InvalidAppointment) as e:
        diary.add(appt("A1", "p", at(23, 12)))
    assert e.value.code == "appointment.duplicate_id"
    with pytest.raises(carecoord.InvalidAppointment):
        diary.add_location("x", 95.0, 0.0)
    with pytest.raises(ValueError):
        diary.add_resource("r", kind="spaceship")  # type: ignore[arg-type]


def _table(rows: list[dict[str, Any]]) -> Any:
    return pa.table({
        "id": [r["id"] for r in rows],
        "patient": [r["patient"] for r in rows],
        "resource": [r.get("resource") for r in rows],
        "location": [r.get("location") for r in rows],
        "lat": [r.get("lat") for r in rows],
        "lon": [r.get("lon") for r in rows],
        "start": pa.array([r["start"] for r in rows], pa.timestamp("us", tz="UTC")),
        "end": pa.array([r["end"] for r in rows], pa.timestamp("us", tz="UTC")),
    })


def test_find_all_table_matches_diary() -> None:
    surgery: dict[str, Any] = {"location": "surgery", "lat": 53.8008, "lon": -1.5491}
    hospital: dict[str, Any] = {"location": "hospital", "lat": 53.9, "lon": -1.55}
    rows: list[dict[str, Any]] = [
        {"id": "A1", "patient": "p1", "resource": "dr_a", "start": at(23, 10), "end": at(23, 10, 30), **surgery},
        {"id": "A2", "patient": "p2", "resource": "dr_a", "start": at(23, 10, 15), "end": at(23, 10, 45), **surgery},
        {"id": "A3", "patient": "p1", "resource": "dr_b", "start": at(23, 10, 45), "end": at(23, 11), **hospital},
        {"id": "A4", "patient": "p1", "resource": None, "start": at(23, 10, 50), "end": at(23, 11, 10), **hospital},
    ]
    out = find_all(_table(rows), speed_kmh=30, buffer_min=10)
    assert out.column_names == ["appt_a", "appt_b", "kind", "severity", "resource"]
    got = list(zip(*(out.column(c).to_pylist() for c in out.column_names)))
    assert got == [
        ("A3", "A4", "patient_overlap", "block", None),
        ("A1", "A2", "resource_overlap", "block", "dr_a"),
        ("A1", "A3", "travel", "block", None),
    ]
    d = Diary(speed_kmh=30, buffer_min=10)
    d.add_location("surgery", 53.8008, -1.5491)
    d.add_location("hospital", 53.9, -1.55)
    for r in ("dr_a", "dr_b"):
        d.add_resource(r)
    for row in rows:
        d.add({**row, "resources": [row["resource"]] if row["resource"] else []})
    assert [(a, b, k, s, res) for k, s, a, b, res in d.find_all()] == got
    pl = pytest.importorskip("polars")
    assert find_all(pl.from_arrow(_table(rows)), speed_kmh=30, buffer_min=10).equals(out)


def test_find_all_errors_name_column_and_appointment() -> None:
    rows = [{"id": "A1", "patient": "p1", "start": at(23, 11), "end": at(23, 10)}]
    with pytest.raises(carecoord.InvalidAppointment) as e:
        find_all(_table(rows))
    assert e.value.code == "appointment.end_not_after_start" and e.value.appointment == "A1"
    with pytest.raises(carecoord.InvalidAppointment) as e:
        find_all(_table(rows).drop_columns(["end"]))
    assert e.value.code == "appointment.invalid_column" and "end" in str(e.value)
    naive = _table(rows).set_column(6, "start", pa.array([datetime(2026, 11, 23, 9)], pa.timestamp("us")))
    with pytest.raises(carecoord.InvalidAppointment) as e:
        find_all(naive)
    assert "time zone" in str(e.value)


def test_constraints_carers_sequencing_and_booking(diary: Diary) -> None:
    diary.set_constraints("p1", max_per_day=1, unavailable=[(at(24, 13), at(24, 17))],
                          preferred={"mon": [("10:00", "12:00")]}, carer="c1")
    diary.add(appt("C1", "c1", at(23, 14), location="hospital"))
    diary.add(appt("A1", "p1", at(23, 10)))
    kinds = [(c.kind, c.severity) for c in diary.check(appt("A2", "p1", at(23, 14)))]
    assert kinds == [("patient_constraint", "block"), ("patient_constraint", "warn"), ("carer", "block")]
    assert [c.kind for c in diary.check(appt("A3", "p1", at(24, 14)))] == ["patient_constraint", "patient_constraint"]
    diary.add_sequence_rule("blood_test", "medication_review", 2, 14)
    review = diary.check(appt("R1", "p2", at(27, 10), service_type="medication_review"))
    assert [(c.kind, c.severity) for c in review] == [("sequencing", "warn")]
    with pytest.raises(carecoord.InvalidAppointment) as e:
        diary.book(appt("A4", "p1", at(23, 10, 15)))
    assert e.value.code == "appointment.blocked"
    with pytest.raises(carecoord.InvalidAppointment) as e:
        diary.book(appt("A4", "p1", at(23, 10, 15)), override_role="care_coordinator")
    assert e.value.code == "appointment.override_needs_reason"
    b = diary.book(appt("A4", "p1", at(23, 10, 15)), override_role="care_coordinator",
                   override_reason="joint visit agreed with the family")
    assert b.override_role == "care_coordinator" and [c.kind for c in b.conflicts][0] == "patient_overlap"
    assert repr(b) == f"Booking(conflicts={len(b.conflicts)}, overridden=True)"
    assert diary.book(appt("A5", "p3", at(26, 9))).conflicts == []
    with pytest.raises(carecoord.InvalidAppointment) as e:
        diary.set_constraints("p9", max_per_day=0)
    assert e.value.code == "appointment.invalid_constraint"


def test_series_suggestions_and_bundles(diary: Diary) -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    first = appt("S", "p1", datetime(2026, 3, 3, 10, tzinfo=london))
    occ = diary.check_series(first, "FREQ=WEEKLY;INTERVAL=8;BYDAY=TU;COUNT=3")
    assert [o.id for o in occ] == ["S@2026-03-03", "S@2026-04-28", "S@2026-06-23"]
    # 10:00 London time every time: 10:00 UTC in winter, 09:00 UTC in summer.
    assert [o.start.astimezone(london).hour for o in occ] == [10, 10, 10]
    assert [o.start.hour for o in occ] == [10, 9, 9]
    assert all(o.conflicts == [] for o in occ)
    assert len(diary.check_series(first, "FREQ=WEEKLY;INTERVAL=8;BYDAY=TU;COUNT=3", exdates=[date(2026, 4, 28)])) == 2
    with pytest.raises(carecoord.InvalidAppointment) as e:
        diary.check_series(first, "FREQ=YEARLY")
    assert e.value.code == "appointment.invalid_recurrence" and e.value.appointment == "S"
    night = appt("N", "p1", datetime(2026, 3, 22, 1, 30, tzinfo=london), location="hospital")
    with pytest.raises(carecoord.LocalTimeError) as lt:
        diary.check_series(night, "FREQ=WEEKLY;COUNT=2")
    assert lt.value.code == "appointment.local_time"

    diary.add(appt("A1", "p2", at(23, 9), resources=["dr_a"], minutes=60))
    slots = diary.suggest(appt("X", "p1", at(23, 8), resources=["dr_a"]), after=at(23, 8), n=3, step_minutes=30)
    assert [s.start.strftime("%H:%M") for s in slots] == ["08:00", "08:30", "10:00"]
    assert repr(slots[0]).startswith("Slot(start=2026-11-23T08:00:00")

    diary.add_location("clinic", 53.8009, -1.5492)
    diary.add(appt("B1", "p3", at(23, 10)))
    diary.add(appt("B2", "p3", at(26, 14), location="clinic", minutes=20))
    bundles = diary.bundles("p3", max_km=2.0)
    assert [(b.keep, b.move_id, b.start) for b in bundles] == [("B1", "B2", at(23, 10, 45))]
    assert bundles[0].km < 0.1
