"""Prefect tasks for marketing copy: pick candidates, draft, check; each returns values and publishes artifacts.

Thin wrappers: the choices come from ``stockgate.domain.copy``, the drafts from a generator (templates, or
``stockgate.adapters.llm`` which retries and falls back itself, so the drafting task does not retry), the checks
from ``validations.copy`` (the GX ``copy`` suite). The lead's flow gates and publishes the ready drafts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from stockgate.domain.copy.brand import Brand
from stockgate.domain.copy.candidates import Candidate, CandidateRules, pick_candidates
from stockgate.domain.copy.channels import CHANNELS, Channel
from stockgate.domain.copy.generator import CopyGenerator, TemplateGenerator, draft_copy
from stockgate.domain.copy.suite import blocked_reason
from stockgate.domain.drafts import CopyDraft
from tasks.artifacts import publish_table
from validations.copy import validate_copy


@task(name="pick-copy-candidates")
def pick_copy_candidates(
    *,
    forecast: pd.DataFrame,
    sales: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    as_of: date,
    brand: Brand,
    freq: str = "D",
    rules: CandidateRules | None = None,
) -> list[Candidate]:
    """Products worth copy with the numbers behind each; publishes them as a table."""
    candidates = pick_candidates(
        forecast=forecast, sales=sales, catalog=catalog, inventory=inventory, as_of=as_of, freq=freq,
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
