"""Brand voice loading (clear errors), templates, the supersede rule and the publishing payload."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stockgate.domain.copy.brand import Money, default_brand_path, display_facts, load_brand
from stockgate.domain.copy.candidates import CandidateKind
from stockgate.domain.copy.generator import TemplateGenerator
from stockgate.domain.copy.publishing import (
    PAYLOAD_SCHEMA,
    edit_draft,
    publication_payload,
    superseded_by,
    supersedes,
)
from stockgate.errors import ConfigError, InvalidEdit
from tests.copy_fixtures import brand, candidate, draft


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "brand.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _default() -> dict[str, object]:
    return yaml.safe_load(default_brand_path().read_text(encoding="utf-8"))


def test_embedded_brand_loads_with_banned_terms_and_rules() -> None:
    """The embedded brand file is valid and carries banned words, claims, competitors and required wording."""
    loaded = load_brand()
    labels = " ".join(p["label"] for p in loaded.banned_patterns())
    assert "guaranteed" in labels and "cure" in labels and "competitor" in labels
    assert {r.when_fact for r in loaded.required_wording} >= {"promo_end"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"clearance": {"discount_pct": 120, "days": 14}}, "field 'clearance.discount_pct'"),
        ({"banned_claims": ["best (price"]}, "not a valid regular expression"),
        ({"tone_of_voice": "loud"}, "field 'tone_of_voice'"),
        ({"shop_name": ""}, "field 'shop_name'"),
    ],
)
def test_invalid_brand_file_names_the_file_and_field(tmp_path: Path, change: dict[str, object], expected: str) -> None:
    """A brand file with a wrong field raises ConfigError naming the file and the field."""
    path = _write(tmp_path, _default() | change)
    with pytest.raises(ConfigError) as err:
        load_brand(path)
    assert expected in str(err.value) and str(path) in str(err.value)


def test_missing_or_malformed_brand_file_is_a_config_error(tmp_path: Path) -> None:
    """A missing file, bad YAML or a non-mapping each raise ConfigError with the path."""
    with pytest.raises(ConfigError, match="does not exist"):
        load_brand(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("shop_name: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_brand(bad)
    with pytest.raises(ConfigError, match="mapping"):
        load_brand(_write(tmp_path, ["a", "b"]))


def test_display_facts_formats_money_and_dates() -> None:
    """Money facts use the brand's symbol and decimals; ISO dates become '4 December 2026'."""
    shown = display_facts({"price": 2.5, "promo_end": "2026-12-04", "discount_pct": 20.0}, money=Money())
    assert shown == {"price": "€2.50", "promo_end": "4 December 2026", "discount_pct": 20}
    assert Money(symbol="kr", symbol_first=False).format(3) == "3.00 kr"


@pytest.mark.parametrize("kind", list(CandidateKind))
def test_templates_render_every_kind_and_channel(kind: CandidateKind) -> None:
    """Every candidate kind has templates for every channel, rendering the product name and price."""
    gen = TemplateGenerator()
    for channel in ("product_page", "social"):
        text = gen.generate(candidate(kind), channel, brand()).text or ""
        assert "Oat Milk 1 l" in text and "{{" not in text
    email = gen.generate(candidate(kind), "email", brand())
    assert email.subject and email.body and email.generator == "template"


def test_template_missing_a_fact_is_an_error_not_a_blank() -> None:
    """StrictUndefined: a template that needs a fact the candidate lacks raises ConfigError naming it."""
    incomplete = candidate(CandidateKind.OVERSTOCK)
    incomplete.facts.pop("promo_end")
    with pytest.raises(ConfigError, match="promo_end"):
        TemplateGenerator().generate(incomplete, "social", brand())


def test_a_template_folder_overrides_one_template(tmp_path: Path) -> None:
    """Templates in a given folder replace the embedded ones file by file."""
    (tmp_path / "overstock").mkdir()
    (tmp_path / "overstock" / "social.j2").write_text("Deal: {{ name }} for {{ promo_price }}.", encoding="utf-8")
    gen = TemplateGenerator(tmp_path)
    assert gen.generate(candidate(), "social", brand()).text == "Deal: Oat Milk 1 l for €1.99."
    assert "Offer ends" in (gen.generate(candidate(), "product_page", brand()).text or "")


def test_later_ready_draft_for_same_product_and_channel_supersedes_pending() -> None:
    """A newer ready draft for the same SKU and channel supersedes the pending one; others do not."""
    pending = draft(draft_id="old")
    newer = draft(draft_id="new", facts=pending.facts | {"as_of": "2026-11-27"})
    assert supersedes(newer, pending)
    assert not supersedes(pending, newer)  # older
    assert not supersedes(pending, pending)  # same draft
    assert not supersedes(newer.model_copy(update={"channel": "social"}), pending)
    assert not supersedes(newer.model_copy(update={"sku": "SKU2"}), pending)
    assert not supersedes(newer.model_copy(update={"status": "blocked"}), pending)
    assert superseded_by(newer, [pending, draft("social", draft_id="s")]) == [pending]


def test_publication_payload_carries_version_and_idempotency_key() -> None:
    """The payload has the schema, version, idempotency key and the draft as JSON; version 0 is refused."""
    one = draft(draft_id="copy-SKU1-product_page-x")
    payload = publication_payload(one, version=2, approved_by=["ana"])
    assert payload["schema"] == PAYLOAD_SCHEMA
    assert payload["idempotency_key"] == "copy-SKU1-product_page-x:v2"
    assert payload["draft"]["text"] == one.text and payload["approved_by"] == ["ana"]
    with pytest.raises(ValueError, match="version"):
        publication_payload(one, version=0)


def test_edit_draft_replaces_the_wording_and_records_the_editor() -> None:
    """An edit keeps the draft id, records the editor and clears the old checks; wrong shapes are InvalidEdit."""
    original = draft()
    edited = edit_draft(original, editor="ana", text="New words for Oat Milk 1 l.")
    assert (edited.draft_id, edited.text, edited.generator) == (
        original.draft_id,
        "New words for Oat Milk 1 l.",
        "edited by ana",
    )
    assert edited.checks == [] and edited.status == "ready"
    email = edit_draft(draft("email"), editor="ana", subject="New subject for Oat Milk 1 l")
    assert email.subject == "New subject for Oat Milk 1 l" and email.body == draft("email").body
    for bad in ({"subject": "x"}, {"text": "   "}, {}):
        with pytest.raises(InvalidEdit):
            edit_draft(original, editor="ana", **bad)
    with pytest.raises(InvalidEdit, match="email"):
        edit_draft(draft("email"), editor="ana", text="x")
