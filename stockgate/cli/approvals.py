"""``stockgate approvals ...``: list, show and decide approval requests from the command line.

Decisions go through the same path as Slack and the Prefect UI (``stockgate.services.decisions.decide``): the
policy checks ``--as NAME`` like any other identity, and a refused decision exits non-zero (3) with the reason.
After a decision the waiting Prefect run, if any, is woken; it re-reads the decision from the ledger.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stockgate.cli.common import console, handle_errors
from stockgate.errors import InvalidEdit

if TYPE_CHECKING:
    from stockgate.adapters.ledger import Ledger
    from stockgate.domain.approvals.policy import Policy
    from stockgate.domain.approvals.requests import ApprovalRequest
    from stockgate.services.decisions import DecisionResult

app = typer.Typer(help="List, inspect, approve, edit and reject approval requests.", no_args_is_help=True)
log = logging.getLogger(__name__)

LedgerOpt = Annotated[str | None, typer.Option("--ledger", help="Ledger URL (default: STOCKGATE_LEDGER_URL or home).")]
PolicyOpt = Annotated[Path | None, typer.Option("--policy", help="Policy YAML (default: STOCKGATE_POLICY_FILE).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AsOpt = Annotated[str, typer.Option("--as", help="Who decides: a person id of the policy.")]
CategoryOpt = Annotated[
    str | None,
    typer.Option(
        "--reason-category",
        help="Why: promotion, supplier_issue, data_error, gut_feeling or other (other needs --reason). "
        "Required with --edit; measured later by `stockgate report`.",
    ),
]
VersionOpt = Annotated[
    int | None, typer.Option("--version", help="Draft version you reviewed (default: the current one).")
]


def _ledger(url: str | None) -> Ledger:
    from stockgate.adapters.ledger import Ledger
    from stockgate.settings import get_settings

    return Ledger(url or get_settings().resolved_ledger_url)


def _policy(path: Path | None) -> Policy:
    from stockgate.domain.approvals.policy import load_policy
    from stockgate.settings import get_settings

    return load_policy(path or get_settings().policy_file)


def request_json(request: ApprovalRequest) -> dict[str, Any]:
    """The JSON shape of a request printed by ``list --json`` and ``show --json``."""
    subject_key = "supplier" if request.kind == "purchase_order" else "product"
    return {
        "id": request.id,
        "kind": request.kind,
        "status": request.status.value,
        subject_key: request.subject,
        "subject_name": request.subject_name,
        "total": request.total,
        "currency": request.currency,
        "version": request.version,
        "route": request.route,
        "rule": request.rule,
        "approvals": list(request.approvals),
        "still_needed": request.still_needed,
        "decided_by": request.decided_by,
        "decided_at": request.decided_at.isoformat() if request.decided_at else None,
        "reason": request.reason,
        "created_at": request.created_at.isoformat(),
        "expires_at": request.expires_at.isoformat() if request.expires_at else None,
        "external_ref": request.external_ref,
        "flow_run_id": request.flow_run_id,
    }


@app.command("list")
@handle_errors
def list_requests(
    status: Annotated[
        str | None, typer.Option("--status", help="pending, approved, rejected, expired, committed.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="purchase_order or copy.")] = None,
    as_json: JsonOpt = False,
    ledger_url: LedgerOpt = None,
) -> None:
    """List approval requests, newest first."""
    requests = _ledger(ledger_url).list_requests(status=status, kind=kind)
    if as_json:
        typer.echo(json.dumps([request_json(r) for r in requests], indent=2))
        return
    from rich.table import Table

    table = Table("id", "kind", "status", "supplier/product", "total", "decided by", "when", "reason")
    for r in requests:
        when = r.decided_at.strftime("%Y-%m-%d %H:%M") if r.decided_at else ""
        table.add_row(r.id, r.kind, r.status.value, r.subject, f"{r.total:,.2f} {r.currency}", r.decided_by or "",
                      when, r.reason or "")  # fmt: skip
    console.print(table if requests else "No approval requests.")


@app.command("show")
@handle_errors
def show(request_id: str, as_json: JsonOpt = False, ledger_url: LedgerOpt = None) -> None:
    """Show one request: its state, current draft, decisions and audit trail."""
    ledger = _ledger(ledger_url)
    request = ledger.get(request_id)
    draft = ledger.draft(request_id).model_dump(mode="json")
    decisions = [{**d.__dict__, "at": d.at.isoformat()} for d in ledger.decisions(request_id)]
    audit = [{**e.__dict__, "at": e.at.isoformat()} for e in ledger.audit_trail(request_id)]
    if as_json:
        typer.echo(json.dumps({**request_json(request), "draft": draft, "decisions": decisions, "audit": audit},
                              indent=2, default=str))  # fmt: skip
        return
    for key, value in request_json(request).items():
        console.print(f"[bold]{key}[/]: {value}", highlight=False)
    for line in draft.get("lines", []):
        proposed = line.get("proposed_quantity")
        machine = f" (machine proposed {proposed})" if proposed is not None and proposed != line["quantity"] else ""
        console.print(f"  {line['sku']}@{line['location']}: {line['quantity']} units{machine}, {line['line_cost']}")
    for text_field in ("text", "subject", "body"):
        if draft.get(text_field):
            console.print(f"  {text_field}: {draft[text_field]}")
    for event in audit:
        category = (event["changes"] or {}).get("reason_category")
        why = " ".join(x for x in (f"[{category}]" if category else "", event["reason"] or "") if x)
        console.print(f"  {event['at']} {event['actor']} {event['event']} {why}", highlight=False, markup=False)


def parse_edits(edits: list[str]) -> dict[str, Any]:
    """``["SKU1@S01=24", "SKU2@S01=0"]`` -> ``{"quantities": {"SKU1@S01": 24, "SKU2@S01": 0}}`` (0 drops a line)."""
    quantities: dict[str, int] = {}
    for item in edits:
        key, sep, value = item.partition("=")
        if not sep or "@" not in key or not value.strip().lstrip("-").isdigit():
            raise InvalidEdit(f"--edit '{item}' is not sku@location=quantity.", hint="e.g. --edit SKU0001@S01=24")
        quantities[key.strip()] = int(value)
    return {"quantities": quantities}


def _decide(request_id: str, *, actor: str, action: str, reason: str | None, edit: dict[str, Any] | None,
            version: int | None, ledger_url: str | None, policy_file: Path | None,
            reason_category: str | None = None) -> DecisionResult:  # fmt: skip
    from stockgate.services.decisions import decide

    ledger = _ledger(ledger_url)
    expected = version if version is not None else ledger.get(request_id).version
    result = decide(ledger, _policy(policy_file), request_id=request_id, expected_version=expected, actor=actor,
                    action=action, reason=reason, edit=edit, route="cli",  # type: ignore[arg-type]
                    reason_category=reason_category)  # fmt: skip
    console.print(result.message, highlight=False)
    if result.flow_run_id:
        _wake(result.flow_run_id, request_id)
    return result


def _wake(flow_run_id: str, request_id: str) -> None:
    """Wake the waiting run; never fails the command (the run re-reads the ledger on its next poll anyway)."""
    try:
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            return
        from stockgate.adapters.runs import PrefectRunWaker

        if PrefectRunWaker().wake(flow_run_id=flow_run_id, request_id=request_id):
            console.print(f"Woke Prefect run {flow_run_id}.")
    except Exception as exc:  # the decision is recorded; waking is best effort
        log.warning("Could not wake run %s: %s", flow_run_id, exc)


@app.command("approve")
@handle_errors
def approve(
    request_id: str,
    actor: AsOpt,
    edit: Annotated[
        list[str] | None, typer.Option("--edit", help="sku@location=quantity (0 drops the line); repeatable.")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required with --edit).")] = None,
    reason_category: CategoryOpt = None,
    version: VersionOpt = None,
    ledger_url: LedgerOpt = None,
    policy_file: PolicyOpt = None,
) -> None:
    """Approve a request, or with --edit change quantities (a new version someone else must approve)."""
    changes = parse_edits(edit) if edit else None
    _decide(request_id, actor=actor, action="edit" if changes else "approve", reason=reason, edit=changes,
            version=version, ledger_url=ledger_url, policy_file=policy_file,
            reason_category=reason_category)  # fmt: skip


@app.command("reject")
@handle_errors
def reject(
    request_id: str,
    actor: AsOpt,
    reason: Annotated[str, typer.Option("--reason", help="Why it is rejected (required).")],
    reason_category: CategoryOpt = None,
    version: VersionOpt = None,
    ledger_url: LedgerOpt = None,
    policy_file: PolicyOpt = None,
) -> None:
    """Reject a request with a reason; nothing is committed."""
    _decide(request_id, actor=actor, action="reject", reason=reason, edit=None, version=version,
            ledger_url=ledger_url, policy_file=policy_file, reason_category=reason_category)  # fmt: skip


@app.command("expire")
@handle_errors
def expire(ledger_url: LedgerOpt = None) -> None:
    """Expire every pending request past its timeout (nothing of them is committed)."""
    expired = _ledger(ledger_url).expire_due()
    console.print(f"Expired {len(expired)} request(s): {', '.join(expired)}" if expired else "Nothing to expire.")


@app.command("commit")
@handle_errors
def commit(
    request_id: str,
    sink: Annotated[str, typer.Option("--sink", help="files:<folder>, db:<url> or webhook:<url>.")],
    ledger_url: LedgerOpt = None,
) -> None:
    """Commit an approved request exactly once (safe to repeat: the idempotency key never changes)."""
    from stockgate.adapters.sinks import make_sink
    from stockgate.services.commits import commit_approved

    outcome = commit_approved(_ledger(ledger_url), make_sink(sink), request_id=request_id)
    console.print(outcome.message, highlight=False)
    if not outcome.committed:
        raise typer.Exit(code=1)
