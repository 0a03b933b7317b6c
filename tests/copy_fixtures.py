"""Small literal candidates and drafts shared by the copy tests (no files, no generator)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from stockgate.domain.copy.brand import Brand, load_brand
from stockgate.domain.copy.candidates import Candidate, CandidateKind
from stockgate.domain.copy.channels import CHANNELS
from stockgate.domain.copy.generator import TemplateGenerator, draft_copy
from stockgate.domain.drafts import CopyDraft

BASE: dict[str, Any] = {"sku": "SKU1", "name": "Oat Milk 1 l", "price": 2.49, "as_of": "2026-11-20", "on_hand": 40}

EXTRA: dict[CandidateKind, dict[str, Any]] = {
    CandidateKind.OVERSTOCK: {"discount_pct": 20, "promo_price": 1.99, "saving": 0.5, "promo_end": "2026-12-04"},
    CandidateKind.BACK_IN_STOCK: {"out_of_stock_days": 6, "weekly_units_before": 30.0},
    CandidateKind.PRICE_DROP: {"previous_price": 2.99, "saving": 0.5, "drop_pct": 16.7},
    CandidateKind.NEW_ARRIVAL: {},
    CandidateKind.RISING_SELLER: {"units_recent": 120, "units_prior": 80, "growth_pct": 50.0},
}


def brand() -> Brand:
    """The embedded default brand."""
    return load_brand()


def candidate(kind: CandidateKind = CandidateKind.OVERSTOCK, **facts: Any) -> Candidate:
    """A candidate of ``kind`` for 'Oat Milk 1 l' with the usual facts, overridden by ``facts``."""
    merged = BASE | EXTRA[kind] | facts
    return Candidate(sku=str(merged["sku"]), name=str(merged["name"]), kind=kind, score=1.0, facts=merged)


def template_drafts(kind: CandidateKind = CandidateKind.OVERSTOCK) -> list[CopyDraft]:
    """Unchecked template drafts for one candidate on every channel."""
    return draft_copy([candidate(kind)], channels=CHANNELS, brand=brand(), generator=TemplateGenerator())


def draft(channel: str = "product_page", **update: Any) -> CopyDraft:
    """The overstock template draft for ``channel`` with fields replaced by ``update``."""
    found = next(d for d in template_drafts() if d.channel == channel)
    return found.model_copy(update=update)


GOOD_TEXT = "Oat Milk 1 l is 20% off: €1.99 instead of €2.49, while stock lasts. Offer ends 4 December 2026."
"""The overstock product-page text the embedded template writes for the default candidate."""


def naive_forecast(sales: pd.DataFrame, *, days: int = 28) -> pd.DataFrame:
    """A naive forecast frame (mean of the last ``days`` days per series, for ``days`` days) with no model fit."""
    last = sales["date"].max()
    recent = sales[sales["date"] > last - pd.Timedelta(days=days)]
    rate = recent.groupby(["location", "sku"])["units"].sum() / days
    rows = [
        (f"{loc}/{sku}", last + pd.Timedelta(days=d), value)
        for (loc, sku), value in rate.items()
        for d in range(1, days + 1)
    ]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "forecast"])
