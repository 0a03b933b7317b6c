"""The whole planning step on contract inputs: fit the forecaster on the sales history, then plan.

Kept apart from ``planner`` so that the planner itself only needs the small ``DemandForecast`` Protocol.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

import pandas as pd

from stockgate.domain.drafts import Confidence
from stockgate.domain.replenish.demand import DemandForecast
from stockgate.domain.replenish.inputs import sales_long
from stockgate.domain.replenish.planner import Plan, PlanConfig, plan_replenishment
from stockgate.errors import PlanningError


class ForecastGrades(Mapping[str, Confidence]):
    """The forecaster's confidence per series, read from its summary on first use (after it has predicted)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self._grades: dict[str, Confidence] | None = None

    def _load(self) -> dict[str, Confidence]:
        if self._grades is None:
            summary = self.model.summary()
            pairs = zip(summary["unique_id"], summary["confidence"], strict=True)
            self._grades = {str(u): cast(Confidence, str(c)) for u, c in pairs}
        return self._grades

    def __getitem__(self, key: str) -> Confidence:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def fit_forecaster(sales: pd.DataFrame, *, freq: str = "D") -> tuple[DemandForecast, Mapping[str, Confidence]]:
    """Fit Stockgate's forecaster on the long sales frame; returns it and its confidence grade per series
    (readable once the planner has asked for a forecast: the forecaster trains lazily)."""
    from stockgate.domain.forecast import Forecaster

    model = Forecaster(freq=freq).fit(sales)
    return cast(DemandForecast, model), ForecastGrades(model)


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
    previous_costs: Mapping[tuple[str, str], float] | None = None,
) -> Plan:
    """Plan from the contract's frames (sales in contract columns); fits the forecaster unless one is given.
    ``previous_costs``: unit cost on the last approved order per (supplier id, SKU), for the cost-change flag."""
    if not freq.upper().startswith("D"):
        raise PlanningError(
            f"Replenishment planning needs daily sales; these sales are at frequency '{freq}'.",
            hint="Provide daily sales (lead times and review periods are in days).",
        )
    long = sales_long(sales)
    grades: Mapping[str, Confidence] = {}
    if forecast is None:
        forecast, grades = fit_forecaster(long, freq=freq)
    elif callable(getattr(forecast, "summary", None)):  # a fitted Forecaster or BatchedForecast grades itself
        grades = ForecastGrades(forecast)
    return plan_replenishment(
        forecast=forecast,
        sales=long,
        catalog=catalog,
        inventory=inventory,
        suppliers=suppliers,
        config=config,
        forecast_confidence=grades,
        warnings=warnings,
        previous_costs=previous_costs,
    )
