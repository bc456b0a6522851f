"""Referral routing: carecoord against pandas and polars on the same data.

Generates a seeded directory of 40 services (30 PCN-level services over 5
PCNs of 6 postcode districts each, 8 area-wide services, the duty GP as the
red-flag route, 1 safeguarding lead; about 15% not accepting new referrals)
and a seeded table of referrals (default 100,000: one to three needs each,
about 2% with a safeguarding concern and 1% with a red flag, a fifth urgent,
made on 65 weekdays), writes both to a temporary folder, then routes every
referral in three engines, each in a fresh process reading the same files:

- carecoord: ``Directory.route_table`` (Arrow in, Arrow out);
- polars: the same eligibility and ranking as polars expressions;
- pandas: the same as pandas/numpy vectorised code.

Eligibility: a matching need, age range, catchment (postcode district), accepting
new referrals, open on the referral's Europe/London weekday when urgent (and
not a bank holiday), consent when the service needs it. Ranking: safeguarding
lead first, red-flag route next, then more matched needs, open on the day,
local before area-wide, shorter wait, service id. Output in long form:
``referral_id, rank, service_id, matched_needs, escalate, outcome``, one row
(rank null) for a referral with nothing eligible. The outputs are asserted
identical; times are the best of ``--repeat`` (routing only, not file reading).

    python bindings-python/bench/bench_routing.py --rows 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import peak_kib, rss_kib  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

ORDINARY = [
    "loneliness", "debt", "housing", "benefits", "bereavement", "physical_activity", "befriending",
    "low_mood", "anxiety", "mobility", "falls", "carer_strain", "medication_confusion", "lifestyle",
    "self_management", "personal_care", "personal_health_budget",
]
RED_FLAGS = ["chest_pain", "suicidal_thoughts", "acute_confusion", "rapid_deterioration"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PCNS = [f"U{10001 + p}" for p in range(5)]
DISTRICTS = {pcn: [f"LS{p * 6 + d + 1}" for d in range(6)] for p, pcn in enumerate(PCNS)}


def make_directory(seed: int) -> tuple[str, list[dict[str, Any]]]:
    """The directory as TOML, and the same services as plain dicts."""
    rng = random.Random(seed)
    services: list[dict[str, Any]] = []

    def service(sid: str, needs: list[str], districts: list[str] | None) -> dict[str, Any]:
        days = sorted(rng.sample(range(5), rng.randint(2, 5))) + ([5] if rng.random() < 0.2 else [])
        return {
            "id": sid,
            "needs": needs,
            "min_age": rng.choice([None, None, 18, 65]),
            "districts": districts,
            "days": days,
            "accepting": rng.random() >= 0.15,
            "wait_days": rng.randint(1, 60),
            "consent_required": rng.random() < 0.7,
        }

    for p, pcn in enumerate(PCNS):
        for k in range(6):
            services.append(service(f"pcn{p + 1}_{k + 1}", rng.sample(ORDINARY, rng.randint(2, 4)), DISTRICTS[pcn]))
    for k in range(8):
        services.append(service(f"area_{k + 1:02}", rng.sample(ORDINARY, rng.randint(1, 3)), None))

    lines = [
        "[directory]", 'name = "bench"', 'version = "1"', "effective_from = 2026-01-01", "",
        "[escalation]", 'safeguarding_lead = "sg_lead"', 'red_flag_route = "duty_gp"', "",
        "[[service]]", 'id = "sg_lead"', 'name = "Safeguarding lead"', 'kind = "safeguarding_lead"',
        'needs = ["safeguarding"]', 'contact = "Named GP for safeguarding"', 'catchment = "everywhere"',
        'days = ["mon", "tue", "wed", "thu", "fri"]', "accepting = true", "consent_required = false", "",
        "[[service]]", 'id = "duty_gp"', 'name = "Duty GP"', 'kind = "gp_urgent"',
        f"needs = {json.dumps(RED_FLAGS)}", 'catchment = "everywhere"',
        'days = ["mon", "tue", "wed", "thu", "fri"]', "accepting = true", "consent_required = false", "",
    ]
    for s in services:
        lines += ["[[service]]", f'id = "{s["id"]}"', f'name = "{s["id"]}"', 'kind = "bench"', f"needs = {json.dumps(s['needs'])}"]
        if s["min_age"] is not None:
            lines.append(f"min_age = {s['min_age']}")
        lines.append('catchment = "everywhere"' if s["districts"] is None else f"catchment = {{ districts = {json.dumps(s['districts'])} }}")
        lines.append(f"days = {json.dumps([DAYS[d] for d in s['days']])}")
        lines += [f"accepting = {str(s['accepting']).lower()}", f"wait_days = {s['wait_days']}",
                  f"consent_required = {str(s['consent_required']).lower()}", ""]
    return "\n".join(lines), services


def make_referrals(rows: int, seed: int) -> Any:
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    pcn = rng.integers(0, len(PCNS), rows)
    # Most people live in their PCN's districts; some just outside all of them.
    district_index = rng.integers(0, 6, rows)
    outside = rng.random(rows) < 0.05
    district = [f"LS{90 + d}" if o else DISTRICTS[PCNS[p]][d] for p, d, o in zip(pcn, district_index, outside)]
    n_needs = rng.choice([1, 2, 3], rows, p=[0.5, 0.35, 0.15])
    needs = []
    for i, n in enumerate(n_needs):
        chosen = list(rng.choice(ORDINARY, n, replace=False))
        u = rng.random()
        if u < 0.02:
            chosen.append("safeguarding")
        elif u < 0.03:
            chosen.append(RED_FLAGS[i % 4])
        needs.append(chosen)
    # 65 weekdays from Monday 12 January 2026, 08:00 to 17:59 UK time (GMT then).
    weekdays = [d for d in (dt.date(2026, 1, 12) + dt.timedelta(days=k) for k in range(91)) if d.weekday() < 5][:65]
    day = rng.integers(0, len(weekdays), rows)
    minute = rng.integers(8 * 60, 18 * 60, rows)
    at = [dt.datetime.combine(weekdays[d], dt.time(m // 60, m % 60), tzinfo=dt.timezone.utc) for d, m in zip(day, minute)]
    return pa.table({
        "id": [f"R{i:07}" for i in range(rows)],
        "age": rng.integers(18, 101, rows),
        "sex": rng.choice(["female", "male"], rows),
        "district": district,
        "pcn": [PCNS[p] for p in pcn],
        "needs": pa.array(needs, pa.list_(pa.string())),
        "urgency": rng.choice(["routine", "urgent", "asap"], rows, p=[0.8, 0.15, 0.05]),
        "consent": rng.choice(["given", "not_asked", "refused"], rows, p=[0.85, 0.1, 0.05]),
        "at": pa.array(at, pa.timestamp("us", tz="UTC")),
    })




def bank_holidays() -> list[dt.date]:
    from carecoord.time import bank_holidays as holidays

    return [h.date for y in (2025, 2026, 2027) for h in holidays(y)]


def vocabulary_order() -> dict[str, int]:
    """Need tag → its position in the directory's vocabulary (output order)."""
    from carecoord.routing import Directory

    d = Directory.from_toml(Path(os.environ["BENCH_DIRECTORY"]))
    return {n[0]: i for i, n in enumerate(d.needs)}


def service_frame(services: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[tuple[str, str]], list[tuple[str, str]]]:
    """Ordinary services' attributes, their (service, need) pairs, their (service, district) pairs."""
    attrs = [{
        "service_id": s["id"],
        "min_age": -1 if s["min_age"] is None else s["min_age"],
        "everywhere": s["districts"] is None,
        "day_bits": sum(1 << d for d in s["days"]),
        "accepting": s["accepting"],
        "wait_days": s["wait_days"],
        "consent_required": s["consent_required"],
    } for s in services]
    needs = [(s["id"], n) for s in services for n in s["needs"]]
    districts = [(s["id"], d) for s in services for d in (s["districts"] or [])]
    return attrs, needs, districts


# --- polars -----------------------------------------------------------------

def run_polars(data: str, services: list[dict[str, Any]]) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    import polars as pl

    refs = pl.read_parquet(data)
    order = vocabulary_order()
    attrs, pairs, areas = service_frame(services)
    svc = pl.DataFrame(attrs)
    svc_needs = pl.DataFrame(pairs, schema=["service_id", "need"], orient="row")
    svc_areas = pl.DataFrame(areas, schema=["service_id", "district"], orient="row").with_columns(local_hit=pl.lit(True))
    need_rank = pl.DataFrame({"need": list(order), "need_order": list(order.values())})
    holidays = pl.Series(bank_holidays())
    red = set(RED_FLAGS)

    def route() -> Any:
        r = refs.with_row_index("row").with_columns(
            day=pl.col("at").dt.convert_time_zone("Europe/London").dt.date(),
        ).with_columns(
            weekday_bit=pl.lit(2, pl.Int64).pow(pl.col("day").dt.weekday().cast(pl.Int64) - 1),
            holiday=pl.col("day").is_in(holidays.implode()),
            urgent=pl.col("urgency") != "routine",
        )
        exploded = r.select("row", "needs").explode("needs").rename({"needs": "need"}).join(need_rank, on="need")
        # Candidate (referral, service) pairs sharing at least one need.
        cand = (
            exploded.join(svc_needs, on="need")
            .group_by("row", "service_id")
            .agg(pl.col("need").sort_by("need_order").alias("matched_needs"), pl.len().alias("n"))
            .join(r.select("row", "age", "district", "weekday_bit", "holiday", "urgent", "consent"), on="row")
            .join(svc, on="service_id")
            .join(svc_areas, on=["service_id", "district"], how="left")
            .with_columns(
                in_area=pl.col("everywhere") | pl.col("local_hit").fill_null(False),
                open=((pl.col("day_bits") & pl.col("weekday_bit")) != 0) & ~pl.col("holiday"),
            )
            .with_columns(
                ok_but_consent=(pl.col("age") >= pl.col("min_age")) & pl.col("in_area") & pl.col("accepting")
                & (~pl.col("urgent") | pl.col("open")),
                consent_ok=~pl.col("consent_required") | (pl.col("consent") == "given"),
            )
        )
        eligible = cand.filter(pl.col("ok_but_consent") & pl.col("consent_ok")).select(
            "row", "service_id", "matched_needs", "n", "open", local=~pl.col("everywhere"), wait="wait_days",
            group=pl.lit(2),
        )
        consent_only = cand.filter(pl.col("ok_but_consent") & ~pl.col("consent_ok")).select("row").unique().with_columns(consent_helps=pl.lit(True))
        sg = exploded.filter(pl.col("need") == "safeguarding").select(
            "row", service_id=pl.lit("sg_lead"), matched_needs=pl.concat_list(pl.col("need")), group=pl.lit(0))
        rf = (exploded.filter(pl.col("need").is_in(list(red))).group_by("row")
              .agg(pl.col("need").sort_by("need_order").alias("matched_needs"))
              .with_columns(service_id=pl.lit("duty_gp"), group=pl.lit(1)))
        esc = pl.concat([sg, rf.select(sg.columns)]).with_columns(
            n=pl.lit(0, pl.UInt32), open=pl.lit(False), local=pl.lit(False), wait=pl.lit(0, pl.Int64))
        ranked = (
            pl.concat([esc.select(eligible.columns), eligible.with_columns(pl.col("n").cast(pl.UInt32), pl.col("wait").cast(pl.Int64))])
            .sort(["row", "group", "n", "open", "local", "wait", "service_id"],
                  descending=[False, False, True, True, True, False, False])
            .with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).over("row"))
        )
        summary = (
            r.select("row", "id")
            .join(ranked.group_by("row").agg(esc=(pl.col("group") < 2).any(), any=pl.len() > 0), on="row", how="left")
            .join(consent_only, on="row", how="left")
            .with_columns(outcome=pl.when(pl.col("esc").fill_null(False)).then(pl.lit("escalated"))
                          .when(pl.col("any").fill_null(False)).then(pl.lit("routed"))
                          .when(pl.col("consent_helps").fill_null(False)).then(pl.lit("needs_consent"))
                          .otherwise(pl.lit("unmet")))
        )
        out = (
            summary.join(ranked, on="row", how="left")
            .sort(["row", "rank"], nulls_last=True)
            .select(
                referral_id="id", rank="rank", service_id="service_id",
                matched_needs=pl.col("matched_needs").fill_null(pl.lit([], pl.List(pl.String))),
                escalate=(pl.col("group") < 2).fill_null(False), outcome="outcome",
            )
        )
        return out

    return route, lambda out: out.to_arrow()


# --- pandas -----------------------------------------------------------------

def run_pandas(data: str, services: list[dict[str, Any]]) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    refs = pq.read_table(data).to_pandas()
    order = vocabulary_order()
    attrs, pairs, areas = service_frame(services)
    svc = pd.DataFrame(attrs)
    svc_needs = pd.DataFrame(pairs, columns=["service_id", "need"])
    svc_areas = pd.DataFrame(areas, columns=["service_id", "district"]).assign(local_hit=True)
    holidays = set(bank_holidays())
    red = set(RED_FLAGS)

    def route() -> Any:
        r = refs.reset_index(drop=True)
        r["row"] = np.arange(len(r))
        day = r["at"].dt.tz_convert("Europe/London")
        r["weekday_bit"] = np.left_shift(1, day.dt.weekday.to_numpy().astype(np.int64))
        r["holiday"] = day.dt.date.isin(holidays)
        r["urgent"] = r["urgency"] != "routine"
        exploded = r[["row", "needs"]].explode("needs").rename(columns={"needs": "need"})
        exploded["need_order"] = exploded["need"].map(order)
        cand = exploded.merge(svc_needs, on="need").sort_values(["row", "service_id", "need_order"])
        grouped = cand.groupby(["row", "service_id"], sort=False)
        cand = grouped["need"].agg(list).rename("matched_needs").to_frame()
        cand["n"] = grouped.size()
        cand = cand.reset_index()
        cand = cand.merge(r[["row", "age", "district", "weekday_bit", "holiday", "urgent", "consent"]], on="row")
        cand = cand.merge(svc, on="service_id").merge(svc_areas, on=["service_id", "district"], how="left")
        in_area = cand["everywhere"] | cand["local_hit"].fillna(False).astype(bool)
        cand["open"] = ((cand["day_bits"] & cand["weekday_bit"]) != 0) & ~cand["holiday"]
        ok_but_consent = (cand["age"] >= cand["min_age"]) & in_area & cand["accepting"] & (~cand["urgent"] | cand["open"])
        consent_ok = ~cand["consent_required"] | (cand["consent"] == "given")
        eligible = cand[ok_but_consent & consent_ok].assign(local=lambda c: ~c["everywhere"], wait=lambda c: c["wait_days"], group=2)
        consent_helps = set(cand.loc[ok_but_consent & ~consent_ok, "row"])
        sg = exploded[exploded["need"] == "safeguarding"].assign(service_id="sg_lead", group=0)
        sg["matched_needs"] = [["safeguarding"]] * len(sg)
        rf = exploded[exploded["need"].isin(red)].sort_values(["row", "need_order"]).groupby("row")["need"].agg(list)
        rf = rf.rename("matched_needs").reset_index().assign(service_id="duty_gp", group=1)
        cols = ["row", "group", "service_id", "matched_needs", "n", "open", "local", "wait"]
        esc = pd.concat([sg, rf]).assign(n=0, open=False, local=False, wait=0)
        ranked = pd.concat([esc[cols], eligible[cols]], ignore_index=True)
        ranked = ranked.sort_values(["row", "group", "n", "open", "local", "wait", "service_id"],
                                    ascending=[True, True, False, False, False, True, True], kind="stable")
        ranked["rank"] = ranked.groupby("row").cumcount() + 1
        has_esc = set(ranked.loc[ranked["group"] < 2, "row"])
        has_any = set(ranked["row"])
        outcome = np.where(r["row"].isin(has_esc), "escalated",
                           np.where(r["row"].isin(has_any), "routed",
                                    np.where(r["row"].isin(consent_helps), "needs_consent", "unmet")))
        summary = pd.DataFrame({"row": r["row"], "referral_id": r["id"], "outcome": outcome})
        out = summary.merge(ranked, on="row", how="left").sort_values(["row", "rank"], kind="stable")
        return pd.DataFrame({
            "referral_id": out["referral_id"].to_numpy(),
            "rank": out["rank"].astype("UInt32").to_numpy(),
            "service_id": out["service_id"].to_numpy(),
            "matched_needs": [m if isinstance(m, list) else [] for m in out["matched_needs"]],
            "escalate": (out["group"] < 2).to_numpy(),
            "outcome": out["outcome"].to_numpy(),
        })

    return route, lambda out: pa.Table.from_pandas(out, preserve_index=False)


# --- carecoord --------------------------------------------------------------

def run_carecoord(data: str, services: list[dict[str, Any]]) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    import pyarrow.parquet as pq

    from carecoord.routing import Directory

    table = pq.read_table(data)
    directory = Directory.from_toml(Path(os.environ["BENCH_DIRECTORY"]))
    return (lambda: directory.route_table(table)), (lambda out: out)


ENGINES = {"carecoord": run_carecoord, "polars": run_polars, "pandas": run_pandas}


def child(engine: str, data: str, services_path: str, repeat: int, out_path: str) -> None:
    """Runs one engine in this process and prints a JSON line of results."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    services = json.loads(Path(services_path).read_text())
    route, to_arrow = ENGINES[engine](data, services)
    base = rss_kib()
    times = []
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = route()
        times.append(time.perf_counter() - start)
    peak = peak_kib() - base
    t = to_arrow(out)
    # One encoding for comparison: dictionary or not is an encoding choice.
    t = pa.table({
        "referral_id": t.column("referral_id").cast(pa.string()),
        "rank": t.column("rank").cast(pa.uint32()),
        "service_id": t.column("service_id").cast(pa.string()),
        "matched_needs": pa.array(t.column("matched_needs").to_pylist(), pa.list_(pa.string())),
        "escalate": t.column("escalate").cast(pa.bool_()),
        "outcome": t.column("outcome").cast(pa.string()),
    })
    pq.write_table(t, out_path)
    print(json.dumps({"engine": engine, "best_s": min(times), "times_s": times, "peak_extra_mib": peak / 1024, "rows_out": t.num_rows}))


def main() -> None:
    parser = argparse.ArgumentParser(description="carecoord vs pandas vs polars: referral routing")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", choices=sorted(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--services", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        child(args.engine, args.data, args.services, args.repeat, args.out)
        return

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        toml_text, services = make_directory(args.seed)
        directory = os.path.join(tmp, "directory.toml")
        Path(directory).write_text(toml_text)
        services_path = os.path.join(tmp, "services.json")
        Path(services_path).write_text(json.dumps(services))
        data = os.path.join(tmp, "referrals.parquet")
        pq.write_table(make_referrals(args.rows, args.seed), data)
        env = dict(os.environ, BENCH_DIRECTORY=directory)
        results = {}
        for engine in ["carecoord", "polars", "pandas"]:
            out = os.path.join(tmp, f"{engine}.parquet")
            proc = subprocess.run(
                [sys.executable, __file__, "--engine", engine, "--data", data, "--services", services_path,
                 "--out", out, "--repeat", str(args.repeat)],
                capture_output=True, text=True, env=env,
            )
            if proc.returncode != 0:
                sys.exit(f"{engine} failed:\n{proc.stderr}")
            results[engine] = json.loads(proc.stdout.strip().splitlines()[-1])
            results[engine]["table"] = pq.read_table(out)

        reference = results["carecoord"]["table"]
        for engine in ["polars", "pandas"]:
            other = results[engine]["table"]
            if not other.equals(reference):
                a, b = reference.to_pylist(), other.to_pylist()
                first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                sys.exit(f"{engine} output differs from carecoord at row {first}: "
                         f"{a[first] if first < len(a) else None} vs {b[first] if first < len(b) else None}")
        rank = reference.column("rank")
        firsts = reference.filter(pc.or_(pc.fill_null(pc.equal(rank, 1), False), pc.is_null(rank)))
        outcomes = firsts.column("outcome").to_pylist()
        cores = os.cpu_count()
        print(f"referral routing, {args.rows:,} referrals x {len(services) + 2} services, {cores} cores, "
              f"best of {args.repeat}; outputs identical ({reference.num_rows:,} rows; "
              + ", ".join(f"{k} {outcomes.count(k):,}" for k in ["escalated", "routed", "needs_consent", "unmet"]) + ")")
        print(f"{'engine':<10} {'seconds':>9} {'ns/referral':>12} {'peak MiB':>9} {'x carecoord':>12}")
        base = results["carecoord"]["best_s"]
        for engine in ["carecoord", "polars", "pandas"]:
            r = results[engine]
            print(f"{engine:<10} {r['best_s']:>9.3f} {r['best_s'] / args.rows * 1e9:>12.0f} {r['peak_extra_mib']:>9.0f} {r['best_s'] / base:>11.1f}x")


if __name__ == "__main__":
    main()
