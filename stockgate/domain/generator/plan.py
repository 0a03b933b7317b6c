"""The plan: every per-SKU and per-series parameter, drawn once up front (small arrays, O(series)).

Shares are quotas, not coin flips, so even a 60-series data set has at least one intermittent, lumpy, new,
discontinued and stocked-out item. Day-level noise is drawn later, block by block (see ``demand``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stockgate.domain.generator.catalog import CATEGORIES
from stockgate.domain.generator.config import GeneratorConfig

SMOOTH, INTERMITTENT, LUMPY = 0, 1, 2
PATTERNS = ("smooth", "intermittent", "lumpy")
COVER_CLASSES = ("out", "low", "normal", "over")
MAX_PROMOS = 24
MAX_STOCKOUTS = 3


@dataclass(frozen=True)
class Plan:
    """Parameters of every SKU (``sku_*``, length n_skus) and every series (others, length n_series)."""

    sku_category: np.ndarray  # index into CATEGORIES
    sku_status: np.ndarray  # "active" / "new" / "discontinued"
    sku_start: np.ndarray  # first day index with sales rows
    sku_stop: np.ndarray  # first day index without demand (n_days = never)
    sku_pattern: np.ndarray  # SMOOTH / INTERMITTENT / LUMPY
    sku_elasticity: np.ndarray  # promo lift = (1 - discount) ** -elasticity
    promo_start: np.ndarray  # (n_skus, MAX_PROMOS) day index, -1 = unused
    promo_len: np.ndarray  # days
    promo_discount: np.ndarray  # share of the regular price, 0.1..0.4
    price_change_day: np.ndarray  # day the current regular price started
    price_before: np.ndarray  # factor of the old regular price (< 1)
    series_sku: np.ndarray
    series_location: np.ndarray
    level: np.ndarray  # smooth/intermittent: units/day; lumpy: occurrence probability per day
    lump_size: np.ndarray  # lumpy: mean units per occurrence
    dispersion: np.ndarray  # gamma shape of the day noise (small = noisier)
    trend: np.ndarray  # log-growth per year
    weekly_amp: np.ndarray  # exponent on the weekly profile
    return_rate: np.ndarray  # probability of a return on a day
    cover_class: np.ndarray  # index into COVER_CLASSES
    stockout_start: np.ndarray  # (n_series, MAX_STOCKOUTS) day index, -1 = unused
    stockout_len: np.ndarray


def quota(rng: np.random.Generator, n: int, shares: dict[int, float], default: int, minimum_n: int = 8) -> np.ndarray:
    """Labels for ``n`` items with exact shares (at least one of each once ``n >= minimum_n``), shuffled."""
    labels = np.full(n, default)
    order, pos = rng.permutation(n), 0
    for label, share in shares.items():
        count = max(1, round(share * n)) if n >= minimum_n else round(share * n)
        labels[order[pos : pos + count]] = label
        pos += count
    return labels


def _lifecycle(config: GeneratorConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Status, first day and stop day per SKU: new items start late, discontinued ones stop early."""
    n, days = config.n_skus, config.n_days
    kind = quota(rng, n, {1: 0.06, 2: 0.05, 3: 0.05}, 0)  # 1 new, 2 discontinued, 3 late-start active
    new_window = min(150, days // 2)
    start = np.zeros(n, dtype=np.int64)
    stop = np.full(n, days, dtype=np.int64)
    start[kind == 1] = days - rng.integers(14, new_window + 1, size=int((kind == 1).sum()))
    start[kind == 3] = rng.integers(days // 6, days - new_window, size=int((kind == 3).sum()))
    stop[kind == 2] = days - rng.integers(14, max(15, min(200, days // 2)), size=int((kind == 2).sum()))
    status = np.array(["active", "new", "discontinued", "active"])[kind]
    return status, start, stop


def _promotions(config: GeneratorConfig, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Chain-wide promotion episodes per SKU: 60 % of SKUs run 2-8 a year, 3-14 days, 10-40 % off."""
    n, days = config.n_skus, config.n_days
    rate = np.where(rng.random(n) < 0.6, rng.uniform(2, 8, n), 0.0) * days / 365
    count = np.minimum(rng.poisson(rate), MAX_PROMOS)
    start = rng.integers(0, days, size=(n, MAX_PROMOS))
    start[np.arange(MAX_PROMOS)[None, :] >= count[:, None]] = -1
    length = rng.integers(3, 15, size=(n, MAX_PROMOS))
    discount = rng.choice([0.1, 0.15, 0.2, 0.25, 0.3, 0.4], size=(n, MAX_PROMOS))
    return start, length, discount


def _stockouts(config: GeneratorConfig, rng: np.random.Generator, cover: np.ndarray) -> tuple[np.ndarray, ...]:
    """Stock-out stretches per series: 15 % have 1-3 in their history; class "out" ends in one."""
    n, days = config.n_series, config.n_days
    has = quota(rng, n, {1: 0.15}, 0) == 1
    count = np.where(has, rng.integers(1, MAX_STOCKOUTS + 1, n), 0)
    length = rng.integers(3, 22, size=(n, MAX_STOCKOUTS))
    start = rng.integers(0, days - 3, size=(n, MAX_STOCKOUTS))
    start[np.arange(MAX_STOCKOUTS)[None, :] >= count[:, None]] = -1
    out = cover == COVER_CLASSES.index("out")
    length[out, -1] = rng.integers(2, 11, size=int(out.sum()))
    start[out, -1] = days - length[out, -1]
    return start, length


def _series_levels(config: GeneratorConfig, rng: np.random.Generator, pattern: np.ndarray) -> tuple[np.ndarray, ...]:
    """Base level per series: SKU popularity x store size; lumpy series get an occurrence rate and lump size."""
    skus = np.arange(config.n_series) // config.n_locations
    locs = np.arange(config.n_series) % config.n_locations
    popularity = rng.lognormal(1.0, 0.9, config.n_skus)
    slow = rng.uniform(0.05, 0.5, config.n_skus)
    occurrence = rng.uniform(0.03, 0.15, config.n_skus)
    store = rng.lognormal(0.0, 0.35, config.n_locations)
    jitter = rng.lognormal(0.0, 0.2, config.n_series)
    by_pattern = np.where(pattern == SMOOTH, popularity, np.where(pattern == INTERMITTENT, slow, occurrence))
    level = by_pattern[skus] * store[locs] * jitter
    level = np.where(pattern[skus] == LUMPY, np.minimum(level, 0.6), level)
    lump = rng.uniform(3, 20, config.n_skus)[skus]
    return skus, locs, level, lump


def make_plan(config: GeneratorConfig) -> Plan:
    """Draw every per-SKU and per-series parameter from the seed."""
    rng = config.rng(1)
    n_sku, n = config.n_skus, config.n_series
    category = rng.integers(0, len(CATEGORIES), n_sku)
    status, start, stop = _lifecycle(config, rng)
    pattern = quota(rng, n_sku, {INTERMITTENT: 0.2, LUMPY: 0.12}, SMOOTH)
    promo_start, promo_len, promo_discount = _promotions(config, rng)
    change_day = np.where(rng.random(n_sku) < 0.3, rng.integers(0, config.n_days, n_sku), 0)
    skus, locs, level, lump = _series_levels(config, rng, pattern)
    cover = quota(rng, n, {0: 0.03, 1: 0.12, 3: 0.2}, 2)
    so_start, so_len = _stockouts(config, rng, cover)
    return Plan(
        sku_category=category,
        sku_status=status,
        sku_start=start,
        sku_stop=stop,
        sku_pattern=pattern,
        sku_elasticity=rng.uniform(1.2, 3.0, n_sku),
        promo_start=promo_start,
        promo_len=promo_len,
        promo_discount=promo_discount,
        price_change_day=change_day,
        price_before=rng.uniform(0.9, 0.97, n_sku),
        series_sku=skus,
        series_location=locs,
        level=level,
        lump_size=lump,
        dispersion=rng.uniform(2.0, 12.0, n),
        trend=rng.normal(0.0, 0.2, n),
        weekly_amp=rng.uniform(0.5, 1.5, n),
        return_rate=rng.uniform(0.0, 0.01, n),
        cover_class=cover,
        stockout_start=so_start,
        stockout_len=so_len,
    )
