"""Custom expectations for the input suites (sales, catalog, inventory, suppliers).

- ``expect_column_values_to_be_whole_numbers``: a row passes when the value is a finite whole number (the
  loaders keep a column as float when one value has a fraction, so the rule can name that row).
- ``expect_column_pair_values_a_to_be_multiple_of_b`` (column_A = moq, column_B = pack_size): a row passes when
  ``column_A / column_B`` is a whole number; a zero or negative divisor fails.

Missing values are skipped (not-null rules report them). Importing this module registers both with GX.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation, ColumnPairMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    ColumnPairMapMetricProvider,
    column_condition_partial,
    column_pair_condition_partial,
)

METRIC = "stockgate.column_pair_values.a_multiple_of_b"
WHOLE_METRIC = "stockgate.column_values.whole_number"


class ColumnValuesWholeNumber(ColumnMapMetricProvider):
    """Row-wise: is the value a finite whole number?"""

    condition_metric_name = WHOLE_METRIC

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(values) & (values == np.floor(values))
        return pd.Series(whole, index=column.index)


class ExpectColumnValuesToBeWholeNumbers(ColumnMapExpectation):
    """Expect each value of the column to be a whole number (3 or 3.0, not 2.5, inf or text)."""

    map_metric: ClassVar[str] = WHOLE_METRIC


class ColumnPairValuesAMultipleOfB(ColumnPairMapMetricProvider):
    """Row-wise: is column_A a whole multiple of a positive column_B?"""

    condition_metric_name = METRIC
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, **kwargs: Any) -> pd.Series:
        a = pd.to_numeric(column_A, errors="coerce").to_numpy(dtype=float)
        b = pd.to_numeric(column_B, errors="coerce").to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = a / np.where(b > 0, b, np.nan)
            whole = np.isfinite(ratio) & (np.abs(ratio - np.round(ratio)) < 1e-9)
        return pd.Series(whole, index=column_A.index)


class ExpectColumnPairValuesAToBeMultipleOfB(ColumnPairMapExpectation):
    """Expect each value of column_A to be a whole multiple of the value of column_B in the same row."""

    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = "either_value_is_missing"
    map_metric: ClassVar[str] = METRIC
    success_keys: ClassVar[tuple[str, ...]] = ("column_A", "column_B", "ignore_row_if", "mostly")
    args_keys: ClassVar[tuple[str, ...]] = ("column_A", "column_B")
