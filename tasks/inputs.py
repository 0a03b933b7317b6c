"""Prefect tasks that load and validate the four inputs, with the validation summary as artifacts.

Critical failures stop the run before any forecast (``ValidationFailed`` names files, columns and rows); warning
rows are quarantined by the validation step and counted, and the SKUs they touch carry a data warning to the
approver.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from prefect import task

from stockgate.adapters.sources import InputBundle, load_inputs
from tasks.artifacts import publish_link, publish_markdown
from validations.inputs import validate_inputs
from validations.report import InputValidationReport

log = logging.getLogger(__name__)


@task(name="load-inputs", retries=2, retry_delay_seconds=10)
def load_input_files(data_dir: str) -> InputBundle:
    """Read sales, catalog, inventory and suppliers from ``data_dir`` (CSV or Parquet)."""
    bundle = load_inputs(Path(data_dir))
    log.info("Loaded %s sales rows, %s SKUs, %s suppliers (%s).", f"{len(bundle.sales):,}", len(bundle.catalog),
             len(bundle.suppliers), bundle.freq)  # fmt: skip
    return bundle


@task(name="validate-inputs")
def validate_input_files(bundle: InputBundle, *, out_dir: Path, today: date | None = None) -> InputValidationReport:
    """Run the input suites; publish the summary and a link to the Data Docs; raise on critical failures."""
    report = validate_inputs(bundle, out_dir=out_dir, today=today)
    verdict = "passed" if report.ok else "FAILED"
    publish_markdown("input-validation", f"```\n{report.summary()}\n```", f"Input validation {verdict}.")
    if report.docs_index is not None:
        publish_link("input-validation-data-docs", report.docs_index.resolve().as_uri(), "Data Docs",
                     "Great Expectations Data Docs of this run's input validation.")  # fmt: skip
    report.raise_for_critical()
    return report


def warnings_by_sku(report: InputValidationReport, bundle: InputBundle) -> dict[str, list[str]]:
    """The data-quality warnings that touch each SKU, in plain words, for the approver's briefing.

    ``bundle`` is the bundle as loaded (before quarantine), so the rows named by warnings can be found.
    ``stockgate plan`` calls ``bundle.warnings_by_sku`` too, without Prefect.
    """
    return bundle.warnings_by_sku(report.warnings)
