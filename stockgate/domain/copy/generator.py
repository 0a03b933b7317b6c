"""Generators turn a candidate into copy for one channel; all share the ``CopyGenerator`` interface.

``TemplateGenerator`` (the default) renders the Jinja2 templates in ``templates/<kind>/<channel>.j2`` with
``StrictUndefined``: deterministic, offline, and a missing fact is an error, never a blank. The language-model
generator lives in ``stockgate.adapters.llm`` and falls back to this one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import jinja2

from stockgate.domain.copy.brand import Brand, display_facts
from stockgate.domain.copy.candidates import Candidate
from stockgate.domain.copy.channels import Channel
from stockgate.domain.drafts import CopyDraft
from stockgate.errors import ConfigError

TEMPLATE_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class DraftText:
    """Generated copy: ``text`` for product page and social, ``subject`` + ``body`` for email; who wrote it."""

    text: str | None = None
    subject: str | None = None
    body: str | None = None
    generator: str = "template"


class CopyGenerator(Protocol):
    """Anything that writes copy for a candidate on a channel in the brand's voice."""

    name: str

    def generate(self, candidate: Candidate, channel: Channel, brand: Brand) -> DraftText:
        """The copy for ``candidate`` on ``channel``."""
        ...


class TemplateGenerator:
    """Jinja2 templates per candidate kind and channel; ``template_dir`` overrides the embedded ones file by file."""

    name = "template"

    def __init__(self, template_dir: Path | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(TEMPLATE_DIR))]
        if template_dir is not None:
            loaders.insert(0, jinja2.FileSystemLoader(str(template_dir)))
        self._env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined, autoescape=False
        )

    def generate(self, candidate: Candidate, channel: Channel, brand: Brand) -> DraftText:
        """Render the templates for the candidate's kind and ``channel``."""
        context = display_facts(candidate.facts, money=brand.money) | {"shop": brand.shop_name}
        if channel == "email":
            subject = self._render(f"{candidate.kind}/email_subject.j2", context)
            body = self._render(f"{candidate.kind}/email_body.j2", context, paragraphs=True)
            return DraftText(subject=subject, body=body, generator=self.name)
        return DraftText(text=self._render(f"{candidate.kind}/{channel}.j2", context), generator=self.name)

    def _render(self, name: str, context: dict[str, object], *, paragraphs: bool = False) -> str:
        try:
            raw = self._env.get_template(name).render(**context)
        except jinja2.TemplateNotFound:
            raise ConfigError(f"Copy template {name} does not exist.", hint=f"Add it under {TEMPLATE_DIR}.") from None
        except jinja2.UndefinedError as exc:
            raise ConfigError(f"Copy template {name} uses a fact the candidate lacks: {exc.message}.") from None
        return tidy(raw, paragraphs=paragraphs)


def tidy(text: str, *, paragraphs: bool = False) -> str:
    """Collapse spacing; keep blank-line paragraph breaks when ``paragraphs`` is true."""
    blocks = re.split(r"\n\s*\n", text.strip()) if paragraphs else [text]
    return "\n\n".join(" ".join(block.split()) for block in blocks if block.strip())


def draft_id(*, sku: str, channel: str, as_of: str, content: str) -> str:
    """``copy-<sku>-<channel>-<as_of>-<8 hex of the text>``: stable for the same text, new for a new text."""
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:8]
    return f"copy-{sku}-{channel}-{as_of}-{digest}"


def draft_copy(
    candidates: Sequence[Candidate], *, channels: Sequence[Channel], brand: Brand, generator: CopyGenerator
) -> list[CopyDraft]:
    """One unchecked draft per candidate and channel (``status`` ready until checked)."""
    drafts = []
    for candidate in candidates:
        for channel in channels:
            drafts.append(to_draft(candidate, channel, generator.generate(candidate, channel, brand)))
    return drafts


def to_draft(candidate: Candidate, channel: Channel, written: DraftText) -> CopyDraft:
    """A ``CopyDraft`` from generated text; facts carry the candidate kind and numbers."""
    content = "\n\n".join(p for p in (written.text, written.subject, written.body) if p)
    facts = {"kind": candidate.kind.value, **candidate.facts}
    ident = draft_id(sku=candidate.sku, channel=channel, as_of=str(facts.get("as_of", "")), content=content)
    return CopyDraft(
        draft_id=ident,
        sku=candidate.sku,
        channel=channel,
        text=written.text,
        subject=written.subject,
        body=written.body,
        generator=written.generator,
        facts=facts,
    )
