"""Bad input files: each gives an InputError naming the file, the column and the rows, with a fix - never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stockgate.adapters.sources import SalesMapping, load_input, load_inputs, load_sales
from stockgate.domain.contracts import CATALOG, SALES
from stockgate.errors import ColumnError, InputError
from tests.sources_fixtures import CATALOG_CSV, contract_folder, write

HEADER = "sku,location,date,units\n"


def _sales_error(path: Path, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as info:
        load_input(path, SALES, **kwargs)  # type: ignore[arg-type]
    assert str(path) in str(info.value)
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    """A missing file is named and the message says it was not found."""
    error = _sales_error(tmp_path / "sales.csv")
    assert "not found" in str(error)


def test_zero_byte_file(tmp_path: Path) -> None:
    """A 0-byte file is reported as empty."""
    error = _sales_error(write(tmp_path / "sales.csv", ""))
    assert "empty (0 bytes)" in str(error)


def test_header_only_file(tmp_path: Path) -> None:
    """A file with a header and no rows says it has no data rows."""
    error = _sales_error(write(tmp_path / "sales.csv", HEADER))
    assert "no data rows" in str(error)


def test_missing_column_is_named(tmp_path: Path) -> None:
    """A file without 'units' raises ColumnError naming the column and listing the file's columns."""
    error = _sales_error(write(tmp_path / "sales.csv", "sku,location,date\nA,S1,2026-03-02\n"))
    assert isinstance(error, ColumnError)
    assert error.column == "units"
    assert "'sku', 'location', 'date'" in str(error)


def test_misspelt_column_gets_closest_suggestion(tmp_path: Path) -> None:
    """'loaction' for 'location' is named and suggested as the closest name."""
    error = _sales_error(write(tmp_path / "sales.csv", "sku,loaction,date,units\nA,S1,2026-03-02,1\n"))
    assert isinstance(error, ColumnError)
    assert "column 'location'" in str(error)
    assert "Did you mean 'loaction'?" in str(error)


def test_case_and_spaces_in_header_are_accepted_with_a_note(tmp_path: Path) -> None:
    """' SKU ' is read as 'sku' and a note says so."""
    frame, notes = load_input(write(tmp_path / "sales.csv", " SKU ,location,date,units\nA,S1,2026-03-02,1\n"), SALES)
    assert frame["sku"].tolist() == ["A"]
    assert any("' SKU '" in note for note in notes)


def test_semicolon_separated_file_is_read_and_reported(tmp_path: Path) -> None:
    """A ;-separated .csv (with decimal commas) is read, and notes say it looks ;-separated."""
    path = write(tmp_path / "sales.csv", "sku;location;date;units\nA;S1;2026-03-02;3,5\n")
    frame, notes = load_input(path, SALES)
    assert frame["units"].tolist() == [3.5]
    assert any("sales.csv: the file looks ;-separated" in note for note in notes)
    assert any("decimal comma" in note for note in notes)


def test_unknown_separator_reads_as_one_column(tmp_path: Path) -> None:
    """A ':'-separated file is one column: the error names the file, the column and blames the separator."""
    error = _sales_error(write(tmp_path / "sales.csv", "sku:location:date:units\nA:S1:2026-03-02:1\n"))
    assert "single column 'sku:location:date:units'" in str(error)
    assert "separator" in str(error)


def test_non_utf8_bytes_name_line_and_byte(tmp_path: Path) -> None:
    """Latin-1 bytes on line 3 are named by line and byte, with the re-save / --encoding advice."""
    path = tmp_path / "sales.csv"
    path.write_bytes(b"sku,location,date,units\nA,S1,2026-03-02,1\nB,M\xfcnchen,2026-03-02,2\n")
    error = _sales_error(path)
    assert error.rows == [3]
    assert "line 3, position 4 (byte offset 45)" in str(error)
    assert "UTF-8" in str(error) and "--encoding" in str(error)


def test_non_utf8_far_into_the_file_is_found_by_scanning(tmp_path: Path) -> None:
    """A bad byte after the first 64 KiB is still named by its line."""
    rows = "".join(f"A,S1,2026-03-02,{i}\n" for i in range(5000))
    path = tmp_path / "sales.csv"
    path.write_bytes((HEADER + rows).encode() + b"B,K\xf6ln,2026-03-02,2\n")
    error = _sales_error(path)
    assert error.rows == [5002]


def test_encoding_option_reads_latin1(tmp_path: Path) -> None:
    """With encoding='latin-1' the same file reads and the text is right."""
    path = tmp_path / "sales.csv"
    path.write_bytes(b"sku,location,date,units\nB,M\xfcnchen,2026-03-02,2\n")
    frame, _ = load_input(path, SALES, encoding="latin-1")
    assert frame["location"].tolist() == ["München"]


def test_unparseable_dates_name_rows_and_example(tmp_path: Path) -> None:
    """Dates that are not dates are reported with their rows and an example value."""
    text = HEADER + "A,S1,2026-03-02,1\nA,S1,2026-02-30,1\nA,S1,yesterday,1\n"
    error = _sales_error(write(tmp_path / "sales.csv", text))
    assert (error.column, error.rows) == ("date", [3, 4])
    assert "'2026-02-30'" in str(error) and "rows 3, 4" in str(error)


def test_non_iso_dates_in_one_format_are_accepted(tmp_path: Path) -> None:
    """Dates written 02.03.2026 throughout are read day-first."""
    frame, _ = load_input(write(tmp_path / "sales.csv", HEADER + "A,S1,02.03.2026,1\nA,S1,13.03.2026,1\n"), SALES)
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-02", "2026-03-13"]


def test_text_in_numeric_column_names_rows_and_values(tmp_path: Path) -> None:
    """Text in 'units' is reported with every bad row and the values."""
    text = HEADER + "A,S1,2026-03-02,1\nA,S1,2026-03-03,two\nA,S1,2026-03-04,3\nA,S1,2026-03-05,n/a?\n"
    error = _sales_error(write(tmp_path / "sales.csv", text))
    assert (error.column, error.rows) == ("units", [3, 5])
    assert "'two'" in str(error) and "'n/a?'" in str(error)


def test_text_in_integer_column_of_catalog(tmp_path: Path) -> None:
    """Text in catalog pack_size names catalog.csv, the column and the row."""
    path = write(tmp_path / "catalog.csv", CATALOG_CSV.replace(",6,24,", ",six,24,"))
    with pytest.raises(InputError) as info:
        load_input(path, CATALOG)
    assert (info.value.file, info.value.column, info.value.rows) == (str(path), "pack_size", [2])


def test_bad_promo_flag_names_rows(tmp_path: Path) -> None:
    """A promo flag that is not 1/0 or true/false is reported with its row."""
    text = "sku,location,date,units,promo\nA,S1,2026-03-02,1,1\nA,S1,2026-03-03,1,maybe\n"
    error = _sales_error(write(tmp_path / "sales.csv", text))
    assert (error.column, error.rows) == ("promo", [3])


def test_ragged_row_is_a_parse_error_not_a_crash(tmp_path: Path) -> None:
    """A row with an extra field gives an InputError naming the file."""
    error = _sales_error(write(tmp_path / "sales.csv", HEADER + "A,S1,2026-03-02,1\nA,S1,2026-03-03,1,9\n"))
    assert "same number of fields" in str(error)


def test_file_over_2_gib_is_refused_without_reading(tmp_path: Path) -> None:
    """A sparse 2 GiB + 1 byte file is refused by size with advice to use Parquet or a SQL query."""
    path = tmp_path / "sales.csv"
    with path.open("wb") as fh:
        fh.write(HEADER.encode())
        fh.truncate(2 * 1024**3 + 1)
    assert os.path.getsize(path) > 2 * 1024**3
    error = _sales_error(path)
    assert "2.0 GiB" in str(error) and "Parquet" in str(error) and "--query" in str(error)


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    """max_bytes lowers the limit for load_sales and load_inputs alike."""
    folder = contract_folder(tmp_path)
    with pytest.raises(InputError, match="above the limit"):
        load_inputs(folder, max_bytes=50)
    with pytest.raises(InputError, match="above the limit"):
        load_sales(folder / "sales.csv", max_bytes=50)


def test_empty_cells_in_needed_sales_columns_name_rows(tmp_path: Path) -> None:
    """load_sales refuses empty units with their rows (0 means no sales; empty is unknown)."""
    path = write(tmp_path / "sales.csv", HEADER + "A,S1,2026-03-02,1\nA,S1,2026-03-03,\n")
    with pytest.raises(InputError) as info:
        load_sales(path)
    assert (info.value.file, info.value.column, info.value.rows) == (str(path), "units", [3])


def test_mapped_column_misspelt_suggests_the_file_name(tmp_path: Path) -> None:
    """--target-col sale on a Kaggle file suggests 'sales'."""
    path = write(tmp_path / "train.csv", "date,store,item,sales\n2013-01-01,1,1,13\n")
    with pytest.raises(ColumnError, match="Did you mean 'sales'"):
        load_sales(path, mapping=SalesMapping(id_cols=("store", "item"), target_col="sale"))
