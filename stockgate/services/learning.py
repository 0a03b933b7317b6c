"""The learning loop's use cases: record a refresh (snapshot + actuals) and build the learning report.

``record_refresh`` is what the daily refresh flow does after forecasting: store the forecast and its
seasonal-naive baseline as a snapshot of the as-of date, then write the newest actual sales into every earlier
snapshot. ``learning_report`` reads the ledger (requests, decisions, draft versions, snapshots) and the
adjustments file a person edits, and returns the report; nothing here changes a forecast or a policy.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import yaml

from stockgate.adapters.ledger import Ledger
from stockgate.domain.learning.adjustments import Enabled, parse_enabled
from stockgate.domain.learning.assemble import (
    decided_lines,
    decision_history,
    line_table,
    line_windows,
    measure_lines,
)
from stockgate.domain.learning.report import LearningReport, build_learning_report
from stockgate.domain.learning.snapshots import daily_actuals, snapshot_rows
from stockgate.errors import ConfigError, InputError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshRecord:
    """What one refresh stored: the snapshot's as-of date and rows, and the snapshot rows that got actuals."""

    as_of: date
    snapshot_rows: int
    actual_rows: int


def require_daily_sales(*, freq: str, sales_file: str | Path | None) -> None:
    """InputError unless the sales are daily: the refresh's horizon, snapshot days and seasonal naive are days."""
    if not str(freq).upper().startswith("D"):
        raise InputError(
            f"The forecast refresh needs daily sales; these sales are at frequency '{freq}'.",
            file=str(sales_file) if sales_file else "sales",
            hint="Provide daily sales (the forecast horizon, snapshot days and seasonal naive are in days).",
        )


def save_forecast_snapshot(
    ledger: Ledger, *, forecasts: pd.DataFrame, history: pd.DataFrame, run_id: str | None = None,
    season_length: int = 7,
) -> tuple[date, int]:  # fmt: skip
    """Store ``forecasts`` (``unique_id, ds, forecast[, model]``) and seasonal naive as the snapshot of the last
    day of ``history`` (the long sales frame ``unique_id, ds, y`` they were fitted on); (as-of date, rows)."""
    as_of = pd.Timestamp(history["ds"].max()).date()
    rows = snapshot_rows(forecasts=forecasts, history=history, season_length=season_length)
    stored = ledger.save_snapshot(rows, as_of=as_of, run_id=run_id)
    log.info("Forecast snapshot as of %s: %s rows (series x days).", as_of, stored)
    return as_of, stored


def record_actuals(ledger: Ledger, *, history: pd.DataFrame) -> int:
    """Write actual sales from ``history`` into every earlier snapshot row of a day it covers and that has no
    actual yet; returns the snapshot rows updated."""
    through = pd.Timestamp(history["ds"].max()).date()
    wanted = ledger.snapshot_days_without_actuals(through=through)
    updated = ledger.record_actuals(daily_actuals(history, wanted=wanted))
    log.info("Actuals through %s written into %s snapshot rows.", through, updated)
    return updated


def record_refresh(
    ledger: Ledger, *, forecasts: pd.DataFrame, history: pd.DataFrame, run_id: str | None = None,
    season_length: int = 7,
) -> RefreshRecord:  # fmt: skip
    """``save_forecast_snapshot`` then ``record_actuals``: what one daily refresh stores."""
    as_of, stored = save_forecast_snapshot(
        ledger, forecasts=forecasts, history=history, run_id=run_id, season_length=season_length
    )
    return RefreshRecord(as_of=as_of, snapshot_rows=stored, actual_rows=record_actuals(ledger, history=history))


def load_enabled_adjustments(path: Path | None) -> dict[str, Enabled]:
    """The adjustments a person enabled in ``path`` (YAML); empty when the file does not exist."""
    if path is None or not path.is_file():
        return {}
    try:
        return parse_enabled(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValueError) as exc:
        raise ConfigError(
            f"The adjustments file {path} cannot be read: {exc}.",
            hint="See docs/learning.md for its format: enabled: [{id: ..., enabled_by: ...}].",
        ) from None


def learning_report(
    ledger: Ledger, *, as_of: date | None = None, weeks: int = 8, adjustments_file: Path | None = None
) -> LearningReport:
    """The report over requests opened in the ``weeks`` weeks up to ``as_of`` (default today, UTC)."""
    as_of = as_of or datetime.now(UTC).date()
    since = datetime.combine(as_of - timedelta(weeks=weeks), time.min, tzinfo=UTC)
    until = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC)
    requests = ledger.requests_frame(since=since)
    requests = requests[requests["created_at"] < until]
    ids = requests["request_id"].tolist()
    decisions = ledger.decisions_frame(request_ids=ids)
    lines = ledger.order_lines_frame(request_ids=ids)
    history = decision_history(requests=requests, decisions=decisions, lines=lines)
    decided = decided_lines(requests=requests, decisions=decisions, lines=lines)
    sums = ledger.window_sums(line_windows(decided), through=as_of)  # only the windows the lines need, in SQL
    measured, pending = measure_lines(lines=decided, sums=sums)
    report = build_learning_report(
        measured=measured, pending=pending, history=history, as_of=as_of, weeks=weeks,
        enabled=load_enabled_adjustments(adjustments_file),
    )  # fmt: skip
    dates = ledger.snapshot_dates()
    info = {"snapshots": len(dates), "latest_as_of": dates[-1].isoformat() if dates else None,
            "rows_with_actuals": ledger.snapshot_count(with_actuals=True)}  # fmt: skip
    return dataclasses.replace(report, snapshots=info, lines=line_table(decided=decided, measured=measured))
