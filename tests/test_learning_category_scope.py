"""Category-scope adjustments: every SKU of the category is scaled on the adjustment's dates, a SKU's own
adjustment wins over its category's on the days it covers, lines say which applied, and a category no SKU has is
reported with the fix."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from stockgate.domain.drafts import PurchaseOrder
from stockgate.domain.learning.adjusted import (
    AdjustedForecast,
    adjust_snapshot_forecast,
    check_plan_scopes,
    daily_factors,
    note_adjustments,
    sku_categories,
)
from stockgate.domain.learning.adjustments import AdjustmentProposal
from stockgate.domain.replenish.demand import PoissonDemand
from stockgate.services.planning_adjustments import planning_adjustments

CUTOFF = date(2026, 11, 1)  # period 0 = 2026-11-02
A, B, C = "S01/SKU0001", "S01/SKU0002", "S01/SKU0003"
CATEGORIES = {"SKU0001": "beverages", "SKU0002": "beverages", "SKU0003": "snacks"}


def _adj(
    scope: str, value: str, factor: float, *, start: date | None = None, end: date | None = None
) -> AdjustmentProposal:
    return AdjustmentProposal(id=f"adj-{scope}-{value.lower()}", scope=scope, value=value,
                              reason_category="promotion", factor=factor, edits=0, human_wape=float("nan"),
                              machine_wape=float("nan"), enabled=True, enabled_by="ana", start=start,
                              end=end)  # fmt: skip


def _base() -> PoissonDemand:
    return PoissonDemand({A: [10.0, 10.0, 30.0, 30.0], B: 5.0, C: 8.0}, cutoff=CUTOFF)


def _daily(forecast: PoissonDemand | AdjustedForecast, uid: str) -> list[float]:
    rows = forecast.predict(4, quantiles=(0.5,))
    return [float(v) for v in rows[rows["unique_id"] == uid]["forecast"]]


def test_category_adjustment_scales_every_sku_of_the_category_on_its_dates_only() -> None:
    """Beverages x1.5 on days 2-3: SKU0001 and SKU0002 scaled on those days, snacks (SKU0003) never."""
    cat = _adj("category", "beverages", 1.5, start=date(2026, 11, 3), end=date(2026, 11, 4))
    wrapped = AdjustedForecast(_base(), adjustments=[cat], cutoff=CUTOFF, categories=CATEGORIES)
    assert _daily(wrapped, A) == pytest.approx([10.0, 15.0, 45.0, 30.0])
    assert _daily(wrapped, B) == pytest.approx([5.0, 7.5, 7.5, 5.0])
    assert _daily(wrapped, C) == pytest.approx(_daily(_base(), C))
    windows = pd.DataFrame([(A, 0, 4), (B, 0, 4), (C, 0, 4)], columns=["unique_id", "start", "length"])
    assert wrapped.window_ratios(windows).tolist() == pytest.approx([100 / 80, 1.25, 1.0])
    plain, adjusted = _base().predict_window(windows, (0.5,)), wrapped.predict_window(windows, (0.5,))
    assert adjusted["mean"].tolist() == pytest.approx((plain["mean"] * [100 / 80, 1.25, 1.0]).tolist())


def test_without_a_category_map_category_adjustments_change_nothing() -> None:
    """No catalog categories given: the category adjustment cannot be mapped to SKUs, so nothing changes."""
    wrapped = AdjustedForecast(_base(), adjustments=[_adj("category", "beverages", 1.5)], cutoff=CUTOFF)
    assert wrapped.adjustments == [] and _daily(wrapped, A) == pytest.approx(_daily(_base(), A))


def test_a_skus_own_adjustment_wins_over_its_category_on_the_days_it_covers() -> None:
    """SKU0001 x2 on days 3-4 and beverages x1.5 every day: SKU0001 gets 1.5, 1.5, 2, 2 (not 3); SKU0002 1.5."""
    own = _adj("sku", "SKU0001", 2.0, start=date(2026, 11, 4), end=date(2026, 11, 5))
    adjustments = [own, _adj("category", "beverages", 1.5)]
    days = pd.Series(pd.date_range("2026-11-02", periods=4, freq="D"))
    factors = daily_factors(skus=pd.Series(["SKU0001"] * 4), days=days, adjustments=adjustments, categories=CATEGORIES)
    assert factors.tolist() == pytest.approx([1.5, 1.5, 2.0, 2.0])
    wrapped = AdjustedForecast(_base(), adjustments=adjustments, cutoff=CUTOFF, categories=CATEGORIES)
    assert _daily(wrapped, A) == pytest.approx([15.0, 15.0, 60.0, 60.0])
    assert _daily(wrapped, B) == pytest.approx([7.5] * 4)


def test_snapshot_rows_of_the_category_are_adjusted_and_marked() -> None:
    """The stored snapshot holds the category-adjusted rows, marked +adjusted; other categories unchanged."""
    rows = _base().predict(2)
    out = adjust_snapshot_forecast(rows, [_adj("category", "beverages", 2.0)], categories=CATEGORIES)
    beverages = out[out["unique_id"].isin([A, B])]
    assert beverages["forecast"].tolist() == pytest.approx([20.0, 20.0, 10.0, 10.0])
    assert set(beverages["model"]) == {"poisson+adjusted"} and set(out[out["unique_id"] == C]["model"]) == {"poisson"}


def _order(*skus: str) -> PurchaseOrder:
    lines = [{"sku": s, "location": "S01", "quantity": 12, "pack_size": 6, "moq": 0, "unit_cost": 1.0,
              "line_cost": 12.0, "reasons": []} for s in skus]  # fmt: skip
    return PurchaseOrder.model_validate({"po_id": "PO-1", "supplier": "SUP1", "lines": lines})


def test_lines_name_the_category_adjustment_and_which_one_applied() -> None:
    """SKU0002 names the category adjustment; SKU0001, fully covered by its own, says the category one did not
    apply and why; SKU0003 (snacks) says nothing."""
    order = _order("SKU0001", "SKU0002", "SKU0003")
    noted = note_adjustments([order], adjustments=[_adj("sku", "SKU0001", 2.0), _adj("category", "beverages", 1.5)],
                             cutoff=CUTOFF, horizon_days=28, categories=CATEGORIES)  # fmt: skip
    first, second, third = noted[0].lines
    assert second.reasons == [
        "Forecast multiplied by 1.50: adjustment adj-category-beverages for category beverages ('promotion', "
        "written in the adjustments file), enabled by ana."
    ]
    assert "multiplied by 2.00" in first.reasons[0] and "adj-sku-sku0001" in first.reasons[0]
    assert first.reasons[1] == (
        "Category beverages adjustment adj-category-beverages (x1.50) not applied: this SKU's own adjustment "
        "adj-sku-sku0001 takes precedence."
    )
    assert third.reasons == []


def test_a_sku_adjustment_on_some_days_leaves_the_category_one_applied_on_the_others() -> None:
    """SKU0001's own promotion covers 2 of 28 horizon days: the category adjustment applies, with the exception."""
    own = _adj("sku", "SKU0001", 2.0, start=date(2026, 11, 4), end=date(2026, 11, 5))
    noted = note_adjustments([_order("SKU0001")], adjustments=[own, _adj("category", "beverages", 1.5)],
                             cutoff=CUTOFF, horizon_days=28, categories=CATEGORIES)  # fmt: skip
    reasons = noted[0].lines[0].reasons
    assert len(reasons) == 2 and "for category beverages" in reasons[1]
    assert reasons[1].endswith("On the dates of this SKU's own adjustment adj-sku-sku0001, that one applies instead.")


def test_unknown_category_or_sku_is_reported_with_its_entry_and_the_fix() -> None:
    """A category no catalog SKU has, or a SKU not in the catalog, is skipped with a sentence naming the entry."""
    catalog = pd.DataFrame({"sku": ["SKU0001", "SKU0002", "SKU0003"], "category": ["beverages", "beverages", "snacks"]})
    categories = sku_categories(catalog)
    assert categories == CATEGORIES
    good = [_adj("category", "snacks", 1.2), _adj("sku", "SKU0002", 1.1)]
    usable, problems = check_plan_scopes([*good, _adj("category", "bevrages", 1.5), _adj("sku", "SKU9", 2.0)],
                                         categories=categories)  # fmt: skip
    assert usable == good
    assert problems == [
        "entry adj-category-bevrages names category 'bevrages', which no SKU of the catalog has: set its value to "
        "one of beverages, snacks or remove the entry",
        "entry adj-sku-sku9 names SKU 'SKU9', which is not in the catalog: correct its value to a catalog SKU or "
        "remove the entry",
    ]


def test_planning_adjustments_applies_category_entries_and_warns_about_unknown_ones(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """From the adjustments file: the known category entry is returned, the misspelt one logged with the file."""
    path = tmp_path / "adjustments.yaml"
    entries = [{"id": id_, "enabled_by": "ana", "scope": "category", "value": value, "factor": 1.5}
               for id_, value in (("bev", "beverages"), ("typo", "bevrages"))]  # fmt: skip
    path.write_text(yaml.safe_dump({"enabled": entries}), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with caplog.at_level(logging.WARNING, logger="stockgate.services.planning_adjustments"):
        applied = planning_adjustments(ledger_url=url, adjustments_file=path, as_of=CUTOFF, categories=CATEGORIES)
    assert [(a.id, a.scope, a.value, a.factor) for a in applied] == [("bev", "category", "beverages", 1.5)]
    assert any("typo" in r.message and "bevrages" in r.message and str(path) in r.message for r in caplog.records)
    assert planning_adjustments(ledger_url=url, adjustments_file=path, as_of=CUTOFF) == []  # no categories given
