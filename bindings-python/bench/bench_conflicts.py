"""Appointment conflicts: carecoord against pandas and polars on the same data.

Generates a seeded table of appointments (default 1,000,000: 100,000 patients,
2,000 clinicians each working at one of 400 locations, 65 weekdays from
Monday 12 January 2026, 20-minute slots from 08:00 UTC with one in ten
lasting 40 minutes, 2% cancelled), writes it to Parquet, then finds every
clash in three engines, each in a fresh process reading the same file:

- carecoord: ``carecoord.conflicts.find_all`` (Arrow in, Arrow out);
- polars: the same three rules as polars expressions;
- pandas: the same as pandas/numpy vectorised code.

The rules (cancelled appointments never clash; intervals are half-open):

- patient overlap: two appointments of one patient with ``a.start < b.end``
  and ``b.start < a.end``;
- clinician overlap: the same, for one clinician;
- travel: a patient's consecutive appointments (ordered by start, end, id)
  at different locations where the gap is shorter than the straight-line
  distance at 30 km/h plus 10 minutes (seconds, the gap rounded down and the
  journey up).

Output, one row per clash: ``appt_a, appt_b, kind, severity, resource``
(``a`` before ``b`` in start, end, id order), ordered by kind, then ``a``,
then ``b``. The outputs are asserted identical; times are the best of
``--repeat`` (conflict finding only, not file reading).

    python bindings-python/bench/bench_conflicts.py --rows 1000000
"""

from __future__ import annotations

import argparse
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

SPEED_KMH = 30.0
BUFFER_MIN = 10.0
EARTH_RADIUS_KM = 6371.0088
KINDS = ["patient_overlap", "resource_overlap", "travel"]


def make_table(rows: int, seed: int) -> Any:
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    clinicians, locations, patients, days = 2_000, 400, 100_000, 65
    clinician = rng.integers(0, clinicians, rows)
    location = clinician % locations
    loc_lat = 53.70 + rng.random(locations) * 0.25
    loc_lon = -1.75 + rng.random(locations) * 0.40
    day = rng.integers(0, days, rows)
    # Weekdays only: five days a week from Monday 12 January 2026.
    day_offset = (day // 5) * 7 + day % 5
    monday = np.datetime64("2026-01-12T08:00:00", "us")
    start = monday + day_offset.astype("timedelta64[D]") + (rng.integers(0, 30, rows) * 20).astype("timedelta64[m]")
    minutes = np.where(rng.random(rows) < 0.1, 40, 20)
    end = start + minutes.astype("timedelta64[m]")
    status = np.where(rng.random(rows) < 0.02, "cancelled", "booked")
    return pa.table({
        "id": [f"A{i:07}" for i in range(rows)],
        "patient": [f"P{p:06}" for p in rng.integers(0, patients, rows)],
        "resource": [f"C{c:04}" for c in clinician],
        "location": [f"L{x:03}" for x in location],
        "lat": loc_lat[location],
        "lon": loc_lon[location],
        "start": pa.array(start, pa.timestamp("us", tz="UTC")),
        "end": pa.array(end, pa.timestamp("us", tz="UTC")),
        "status": status,
    })




# --- polars -----------------------------------------------------------------

def run_polars(path: str) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    import polars as pl

    df = pl.read_parquet(path)

    def overlaps(live: Any, group: str, kind: str, with_resource: bool) -> Any:
        # Buckets at least as long as the longest appointment: a clash is
        # always within the same bucket or the one before.
        span = int(live.select((pl.col("e") - pl.col("s")).max()).item())
        bucket = max(span, 3_600_000_000)
        x = live.with_columns(b=pl.col("s") // bucket)
        y = pl.concat([x, x.with_columns(b=pl.col("b") + 1)])
        pairs = (
            x.join(y, on=[group, "b"], suffix="_y")
            .filter((pl.col("ord_y") < pl.col("ord")) & (pl.col("s_y") < pl.col("e")) & (pl.col("s") < pl.col("e_y")))
            .select(
                appt_a=pl.col("id_y"), appt_b=pl.col("id"), ord_a=pl.col("ord_y"), ord_b=pl.col("ord"),
                kind=pl.lit(kind), resource=pl.col(group) if with_resource else pl.lit(None, pl.String),
            )
        )
        return pairs

    def find() -> Any:
        live = (
            df.filter(pl.col("status") != "cancelled")
            .with_columns(s=pl.col("start").dt.epoch("us"), e=pl.col("end").dt.epoch("us"))
            .sort(["s", "e", "id"])
            .with_row_index("ord")
        )
        po = overlaps(live, "patient", "patient_overlap", False)
        ro = overlaps(live, "resource", "resource_overlap", True)
        seq = live.sort(["patient", "ord"])
        nxt = seq.select(
            pl.col("patient").shift(-1).alias("p2"), pl.col("id").shift(-1).alias("id2"),
            pl.col("ord").shift(-1).alias("ord2"), pl.col("s").shift(-1).alias("s2"),
            pl.col("location").shift(-1).alias("loc2"), pl.col("lat").shift(-1).alias("lat2"),
            pl.col("lon").shift(-1).alias("lon2"),
        )
        t = pl.concat([seq, nxt], how="horizontal").filter(
            (pl.col("patient") == pl.col("p2")) & (pl.col("e") <= pl.col("s2")) & (pl.col("location") != pl.col("loc2"))
        )
        r = 3.141592653589793 / 180
        a = ((pl.col("lat2") - pl.col("lat")) * r / 2).sin() ** 2 + (pl.col("lat") * r).cos() * (pl.col("lat2") * r).cos() * ((pl.col("lon2") - pl.col("lon")) * r / 2).sin() ** 2
        km = 2 * EARTH_RADIUS_KM * a.sqrt().clip(0, 1).arcsin()
        need = ((km / SPEED_KMH * 60 + BUFFER_MIN) * 60).ceil().cast(pl.Int64)
        gap = (pl.col("s2") - pl.col("e")) // 1_000_000
        tr = t.filter(gap < need).select(
            appt_a=pl.col("id"), appt_b=pl.col("id2"), ord_a=pl.col("ord"), ord_b=pl.col("ord2"),
            kind=pl.lit("travel"), resource=pl.lit(None, pl.String),
        )
        out = (
            pl.concat([po, ro, tr])
            .with_columns(k=pl.col("kind").replace_strict(KINDS, list(range(3)), return_dtype=pl.Int8))
            .sort(["k", "ord_a", "ord_b", "resource"], nulls_last=False)
            .select("appt_a", "appt_b", "kind", severity=pl.lit("block"), resource="resource")
        )
        return out

    return find, lambda out: out.to_arrow()


# --- pandas -----------------------------------------------------------------

def run_pandas(path: str) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    df = pq.read_table(path).to_pandas()

    def overlaps(live: Any, group: str, kind: str, with_resource: bool) -> Any:
        bucket = max(int((live["e"] - live["s"]).max()), 3_600_000_000)
        x = live[[group, "id", "ord", "s", "e"]].assign(b=live["s"] // bucket)
        y = pd.concat([x, x.assign(b=x["b"] + 1)])
        m = x.merge(y, on=[group, "b"], suffixes=("", "_y"))
        m = m[(m["ord_y"] < m["ord"]) & (m["s_y"] < m["e"]) & (m["s"] < m["e_y"])]
        return pd.DataFrame({
            "appt_a": m["id_y"].to_numpy(), "appt_b": m["id"].to_numpy(),
            "ord_a": m["ord_y"].to_numpy(), "ord_b": m["ord"].to_numpy(), "kind": kind,
            "resource": m[group].to_numpy() if with_resource else None,
        })

    def find() -> Any:
        live = df[df["status"] != "cancelled"].copy()
        live["s"] = live["start"].astype("int64") // 1000 if live["start"].dt.unit == "ns" else live["start"].astype("int64")
        live["e"] = live["end"].astype("int64") // 1000 if live["end"].dt.unit == "ns" else live["end"].astype("int64")
        live = live.sort_values(["s", "e", "id"], kind="stable").reset_index(drop=True)
        live["ord"] = np.arange(len(live))
        po = overlaps(live, "patient", "patient_overlap", False)
        ro = overlaps(live, "resource", "resource_overlap", True)
        seq = live.sort_values(["patient", "ord"], kind="stable").reset_index(drop=True)
        nxt = seq.shift(-1)
        ok = (seq["patient"] == nxt["patient"]) & (seq["e"] <= nxt["s"]) & (seq["location"] != nxt["location"])
        a_, b_ = seq[ok], nxt[ok]
        r = np.pi / 180
        lat1, lat2 = a_["lat"].to_numpy() * r, b_["lat"].to_numpy() * r
        dlat, dlon = lat2 - lat1, (b_["lon"].to_numpy() - a_["lon"].to_numpy()) * r
        h = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        need = np.ceil((km / SPEED_KMH * 60 + BUFFER_MIN) * 60).astype(np.int64)
        gap = (b_["s"].to_numpy().astype(np.int64) - a_["e"].to_numpy()) // 1_000_000
        keep = gap < need
        tr = pd.DataFrame({
            "appt_a": a_["id"].to_numpy()[keep], "appt_b": b_["id"].to_numpy()[keep],
            "ord_a": a_["ord"].to_numpy()[keep], "ord_b": b_["ord"].to_numpy()[keep].astype(np.int64),
            "kind": "travel", "resource": None,
        })
        out = pd.concat([po, ro, tr], ignore_index=True)
        out["k"] = out["kind"].map({k: i for i, k in enumerate(KINDS)})
        out = out.sort_values(["k", "ord_a", "ord_b", "resource"], kind="stable", na_position="first")
        return pd.DataFrame({
            "appt_a": out["appt_a"].to_numpy(), "appt_b": out["appt_b"].to_numpy(), "kind": out["kind"].to_numpy(),
            "severity": "block", "resource": out["resource"].to_numpy(),
        })

    return find, lambda out: pa.Table.from_pandas(out, preserve_index=False)


# --- carecoord --------------------------------------------------------------

def run_carecoord(path: str) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    import pyarrow.parquet as pq

    from carecoord.conflicts import find_all

    table = pq.read_table(path)
    return (lambda: find_all(table, speed_kmh=SPEED_KMH, buffer_min=BUFFER_MIN)), (lambda out: out)


ENGINES = {"carecoord": run_carecoord, "polars": run_polars, "pandas": run_pandas}


def child(engine: str, path: str, repeat: int, out_path: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    find, to_arrow = ENGINES[engine](path)
    base = rss_kib()
    times = []
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = find()
        times.append(time.perf_counter() - start)
    peak = peak_kib() - base
    t = to_arrow(out)
    t = pa.table({name: t.column(name).cast(pa.string()) for name in ["appt_a", "appt_b", "kind", "severity", "resource"]})
    pq.write_table(t, out_path)
    print(json.dumps({"engine": engine, "best_s": min(times), "times_s": times, "peak_extra_mib": peak / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description="carecoord vs pandas vs polars: appointment conflicts")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--engines", default="carecoord,polars,pandas")
    parser.add_argument("--engine", choices=sorted(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        child(args.engine, args.data, args.repeat, args.out)
        return

    import pyarrow.parquet as pq

    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "appointments.parquet")
        pq.write_table(make_table(args.rows, args.seed), data)
        results = {}
        for engine in engines:
            out = os.path.join(tmp, f"{engine}.parquet")
            proc = subprocess.run(
                [sys.executable, __file__, "--engine", engine, "--data", data, "--out", out, "--repeat", str(args.repeat)],
                capture_output=True, text=True,
            )
            if proc.returncode != 0:
                sys.exit(f"{engine} failed:\n{proc.stderr}")
            results[engine] = json.loads(proc.stdout.strip().splitlines()[-1])
            results[engine]["table"] = pq.read_table(out)

        reference = results[engines[0]]["table"]
        for engine in engines[1:]:
            other = results[engine]["table"]
            if not other.equals(reference):
                a, b = reference.to_pylist(), other.to_pylist()
                first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                sys.exit(f"{engine} output differs from {engines[0]} at row {first} of {len(a)}/{len(b)}: "
                         f"{a[first] if first < len(a) else None} vs {b[first] if first < len(b) else None}")
        kinds = reference.column("kind").to_pylist()
        print(f"appointment conflicts, {args.rows:,} appointments, {os.cpu_count()} cores, best of {args.repeat}; "
              f"outputs identical ({reference.num_rows:,} clashes: "
              + ", ".join(f"{k} {kinds.count(k):,}" for k in KINDS) + ")")
        print(f"{'engine':<10} {'seconds':>9} {'ns/appt':>9} {'peak MiB':>9} {'x ' + engines[0]:>12}")
        base = results[engines[0]]["best_s"]
        for engine in engines:
            r = results[engine]
            print(f"{engine:<10} {r['best_s']:>9.3f} {r['best_s'] / args.rows * 1e9:>9.0f} {r['peak_extra_mib']:>9.0f} {r['best_s'] / base:>11.1f}x")

    if "carecoord" in engines:
        print(f"carecoord Diary.check against a 10,000-appointment diary: {check_micros():.1f} µs median per call")


def check_micros(calls: int = 20_000) -> float:
    """Median µs of one ``Diary.check`` call against a 10,000-appointment
    diary (1,000 patients, 50 clinicians at 20 locations, 65 weekdays), the
    same shape as the Rust criterion benchmark."""
    import datetime as dt

    import numpy as np

    from carecoord.conflicts import Diary

    rng = np.random.default_rng(11)
    monday = dt.datetime(2026, 1, 12, 8, 0, tzinfo=dt.timezone.utc)

    def appointment(i: int, prefix: str) -> dict[str, Any]:
        clinician = int(rng.integers(0, 50))
        day = int(rng.integers(0, 65))
        start = monday + dt.timedelta(days=(day // 5) * 7 + day % 5, minutes=20 * int(rng.integers(0, 30)))
        return {
            "id": f"{prefix}{i:05}", "patient": f"P{int(rng.integers(0, 1_000)):04}",
            "resources": [f"C{clinician:02}"], "location": f"L{clinician % 20:02}",
            "start": start, "end": start + dt.timedelta(minutes=20 * (1 + int(rng.random() < 0.1))),
        }

    d = Diary(speed_kmh=SPEED_KMH, buffer_min=BUFFER_MIN)
    for loc in range(20):
        d.add_location(f"L{loc:02}", 53.70 + loc * 0.01, -1.70)
    for c in range(50):
        d.add_resource(f"C{c:02}")
    for i in range(10_000):
        d.add(appointment(i, "A"))  # clashes allowed, as in a real diary
    probes = [appointment(i, "N") for i in range(1_000)]
    times = []
    for i in range(calls):
        probe = probes[i % len(probes)]
        start = time.perf_counter_ns()
        d.check(probe)
        times.append(time.perf_counter_ns() - start)
    times.sort()
    return times[len(times) // 2] / 1_000


if __name__ == "__main__":
    main()
