"""docs/configuration.md lists every setting, so the reference cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from stockgate.settings import Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_every_setting_is_documented() -> None:
    """Each field of Settings appears as its STOCKGATE_ variable in the configuration reference."""
    text = DOC.read_text()
    missing = [name for name in Settings.model_fields if f"STOCKGATE_{name.upper()}" not in text]
    assert not missing, f"document these settings in docs/configuration.md: {missing}"
