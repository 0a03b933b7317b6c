"""Custom Great Expectations for marketing copy: one per check in ``stockgate.domain.copy.suite.SPECS``.

Each expectation is a multicolumn map expectation over a drafts frame (``stockgate.domain.copy.suite.copy_frame``):
a row passes when the pure check function passes. The brand rules and recently published texts arrive as suite
parameters (``suite_parameters``), named like the expectation's keyword arguments, e.g.
``"banned_terms": {"$PARAMETER": "banned_terms"}``. Importing this module registers the expectations.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import MulticolumnMapMetricProvider
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)

from stockgate.domain.copy.suite import SPECS, CheckSpec

_DOMAIN_KEYS = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")


def _metric_name(spec: CheckSpec) -> str:
    return f"stockgate.copy.{spec.name}"


def _condition(spec: CheckSpec) -> Any:
    def _pandas(cls: Any, column_list: pd.DataFrame, **kwargs: Any) -> pd.Series:
        params = {name: kwargs[name] for name in spec.parameters}
        rows = column_list.fillna("").to_dict("records")
        passed: list[bool] = [spec.run(row, params).passed for row in rows]
        return pd.Series(passed, index=column_list.index, dtype=bool)

    return multicolumn_condition_partial(engine=PandasExecutionEngine)(_pandas)


def _class_name(expectation_type: str) -> str:
    return "".join(part.capitalize() for part in expectation_type.split("_"))


def _register(spec: CheckSpec) -> type[MulticolumnMapExpectation]:
    """Define (and so register with GX) the metric provider and the expectation class for one check."""
    type(
        f"{_class_name(spec.expectation)}Metric",
        (MulticolumnMapMetricProvider,),
        {
            "condition_metric_name": _metric_name(spec),
            "condition_domain_keys": _DOMAIN_KEYS,
            "condition_value_keys": spec.parameters,
            "_pandas": _condition(spec),
        },
    )
    namespace: dict[str, Any] = {
        "__annotations__": {name: Any for name in spec.parameters} | {"map_metric": ClassVar[str]},
        "__doc__": f"Each copy draft passes the '{spec.name}' check (stockgate.domain.copy.checks).",
        "__module__": __name__,
        "map_metric": _metric_name(spec),
        "success_keys": (*spec.parameters, "mostly"),
    }
    return type(_class_name(spec.expectation), (MulticolumnMapExpectation,), namespace)


EXPECTATIONS: dict[str, type[MulticolumnMapExpectation]] = {spec.expectation: _register(spec) for spec in SPECS}
"""The registered copy expectation classes by expectation type."""
