"""`stockgate plan` end to end on generated data with the real forecaster and GX; charts; the Prefect tasks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from stockgate.cli.main import app
from stockgate.presentation.charts import render_line_chart
from tests.test_replenish_plan import make_plan

runner = CliRunner()


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated data folder planned once by the command line; returns the output folder."""
    root = tmp_path_factory.mktemp("plan")
    data, out = root / "data", root / "out"
    made = runner.invoke(
        app, ["data", "generate", "--out", str(data), "--series", "12", "--days", "200", "--seed", "5"]
    )
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["plan", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
def test_plan_writes_orders_lines_and_charts(planned: Path) -> None:
    """purchase_orders.json has the promised shape; the CSV has the same lines; every chart file exists."""
    orders = json.loads((planned / "purchase_orders.json").read_text())
    assert orders, "the generated data should need at least one order"
    line_keys = {"sku", "location", "quantity", "pack_size", "moq", "unit_cost", "line_cost", "confidence", "flags"}
    for order in orders:
        assert {"po_id", "supplier", "total_cost", "currency", "lines"} <= set(order)
        assert all(line_keys | {"reasons"} <= set(line) for line in order["lines"])
        assert order["total_cost"] == pytest.approx(sum(ln["line_cost"] for ln in order["lines"]), abs=0.01)
    flat = pd.read_csv(planned / "purchase_order_lines.csv")
    assert len(flat) == sum(len(o["lines"]) for o in orders)
    assert {"po_id", "supplier"} <= set(flat.columns)
    charts = [planned / c for c in flat["chart"].dropna()]
    assert charts and all(p.is_file() and p.read_bytes()[:4] == b"\x89PNG" for p in charts)
    assert json.loads((planned / "validation.json").read_text())["ok"] is True


def test_plan_refuses_a_bad_measure(tmp_path: Path) -> None:
    """An unknown --service-measure is a clear error with exit code 2, not a traceback."""
    result = runner.invoke(app, ["plan", "--data", str(tmp_path), "--out", str(tmp_path), "--service-measure", "x"])
    assert result.exit_code == 2
    assert "--service-measure" in result.output


def test_plan_names_a_missing_folder(tmp_path: Path) -> None:
    """A folder without the inputs fails with the loaders' message and no traceback."""
    result = runner.invoke(app, ["plan", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert not (tmp_path / "out" / "purchase_orders.json").exists()


def test_chart_is_a_phone_sized_png(tmp_path: Path) -> None:
    """A line chart is an 800 x 500 PNG."""
    from PIL import Image

    line = next(ln for ln in make_plan().lines if ln.quantity > 0)
    path = render_line_chart(line, tmp_path / "a.png")
    with Image.open(path) as image:
        assert image.size == (800, 500)


@pytest.mark.slow
def test_tasks_plan_validate_and_write(tmp_path: Path, prefect_server: None) -> None:
    """The Prefect tasks plan with a given forecast, validate the drafts and write the files, in a real flow."""
    from prefect import flow

    from tasks.plan import plan_orders, validate_orders, write_orders
    from tests.test_replenish_plan import catalog_frame, fake_forecast, inventory_frame, sales_frame, suppliers_frame

    history = sales_frame()
    contract = pd.DataFrame(
        {
            "sku": history["unique_id"].str.split("/").str[1],
            "location": "S01",
            "date": history["ds"],
            "units": history["y"],
        }
    )

    @flow
    def run() -> tuple[bool, Path]:
        plan = plan_orders(
            sales=contract,
            catalog=catalog_frame(),
            inventory=inventory_frame(),
            suppliers=suppliers_frame(),
            forecast=fake_forecast(),
        )
        result = validate_orders(plan.orders, catalog=catalog_frame(), suppliers=suppliers_frame())
        written = write_orders(plan, tmp_path, charts=False)
        return bool(result.ok), written["orders"]

    ok, orders_file = run()
    assert ok and orders_file.is_file()
