"""How long input validation takes on a large sales file with bad rows.

    nice uv run python bench/validate_speed.py [--rows 1000000] [--bad 0.01] [--repeat 3] [--json out.json]

Builds typed frames in memory (as the loaders return them): ``--rows`` sales rows over 10,000 series, with a
``--bad`` share of rows holding negative units (returns: a warning that quarantines them), plus a 1,000-SKU
catalog. Measures, best of ``--repeat``:

- ``import``: importing Great Expectations (first time in this process);
- ``sales suite, clean``: ``run_suite("sales")`` with no bad row;
- ``sales suite, bad``: the same with bad rows and full failing-row detail (COMPLETE result format);
- ``validate_inputs``: all four suites, quarantine file, result JSON and Data Docs written to a temp folder.

Prints a table and JSON. REFERENCE holds the figures measured when this script was written and the
platform-facts figure for GX on 1M rows with 1 % bad rows (about 1.3 s, full failing-row detail).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REFERENCE = {
    "platform-facts (GX 1.24.1, 1M rows, 1 % bad, full failing-row detail)": 1.3,
    "measured here (2026-11-21, 2 shared busy cores, nice)": {
        "import great_expectations": 7.6,
        "sales suite, clean (14 rules)": 0.77,
        "sales suite, 1% bad, full row detail": 2.25,
        "validate_inputs (4 suites + files + Data Docs)": 4.2,
    },
}
TODAY = date(2026, 11, 21)


def frames(rows: int, bad: float, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Typed contract frames: sales with ``bad`` share of negative units, a 1,000-SKU catalog, 2 suppliers."""
    rng = np.random.default_rng(seed)
    series = np.arange(rows) % 10_000
    days = np.arange(rows) // 10_000
    units = rng.poisson(3.0, rows).astype("float64")
    units[rng.choice(rows, int(rows * bad), replace=False)] = -1.0
    skus = np.char.add("SKU", (series % 1000).astype(str))
    sales = pd.DataFrame(
        {
            "sku": pd.array(skus, dtype="str"),
            "location": pd.array(np.char.add("S", (series // 1000).astype(str)), dtype="str"),
            "date": (pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")).astype("datetime64[ns]"),
            "units": units,
            "price": 2.5,
            "promo": False,
            "_row": np.arange(rows, dtype="int64") + 2,
        }
    )
    return {"sales": sales, **_master_frames()}


def _master_frames() -> dict[str, pd.DataFrame]:
    sku = pd.array([f"SKU{i}" for i in range(1000)], dtype="str")
    catalog = pd.DataFrame(
        {"sku": sku, "name": sku, "category": "c", "supplier_id": pd.array(["SUP1", "SUP2"] * 500, dtype="str"),
         "unit_cost": 1.0, "price": 2.5, "pack_size": 6, "moq": 12, "shelf_life_days": np.nan, "status": "active"}
    )  # fmt: skip
    suppliers = pd.DataFrame(
        {"supplier_id": ["SUP1", "SUP2"], "name": ["A", "B"], "lead_time_mean_days": [5.0, 3.0],
         "lead_time_std_days": [1.0, 0.5], "review_period_days": [7, 7], "order_days": ["Mon", "Tue,Fri"],
         "budget": [np.nan, 1000.0], "currency": ["EUR", "EUR"], "approver_group": ["ops", "ops"]}
    )  # fmt: skip
    inventory = pd.DataFrame(
        {"snapshot_date": pd.Timestamp("2026-11-20"), "sku": sku, "location": "S0", "on_hand": 10.0,
         "backorders": 0.0, "on_order": 0.0, "on_order_due": pd.NaT}
    )  # fmt: skip
    out = {"catalog": catalog, "suppliers": suppliers, "inventory": inventory}
    return {k: v.assign(_row=np.arange(len(v), dtype="int64") + 2) for k, v in out.items()}


def best(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bad", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    start = time.perf_counter()
    import great_expectations  # noqa: F401

    import_s = time.perf_counter() - start
    from stockgate.adapters.sources import InputBundle
    from validations.inputs import suite_parameters, validate_inputs
    from validations.runner import run_suite

    clean, dirty = frames(args.rows, 0.0), frames(args.rows, args.bad)
    params = suite_parameters(dirty, today=TODAY)["sales"]
    clean_s, _ = best(lambda: run_suite("sales", clean["sales"], suite_parameters=params), args.repeat)
    bad_s, result = best(lambda: run_suite("sales", dirty["sales"], suite_parameters=params), args.repeat)
    failing = sum(len(o.failing_rows) for o in result.warnings)
    with tempfile.TemporaryDirectory() as tmp:
        bundle = InputBundle(**dirty, files={k: Path(f"{k}.csv") for k in dirty}, freq="D")
        full_s, report = best(lambda: validate_inputs(bundle, out_dir=Path(tmp), today=TODAY), 1)
        result_mib = (Path(tmp) / "validation_result.json").stat().st_size / 2**20
    rows = [
        ("import great_expectations", import_s),
        ("sales suite, clean (14 rules)", clean_s),
        (f"sales suite, {args.bad:.0%} bad, full row detail", bad_s),
        ("validate_inputs (4 suites + files + Data Docs)", full_s),
    ]
    print(f"{args.rows:,} sales rows, {failing:,} failing rows named, {report.quarantined['sales']:,} quarantined")
    print(f"{'step':<50} {'seconds':>8}")
    for name, seconds in rows:
        print(f"{name:<50} {seconds:>8.2f}")
    print(f"result JSON: {result_mib:.1f} MiB; reference: {REFERENCE}")
    payload = {
        "rows": args.rows,
        "bad_share": args.bad,
        "failing_rows": failing,
        "seconds": {name: round(s, 3) for name, s in rows},
        "result_json_mib": round(result_mib, 1),
        "reference": REFERENCE,
    }
    print(json.dumps(payload, indent=1))
    if args.json:
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
