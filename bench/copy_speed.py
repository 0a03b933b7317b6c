"""How fast the copy step is: picking candidates, drafting from templates, and checking (pure Python and GX).

    nice uv run python bench/copy_speed.py [--series 2000] [--days 365] [--drafts 1500] [--json out.json]

Generated data (the project's seeded generator), a naive forecast (no model fit: forecasting is measured by its own
benchmark), then: ``pick_candidates`` over all SKUs, ``draft_copy`` with the templates for every candidate on the
three channels, and the seven checks on ``--drafts`` drafts (the drafts repeated) through ``suite.check_drafts``
(pure) and ``validations.copy.validate_copy`` (the GX suite, one fresh context). Prints a table and JSON;
REFERENCE holds the figures measured when this script was written.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

REFERENCE = {
    "machine": "2 shared cores (about 8 busy engineers), Python 3.11, GX 1.24.1 (2026-11-21)",
    "args": {"series": 2000, "days": 365, "drafts": 1500},
    "counts": {"skus": 200, "candidates": 92, "drafts_checked": 1500},
    "seconds": {"pick_candidates": 0.75, "draft_templates": 0.03, "check_pure": 0.45, "check_gx": 7.85},
}


def _naive_forecast(sales: Any, days: int = 28) -> Any:
    import pandas as pd

    last = sales["date"].max()
    recent = sales[sales["date"] > last - pd.Timedelta(days=days)]
    rate = recent.groupby(["location", "sku"])["units"].sum() / days
    dates = pd.date_range(last + pd.Timedelta(days=1), periods=days, freq="D")
    ids = [f"{loc}/{sku}" for loc, sku in rate.index]
    return pd.DataFrame(
        {
            "unique_id": [i for i in ids for _ in dates],
            "ds": list(dates) * len(ids),
            "forecast": [v for v in rate.to_numpy() for _ in dates],
        }
    )


def _timed(label: str, timings: dict[str, float], func: Any, *args: Any, **kwargs: Any) -> Any:
    start = time.perf_counter()
    result = func(*args, **kwargs)
    timings[label] = round(time.perf_counter() - start, 2)
    return result


def run(series: int, days: int, n_drafts: int) -> dict[str, Any]:
    """Measure each stage; returns counts and seconds."""
    from stockgate.domain.copy.brand import load_brand
    from stockgate.domain.copy.candidates import CandidateRules, pick_candidates
    from stockgate.domain.copy.channels import CHANNELS
    from stockgate.domain.copy.generator import TemplateGenerator, draft_copy
    from stockgate.domain.copy.suite import check_drafts, suite_parameters
    from stockgate.domain.generator import generate_retail_data
    from validations.copy import validate_copy

    data = generate_retail_data(n_series=series, n_days=days, seed=7)
    forecast, brand, t = _naive_forecast(data.sales), load_brand(), {}
    candidates = _timed(
        "pick_candidates", t, pick_candidates, forecast=forecast, sales=data.sales, catalog=data.catalog,
        inventory=data.inventory, as_of=data.sales["date"].max().date(), rules=CandidateRules(max_candidates=10_000),
    )  # fmt: skip
    drafts = _timed(
        "draft_templates", t, draft_copy, candidates, channels=CHANNELS, brand=brand, generator=TemplateGenerator()
    )
    many = (drafts * (n_drafts // max(len(drafts), 1) + 1))[:n_drafts]
    recent = [{"sku": d.sku, "text": d.text or d.body or ""} for d in drafts[::3]]
    _timed("check_pure", t, check_drafts, many, params=suite_parameters(brand=brand, recent=recent))
    _timed("check_gx", t, validate_copy, many, brand=brand, recent=recent)
    counts = {"skus": int(data.catalog["sku"].nunique()), "candidates": len(candidates), "drafts_checked": len(many)}
    return {"args": {"series": series, "days": days, "drafts": n_drafts}, "counts": counts, "seconds": t}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--drafts", type=int, default=1500)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    result = run(args.series, args.days, args.drafts)
    print(f"{'stage':<18}{'seconds':>10}{'reference':>12}")
    for stage, seconds in result["seconds"].items():
        print(f"{stage:<18}{seconds:>10.2f}{REFERENCE['seconds'].get(stage, float('nan')):>12.2f}")
    print("counts:", result["counts"])
    payload = json.dumps({"result": result, "reference": REFERENCE}, indent=2)
    print(payload)
    if args.json:
        args.json.write_text(payload + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
