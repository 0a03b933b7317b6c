"""Demand forecasting: global LightGBM, ETS, intermittent methods and seasonal naive, chosen per series by
rolling-origin backtests, with calibrated quantiles per period and per window, and plain-words explanations.

    from stockgate.domain.forecast import Forecaster
    fc = Forecaster(freq="D").fit(sales)            # long frame unique_id, ds, y
    daily = fc.predict(28, quantiles=(0.1, 0.5, 0.9, 0.95))
    lead_time = fc.predict_window(windows, quantiles=(0.95,))   # unique_id, start, length
    fc.summary()                                     # model, backtest_rmsse, confidence, explanation
"""

from __future__ import annotations

from stockgate.domain.forecast.engine import Forecaster
from stockgate.domain.forecast.models.lgbm import LGBMConfig
from stockgate.domain.forecast.quantiles import quantile_column

__all__ = ["Forecaster", "LGBMConfig", "quantile_column"]
