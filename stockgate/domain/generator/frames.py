"""Turn one block of matrices into contract frames: sales rows, inventory snapshot, and the truth tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockgate.domain.contracts import UNIQUE_ID_SEP
from stockgate.domain.generator.config import GeneratorConfig
from stockgate.domain.generator.demand import Block
from stockgate.domain.generator.plan import COVER_CLASSES, MAX_STOCKOUTS, PATTERNS, Plan

RECENT_DAYS = 28
COVER_DAYS = {"out": (0.0, 0.0), "low": (0.5, 3.0), "normal": (5.0, 25.0), "over": (45.0, 150.0)}
"""Days of recent expected demand held on hand, by cover class."""
ORDER_SHARE = {"out": 0.7, "low": 0.7, "normal": 0.35, "over": 0.05}
"""Share of series with an open order, by cover class."""


@dataclass(frozen=True)
class Lookup:
    """Per-SKU and per-location values the frames need: codes, packs, minimums and lead times."""

    sku_codes: np.ndarray
    location_codes: np.ndarray
    pack_size: np.ndarray
    moq: np.ndarray
    lead_time: np.ndarray  # mean lead time of the SKU's supplier, days
    review: np.ndarray  # review period of the SKU's supplier, days
    dates: np.ndarray  # datetime64[ns] of every day


def _text(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.array(values, dtype="str")


def unique_ids(plan: Plan, lookup: Lookup, series: np.ndarray) -> np.ndarray:
    """``"S01/SKU00001"``-style ids of ``series``."""
    loc = lookup.location_codes[plan.series_location[series]].astype(object)
    return loc + UNIQUE_ID_SEP + lookup.sku_codes[plan.series_sku[series]].astype(object)


def _weekly(block: Block, first: np.ndarray, dates: np.ndarray) -> tuple[np.ndarray, ...]:
    """Sum units over Monday-Sunday weeks (mean price, promo if any day was), labelled by the Monday."""
    n = block.units.shape[0]
    price = np.round(block.price.reshape(n, -1, 7).mean(axis=2), 2)
    return (
        block.units.reshape(n, -1, 7).sum(axis=2),
        price,
        np.asarray(block.promo.reshape(n, -1, 7).any(axis=2)),
        first // 7,
        dates[::7],
    )


def sales_frame(plan: Plan, lookup: Lookup, block: Block, *, weekly: bool = False) -> pd.DataFrame:
    """Sales rows of a block, sorted by sku, location and date; rows start at each SKU's first day (or week)."""
    skus, locs = plan.series_sku[block.series], plan.series_location[block.series]
    units, price, promo, first, dates = block.units, block.price, block.promo, plan.sku_start[skus], lookup.dates
    if weekly:
        units, price, promo, first, dates = _weekly(block, first, dates)
    mask = np.arange(units.shape[1])[None, :] >= first[:, None]
    counts = mask.sum(axis=1)
    return pd.DataFrame(
        {
            "sku": _text(np.repeat(lookup.sku_codes[skus], counts)),
            "location": _text(np.repeat(lookup.location_codes[locs], counts)),
            "date": np.broadcast_to(dates, mask.shape)[mask],
            "units": units[mask],
            "price": price[mask],
            "promo": promo[mask],
        }
    )


def _open_orders(
    rng: np.random.Generator, cls: np.ndarray, rate: np.ndarray, skus: np.ndarray, lookup: Lookup
) -> tuple[np.ndarray, np.ndarray]:
    """Open order quantity (MOQ and pack multiples) and days until due, per series."""
    share = np.array([ORDER_SHARE[c] for c in cls])
    has = rng.random(cls.size) < share
    pack, moq, lead = lookup.pack_size[skus], lookup.moq[skus], lookup.lead_time[skus]
    need = rate * (lead + lookup.review[skus])
    qty = np.maximum(moq, np.ceil(need / pack) * pack)
    due = 1 + np.floor(rng.random(cls.size) * np.maximum(np.ceil(lead), 1))
    return np.where(has, qty, 0.0), np.where(has, due, np.nan)


def inventory_frame(config: GeneratorConfig, plan: Plan, lookup: Lookup, block: Block) -> pd.DataFrame:
    """Snapshot at the last sales day: cover follows the series' class, so some are low and some overstocked."""
    rng = config.rng(3, int(block.series[0]))
    skus = plan.series_sku[block.series]
    rate = block.expected[:, -RECENT_DAYS:].mean(axis=1)
    cls = np.array(COVER_CLASSES)[plan.cover_class[block.series]]
    lo, hi = np.array([COVER_DAYS[c] for c in cls]).T
    on_hand = np.round(rate * rng.uniform(lo, hi))
    ended = plan.sku_stop[skus] < config.n_days
    on_hand = np.where(ended & (cls != "out"), rng.integers(0, 6, skus.size), on_hand)
    backorders = np.where((cls == "out") & (rng.random(skus.size) < 0.5), np.ceil(rate * rng.uniform(0.5, 2.0)), 0.0)
    on_order, due_days = _open_orders(rng, cls, rate, skus, lookup)
    on_order = np.where(ended, 0.0, on_order)
    last = lookup.dates[-1]
    due = np.where(
        ended | np.isnan(due_days), np.datetime64("NaT"), last + np.nan_to_num(due_days).astype("timedelta64[D]")
    )
    return pd.DataFrame(
        {
            "snapshot_date": np.full(skus.size, last),
            "sku": _text(lookup.sku_codes[skus]),
            "location": _text(lookup.location_codes[plan.series_location[block.series]]),
            "on_hand": on_hand.astype(float),
            "backorders": backorders,
            "on_order": on_order.astype(float),
            "on_order_due": due.astype("datetime64[ns]"),
        }
    )


def profiles_frame(config: GeneratorConfig, plan: Plan, lookup: Lookup, block: Block) -> pd.DataFrame:
    """Truth per series (not in the contract): pattern, life cycle, recent demand (units/day), trend (log/year)."""
    skus = plan.series_sku[block.series]
    stop = plan.sku_stop[skus]
    return pd.DataFrame(
        {
            "unique_id": _text(unique_ids(plan, lookup, block.series)),
            "sku": _text(lookup.sku_codes[skus]),
            "location": _text(lookup.location_codes[plan.series_location[block.series]]),
            "pattern": _text(np.array(PATTERNS)[plan.sku_pattern[skus]]),
            "status": _text(plan.sku_status[skus]),
            "first_date": lookup.dates[plan.sku_start[skus]],
            "last_demand_date": lookup.dates[np.minimum(stop, config.n_days) - 1],
            "recent_demand": block.expected[:, -RECENT_DAYS:].mean(axis=1),
            "elasticity": plan.sku_elasticity[skus],
            "trend": plan.trend[block.series],
            "cover_class": _text(np.array(COVER_CLASSES)[plan.cover_class[block.series]]),
        }
    )


def stockouts_frame(config: GeneratorConfig, plan: Plan, lookup: Lookup, block: Block) -> pd.DataFrame:
    """Truth of censoring: one row per stock-out stretch inside a series' selling life (start, end inclusive)."""
    skus = plan.series_sku[block.series]
    rows = []
    for j in range(MAX_STOCKOUTS):
        s = plan.stockout_start[block.series, j]
        first = np.maximum(s, plan.sku_start[skus])
        last = np.minimum(s + plan.stockout_len[block.series, j], plan.sku_stop[skus]) - 1
        keep = (s >= 0) & (last >= first)
        rows.append((block.series[keep], first[keep], last[keep], s[keep] == first[keep]))
    series, first, last, full = (np.concatenate(parts) for parts in zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "unique_id": _text(unique_ids(plan, lookup, series)),
            "start": lookup.dates[first],
            "end": lookup.dates[last],
            "starts_with_partial_day": full,
        }
    )
