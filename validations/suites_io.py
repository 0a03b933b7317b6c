"""Read suite files (``validations/suites/<name>.json``) and check them before Great Expectations sees them.

GX 1.x logs and DROPS an expectation whose type it does not know, so a typo in a suite file would silently
switch a rule off. Here every type is looked up in the GX registry first (after importing the custom
expectations registry, ``validations.expectations``) and every expectation must carry
``meta.severity`` ("critical" or "warning") and a plain-words ``meta.why``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stockgate.errors import ConfigError

SUITES_DIR = Path(__file__).resolve().parent / "suites"
SEVERITIES = ("critical", "warning")


@dataclass(frozen=True)
class SuiteSpec:
    """A suite file as read: its name, path and the raw expectation dicts (type, kwargs, meta)."""

    name: str
    path: Path
    expectations: tuple[dict[str, Any], ...]
    meta: dict[str, Any]


def suite_path(suite_name: str) -> Path:
    """``validations/suites/<suite_name>.json``; ConfigError naming the known suites when it does not exist."""
    path = SUITES_DIR / f"{suite_name}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SUITES_DIR.glob("*.json")))
        raise ConfigError(f"No validation suite '{suite_name}' at {path}.", hint=f"Known suites: {known}.")
    return path


def read_suite(suite_name: str) -> SuiteSpec:
    """Read and check one suite file: known expectation types, a severity and a reason on each expectation."""
    path = suite_path(suite_name)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"Suite file {path} is not valid JSON: {exc}.") from exc
    expectations = raw.get("expectations") if isinstance(raw, dict) else None
    if not isinstance(expectations, list) or not expectations:
        raise ConfigError(f"Suite file {path} has no 'expectations' list.")
    for position, item in enumerate(expectations, start=1):
        _check_expectation(path, position, item)
    return SuiteSpec(name=suite_name, path=path, expectations=tuple(expectations), meta=dict(raw.get("meta") or {}))


def _check_expectation(path: Path, position: int, item: Any) -> None:
    """ConfigError naming the file and position of an expectation that GX would drop or that lacks meta."""
    from great_expectations.expectations.registry import get_expectation_impl

    import validations.expectations  # noqa: F401  (registers the custom expectation classes)

    where = f"Suite file {path}, expectation #{position}"
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        raise ConfigError(f"{where} has no 'type'.")
    try:
        get_expectation_impl(item["type"])
    except Exception as exc:  # GX raises its own ExpectationNotFoundError
        raise ConfigError(
            f"{where}: unknown expectation type '{item['type']}'.",
            hint="Fix the spelling, or import its module in validations/expectations/__init__.py.",
        ) from exc
    meta = item.get("meta") or {}
    if meta.get("severity") not in SEVERITIES:
        raise ConfigError(f"{where} ({item['type']}): meta.severity must be 'critical' or 'warning'.")
    if not str(meta.get("why") or "").strip():
        raise ConfigError(f"{where} ({item['type']}): meta.why must say in plain words why the rule exists.")
