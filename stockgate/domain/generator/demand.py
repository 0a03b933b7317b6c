"""Day-level demand for one block of series: expected demand, realised sales, prices and promotions.

Expected daily demand = level x trend x weekly x yearly x holiday x life cycle x promotion lift. Sales are
drawn from it (gamma-Poisson for smooth and intermittent sellers, occurrence x size for lumpy ones), then
censored at stock-outs, and returns are subtracted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockgate.domain.calendar import HOLIDAY_EFFECTS, holiday_calendar
from stockgate.domain.generator.catalog import CATEGORIES
from stockgate.domain.generator.config import BLOCK, GeneratorConfig
from stockgate.domain.generator.plan import LUMPY, MAX_STOCKOUTS, Plan

WEEKLY_PROFILE = np.array([0.85, 0.85, 0.9, 1.0, 1.2, 1.45, 0.75])
"""Relative demand Mon..Sun before the per-series amplitude."""


@dataclass(frozen=True)
class Block:
    """Matrices (series x days) of one block, plus the global series indices it covers."""

    series: np.ndarray
    expected: np.ndarray  # expected uncensored demand, units/day
    units: np.ndarray  # net units sold (censored sales minus returns)
    price: np.ndarray  # selling price, currency/unit
    promo: np.ndarray  # bool
    stockout: np.ndarray  # bool: demand capped at available stock


@dataclass(frozen=True)
class DayFeatures:
    """Calendar features of the whole horizon, shared by every block."""

    t: np.ndarray  # day index
    dow: np.ndarray  # Mon = 0
    doy: np.ndarray
    holiday: np.ndarray  # (n_categories, n_days) holiday multiplier per category


def day_features(config: GeneratorConfig) -> DayFeatures:
    """Weekday, day of year and per-category holiday multipliers of every day."""
    dates = pd.date_range(config.start, periods=config.n_days, freq="D")
    base = np.ones(config.n_days)
    cal = holiday_calendar(config.start, config.end)
    base[(cal["ds"] - pd.Timestamp(config.start)).dt.days.to_numpy()] = cal["holiday"].map(HOLIDAY_EFFECTS).to_numpy()
    sens = np.array([c.christmas for c in CATEGORIES])[:, None]
    holiday = np.where(base[None, :] == 0, 0.0, np.maximum(1 + (base[None, :] - 1) * sens, 0.1))
    return DayFeatures(np.arange(config.n_days), dates.day_of_week.to_numpy(), dates.day_of_year.to_numpy(), holiday)


def _episodes(starts: np.ndarray, lengths: np.ndarray, n_days: int) -> np.ndarray:
    """Index (rows x days) of the episode covering each day, -1 where none does (later episodes win)."""
    which = np.full((starts.shape[0], n_days), -1)
    t = np.arange(n_days)[None, :]
    for j in range(starts.shape[1]):
        s = starts[:, j : j + 1]
        inside = (s >= 0) & (t >= s) & (t < s + lengths[:, j : j + 1])
        which[inside] = j
    return which


def promotions(plan: Plan, skus: np.ndarray, n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Promo flag and discount (share of price) per (sku row, day)."""
    which = _episodes(plan.promo_start[skus], plan.promo_len[skus], n_days)
    discount = np.take_along_axis(plan.promo_discount[skus], np.maximum(which, 0), axis=1)
    return which >= 0, np.where(which >= 0, discount, 0.0)


def _life_cycle(plan: Plan, skus: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Ramp-up after launch (about 3 weeks), clearance decline over the 30 days before a stop, 0 after."""
    start, stop = plan.sku_start[skus][:, None], plan.sku_stop[skus][:, None]
    age = t[None, :] - start
    ramp = np.where(age >= 0, 1 - 0.8 * np.exp(-np.maximum(age, 0) / 20.0), 0.0)
    decline = np.clip((stop - t[None, :]) / 30.0, 0.3, 1.0)
    return np.where(t[None, :] < stop, ramp * decline, 0.0)


def shape(config: GeneratorConfig, plan: Plan, days: DayFeatures, series: np.ndarray) -> np.ndarray:
    """Multiplicative demand shape (series x days) without level and promotions."""
    skus = plan.series_sku[series]
    cats = [CATEGORIES[c] for c in plan.sku_category[skus]]
    amp = np.array([c.yearly_amplitude for c in cats])[:, None]
    peak = np.array([c.yearly_peak_doy for c in cats])[:, None]
    yearly = 1 + amp * np.cos(2 * np.pi * (days.doy[None, :] - peak) / 365.25)
    weekly = WEEKLY_PROFILE[days.dow][None, :] ** plan.weekly_amp[series][:, None]
    trend = np.exp(plan.trend[series][:, None] * (days.t[None, :] - config.n_days) / 365.0)
    holiday = days.holiday[plan.sku_category[skus]]
    return yearly * weekly * trend * holiday * _life_cycle(plan, skus, days.t)


def _censor_caps(plan: Plan, series: np.ndarray, units: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Censor sales in stock-out stretches: capped at what was left on a stretch's first day, zero after."""
    t = np.arange(units.shape[1])[None, :]
    covering = np.zeros(units.shape, dtype=np.int8)
    first = np.zeros(units.shape, dtype=bool)
    for j in range(MAX_STOCKOUTS):
        s = plan.stockout_start[series, j : j + 1]
        covering += (s >= 0) & (t >= s) & (t < s + plan.stockout_len[series, j : j + 1])
        first |= (s >= 0) & (t == s)
    cap = np.where(first & (covering == 1), np.floor(units * u * 0.7), 0.0)
    return np.where(covering > 0, np.minimum(units, cap), units), covering > 0


def _draw_sales(
    rng: np.random.Generator, plan: Plan, series: np.ndarray, rate: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sales before censoring: gamma-Poisson around ``rate``; for lumpy series ``rate`` is the chance of a lump.

    Also returns three uniform matrices (drawn in the same call to keep the random stream fixed) for the
    stock-out caps, the return days and the return sizes.
    """
    lumpy = (plan.sku_pattern[plan.series_sku[series]] == LUMPY)[:, None]
    k = plan.dispersion[series][:, None]
    noise = rng.gamma(np.broadcast_to(k, rate.shape), 1.0) / k
    u = rng.random((4, *rate.shape))
    size = plan.lump_size[series][:, None]
    base = rng.poisson(np.where(lumpy, size - 1, rate) * noise)
    sold = np.where(lumpy, np.where(u[0] < np.minimum(rate, 0.95), 1 + base, 0), base).astype(float)
    return sold, u[1], u[2], u[3]


def make_block(config: GeneratorConfig, plan: Plan, days: DayFeatures, prices: np.ndarray, block: int) -> Block:
    """Expected demand, sales, price and promo of the series in random block ``block`` (``BLOCK`` series each)."""
    series = np.arange(block * BLOCK, min((block + 1) * BLOCK, config.n_series))
    skus = plan.series_sku[series]
    promo, discount = promotions(plan, skus, config.n_days)
    factor = shape(config, plan, days, series) * (1 - discount) ** -plan.sku_elasticity[skus][:, None]
    rate = plan.level[series][:, None] * factor
    lumpy = (plan.sku_pattern[skus] == LUMPY)[:, None]
    expected = np.where(lumpy, np.minimum(rate, 0.95) * plan.lump_size[series][:, None], rate)
    sold, u_cap, u_return, u_size = _draw_sales(config.rng(2, block), plan, series, rate)
    sold, stockout = _censor_caps(plan, series, sold, u_cap)
    returns = (u_return < plan.return_rate[series][:, None]) * (1 + np.floor(u_size * 3)) * (factor > 0)
    old = np.where(days.t[None, :] < plan.price_change_day[skus][:, None], plan.price_before[skus][:, None], 1.0)
    price = np.round(prices[skus][:, None] * old * (1 - discount), 2)
    return Block(series, expected, sold - returns, price, promo, stockout)
