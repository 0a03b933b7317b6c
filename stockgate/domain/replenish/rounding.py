"""From a raw need (units) to an orderable quantity: pack-size rounding, minimum order, shelf-life cap.

Order of the steps, each recorded in plain words for the briefing card:
1. A need of zero or less orders nothing.
2. Round the need UP to whole packs (a pack is the smallest orderable unit).
3. Raise to the minimum order quantity (itself rounded up to whole packs).
4. Shelf-life cap: never order more than can be sold before it expires. The cap is rounded DOWN to whole packs;
   if the capped quantity falls below the minimum order, nothing is ordered and a human is told why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rounded:
    """The orderable quantity (units), what each step did, and whether the shelf-life cap bound."""

    quantity: int
    steps: list[str] = field(default_factory=list)
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
    steps: list[str] = []
    qty = packs_up(need, pack_size)
    if qty != round(need, 6):
        steps.append(f"rounded {need:,.0f} up to {qty:,} units ({qty // pack_size} packs of {pack_size})")
    min_qty = packs_up(moq, pack_size)
    if qty < min_qty:
        steps.append(f"raised to the minimum order of {min_qty:,} units")
        qty = min_qty
    if qty == 0:
        return Rounded(0)
    if cap is not None and qty > cap:
        return _apply_cap(qty=qty, cap=cap, pack_size=pack_size, min_qty=min_qty, steps=steps)
    return Rounded(qty, steps)


def _apply_cap(*, qty: int, cap: float, pack_size: int, min_qty: int, steps: list[str]) -> Rounded:
    capped = packs_down(cap, pack_size)
    if capped < max(min_qty, 1):
        steps.append(
            f"nothing ordered: at most {max(cap, 0):,.0f} units sell before expiry, below the minimum order "
            f"of {max(min_qty, pack_size):,}"
        )
        return Rounded(0, steps, capped=True)
    steps.append(f"cut from {qty:,} to {capped:,} units so that nothing expires before it sells (shelf life)")
    return Rounded(capped, steps, capped=True)
