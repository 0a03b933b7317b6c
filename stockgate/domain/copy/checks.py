"""Pure checks on one copy draft; each returns a ``Finding`` (passed, and a plain-words detail when it fails).

The Great Expectations suite ``validations/suites/copy.json`` calls these same functions through the custom
expectations in ``validations/expectations/copy.py``; ``stockgate.domain.copy.suite`` binds them to the columns of
a drafts frame. Lengths are characters; prices are amounts in the catalog currency; percentages are percent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stockgate.domain.copy.brand import Money, display_facts

PRICE_FACTS = ("price", "promo_price", "previous_price", "saving")
"""Amounts a draft may quote: the catalog price, the approved promotion price, the old price and the saving."""
PERCENT_FACTS = ("discount_pct", "drop_pct")
"""Percentages a draft may quote: the approved discount and the price drop (rounded to a whole percent or not)."""
DEFAULT_SYMBOLS = ("€", "$", "£", "EUR", "USD", "GBP")

_PLACEHOLDER = re.compile(
    r"\{\{|\}\}|\{%|%\}|\{[A-Za-z_][A-Za-z0-9_]*\}|\[[A-Z][A-Z0-9 _-]*\]|<[A-Z][A-Z0-9_]+>"
    r"|\bTODO\b|\bTBD\b|\bXXX\b|lorem ipsum|\bnan\b|\bundefined\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s?(?:%|percent\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """The outcome of one check on one draft."""

    passed: bool
    detail: str = ""


OK = Finding(True)


Limits = Mapping[str, Mapping[str, Sequence[int]]]
Rule = Mapping[str, Any]


def check_length(*, channel: str, parts: Mapping[str, str], limits: Limits) -> Finding:
    """Every part (``text``, or ``subject`` and ``body``) is within the channel's [min, max] characters."""
    problems = []
    for part, (low, high) in limits.get(channel, {}).items():
        size = len((parts.get(part) or "").strip())
        if not low <= size <= high:
            problems.append(f"{part} is {size} characters; {channel} allows {low}–{high}")
    return Finding(not problems, "; ".join(problems))


def check_banned_terms(*, content: str, product_name: str, banned: Sequence[Mapping[str, str]]) -> Finding:
    """No banned word, claim or competitor appears (any case); the product's own name is not scanned."""
    scanned = _without_name(content, product_name)
    hits = []
    for item in banned:
        match = re.search(item["pattern"], scanned, re.IGNORECASE)
        if match:
            hits.append(f"{item['label']} ('{match.group(0)}')")
    return Finding(not hits, "uses " + ", ".join(hits) if hits else "")


def check_prices(
    *, content: str, product_name: str, facts: Mapping[str, Any], symbols: Sequence[str] = DEFAULT_SYMBOLS
) -> Finding:
    """Every amount with a currency equals a price fact, every percentage an approved discount (0.005 tolerance)."""
    scanned = _without_name(content, product_name)
    allowed = [float(facts[k]) for k in PRICE_FACTS if isinstance(facts.get(k), int | float)]
    percents = [float(facts[k]) for k in PERCENT_FACTS if isinstance(facts.get(k), int | float)]
    wrong = [
        f"{text} matches no catalog or promotion price"
        for text, value in find_amounts(scanned, symbols)
        if not _near(value, allowed)
    ]
    for match in _PERCENT.finditer(scanned):
        value = float(match.group(1).replace(",", "."))
        if not any(abs(value - p) < 0.005 or abs(value - round(p)) < 0.005 for p in percents):
            wrong.append(f"{match.group(0)} is not the approved discount")
    return Finding(not wrong, "; ".join(wrong))


def find_amounts(text: str, symbols: Sequence[str] = DEFAULT_SYMBOLS) -> list[tuple[str, float]]:
    """Money amounts written with a currency symbol or code before or after: ``[("€2.49", 2.49), ...]``."""
    sym = "|".join(re.escape(s) for s in sorted(set(symbols), key=len, reverse=True))
    number = r"\d{1,3}(?:[ ,.]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
    pattern = re.compile(rf"(?:(?:{sym})\s?(?P<a>{number}))|(?:(?P<b>{number})\s?(?:{sym})(?![A-Za-z]))")
    found = []
    for match in pattern.finditer(text):
        raw = match.group("a") or match.group("b")
        found.append((match.group(0).strip(), _to_amount(raw)))
    return found


def check_product_name(*, content: str, product_name: str) -> Finding:
    """The catalog name of the product appears exactly (letter case and words as in the catalog)."""
    text, name = _squash(content), _squash(product_name)
    if not name:
        return Finding(False, "the draft has no product name to check against (catalog name missing)")
    if name in text:
        return OK
    if name.lower() in text.lower():
        return Finding(False, f"the product name is written in different letter case; use '{name}'")
    return Finding(False, f"the product name '{name}' does not appear")


def check_required_wording(
    *, channel: str, content: str, facts: Mapping[str, Any], rules: Sequence[Rule], money: Mapping[str, Any]
) -> Finding:
    """Each brand rule whose fact is present (and whose channels include this one) has its phrase in the text."""
    missing = []
    for name, phrase in required_phrases(channel=channel, facts=facts, rules=rules, money=money):
        if phrase is None:
            missing.append(f"{name}: the phrase needs a fact this draft lacks")
        elif _squash(phrase).lower() not in _squash(content).lower():
            missing.append(f"{name}: '{phrase}' is missing")
    return Finding(not missing, "; ".join(missing))


def required_phrases(
    *, channel: str, facts: Mapping[str, Any], rules: Sequence[Rule], money: Mapping[str, Any]
) -> list[tuple[str, str | None]]:
    """``(rule name, filled-in phrase)`` for each rule that applies; the phrase is None when a fact is missing."""
    shown = display_facts(facts, money=Money.model_validate(money))
    phrases: list[tuple[str, str | None]] = []
    for rule in rules:
        if facts.get(rule["when_fact"]) is None or (rule.get("channels") and channel not in rule["channels"]):
            continue
        try:
            phrases.append((str(rule["name"]), str(rule["phrase"]).format(**shown)))
        except (KeyError, IndexError, ValueError):
            phrases.append((str(rule["name"]), None))
    return phrases


def check_placeholders(*, content: str) -> Finding:
    """No template leftovers: ``{{ }}``, ``{% %}``, ``{name}``, ``[NAME]``, ``<NAME>``, TODO, lorem ipsum, nan."""
    hits = sorted({m.group(0) for m in _PLACEHOLDER.finditer(content)})
    return Finding(not hits, "leftover placeholders: " + ", ".join(f"'{h}'" for h in hits) if hits else "")


def check_near_duplicate(
    *, sku: str, content: str, recent: Sequence[Mapping[str, Any]], threshold: float, k: int = 5
) -> Finding:
    """Not too similar (character-shingle Jaccard >= threshold) to copy published recently for the same SKU.

    ``recent`` items are ``{"text": ..., "sku": ...}``; an item without ``sku`` is compared with every draft.
    """
    best, best_item = 0.0, None
    for item in recent:
        if item.get("sku") not in (None, "", sku):
            continue
        score = shingle_jaccard(content, str(item.get("text", "")), k=k)
        if score > best:
            best, best_item = score, item
    if best_item is None or best < threshold:
        return OK
    when = f" published {best_item['published_at']}" if best_item.get("published_at") else ""
    return Finding(False, f"{best:.0%} similar to copy{when} (limit {threshold:.0%}); reword it")


def shingle_jaccard(a: str, b: str, *, k: int = 5) -> float:
    """Jaccard similarity (0..1) of the sets of ``k``-character shingles of two texts, case and spacing ignored."""
    sa, sb = _shingles(a, k), _shingles(b, k)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def _shingles(text: str, k: int) -> set[str]:
    norm = _squash(text).lower()
    return {norm[i : i + k] for i in range(max(len(norm) - k + 1, 0))}


def _squash(text: str) -> str:
    return " ".join(str(text).split())


def _without_name(content: str, name: str) -> str:
    return _squash(content).replace(_squash(name), " ") if _squash(name) else _squash(content)


def _to_amount(raw: str) -> float:
    digits = raw.replace(" ", "")
    match = re.fullmatch(r"(.*?)[.,](\d{1,2})", digits)
    if match:
        return float(re.sub(r"[.,]", "", match.group(1)) + "." + match.group(2))
    return float(re.sub(r"[.,]", "", digits))


def _near(value: float, allowed: Sequence[float], tolerance: float = 0.005) -> bool:
    return any(abs(value - a) <= tolerance for a in allowed)
