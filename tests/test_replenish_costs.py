"""Last approved unit costs come from the ledger and feed the cost-change flag (SQLite and Postgres; a real flow)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import Policy
from stockgate.domain.drafts import POLine, PurchaseOrder
from stockgate.services.decisions import decide, open_request
from stockgate.services.history import previous_unit_costs
from stockgate.settings import Settings
from tests.ledger_fixtures import _pg_template, ledger, migrated_url, policy  # noqa: F401

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _order(supplier: str, costs: dict[str, float], *, quantity: int = 240) -> PurchaseOrder:
    """An order big enough to need a person (no automatic pass); one line per SKU at location S01."""
    lines = [
        POLine(
            sku=sku,
            location="S01",
            quantity=quantity,
            pack_size=6,
            moq=0,
            unit_cost=cost,
            line_cost=round(quantity * cost, 2),
            confidence="high",
        )
        for sku, cost in costs.items()
    ]
    return PurchaseOrder(po_id=f"PO-{supplier}-{len(costs)}", supplier=supplier, lines=lines)


def _decided(ledger: Ledger, policy: Policy, po: PurchaseOrder, action: str | None, minutes: int) -> None:  # noqa: F811
    """Open a request for ``po`` and, unless ``action`` is None, have alice decide it ``minutes`` after T0."""
    request = open_request(ledger, policy, draft=po, started_by="bob", now=T0)
    if action is not None:
        decide(ledger, policy, request_id=request.id, expected_version=request.version, actor="alice",
               action=action, reason="no" if action == "reject" else None, route="cli",  # type: ignore[arg-type]
               now=T0 + timedelta(minutes=minutes))  # fmt: skip


def test_last_unit_costs_read_the_newest_approved_orders(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """Pending and rejected orders are ignored; of two approved orders the later decision wins; per supplier."""
    _decided(ledger, policy, _order("SUP1", {"A": 1.00, "B": 2.00}), "approve", 5)
    _decided(ledger, policy, _order("SUP1", {"A": 1.20}), "approve", 30)
    _decided(ledger, policy, _order("SUP1", {"A": 9.99}), None, 40)
    _decided(ledger, policy, _order("SUP1", {"B": 0.10}), "reject", 50)
    _decided(ledger, policy, _order("SUP2", {"A": 3.00}), "approve", 10)
    assert ledger.last_unit_costs() == {("SUP1", "A"): 1.20, ("SUP1", "B"): 2.00, ("SUP2", "A"): 3.00}


def test_no_ledger_yet_means_no_previous_costs_and_no_file(tmp_path: Path) -> None:
    """Planning before any order was decided reads nothing and does not create the SQLite ledger."""
    settings = Settings(home=tmp_path)
    assert previous_unit_costs(settings) == {}
    assert not (tmp_path / "ledger.db").exists()


@pytest.mark.slow
def test_plan_task_flags_a_cost_change_against_the_ledger(
    stockgate_home: Path,
    prefect_server: None,
    policy: Policy,  # noqa: F811
) -> None:
    """The plan task reads the last approved cost of SKU A from SUP1 (0.80) and flags the catalog's 1.00."""
    from prefect import flow

    from tasks.plan import plan_orders
    from tests.test_replenish_plan import catalog_frame, fake_forecast, inventory_frame, sales_frame, suppliers_frame

    settings = Settings(home=stockgate_home)
    home_ledger = Ledger(settings.resolved_ledger_url)
    _decided(home_ledger, policy, _order("SUP1", {"A": 0.80, "B": 2.50}), "approve", 5)
    _decided(home_ledger, policy, _order("SUP2", {"A": 0.50}), "approve", 6)  # another supplier's price: ignored
    home_ledger.close()
    history = sales_frame()
    contract = pd.DataFrame({"sku": history["unique_id"].str.split("/").str[1], "location": "S01",
                             "date": history["ds"], "units": history["y"]})  # fmt: skip

    @flow
    def run() -> dict[str, POLine]:
        plan = plan_orders(sales=contract, catalog=catalog_frame(), inventory=inventory_frame(),
                           suppliers=suppliers_frame(), forecast=fake_forecast())  # fmt: skip
        return {ln.sku: ln for o in plan.orders for ln in o.lines}

    lines = run()
    assert "cost_change" in lines["A"].flags
    assert any("+25%" in r and "0.80" in r for r in lines["A"].reasons)
    assert "cost_change" not in lines["B"].flags  # 2.50 then and now
