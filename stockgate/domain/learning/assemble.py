"""Assemble the learning loop's inputs from plain ledger frames: decided lines, decision history, measurements.

Pure pandas. The frames come from ``Ledger.requests_frame``, ``decisions_frame``, ``order_lines_frame`` and
``window_sums``. Definitions (docs/learning.md):

- proposed quantity = the line in version 1 (the machine's draft; 0 for a line a person added); final quantity =
  the line in the approved version (0 when an edit dropped it); each version is compared with the one before, and
  a changed line belongs to the edit that created the last version changing it;
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
SUPERSEDED_PREFIX = "superseded by"
"""How ``stockgate.services.supersede`` words the reason of a request it withdraws ("superseded by request ...")."""
_KEY = ["request_id", "sku", "location"]


def _last(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per request, the last non-null value of ``column`` (decisions are ordered oldest first)."""
    return frame.dropna(subset=[column]).groupby("request_id")[column].last()


def decision_history(*, requests: pd.DataFrame, decisions: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """One row per closed request (``DECISION_COLUMNS``); outcome approved, edited, rejected, expired or superseded
    (withdrawn because a newer draft replaced it: its expire decision says "superseded by request ...")."""
    closed = requests[requests["status"].isin((*APPROVED, "rejected", "expired"))].set_index("request_id")
    if closed.empty:
        return pd.DataFrame(columns=list(DECISION_COLUMNS))
    edited = set(decisions.loc[decisions["action"] == "edit", "request_id"])
    final = decisions[decisions["final"].astype(bool)].groupby("request_id").last()
    first = lines[lines["version"] == 1].groupby("request_id").first()
    outcome = closed["status"].map(lambda s: "approved" if s in APPROVED else s)
    outcome[(outcome == "approved") & closed.index.isin(edited)] = "edited"
    why = decisions["reason"] if "reason" in decisions else pd.Series("", index=decisions.index)
    withdrawn = decisions[(decisions["action"] == "expire") & why.fillna("").astype(str).str.lower()
                          .str.startswith(SUPERSEDED_PREFIX)]  # fmt: skip
    outcome[(outcome == "expired") & closed.index.isin(set(withdrawn["request_id"]))] = "superseded"
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


def _versions(lines: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Every (request_id, version) of these requests: the stored drafts' versions and the edits' new versions."""
    edits = decisions.loc[decisions["action"] == "edit", ["request_id", "version"]]
    edits = edits[edits["request_id"].isin(set(lines["request_id"]))]
    both = pd.concat([lines[["request_id", "version"]], edits], ignore_index=True)
    return both.astype({"version": int}).drop_duplicates()


def _line_changes(lines: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Per line (request_id, sku, location): proposed (first version), final (last version) and the last version
    whose edit changed it (NaN when none did); a line missing from a version has quantity 0 there."""
    qty = lines.groupby([*_KEY, "version"], as_index=False)["quantity"].sum()
    grid = lines[_KEY].drop_duplicates().merge(_versions(lines, decisions), on="request_id")
    grid = grid.merge(qty, on=[*_KEY, "version"], how="left").fillna({"quantity": 0})
    grid = grid.sort_values([*_KEY, "version"])
    previous = grid.groupby(_KEY)["quantity"].shift()
    grid["changed_in"] = grid["version"].where(previous.notna() & (grid["quantity"] != previous))
    per_line = grid.groupby(_KEY, sort=False)
    return pd.DataFrame(
        {
            "proposed_quantity": per_line["quantity"].first().astype(int),
            "final_quantity": per_line["quantity"].last().astype(int),
            "changed_in": per_line["changed_in"].max(),
        }
    ).reset_index()


def decided_lines(*, requests: pd.DataFrame, decisions: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """One row per line of every approved purchase order: proposal, final quantity, who, why and the window.

    Each version is compared with the one before: a changed line is attributed to the edit that created the last
    version changing it (its actor, route and category; "unrecorded" for edits made before categories existed).
    Lines a person added have proposed 0, dropped lines final 0; unchanged lines are "unchanged" and carry the
    closing decision's actor and route.
    """
    ok = requests[(requests["kind"] == "purchase_order") & requests["status"].isin(APPROVED)]["request_id"]
    ours = lines[lines["request_id"].isin(set(ok))]
    columns = [*DECIDED_LINE_COLUMNS[:9], "window_start", "window_days", "decided_at"]
    if ours.empty:
        return pd.DataFrame(columns=columns)
    ours = ours.astype({"version": int, "quantity": int})
    facts = ours.sort_values("version").groupby(_KEY, sort=False).last().drop(columns=["version", "quantity"])
    out = _line_changes(ours, decisions).join(facts, on=_KEY)
    edits = decisions[decisions["action"] == "edit"].astype({"version": int})
    creator = edits.groupby(["request_id", "version"]).last()
    closing = decisions[decisions["final"].astype(bool)].groupby("request_id").last()
    changed = out["final_quantity"] != out["proposed_quantity"]
    rid = out["request_id"]
    made = pd.MultiIndex.from_arrays([rid, out["changed_in"].fillna(-1).astype(int)])
    who = ["actor", "route", "reason_category"]
    by_edit = creator.reindex(made)[who].reset_index(drop=True)
    missing = by_edit["actor"].isna()  # a version without its edit decision: the request's last edit
    by_edit.loc[missing, who] = edits.groupby("request_id").last()[who].reindex(rid[missing]).to_numpy()
    out["approver"] = rid.map(closing["actor"]).where(~changed, by_edit["actor"])
    out["route"] = rid.map(closing["route"]).where(~changed, by_edit["route"])
    category = by_edit["reason_category"].astype(object)
    out["reason_category"] = category.where(category.notna(), "unrecorded").where(changed, UNCHANGED)
    out["sku_class"] = out["service_class"].fillna("?").astype(str).str[:1].replace({"?": "unknown", "": "unknown"})
    created = rid.map(requests.set_index("request_id")["created_at"])
    out["window_start"] = pd.to_datetime(out["order_date"]).fillna(created.dt.tz_localize(None).dt.normalize())
    out["window_days"] = pd.to_numeric(out["window_days"], errors="coerce").fillna(DEFAULT_WINDOW_DAYS).astype(int)
    out["decided_at"] = rid.map(requests.set_index("request_id")["decided_at"])
    return out[columns].reset_index(drop=True)


WINDOW_SUM_COLUMNS = ("sku", "location", "start", "end", "as_of", "days", "known", "machine_forecast",
                      "naive_forecast", "actual")  # fmt: skip
"""Per series and window: the snapshot used (latest as-of before ``start``), its days in the window, the days
with an actual, and the sums of forecast, seasonal naive and actual units over the window."""


def line_windows(lines: pd.DataFrame) -> pd.DataFrame:
    """The distinct windows the decided ``lines`` need: ``sku, location, start, end`` (inclusive days)."""
    if lines.empty:
        return pd.DataFrame(columns=["sku", "location", "start", "end"])
    start = pd.to_datetime(lines["window_start"]).dt.normalize()
    end = start + pd.to_timedelta(lines["window_days"].astype(int) - 1, unit="D")
    frame = pd.DataFrame({"sku": lines["sku"].astype(str), "location": lines["location"].astype(str),
                          "start": start, "end": end})  # fmt: skip
    return frame.drop_duplicates().reset_index(drop=True)


def window_sums(*, windows: pd.DataFrame, snapshots: pd.DataFrame) -> pd.DataFrame:
    """``WINDOW_SUM_COLUMNS`` from daily snapshot rows (``as_of, sku, location, day, forecast, naive, actual``);
    the same sums the ledger computes in SQL (``LearningStore.window_sums``)."""
    if windows.empty or snapshots.empty:
        return pd.DataFrame(columns=list(WINDOW_SUM_COLUMNS))
    joined = windows.merge(snapshots, on=["sku", "location"])
    joined = joined[(joined["day"] >= joined["start"]) & (joined["day"] <= joined["end"])]
    joined = joined[joined["as_of"] < joined["start"]]
    key = ["sku", "location", "start", "end"]
    joined = joined[joined["as_of"] == joined.groupby(key)["as_of"].transform("max")]
    sums = joined.groupby(key, as_index=False).agg(
        as_of=("as_of", "first"), days=("day", "nunique"), known=("actual", "count"),
        machine_forecast=("forecast", "sum"), naive_forecast=("naive", "sum"), actual=("actual", "sum"),
    )  # fmt: skip
    return sums[list(WINDOW_SUM_COLUMNS)]


def measure_lines(*, lines: pd.DataFrame, sums: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """(lines with naive_forecast, machine_forecast, actual and as_of, number of lines not measurable yet).

    ``sums`` holds ``WINDOW_SUM_COLUMNS`` per series and window (``window_sums`` or the ledger's); a line is
    measured when its snapshot covers every day of its window and every day has its actual."""
    empty = pd.DataFrame(columns=[*DECIDED_LINE_COLUMNS, "window_start", "window_days", "as_of"])
    if lines.empty:
        return empty, 0
    if sums.empty:
        return empty, len(lines)
    work = lines.reset_index(drop=True).assign(
        sku=lambda f: f["sku"].astype(str), location=lambda f: f["location"].astype(str),
        start=lambda f: pd.to_datetime(f["window_start"]).dt.normalize(),
    )  # fmt: skip
    work["end"] = work["start"] + pd.to_timedelta(work["window_days"].astype(int) - 1, unit="D")
    found = sums.assign(start=pd.to_datetime(sums["start"]), end=pd.to_datetime(sums["end"]))
    measured = work.merge(found, on=["sku", "location", "start", "end"], how="inner")
    measured = measured[(measured["days"] == measured["window_days"]) & (measured["known"] == measured["days"])]
    return measured[list(empty.columns)].reset_index(drop=True), len(work) - len(measured)


def line_table(*, decided: pd.DataFrame, measured: pd.DataFrame) -> pd.DataFrame:
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
