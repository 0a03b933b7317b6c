"""Read a YAML settings file a person wrote, with errors that name the file and the setting that points to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from stockgate.errors import ConfigError


def read_yaml_file(path: Path | str, *, label: str, setting: str) -> Any:
    """The parsed YAML at ``path``; ConfigError when it is missing or not YAML (``label``: e.g. "Planning file",
    ``setting``: the environment variable that names it)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{label} {path} does not exist.", hint=f"Set {setting} or fix it.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{label} {path} is not valid YAML: {exc}") from None
