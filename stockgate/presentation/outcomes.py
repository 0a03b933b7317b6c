"""How a run's approval outcomes read in the Prefect UI: decision rows with their edits, and what was committed.

Plain functions over ledger records (requests, decisions, audit events); the gate's task fetches them and
publishes the result as artifacts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from stockgate.adapters.ledger.records import AuditEvent, DecisionRecord
from stockgate.domain.approvals.requests import ApprovalRequest, Status


def decision_rows(
    requests: Sequence[ApprovalRequest],
    *,
    decisions: Mapping[str, Sequence[DecisionRecord]],
    audit: Mapping[str, Sequence[AuditEvent]],
) -> list[dict[str, object]]:
    """One row per decision on ``requests``: who, when, route, the edit it made and the reason."""
    rows: list[dict[str, object]] = []
    for request in requests:
        edits = iter(edit_texts(audit.get(request.id, ())))
        for d in decisions.get(request.id, ()):
            rows.append({"request": request.id, "subject": request.subject_name or request.subject,
                         "version": d.version, "who": d.actor, "action": d.action, "route": d.route, "when": d.at,
                         "edits": next(edits, "") if d.action == "edit" else "", "reason": d.reason})  # fmt: skip
    return rows


def edit_texts(events: Sequence[AuditEvent]) -> list[str]:
    """One line per edit in an audit trail, oldest first: ``SKU1@S01 12 -> 6; total 24.00 -> 12.00``."""
    texts = []
    for event in events:
        change = event.changes.get("edit") if event.event == "edited" else None
        if not isinstance(change, dict):
            continue
        parts = [f"{key} {old} -> {new}" for key, (old, new) in (change.get("lines") or {}).items()]
        if "total" in change:
            parts.append("total {:,.2f} -> {:,.2f}".format(*change["total"]))
        parts += [f"{name} changed" for name in change if name not in ("lines", "total")]
        texts.append("; ".join(parts))
    return texts


def committed_markdown(requests: Sequence[ApprovalRequest]) -> str:
    """Markdown: what was committed (subject, version, total, approver, reference) and what was not, and why."""
    done = [r for r in requests if r.status == Status.COMMITTED]
    lines = [f"# Committed: {len(done)} of {len(requests)}", ""]
    for r in done:
        lines.append(f"- **{r.subject_name or r.subject}** ({r.id}, version {r.version}): {r.total:,.2f} {r.currency}"
                     f", approved by {r.decided_by}, committed as `{r.external_ref}`")  # fmt: skip
    others = [f"- {r.subject_name or r.subject} ({r.id}): {r.status.value}" for r in requests if r not in done]
    return "\n".join(lines + (["", "## Not committed", "", *others] if others else []))
