"""The whole planning step on contract inputs: fit the forecaster on the sales history, then plan.

Kept apart from ``planner`` so that the planner itself only needs the small ``DemandForecast`` Protocol.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import pandas as pd

from stockgate.domain.drafts import Confidence
from stockgate.domain.replenish.demand import DemandForecast
from stockgate.domain.replenish.inputs import sales_long
from stockgate.domain.replenish.planner import Plan, PlanConfig, plan_replenishment
from stockgate.errors import PlanningError


def fit_forecaster(sales: pd.DataFrame, *, freq: str = "D") -> tuple[DemandForecast, dict[str, Confidence]]:
    """Fit Stockgate's forecaster on the long sales frame; returns it and its confidence grade per series."""
    from stockgate.domain.forecast import Forecaster

    model = Forecaster(freq=freq).fit(sales)
    summary = model.summary()
    grades = {
        str(u): cast(Confidence, str(c)) for u, c in zip(summary["unique_id"], summary["confidence"], strict=True)
    }
    return cast(DemandForecast, model), grades


def plan_from_inputs(
    *,
    sales: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    suppliers: pd.DataFrame,
    freq: str = "D",
    config: PlanConfig | None = None,
    warnings: Mapping[str, Sequence[str]] | None = None,
    forecast: DemandForecast | None = None,
) -> Plan:
    """Plan from the contract's frames (sales in contract columns); fits the forecaster unless one is given."""
    if not freq.upper().startswith("D"):
        raise PlanningError(
            f"Replenishment planning needs daily sales; these sales are at frequency '{freq}'.",
            hint="Provide daily sales (lead times and review periods are in days).",
        )
    long = sales_long(sales)
    grades: dict[str, Confidence] = {}
    if forecast is None:
        forecast, grades = fit_forecaster(long, freq=freq)
    return plan_replenishment(
        forecast=forecast,
        sales=long,
        catalog=catalog,
        inventory=inventory,
        suppliers=suppliers,
        config=config,
        forecast_confidence=grades,
        warnings=warnings,
    )
