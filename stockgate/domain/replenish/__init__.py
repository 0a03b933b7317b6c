"""Replenishment planning: purchase-order drafts from forecasts, stock and supplier terms.

Modules by concept: ``position`` (inventory position, projected stock), ``classes`` (ABC/XYZ service levels),
``policy`` (order-up-to from window quantiles, lead-time scenarios), ``rounding`` (packs, minimums, shelf life),
``budget`` (the cut rule), ``flags`` and ``reasons`` (risk flags, plain-word reasons, confidence), ``orders``
(supplier terms, one draft per supplier), ``planner`` (the whole plan), ``demand`` (the forecast Protocol and an
exact Poisson fake). Pure functions: no Prefect, no Slack, no I/O.
"""

from stockgate.domain.replenish.budget import BudgetLine, cut_to_budget
from stockgate.domain.replenish.classes import ServiceLevels, classify
from stockgate.domain.replenish.demand import DemandForecast, PoissonDemand, quantile_column
from stockgate.domain.replenish.inputs import sales_long
from stockgate.domain.replenish.line import PlannedLine
from stockgate.domain.replenish.planner import Plan, PlanConfig, plan_replenishment
from stockgate.domain.replenish.policy import WindowDemand, lead_time_scenarios, order_up_to
from stockgate.domain.replenish.rounding import Rounded, round_order

__all__ = [
    "BudgetLine",
    "DemandForecast",
    "Plan",
    "PlanConfig",
    "PlannedLine",
    "PoissonDemand",
    "Rounded",
    "ServiceLevels",
    "WindowDemand",
    "classify",
    "cut_to_budget",
    "lead_time_scenarios",
    "order_up_to",
    "plan_replenishment",
    "quantile_column",
    "round_order",
    "sales_long",
]
