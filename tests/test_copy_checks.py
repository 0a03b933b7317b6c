"""Copy checks: every check fails on a bad draft and passes on a good one, in pure Python and through GX."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stockgate.domain.copy import checks
from stockgate.domain.copy.suite import SPECS, check_drafts, suite_parameters
from stockgate.domain.drafts import CopyDraft
from tests.copy_fixtures import GOOD_TEXT as GOOD
from tests.copy_fixtures import brand, draft, template_drafts

ROOT = Path(__file__).resolve().parents[1]


def _check(one: CopyDraft, name: str, recent: list[dict[str, str]] | None = None) -> tuple[bool, str, str]:
    checked = check_drafts([one], params=suite_parameters(brand=brand(), recent=recent or []))[0]
    result = next(c for c in checked.checks if c.name == name)
    return result.passed, result.detail, checked.status


BAD_TEXTS = {
    "length": (GOOD + " Creamy and mild." * 40, "600"),
    "banned_terms": (GOOD + " Guaranteed fresh.", "guaranteed"),
    "prices": (GOOD.replace("€1.99", "€1.89"), "€1.89"),
    "product_name": (GOOD.replace("Oat Milk 1 l", "Soy Drink 1 l"), "'Oat Milk 1 l' does not appear"),
    "required_wording": (GOOD.replace("4 December 2026", "5 December 2026"), "Offer ends 4 December 2026"),
    "placeholders": (GOOD + " {{ tagline }}", "{{"),
}


def test_the_template_draft_passes_every_check() -> None:
    """The embedded templates produce drafts that pass every check on every channel."""
    params = suite_parameters(brand=brand())
    for checked in check_drafts(template_drafts(), params=params):
        assert checked.status == "ready"
        assert [c.name for c in checked.checks if not c.passed] == []
    assert draft().text == GOOD


@pytest.mark.parametrize("name", sorted(BAD_TEXTS))
def test_each_critical_check_fails_its_bad_draft_and_blocks_it(name: str) -> None:
    """A draft that breaks one rule fails that check with a detail naming the problem, and is blocked."""
    text, expected = BAD_TEXTS[name]
    passed, detail, status = _check(draft(text=text), name)
    assert not passed
    assert expected.lower() in detail.lower()
    assert status == "blocked"
    assert _check(draft(text=GOOD), name)[0]


def test_near_duplicate_of_recent_copy_warns_but_does_not_block() -> None:
    """Copy too similar to a recently published text of the same SKU fails a warning; other SKUs do not count."""
    passed, detail, status = _check(draft(), "near_duplicate", recent=[{"sku": "SKU1", "text": GOOD + " Enjoy."}])
    assert not passed and "similar" in detail
    assert status == "ready"
    assert _check(draft(), "near_duplicate", recent=[{"sku": "SKU9", "text": GOOD}])[0]
    assert _check(draft(), "near_duplicate", recent=[{"sku": "SKU1", "text": "Rye bread is back."}])[0]


def test_email_subject_over_its_limit_fails_length() -> None:
    """An email subject longer than 78 characters fails the length check and says which part."""
    passed, detail, _ = _check(draft("email", subject="20% off Oat Milk 1 l " + "x" * 80), "length")
    assert not passed and detail.startswith("subject is")


def test_competitor_and_banned_claim_are_caught_in_any_case() -> None:
    """Competitor names and banned claims (regular expressions) fail the banned-terms check in any letter case."""
    assert "competitor 'Lidl'" in _check(draft(text=GOOD + " Cheaper than LIDL."), "banned_terms")[1]
    assert "banned claim" in _check(draft(text=GOOD + " Clinically proven taste."), "banned_terms")[1]


def test_a_wrong_discount_percentage_fails_prices() -> None:
    """A percentage other than the approved discount fails the price check."""
    passed, detail, _ = _check(draft(text=GOOD.replace("20%", "25%")), "prices")
    assert not passed and "25%" in detail


@pytest.mark.parametrize("kind", ["back_in_stock", "new_arrival", "rising_seller", "price_drop"])
def test_a_regular_price_other_than_the_catalog_price_fails_prices(kind: str) -> None:
    """Without a promotion the text must quote the catalog price: a different amount fails and blocks the draft."""
    from stockgate.domain.copy.candidates import CandidateKind

    good = next(d for d in template_drafts(CandidateKind(kind)) if d.channel == "product_page")
    assert good.text and "€2.49" in good.text
    passed, detail, status = _check(good.model_copy(update={"text": good.text.replace("€2.49", "€2.59")}), "prices")
    assert not passed and "€2.59" in detail and status == "blocked"
    assert _check(good, "prices")[0]


@pytest.mark.parametrize("leftover", ["{name}", "[PRODUCT NAME]", "<PRICE>", "{% if promo %}", "TODO", "Lorem ipsum"])
def test_every_kind_of_template_leftover_fails_placeholders(leftover: str) -> None:
    """Jinja tags, format fields, bracketed capitals, TODO and lorem ipsum are all leftovers that block a draft."""
    passed, detail, status = _check(draft(text=f"{GOOD} {leftover}"), "placeholders")
    assert not passed and leftover.split()[0].lower() in detail.lower() and status == "blocked"


def test_product_name_in_wrong_letter_case_says_so() -> None:
    """A product name written in other letter case fails with a hint to use the catalog spelling."""
    passed, detail, _ = _check(draft(text=GOOD.replace("Oat Milk 1 l", "oat milk 1 l")), "product_name")
    assert not passed and "letter case" in detail


def test_numbers_in_the_product_name_are_not_prices() -> None:
    """A percentage or amount inside the product's own name is not taken for a price or discount."""
    finding = checks.check_prices(
        content="Greek Yogurt 10% 500 g now €2.49", product_name="Greek Yogurt 10% 500 g", facts={"price": 2.49}
    )
    assert finding.passed


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("now €2.49, was 3,10 €", [2.49, 3.10]),
        ("EUR 1,234.50 or $5", [1234.5, 5.0]),
        ("20 x 3 pieces", []),
    ],
)
def test_find_amounts_reads_common_money_formats(text: str, amounts: list[float]) -> None:
    """Amounts with a currency symbol or code before or after, with dot or comma decimals, are found."""
    assert [value for _, value in checks.find_amounts(text)] == amounts


def test_shingle_jaccard_is_one_for_same_text_and_low_for_different() -> None:
    """Similarity is 1.0 for the same text (spacing and case ignored) and low for unrelated texts."""
    assert checks.shingle_jaccard("Oat Milk  is back", "oat milk is back") == 1.0
    assert checks.shingle_jaccard("Oat Milk is back", "Rye bread, new in") < 0.2


def test_suite_file_matches_the_check_table() -> None:
    """validations/suites/copy.json has one expectation per check, with the same type and severity."""
    suite = json.loads((ROOT / "validations" / "suites" / "copy.json").read_text(encoding="utf-8"))
    found = [(e["type"], e["meta"]["severity"]) for e in suite["expectations"]]
    assert found == [(spec.expectation, spec.severity) for spec in SPECS]


def test_gx_suite_agrees_with_the_pure_checks_on_good_and_bad_drafts() -> None:
    """The GX copy suite fails exactly the rows the pure checks fail, with the same details and statuses."""
    from validations.copy import validate_copy

    drafts = [*template_drafts(), *(draft(text=text) for text, _ in BAD_TEXTS.values())]
    recent = [{"sku": "SKU1", "text": GOOD}]
    via_gx = validate_copy(drafts, brand=brand(), recent=recent)
    pure = check_drafts(drafts, params=suite_parameters(brand=brand(), recent=recent))
    assert [d.checks for d in via_gx] == [d.checks for d in pure]
    assert [d.status for d in via_gx] == ["ready"] * 3 + ["blocked"] * len(BAD_TEXTS)
    for checked, name in zip(via_gx[3:], BAD_TEXTS, strict=True):
        assert name in {c.name for c in checked.checks if not c.passed}


def test_an_edit_is_checked_again_before_it_is_accepted() -> None:
    """A good edit comes back checked and ready; an edit with a wrong price raises InvalidEdit saying why."""
    from stockgate.domain.copy.publishing import edit_draft
    from stockgate.errors import InvalidEdit
    from validations.copy import validate_copy_edit

    good = edit_draft(draft(), editor="ana", text=GOOD.replace("Oat Milk 1 l is", "Our Oat Milk 1 l is now"))
    assert validate_copy_edit(good, brand=brand()).status == "ready"
    bad = edit_draft(draft(), editor="ana", text=GOOD.replace("€1.99", "€1.49"))
    with pytest.raises(InvalidEdit, match=r"prices: €1\.49"):
        validate_copy_edit(bad, brand=brand())
