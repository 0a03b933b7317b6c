"""`stockgate plan` runs the flow's input checks first; loader hints fit the command that read the file."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from stockgate.adapters.sources import SalesMapping, load_inputs, load_sales
from stockgate.cli.main import app
from stockgate.domain.replenish.inputs import check_references
from stockgate.domain.replenish.orders import supplier_terms
from stockgate.errors import ColumnError, InputError, PlanningError

runner = CliRunner()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small data folder from the project's generator, never changed (tests copy it)."""
    data = tmp_path_factory.mktemp("generated") / "data"
    made = runner.invoke(
        app, ["data", "generate", "--out", str(data), "--series", "12", "--days", "200", "--seed", "5"]
    )
    assert made.exit_code == 0, made.output
    return data


@pytest.fixture(autouse=True)
def temporary_folders_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder a failed check keeps goes under the test's tmp_path, not the machine's /tmp."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def copy_of(generated: Path, tmp_path: Path) -> Path:
    """A copy of the generated folder to break."""
    return Path(shutil.copytree(generated, tmp_path / "data"))


def edit_line(path: Path, line: int, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` once in line ``line`` (1 = header) of a CSV; returns the edited line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines[line - 1]


def plan(data: Path, out: Path) -> tuple[int, str]:
    """Run `stockgate plan` without charts; exit code and everything printed."""
    result = runner.invoke(app, ["plan", "--data", str(data), "--out", str(out), "--no-charts"])
    return result.exit_code, " ".join(result.output.split())  # rich wraps long lines


def test_a_duplicated_stock_row_stops_before_writing(generated: Path, tmp_path: Path) -> None:
    """A repeated inventory row fails the critical rule with file and both rows; --out is not created."""
    data, out = copy_of(generated, tmp_path), tmp_path / "out"
    inventory = data / "inventory.csv"
    lines = inventory.read_text(encoding="utf-8").splitlines()
    inventory.write_text("\n".join([*lines, lines[3]]) + "\n", encoding="utf-8")
    code, output = plan(data, out)
    assert code == 1, output
    assert f"inventory.csv rows 4, {len(lines) + 1}" in output and "CRITICAL sku,location" in output
    assert "Fix the rows named above" in output and "supplier_budget_headroom" not in output
    assert not out.exists() and list(tmp_path.glob("stockgate-plan-inputs-*/validation_result.json"))


def test_an_unknown_supplier_names_file_row_and_value(generated: Path, tmp_path: Path) -> None:
    """An item whose supplier is not in suppliers stops with catalog.csv, its row and the id."""
    data, out = copy_of(generated, tmp_path), tmp_path / "out"
    edit_line(data / "catalog.csv", 4, ",SUP0", ",SUP9")
    code, output = plan(data, out)
    assert code == 1, output
    assert "catalog.csv row 4 (values 'SUP9" in output and not out.exists()


@pytest.mark.slow
def test_warnings_flag_lines_and_returns_are_set_aside(generated: Path, tmp_path: Path) -> None:
    """Negative stock flags its line data_warning; a negative sales row goes to quarantine, not the forecast."""
    data, out = copy_of(generated, tmp_path), tmp_path / "out"
    catalog = pd.read_csv(data / "catalog.csv")
    inventory = pd.read_csv(data / "inventory.csv")
    active = inventory["sku"].isin(catalog.loc[catalog["status"] == "active", "sku"])
    row = int(inventory.index[active][0])
    sku, location, on_hand = inventory.loc[row, ["sku", "location", "on_hand"]]
    edit_line(data / "inventory.csv", row + 2, f",{on_hand},", ",-5,")
    sales = pd.read_csv(data / "sales.csv")
    returned = int(sales.index[sales["units"] > 0][0]) + 2
    edit_line(data / "sales.csv", returned, f",{sales.loc[returned - 2, 'units']},", ",-4,")
    code, output = plan(data, out)
    assert code in (0, 1), output  # 1 only when a draft check fails; the input checks passed
    assert "input warning: inventory WARNING on_hand" in output and "(values -5.0)" in output
    lines = pd.read_csv(out / "purchase_order_lines.csv")
    flags = lines.loc[(lines["sku"] == sku) & (lines["location"] == location), "flags"]
    assert len(flags) == 1 and "data_warning" in flags.iloc[0].split(";")
    aside = pd.read_csv(out / "validation" / "quarantine" / "sales.csv")
    assert returned in set(aside["row"]) and f"{out / 'validation' / 'quarantine' / 'sales.csv'}" in output
    assert str(out / "validation") in (out / "validation" / "summary.txt").read_text(encoding="utf-8")


def test_a_bad_date_in_a_data_folder_does_not_suggest_an_option(generated: Path, tmp_path: Path) -> None:
    """The data folder has no --date-format: the hint says which layouts are read instead."""
    data = copy_of(generated, tmp_path)
    edit_line(data / "inventory.csv", 3, "2026-", "31.13.")
    code, output = plan(data, tmp_path / "out")
    assert code == 2 and "inventory.csv column 'snapshot_date' row 3" in output
    assert "--date-format" not in output and "YYYY-MM-DD" in output


def test_a_missing_column_in_a_data_folder_says_rename(generated: Path, tmp_path: Path) -> None:
    """The data folder's names are fixed: the hint says to rename the column, not to map it with options."""
    data = copy_of(generated, tmp_path)
    edit_line(data / "inventory.csv", 1, "on_hand", "stock")
    code, output = plan(data, tmp_path / "out")
    assert code == 2 and "column options" not in output
    assert "rename the file's column to 'on_hand'" in output


def test_sales_files_keep_the_hints_that_name_the_options(tmp_path: Path) -> None:
    """load_sales (the --sales commands) still points at --date-format and the column options."""
    sales = tmp_path / "train.csv"
    sales.write_text("date,store,item,sales\n2024-01-01,1,1,3\n01.13.2024,1,1,4\n", encoding="utf-8")
    mapping = SalesMapping(id_cols=("store", "item"), target_col="sales")
    with pytest.raises(InputError, match="--date-format"):
        load_sales(sales, mapping=mapping)
    with pytest.raises(ColumnError, match="--target-col"):
        load_sales(sales, mapping=SalesMapping(id_cols=("store", "item"), target_col="qty"))


def test_check_references_names_file_rows_and_supplier(generated: Path) -> None:
    """The planner's own reference check names the catalog file, the rows and the unknown supplier id."""
    bundle = load_inputs(generated)
    catalog = bundle.catalog.copy()
    catalog.loc[2, "supplier_id"] = "SUP99"
    terms = supplier_terms(bundle.suppliers, default_currency="EUR")
    with pytest.raises(PlanningError) as info:
        check_references(inventory=bundle.inventory, catalog=catalog, terms=terms)
    assert f"{generated / 'catalog.csv'} row 4: supplier_id 'SUP99'" in str(info.value)
