"""Tiny literal input frames in the contract's types (as the loaders return them) for the validation tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stockgate.adapters.sources import InputBundle

TODAY = date(2026, 11, 21)

SUPPLIERS = [
    {"supplier_id": "SUP1", "name": "Nordic Dairy", "lead_time_mean_days": 5.0, "lead_time_std_days": 1.0,
     "review_period_days": 7, "order_days": "Mon,Thu", "budget": 5000.0, "currency": "EUR", "approver_group": "ops"},
    {"supplier_id": "SUP2", "name": "Bakery Co", "lead_time_mean_days": 2.0, "lead_time_std_days": 0.0,
     "review_period_days": 1, "order_days": "Monday; tue", "budget": np.nan, "currency": "SEK",
     "approver_group": "ops"},
]  # fmt: skip
CATALOG = [
    {"sku": "SKU1", "name": "Oat Milk 1 l", "category": "dairy", "supplier_id": "SUP1", "unit_cost": 1.1,
     "price": 2.49, "pack_size": 6, "moq": 24, "shelf_life_days": 90.0, "status": "active"},
    {"sku": "SKU2", "name": "Rye Bread", "category": "bakery", "supplier_id": "SUP2", "unit_cost": 0.8,
     "price": 1.99, "pack_size": 1, "moq": 1, "shelf_life_days": np.nan, "status": "new"},
]  # fmt: skip
SALES = [
    {"sku": "SKU1", "location": "S1", "date": "2026-11-01", "units": 3.0, "price": 2.49, "promo": False},
    {"sku": "SKU1", "location": "S1", "date": "2026-11-02", "units": 0.0, "price": 2.49, "promo": True},
    {"sku": "SKU2", "location": "S1", "date": "2026-11-01", "units": 7.0, "price": 1.99, "promo": False},
    {"sku": "SKU2", "location": "S2", "date": "2026-11-21", "units": 2.0, "price": np.nan, "promo": False},
]
INVENTORY = [
    {"snapshot_date": "2026-11-20", "sku": "SKU1", "location": "S1", "on_hand": 40.0, "backorders": 0.0,
     "on_order": 24.0, "on_order_due": "2026-11-24"},
    {"snapshot_date": "2026-11-20", "sku": "SKU2", "location": "S1", "on_hand": 0.0, "backorders": 2.0,
     "on_order": 0.0, "on_order_due": None},
]  # fmt: skip
GOOD = {"suppliers": SUPPLIERS, "catalog": CATALOG, "sales": SALES, "inventory": INVENTORY}
DATE_COLUMNS = ("date", "snapshot_date", "on_order_due")
TEXT_COLUMNS = ("sku", "location", "supplier_id", "name", "category", "status", "order_days", "currency")


def frame(name: str, rows: list[dict[str, Any]] | None = None) -> pd.DataFrame:
    """A frame for input ``name`` typed like the loaders' output, with ``_row`` = file line (first row 2)."""
    data = pd.DataFrame(GOOD[name] if rows is None else rows)
    for column in data.columns:
        if column in DATE_COLUMNS:
            data[column] = pd.to_datetime(data[column]).astype("datetime64[ns]")
        elif column in TEXT_COLUMNS:
            data[column] = data[column].astype("str")
    data["_row"] = np.arange(len(data), dtype="int64") + 2
    return data


def bundle(tmp: Path | None = None, **frames: pd.DataFrame) -> InputBundle:
    """An InputBundle of the good frames, with any of them replaced by keyword."""
    chosen = {name: frames.get(name, frame(name)) for name in GOOD}
    folder = tmp or Path("data")
    files = {name: folder / f"{name}.csv" for name in GOOD}
    return InputBundle(
        sales=chosen["sales"],
        catalog=chosen["catalog"],
        inventory=chosen["inventory"],
        suppliers=chosen["suppliers"],
        files=files,
        freq="D",
    )


def with_row(name: str, **overrides: Any) -> pd.DataFrame:
    """The good frame of ``name`` plus one row: a copy of its first row with ``overrides`` applied."""
    rows = [*GOOD[name], {**GOOD[name][0], **overrides}]
    return frame(name, rows)
