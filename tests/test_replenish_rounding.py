"""Rounding steps are numbers, not words: what each step records, and how ``describe`` says it to a buyer."""

from __future__ import annotations

import pytest

from stockgate.domain.replenish.rounding import RoundingStep, describe, round_order
from stockgate.domain.replenish.wording import sentence


def test_each_step_records_its_kind_and_numbers() -> None:
    """Need 11 in packs of 6, minimum 36, 20 sell before expiry: pack 11->12, minimum 12->36, cap 36->18."""
    rounded = round_order(need=11.0, pack_size=6, moq=36, cap=20.0)
    assert [(s.kind, s.before, s.after) for s in rounded.steps] == [
        ("pack", 11.0, 12),
        ("minimum", 12, 36),
        ("shelf_life_nothing", 36, 0),
    ]
    assert rounded.quantity == 0 and rounded.capped
    assert rounded.steps[-1].sellable == 20.0 and rounded.steps[-1].minimum == 36
    capped = round_order(need=40.0, pack_size=6, moq=0, cap=20.0)
    assert capped.steps[-1] == RoundingStep("shelf_life_cap", before=42, after=18, pack_size=6, sellable=20.0)
    assert capped.steps[-1].packs == 3


def test_a_need_already_in_whole_packs_records_no_step() -> None:
    """12 in packs of 6 with no minimum or cap changes nothing, so there is nothing to say."""
    assert round_order(need=12.0, pack_size=6, moq=0).steps == ()
    assert round_order(need=-4.0, pack_size=6, moq=36).steps == ()


def test_a_step_that_changes_nothing_visible_is_not_worded() -> None:
    """125.6 -> 126 shows as '126 up to 126': no sentence; 8 -> 12 in packs of 12 says '1 pack of 12'."""
    assert describe(RoundingStep("pack", before=125.6, after=126, pack_size=2)) is None
    assert (
        describe(RoundingStep("pack", before=8.0, after=12, pack_size=12)) == "Rounded 8 up to 12 units (1 pack of 12)."
    )
    assert describe(RoundingStep("pack", before=0.3, after=1)) == "Rounded 0.3 up to 1 unit."


@pytest.mark.parametrize(
    ("step", "said"),
    [
        (
            RoundingStep("minimum", before=12, after=36, pack_size=6, moq=36),
            "Raised to the minimum order of 36 units.",
        ),
        (
            RoundingStep("minimum", before=6, after=12, pack_size=6, moq=10),
            "Raised to 12 units: the minimum order of 10 in whole packs (2 packs of 6).",
        ),
        (
            RoundingStep("shelf_life_cap", before=1236, after=1, sellable=1.4),
            "Cut from 1,236 to 1 unit so that nothing expires before it sells (shelf life).",
        ),
        (
            RoundingStep("budget_cut", before=90, after=30, pack_size=6, budget=100.0, scope="supplier SUP1"),
            "Cut from 90 to 30 units because the supplier SUP1 budget of 100.00 binds (lines whose stock lasts "
            "until the next delivery, then the lowest service class, are cut first).",
        ),
    ],
)
def test_steps_are_said_with_plurals_and_thousands(step: RoundingStep, said: str) -> None:
    """Minimums (also one that is not a pack multiple), shelf-life cuts and budget cuts in plain words."""
    assert describe(step) == said


@pytest.mark.parametrize(
    ("sellable", "pack", "moq", "said"),
    [
        (0.2, 6, 36, "the stock on hand and on order is expected to last until a new delivery would expire"),
        (0.5, 1, 0, "any order would go off unsold"),
        (
            9.0,
            6,
            36,
            "only about 9 units more would sell before a new delivery expires, fewer than the minimum order of 36",
        ),
        (
            9.5,
            1,
            10,
            "only about 9.5 units more would sell before a new delivery expires, fewer than the minimum order of 10",
        ),
        (5.0, 12, 0, "only about 5 units more would sell before a new delivery expires, fewer than one pack of 12"),
        (0.6, 1, 0, "only about 0.6 units more would sell before a new delivery expires, less than one whole unit"),
    ],
)
def test_nothing_ordered_for_shelf_life_says_why_in_words(sellable: float, pack: int, moq: int, said: str) -> None:
    """No 'about 10 units, fewer than the minimum of 10' and no 'about 1 unit, fewer than 1': true numbers."""
    step = round_order(need=100.0, pack_size=pack, moq=moq, cap=sellable).steps[-1]
    assert step.kind == "shelf_life_nothing"
    text = describe(step)
    assert text is not None and said in text and text.startswith("Nothing ordered: ") and text.endswith(".")


def test_a_plain_sentence_gets_one_capital_and_one_full_stop() -> None:
    """Planner text such as a budget cut reads as a sentence, whether or not it ended in a full stop."""
    assert sentence("cut by hand") == sentence("cut by hand.") == "Cut by hand."
    assert sentence("") == ""
