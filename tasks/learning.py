"""Prefect tasks of the learning loop: build the report from the ledger and publish it as artifacts.

Artifact keys are stable, so each refresh adds a new version of the same artifacts in the Prefect UI:
``learning-report`` (Markdown), ``learning-fva-overall``, ``learning-fva-by-reason``, ``learning-fva-by-class``,
``learning-fva-by-approver``, ``learning-edit-verdicts``, ``learning-adjustments`` and ``learning-decisions``
(tables).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from prefect import task

from stockgate.adapters.ledger import Ledger
from stockgate.domain.learning.adjustments import adjust_forecast
from stockgate.domain.learning.report import LearningReport
from stockgate.services import learning
from tasks.artifacts import publish_markdown, publish_table

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
