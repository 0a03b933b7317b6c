"""The adjustments a weekly plan applies: the SKU- and category-scope proposals a person enabled in the
adjustments file.

Reads the ledger only when the file exists and enables something: the learned proposals behind ids listed
without their own scope, value and factor come from the learning report (``learning_report``). Entries that
name no current proposal and carry no scope/value/factor of their own cannot be applied; they are logged. Given
the catalog's SKU -> category map, entries naming a SKU not in the catalog or a category no SKU has are logged
(with the fix) and skipped; without it, category-scope entries cannot be mapped to SKUs and are logged and skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from stockgate.adapters.ledger import Ledger
from stockgate.domain.learning.adjusted import check_plan_scopes, sku_adjustments
from stockgate.domain.learning.adjustments import AdjustmentProposal
from stockgate.services.learning import learning_report, load_enabled_adjustments

log = logging.getLogger(__name__)


def planning_adjustments(
    *, ledger_url: str, adjustments_file: Path | None, as_of: date, weeks: int = 8,
    categories: Mapping[str, str] | None = None,
) -> list[AdjustmentProposal]:  # fmt: skip
    """The enabled adjustments for a plan made on ``as_of`` (proposals learned over ``weeks`` weeks): SKU scope,
    and category scope when ``categories`` (SKU -> category, ``adjusted.sku_categories(catalog)``) is given;
    empty, without touching the ledger, when ``adjustments_file`` is missing or enables nothing."""
    enabled = load_enabled_adjustments(adjustments_file)
    if not enabled:
        return []
    report = learning_report(Ledger(ledger_url), as_of=as_of, weeks=weeks, adjustments_file=adjustments_file)
    on = [p for p in report.adjustments if p.enabled]
    unknown = sorted(set(enabled) - {p.id for p in on})
    if unknown:
        log.warning(
            "Adjustments %s are enabled in %s but were not learned in the last %s weeks and give no scope, value "
            "and factor of their own, so this plan does not apply them. Add scope/value/factor to keep them.",
            unknown, adjustments_file, weeks,
        )  # fmt: skip
    if categories is None:
        other_scopes = sorted(p.id for p in on if p.scope != "sku")
        if other_scopes:
            log.warning("Adjustments %s are not of SKU scope and this plan has no catalog categories; it applies "
                        "SKU adjustments only.", other_scopes)  # fmt: skip
        return sku_adjustments(on)
    usable, problems = check_plan_scopes(on, categories=categories)
    for problem in problems:
        log.warning("Adjustments file %s: %s. This plan does not apply it.", adjustments_file, problem)
    return usable
