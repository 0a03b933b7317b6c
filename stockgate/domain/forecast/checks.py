"""The frame the ``forecasts`` validation suite checks: forecasts plus each series' limit from its history."""

from __future__ import annotations

import numpy as np
import pandas as pd

FAR_FACTOR = 2.0
"""A period forecast above this multiple of the series' largest period in history is flagged (warning)."""


def forecast_check_frame(forecasts: pd.DataFrame, sales: pd.DataFrame, *, factor: float = FAR_FACTOR) -> pd.DataFrame:
    """``forecasts`` with ``history_limit`` (factor x largest period demand, at least 1 unit) and ``_row`` (the
    line in the CSV the forecast command writes: header is line 1)."""
    top = sales.assign(unique_id=sales["unique_id"].astype(str)).groupby("unique_id")["y"].max()
    out = forecasts.reset_index(drop=True).copy()
    limit = out["unique_id"].astype(str).map(top).to_numpy(dtype=float)
    out["history_limit"] = np.maximum(np.nan_to_num(limit, nan=0.0) * factor, 1.0)
    out["_row"] = np.arange(len(out), dtype=np.int64) + 2
    return out
