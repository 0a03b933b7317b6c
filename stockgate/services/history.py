"""What earlier decisions say about the next plan: the unit costs on the last approved orders."""

from __future__ import annotations

from pathlib import Path

from stockgate.settings import Settings


def previous_unit_costs(settings: Settings) -> dict[tuple[str, str], float]:
    """Unit cost per (supplier id, SKU) on the last approved or committed order in the settings' ledger; empty
    when the SQLite ledger file does not exist yet (no order was ever decided, and none is created here)."""
    from stockgate.adapters.ledger import Ledger

    url = settings.resolved_ledger_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return {}
    return Ledger(url).last_unit_costs()
