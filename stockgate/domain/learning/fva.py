"""Forecast value added (FVA): did the machine beat seasonal naive, and did human edits beat the machine?

Input: one row per decided purchase-order line whose window has passed (``DECIDED_LINE_COLUMNS``). The human's
plan is read as an implied forecast: the machine's forecast for the window plus the units the person added or
removed (``final_quantity - proposed_quantity``). All errors are in units over the line's window.

Metrics per group: WAPE (sum |error| / sum actual, %), bias (sum error / sum actual, %; positive = over-forecast),
and value added = WAPE(before) - WAPE(after) in percentage points (positive: the step helped).
"""

from __future__ import annotations

import pandas as pd

from stockgate.errors import ColumnError

DECIDED_LINE_COLUMNS = (
    "request_id",
    "sku",
    "location",
    "approver",
    "route",
    "reason_category",
    "sku_class",
    "proposed_quantity",
    "final_quantity",
    "naive_forecast",
    "machine_forecast",
    "actual",
)
REASON_CATEGORIES = ("promotion", "supplier_issue", "data_error", "gut_feeling", "other", "unchanged")


def add_implied_plan(lines: pd.DataFrame) -> pd.DataFrame:
    """Add ``human_forecast`` = machine forecast + (final - proposed quantity), floored at 0 (units)."""
    missing = [c for c in DECIDED_LINE_COLUMNS if c not in lines.columns]
    if missing:
        raise ColumnError(
            "The decided order lines lack these columns, so forecast value added cannot be computed.",
            file="decided order lines",
            column=", ".join(missing),
            hint="Build them with stockgate.domain.learning.assemble (decided_lines, then measure_lines).",
        )
    out = lines.copy()
    delta = out["final_quantity"].astype(float) - out["proposed_quantity"].astype(float)
    out["human_forecast"] = (out["machine_forecast"].astype(float) + delta).clip(lower=0.0)
    out["edited"] = delta != 0
    return out


def _wape(error: pd.Series, actual: pd.Series) -> float:
    total = float(actual.abs().sum())
    return 100.0 * float(error.abs().sum()) / total if total > 0 else float("nan")


def _bias(error: pd.Series, actual: pd.Series) -> float:
    total = float(actual.abs().sum())
    return 100.0 * float(error.sum()) / total if total > 0 else float("nan")


def _summarise(group: pd.DataFrame) -> pd.Series:
    actual = group["actual"].astype(float)
    stats: dict[str, float] = {"lines": len(group), "edited_lines": int(group["edited"].sum())}
    for step in ("naive", "machine", "human"):
        error = group[f"{step}_forecast"].astype(float) - actual
        stats[f"{step}_wape"] = _wape(error, actual)
        stats[f"{step}_bias"] = _bias(error, actual)
    stats["machine_vs_naive_pp"] = stats["naive_wape"] - stats["machine_wape"]
    stats["human_vs_machine_pp"] = stats["machine_wape"] - stats["human_wape"]
    return pd.Series(stats)


def forecast_value_added(lines: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """FVA table overall (``by=None``) or per value of ``by`` (e.g. "reason_category", "approver", "sku_class").

    Columns: lines, edited_lines, {naive,machine,human}_wape and _bias (%), machine_vs_naive_pp and
    human_vs_machine_pp (percentage points of WAPE saved; negative means the step made things worse).
    """
    planned = add_implied_plan(lines)
    if by is None:
        return _summarise(planned).to_frame("all").T
    rows = {key: _summarise(group) for key, group in planned.groupby(by, sort=True)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(by)


def edit_verdicts(lines: pd.DataFrame, *, by: str = "approver") -> pd.DataFrame:
    """Only the edited lines: did edits help or hurt, per ``by``, in percentage points and units."""
    planned = add_implied_plan(lines)
    edited = planned[planned["edited"]]
    if edited.empty:
        return pd.DataFrame(columns=["lines", "human_vs_machine_pp", "units_error_saved", "verdict"])
    table = pd.DataFrame.from_dict(
        {key: _summarise(group) for key, group in edited.groupby(by, sort=True)}, orient="index"
    ).rename_axis(by)
    saved = edited.assign(
        saved=(edited["machine_forecast"] - edited["actual"]).abs()
        - (edited["human_forecast"] - edited["actual"]).abs()
    )
    table["units_error_saved"] = saved.groupby(by)["saved"].sum()
    table["verdict"] = table["human_vs_machine_pp"].map(
        lambda pp: "helped" if pp > 0 else "hurt" if pp < 0 else "neutral"
    )
    return table[["lines", "human_vs_machine_pp", "human_bias", "machine_bias", "units_error_saved", "verdict"]]
