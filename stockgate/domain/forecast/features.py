"""Features of the global model, direct multi-horizon: every feature of a row comes from data at or before its
origin (the forecast cutoff), so one model predicts all ``h`` periods without feeding predictions back.

A row is (series, origin ``o``, horizon ``h``) with target period ``t = o + h``. The target is demand at ``t``
divided by the series level ``L`` (mean of the last year before ``o``): trees cannot extrapolate a trend, but they
can learn a ratio. Features are the calendar of ``t``, ``h``, and the recent and last-year levels relative to ``L``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockgate.domain.calendar import HOLIDAY_EFFECTS, holiday_calendar

FEATURE_GROUPS: dict[str, str] = {
    "h": "horizon",
    "dow": "weekday",
    "dow_profile": "weekday",
    "month": "season",
    "dom": "season",
    "doy": "season",
    "woy": "season",
    "holiday": "holiday",
    "m_short": "recent trend",
    "m_mid": "recent trend",
    "m_long": "recent trend",
    "ly_same": "last year",
    "ly_level": "last year",
    "ly_ahead": "last year",
    "log_level": "level",
    "zero_share": "level",
    "price_rel": "price",
    "promo_now": "promotion",
    "promo_recent": "promotion",
}
"""Each feature and the driver it stands for in explanations."""

FEATURES = tuple(FEATURE_GROUPS)
_HOLIDAY_CODES = {name: i + 1 for i, name in enumerate(HOLIDAY_EFFECTS)}


@dataclass(frozen=True)
class Windows:
    """Window lengths in periods for one frequency: year, short/mid/long recent windows, same-period half width."""

    year: int
    short: int
    mid: int
    long: int
    half: int

    @classmethod
    def for_freq(cls, freq: str) -> Windows:
        """Daily: 364/7/28/91 days; weekly: 52/4/13/26 weeks."""
        return cls(52, 4, 13, 26, 1) if freq.upper().startswith("W") else cls(364, 7, 28, 91, 3)


class Cumulative:
    """Running sums of demand and of active periods, for O(1) window means at any origin."""

    def __init__(self, y: np.ndarray) -> None:
        active = ~np.isnan(y)
        zero = np.zeros((y.shape[0], 1))
        self.sum = np.hstack([zero, np.cumsum(np.nan_to_num(y), axis=1)])
        self.count = np.hstack([zero, np.cumsum(active, axis=1)])
        self.zeros = np.hstack([zero, np.cumsum(active & (np.nan_to_num(y) == 0), axis=1)])

    def mean(self, si: np.ndarray, end: np.ndarray, w: int) -> np.ndarray:
        """Mean demand over periods ``end-w+1..end`` of series ``si`` (NaN where none is active or ``end < 0``)."""
        hi = np.clip(end + 1, 0, self.sum.shape[1] - 1)
        lo = np.clip(end + 1 - w, 0, self.sum.shape[1] - 1)
        count = self.count[si, hi] - self.count[si, lo]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, (self.sum[si, hi] - self.sum[si, lo]) / count, np.nan)

    def zero_share(self, si: np.ndarray, end: np.ndarray, w: int) -> np.ndarray:
        """Share of active periods with zero demand over the window ending at ``end``."""
        hi, lo = end + 1, np.clip(end + 1 - w, 0, None)
        count = self.count[si, hi] - self.count[si, lo]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, (self.zeros[si, hi] - self.zeros[si, lo]) / count, np.nan)


def calendar_table(dates: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Calendar features per period: weekday, month, day of month/year, ISO week, holiday code (0 = none)."""
    hol = holiday_calendar(dates.min(), dates.max() + pd.Timedelta(days=6))
    codes = pd.Series(0, index=dates)
    if not hol.empty:
        by_day = dict(zip(hol["ds"], hol["holiday"].map(_HOLIDAY_CODES), strict=True))
        weekly = len(dates) > 1 and (dates[1] - dates[0]).days == 7
        spans = [pd.date_range(d, periods=7 if weekly else 1) for d in dates]
        codes = pd.Series([max((by_day.get(x, 0) for x in s), default=0) for s in spans], index=dates)
    return {
        "dow": dates.day_of_week.to_numpy(),
        "month": dates.month.to_numpy(),
        "dom": dates.day.to_numpy(),
        "doy": dates.day_of_year.to_numpy(),
        "woy": dates.isocalendar().week.to_numpy().astype(int),
        "holiday": codes.to_numpy(),
    }


def same_weekday_profile(y: np.ndarray, si: np.ndarray, last: np.ndarray, weeks: int = 52) -> np.ndarray:
    """Mean demand on the weekday of each ``last`` index over the ``weeks`` weeks ending there (NaN if none)."""
    out = np.full(len(si), np.nan)
    for r in range(7):
        cols = np.arange(r, y.shape[1], 7)
        sub = Cumulative(y[:, cols])
        hit = np.flatnonzero((last % 7 == r) & (last >= 0))
        out[hit] = sub.mean(si[hit], last[hit] // 7, weeks)
    return out


@dataclass(frozen=True)
class Rows:
    """Feature matrix (float32, columns ``FEATURES``), level ``L`` per row, and row coordinates."""

    x: np.ndarray
    level: np.ndarray
    si: np.ndarray
    origin: np.ndarray
    h: np.ndarray


def build_rows(
    y: np.ndarray,
    cal: dict[str, np.ndarray],
    *,
    si: np.ndarray,
    origin: np.ndarray,
    h: np.ndarray,
    win: Windows,
    cum: Cumulative | None = None,
    exog: dict[str, np.ndarray] | None = None,
) -> Rows:
    """Features of rows (series ``si``, origin index ``origin``, horizon ``h``) from ``y`` up to each origin."""
    cum = cum or Cumulative(y)
    t = origin + h
    level = cum.mean(si, origin, win.year)
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(level > 0, 1.0 / level, np.nan)
        same_end = t - win.year + win.half
        ly_same = np.where(same_end <= origin, cum.mean(si, same_end, 2 * win.half + 1), np.nan)
        cols = {
            "h": h,
            "m_short": cum.mean(si, origin, win.short) * inv,
            "m_mid": cum.mean(si, origin, win.mid) * inv,
            "m_long": cum.mean(si, origin, win.long) * inv,
            "ly_same": ly_same * inv,
            "ly_level": cum.mean(si, origin - win.year, win.mid) * inv,
            "ly_ahead": cum.mean(si, origin - win.year + win.mid, win.mid) * inv,
            "log_level": np.log1p(level),
            "zero_share": cum.zero_share(si, origin, win.long),
        }
        if win.year == 364:
            cols["dow_profile"] = same_weekday_profile(y, si, t - 7 * np.ceil(h / 7).astype(int)) * inv
        else:
            cols["dow_profile"] = np.full(len(si), np.nan)
    cols.update(exogenous_features(exog or {}, si=si, origin=origin, win=win))
    for name in ("dow", "month", "dom", "doy", "woy", "holiday"):
        cols[name] = cal[name][t]
    x = np.empty((len(si), len(FEATURES)), dtype=np.float32)
    for j, name in enumerate(FEATURES):
        x[:, j] = cols[name]
    return Rows(x, level, si, origin, h)


def training_coordinates(
    n: int, last: int, *, horizon: int, min_history: int, max_rows: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(series, origin, h) of training rows whose targets lie at or before ``last``, at most about ``max_rows``.

    Origins are spaced ``step`` periods apart, staggered per series so every calendar day is seen; when even a
    step of ``horizon`` would exceed the budget, a random subset of series is used (the model is global)."""
    span = max(last - min_history + 1, 1)
    step = int(np.clip(np.ceil(n * horizon * span / max_rows), 1, horizon))
    per_series = horizon * span / step
    keep = min(n, max(1, int(max_rows / max(per_series, 1))))
    rng = np.random.default_rng(seed)
    series = np.sort(rng.choice(n, size=keep, replace=False)) if keep < n else np.arange(n)
    parts_si, parts_o = [], []
    for i in series:
        origins = np.arange(min_history - 1 + (i % step), last, step)
        parts_si.append(np.full(len(origins), i))
        parts_o.append(origins)
    si = np.repeat(np.concatenate(parts_si), horizon)
    origin = np.repeat(np.concatenate(parts_o), horizon)
    h = np.tile(np.arange(1, horizon + 1), len(si) // horizon)
    ok = origin + h <= last
    return si[ok], origin[ok], h[ok]


def exogenous_features(
    exog: dict[str, np.ndarray], *, si: np.ndarray, origin: np.ndarray, win: Windows
) -> dict[str, np.ndarray]:
    """Price at the origin relative to its recent mean, promotion at the origin and its recent share (NaN if the
    sales have no such column). Future prices and promotions are not known to ``predict``, so none are used."""
    nan = np.full(len(si), np.nan)
    cols = {"price_rel": nan, "promo_now": nan, "promo_recent": nan}
    end = int(origin.max()) + 1 if len(origin) else 0
    if "price" in exog:
        price = exog["price"][:, :end]
        with np.errstate(invalid="ignore", divide="ignore"):
            cols["price_rel"] = price[si, origin] / Cumulative(price).mean(si, origin, win.long)
    if "promo" in exog:
        promo = exog["promo"][:, :end]
        cols["promo_now"] = promo[si, origin]
        cols["promo_recent"] = Cumulative(promo).mean(si, origin, win.short)
    return cols
