"""Turning raw columns (text, categoricals, numbers from any reader) into contract types, naming bad rows.

Each function takes the values, the matching ``_row`` numbers and the file and column names for its message.
Unique values are parsed once (dates and flags repeat a lot), so millions of rows convert quickly.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from stockgate.errors import InputError

DATE_FORMATS = ("%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y%m%d")
"""Formats tried, in order, when dates are not ISO 8601; the first that parses every value wins."""

_TRUE = {"1", "1.0", "true", "t", "yes", "y"}
_FALSE = {"0", "0.0", "false", "f", "no", "n"}


def _blank(values: pd.Series) -> np.ndarray:
    """True where a cell is missing or only spaces; computed once per distinct value."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.isna(), dtype=bool)
    codes, uniques = pd.factorize(values)
    empty = pd.Series(uniques, dtype="object").astype("str").str.strip().eq("").to_numpy(dtype=bool)
    return (codes < 0) | np.append(empty, True)[codes]


def _fail(
    message: str, values: pd.Series, bad: np.ndarray, rows: pd.Series, *, file: str, column: str, hint: str
) -> InputError:
    samples = list(dict.fromkeys(str(v) for v in values[bad].head(50)))[:5]
    shown = ", ".join(f"'{s}'" for s in samples)
    count = int(bad.sum())
    return InputError(
        f"{count} {'values are' if count > 1 else 'value is'} {message} (for example {shown}).",
        file=file,
        column=column,
        rows=rows[bad].tolist(),
        hint=hint,
    )


def to_float(values: pd.Series, *, rows: pd.Series, column: str, file: str) -> pd.Series:
    """float64 values; InputError naming the rows that hold text. Empty cells become NaN."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not isinstance(values.dtype, pd.CategoricalDtype):
        return values.astype("float64")
    codes, uniques = pd.factorize(values)
    parsed = pd.to_numeric(pd.Series(uniques, dtype="object"), errors="coerce").astype("float64")
    result = pd.Series(parsed.to_numpy().take(codes), index=values.index).where(codes >= 0)
    bad = np.asarray(result.isna(), dtype=bool) & ~_blank(values)
    if bad.any():
        has_comma = values[bad].astype("str").str.contains(",", regex=False).any()
        hint = "Use a dot as decimal point and no thousands separator." if has_comma else _NUMBER_HINT
        raise _fail("not a number", values, bad, rows, file=file, column=column, hint=hint)
    return result.astype("float64")


_NUMBER_HINT = "Put plain numbers in this column (leave the cell empty when unknown)."


def to_int(values: pd.Series, *, rows: pd.Series, column: str, file: str) -> pd.Series:
    """int64 when every value is a whole number; otherwise float64, so validation can name the rows."""
    numbers = to_float(values, rows=rows, column=column, file=file)
    finite = numbers.dropna()
    if len(finite) == len(numbers) and bool((finite == np.floor(finite)).all()):
        return numbers.astype("int64")
    return numbers


def to_date(
    values: pd.Series,
    *,
    rows: pd.Series,
    column: str,
    file: str,
    date_format: str | None = None,
    format_with: str | None = None,
) -> pd.Series:
    """datetime64[ns] (timezone dropped); InputError naming rows and an example of values that are not dates.

    ``format_with`` says how the user can give the dates' format (for example an option); None when they cannot.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        return dates.astype("datetime64[ns]")
    codes, uniques = pd.factorize(values.astype("str") if pd.api.types.is_numeric_dtype(values.dtype) else values)
    if len(uniques) == 0:  # an all-blank column (e.g. nothing on order): no dates, nothing wrong
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    parsed = _parse_dates(pd.Series(uniques, dtype="str").str.strip(), date_format)
    result = pd.Series(parsed.to_numpy().take(codes), index=values.index).where(codes >= 0)
    bad = np.asarray(result.isna(), dtype=bool) & ~_blank(values)
    if bad.any():
        raise _fail("not a date", values, bad, rows, file=file, column=column, hint=_date_hint(format_with))
    return result.astype("datetime64[ns]")


def _date_hint(format_with: str | None) -> str:
    if format_with is not None:
        return f"Write dates as YYYY-MM-DD (ISO 8601), or give their format with {format_with}, e.g. '%d.%m.%Y'."
    return (
        "Write dates as YYYY-MM-DD (ISO 8601); other layouts such as 31.12.2025 or 12/31/2025 are read only "
        "when every date in the column uses the same one."
    )


def _parse_dates(text: pd.Series, date_format: str | None) -> pd.Series:
    if date_format:
        return _to_datetime(text, date_format)
    best = _to_datetime(text, "ISO8601")
    if best.notna().sum() == text.ne("").sum():
        return best
    for fmt in DATE_FORMATS:
        attempt = _to_datetime(text, fmt)
        if attempt.notna().sum() == text.ne("").sum():
            return attempt
    return best


def _to_datetime(text: pd.Series, fmt: str) -> pd.Series:
    parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
    return parsed.dt.tz_localize(None).astype("datetime64[ns]")


def to_bool(values: pd.Series, *, rows: pd.Series, column: str, file: str) -> pd.Series:
    """bool values from 1/0, true/false, yes/no (empty = False); InputError naming rows with anything else."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("bool")
    codes, uniques = pd.factorize(values)
    text = pd.Series(uniques, dtype="object").astype("str").str.strip().str.lower()
    flags = np.append(text.isin(_TRUE).to_numpy(dtype=bool), False)[codes]
    known = np.append(text.isin(_TRUE | _FALSE | {""}).to_numpy(dtype=bool), True)[codes]
    bad = ~known
    if bad.any():
        hint = "Use 1 for yes and 0 for no."
        raise _fail("not 1/0 or true/false", values, bad, rows, file=file, column=column, hint=hint)
    return pd.Series(flags, index=values.index)


def to_str(values: pd.Series) -> pd.Series:
    """pandas "str" values; whole numbers read as floats lose their ``.0``; empty cells become missing."""
    if pd.api.types.is_float_dtype(values.dtype) and bool((values.dropna() % 1 == 0).all()):
        values = values.astype("Int64")
    return category_to_str(to_category(values))


def to_category(values: pd.Series) -> pd.Series:
    """Text ids as a categorical (spaces stripped, empty cells missing): cheap to group, sort and join."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.dtype == "str":
        return values
    if pd.api.types.is_float_dtype(values.dtype) and bool((values.dropna() % 1 == 0).all()):
        values = values.astype("Int64")
    codes, uniques = pd.factorize(values)
    text = pd.Series(uniques, dtype="object").astype("str").str.strip()
    text_codes, labels = pd.factorize(text.where(text != ""))
    final = np.append(text_codes, -1)[codes]
    categories = pd.Index(pd.array(list(labels), dtype="str"))
    return pd.Series(pd.Categorical.from_codes(final, categories=categories), index=values.index)


def category_to_str(values: pd.Series) -> pd.Series:
    """A categorical as a pandas "str" column (missing stays missing)."""
    labels = pd.array(values.cat.categories.astype("str").tolist(), dtype="str")
    return pd.Series(labels.take(values.cat.codes.to_numpy(), allow_fill=True), index=values.index, dtype="str")


def coerce(
    frame: pd.DataFrame,
    kinds: Mapping[str, str],
    *,
    file: str,
    date_format: str | None = None,
    format_with: str | None = None,
) -> pd.DataFrame:
    """Convert each column named in ``kinds`` (contract kind) in place of ``frame``; returns the frame.

    ``format_with``: how the user can give a date format, for the hint of a bad date (see ``to_date``).
    """
    rows = frame["_row"]
    for name, kind in kinds.items():
        if name not in frame.columns:
            continue
        values = frame[name]
        if kind == "str":
            frame[name] = to_str(values)
        elif kind == "float":
            frame[name] = to_float(values, rows=rows, column=name, file=file)
        elif kind == "int":
            frame[name] = to_int(values, rows=rows, column=name, file=file)
        elif kind == "date":
            frame[name] = to_date(
                values, rows=rows, column=name, file=file, date_format=date_format, format_with=format_with
            )
        else:
            frame[name] = to_bool(values, rows=rows, column=name, file=file)
    return frame
