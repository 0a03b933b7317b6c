"""From a raw need (units) to an orderable quantity: pack-size rounding, minimum order, shelf-life cap.

Order of the steps, each recorded as a ``RoundingStep`` (the numbers, not words) for the briefing card:
1. A need of zero or less orders nothing.
2. Round the need UP to whole packs (a pack is the smallest orderable unit).
3. Raise to the minimum order quantity (itself rounded up to whole packs).
4. Shelf-life cap: never order more than can be sold before it expires. The cap is rounded DOWN to whole packs;
   if the capped quantity falls below the minimum order, nothing is ordered and a human is told why.
A budget cut, made later by the planner, is a step of its own kind. ``describe`` words any step for a buyer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from stockgate.domain.replenish.wording import count, number, sentence

StepKind = Literal["pack", "minimum", "shelf_life_cap", "shelf_life_nothing", "budget_cut"]


@dataclass(frozen=True)
class RoundingStep:
    """One change to the order quantity (units): from ``before`` to ``after``, and the numbers that explain it.

    ``sellable`` is what sells before expiry (shelf-life steps); ``budget`` and ``scope`` ('supplier SUP1', 'run')
    name the budget that binds (budget cuts).
    """

    kind: StepKind
    before: float
    after: int
    pack_size: int = 1
    moq: int = 0
    sellable: float | None = None
    budget: float | None = None
    scope: str = ""
    currency: str = ""

    @property
    def packs(self) -> int:
        """Whole packs after the step."""
        return self.after // self.pack_size

    @property
    def minimum(self) -> int:
        """The minimum order rounded up to whole packs (units)."""
        return packs_up(self.moq, self.pack_size)


@dataclass(frozen=True)
class Rounded:
    """The orderable quantity (units), what each step did, and whether the shelf-life cap bound."""

    quantity: int
    steps: tuple[RoundingStep, ...] = ()
    capped: bool = False


def packs_up(units: float, pack_size: int) -> int:
    """Smallest multiple of ``pack_size`` that is at least ``units`` (0 for units <= 0)."""
    return 0 if units <= 0 else math.ceil(units / pack_size - 1e-9) * pack_size


def packs_down(units: float, pack_size: int) -> int:
    """Largest multiple of ``pack_size`` that is at most ``units`` (0 for units <= 0)."""
    return 0 if units <= 0 else math.floor(units / pack_size + 1e-9) * pack_size


def round_order(*, need: float, pack_size: int, moq: int, cap: float | None = None) -> Rounded:
    """Orderable units for a raw ``need``; ``cap`` is the most that sells before expiry (None: no cap)."""
    if pack_size < 1:
        raise ValueError(f"pack_size must be at least 1, got {pack_size}")
    if need <= 0:
        return Rounded(0)
    steps: list[RoundingStep] = []
    qty = packs_up(need, pack_size)
    if qty != round(need, 6):
        steps.append(RoundingStep("pack", before=need, after=qty, pack_size=pack_size, moq=moq))
    min_qty = packs_up(moq, pack_size)
    if qty < min_qty:
        steps.append(RoundingStep("minimum", before=qty, after=min_qty, pack_size=pack_size, moq=moq))
        qty = min_qty
    if qty == 0:
        return Rounded(0)
    if cap is not None and qty > cap:
        capped = packs_down(cap, pack_size)
        kind: StepKind = "shelf_life_nothing" if capped < max(min_qty, 1) else "shelf_life_cap"
        after = 0 if kind == "shelf_life_nothing" else capped
        steps.append(RoundingStep(kind, before=qty, after=after, sellable=max(cap, 0.0), pack_size=pack_size, moq=moq))
        return Rounded(after, tuple(steps), capped=True)
    return Rounded(qty, tuple(steps))


def describe(step: RoundingStep) -> str | None:
    """The step in plain words, as one sentence; None when it changes nothing a buyer would see."""
    if number(step.before) == number(step.after):
        return None
    return sentence(_WORDS[step.kind](step))


def _pack(step: RoundingStep) -> str:
    packs = f" ({count(step.packs, 'pack')} of {step.pack_size})" if step.pack_size > 1 else ""
    return f"rounded {number(step.before)} up to {count(step.after, 'unit')}{packs}"


def _minimum(step: RoundingStep) -> str:
    if step.minimum == step.moq:
        return f"raised to the minimum order of {count(step.minimum, 'unit')}"
    return (
        f"raised to {count(step.minimum, 'unit')}: the minimum order of {number(step.moq)} in whole packs "
        f"({count(step.packs, 'pack')} of {step.pack_size})"
    )


def _shelf_life_cap(step: RoundingStep) -> str:
    return (
        f"cut from {number(step.before)} to {count(step.after, 'unit')} so that nothing expires before it sells "
        "(shelf life)"
    )


def _nothing_sells(step: RoundingStep) -> str:
    sellable = step.sellable or 0.0
    if sellable <= 0.5:  # half a unit or less: said as none
        return (
            "nothing ordered: the stock on hand and on order is expected to last until a new delivery would expire "
            "(shelf life), so any order would go off unsold"
        )
    smallest = max(step.minimum, step.pack_size)
    if smallest > step.pack_size:
        below = f"fewer than the minimum order of {number(smallest)}"
    else:
        below = f"fewer than one pack of {step.pack_size}" if step.pack_size > 1 else "less than one whole unit"
    return (
        f"nothing ordered: only about {count(sellable, 'unit')} more would sell before a new delivery expires, "
        f"{below}, so part of any order would go off unsold"
    )


def _budget_cut(step: RoundingStep) -> str:
    amount = "" if step.budget is None else f" of {step.budget:,.2f} {step.currency}".rstrip()
    return (
        f"cut from {number(step.before)} to {count(step.after, 'unit')} because the {step.scope} budget{amount} binds "
        "(lines whose stock lasts until the next delivery, then the lowest service class, are cut first)"
    )


_WORDS = {
    "pack": _pack,
    "minimum": _minimum,
    "shelf_life_cap": _shelf_life_cap,
    "shelf_life_nothing": _nothing_sells,
    "budget_cut": _budget_cut,
}
