"""Prefect tasks of the daily forecast refresh: its settings, the sales history, the forecast snapshot, and the
actuals.

Thin wrappers over ``stockgate.services.learning``; the two ledger writes retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import task

from stockgate.adapters.ledger import Ledger
from stockgate.domain.replenish.inputs import sales_long
from stockgate.services import learning
from stockgate.settings import get_settings
from tasks.artifacts import publish_markdown


def refresh_run_name() -> str:
    """``refresh-2026-11-21``: the run's ``params.as_of`` or, by default, today."""
    from prefect.runtime import flow_run

    params: Any = flow_run.parameters.get("params") or {}
    as_of = params.get("as_of") if isinstance(params, dict) else getattr(params, "as_of", None)
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    return f"refresh-{(day or date.today()):%Y-%m-%d}"


@dataclass(frozen=True)
class RefreshSettings:
    """What the refresh reads from the settings: the ledger, the forecast batch size (series), the adjustments."""

    ledger_url: str
    batch_size: int
    adjustments_file: Path


@task(name="prepare-refresh")
def prepare_refresh() -> RefreshSettings:
    """The refresh's settings; creates ``STOCKGATE_HOME`` (the SQLite ledger and adjustments file live there)."""
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    return RefreshSettings(ledger_url=settings.resolved_ledger_url, batch_size=settings.forecast_batch_size,
                           adjustments_file=settings.resolved_adjustments_file)  # fmt: skip


@task(name="sales-history")
def sales_history(
    sales: pd.DataFrame, *, freq: str, sales_file: str | Path | None, as_of: date | None = None
) -> pd.DataFrame:
    """The long frame ``unique_id, ds, y`` of the contract's sales, up to ``as_of`` when given.

    Refuses (InputError naming ``sales_file``) sales that are not daily: horizon and seasonal naive are in days."""
    learning.require_daily_sales(freq=freq, sales_file=sales_file)
    long = sales_long(sales)
    return long if as_of is None else long[long["ds"] <= pd.Timestamp(as_of)].reset_index(drop=True)


@task(name="store-forecast-snapshot", retries=2, retry_delay_seconds=10)
def store_forecast_snapshot(
    forecasts: pd.DataFrame, history: pd.DataFrame, *, ledger_url: str, run_id: str | None
) -> tuple[date, int]:
    """Store the forecast and seasonal naive per SKU, location and day as the snapshot of the last sales day."""
    return learning.save_forecast_snapshot(Ledger(ledger_url), forecasts=forecasts, history=history, run_id=run_id)


@task(name="record-actuals", retries=2, retry_delay_seconds=10)
def record_actuals(history: pd.DataFrame, *, ledger_url: str) -> int:
    """Write the newest actual sales into every earlier snapshot; the snapshot rows updated."""
    return learning.record_actuals(Ledger(ledger_url), history=history)


@task(name="publish-refresh-summary")
def publish_refresh_summary(
    *, as_of: date, snapshot_rows: int, actual_rows: int, history: pd.DataFrame, horizon: int
) -> None:
    """A short artifact saying what this refresh stored (``history``: the sales it forecast, to count series)."""
    series = int(history["unique_id"].nunique())
    text = (
        f"# Forecast refresh as of {as_of.isoformat()}\n\n"
        f"- Snapshot stored: {series:,} series x {horizon} days = {snapshot_rows:,} rows (forecast and seasonal "
        "naive per SKU, location and day).\n"
        f"- Actual sales written into {actual_rows:,} rows of earlier snapshots.\n"
    )
    publish_markdown("refresh-summary", text, f"What the forecast refresh of {as_of.isoformat()} stored.")
