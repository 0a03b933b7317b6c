"""AdjustedForecast: enabled SKU adjustments scale the planning forecast by known amounts; nothing else does."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from stockgate.domain.drafts import POLine, PurchaseOrder
from stockgate.domain.learning.adjusted import AdjustedForecast, adjust_snapshot_forecast, note_adjustments
from stockgate.domain.learning.adjustments import AdjustmentProposal
from stockgate.domain.replenish.demand import PoissonDemand

CUTOFF = date(2026, 11, 1)  # period 0 = 2026-11-02
A, B = "S01/SKU0001", "S01/SKU0002"


def _proposal(factor: float, *, value: str = "SKU0001", enabled: bool = True, **dates: date) -> AdjustmentProposal:
    return AdjustmentProposal(id=f"adj-sku-{value.lower()}-promotion", scope="sku", value=value,
                              reason_category="promotion", factor=factor, edits=4, human_wape=10.0, machine_wape=20.0,
                              orders=5, enabled=enabled, enabled_by="ana" if enabled else None, **dates)  # fmt: skip


def _windows(*rows: tuple[str, int, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id", "start", "length"])


def _base() -> PoissonDemand:
    return PoissonDemand({A: [10.0, 10.0, 30.0, 30.0], B: 5.0}, cutoff=CUTOFF)


def test_factor_on_every_day_scales_window_mean_and_quantiles_by_it() -> None:
    base = _base()
    windows = _windows((A, 0, 4), (B, 0, 4))
    plain = base.predict_window(windows, (0.5, 0.9))
    adjusted = AdjustedForecast(base, adjustments=[_proposal(1.2)], cutoff=CUTOFF).predict_window(windows, (0.5, 0.9))
    for column in ("mean", "p50", "p90"):
        want, got = plain[column].astype(float).to_numpy(), adjusted[column].astype(float).to_numpy()
        assert got[0] == pytest.approx(1.2 * want[0])
        assert got[1] == pytest.approx(want[1])  # SKU0002 is not adjusted
    assert float(adjusted["mean"].iloc[0]) == pytest.approx(96.0)  # 1.2 x (10 + 10 + 30 + 30)


def test_adjustment_on_half_the_window_scales_by_the_median_weighted_ratio() -> None:
    """Days 3-4 (medians 30 and 30) doubled, days 1-2 (medians 10 and 10) not: (20 + 120) / 80 = 1.75, not 1.5."""
    base = _base()
    promo = _proposal(2.0, start=date(2026, 11, 4), end=date(2026, 11, 5))
    wrapped = AdjustedForecast(base, adjustments=[promo], cutoff=CUTOFF)
    assert wrapped.window_ratios(_windows((A, 0, 4), (A, 0, 2), (A, 2, 2))).tolist() == pytest.approx([1.75, 1, 2])
    adjusted = wrapped.predict_window(_windows((A, 0, 4)), (0.5,))
    assert float(adjusted["mean"].iloc[0]) == pytest.approx(1.75 * 80.0)
    daily = wrapped.predict(4, quantiles=(0.5,))
    assert daily[daily["unique_id"] == A]["forecast"].tolist() == pytest.approx([10.0, 10.0, 60.0, 60.0])


def test_disabled_or_category_proposals_change_nothing() -> None:
    base = _base()
    windows = _windows((A, 0, 4), (B, 1, 3))
    off = [_proposal(1.5, enabled=False), replace(_proposal(1.5), scope="category", value="beverages")]
    wrapped = AdjustedForecast(base, adjustments=off, cutoff=CUTOFF)
    pd.testing.assert_frame_equal(wrapped.predict_window(windows, (0.5, 0.9)), base.predict_window(windows, (0.5, 0.9)))
    pd.testing.assert_frame_equal(wrapped.predict(5), base.predict(5))
    assert wrapped.adjustments == []


def test_window_of_zero_medians_weighs_days_by_mean_then_evenly() -> None:
    """Poisson(0.2) has median 0 every day: the daily means (all equal) weigh the days, so half doubled = 1.5."""
    base = PoissonDemand({A: 0.2}, cutoff=CUTOFF)
    promo = _proposal(2.0, start=date(2026, 11, 2), end=date(2026, 11, 3))
    wrapped = AdjustedForecast(base, adjustments=[promo], cutoff=CUTOFF)
    assert wrapped.window_ratios(_windows((A, 0, 4)))[0] == pytest.approx(1.5)


def test_snapshot_rows_are_adjusted_and_marked() -> None:
    rows = _base().predict(2)
    out = adjust_snapshot_forecast(rows, [_proposal(1.2)])
    a = out[out["unique_id"] == A]
    assert a["forecast"].tolist() == pytest.approx([12.0, 12.0]) and set(a["model"]) == {"poisson+adjusted"}
    assert set(out[out["unique_id"] == B]["model"]) == {"poisson"}
    assert adjust_snapshot_forecast(rows, [_proposal(1.2, enabled=False)]) is rows


def test_lines_of_adjusted_skus_name_the_adjustment_while_its_dates_overlap_the_horizon() -> None:
    def line(sku: str, reasons: list[str]) -> POLine:
        return POLine.model_validate({"sku": sku, "location": "S01", "quantity": 12, "pack_size": 6, "moq": 0,
                                      "unit_cost": 1.0, "line_cost": 12.0, "reasons": reasons})  # fmt: skip

    lines = [line("SKU0001", ["r"]), line("SKU0002", [])]
    order = PurchaseOrder.model_validate({"po_id": "PO-1", "supplier": "SUP1", "lines": lines})
    noted = note_adjustments([order], adjustments=[_proposal(1.2)], cutoff=CUTOFF, horizon_days=28)
    first, second = noted[0].lines
    assert first.reasons[0] == "r" and "multiplied by 1.20" in first.reasons[1] and "enabled by ana" in first.reasons[1]
    assert second.reasons == [] and order.lines[0].reasons == ["r"]
    later = _proposal(1.2, start=date(2027, 1, 1), end=date(2027, 1, 7))
    assert note_adjustments([order], adjustments=[later], cutoff=CUTOFF, horizon_days=28)[0] == order
