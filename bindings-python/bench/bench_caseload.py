"""Caseload prioritisation: carecoord against pandas and polars on the same data.

Generates a seeded synthetic caseload (examples/synthetic_caseload.py), writes
it to Parquet, then runs the sample rule set (examples/rules/frailty_priority.toml)
in three engines, each in a fresh process that reads the same file:

- carecoord: ``RuleSet.evaluate_table`` (Arrow in, Arrow out);
- polars: the same rules as polars expressions;
- pandas: the same rules as pandas/numpy vectorised code.

Each engine computes score, tier and the top three reasons (points
descending, ties in rule order, the safeguarding reason first). The outputs
are asserted identical; then times (best of ``--repeat``, evaluation only,
not file reading) and peak memory (the process's peak RSS above its RSS after
loading the data) are printed with their ratios.

    python bindings-python/bench/bench_caseload.py --rows 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import peak_kib, rss_kib  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "examples" / "rules" / "frailty_priority.toml"
TODAY = dt.date(2026, 11, 23)

# (rule index, band conditions as (points, code)) in rule-file order, for the
# hand-written engines; carecoord reads the same rules from the TOML file.
CODES = [
    "SAFEGUARDING_CONCERN", "EFI_SEVERE", "EFI_MODERATE", "EFI_MILD", "AGE_85_PLUS", "AGE_75_TO_84",
    "LIVES_ALONE", "POLYPHARMACY_10_PLUS", "POLYPHARMACY_5_TO_9", "ADMISSIONS_2_PLUS", "ADMISSION_1",
    "AE_3_PLUS", "RECENT_DISCHARGE", "PAM_LEVEL_1", "PAM_LEVEL_2", "DEMENTIA", "HOUSEBOUND", "IS_CARER",
    "NO_CONTACT_180_DAYS",
]
CODE = {c: i for i, c in enumerate(CODES)}


def key(points: int, rule: int, code: str) -> int:
    """A sort key: points first, then earlier rules, carrying the code."""
    return points * 10_000 + (100 - rule) * 100 + CODE[code]


SAFEGUARDING_KEY = 99 * 10_000 + CODE["SAFEGUARDING_CONCERN"]




# --- polars -----------------------------------------------------------------

def run_polars(path: str) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    import polars as pl

    df = pl.read_parquet(path)
    today = pl.lit(TODAY)

    def days_since(col: str) -> pl.Expr:
        return (today - pl.col(col)).dt.total_days()

    def bands(rule: int, *cases: tuple[pl.Expr, int, str]) -> tuple[pl.Expr, pl.Expr]:
        points = pl.lit(0)
        k = pl.lit(0)
        for cond, p, code in reversed(cases):
            cond = cond.fill_null(False)
            points = pl.when(cond).then(p).otherwise(points)
            k = pl.when(cond).then(key(p, rule, code)).otherwise(k)
        return points, k

    efi = pl.col("efi_deficits")
    rules = [
        bands(0, (efi >= 13, 3, "EFI_SEVERE"), (efi >= 9, 2, "EFI_MODERATE"), (efi >= 5, 1, "EFI_MILD")),
        bands(1, (pl.col("age") >= 85, 2, "AGE_85_PLUS"), (pl.col("age") >= 75, 1, "AGE_75_TO_84")),
        bands(2, (pl.col("lives_alone"), 1, "LIVES_ALONE")),
        bands(3, (pl.col("medication_count") >= 10, 2, "POLYPHARMACY_10_PLUS"), (pl.col("medication_count") >= 5, 1, "POLYPHARMACY_5_TO_9")),
        bands(4, (pl.col("emergency_admissions_12m") >= 2, 2, "ADMISSIONS_2_PLUS"), (pl.col("emergency_admissions_12m") == 1, 1, "ADMISSION_1")),
        bands(5, (pl.col("ae_attendances_12m") >= 3, 1, "AE_3_PLUS")),
        bands(6, (days_since("last_discharge").is_between(0, 30), 3, "RECENT_DISCHARGE")),
        bands(7, (pl.col("pam_score") <= 47.0, 2, "PAM_LEVEL_1"), (pl.col("pam_score") <= 55.1, 1, "PAM_LEVEL_2")),
        bands(8, (pl.col("dementia"), 1, "DEMENTIA")),
        bands(9, (pl.col("housebound"), 1, "HOUSEBOUND")),
        bands(10, (pl.col("is_carer"), 1, "IS_CARER")),
        bands(11, (pl.col("last_contact").is_null() | (days_since("last_contact") >= 180), 1, "NO_CONTACT_180_DAYS")),
    ]
    safeguarding = pl.col("safeguarding_flag")
    score = pl.sum_horizontal([p for p, _ in rules]).alias("score")
    keys = [pl.when(safeguarding).then(SAFEGUARDING_KEY).otherwise(0)] + [k for _, k in rules]

    def evaluate() -> Any:
        # Top three keys without sorting lists: keys are unique per row (each
        # carries its rule), so take the horizontal maximum three times,
        # masking what was already taken. Faster in polars than list.sort.
        cols = [pl.col(f"key{i}") for i in range(len(keys))]
        k1 = pl.max_horizontal(cols)
        k2 = pl.max_horizontal([pl.when(k == pl.col("k1")).then(0).otherwise(k) for k in cols])
        k3 = pl.max_horizontal([pl.when((k == pl.col("k1")) | (k == pl.col("k2"))).then(0).otherwise(k) for k in cols])
        out = df.lazy().with_columns(
            *[k.alias(f"key{i}") for i, k in enumerate(keys)], score,
        ).with_columns(k1.alias("k1")).with_columns(k2.alias("k2")).with_columns(k3.alias("k3")).select(
            pl.col("patient_id"),
            pl.col("score"),
            pl.when(safeguarding).then(pl.lit("urgent"))
            .when(pl.col("score") >= 8).then(pl.lit("high"))
            .when(pl.col("score") >= 5).then(pl.lit("medium"))
            .otherwise(pl.lit("low")).alias("tier"),
            *[
                pl.when(pl.col(f"k{i + 1}") > 0).then(pl.col(f"k{i + 1}") % 100)
                .replace_strict(list(range(len(CODES))), CODES, default=None)
                .alias(f"reason_{i + 1}")
                for i in range(3)
            ],
        )
        return out.collect()

    return evaluate, lambda out: out.to_arrow()


# --- pandas -----------------------------------------------------------------

def run_pandas(path: str) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    df = pd.read_parquet(path, dtype_backend="numpy_nullable")
    today = pd.Timestamp(TODAY)

    def true(series: Any) -> Any:
        return series.fillna(False).to_numpy(dtype=bool)

    def days_since(col: str) -> Any:
        return (today - pd.to_datetime(df[col])).dt.days

    def bands(rule: int, *cases: tuple[Any, int, str]) -> tuple[Any, Any]:
        n = len(df)
        points = np.zeros(n, dtype=np.int64)
        k = np.zeros(n, dtype=np.int64)
        taken = np.zeros(n, dtype=bool)
        for cond, p, code in cases:
            hit = cond & ~taken
            points[hit] = p
            k[hit] = key(p, rule, code)
            taken |= hit
        return points, k

    def evaluate() -> Any:
        efi = df["efi_deficits"]
        age = df["age"]
        meds = df["medication_count"]
        adm = df["emergency_admissions_12m"]
        pam = df["pam_score"]
        discharge = days_since("last_discharge")
        contact = days_since("last_contact")
        rules = [
            bands(0, (true(efi >= 13), 3, "EFI_SEVERE"), (true(efi >= 9), 2, "EFI_MODERATE"), (true(efi >= 5), 1, "EFI_MILD")),
            bands(1, (true(age >= 85), 2, "AGE_85_PLUS"), (true(age >= 75), 1, "AGE_75_TO_84")),
            bands(2, (true(df["lives_alone"]), 1, "LIVES_ALONE")),
            bands(3, (true(meds >= 10), 2, "POLYPHARMACY_10_PLUS"), (true(meds >= 5), 1, "POLYPHARMACY_5_TO_9")),
            bands(4, (true(adm >= 2), 2, "ADMISSIONS_2_PLUS"), (true(adm == 1), 1, "ADMISSION_1")),
            bands(5, (true(df["ae_attendances_12m"] >= 3), 1, "AE_3_PLUS")),
            bands(6, (true((discharge >= 0) & (discharge <= 30)), 3, "RECENT_DISCHARGE")),
            bands(7, (true(pam <= 47.0), 2, "PAM_LEVEL_1"), (true(pam <= 55.1), 1, "PAM_LEVEL_2")),
            bands(8, (true(df["dementia"]), 1, "DEMENTIA")),
            bands(9, (true(df["housebound"]), 1, "HOUSEBOUND")),
            bands(10, (true(df["is_carer"]), 1, "IS_CARER")),
            bands(11, (df["last_contact"].isna().to_numpy() | true(contact >= 180), 1, "NO_CONTACT_180_DAYS")),
        ]
        flagged = true(df["safeguarding_flag"])
        score = np.sum([p for p, _ in rules], axis=0)
        keys = np.column_stack([np.where(flagged, SAFEGUARDING_KEY, 0)] + [k for _, k in rules])
        top = -np.sort(-keys, axis=1)[:, :3]
        tier = np.select([flagged, score >= 8, score >= 5], ["urgent", "high", "medium"], "low")
        codes = np.array(CODES + [None], dtype=object)
        reasons = {f"reason_{i + 1}": codes[np.where(top[:, i] > 0, top[:, i] % 100, len(CODES))] for i in range(3)}
        return pd.DataFrame({"patient_id": df["patient_id"], "score": score, "tier": tier, **reasons})

    return evaluate, lambda out: pa.Table.from_pandas(out, preserve_index=False)


# --- carecoord --------------------------------------------------------------

def run_carecoord(path: str) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    import pyarrow.parquet as pq

    from carecoord.caseload import RuleSet

    table = pq.read_table(path)
    rules = RuleSet.from_toml(RULES)
    return (lambda: rules.evaluate_table(table, today=TODAY)), (lambda out: out)


ENGINES = {"carecoord": run_carecoord, "polars": run_polars, "pandas": run_pandas}


def child(engine: str, path: str, repeat: int, out_path: str) -> None:
    """Runs one engine in this process and prints a JSON line of results."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    evaluate, to_arrow = ENGINES[engine](path)
    base = rss_kib()
    times = []
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = evaluate()
        times.append(time.perf_counter() - start)
    peak = peak_kib() - base
    table = to_arrow(out)
    # Plain strings for comparison: dictionary or not is an encoding choice.
    table = pa.table({name: table.column(name).cast(pa.string()) if name not in ("score",) else table.column(name).cast(pa.int64())
                      for name in ["patient_id", "score", "tier", "reason_1", "reason_2", "reason_3"]})
    pq.write_table(table, out_path)
    print(json.dumps({"engine": engine, "best_s": min(times), "times_s": times, "peak_extra_mib": peak / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description="carecoord vs pandas vs polars: caseload prioritisation")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--engine", choices=sorted(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        child(args.engine, args.data, args.repeat, args.out)
        return

    import pyarrow.parquet as pq

    spec = importlib.util.spec_from_file_location("synthetic_caseload", ROOT / "examples" / "synthetic_caseload.py")
    assert spec is not None and spec.loader is not None
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)

    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "caseload.parquet")
        pq.write_table(synthetic.generate(args.rows, args.seed), data)
        results = {}
        for engine in ["carecoord", "polars", "pandas"]:
            out = os.path.join(tmp, f"{engine}.parquet")
            line = subprocess.run(
                [sys.executable, __file__, "--engine", engine, "--data", data, "--out", out, "--repeat", str(args.repeat)],
                check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
            results[engine] = json.loads(line)
            results[engine]["table"] = pq.read_table(out)

        reference = results["carecoord"]["table"]
        for engine in ["polars", "pandas"]:
            other = results[engine]["table"]
            assert other.equals(reference), f"{engine} output differs from carecoord"
        cores = os.cpu_count()
        print(f"caseload prioritisation, {args.rows:,} patients, {cores} cores, best of {args.repeat}; outputs identical")
        print(f"{'engine':<10} {'seconds':>9} {'ns/patient':>11} {'peak MiB':>9} {'x carecoord':>12}")
        base = results["carecoord"]["best_s"]
        for engine in ["carecoord", "polars", "pandas"]:
            r = results[engine]
            print(f"{engine:<10} {r['best_s']:>9.3f} {r['best_s'] / args.rows * 1e9:>11.0f} {r['peak_extra_mib']:>9.0f} {r['best_s'] / base:>11.1f}x")


if __name__ == "__main__":
    main()
