"""Notebooks run top to bottom on a ledger with real decisions and a demo run's output, so they cannot rot."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import load_policy
from stockgate.domain.drafts import POLine, PurchaseOrder
from stockgate.services.decisions import decide, open_request
from stockgate.settings import get_settings

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
pytestmark = pytest.mark.slow


def _ledger_with_decisions() -> None:
    ledger, policy = Ledger(get_settings().resolved_ledger_url), load_policy(None)
    line = POLine(sku="SKU1", location="S01", quantity=12, pack_size=6, moq=6, unit_cost=2.0, line_cost=24.0)
    for i, action in enumerate(("approve", "reject")):
        draft = PurchaseOrder(po_id=f"PO-NB-{i}", supplier=f"SUP{i}", lines=[line])
        request = open_request(ledger, policy, draft=draft, started_by="planner")
        decide(ledger, policy, request_id=request.id, expected_version=request.version, actor="ana", action=action,
               reason="enough stock" if action == "reject" else None, route="cli")  # fmt: skip


def _demo_output(home: Path) -> None:
    """What `stockgate demo` leaves for the forecast review: generated inputs and one run's forecast files, written
    by the weekly flow's own tasks (small data, tiny LightGBM)."""
    from stockgate.adapters.sources import load_inputs
    from stockgate.domain.generator import write_dataset
    from stockgate.domain.replenish.inputs import sales_long
    from tasks.forecast import forecast_batch, write_forecast
    from tests.forecast_fixtures import FAST_LGBM

    data = home / "demo-data"
    write_dataset(out_dir=data, n_series=8, n_days=200, seed=7, fmt="csv")
    sales = sales_long(load_inputs(data).sales)
    result = forecast_batch.fn(sales, index=0, horizon=14, quantiles=(0.1, 0.5, 0.9), freq="D",
                               options={"lgbm": FAST_LGBM})  # fmt: skip
    write_forecast.fn(result, data / "runs" / "replenish-test")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_is_committed_without_outputs(path: Path, stockgate_home: Path) -> None:
    """The notebook has no stored outputs and executes without error against a fresh ledger."""
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    stockgate_home.mkdir(parents=True, exist_ok=True)
    _ledger_with_decisions()
    _demo_output(stockgate_home)
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
