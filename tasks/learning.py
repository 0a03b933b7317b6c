"""Prefect tasks of the learning loop: build the report from the ledger and publish it as artifacts; in the weekly
run, apply the adjustments people enabled to the planning forecast and store the forecast the plan used.

Artifact keys are stable, so each refresh adds a new version of the same artifacts in the Prefect UI:
``learning-report`` (Markdown), ``learning-fva-overall``, ``learning-fva-by-reason``, ``learning-fva-by-class``,
``learning-fva-by-approver``, ``learning-edit-verdicts``, ``learning-adjustments`` and ``learning-decisions``
(tables).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from stockgate.adapters.ledger import Ledger
from stockgate.domain.learning.adjusted import (
    AdjustedForecast,
    adjust_snapshot_forecast,
    note_adjustments,
    sku_categories,
)
from stockgate.domain.learning.adjustments import AdjustmentProposal, adjust_forecast
from stockgate.domain.learning.report import LearningReport
from stockgate.domain.replenish.demand import DemandForecast
from stockgate.domain.replenish.planner import Plan
from stockgate.services import learning
from stockgate.services.planning_adjustments import planning_adjustments
from tasks.artifacts import publish_markdown, publish_table
from tasks.forecast import ForecastResult

log = logging.getLogger(__name__)
_HORIZON_FALLBACK_DAYS = 28

ARTIFACT_KEYS = (
    "learning-report",
    "learning-fva-overall",
    "learning-fva-by-reason",
    "learning-fva-by-class",
    "learning-fva-by-approver",
    "learning-edit-verdicts",
    "learning-adjustments",
    "learning-decisions",
)
_DESCRIPTIONS = {
    "fva-overall": "Forecast value added over all measured order lines: WAPE and bias (%) of seasonal naive, the "
    "machine and the human-adjusted plan; pp = percentage points of WAPE saved (negative: made worse).",
    "fva-by-reason": "Forecast value added by the reason category of the edit ('unchanged': approved as proposed).",
    "fva-by-class": "Forecast value added by SKU class (ABC by revenue).",
    "fva-by-approver": "Forecast value added by the person who edited (or approved) the line.",
    "edit-verdicts": "Edited lines only, per person: did their edits help or hurt, in WAPE points and units.",
    "adjustments": "Forecast adjustments learned from recurring edits: proposals, off until a person enables them.",
    "decisions": "Decisions of the period: outcomes, latency of people, share per route, expiries, rejections.",
}


@task(name="learning-report", retries=1, retry_delay_seconds=10)
def build_learning_report(
    *, ledger_url: str, as_of: date | None, weeks: int, adjustments_file: Path | None
) -> LearningReport:
    """The learning report over the last ``weeks`` weeks, read from the ledger."""
    return learning.learning_report(Ledger(ledger_url), as_of=as_of, weeks=weeks, adjustments_file=adjustments_file)


@task(name="publish-learning-report")
def publish_learning_report(report: LearningReport) -> list[str]:
    """Publish the report's Markdown and its tables under the stable keys; returns the keys published."""
    publish_markdown("learning-report", report.markdown(), "Learning loop: findings, suggestions, adjustments.")
    for name, table in report.tables().items():
        publish_table(f"learning-{name}", table, _DESCRIPTIONS[name])
    return list(ARTIFACT_KEYS)


@task(name="write-adjusted-forecast", retries=2, retry_delay_seconds=5)
def write_adjusted_forecast(forecasts: pd.DataFrame, report: LearningReport, out_dir: Path) -> Path | None:
    """With adjustments a person enabled: write ``forecast_adjusted.csv`` beside the run's other files and say so.

    Nothing is written (and nothing changes) while no adjustment is enabled."""
    adjusted = adjust_forecast(forecasts, report.adjustments)
    if adjusted is None:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "forecast_adjusted.csv"
    adjusted.to_csv(path, index=False, date_format="%Y-%m-%d")
    on = [f"- `{a.id}` x{a.factor:.2f}, enabled by {a.enabled_by}" for a in report.adjustments if a.enabled]
    publish_markdown("learning-adjusted-forecast", f"Adjusted forecast written to `{path}`:\n\n" + "\n".join(on),
                     "The forecast with the adjustments people enabled.")  # fmt: skip
    return path


@task(name="adjust-planning-forecast", cache_policy=NO_CACHE)  # the forecast holds fitted models: never hash it
def adjust_planning_forecast(
    result: ForecastResult, *, ledger_url: str, adjustments_file: Path | None, catalog: pd.DataFrame | None = None
) -> DemandForecast:
    """The forecast the weekly plan orders against: ``result``'s models with the adjustments a person enabled
    (an ``AdjustedForecast``; category scope needs ``catalog``), published as ``replenish-adjustments``;
    unchanged when none is enabled."""
    base = result.as_demand_forecast()
    cutoff = forecast_cutoff(result.forecasts)
    categories = None if catalog is None else sku_categories(catalog)
    adjustments = planning_adjustments(ledger_url=ledger_url, adjustments_file=adjustments_file,
                                       as_of=cutoff + timedelta(days=1), categories=categories)  # fmt: skip
    if not adjustments:
        log.info("No forecast adjustment enabled in %s: the plan uses the forecaster's numbers.", adjustments_file)
        return base
    head = f"# Forecast adjustments applied to this plan\n\nEnabled in `{adjustments_file}`:\n\n"
    publish_markdown("replenish-adjustments", head + "\n".join(f"- {_adjustment_text(a)}" for a in adjustments),
                     "Learned forecast adjustments people enabled, applied to this week's plan.")  # fmt: skip
    for a in adjustments:
        log.info("Plan forecast adjusted: %s", _adjustment_text(a))
    return AdjustedForecast(base, adjustments=adjustments, cutoff=cutoff, categories=categories)


def _adjustment_text(a: AdjustmentProposal) -> str:
    dates = f", {a.start or '...'} to {a.end or '...'}" if a.start or a.end else ""
    what = f"category {a.value}" if a.scope == "category" else f"SKU {a.value}"
    return f"`{a.id}`: {what} x{a.factor:.2f}{dates} ('{a.reason_category}'), enabled by {a.enabled_by}"


def forecast_cutoff(forecasts: pd.DataFrame) -> date:
    """The last day of history of daily forecaster rows (the day before their first ``ds``)."""
    return (pd.Timestamp(forecasts["ds"].min()) - pd.Timedelta(days=1)).date()


@task(name="store-planning-snapshot", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def store_planning_snapshot(
    result: ForecastResult, *, sales: pd.DataFrame, forecast: DemandForecast, ledger_url: str, run_id: str | None
) -> tuple[date, int]:
    """Store the daily forecast the plan used (with its adjustments) and seasonal naive in the ledger, as of the
    forecast cutoff, like the daily refresh does; a re-run of the same as-of date replaces it. (as-of, rows)."""
    from stockgate.domain.replenish.inputs import sales_long

    used = result.forecasts
    if isinstance(forecast, AdjustedForecast):
        used = adjust_snapshot_forecast(used, forecast.adjustments, categories=forecast.categories)
    return learning.save_forecast_snapshot(Ledger(ledger_url), forecasts=used, history=sales_long(sales),
                                           run_id=run_id)  # fmt: skip


@task(name="note-plan-adjustments", cache_policy=NO_CACHE)
def note_plan_adjustments(plan: Plan, *, forecast: DemandForecast) -> Plan:
    """The plan with each line of an adjusted SKU naming its adjustment in its reasons (unchanged otherwise)."""
    if not isinstance(forecast, AdjustedForecast):
        return plan
    horizon = forecast.horizon or _HORIZON_FALLBACK_DAYS
    orders = note_adjustments(plan.orders, adjustments=forecast.adjustments, cutoff=forecast.cutoff,
                              horizon_days=horizon, categories=forecast.categories)  # fmt: skip
    return replace(plan, orders=orders)
