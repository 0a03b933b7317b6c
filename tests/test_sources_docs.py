"""docs/data-contract.md: its column tables are generated from the contract and must not drift from it."""

from __future__ import annotations

from pathlib import Path

from stockgate.adapters.sources.docs import BEGIN, END, render_tables
from stockgate.domain.contracts import INPUTS

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-contract.md"


def test_generated_tables_match_the_contract() -> None:
    """The block between the markers equals what the contract renders today (regenerate with the module)."""
    text = DOC.read_text(encoding="utf-8")
    block = BEGIN + text.split(BEGIN, 1)[1].split(END, 1)[0] + END
    assert block == render_tables(), "run: uv run python -m stockgate.adapters.sources.docs"


def test_every_contract_column_is_documented() -> None:
    """Every column of every input appears in the document, and each input has an example file."""
    text = DOC.read_text(encoding="utf-8")
    for spec in INPUTS.values():
        assert ",".join(spec.names) in text
        for name in spec.names:
            assert f"| `{name}` |" in text


def test_validation_rules_section_points_to_validation_doc() -> None:
    """The 'Validation rules' heading exists and points to docs/validation.md."""
    text = DOC.read_text(encoding="utf-8")
    assert "## Validation rules" in text
    assert "(validation.md)" in text.split("## Validation rules", 1)[1]
