"""carecoord.routing from Python: one referral, a table of them, and errors."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import carecoord
from carecoord.routing import Directory, DirectoryRegistry

pa = pytest.importorskip("pyarrow")
pc = pytest.importorskip("pyarrow.compute")
pcsv = pytest.importorskip("pyarrow.csv")

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY = ROOT / "examples" / "routing" / "directory.toml"
REFERRALS = ROOT / "examples" / "data" / "referrals.csv"


@pytest.fixture(scope="module")
def d() -> Directory:
    return Directory.from_toml(DIRECTORY)


def referral(**kw: Any) -> dict[str, Any]:
    r: dict[str, Any] = {
        "id": "R1",
        "age": 79,
        "sex": "female",
        "district": "LS6",
        "pcn": "U00001",
        "practice": "B00001",
        "needs": ["loneliness", "debt"],
        "urgency": "routine",
        "consent": "given",
        "at": datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc),
        "lives_alone": True,
    }
    r.update(kw)
    return r


def referrals_table() -> Any:
    t = pcsv.read_csv(REFERRALS)
    needs = pc.split_pattern(t["needs"], ";")
    return t.set_column(t.schema.get_field_index("needs"), "needs", needs)


def test_route_ranks_with_reasons(d: Directory) -> None:
    r = d.route(referral())
    assert r.outcome == "routed" and not r.escalate_now
    assert [m.service_id for m in r.matches] == ["sp_north", "debt_advice", "befriending_65"]
    top = r.matches[0]
    assert top.matched_needs == ["loneliness", "debt"]
    assert top.referral_code == "871731000000106"
    assert top.local and top.open_on_day and top.wait_days == 10
    assert top.consent_basis == "consent"
    assert "serves loneliness, debt" in top.reasons
    assert repr(top).startswith("Match(rank=1, service_id='sp_north'")
    excluded = {e["service_id"]: [x["code"] for x in e["reasons"]] for e in r.excluded}
    assert excluded["sp_south"] == ["outside_catchment", "not_accepting"]
    assert len(r.matches) + len(r.excluded) == len(d.service_ids)
    assert r.day.isoformat() == "2026-11-23"


def test_safeguarding_first_whatever_consent(d: Directory) -> None:
    sunday_night = datetime(2026, 11, 29, 21, 0, tzinfo=timezone.utc)
    r = d.route(referral(needs=["safeguarding", "loneliness"], consent="refused", at=sunday_night))
    assert r.outcome == "escalated" and r.escalate_now
    lead = r.matches[0]
    assert (lead.service_id, lead.route, lead.escalate) == ("safeguarding_lead", "safeguarding", True)
    assert lead.consent_basis == "safeguarding_without_consent"
    assert lead.contact and "safeguarding" in lead.contact.lower()
    assert r.unmet_needs == ["loneliness"]


def test_red_flag_and_unmet(d: Directory) -> None:
    r = d.route(referral(needs=["acute_confusion"], consent="not_asked"))
    assert [m.service_id for m in r.matches] == ["duty_gp"]
    assert r.matches[0].consent_basis == "direct_care"
    r = d.route(referral(age=17, needs=["low_mood"]))
    assert (r.outcome, r.matches, r.unmet_needs) == ("unmet", [], ["low_mood"])


def test_aware_datetimes_in_any_zone(d: Directory) -> None:
    from zoneinfo import ZoneInfo

    # 00:30 BST on Monday 30 March 2026 is Sunday 23:30 UTC: the London day counts.
    at = datetime(2026, 3, 30, 0, 30, tzinfo=ZoneInfo("Europe/London"))
    assert d.route(referral(at=at)).day.isoformat() == "2026-03-30"
    ist = timezone(timedelta(hours=5, minutes=30))
    # 04:00 IST on 30 March is 22:30 UTC, 23:30 BST on Sunday 29 March.
    assert d.route(referral(at=datetime(2026, 3, 30, 4, 0, tzinfo=ist))).day.isoformat() == "2026-03-29"
    with pytest.raises(carecoord.NaiveDatetimeError):
        d.route(referral(at=datetime(2026, 11, 23, 10, 0)))


def test_bad_referrals_raise_typed_errors_without_values(d: Directory) -> None:
    with pytest.raises(carecoord.InvalidReferral) as e:
        d.route(referral(needs=["lonliness"]))
    assert e.value.code == "referral.unknown_need"
    assert "did you mean `loneliness`" in str(e.value)
    with pytest.raises(carecoord.InvalidReferral) as e:
        d.route(referral(age=212))
    assert e.value.code == "referral.impossible_age" and "212" not in str(e.value)
    with pytest.raises(carecoord.InvalidReferral) as e:
        d.route(referral(district="LS6 4AB"))
    assert e.value.code == "referral.malformed_area" and "4AB" not in str(e.value)
    with pytest.raises(carecoord.InvalidReferral) as e:
        d.route(referral(lives_alon=True))
    assert e.value.code == "referral.unknown_field"
    with pytest.raises(carecoord.InvalidReferral) as e:
        d.route(referral(sex="F"))
    assert e.value.code == "referral.invalid_value"
    with pytest.raises(carecoord.InvalidReferral) as e:
        d.route({k: v for k, v in referral().items() if k != "needs"})
    assert e.value.code == "record.missing_field"
    with pytest.raises(ValueError):  # InvalidReferral is a ValueError
        d.route(referral(urgency="whenever"))
    with pytest.raises(TypeError):
        d.route(["not", "a", "mapping"])  # type: ignore[arg-type]
    err = carecoord.InvalidReferral("m", "referral.no_needs", "invalid_input")
    assert pickle.loads(pickle.dumps(err)).code == "referral.no_needs"


def test_directory_errors_say_where(d: Directory) -> None:
    text = DIRECTORY.read_text().replace('needs = ["carer_strain"]', 'needs = ["carer_stain"]')
    with pytest.raises(carecoord.DirectoryError) as e:
        Directory.from_toml(text)
    err = e.value
    assert isinstance(err, carecoord.RuleError) and isinstance(err, ValueError)
    assert err.code == "directory.unknown_need" and err.kind == "invalid_rules"
    assert err.path == "service[carers_service].needs[0]"
    assert err.line == text.splitlines().index('needs = ["carer_stain"]') + 1
    assert err.help == "did you mean `carer_strain`?"
    with pytest.raises(carecoord.DirectoryError) as e:
        Directory.from_toml(DIRECTORY.read_text().replace('safeguarding_lead = "safeguarding_lead"\n', ""))
    assert e.value.code == "directory.no_safeguarding_lead"


def test_json_directory_matches_toml(d: Directory) -> None:
    import tomllib

    as_json = json.dumps(tomllib.loads(DIRECTORY.read_text()), default=str)
    dj = Directory.from_json(as_json)
    assert dj.service_ids == d.service_ids
    assert dj.route(referral()) == d.route(referral())


def test_directory_metadata(d: Directory) -> None:
    assert repr(d).startswith("Directory(name='example-pcn-services'")
    assert d.extra_fields == [("efi_deficits", "int"), ("housebound", "bool"), ("lives_alone", "bool")]
    assert ("safeguarding", "A safeguarding concern", "safeguarding") in d.needs
    assert ("digital_inclusion", "Getting online (devices, skills, data)", "ordinary") in d.needs
    assert d.ranking == ["matched_needs", "open_on_day", "local", "wait", "id"]


def test_registry_picks_version_in_force(d: Directory) -> None:
    reg = DirectoryRegistry()
    reg.add(d)
    with pytest.raises(ValueError):
        reg.add(d)
    assert reg.in_force("example-pcn-services", "2026-12-01") is not None
    assert reg.in_force("example-pcn-services", "2026-10-01") is None


def _rows_of(d: Directory, table: Any) -> list[tuple[Any, ...]]:
    """route() on each row, flattened to the long form of route_table()."""
    out: list[tuple[Any, ...]] = []
    for row in table.to_pylist():
        row = {k: v for k, v in row.items() if v is not None}
        r = d.route(row)
        if not r.matches:
            out.append((r.referral_id, None, None, [], False, r.outcome))
        for m in r.matches:
            out.append((r.referral_id, m.rank, m.service_id, m.matched_needs, m.escalate, r.outcome))
    return out


def _long_form(t: Any) -> list[tuple[Any, ...]]:
    cols = [t.column(c).to_pylist() for c in ("referral_id", "rank", "service_id", "matched_needs", "escalate", "outcome")]
    return list(zip(*cols))


def test_route_table_equals_route(d: Directory) -> None:
    table = referrals_table()
    out = d.route_table(table)
    assert isinstance(out, pa.Table)
    assert out.column_names == ["referral_id", "rank", "service_id", "matched_needs", "escalate", "outcome"]
    assert pa.types.is_dictionary(out.schema.field("service_id").type)
    assert _long_form(out) == _rows_of(d, table)
    outcomes = dict(zip(out["referral_id"].to_pylist(), out["outcome"].to_pylist()))
    assert outcomes["R-0002"] == "escalated"  # the safeguarding concern
    assert outcomes["R-0006"] == "unmet"


def test_route_table_accepts_polars_pandas_and_batches(d: Directory) -> None:
    pl = pytest.importorskip("polars")

    table = referrals_table()
    expected = _long_form(d.route_table(table))
    assert _long_form(d.route_table(pl.from_arrow(table))) == expected
    pd = pytest.importorskip("pandas")

    # Plain pandas turns an int column with gaps into float64; keep Arrow types.
    assert _long_form(d.route_table(table.to_pandas(types_mapper=pd.ArrowDtype))) == expected
    with pytest.raises(carecoord.InvalidReferral) as e:
        d.route_table(table.to_pandas())
    assert e.value.code == "record.wrong_column_type" and "efi_deficits" in str(e.value)
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=3))
    assert _long_form(d.route_table(reader)) == expected
    empty = d.route_table(table.slice(0, 0))
    assert empty.num_rows == 0 and empty.column_names[0] == "referral_id"


def test_route_table_errors_name_column_and_row(d: Directory) -> None:
    table = referrals_table()
    ages = table["age"].to_pylist()
    ages[3] = 200
    bad = table.set_column(table.schema.get_field_index("age"), "age", pa.array(ages))
    with pytest.raises(carecoord.InvalidReferral) as e:
        d.route_table(bad)
    assert (e.value.code, e.value.row) == ("referral.impossible_age", 3)
    naive = table.set_column(table.schema.get_field_index("at"), "at", table["at"].cast(pa.timestamp("s")))
    with pytest.raises(carecoord.InvalidReferral) as e:
        d.route_table(naive)
    assert e.value.code == "record.wrong_column_type"
    with pytest.raises(carecoord.InvalidReferral) as e:
        d.route_table(table.drop_columns(["needs"]))
    assert e.value.code == "record.missing_column" and "needs" in str(e.value)
