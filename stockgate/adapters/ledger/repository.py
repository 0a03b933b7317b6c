"""``Ledger``: the source of truth for approval requests, decisions, draft versions, commits and the audit trail.

Every state change is one transaction that also appends to the audit trail. Decisions are written by an atomic
conditional update (``UPDATE ... WHERE id = ? AND status = 'pending' AND version = ? AND revision = ?``): of two
concurrent writers exactly one changes the row, the other sees ``rowcount == 0`` and re-reads. Decide through
``stockgate.services.decisions.decide``, which checks the policy first; this class does not.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stockgate.adapters.ledger import convert
from stockgate.adapters.ledger.learning import LearningStore
from stockgate.adapters.ledger.models import CopyVersionRow, DecisionRow, POLineRow, PurchaseOrderRow, RequestRow
from stockgate.adapters.ledger.records import DecisionRecord, now_utc, utc
from stockgate.adapters.ledger.store import SYSTEM_ACTOR, audit_row
from stockgate.domain.approvals.requests import Action, ApprovalRequest, Status
from stockgate.domain.approvals.rules import GateRoute
from stockgate.domain.approvals.transitions import Transition
from stockgate.domain.drafts import CopyDraft, PurchaseOrder
from stockgate.errors import ApprovalError


class Ledger(LearningStore):
    """Repository over one SQLAlchemy URL (``sqlite:///path.db`` or ``postgresql+psycopg://...``).

    The schema is migrated on first use (or explicitly with ``migrate()``). Instances are cheap and thread-safe:
    instances with the same URL share one engine (pool) per process, and each call uses its own session and
    transaction. Commit, Slack and audit-trail methods come from ``CommitStore``; forecast snapshots and the
    learning loop's reads from ``LearningStore``.
    """

    # ---- requests -------------------------------------------------------------------------------------------

    def open_request(
        self,
        *,
        kind: str,
        draft: convert.Draft,
        gate: GateRoute,
        started_by: str | None,
        categories: Sequence[str] = (),
        flow_run_id: str | None = None,
        open_key: str | None = None,
        budget: float | None = None,
        now: datetime | None = None,
        request_id: str | None = None,
    ) -> ApprovalRequest:
        """Store a new pending request with version 1 of its draft; with ``open_key`` a second call returns the first.

        ``open_key`` (e.g. ``"<flow run id>:<draft id>"``) makes reopening idempotent when a suspended flow runs
        again from the top. Reminders, escalation and expiry times come from ``gate`` (hours after ``now``).
        ``request_id`` is for a caller that must name the request before it exists (default: a new random id).
        """
        at = utc(now or now_utc())
        if open_key and (existing := self._by_open_key(open_key)):
            return existing
        subject, name, draft_id, total, currency = convert.draft_subject(draft)
        row = RequestRow(
            id=request_id or f"AR-{uuid.uuid4().hex[:10]}",
            open_key=open_key,
            kind=kind,
            subject=subject,
            subject_name=name,
            draft_id=draft_id,
            status=Status.PENDING.value,
            version=1,
            revision=1,
            route=gate.route,
            rule=gate.rule,
            required_approvals=gate.required_approvals,
            approvers=list(gate.approvers),
            editors=[],
            approvals=[],
            started_by=started_by,
            total=convert.money(total),
            currency=currency,
            budget=convert.money(budget),
            categories=list(categories),
            created_at=at,
            expires_at=at + timedelta(hours=gate.timeout_hours),
            remind_at=[(at + timedelta(hours=h)).isoformat() for h in gate.remind_after_hours],
            escalate_at=None if gate.escalate_after_hours is None else at + timedelta(hours=gate.escalate_after_hours),
            escalate_to=list(gate.escalate_to),
            channel=gate.channel,
            flow_run_id=flow_run_id,
        )
        try:
            with self._tx() as session:
                session.add(row)
                session.flush()
                self._add_draft(session, draft, request_id=row.id, version=1, actor=started_by or SYSTEM_ACTOR, at=at)
                changes = {"route": gate.route, "rule": gate.rule, "approvers": list(gate.approvers), "total": total}
                audit_row(session, at, row.id, started_by or SYSTEM_ACTOR, "opened", changes)
        except IntegrityError:
            if open_key and (existing := self._by_open_key(open_key)):
                return existing
            raise
        return self.get(row.id)

    def _by_open_key(self, open_key: str) -> ApprovalRequest | None:
        with self._tx() as session:
            row = session.scalars(select(RequestRow).where(RequestRow.open_key == open_key)).one_or_none()
            return convert.to_request(row) if row else None

    def get(self, request_id: str) -> ApprovalRequest:
        """The request; ApprovalError when no request has this id."""
        with self._tx() as session:
            row = session.get(RequestRow, request_id)
            if row is None:
                raise ApprovalError(
                    f"No approval request '{request_id}'.", hint="List them with `stockgate approvals list`."
                )
            return convert.to_request(row)

    def list_requests(
        self,
        *,
        status: Status | str | None = None,
        kind: str | None = None,
        flow_run_id: str | None = None,
        limit: int = 500,
    ) -> list[ApprovalRequest]:
        """Requests, newest first, optionally filtered."""
        query = select(RequestRow).order_by(RequestRow.created_at.desc(), RequestRow.id).limit(limit)
        if status is not None:
            query = query.where(RequestRow.status == str(status))
        if kind is not None:
            query = query.where(RequestRow.kind == kind)
        if flow_run_id is not None:
            query = query.where(RequestRow.flow_run_id == flow_run_id)
        with self._tx() as session:
            return [convert.to_request(row) for row in session.scalars(query)]

    def draft(self, request_id: str, version: int | None = None) -> convert.Draft:
        """The draft of a request at ``version`` (default: the request's current version)."""
        request = self.get(request_id)
        wanted = request.version if version is None else version
        model = PurchaseOrderRow if request.kind == "purchase_order" else CopyVersionRow
        with self._tx() as session:
            row = session.scalars(
                select(model).where(model.request_id == request_id, model.version == wanted)
            ).one_or_none()
        if row is None:
            raise ApprovalError(f"Request {request_id} has no draft version {wanted}.")
        payload = row.payload  # type: ignore[attr-defined]
        if request.kind == "purchase_order":
            return PurchaseOrder.model_validate(payload)
        return CopyDraft.model_validate(payload)

    def last_unit_costs(self) -> dict[tuple[str, str], float]:
        """Unit cost per (supplier, SKU) on the newest approved or committed purchase order that ordered the SKU.

        Reads the approved version (a human edit, if any) of each decided order; newest by decision time wins.
        """
        decided = (Status.APPROVED.value, Status.COMMITTED.value)
        query = (
            select(PurchaseOrderRow.supplier, POLineRow.sku, POLineRow.unit_cost)
            .join(RequestRow, RequestRow.id == PurchaseOrderRow.request_id)
            .join(POLineRow, POLineRow.purchase_order_id == PurchaseOrderRow.id)
            .where(
                RequestRow.kind == "purchase_order",
                RequestRow.status.in_(decided),
                PurchaseOrderRow.version == RequestRow.version,
                POLineRow.quantity > 0,
            )
            .order_by(RequestRow.decided_at, RequestRow.created_at, POLineRow.id)
        )
        with self._tx() as session:
            return {(str(sup), str(sku)): float(cost) for sup, sku, cost in session.execute(query)}

    def _add_draft(
        self,
        session: Session,
        draft: convert.Draft,
        *,
        request_id: str,
        version: int,
        actor: str,
        at: datetime,
        reason: str | None = None,
    ) -> None:
        if isinstance(draft, PurchaseOrder):
            order, lines = convert.po_rows(
                draft, request_id=request_id, version=version, actor=actor, reason=reason, at=at
            )
            session.add(order)
            session.flush()
            for line in lines:
                line.purchase_order_id = order.id
            session.add_all(lines)
        else:
            session.add(
                convert.copy_row(draft, request_id=request_id, version=version, actor=actor, reason=reason, at=at)
            )

    # ---- decisions ------------------------------------------------------------------------------------------

    def apply_decision(
        self,
        request: ApprovalRequest,
        transition: Transition,
        *,
        actor: str,
        action: Action,
        route: str,
        reason: str | None,
        new_draft: convert.Draft | None = None,
        changes: dict[str, Any] | None = None,
        now: datetime | None = None,
        reason_category: str | None = None,
    ) -> bool:
        """Write one decision if ``request`` is still pending at the same version and revision; False if it moved.

        The caller (``decide``) re-reads and re-checks on False; nothing is written then.
        """
        at = utc(now or now_utc())
        values: dict[str, Any] = {
            "status": transition.status.value,
            "version": transition.version,
            "revision": request.revision + 1,
            "approvals": list(transition.approvals),
            "editors": list(transition.editors),
        }
        if transition.final:
            who = actor if action == "reject" else ", ".join(transition.approvals)
            values.update(decided_by=who, decided_at=at, reason=reason)
        if new_draft is not None:
            values["total"] = convert.money(convert.draft_subject(new_draft)[3])
        with self._tx() as session:
            result = session.execute(
                update(RequestRow)
                .where(
                    RequestRow.id == request.id,
                    RequestRow.status == Status.PENDING.value,
                    RequestRow.version == request.version,
                    RequestRow.revision == request.revision,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return False
            session.add(DecisionRow(
                request_id=request.id, version=transition.version, actor=actor, action=action, route=route,
                reason=reason, reason_category=reason_category, final=transition.final, created_at=at,
            ))  # fmt: skip
            if new_draft is not None:
                self._add_draft(session, new_draft, request_id=request.id, version=transition.version, actor=actor,
                                at=at, reason=reason)  # fmt: skip
            event = {"approve": "approved", "reject": "rejected", "edit": "edited"}[action]
            details = {"route": route, "status": transition.status.value, "still_needed": transition.still_needed}
            if reason_category:
                details["reason_category"] = reason_category
            audit_row(session, at, request.id, actor, event, {**details, **(changes or {})}, reason)
        return True

    def decisions(self, request_id: str) -> list[DecisionRecord]:
        """Every recorded decision on a request, oldest first."""
        query = select(DecisionRow).where(DecisionRow.request_id == request_id).order_by(DecisionRow.id)
        with self._tx() as session:
            return [_decision_record(r) for r in session.scalars(query)]

    def expire(self, request_id: str, *, now: datetime | None = None) -> bool:
        """Expire a pending request whose ``expires_at`` has passed; True if this call expired it."""
        at = utc(now or now_utc())
        reason = "No decision before the timeout; nothing was committed."
        return self._close_expired(request_id, at=at, reason=reason, event="expired", only_due=True)

    def withdraw(
        self, request_id: str, *, reason: str, event: str, changes: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> bool:  # fmt: skip
        """Close a pending request as ``expired`` before its timeout (e.g. superseded); True if this call closed it.

        Nothing is committed for it. ``reason`` goes to the request, its decision record and the audit ``event``.
        """
        at = utc(now or now_utc())
        return self._close_expired(request_id, at=at, reason=reason, event=event, changes=changes, only_due=False)

    def _close_expired(
        self, request_id: str, *, at: datetime, reason: str, event: str, only_due: bool,
        changes: dict[str, Any] | None = None,
    ) -> bool:  # fmt: skip
        """One conditional update pending -> expired (past ``expires_at`` when ``only_due``), decision and audit."""
        conditions = [RequestRow.id == request_id, RequestRow.status == Status.PENDING.value]
        if only_due:
            conditions.append(RequestRow.expires_at <= at)
        closed = {"status": Status.EXPIRED.value, "revision": RequestRow.revision + 1, "decided_by": SYSTEM_ACTOR,
                  "decided_at": at, "reason": reason}  # fmt: skip
        with self._tx() as session:
            result = session.execute(
                update(RequestRow).where(*conditions).values(**closed).execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return False
            version = session.scalars(select(RequestRow.version).where(RequestRow.id == request_id)).one()
            session.add(DecisionRow(request_id=request_id, version=version, actor=SYSTEM_ACTOR, action="expire",
                                    route="system", reason=reason, final=True, created_at=at))  # fmt: skip
            details = {"status": Status.EXPIRED.value, **(changes or {})}
            audit_row(session, at, request_id, SYSTEM_ACTOR, event, details, reason)
        return True

    def expire_due(self, *, now: datetime | None = None) -> list[str]:
        """Expire every pending request past its timeout; the ids this call expired."""
        at = utc(now or now_utc())
        query = select(RequestRow.id).where(RequestRow.status == Status.PENDING.value, RequestRow.expires_at <= at)
        with self._tx() as session:
            due = list(session.scalars(query))
        return [rid for rid in due if self.expire(rid, now=at)]


def _decision_record(r: DecisionRow) -> DecisionRecord:
    return DecisionRecord(
        r.request_id, r.version, r.actor, r.action, r.route, r.reason, r.final, utc(r.created_at), r.reason_category
    )
