"""Forecast adjustments learned from recurring edits, proposed to a person and never applied until enabled.

A pattern is a group (a category or a SKU) where people repeatedly raised or lowered quantities for the same
reason (for example promotions the data does not show), AND where those edits beat the machine against actual
sales. The proposal is a multiplicative factor on the machine's forecast for that group: for every period when
people made the edit on (nearly) every order, or, for events such as promotions, only for the dates a person
gives when enabling it (``from``/``until`` in the adjustments file).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from stockgate.domain.learning.fva import add_implied_plan


@dataclass(frozen=True)
class AdjustmentProposal:
    """A factor for the forecast of ``scope`` = ``value`` (e.g. category "beverages"), with its evidence."""

    id: str
    scope: str
    value: str
    reason_category: str
    factor: float
    edits: int
    human_wape: float
    machine_wape: float
    orders: int = 0
    enabled: bool = False
    enabled_by: str | None = None
    start: date | None = None
    end: date | None = None

    @property
    def recurring(self) -> bool:
        """True when people made this edit on at least 80 % of the group's orders (not an occasional event)."""
        return self.orders > 0 and self.edits >= 0.8 * self.orders

    @property
    def text(self) -> str:
        """One sentence for the report."""
        change = (self.factor - 1.0) * 100.0
        seen = f"{self.edits} of {self.orders}" if self.orders else f"{self.edits}"
        head = (
            f"{self.scope} {self.value}: people changed {seen} orders for '{self.reason_category}' by a median "
            f"{change:+.0f} %, and their plans beat the machine ({self.human_wape:.0f} % vs {self.machine_wape:.0f} % "
            "WAPE). "
        )
        if self.recurring:
            return head + f"Proposed: multiply its forecast by {self.factor:.2f}."
        return head + (
            f"Proposed: multiply its forecast by {self.factor:.2f} during such events only (enable it with from/until "
            "dates), and record the events in the data (for promotions, the sales file's promo column) so the "
            "forecaster can learn them."
        )


def learn_adjustments(
    lines: pd.DataFrame, *, scope: str = "sku", min_edits: int = 3, min_gain_pp: float = 2.0
) -> list[AdjustmentProposal]:
    """Proposals for groups with at least ``min_edits`` same-reason edits that beat the machine by ``min_gain_pp``.

    ``lines`` has the fva.DECIDED_LINE_COLUMNS plus the ``scope`` column (for example "sku" or "category").
    """
    planned = add_implied_plan(lines)
    orders: dict[object, int] = planned.groupby(scope).size().to_dict()
    edited = planned[planned["edited"] & (planned["machine_forecast"] > 0)]
    proposals = []
    for (value, reason), group in edited.groupby([scope, "reason_category"], sort=True):
        if len(group) < min_edits:
            continue
        actual = group["actual"].astype(float).abs().sum()
        if actual <= 0:
            continue
        machine_wape = 100.0 * float((group["machine_forecast"] - group["actual"]).abs().sum()) / actual
        human_wape = 100.0 * float((group["human_forecast"] - group["actual"]).abs().sum()) / actual
        if machine_wape - human_wape < min_gain_pp:
            continue
        factor = float((group["human_forecast"] / group["machine_forecast"]).median())
        proposals.append(
            AdjustmentProposal(
                id=f"adj-{scope}-{value}-{reason}".lower().replace(" ", "-"),
                scope=scope,
                value=str(value),
                reason_category=str(reason),
                factor=round(factor, 3),
                edits=len(group),
                human_wape=round(human_wape, 1),
                machine_wape=round(machine_wape, 1),
                orders=int(orders[value]),
            )
        )
    return proposals


def apply_adjustments(
    forecast: pd.DataFrame, proposals: list[AdjustmentProposal], *, scope_values: pd.Series,
    days: pd.Series | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Scale ``forecast``'s value columns by the ENABLED proposals only; ``scope_values`` aligns rows to groups.

    A proposal enabled with dates (``start``/``end``) scales only the rows whose ``days`` fall inside them."""
    out = forecast.copy()
    value_columns = [
        c for c in out.columns if c == "forecast" or (c.startswith("p") and c[1:].replace(".", "").isdigit())
    ]
    for proposal in (p for p in proposals if p.enabled):
        rows = scope_values.astype(str) == proposal.value
        if days is not None and (proposal.start or proposal.end):
            when = pd.to_datetime(days)
            rows &= (when >= pd.Timestamp(proposal.start or date.min)) & (
                when <= pd.Timestamp(proposal.end or date.max)
            )
        out.loc[rows, value_columns] = out.loc[rows, value_columns] * proposal.factor
    return out


@dataclass(frozen=True)
class Enabled:
    """One entry a person put in the adjustments file: this proposal (optionally with their own factor) is on."""

    id: str
    enabled_by: str
    factor: float | None = None
    scope: str | None = None
    value: str | None = None
    start: date | None = None
    end: date | None = None


def parse_enabled(config: object) -> dict[str, Enabled]:
    """The enabled entries of an adjustments file's content (``{"enabled": [{"id": ..., "enabled_by": ...}]}``).

    ValueError naming the entry when one lacks ``id`` or ``enabled_by`` (a person must put their name to it)."""
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise ValueError("the file must hold a mapping with an 'enabled' list: enabled: [{id: ..., enabled_by: ...}]")
    entries = config.get("enabled")
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise ValueError("'enabled' must be a list of entries with id and enabled_by")
    out: dict[str, Enabled] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("enabled_by"):
            raise ValueError(f"entry {number} of 'enabled' needs an id and enabled_by (who switched it on)")
        factor = entry.get("factor")
        out[str(entry["id"])] = Enabled(
            id=str(entry["id"]),
            enabled_by=str(entry["enabled_by"]),
            factor=_factor(factor, number),
            scope=None if entry.get("scope") is None else str(entry["scope"]),
            value=None if entry.get("value") is None else str(entry["value"]),
            start=_day(entry.get("from"), number),
            end=_day(entry.get("until"), number),
        )
    return out


def _factor(value: object, number: int) -> float | None:
    if value is None:
        return None
    try:
        factor = float(str(value))
    except ValueError:
        raise ValueError(f"entry {number} of 'enabled': factor '{value}' is not a number (e.g. 1.2)") from None
    if not factor > 0:
        raise ValueError(f"entry {number} of 'enabled': factor must be above 0, not {value}")
    return factor


def _day(value: object, number: int) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"entry {number} of 'enabled': '{value}' is not a date (use YYYY-MM-DD)") from None


def mark_enabled(proposals: list[AdjustmentProposal], enabled: dict[str, Enabled]) -> list[AdjustmentProposal]:
    """Proposals with ``enabled`` set where a person listed their id, plus listed entries no longer proposed
    (kept on, with their own scope, value and factor, until the person removes them)."""
    out = []
    for p in proposals:
        entry = enabled.get(p.id)
        if entry is None:
            out.append(p)
            continue
        factor = p.factor if entry.factor is None else entry.factor
        out.append(replace(p, enabled=True, enabled_by=entry.enabled_by, factor=factor, start=entry.start,
                           end=entry.end))  # fmt: skip
    known = {p.id for p in proposals}
    for entry in enabled.values():
        if entry.id not in known and entry.scope and entry.value and entry.factor is not None:
            out.append(
                AdjustmentProposal(
                    id=entry.id, scope=entry.scope, value=entry.value, reason_category="(enabled earlier)",
                    factor=entry.factor, edits=0, human_wape=float("nan"), machine_wape=float("nan"),
                    enabled=True, enabled_by=entry.enabled_by, start=entry.start, end=entry.end,
                )
            )  # fmt: skip
    return out


def adjust_forecast(forecasts: pd.DataFrame, proposals: list[AdjustmentProposal]) -> pd.DataFrame | None:
    """The forecaster's rows (``unique_id "LOC/SKU", ds, forecast, pNN``) with the ENABLED SKU-scope proposals
    applied on their dates; None when no proposal is enabled (nothing to change)."""
    enabled = [p for p in proposals if p.enabled and p.scope == "sku"]
    if not enabled:
        return None
    from stockgate.domain.learning.snapshots import split_unique_id

    skus = split_unique_id(forecasts["unique_id"])["sku"].set_axis(forecasts.index)
    return apply_adjustments(forecasts, enabled, scope_values=skus, days=forecasts["ds"])
