"""Numbers and counts in plain words, shared by the reasons, the flags and the rounding steps."""

from __future__ import annotations

import math


def number(value: float) -> str:
    """A quantity with sensible precision: whole from 10 up, one decimal from 1, two decimals below 1 (0.07)."""
    size = abs(value)
    if not math.isfinite(value):
        return "unknown"
    if size < 0.005:
        return "0"
    if size >= 10:
        return f"{value:,.0f}"
    text = f"{value:.1f}" if size >= 1 else f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count(value: float, word: str) -> str:
    """``number`` with the word in the singular for exactly one: '1 day', '0.5 units', '12 packs'."""
    shown = number(value)
    return f"{shown} {word if shown == '1' else word + 's'}"


def sentence(text: str) -> str:
    """``text`` with a capital first letter and one full stop at the end."""
    text = text.strip()
    return "" if not text else text[0].upper() + text[1:].rstrip(".") + "."
