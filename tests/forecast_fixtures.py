"""Small data for the forecasting tests: generated retail sales and literal series with known shapes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockgate.domain.forecast import Forecaster, LGBMConfig

FAST_LGBM = LGBMConfig(n_estimators=25, num_leaves=15, min_child_samples=20, max_train_rows=20_000)


def fast_forecaster(**kwargs: object) -> Forecaster:
    """A Forecaster with a tiny LightGBM so tests stay fast."""
    return Forecaster(lgbm=FAST_LGBM, **kwargs)  # type: ignore[arg-type]


def generated_sales(
    n_series: int = 12, n_days: int = 500, seed: int = 3, freq: str = "D", exog: bool = False
) -> pd.DataFrame:
    """Generated sales as ``unique_id, ds, y`` (+ ``price, promo`` with ``exog``): returns, intermittent sellers,
    late starts, promotions."""
    from stockgate.domain.generator import generate_retail_data

    sales = generate_retail_data(n_series=n_series, n_days=n_days, seed=seed, freq=freq).sales
    frame = pd.DataFrame(
        {"unique_id": sales["location"] + "/" + sales["sku"], "ds": sales["date"], "y": sales["units"]}
    )
    if exog:
        frame["price"], frame["promo"] = sales["price"], sales["promo"].astype(int)
    return frame


def poisson_series(n: int, days: int, *, rate: float = 6.0, seed: int = 0, start: str = "2024-01-01") -> pd.DataFrame:
    """``n`` series of i.i.d. Poisson(rate x weekday factor) daily demand."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    weekday = np.array([0.8, 0.9, 1.0, 1.0, 1.1, 1.4, 0.8])[dates.day_of_week]
    y = rng.poisson(rate * weekday, size=(n, days))
    return pd.DataFrame(
        {"unique_id": np.repeat([f"S/{i}" for i in range(n)], days), "ds": np.tile(dates, n), "y": y.ravel()}
    )
