"""``stockgate copy --data DIR --out DIR``: marketing-copy drafts from a data folder, checked, without Prefect.

Loads the four inputs, forecasts, picks candidates (overstock, rising seller, back in stock, new arrival, price
drop), writes a draft per candidate and channel (templates, or the language model when ``STOCKGATE_LLM_BASE_URL``
is set), checks every draft with the ``copy`` suite and writes ``copy_drafts.json``. Blocked drafts are written
too, with the failed checks saying why; ``--strict`` makes them exit with code 1.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from stockgate.cli.common import console, handle_errors
from stockgate.domain.drafts import CopyDraft
from stockgate.errors import ConfigError, InputError, ValidationFailed
from stockgate.presentation.copy_files import write_drafts


@handle_errors
def copy(
    data: Annotated[Path, typer.Option("--data", help="Folder with sales, catalog, inventory and suppliers.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for copy_drafts.json.")],
    channels: Annotated[
        str, typer.Option(help="Comma-separated channels: product_page, email, social.")
    ] = "product_page,email,social",
    brand_file: Annotated[
        Path | None, typer.Option("--brand", help="Brand voice YAML (default: STOCKGATE_BRAND_FILE or the embedded).")
    ] = None,
    recent: Annotated[
        Path | None, typer.Option(help="JSON list of recently published copy ({sku, text}) or a copy_drafts.json.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Date to pick candidates at, YYYY-MM-DD (default: last sale).")
    ] = None,
    max_candidates: Annotated[int, typer.Option(min=1, help="At most this many products get copy.")] = 20,
    templates: Annotated[Path | None, typer.Option(help="Folder of Jinja2 templates overriding the embedded.")] = None,
    forecast: Annotated[
        Path | None, typer.Option(help="Forecast file (CSV/Parquet: unique_id, ds, forecast) instead of fitting one.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Exit with code 1 when any draft is blocked.")] = False,
) -> None:
    """Draft and check marketing copy for the products the numbers point at."""
    from stockgate.adapters.sources import load_inputs
    from stockgate.domain.copy.brand import load_brand
    from stockgate.domain.copy.candidates import CandidateRules
    from stockgate.domain.copy.run import copy_from_inputs
    from stockgate.settings import get_settings
    from validations.copy import validate_copy

    settings = get_settings()
    brand = load_brand(brand_file or settings.brand_file)
    chosen = _channels(channels)
    bundle = load_inputs(data, currency=settings.currency)
    run = copy_from_inputs(
        sales=bundle.sales, catalog=bundle.catalog, inventory=bundle.inventory, brand=brand,
        generator=_generator(settings, templates), freq=bundle.freq, channels=chosen, as_of=_date(as_of),
        rules=CandidateRules(max_candidates=max_candidates), forecast=read_forecast(forecast) if forecast else None,
    )  # fmt: skip
    checked = validate_copy(run.drafts, brand=brand, recent=load_recent(recent) if recent else [])
    path = write_drafts(checked, out)
    _print_summary(checked, path)
    blocked = [d for d in checked if d.status == "blocked"]
    if strict and blocked:
        raise ValidationFailed(f"{len(blocked)} of {len(checked)} drafts are blocked by critical checks; see {path}.")


def _channels(text: str) -> Any:
    from stockgate.domain.copy.channels import parse_channels

    try:
        return parse_channels(text)
    except ValueError as exc:
        raise ConfigError(f"--channels: {exc}.") from None


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--as-of must be a date like 2026-11-20, not '{text}'.") from None


def _generator(settings: Any, templates: Path | None) -> Any:
    from stockgate.adapters.llm import LLMGenerator
    from stockgate.domain.copy.generator import TemplateGenerator

    fallback = TemplateGenerator(templates)
    return LLMGenerator.from_settings(settings, fallback=fallback) if settings.llm_base_url else fallback


def load_recent(path: Path) -> list[dict[str, Any]]:
    """Recently published copy from JSON: items ``{"sku", "text"}`` or drafts (``subject``/``body`` joined)."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("the file of recently published copy does not exist.", file=str(path)) from None
    except ValueError as exc:
        raise InputError(f"is not valid JSON ({exc}).", file=str(path)) from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise InputError('must hold a JSON list of objects like {"sku": ..., "text": ...}.', file=str(path))
    recent = []
    for item in items:
        text = item.get("text") or "\n\n".join(str(item[k]) for k in ("subject", "body") if item.get(k))
        recent.append({k: v for k, v in item.items() if k in ("sku", "channel", "published_at")} | {"text": text})
    return recent


def read_forecast(path: Path) -> Any:
    """A forecast frame (``unique_id, ds, forecast``) from CSV or Parquet; InputError naming what is missing."""
    import pandas as pd

    if not path.is_file():
        raise InputError("the forecast file does not exist.", file=str(path))
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot be read as CSV or Parquet ({exc}).", file=str(path)) from None
    missing = [c for c in ("unique_id", "ds", "forecast") if c not in frame.columns]
    if missing:
        raise InputError(
            f"lacks the columns {', '.join(missing)}.", file=str(path), hint="Expected unique_id, ds, forecast."
        )
    return frame.assign(ds=pd.to_datetime(frame["ds"]))


def _print_summary(drafts: Sequence[CopyDraft], path: Path) -> None:
    from rich.table import Table

    from stockgate.domain.copy.suite import blocked_reason

    table = Table(title="Copy drafts")
    for col in ("SKU", "channel", "why", "generator", "status", "reason"):
        table.add_column(col)
    for d in drafts:
        table.add_row(d.sku, d.channel, str(d.facts.get("kind", "")), d.generator, d.status, blocked_reason(d))
    console.print(table)
    ready = sum(d.status == "ready" for d in drafts)
    console.print(f"{ready} ready, {len(drafts) - ready} blocked. Wrote {path}.")
