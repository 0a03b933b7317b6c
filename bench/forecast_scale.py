"""Scale: 30,000 generated series x 730 days, forecast 28 days ahead end to end, with the time of each stage.

    nice uv run python bench/forecast_scale.py [--series 30000] [--days 730] [--horizon 28]

Stages: generate (the project's generator, in memory, with price and promotion columns), panel, backtest
(all candidate models), final fit, calibration, predict (daily quantiles), windows (lead-time quantiles for every
series), summary (choice, confidence, explanation). Targets: forecast end to end (everything after generate)
<= 10 min, peak memory <= 8 GiB, on 2 cores.
"""

from __future__ import annotations

import argparse
import resource
import time
from typing import Any

import pandas as pd
from forecast_common import report

from stockgate.domain.forecast import Forecaster
from stockgate.domain.generator import generate_retail_data


def peak_gib() -> float:
    """Peak resident memory of this process so far, GiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=30_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--horizon", type=int, default=28)
    args = parser.parse_args()
    stages: dict[str, float] = {}
    t0 = time.perf_counter()
    data = generate_retail_data(n_series=args.series, n_days=args.days, seed=7)
    raw = data.sales
    sales = pd.DataFrame({"unique_id": raw["location"] + "/" + raw["sku"], "ds": raw["date"], "y": raw["units"],
                          "price": raw["price"], "promo": raw["promo"].astype("int8")})  # fmt: skip
    del data, raw
    stages["generate"] = time.perf_counter() - t0
    started = time.perf_counter()
    fc = Forecaster().fit(sales)
    daily = fc.predict(args.horizon, quantiles=(0.1, 0.5, 0.9, 0.95))
    stages.update(fc.timings)
    t1 = time.perf_counter()
    stages["predict"] = t1 - started - sum(fc.timings.values())
    windows = pd.DataFrame({"unique_id": daily["unique_id"].unique(), "start": 0, "length": 14})
    fc.predict_window(windows, quantiles=(0.95,))
    t2 = time.perf_counter()
    stages["windows"] = t2 - t1
    summary = fc.summary()
    stages["summary"] = time.perf_counter() - t2
    total = time.perf_counter() - started
    rows: list[dict[str, Any]] = [{"stage": k, "seconds": v} for k, v in stages.items()]
    rows.append({"stage": "forecast end to end (after generate)", "seconds": total})
    extra = {"series": args.series, "days": args.days, "rows_in": len(sales), "rows_out": len(daily),
             "peak_gib": peak_gib(), "models": summary["model"].value_counts().to_dict(),
             "fallbacks": int((summary["fallback"] != "").sum()),
             "met": {"time": total <= 600, "memory": peak_gib() <= 8}}  # fmt: skip
    report(f"Forecast scale: {args.series:,} series x {args.days} days, {args.horizon} days ahead", rows, extra,
           f"targets: end to end <= 600 s, peak <= 8 GiB; peak here {peak_gib():.2f} GiB")  # fmt: skip


if __name__ == "__main__":
    main()
