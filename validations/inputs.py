"""Validate a loaded data folder (an ``InputBundle``): four suites, cross-input parameters, quarantine, files.

Order: suppliers, catalog, sales, inventory. Cross-input rules get their values as suite parameters:
``known_suppliers`` (supplier ids) for the catalog, ``known_skus`` (catalog SKUs) for sales and inventory,
``today`` for rules on dates. Rows failing a WARNING rule whose ``meta.quarantine`` is true are set aside:
written with their file and row number to ``out_dir/quarantine/<input>.csv`` and removed from the cleaned
bundle. CRITICAL failures are reported; ``report.raise_for_critical()`` stops a flow before any forecast.

Files written under ``out_dir``: ``validation_result.json`` (everything, including the raw GX results),
``summary.txt``, ``data_docs/index.html`` (its pages load styles from public CDNs when opened) and the
quarantine files.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from validations.outcomes import SuiteResult
from validations.report import InputCheck, InputValidationReport

if TYPE_CHECKING:
    from stockgate.adapters.sources import InputBundle

log = logging.getLogger(__name__)

ROW = "_row"
ORDER = ("suppliers", "catalog", "sales", "inventory")
RESULT_FILE = "validation_result.json"
SUMMARY_FILE = "summary.txt"
DOCS_DIR = "data_docs"
QUARANTINE_DIR = "quarantine"


def validate_inputs(bundle: InputBundle, *, out_dir: Path, today: date | None = None) -> InputValidationReport:
    """Run the input suites on ``bundle``, quarantine warning rows, write result, summary and Data Docs.

    Returns the report; it does not raise on failed rules (call ``report.raise_for_critical()`` for that).
    Frames without a ``_row`` column get file-style line numbers (first data row = 2).
    """
    from validations.runner import make_context, run_suite_in_context

    out_dir = Path(out_dir)
    day = today or date.today()
    frames = {name: _with_rows(bundle.frame(name)) for name in ORDER}
    params = suite_parameters(frames, today=day)
    context = make_context(docs_dir=out_dir / DOCS_DIR)
    checks: dict[str, InputCheck] = {}
    for name in ORDER:
        result = run_suite_in_context(context, name, frames[name], row_id_column=ROW, suite_parameters=params[name])
        checks[name] = _quarantine(name, _file_name(bundle, name), frames[name], result, out_dir=out_dir)
    cleaned = _cleaned(bundle, frames, checks)
    docs_index = _build_docs(context, out_dir / DOCS_DIR)
    report = InputValidationReport(
        checks=checks, cleaned=cleaned, out_dir=out_dir, today=day.isoformat(), notes=list(bundle.notes)
    )
    report = dataclasses.replace(report, result_file=out_dir / RESULT_FILE, docs_index=docs_index)
    _write_text(out_dir / RESULT_FILE, json.dumps(report.to_json(), indent=1, allow_nan=False))
    _write_text(out_dir / SUMMARY_FILE, report.summary() + "\n")
    return report


def suite_parameters(frames: dict[str, pd.DataFrame], *, today: date) -> dict[str, dict[str, Any]]:
    """Parameters per suite: known supplier ids and SKUs (as text, missing ones dropped) and today's date."""
    known_suppliers = _distinct(frames["suppliers"], "supplier_id")
    known_skus = _distinct(frames["catalog"], "sku")
    day = pd.Timestamp(today)
    return {
        "suppliers": {},
        "catalog": {"known_suppliers": known_suppliers},
        "sales": {"known_skus": known_skus, "today": day},
        "inventory": {"known_skus": known_skus, "today": day},
    }


def _distinct(frame: pd.DataFrame, column: str) -> list[str]:
    if column not in frame.columns:
        return []
    return sorted(frame[column].dropna().astype("str").unique().tolist())


def _with_rows(frame: pd.DataFrame) -> pd.DataFrame:
    if ROW in frame.columns:
        return frame
    return frame.assign(**{ROW: np.arange(len(frame), dtype="int64") + 2})


def _file_name(bundle: InputBundle, name: str) -> str:
    path = bundle.files.get(name)
    return str(path) if path is not None else f"{name} (in memory)"


def quarantine_rows(result: SuiteResult) -> dict[int, list[str]]:
    """Row id -> reasons, for every row failing a warning rule that quarantines."""
    reasons: dict[int, list[str]] = {}
    for outcome in result.warnings:
        if not outcome.quarantine:
            continue
        reason = f"{outcome.column}: {outcome.description}" if outcome.column else outcome.description
        for row in outcome.failing_rows:
            reasons.setdefault(row, []).append(reason)
    return reasons


def _quarantine(name: str, file: str, frame: pd.DataFrame, result: SuiteResult, *, out_dir: Path) -> InputCheck:
    """Write the quarantined rows of one input (file, row, reasons, then the row's values) and count them."""
    reasons = quarantine_rows(result)
    path = out_dir / QUARANTINE_DIR / f"{name}.csv"
    if not reasons:
        path.unlink(missing_ok=True)  # a file left by an earlier run would mislead
        return InputCheck(name=name, file=file, result=result)
    rows = sorted(reasons)
    picked = frame[frame[ROW].isin(rows)].sort_values(ROW)
    table = picked.drop(columns=[ROW])
    table.insert(0, "reasons", ["; ".join(reasons[int(r)]) for r in picked[ROW]])
    table.insert(0, "row", picked[ROW].to_numpy())
    table.insert(0, "file", file)
    _write_text(path, table.to_csv(index=False))
    log.info("quarantined %d row(s) of %s -> %s", len(rows), name, path)
    return InputCheck(name=name, file=file, result=result, quarantined_rows=rows, quarantine_file=path)


def _cleaned(bundle: InputBundle, frames: dict[str, pd.DataFrame], checks: dict[str, InputCheck]) -> InputBundle:
    """The bundle without quarantined rows (frames keep their ``_row`` column)."""
    kept = {}
    for name in ORDER:
        frame, rows = frames[name], checks[name].quarantined_rows
        kept[name] = frame[~frame[ROW].isin(rows)].reset_index(drop=True) if rows else frame
    return dataclasses.replace(
        bundle, sales=kept["sales"], catalog=kept["catalog"], inventory=kept["inventory"], suppliers=kept["suppliers"]
    )


def _build_docs(context: Any, docs_dir: Path) -> Path | None:
    """Build the named Data Docs site; a failure is logged, never fatal (the JSON result is the record)."""
    from validations.runner import DOCS_SITE

    try:
        context.build_data_docs(site_names=[DOCS_SITE])
    except Exception as exc:  # Data Docs are a convenience; GX may fail rendering an odd value
        log.warning("could not build Data Docs in %s: %s", docs_dir, exc)
        log.debug("Data Docs failure", exc_info=True)
        return None
    index = docs_dir / "index.html"
    return index if index.exists() else None


def _write_text(path: Path, text: str) -> None:
    """Write atomically (temporary file, then rename), creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
