"""Assemble the learning loop's inputs from plain ledger frames: decided lines, decision history, measurements.

Pure pandas. The frames come from ``Ledger.requests_frame``, ``decisions_frame``, ``order_lines_frame`` and
``snapshot_frame``. Definitions (docs/learning.md):

- proposed quantity = the line in version 1 (the machine's draft); final quantity = the line in the approved
  version (0 when an edit dropped it);
- a line's window = ``window_days`` days from the order date (the planner's protection window: to the delivery
  after this one); lines without those facts use ``DEFAULT_WINDOW_DAYS`` from the order date;
- the machine's and seasonal naive's forecast for a window = the sums of the daily snapshot taken on the latest
  as-of date BEFORE the window starts; the actual = the sum of actual sales over the same days. A line is measured
  only when that snapshot covers every day of the window and every day has its actual.
"""

from __future__ import annotations

import pandas as pd

from stockgate.domain.learning.fva import DECIDED_LINE_COLUMNS
from stockgate.domain.learning.reasons import UNCHANGED
from stockgate.domain.learning.suggestions import DECISION_COLUMNS

DEFAULT_WINDOW_DAYS = 14
APPROVED = ("approved", "committed")


def _last(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per request, the last non-null value of ``column`` (decisions are ordered oldest first)."""
    return frame.dropna(subset=[column]).groupby("request_id")[column].last()


def decision_history(*, requests: pd.DataFrame, decisions: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """One row per closed request (``DECISION_COLUMNS``); outcome approved, edited, rejected or expired."""
    closed = requests[requests["status"].isin((*APPROVED, "rejected", "expired"))].set_index("request_id")
    if closed.empty:
        return pd.DataFrame(columns=list(DECISION_COLUMNS))
    edited = set(decisions.loc[decisions["action"] == "edit", "request_id"])
    final = decisions[decisions["final"].astype(bool)].groupby("request_id").last()
    first = lines[lines["version"] == 1].groupby("request_id").first()
    outcome = closed["status"].map(lambda s: "approved" if s in APPROVED else s)
    outcome[(outcome == "approved") & closed.index.isin(edited)] = "edited"
    out = pd.DataFrame(
        {
            "request_id": closed.index,
            "kind": closed["kind"],
            "created_at": closed["created_at"],
            "decided_at": closed["decided_at"],
            "route": final["route"].reindex(closed.index).fillna("system"),
            "outcome": outcome,
            "decided_by": closed["decided_by"],
            "total": first["order_total"].reindex(closed.index).fillna(closed["total"]),
            "confidence": first["confidence"].reindex(closed.index).fillna("medium"),
            "warnings": first["warnings"].reindex(closed.index).fillna(0).astype(int),
            "reason_category": _last(decisions, "reason_category").reindex(closed.index),
        }
    )
    return out.reset_index(drop=True)[list(DECISION_COLUMNS)]


def decided_lines(*, requests: pd.DataFrame, decisions: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """One row per line of every approved purchase order: proposal, final quantity, who, why and the window.

    Changed lines carry the last edit's category ("unrecorded" for edits made before categories existed), editor
    and route; unchanged lines are "unchanged" and carry the final decision's actor and route.
    """
    ok = requests[(requests["kind"] == "purchase_order") & requests["status"].isin(APPROVED)]["request_id"]
    ours = lines[lines["request_id"].isin(set(ok))]
    columns = [*DECIDED_LINE_COLUMNS[:9], "window_start", "window_days", "decided_at"]
    if ours.empty:
        return pd.DataFrame(columns=columns)
    key = ["request_id", "sku", "location"]
    proposed = ours[ours["version"] == 1]
    last_version = ours.groupby("request_id")["version"].transform("max")
    final = ours[ours["version"] == last_version][[*key, "quantity"]].rename(columns={"quantity": "final_quantity"})
    out = proposed.rename(columns={"quantity": "proposed_quantity"}).merge(final, on=key, how="left")
    out["final_quantity"] = out["final_quantity"].fillna(0).astype(int)
    edits = decisions[decisions["action"] == "edit"].groupby("request_id").last()
    closing = decisions[decisions["final"].astype(bool)].groupby("request_id").last()
    changed = out["final_quantity"] != out["proposed_quantity"]
    rid = out["request_id"]
    out["approver"] = rid.map(closing["actor"]).where(~changed, rid.map(edits["actor"]))
    out["route"] = rid.map(closing["route"]).where(~changed, rid.map(edits["route"]))
    category = rid.map(edits["reason_category"]).astype(object)
    out["reason_category"] = category.where(category.notna(), "unrecorded").where(changed, UNCHANGED)
    out["sku_class"] = out["service_class"].fillna("?").astype(str).str[:1].replace({"?": "unknown", "": "unknown"})
    created = rid.map(requests.set_index("request_id")["created_at"])
    out["window_start"] = pd.to_datetime(out["order_date"]).fillna(created.dt.tz_localize(None).dt.normalize())
    out["window_days"] = pd.to_numeric(out["window_days"], errors="coerce").fillna(DEFAULT_WINDOW_DAYS).astype(int)
    out["decided_at"] = rid.map(requests.set_index("request_id")["decided_at"])
    return out[columns].reset_index(drop=True)


def measure_lines(lines: pd.DataFrame, snapshots: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """(lines with naive_forecast, machine_forecast, actual and as_of, number of lines not measurable yet)."""
    empty = pd.DataFrame(columns=[*DECIDED_LINE_COLUMNS, "window_start", "window_days", "as_of"])
    if lines.empty:
        return empty, 0
    work = lines.reset_index(drop=True).assign(line=lambda f: range(len(f)))
    work["start"] = pd.to_datetime(work["window_start"])
    work["end"] = work["start"] + pd.to_timedelta(work["window_days"] - 1, unit="D")
    if snapshots.empty:
        return empty, len(work)
    joined = work[["line", "sku", "location", "start", "end"]].merge(snapshots, on=["sku", "location"])
    joined = joined[(joined["day"] >= joined["start"]) & (joined["day"] <= joined["end"])]
    joined = joined[joined["as_of"] < joined["start"]]
    joined = joined[joined["as_of"] == joined.groupby("line")["as_of"].transform("max")]
    sums = joined.groupby("line").agg(
        days=("day", "nunique"), known=("actual", "count"), machine_forecast=("forecast", "sum"),
        naive_forecast=("naive", "sum"), actual=("actual", "sum"), as_of=("as_of", "first"),
    )  # fmt: skip
    measured = work.join(sums, on="line", how="inner")
    measured = measured[(measured["days"] == measured["window_days"]) & (measured["known"] == measured["days"])]
    return measured[list(empty.columns)].reset_index(drop=True), len(work) - len(measured)


def line_table(decided: pd.DataFrame, measured: pd.DataFrame) -> pd.DataFrame:
    """Every decided line with its measurement where there is one: proposal, final quantity, category, person,
    window, then naive / machine / human forecasts and actual units over the window (empty while waiting)."""
    key = ["request_id", "sku", "location"]
    numbers = ["as_of", "naive_forecast", "machine_forecast", "actual"]
    if decided.empty:
        return pd.DataFrame(columns=[*decided.columns, *numbers, "human_forecast", "measured"])
    out = decided.merge(measured[key + numbers] if len(measured) else pd.DataFrame(columns=key + numbers),
                        on=key, how="left")  # fmt: skip
    delta = out["final_quantity"].astype(float) - out["proposed_quantity"].astype(float)
    out["human_forecast"] = (pd.to_numeric(out["machine_forecast"]) + delta).clip(lower=0.0)
    out["measured"] = out["actual"].notna()
    return out
