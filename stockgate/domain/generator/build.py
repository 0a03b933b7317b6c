"""Assemble the generator: plan once, then produce the frames block by block (in memory or streamed)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from stockgate.domain.generator.catalog import make_catalog, make_suppliers
from stockgate.domain.generator.config import GeneratorConfig, make_config
from stockgate.domain.generator.demand import DayFeatures, day_features, make_block
from stockgate.domain.generator.frames import (
    Lookup,
    inventory_frame,
    profiles_frame,
    sales_frame,
    stockouts_frame,
)
from stockgate.domain.generator.plan import Plan, make_plan


@dataclass(frozen=True)
class GeneratedData:
    """The four contract inputs plus two truth tables that the contract does not contain.

    ``profiles``: one row per series (pattern, status, recent expected demand in units/day, cover class).
    ``stockouts``: one row per stock-out stretch (sales are censored from ``start`` to ``end`` inclusive).
    """

    sales: pd.DataFrame
    catalog: pd.DataFrame
    inventory: pd.DataFrame
    suppliers: pd.DataFrame
    profiles: pd.DataFrame
    stockouts: pd.DataFrame

    def contract_frames(self) -> dict[str, pd.DataFrame]:
        """The four inputs by contract name, in the order a data folder is read."""
        return {"sales": self.sales, "catalog": self.catalog, "inventory": self.inventory, "suppliers": self.suppliers}


@dataclass(frozen=True)
class BlockFrames:
    """Frames of one block of series."""

    sales: pd.DataFrame
    inventory: pd.DataFrame
    profiles: pd.DataFrame
    stockouts: pd.DataFrame


@dataclass(frozen=True)
class Context:
    """Everything drawn up front: the plan, calendar features, catalog, suppliers and lookups."""

    config: GeneratorConfig
    plan: Plan
    days: DayFeatures
    lookup: Lookup
    catalog: pd.DataFrame
    suppliers: pd.DataFrame


def prepare(config: GeneratorConfig) -> Context:
    """Draw the plan, the catalog and the suppliers; O(series) memory."""
    plan = make_plan(config)
    catalog = make_catalog(config, category_index=plan.sku_category, status=plan.sku_status)
    suppliers = make_suppliers(config)
    terms = suppliers.set_index("supplier_id").loc[catalog["supplier_id"]]
    width = max(2, len(str(config.n_locations)))
    lookup = Lookup(
        sku_codes=catalog["sku"].to_numpy(dtype=str),
        location_codes=np.array([f"S{i + 1:0{width}d}" for i in range(config.n_locations)]),
        pack_size=catalog["pack_size"].to_numpy(dtype=float),
        moq=catalog["moq"].to_numpy(dtype=float),
        lead_time=terms["lead_time_mean_days"].to_numpy(dtype=float),
        review=terms["review_period_days"].to_numpy(dtype=float),
        dates=pd.date_range(config.start, periods=config.n_days, freq="D").to_numpy(dtype="datetime64[ns]"),
    )
    return Context(config, plan, day_features(config), lookup, catalog, suppliers)


def iter_blocks(context: Context) -> Iterator[BlockFrames]:
    """Frames of each block of series in order; only one block's matrices are alive at a time."""
    cfg, plan, lookup = context.config, context.plan, context.lookup
    prices = context.catalog["price"].to_numpy(dtype=float)
    for index in range(cfg.n_blocks):
        block = make_block(cfg, plan, context.days, prices, index)
        yield BlockFrames(
            sales=sales_frame(plan, lookup, block, weekly=cfg.freq == "W"),
            inventory=inventory_frame(cfg, plan, lookup, block),
            profiles=profiles_frame(cfg, plan, lookup, block),
            stockouts=stockouts_frame(cfg, plan, lookup, block),
        )


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)


def generate_retail_data(
    *,
    n_series: int,
    n_days: int,
    seed: int,
    start: date | None = None,
    end: date | None = None,
    n_locations: int | None = None,
    n_suppliers: int | None = None,
    freq: str = "D",
) -> GeneratedData:
    """Generate ``n_series`` SKU x location daily series over ``n_days`` days in memory (same seed, same data).

    Defaults: the last day is ``DEFAULT_END`` (2026-10-31), up to 10 locations, 3-12 suppliers. ``freq="W"``
    sums sales over Monday-Sunday weeks dated by their Monday (window cut to whole weeks). For large sizes
    use ``write_dataset``, which streams blocks to files. StockgateError when an argument is out of range.
    """
    config = make_config(
        n_series=n_series, n_days=n_days, seed=seed, start=start, end=end, n_locations=n_locations,
        n_suppliers=n_suppliers, freq=freq,
    )  # fmt: skip
    context = prepare(config)
    blocks = list(iter_blocks(context))
    return GeneratedData(
        sales=_concat([b.sales for b in blocks]),
        catalog=context.catalog,
        inventory=_concat([b.inventory for b in blocks]),
        suppliers=context.suppliers,
        profiles=_concat([b.profiles for b in blocks]),
        stockouts=_concat([b.stockouts for b in blocks]),
    )
