"""Read the planning file the settings name (``STOCKGATE_PLANNING_FILE``) into the planner's configuration."""

from __future__ import annotations

from pathlib import Path

from stockgate.config.files import read_yaml_file
from stockgate.domain.replenish.planner import PlanConfig
from stockgate.domain.replenish.planning_file import parse_planning


def load_planning(path: Path | str | None, *, currency: str) -> PlanConfig:
    """The planning file at ``path``, or the defaults when ``path`` is None."""
    if path is None:
        return parse_planning({}, source="(defaults)", currency=currency)
    data = read_yaml_file(path, label="Planning file", setting="STOCKGATE_PLANNING_FILE")
    return parse_planning(data, source=str(path), currency=currency)
