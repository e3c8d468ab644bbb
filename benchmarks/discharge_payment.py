"""Betalningsansvar benchmark: a year of a county's discharges counted and priced. Figures to
read, never pass/fail.

    uv run python benchmarks/discharge_payment.py              # 60,000 stays (a county's year)
    uv run python benchmarks/discharge_payment.py --n 200000   # another size
    uv run python benchmarks/discharge_payment.py --quick      # 5,000 stays (CI smoke)

Synthetic stays of Region Gävleborg's ten kommuner in 2026 (generated with numpy straight
into the batch frame, timed apart): admission, notices, utskrivningsklar, discharge, a few
deaths, missing notices, still admitted at the year's end. Timed, best of 3:

- baseline: ``payment_days`` stay by stay (the single path with its explanation), in Python
- ``payment_days_batch`` over the whole year with the law's terms, and with a local
  agreement's terms (cut-off hour, day zero, own amount)
- the twelve monthly invoicing runs (``since``/``until`` per month) over the year's stays
- the revision question "what would 1 day after the notice have cost each kommun"

Each figure is printed with its ratio to the baseline measured in the same run, so the
ratios stay comparable on a loaded machine. The batch and the single path must agree on
every stay's days and amount; the script checks it and says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from samverkan.rules import (  # noqa: E402
    REGIONS,
    DischargeStay,
    days_cost_simulation,
    discharge_terms,
    payment_days,
    payment_days_batch,
)

YEAR = 2026
LOCAL = {
    "from": dt.date(YEAR, 1, 1),
    "name": "lokal överenskommelse (benchmark)",
    "cutoff": "12:00",
    "days_after_notice": {"somatic": 2, "psychiatric": 5},
    "count_from_day_zero": True,
    "amount_per_day": 9000,
}


def generate(n: int, seed: int = 7) -> tuple[pl.DataFrame, list[str]]:
    """n stays admitted during the year, as the batch frame, and each stay's kommun."""
    rng = np.random.default_rng(seed)
    start = np.datetime64(f"{YEAR}-01-01T00:00", "s")
    year_s = 365 * 86400
    admitted = start + rng.integers(0, year_s, n).astype("timedelta64[s]")

    def after(base: np.ndarray, mean_h: float) -> np.ndarray:
        return base + (rng.exponential(mean_h * 3600, n)).astype("int64").astype("timedelta64[s]")

    admission_notice = after(admitted, 10)
    ready = after(admitted, 24 * 5)
    ready_notice = after(ready, 3)
    discharged = after(ready_notice, 24 * 2.5)
    psychiatric = rng.random(n) < 0.12
    needs = rng.random(n) < 0.35

    def some_missing(values: np.ndarray, share: float) -> list[Any]:
        gone = rng.random(n) < share
        out = values.astype("datetime64[us]").astype(object)
        out[gone] = None
        return list(out)

    end = np.datetime64(f"{YEAR + 1}-01-01T00:00", "s")
    # still admitted at the year's end: no discharge yet
    discharged_list = some_missing(
        np.where(discharged >= end, np.datetime64("NaT"), discharged), 0.0
    )
    discharged_list = [None if d is None or d != d else d for d in discharged_list]
    frame = pl.DataFrame(
        {
            "care_type": np.where(psychiatric, "psychiatric", "somatic"),
            "admitted_at": admitted.astype("datetime64[us]"),
            "admission_notice_at": some_missing(admission_notice, 0.03),
            "ready_at": ready.astype("datetime64[us]"),
            "ready_notice_at": some_missing(ready_notice, 0.02),
            "needs_municipal_insatser": needs,
            "discharged_at": discharged_list,
            "died": rng.random(n) < 0.02,
        }
    ).with_columns(
        pl.col(c).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        for c in (
            "admitted_at",
            "admission_notice_at",
            "ready_at",
            "ready_notice_at",
            "discharged_at",
        )
    )
    frame = frame.with_columns(pl.col("died") & pl.col("discharged_at").is_not_null())
    kommuner = sorted(REGIONS["gavleborg"].municipalities)
    kommun = [kommuner[i] for i in rng.integers(0, len(kommuner), n)]
    return frame, kommun


def as_stays(frame: pl.DataFrame) -> list[DischargeStay]:
    return [DischargeStay(**row) for row in frame.iter_rows(named=True)]


def best(fn: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=float, default=60_000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 5_000 if args.quick else int(args.n)
    until = dt.date(YEAR, 12, 31)

    t = time.perf_counter()
    frame, kommun = generate(n)
    stays = as_stays(frame)
    generate_s = time.perf_counter() - t
    law = discharge_terms(dt.date(YEAR, 6, 1))
    local = discharge_terms(dt.date(YEAR, 6, 1), LOCAL)
    print(
        f"{n:,} stays of {YEAR} (Region Gävleborg's ten kommuner), generated in {generate_s:.2f} s"
    )
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")

    base_s, singles = best(
        lambda: [payment_days(s, law, until) for s in stays], runs=1 if n > 100_000 else 3
    )
    print(f"\n  {'baseline: payment_days stay by stay (Python)':<58} {base_s:7.3f} s   1.00×")

    def row(label: str, seconds: float) -> None:
        print(f"  {label:<58} {seconds:7.3f} s   {base_s / seconds:5.1f}× faster")

    batch_s, batch = best(lambda: payment_days_batch(frame, law, until))
    row("payment_days_batch, the law's terms", batch_s)
    local_s, _ = best(lambda: payment_days_batch(frame, local, until))
    row("payment_days_batch, a local agreement's terms", local_s)
    months = [
        (
            dt.date(YEAR, m, 1),
            (dt.date(YEAR, m + 1, 1) if m < 12 else dt.date(YEAR + 1, 1, 1)) - dt.timedelta(days=1),
        )
        for m in range(1, 13)
    ]
    monthly_s, monthly = best(
        lambda: [payment_days_batch(frame, law, hi, lo)["amount"].sum() for lo, hi in months]
    )
    row("twelve monthly invoicing counts (since/until per month)", monthly_s)
    sim_s, sim = best(lambda: days_cost_simulation(frame, law, until, 1, group=kommun))
    row("revision: 1 day after the notice, per kommun", sim_s)

    agree = all(
        (r.days, r.amount) == (d, a)
        for r, d, a in zip(singles, batch["days"], batch["amount"], strict=True)
    )
    total = batch["amount"].sum()
    print(f"\n  batch and single path agree on every stay: {agree}")
    print(f"  days of betalningsansvar: {batch['days'].sum():,}, amount {total:,.0f} kr")
    print(f"  the twelve months add up to the year: {sum(monthly) == total}")
    print("  what 1 day after the notice would have cost (kr, now → then):")
    for code, (now, then) in sim.items():
        print(
            f"    {code} {REGIONS['gavleborg'].municipalities[code]:<12} {now:>14,.0f} → {then:>14,.0f}"
        )
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
