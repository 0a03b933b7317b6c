"""ABC/XYZ class of every series from the contract's sales and catalog, for reports such as accuracy by segment."""

from __future__ import annotations

import pandas as pd

from stockgate.domain.contracts import make_unique_id
from stockgate.domain.replenish.classes import ServiceLevels, classify
from stockgate.domain.replenish.inputs import sales_long


def series_classes(*, sales: pd.DataFrame, catalog: pd.DataFrame, levels: ServiceLevels | None = None) -> pd.DataFrame:
    """Per ``unique_id``: ``abc``, ``xyz`` and ``service_class``, as the planner classifies them.

    ``sales`` and ``catalog`` are the contract's frames (revenue uses the catalog's selling ``price``).
    """
    pairs = sales[["location", "sku"]].drop_duplicates()
    price = catalog.drop_duplicates("sku").set_index("sku")["price"].astype(float)
    prices = {
        make_unique_id(loc, sku): float(price.get(sku, 0.0))
        for loc, sku in zip(pairs["location"], pairs["sku"], strict=True)
    }
    classes = classify(sales_long(sales), prices=prices, levels=levels or ServiceLevels())
    return classes[["unique_id", "abc", "xyz", "service_class"]]
