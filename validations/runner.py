"""Run a suite file against a DataFrame with real Great Expectations and return plain outcomes.

Every call builds a FRESH ephemeral GX context: one ``ValidationDefinition`` shared between threads gave
silently wrong results (platform-facts.md), and Prefect's default task runner uses threads. Building a context
costs milliseconds; importing GX costs seconds, so the import happens on first use, not at module import.

Runtime values (the SKUs in the catalog, today's date) reach a suite as suite parameters: the suite file writes
``{"$PARAMETER": "known_skus"}`` and the caller passes ``suite_parameters={"known_skus": [...]}``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stockgate.errors import ConfigError
from validations.outcomes import SAMPLE_SIZE, ExpectationOutcome, Severity, SuiteResult, json_safe
from validations.suites_io import SuiteSpec, read_suite

if TYPE_CHECKING:
    from great_expectations.data_context import EphemeralDataContext

__all__ = ["DOCS_SITE", "ExpectationOutcome", "SuiteResult", "make_context", "run_suite", "run_suite_in_context"]

log = logging.getLogger(__name__)
DOCS_SITE = "stockgate"
"""Name of the Data Docs site configured by ``make_context(docs_dir=...)``."""


def run_suite(
    suite_name: str,
    frame: pd.DataFrame,
    *,
    row_id_column: str = "_row",
    suite_parameters: dict[str, Any] | None = None,
) -> SuiteResult:
    """Validate ``frame`` with ``validations/suites/<suite_name>.json`` in a fresh ephemeral context.

    Failing rows are values of ``row_id_column``; when the frame has no such column they are 0-based
    positions (``frame.iloc``). ConfigError when the suite file is invalid or a parameter is missing.
    """
    return run_suite_in_context(
        make_context(), suite_name, frame, row_id_column=row_id_column, suite_parameters=suite_parameters
    )


def make_context(*, docs_dir: Path | None = None) -> EphemeralDataContext:
    """A new in-memory GX context with progress bars off; with ``docs_dir`` a Data Docs site writing there."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites: dict[str, Any] = {}
    if docs_dir is not None:
        # GX wants an absolute folder here ("base_directory must be an absolute path")
        backend = {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(Path(docs_dir).resolve())}
        sites[DOCS_SITE] = {
            "class_name": "SiteBuilder",
            "store_backend": backend,
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites=sites,
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def run_suite_in_context(
    context: EphemeralDataContext,
    suite_name: str,
    frame: pd.DataFrame,
    *,
    row_id_column: str = "_row",
    suite_parameters: dict[str, Any] | None = None,
) -> SuiteResult:
    """Like ``run_suite`` but in a given context (one context may run several suites, then build Data Docs).

    The validation result stays in the context's store, so ``context.build_data_docs()`` renders it.
    """
    import great_expectations as gx

    spec = read_suite(suite_name)
    suite = context.suites.add(_build_suite(spec))
    batch = context.data_sources.add_pandas(f"{suite_name}-source").add_dataframe_asset(f"{suite_name}-frame")
    definition = gx.ValidationDefinition(
        name=f"{suite_name}-validation", data=batch.add_batch_definition_whole_dataframe("whole"), suite=suite
    )
    definition = context.validation_definitions.add(definition)
    data = _with_row_ids(frame, row_id_column)
    try:
        result = definition.run(
            batch_parameters={"dataframe": data},
            expectation_parameters=suite_parameters or None,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [row_id_column]},
        )
    except Exception as exc:  # GX raises its own errors for missing or malformed parameters
        if "$PARAMETER" in str(exc) or "parameter" in str(exc).lower():
            raise ConfigError(f"Suite '{suite_name}' needs suite parameters: {exc}") from exc
        raise
    order = {str(e.id): i for i, e in enumerate(suite.expectations)}
    ranked = sorted(result.results, key=lambda r: order.get(str(getattr(r.expectation_config, "id", "")), len(order)))
    outcomes = [_outcome(r, row_id_column) for r in ranked]
    return SuiteResult(suite=suite_name, outcomes=outcomes, row_count=len(frame), raw=json_safe(result.to_json_dict()))


def _build_suite(spec: SuiteSpec) -> Any:
    """A GX ExpectationSuite from the checked spec; ConfigError if GX dropped any expectation."""
    import great_expectations as gx

    try:
        suite = gx.ExpectationSuite(name=spec.name, expectations=[dict(e) for e in spec.expectations])
    except Exception as exc:  # pydantic refuses bad arguments of a known expectation type
        raise ConfigError(f"Suite file {spec.path} has an invalid expectation: {exc}") from exc
    if len(suite.expectations) != len(spec.expectations):
        raise ConfigError(
            f"Suite file {spec.path}: Great Expectations loaded {len(suite.expectations)} of "
            f"{len(spec.expectations)} expectations; see the log for the one it refused."
        )
    return suite


def _with_row_ids(frame: pd.DataFrame, row_id_column: str) -> pd.DataFrame:
    """The frame with ``row_id_column`` present (0-based positions when the caller has none).

    Dates of another resolution than nanoseconds are cast to ``datetime64[ns]``: GX compares only those
    vectorised and falls back to one Python call per row otherwise (1M rows: seconds instead of milliseconds).
    """
    slow: dict[str, pd.Series] = {
        c: frame[c].astype("datetime64[ns]")
        for c in frame.columns
        if pd.api.types.is_datetime64_dtype(frame[c].dtype) and str(frame[c].dtype) != "datetime64[ns]"
    }
    if row_id_column not in frame.columns:
        slow[row_id_column] = pd.Series(np.arange(len(frame), dtype="int64"), index=frame.index)
    return frame.assign(**slow) if slow else frame


def _outcome(result: Any, row_id_column: str) -> ExpectationOutcome:
    """ExpectationOutcome from one GX ExpectationValidationResult."""
    config = result.expectation_config
    kwargs = {k: v for k, v in dict(config.kwargs).items() if k not in ("batch_id", "result_format")}
    meta = dict(config.meta or {})
    detail = dict(result.result or {})
    rows, values = _failing_rows(detail, row_id_column)
    severity: Severity = "warning" if meta.get("severity") == "warning" else "critical"
    return ExpectationOutcome(
        expectation=str(config.type),
        column=kwargs.get("column") or _column_list(kwargs),
        severity=severity,
        passed=bool(result.success),
        failing_rows=rows,
        sample_values=values[:SAMPLE_SIZE] or _observed(detail, bool(result.success)),
        description=str(meta.get("why", "")),
        rule=_rule_text(str(config.type), kwargs),
        unexpected_count=int(detail.get("unexpected_count") or 0),
        error=_error_message(result.exception_info),
        quarantine=bool(meta.get("quarantine", severity == "warning")),
        kwargs=json_safe(kwargs),
    )


def _failing_rows(detail: dict[str, Any], row_id_column: str) -> tuple[list[int], list[Any]]:
    """Row ids (plain ints, sorted, unique) and the failing values in row order."""
    entries = detail.get("unexpected_index_list") or []
    pairs: dict[int, Any] = {}
    for entry in entries:
        if not isinstance(entry, dict) or row_id_column not in entry:
            continue
        others = {k: v for k, v in entry.items() if k != row_id_column}
        value = next(iter(others.values())) if len(others) == 1 else others
        pairs.setdefault(int(entry[row_id_column]), json_safe(value))
    rows = sorted(pairs)
    return rows, [pairs[r] for r in rows]


def _observed(detail: dict[str, Any], passed: bool) -> list[Any]:
    """For table-level rules (no rows): the observed value when the rule failed."""
    if passed:
        return []
    mismatched = (detail.get("details") or {}).get("mismatched")
    if mismatched:  # column-set rules: only missing columns matter when extra ones are allowed
        return [json_safe({"missing": mismatched["missing"]} if "missing" in mismatched else mismatched)]
    return [json_safe(detail["observed_value"])] if "observed_value" in detail else []


def _column_list(kwargs: dict[str, Any]) -> str | None:
    columns = kwargs.get("column_list") or [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]
    return ",".join(str(c) for c in columns) or None


def _rule_text(kind: str, kwargs: dict[str, Any]) -> str:
    """``column_values_to_be_between(units, min_value=0)``; long value sets are shortened."""
    args = [str(kwargs["column"])] if "column" in kwargs else []
    for name, value in kwargs.items():
        if name == "column":
            continue
        shown = value
        if isinstance(value, list | tuple | set) and len(value) > 6:
            shown = f"[{len(value)} values]"
        args.append(f"{name}={shown}")
    return f"{kind.removeprefix('expect_')}({', '.join(args)})"


def _error_message(info: Any) -> str | None:
    """The exception message GX recorded (flat or keyed by metric), or None."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None
