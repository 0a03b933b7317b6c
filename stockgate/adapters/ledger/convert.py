"""Conversions between ledger rows and domain types (requests, drafts)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from stockgate.adapters.ledger.models import CopyVersionRow, POLineRow, PurchaseOrderRow, RequestRow
from stockgate.adapters.ledger.records import utc, utc_or_none
from stockgate.domain.approvals.requests import ApprovalRequest, Status
from stockgate.domain.drafts import CopyDraft, PurchaseOrder

Draft = PurchaseOrder | CopyDraft


def money(value: float | None, places: str = "0.01") -> Decimal | None:
    """Decimal rounded to cents (or ``places``); None stays None."""
    return None if value is None else Decimal(str(value)).quantize(Decimal(places))


def to_request(row: RequestRow) -> ApprovalRequest:
    """The domain view of a request row."""
    return ApprovalRequest(
        id=row.id,
        kind=row.kind,
        subject=row.subject,
        status=Status(row.status),
        version=row.version,
        revision=row.revision,
        route=row.route,
        rule=row.rule,
        required_approvals=row.required_approvals,
        approvers=tuple(row.approvers),
        started_by=row.started_by,
        created_at=utc(row.created_at),
        expires_at=utc_or_none(row.expires_at),
        subject_name=row.subject_name,
        draft_id=row.draft_id,
        total=float(row.total),
        currency=row.currency,
        budget=None if row.budget is None else float(row.budget),
        categories=tuple(row.categories),
        editors=tuple(row.editors),
        approvals=tuple(row.approvals),
        remind_at=tuple(utc(datetime.fromisoformat(v)) for v in row.remind_at),
        escalate_at=utc_or_none(row.escalate_at),
        escalate_to=tuple(row.escalate_to),
        channel=row.channel,
        flow_run_id=row.flow_run_id,
        decided_by=row.decided_by,
        decided_at=utc_or_none(row.decided_at),
        reason=row.reason,
        slack_channel=row.slack_channel,
        slack_ts=row.slack_ts,
        committed_at=utc_or_none(row.committed_at),
        external_ref=row.external_ref,
    )


def draft_subject(draft: Draft) -> tuple[str, str, str, float, str]:
    """(subject, subject name, draft id, total, currency) of a draft."""
    if isinstance(draft, PurchaseOrder):
        return draft.supplier, draft.supplier_name, draft.po_id, draft.total_cost, draft.currency
    return draft.sku, f"{draft.sku} ({draft.channel})", draft.draft_id, 0.0, "EUR"


def po_rows(
    po: PurchaseOrder, *, request_id: str, version: int, actor: str, reason: str | None, at: datetime
) -> tuple[PurchaseOrderRow, list[POLineRow]]:
    """The rows of one purchase-order version (lines get their order id once the order row is flushed)."""
    row = PurchaseOrderRow(
        request_id=request_id,
        version=version,
        po_id=po.po_id,
        supplier=po.supplier,
        currency=po.currency,
        order_date=po.order_date,
        delivery_date=po.delivery_date,
        total=money(po.total_cost),
        payload=po.to_json_dict(),
        created_by=actor,
        created_at=at,
        reason=reason,
    )
    lines = [
        POLineRow(
            line_no=i,
            sku=line.sku,
            location=line.location,
            quantity=line.quantity,
            proposed_quantity=line.proposed_quantity,
            pack_size=line.pack_size,
            moq=line.moq,
            unit_cost=money(line.unit_cost, "0.0001"),
            line_cost=money(line.line_cost),
        )
        for i, line in enumerate(po.lines, start=1)
    ]
    return row, lines


def copy_row(
    draft: CopyDraft, *, request_id: str, version: int, actor: str, reason: str | None, at: datetime
) -> CopyVersionRow:
    """The row of one copy version."""
    return CopyVersionRow(
        request_id=request_id,
        version=version,
        draft_id=draft.draft_id,
        sku=draft.sku,
        channel=draft.channel,
        text=draft.text,
        subject=draft.subject,
        body=draft.body,
        payload=draft.model_dump(mode="json"),
        created_by=actor,
        created_at=at,
        reason=reason,
    )
