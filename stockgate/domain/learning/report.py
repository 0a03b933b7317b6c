"""The learning report: forecast value added, edit verdicts, decision statistics, and proposals with evidence.

Built from measured lines (``assemble.measure_lines``) and the decision history (``assemble.decision_history``);
``to_dict`` is the JSON of ``stockgate report --json`` and the artifacts; ``findings`` are the sentences a
planner reads first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from stockgate.domain.learning.adjustments import AdjustmentProposal, Enabled, learn_adjustments, mark_enabled
from stockgate.domain.learning.fva import edit_verdicts, forecast_value_added
from stockgate.domain.learning.suggestions import Suggestion, decision_stats, suggest_auto_approval

GROUPINGS = ("reason_category", "sku_class", "approver")
FVA_COLUMNS = ("lines", "edited_lines", "naive_wape", "machine_wape", "human_wape", "machine_vs_naive_pp",
               "human_vs_machine_pp", "naive_bias", "machine_bias", "human_bias")  # fmt: skip
ENABLE_HINT = (
    "Nothing here is applied by itself. To switch a forecast adjustment on, a person adds its id and their name "
    "to the adjustments file (docs/learning.md); to change the approval policy, a person edits the policy file."
)


@dataclass(frozen=True)
class LearningReport:
    """Everything the learning loop says about one period (``weeks`` weeks up to ``as_of``)."""

    as_of: date
    weeks: int
    measured_lines: int
    pending_lines: int
    fva: dict[str, pd.DataFrame]
    verdicts: dict[str, pd.DataFrame]
    decisions: dict[str, Any]
    suggestions: list[Suggestion]
    adjustments: list[AdjustmentProposal]
    snapshots: dict[str, Any] = field(default_factory=dict)
    lines: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Every decided order line of the period (``assemble.line_table``): what the machine proposed, what people
    made of it and why, and, once measured, the forecasts and actual units over its window."""

    def findings(self) -> list[str]:
        """Plain sentences: did the machine beat naive, and did each approver's and reason's edits help or hurt."""
        out = []
        overall = self.fva.get("overall")
        if overall is not None and not overall.empty and self.measured_lines:
            row = overall.iloc[0]
            out.append(
                f"Over {self.measured_lines} measured order lines, WAPE was {row['naive_wape']:.1f} % for seasonal "
                f"naive, {row['machine_wape']:.1f} % for the machine and {row['human_wape']:.1f} % for the "
                f"human-adjusted plan ({_pp(row['machine_vs_naive_pp'])} from the machine, "
                f"{_pp(row['human_vs_machine_pp'])} from people's edits)."
            )
        for by in ("approver", "reason_category"):
            for key, row in self.verdicts[by].iterrows():
                out.append(
                    f"Edits {'by' if by == 'approver' else 'for'} {key} {row['verdict']} ({int(row['lines'])} lines): "
                    f"{_pp(row['human_vs_machine_pp'])} of WAPE, bias {row['human_bias']:+.1f} % vs the machine's "
                    f"{row['machine_bias']:+.1f} %, {row['units_error_saved']:+,.0f} units of error saved."
                )
        if not self.measured_lines:
            out.append(
                f"No order line can be measured yet ({self.pending_lines} wait for their window to pass or for a "
                "forecast snapshot taken before they were ordered)."
            )
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables for people, rounded, the group as the first column: ``fva-overall``, ``fva-by-reason``,
        ``fva-by-class``, ``fva-by-approver``, ``edit-verdicts``, ``adjustments``, ``decisions``."""
        out = {"fva-overall": _fva_table(self.fva["overall"], "scope")}
        for by, name in (("reason_category", "reason"), ("sku_class", "class"), ("approver", "approver")):
            out[f"fva-by-{name}"] = _fva_table(self.fva[by], by)
        verdicts = self.verdicts["approver"]
        out["edit-verdicts"] = verdicts.reset_index().round(2) if len(verdicts) else pd.DataFrame()
        out["adjustments"] = pd.DataFrame(
            [{"id": a.id, "scope": a.scope, "value": a.value, "reason": a.reason_category, "factor": a.factor,
              "edits": a.edits, "orders": a.orders, "human_wape": a.human_wape, "machine_wape": a.machine_wape,
              "enabled": a.enabled, "enabled_by": a.enabled_by or "",
              "dates": f"{a.start or ''}..{a.end or ''}" if (a.start or a.end) else ""} for a in self.adjustments]
        )  # fmt: skip
        out["decisions"] = pd.DataFrame(_decision_rows(self.decisions), columns=["measure", "value"])
        return out

    def markdown(self) -> str:
        """The report as Markdown: findings, suggestions, adjustments and decision statistics."""
        d = self.decisions
        parts = [f"# Learning report, {self.weeks} weeks to {self.as_of.isoformat()}", ""]
        parts += [f"- {f}" for f in self.findings()] + ["", "## Suggested policy changes", ""]
        parts += [f"- {s.text}" for s in self.suggestions] or ["- None: the history does not support a change yet."]
        parts += ["", "## Learned forecast adjustments (proposals)", ""]
        parts += [f"- `{a.id}`: {a.text}" + (f" **Enabled by {a.enabled_by}.**" if a.enabled else " Off.")
                  for a in self.adjustments] or ["- None: no recurring edit pattern beat the machine."]  # fmt: skip
        routes = ", ".join(f"{k} {v:.0f} %" for k, v in (d.get("route_share_pct") or {}).items()) or "none"
        rejections = ", ".join(f"{k} {v}" for k, v in (d.get("rejections_by_reason") or {}).items()) or "none"
        parts += [
            "", "## Decisions", "",
            f"- {d.get('requests', 0)} closed requests; outcomes: "
            + (", ".join(f"{k} {v}" for k, v in (d.get("outcomes") or {}).items()) or "none"),
            f"- Latency of people: median {_hours(d.get('latency_median_h'))} h, "
            f"90th percentile {_hours(d.get('latency_p90_h'))} h",
            f"- Decided per route: {routes}; expired: {d.get('expired', 0)}; superseded by a newer draft: "
            f"{d.get('superseded', 0)}; rejections by reason: {rejections}",
            "", f"_{ENABLE_HINT}_",
        ]  # fmt: skip
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe content (NaN as null)."""
        return {
            "as_of": self.as_of.isoformat(),
            "weeks": self.weeks,
            "measured_lines": self.measured_lines,
            "pending_lines": self.pending_lines,
            "snapshots": _clean(self.snapshots),
            "findings": self.findings(),
            "fva": {name: records(frame) for name, frame in self.fva.items()},
            "edit_verdicts": {name: records(frame) for name, frame in self.verdicts.items()},
            "decisions": _clean(self.decisions),
            "suggestions": [
                {"text": s.text, "rule": _clean(s.rule), "evidence": _clean(s.evidence)} for s in self.suggestions
            ],
            "adjustments": [_clean({**a.__dict__, "text": a.text}) for a in self.adjustments],
        }


def _hours(value: object) -> str:
    """Hours for display: '-' when unknown (no decision by a person), else up to 3 decimals (0.011 h = 40 s)."""
    return "-" if value is None else f"{float(str(value)):g}"


def _decision_rows(d: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = [("closed requests", str(d.get("requests", 0)))]
    rows += [(f"outcome: {k}", str(v)) for k, v in (d.get("outcomes") or {}).items()]
    rows += [("latency of people, median (h)", _hours(d.get("latency_median_h"))),
             ("latency of people, 90th percentile (h)", _hours(d.get("latency_p90_h")))]  # fmt: skip
    rows += [(f"decided by route: {k} (%)", f"{v:.1f}") for k, v in (d.get("route_share_pct") or {}).items()]
    rows += [("expired (timeout)", str(d.get("expired", 0))),
             ("superseded by a newer draft", str(d.get("superseded", 0)))]  # fmt: skip
    rows += [(f"rejected for: {k}", str(v)) for k, v in (d.get("rejections_by_reason") or {}).items()]
    return rows


def _fva_table(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=[by, *FVA_COLUMNS])
    out = frame.reset_index().rename(columns={"index": by})
    return out[[by, *FVA_COLUMNS]].round(2)


def _pp(value: float) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:+.1f} pp"


def _clean(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float):
        return None if not math.isfinite(value) else round(value, 2)
    if isinstance(value, date):
        return value.isoformat()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a report table as JSON-safe dicts, the index as the first field."""
    flat = frame.reset_index() if frame.index.name else frame.reset_index(drop=True)
    return [_clean(row) for row in flat.to_dict(orient="records")]


def build_learning_report(
    *,
    measured: pd.DataFrame,
    pending: int,
    history: pd.DataFrame,
    as_of: date,
    weeks: int,
    enabled: Mapping[str, Enabled] | None = None,
    min_edits: int = 3,
) -> LearningReport:
    """The report from measured lines and the decision history of the period; proposals are off unless listed
    in ``enabled`` (the adjustments file a person edits)."""
    fva = {"overall": forecast_value_added(measured)} if len(measured) else {"overall": pd.DataFrame()}
    verdicts = {by: edit_verdicts(measured, by=by) if len(measured) else _no_verdicts(by) for by in GROUPINGS}
    for by in GROUPINGS:
        fva[by] = forecast_value_added(measured, by=by) if len(measured) else pd.DataFrame()
    proposals = learn_adjustments(measured, scope="sku", min_edits=min_edits) if len(measured) else []
    return LearningReport(
        as_of=as_of,
        weeks=weeks,
        measured_lines=len(measured),
        pending_lines=pending,
        fva=fva,
        verdicts=verdicts,
        decisions=decision_stats(history),
        suggestions=suggest_auto_approval(history) if len(history) else [],
        adjustments=mark_enabled(proposals, dict(enabled or {})),
    )


def _no_verdicts(by: str) -> pd.DataFrame:
    columns = ["lines", "human_vs_machine_pp", "human_bias", "machine_bias", "units_error_saved", "verdict"]
    return pd.DataFrame(columns=columns).rename_axis(by)
