"""Prefect tasks for marketing copy: pick candidates, draft, check; each returns values and publishes artifacts.

Thin wrappers: the choices come from ``stockgate.domain.copy``, the drafts from a generator (templates, or
``stockgate.adapters.llm`` which retries and falls back itself, so the drafting task does not retry), the checks
from ``validations.copy`` (the GX ``copy`` suite). The lead's flow gates and publishes the ready drafts.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from stockgate.adapters.llm import make_generator
from stockgate.domain.approvals.requests import ApprovalRequest
from stockgate.domain.copy.brand import Brand, load_brand
from stockgate.domain.copy.candidates import Candidate, CandidateRules, pick_candidates
from stockgate.domain.copy.channels import CHANNELS, Channel
from stockgate.domain.copy.generator import CopyGenerator, TemplateGenerator, draft_copy
from stockgate.domain.copy.run import default_as_of
from stockgate.domain.copy.signals import period_days
from stockgate.domain.copy.suite import blocked_reason
from stockgate.domain.drafts import CopyDraft
from stockgate.domain.replenish.inputs import sales_long
from stockgate.presentation.copy_files import blocked_draft_ids, write_drafts
from stockgate.services.publishing import recent_published
from stockgate.services.supersede import Superseded, supersede_pending, superseded_by_requests
from stockgate.settings import Settings
from tasks.artifacts import publish_markdown, publish_table
from tasks.gate import ledger_and_policy
from validations.copy import validate_copy

log = logging.getLogger(__name__)
HORIZON_DAYS = 28
"""Days of forecast the candidates look at."""
BLOCKED_EVENT = "copy_blocked"
"""The audit-trail event recording a draft held back by a critical check (no request is opened for it)."""


def copy_brand(settings: Settings) -> Brand:
    """The brand voice the settings name (or the embedded one)."""
    return load_brand(settings.brand_file)


def copy_generator(settings: Settings) -> CopyGenerator:
    """The language model when ``llm_base_url`` is set (it falls back to templates by itself), else templates."""
    return make_generator(settings)


def forecast_input(sales: pd.DataFrame) -> pd.DataFrame:
    """Contract sales as the forecaster's long frame (``unique_id, ds, y``)."""
    return sales_long(sales)


def horizon_periods(freq: str, *, days: int = HORIZON_DAYS) -> int:
    """Forecast periods covering ``days`` calendar days at ``freq``."""
    return max(1, days // period_days(freq))


@task(name="pick-copy-candidates")
def pick_copy_candidates(
    *,
    forecast: pd.DataFrame,
    sales: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    brand: Brand,
    as_of: date | None = None,
    freq: str = "D",
    rules: CandidateRules | None = None,
) -> list[Candidate]:
    """Products worth copy with the numbers behind each (as of the last sale by default); publishes a table."""
    candidates = pick_candidates(
        forecast=forecast, sales=sales, catalog=catalog, inventory=inventory, as_of=as_of or default_as_of(sales),
        freq=freq,
        clearance=brand.clearance, rules=rules,
    )  # fmt: skip
    rows = [{"sku": c.sku, "name": c.name, "why": c.kind.value, "score": round(c.score, 2)} for c in candidates]
    publish_table("copy-candidates", rows, "Products the numbers point at, and why.")
    return candidates


@task(name="draft-copy", cache_policy=NO_CACHE)  # the generator may hold an API key: never hash it
def draft_copy_task(
    candidates: Sequence[Candidate],
    *,
    brand: Brand,
    channels: Sequence[Channel] = CHANNELS,
    generator: CopyGenerator | None = None,
) -> list[CopyDraft]:
    """One unchecked draft per candidate and channel (templates unless a generator is given)."""
    return draft_copy(candidates, channels=channels, brand=brand, generator=generator or TemplateGenerator())


@task(name="check-copy")
def check_copy(
    drafts: Sequence[CopyDraft], *, brand: Brand, recent: Sequence[Mapping[str, Any]] = ()
) -> list[CopyDraft]:
    """Run the ``copy`` suite; drafts come back ready or blocked with their checks. Publishes the outcome."""
    checked = validate_copy(drafts, brand=brand, recent=recent)
    rows = [
        {
            "draft": d.draft_id,
            "channel": d.channel,
            "generator": d.generator,
            "status": d.status,
            "reason": blocked_reason(d),
        }
        for d in checked
    ]
    publish_table("copy-drafts", rows, "Copy drafts and their checks; blocked drafts are not sent for approval.")
    return checked


@task(name="recent-published-copy")
def recent_copy(settings: Settings) -> list[dict[str, Any]]:
    """Copy published in the last weeks (from the ledger's commits), for the near-duplicate check."""
    ledger, _ = ledger_and_policy(settings)
    return recent_published(ledger)


@task(name="write-copy-drafts")
def write_copy_drafts(drafts: Sequence[CopyDraft], out_dir: Path) -> Path:
    """Write ``copy_drafts.json`` (ready and blocked drafts with their checks) atomically; its path."""
    return write_drafts(drafts, out_dir)


@task(name="hold-back-blocked-copy")
def hold_back_blocked(drafts: Sequence[CopyDraft], *, settings: Settings, flow_run_id: str | None) -> list[CopyDraft]:
    """The ready drafts; each blocked one is logged, recorded in the audit trail and listed in an artifact."""
    blocked = [d for d in drafts if d.status == "blocked"]
    ledger, _ = ledger_and_policy(settings)
    for draft in blocked:
        reason = blocked_reason(draft)
        log.warning("Copy %s (%s, %s) is blocked and not sent for approval: %s", draft.draft_id, draft.sku,
                    draft.channel, reason)  # fmt: skip
        changes = {"draft_id": draft.draft_id, "sku": draft.sku, "channel": draft.channel, "flow_run_id": flow_run_id}
        ledger.record_event(None, actor="stockgate", event=BLOCKED_EVENT, changes=changes, reason=reason)
    lines = [f"- `{d.draft_id}` ({d.sku}, {d.channel}, {d.generator}): {blocked_reason(d)}" for d in blocked]
    text = f"# Blocked copy\n\n{len(blocked)} of {len(drafts)} drafts failed a critical check and were not sent for "
    text += "approval.\n\n" + ("\n".join(lines) or "None.")
    publish_markdown("copy-blocked", text, "Copy drafts held back by critical checks, and why.")
    return [d for d in drafts if d.status == "ready"]


@task(name="supersede-pending-copy")
def supersede_pending_copy(
    drafts: Sequence[CopyDraft], *, settings: Settings, started_by: str, flow_run_id: str | None
) -> list[Superseded]:
    """Withdraw older pending copy for the same product and channel, open the new requests, redraw Slack cards."""
    ledger, policy = ledger_and_policy(settings)
    done = supersede_pending(ledger, policy, drafts=drafts, started_by=started_by, flow_run_id=flow_run_id)
    for item in done:
        log.info("Request %s (%s) withdrawn: %s.", item.old_request, item.old_draft, item.reason)
    if done:
        _redraw_and_wake(done, settings=settings)
    rows = [{"withdrawn": i.old_request, "draft": i.old_draft, "replaced_by": i.new_request, "new_draft": i.new_draft}
            for i in done]  # fmt: skip
    publish_table("copy-superseded", rows, "Pending copy withdrawn because a later draft replaces it.")
    return done


@task(name="superseded-by-this-run")
def superseded_by_run(requests: Sequence[ApprovalRequest], *, settings: Settings) -> list[str]:
    """Requests this run's requests superseded earlier (a resumed run reports them too); empty for a new run."""
    if not requests:
        return []
    ledger, _ = ledger_and_policy(settings)
    return superseded_by_requests(ledger, [r.id for r in requests])


def _redraw_and_wake(done: Sequence[Superseded], *, settings: Settings) -> None:
    """Redraw the withdrawn requests' Slack cards; wake their runs when nothing of theirs is open any more."""
    from stockgate.adapters.runs import PrefectRunWaker
    from stockgate.services.sweep import request_to_wake_for

    ledger, policy = ledger_and_policy(settings)
    if settings.slack_enabled:
        from stockgate.adapters.slack.gateway.wiring import notifier_for

        notifier = notifier_for(settings, ledger, policy)
        for item in done:
            notifier.refresh(item.old_request)
    waker = PrefectRunWaker()
    for run_id in sorted({i.old_flow_run_id for i in done if i.old_flow_run_id}):
        if wake_for := request_to_wake_for(ledger.list_requests(flow_run_id=run_id)):
            waker.wake(flow_run_id=run_id, request_id=wake_for)


def blocked_in(out_dir: Path) -> list[str]:
    """Draft ids marked blocked in the run's ``copy_drafts.json`` (empty when it is not there)."""
    return blocked_draft_ids(out_dir)
