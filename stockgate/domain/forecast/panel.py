"""The dense panel every model reads: one row per series, one column per period, up to the cutoff.

Rules for the shapes real sales take (docs/forecasting.md explains them):
- a series starts at its first row; periods before it are ``NaN`` (not counted anywhere);
- a period with no row between the first row and the cutoff is a period with no sales (0), which covers gaps
  and series that stopped selling;
- negative values (net returns) are kept in ``raw`` for reporting but demand is modelled as ``max(y, 0)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stockgate.errors import ColumnError, ForecastError

REQUIRED = ("unique_id", "ds", "y")
EXOGENOUS = {"price": "mean", "promo": "max"}
"""Optional columns used as features (known up to the cutoff) and how several rows of one period combine."""


@dataclass(frozen=True)
class Panel:
    """Demand of ``n`` series over ``T`` periods: ``y`` is n x T (NaN before a series starts), ``dates`` the periods."""

    ids: np.ndarray
    dates: pd.DatetimeIndex
    y: np.ndarray
    freq: str
    season_length: int
    negatives: np.ndarray
    exog: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of series."""
        return len(self.ids)

    @property
    def cutoff(self) -> pd.Timestamp:
        """Last period with data."""
        return pd.Timestamp(self.dates[-1])

    def future_dates(self, h: int) -> pd.DatetimeIndex:
        """The ``h`` periods after the cutoff."""
        step = pd.Timedelta(days=7 if self.freq.upper().startswith("W") else 1)
        return pd.date_range(self.cutoff + step, periods=h, freq=step)


def default_season_length(freq: str) -> int:
    """7 for daily data, 52 for weekly data."""
    return 52 if freq.upper().startswith("W") else 7


def infer_freq(ds: pd.Series) -> str:
    """``"D"`` or ``"W-XXX"`` from the spacing of the dates; ForecastError for anything else."""
    uniq = pd.DatetimeIndex(ds.drop_duplicates().sort_values())
    if len(uniq) < 2:
        return "D"
    step = int(pd.Series(uniq).diff().dt.days.dropna().min())
    if step == 1:
        return "D"
    if step % 7 == 0:
        return "W-" + uniq[0].day_name()[:3].upper()
    raise ForecastError(
        f"dates are {step} days apart at the closest; Stockgate forecasts daily or weekly data.",
        hint="Aggregate the sales to days or weeks, or pass freq='D' / 'W-MON'.",
    )


def _check_columns(df: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise ColumnError(
            f"the sales frame has no column {', '.join(missing)}; it has {', '.join(map(str, df.columns))}",
            column=missing[0],
            hint="Pass a long frame with unique_id, ds and y (units).",
        )
    bad = df.index[pd.to_numeric(df["y"], errors="coerce").isna()]
    if len(bad):
        rows = df["_row"].iloc[: len(bad)].tolist() if "_row" in df.columns else [int(i) + 1 for i in bad[:10]]
        raise ForecastError(
            f"{len(bad)} rows have no numeric y (units), e.g. rows {rows[:5]}.",
            hint="Fill missing units with 0 or drop those rows before forecasting.",
        )


def build_panel(
    df: pd.DataFrame, *, freq: str | None = None, season_length: int | None = None, cutoff: pd.Timestamp | None = None
) -> Panel:
    """The dense panel of a long frame ``unique_id, ds, y``; rows after ``cutoff`` are ignored."""
    _check_columns(df)
    data = df[[*REQUIRED, *(c for c in EXOGENOUS if c in df.columns)]].copy()
    data["ds"] = pd.to_datetime(data["ds"])
    data["y"] = pd.to_numeric(data["y"]).astype(float)
    if cutoff is not None:
        data = data[data["ds"] <= pd.Timestamp(cutoff)]
    if data.empty:
        raise ForecastError("no sales rows at or before the cutoff.", hint="Check --cutoff and the date column.")
    inferred = infer_freq(data["ds"])
    if freq is not None and freq.upper() == "D" and inferred != "D":
        raise ForecastError(
            f"the sales dates are whole weeks apart ({inferred}) but daily data was asked for.",
            hint=f"Pass freq='{inferred}' (or freq=None to infer it).",
        )
    freq = freq or inferred
    step = pd.Timedelta(days=7 if freq.upper().startswith("W") else 1)
    start = data["ds"].min().normalize()
    data["ds"] = start + ((data["ds"] - start) // step) * step
    agg = {"y": "sum", **{c: how for c, how in EXOGENOUS.items() if c in data.columns}}
    for col in agg.keys() - {"y"}:
        data[col] = pd.to_numeric(data[col], errors="coerce").astype(float)
    data = data.groupby(["unique_id", "ds"], sort=True, observed=True).agg(agg).reset_index()
    end = pd.Timestamp(cutoff) if cutoff is not None else data["ds"].max()
    dates = pd.date_range(start, start + ((end - start) // step) * step, freq=step)
    return _densify(data, dates, freq, season_length or default_season_length(freq))


def _densify(data: pd.DataFrame, dates: pd.DatetimeIndex, freq: str, season_length: int) -> Panel:
    codes, ids = pd.factorize(data["unique_id"].astype(str), sort=True)
    cols = dates.get_indexer(pd.DatetimeIndex(data["ds"]))
    raw = np.zeros((len(ids), len(dates)))
    raw[codes, cols] = data["y"].to_numpy()
    first = np.full(len(ids), len(dates))
    np.minimum.at(first, codes, cols)
    inactive = np.arange(len(dates))[None, :] < first[:, None]
    negatives = (raw < 0).sum(axis=1)
    y = np.where(inactive, np.nan, np.maximum(raw, 0.0))
    exog = {col: _exog_array(data[col], codes, cols, (len(ids), len(dates)), col) for col in EXOGENOUS if col in data}
    return Panel(np.asarray(ids, dtype=object), dates, y, freq, season_length, negatives, exog)


def _exog_array(values: pd.Series, codes: np.ndarray, cols: np.ndarray, shape: tuple[int, int], col: str) -> np.ndarray:
    """n x T array of an optional column: prices carried forward over periods without a row, promo 0 there."""
    out = np.full(shape, np.nan)
    out[codes, cols] = values.to_numpy(dtype=float)
    if col == "promo":
        return np.nan_to_num(out)
    return pd.DataFrame(out).ffill(axis=1).to_numpy()
