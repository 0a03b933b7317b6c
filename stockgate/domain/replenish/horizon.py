"""How many days of forecast a plan will ask for, known before forecasting.

Forecasting in batches trains each batch for a horizon given up front; a horizon shorter than the plan needs would
make every batch train again at planning time. This mirrors what ``planner._size_orders`` asks of the forecast:
daily paths over the longest line window plus 28 days from each line's start, and every window quantile.
"""

from __future__ import annotations

import pandas as pd

from stockgate.domain.replenish.inputs import build_lines
from stockgate.domain.replenish.orders import supplier_terms
from stockgate.domain.replenish.planner import PlanConfig
from stockgate.domain.replenish.windows import request_for, windows_frame

EXTRA_DAYS = 28  # the planner's daily paths run 28 days past the longest line window (charts, cover)


def forecast_horizon(
    *,
    sales: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    suppliers: pd.DataFrame,
    config: PlanConfig | None = None,
) -> int:
    """Days after the last sale that planning these inputs will ask the forecast for (at least 1).

    ``sales`` is the long frame ``unique_id, ds, y``; the other frames are the contract's inputs.
    """
    config = config or PlanConfig()
    terms = supplier_terms(suppliers, default_currency=config.currency)
    cutoff = pd.Timestamp(sales["ds"].max()).date()
    lines, _ = build_lines(inventory=inventory, catalog=catalog, terms=terms, cutoff=cutoff)
    if not lines:
        return 1
    items = catalog.drop_duplicates("sku").set_index("sku")
    requests = {}
    for ln in lines:
        shelf = items.loc[ln.sku].get("shelf_life_days")
        too_long = shelf is None or pd.isna(shelf) or float(shelf) > config.max_shelf_window_days
        requests[ln.unique_id] = request_for(
            ln,
            terms=terms[ln.supplier_id],
            cutoff=cutoff,
            scenarios=config.lead_time_scenarios,
            shelf_life_days=None if too_long else float(shelf),
        )
    windows = windows_frame(requests)
    longest = int((windows["start"] + windows["length"]).max())
    paths = max(r.start for r in requests.values()) + max(ln.window_days for ln in lines) + EXTRA_DAYS
    return max(paths, longest, 1)
