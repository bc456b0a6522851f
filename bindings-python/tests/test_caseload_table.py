"""Columnar evaluation over Arrow-capable tables equals row-wise evaluation."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

import carecoord
from carecoord.caseload import RuleSet

pa = pytest.importorskip("pyarrow")
ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 23)


def _synthetic() -> Any:
    spec = importlib.util.spec_from_file_location("synthetic_caseload", ROOT / "examples" / "synthetic_caseload.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic_caseload"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet.from_toml(ROOT / "examples" / "rules" / "frailty_priority.toml")


@pytest.fixture(scope="module")
def caseload() -> Any:
    return _synthetic().generate(3000, seed=11)


def _expected(rules: RuleSet, table: Any) -> list[tuple[Any, ...]]:
    out = []
    for row in table.to_pylist():
        p = rules.evaluate(row, today=TODAY)
        codes = [r.code for r in p.reasons] + [None] * 3
        out.append((row["patient_id"], p.score, p.tier, *codes[:3]))
    return out


def _rows(result: Any) -> list[tuple[Any, ...]]:
    cols = result.to_pydict()
    return list(zip(cols["patient_id"], cols["score"], cols["tier"], cols["reason_1"], cols["reason_2"], cols["reason_3"]))


def test_pyarrow_table_equals_row_wise(rules: RuleSet, caseload: Any) -> None:
    result = rules.evaluate_table(caseload, today=TODAY)
    assert result.column_names == ["patient_id", "score", "tier", "reason_1", "reason_2", "reason_3"]
    assert pa.types.is_dictionary(result.schema.field("tier").type)
    assert _rows(result) == _expected(rules, caseload)


def test_record_batch_reader_and_chunks(rules: RuleSet, caseload: Any) -> None:
    reader = pa.RecordBatchReader.from_batches(caseload.schema, caseload.to_batches(max_chunksize=700))
    result = rules.evaluate_table(reader, today=TODAY)
    assert _rows(result) == _expected(rules, caseload)
    # The dictionary keys reach pyarrow unchecked: a full check must pass.
    result.validate(full=True)
    assert result.column("reason_1").num_chunks == 5


def test_empty_table_keeps_the_output_schema(rules: RuleSet, caseload: Any) -> None:
    for empty in (caseload.slice(0, 0), pa.Table.from_batches([], schema=caseload.schema)):
        result = rules.evaluate_table(empty, today=TODAY)
        assert result.num_rows == 0
        assert result.schema == rules.evaluate_table(caseload, today=TODAY).schema


def test_polars_and_pandas(rules: RuleSet, caseload: Any) -> None:
    expected = _expected(rules, caseload)
    pl = pytest.importorskip("polars")
    assert _rows(rules.evaluate_table(pl.from_arrow(caseload), today=TODAY)) == expected
    pd = pytest.importorskip("pandas")
    frame = caseload.to_pandas(types_mapper=pd.ArrowDtype)
    assert _rows(rules.evaluate_table(frame, today=TODAY)) == expected


def test_bad_tables(rules: RuleSet, caseload: Any) -> None:
    with pytest.raises(carecoord.InvalidRecord) as raised:
        rules.evaluate_table(caseload.drop_columns(["age"]), today=TODAY)
    assert raised.value.code == "record.missing_column" and "age" in str(raised.value)
    wrong = caseload.set_column(1, "age", pa.array([str(a) for a in caseload.column("age").to_pylist()]))
    with pytest.raises(carecoord.InvalidRecord) as raised:
        rules.evaluate_table(wrong, today=TODAY)
    assert raised.value.code == "record.wrong_column_type"
    nulls = caseload.set_column(1, "age", pa.array([None] * caseload.num_rows, type=pa.int64()))
    with pytest.raises(carecoord.InvalidRecord) as raised:
        rules.evaluate_table(nulls, today=TODAY)
    assert raised.value.code == "record.missing_field"
    with pytest.raises(TypeError):
        rules.evaluate_table([1, 2, 3], today=TODAY)
