"""validate_inputs: cross-input rules, quarantine of warning rows, the cleaned bundle, files and the stop signal."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from stockgate.errors import ValidationFailed
from tests.validation_fixtures import TODAY, bundle, frame, with_row
from validations.inputs import validate_inputs


def test_warning_rows_are_quarantined_counted_and_removed(tmp_path: Path) -> None:
    """Returns and future-dated sales and stock of unknown items go to quarantine files and leave the bundle."""
    sales = frame("sales", None)
    sales = pd.concat(
        [sales, with_row("sales", location="S7", units=-4.0).tail(1), with_row("sales", date="2027-02-01").tail(1)]
    )
    sales["_row"] = range(2, len(sales) + 2)
    inventory = with_row("inventory", sku="SKU404")
    catalog = with_row("catalog", sku="SKU3", moq=10)  # moq not a multiple of pack size: flagged, kept
    data = bundle(tmp_path / "data", sales=sales, inventory=inventory, catalog=catalog)

    report = validate_inputs(data, out_dir=tmp_path / "out", today=TODAY)

    assert report.ok
    assert report.quarantined == {"suppliers": 0, "catalog": 0, "sales": 2, "inventory": 1}
    assert report.checks["sales"].quarantined_rows == [6, 7]
    assert list(report.cleaned.sales["_row"]) == [2, 3, 4, 5]
    assert list(report.cleaned.inventory["sku"]) == ["SKU1", "SKU2"]
    assert len(report.cleaned.catalog) == 3
    quarantined = pd.read_csv(tmp_path / "out" / "quarantine" / "sales.csv")
    assert list(quarantined.columns[:3]) == ["file", "row", "reasons"]
    assert list(quarantined["row"]) == [6, 7]
    assert quarantined["file"].iloc[0].endswith("sales.csv")
    assert "returns" in quarantined["reasons"].iloc[0] and "after today" in quarantined["reasons"].iloc[1]
    assert "sales.csv rows 6" in report.summary() or "sales.csv row 6" in report.summary()
    assert "moq,pack_size" in report.summary()

    clean = validate_inputs(bundle(tmp_path / "data"), out_dir=tmp_path / "out", today=TODAY)
    assert clean.ok and sum(clean.quarantined.values()) == 0
    assert not (tmp_path / "out" / "quarantine" / "sales.csv").exists()


def test_critical_failure_stops_with_file_and_row(tmp_path: Path) -> None:
    """A sale of a SKU missing from the catalog fails critically; raise_for_critical names file, row and value."""
    data = bundle(tmp_path / "data", sales=with_row("sales", sku="SKU404"))
    report = validate_inputs(data, out_dir=tmp_path / "out", today=TODAY)
    assert not report.ok
    assert [(name, o.column, o.failing_rows) for name, o in report.critical_failures] == [("sales", "sku", [6])]
    with pytest.raises(ValidationFailed) as caught:
        report.raise_for_critical()
    message = str(caught.value)
    assert "sales.csv row 6" in message and "'SKU404'" in message and "CRITICAL" in message
    assert caught.value.exit_code == 1


def test_result_summary_and_data_docs_are_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative out folder gets the full JSON result, the summary and a Data Docs site with an index page."""
    monkeypatch.chdir(tmp_path)
    report = validate_inputs(bundle(tmp_path / "data"), out_dir=Path("out"), today=TODAY)
    report.raise_for_critical()
    result = json.loads((tmp_path / "out" / "validation_result.json").read_text(encoding="utf-8"))
    assert result["ok"] is True and result["today"] == "2026-11-21"
    assert set(result["inputs"]) == {"suppliers", "catalog", "sales", "inventory"}
    assert len(result["inputs"]["sales"]["outcomes"]) == 14
    assert result["inputs"]["sales"]["great_expectations_result"]["success"] is True
    assert (tmp_path / "out" / "summary.txt").read_text(encoding="utf-8").startswith("Input validation OK")
    assert report.docs_index == Path("out") / "data_docs" / "index.html"
    assert report.docs_index.is_file()
    assert list((tmp_path / "out" / "data_docs" / "validations").rglob("*.html"))
