"""Read the planning file the settings name (``STOCKGATE_PLANNING_FILE``) into the planner's configuration."""

from __future__ import annotations

from pathlib import Path

import yaml

from stockgate.domain.replenish.planner import PlanConfig
from stockgate.domain.replenish.planning_file import parse_planning
from stockgate.errors import ConfigError


def load_planning(path: Path | str | None, *, currency: str) -> PlanConfig:
    """The planning file at ``path``, or the defaults when ``path`` is None."""
    if path is None:
        return parse_planning({}, source="(defaults)", currency=currency)
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"Planning file {path} does not exist.", hint="Set STOCKGATE_PLANNING_FILE or fix it.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"Planning file {path} is not valid YAML: {exc}") from None
    return parse_planning(data, source=str(path), currency=currency)
