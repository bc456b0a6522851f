"""Seeded synthetic caseload for an adult English general practice.

Everything is invented; no row describes a real person. Distributions are
rough, age-dependent approximations chosen so that rule sets meet realistic
mixes of risk factors (documented inline with their source or reasoning), not
estimates to plan services with:

- age: adult bands in roughly the proportions of England's adult population
  (ONS mid-year estimates): 18-29 19%, 30-44 25%, 45-59 25%, 60-74 19%,
  75-84 8.5%, 85+ 3.5%, uniform within a band (85+ thinning towards 104).
- efi_deficits: over-dispersed counts rising with age (mean under 1 below 50,
  about 6 at 85), capped at 36; often not recorded under 65 (null).
- medication_count, admissions, A&E attendances: Poisson counts rising with
  age and frailty; last_discharge only for people with an admission.
- pam_score: recorded for about 30%, normal around 60 (sd 12), 0-100.
- dementia, housebound: prevalence rising steeply after 65; is_carer about 8%,
  most often at 50-64; lives_alone rising with age.
- last_contact: 40% never contacted (null), otherwise days ago ~ exponential
  (mean 120 days); safeguarding_flag about 0.5%.

Run as a script to write CSV or Parquet::

    python examples/synthetic_caseload.py --rows 1000000 --seed 7 --out caseload.parquet
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa

#: The day the caseload is "as of": dates are generated relative to it.
AS_OF = dt.date(2026, 11, 23)

_AGE_BANDS = [(18, 30, 0.19), (30, 45, 0.25), (45, 60, 0.25), (60, 75, 0.19), (75, 85, 0.085), (85, 105, 0.035)]


def _ages(rng: np.random.Generator, n: int) -> np.ndarray:
    probs = np.array([p for _, _, p in _AGE_BANDS])
    band = rng.choice(len(_AGE_BANDS), size=n, p=probs / probs.sum())
    lo = np.array([b[0] for b in _AGE_BANDS])[band]
    hi = np.array([b[1] for b in _AGE_BANDS])[band]
    u = rng.random(n)
    # Thin the oldest band towards 104: square the uniform draw.
    u = np.where(band == len(_AGE_BANDS) - 1, u**2, u)
    return (lo + np.floor(u * (hi - lo))).astype(np.int64)


def _masked(values: np.ndarray, null: np.ndarray, arrow_type: pa.DataType) -> pa.Array:
    return pa.array(values, type=arrow_type, mask=null)


def generate(n: int, seed: int = 7) -> pa.Table:
    """``n`` synthetic patients, reproducible for a given ``seed``."""
    rng = np.random.default_rng(seed)
    age = _ages(rng, n)
    old = np.clip((age - 50) / 35.0, 0, None)  # 0 below 50, 1 at 85

    # eFI deficits: negative binomial around an age-dependent mean.
    efi_mean = 0.6 + 5.5 * old**1.3
    efi = np.minimum(rng.negative_binomial(3, 3 / (3 + efi_mean)), 36)
    efi_null = np.where(age < 65, rng.random(n) < 0.6, rng.random(n) < 0.05)

    frail = efi / 36.0
    meds = rng.poisson(0.5 + 6.0 * old)
    admissions = rng.poisson(0.03 + 0.25 * old + 2.0 * frail)
    ae = rng.poisson(0.15 + 0.4 * old + 1.5 * frail)
    discharge_days = rng.integers(0, 365, n)
    pam = np.clip(rng.normal(60, 12, n), 0, 100).round(1)
    dementia_p = np.select([age < 65, age < 80, age < 90], [0.001, 0.03, 0.12], 0.30)
    housebound_p = np.select([age < 65, age < 80], [0.01, 0.05], 0.15)
    carer_p = np.where((age >= 50) & (age < 65), 0.15, 0.06)
    alone_p = 0.1 + 0.25 * np.clip((age - 30) / 50.0, 0, 1)
    contact_days = np.minimum(rng.exponential(120, n).astype(np.int64), 3650)

    as_of = np.datetime64(AS_OF.isoformat(), "D")
    columns: dict[str, Any] = {
        "patient_id": pa.array([f"P{i:07d}" for i in range(n)], type=pa.string()),
        "age": pa.array(age, type=pa.int64()),
        "efi_deficits": _masked(efi.astype(np.int64), efi_null, pa.int64()),
        "lives_alone": _masked(rng.random(n) < alone_p, rng.random(n) < 0.10, pa.bool_()),
        "medication_count": _masked(meds.astype(np.int64), rng.random(n) < 0.05, pa.int64()),
        "emergency_admissions_12m": _masked(admissions.astype(np.int64), rng.random(n) < 0.02, pa.int64()),
        "ae_attendances_12m": _masked(ae.astype(np.int64), rng.random(n) < 0.02, pa.int64()),
        "last_discharge": _masked(as_of - discharge_days, admissions == 0, pa.date32()),
        "pam_score": _masked(pam, rng.random(n) < 0.70, pa.float64()),
        "dementia": _masked(rng.random(n) < dementia_p, rng.random(n) < 0.02, pa.bool_()),
        "housebound": _masked(rng.random(n) < housebound_p, rng.random(n) < 0.05, pa.bool_()),
        "is_carer": _masked(rng.random(n) < carer_p, rng.random(n) < 0.10, pa.bool_()),
        "last_contact": _masked(as_of - contact_days, rng.random(n) < 0.40, pa.date32()),
        "safeguarding_flag": pa.array(rng.random(n) < 0.005, type=pa.bool_()),
    }
    return pa.table(columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True, help="a .csv or .parquet path")
    args = parser.parse_args()
    table = generate(args.rows, args.seed)
    if args.out.endswith(".parquet"):
        import pyarrow.parquet as pq

        pq.write_table(table, args.out)
    else:
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, args.out)
    print(f"wrote {table.num_rows} synthetic patients to {args.out}")


if __name__ == "__main__":
    main()
