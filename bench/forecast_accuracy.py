"""Accuracy and time on the Kaggle store-item data, last 28 days held out, all methods side by side in one run.

    nice uv run --group bench python bench/forecast_accuracy.py [--data ../shared/data/storeitem/train.csv]
        [--ets-series 500] [--skip-ets]

Methods: seasonal naive (7 days), statsmodels ETS per series (damped trend + weekly season), mlforecast with
LightGBM (recursive, lags and rolling means, calendar features), and Stockgate's Forecaster with its defaults.
Every LightGBM runs single-threaded (OMP_NUM_THREADS=1), as Stockgate's workers do.
Targets: Stockgate mean RMSSE <= 0.500, its wall time <= mlforecast's, P10-P90 coverage 75-85 %.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from forecast_common import coverage, report, scores, timed

from stockgate.domain.forecast import Forecaster
from stockgate.domain.forecast.models.ets import ets
from stockgate.domain.forecast.panel import build_panel

H = 28
CUTOFF = pd.Timestamp("2017-12-03")
REFERENCES = ("mlforecast 0.505 (README: 0.506, 17-40 s), statsmodels ETS 0.885, seasonal naive 1.136; "
              "floor about 0.498 (Poisson noise)")  # fmt: skip


def load(path: Path) -> pd.DataFrame:
    """The store-item file as ``unique_id, ds, y`` (plain pandas)."""
    raw = pd.read_csv(path, parse_dates=["date"])
    uid = raw["store"].astype(str) + "/" + raw["item"].astype(str)
    return pd.DataFrame({"unique_id": uid, "ds": raw["date"], "y": raw["sales"].astype(float)})


def run_seasonal_naive(train: pd.DataFrame) -> pd.DataFrame:
    """Seasonal naive (7 days) through the Forecaster with only that model."""
    return Forecaster(models=("seasonal_naive",)).fit(train).predict(H)


def run_ets(train: pd.DataFrame, limit: int) -> pd.DataFrame:
    """statsmodels ETSModel per series on the last two years (the Forecaster's ETS model), ``limit`` series."""
    panel = build_panel(train)
    rows = np.arange(min(limit, panel.n))
    result = ets(panel.y[rows], h=H, season_length=7)
    dates = panel.future_dates(H)
    return pd.DataFrame({"unique_id": np.repeat(panel.ids[rows], H).astype(str), "ds": np.tile(dates, len(rows)),
                         "forecast": result.forecast.ravel()})  # fmt: skip


def run_mlforecast(train: pd.DataFrame) -> pd.DataFrame:
    """mlforecast LightGBM: lags 7..364, rolling means, calendar features, Tweedie, recursive."""
    import lightgbm as lgb
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import RollingMean

    model = lgb.LGBMRegressor(objective="tweedie", n_estimators=500, learning_rate=0.05, num_leaves=63,
                              n_jobs=1, verbosity=-1)  # fmt: skip
    mlf = MLForecast(models={"lgbm": model}, freq="D", lags=[7, 14, 21, 28, 364],
                     lag_transforms={7: [RollingMean(7), RollingMean(28)], 28: [RollingMean(28), RollingMean(91)]},
                     date_features=["dayofweek", "month", "dayofyear"], num_threads=1)  # fmt: skip
    mlf.fit(train, static_features=[])
    return mlf.predict(H).rename(columns={"lgbm": "forecast"})


def run_stockgate(train: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """Stockgate's Forecaster with default settings (model choice by backtest, quantiles, summary)."""
    fc = Forecaster()
    out = fc.fit(train).predict(H)
    fc.summary()
    return out, fc.timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared/data/storeitem/train.csv"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument(
        "--ets-series", type=int, default=500, help="ETS on the first N series (slow: ~0.2-0.4 s each)."
    )
    parser.add_argument("--skip-ets", action="store_true")
    args = parser.parse_args()
    sales = load(args.data)
    train, test = sales[sales["ds"] <= CUTOFF], sales[sales["ds"] > CUTOFF]
    rows: list[dict[str, Any]] = []
    out, sec = timed(lambda: run_seasonal_naive(train))
    rows.append({"method": "seasonal naive (7)", **scores(train, test, out), "seconds": sec})
    if not args.skip_ets:
        out, sec = timed(lambda: run_ets(train, args.ets_series))
        part = test[test["unique_id"].isin(set(out["unique_id"]))]
        rows.append({"method": f"statsmodels ETS ({out['unique_id'].nunique()} series)", **scores(train, part, out),
                     "seconds": sec})  # fmt: skip
    out, ml_sec = timed(lambda: run_mlforecast(train))
    rows.append({"method": "mlforecast LightGBM", **scores(train, test, out), "seconds": ml_sec})
    (out, stages), sg_sec = timed(lambda: run_stockgate(train))
    rows.append({"method": "Stockgate Forecaster", **scores(train, test, out), "seconds": sg_sec,
                 "coverage_p10_p90": coverage(test, out)})  # fmt: skip
    stock = rows[-1]
    extra = {"stockgate_stages_s": stages, "targets": {"rmsse": 0.5, "coverage": [0.75, 0.85]},
             "met": {"rmsse": stock["rmsse"] <= 0.5, "time_vs_mlforecast": sg_sec <= ml_sec,
                     "coverage": 0.75 <= stock["coverage_p10_p90"] <= 0.85}}  # fmt: skip
    report("Forecast accuracy: store-item, 500 series, holdout 2017-12-04..2017-12-31", rows, extra, REFERENCES)


if __name__ == "__main__":
    main()
