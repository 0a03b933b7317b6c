"""The copy step on contract inputs: forecast (unless given), pick candidates, write unchecked drafts.

Checks run afterwards (``validations.copy.validate_copy`` with the GX suite, or ``suite.check_drafts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from stockgate.domain.copy.brand import Brand
from stockgate.domain.copy.candidates import Candidate, CandidateRules, pick_candidates
from stockgate.domain.copy.channels import CHANNELS, Channel
from stockgate.domain.copy.generator import CopyGenerator, draft_copy
from stockgate.domain.copy.signals import period_days
from stockgate.domain.drafts import CopyDraft
from stockgate.errors import InputError


@dataclass(frozen=True)
class CopyRun:
    """What the copy step proposed: the candidates and one unchecked draft per candidate and channel."""

    as_of: date
    candidates: list[Candidate]
    drafts: list[CopyDraft]


def default_as_of(sales: pd.DataFrame) -> date:
    """The last sales date: candidates look at the weeks up to it."""
    if sales.empty:
        raise InputError("sales has no rows, so there is nothing to base copy on.", file="sales")
    return pd.Timestamp(sales["date"].max()).date()


def forecast_frame(sales: pd.DataFrame, *, freq: str, horizon_days: int = 28) -> pd.DataFrame:
    """Fit Stockgate's forecaster on contract sales; ``unique_id, ds, forecast`` over ``horizon_days``."""
    from stockgate.domain.forecast import Forecaster
    from stockgate.domain.replenish.inputs import sales_long

    horizon = max(1, horizon_days // period_days(freq))
    return Forecaster(freq=freq).fit(sales_long(sales)).predict(horizon)


def copy_from_inputs(
    *,
    sales: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    brand: Brand,
    generator: CopyGenerator,
    freq: str = "D",
    channels: Sequence[Channel] = CHANNELS,
    forecast: pd.DataFrame | None = None,
    as_of: date | None = None,
    rules: CandidateRules | None = None,
) -> CopyRun:
    """Candidates and unchecked drafts from the contract's frames; fits the forecaster unless given a frame."""
    day = as_of or default_as_of(sales)
    frame = forecast if forecast is not None else forecast_frame(sales, freq=freq)
    candidates = pick_candidates(
        forecast=frame, sales=sales, catalog=catalog, inventory=inventory, as_of=day, freq=freq,
        clearance=brand.clearance, rules=rules,
    )  # fmt: skip
    drafts = draft_copy(candidates, channels=channels, brand=brand, generator=generator)
    return CopyRun(as_of=day, candidates=candidates, drafts=drafts)
