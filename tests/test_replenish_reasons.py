"""Reasons and charts a manager reads on the briefing card: consistent stock sentences, true numbers, plain words."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from stockgate.domain.replenish.flags import FlagContext, attach_flags
from stockgate.domain.replenish.line import PlannedLine
from stockgate.domain.replenish.reasons import explain, stock_facts
from stockgate.domain.replenish.rounding import RoundingStep, round_order
from stockgate.domain.replenish.wording import count, number
from stockgate.presentation.charts import _demand_panel, _stock_panel, render_line_chart
from stockgate.presentation.plan_files import CHARTS_DIR, write_plan
from tests.test_replenish_plan import make_plan

FIRST = date(2026, 11, 1)  # a Sunday; the day after the cutoff


def planned_line(*, days: int = 60, daily: float = 0.35, **changes: object) -> PlannedLine:
    """One line that sells ``daily`` units a day, delivered on day 4 with a 56-day window; keywords replace fields."""
    fields: dict[str, object] = {
        "unique_id": "S01/A",
        "sku": "A",
        "location": "S01",
        "name": "Apples",
        "supplier_id": "SUP1",
        "pack_size": 1,
        "moq": 0,
        "unit_cost": 2.0,
        "first_day": FIRST,
        "order_date": FIRST + timedelta(days=1),
        "delivery_date": FIRST + timedelta(days=4),
        "review_days": 52,
        "on_hand": 1.0,
        "on_order": 0.0,
        "on_order_due": None,
        "backorders": 0.0,
        "position": 1.0,
        "daily_mean": np.full(days, daily),
        "daily_low": np.zeros(days),
        "daily_high": np.full(days, 2 * daily),
    }
    fields.update(changes)
    return PlannedLine(**fields)  # type: ignore[arg-type]


def test_cover_now_counts_only_stock_on_hand_and_the_open_order_is_said_apart() -> None:
    """1 on hand + 10 due on day 12 at 0.35/day: cover now ~3 days, the order's day and days apart, stock-out first."""
    line = planned_line(on_order=10.0, on_order_due=FIRST + timedelta(days=12), position=11.0, quantity=20)
    facts = stock_facts(line)
    assert facts.cover_now_days == pytest.approx(1 / 0.35)
    text = explain(line, facts, currency="EUR")
    assert text[0] == "Stock now: 1 unit on hand, enough for about 3 days."
    assert text[1] == "Already on order: 10 units arriving Fri 13 Nov (in 13 days); they add about 29 days of sales."
    assert text[2] == "If nothing is ordered, it runs out around Tue 03 Nov (in 3 days), before the open order arrives."


def test_an_empty_shelf_says_out_of_stock_not_a_run_out_date() -> None:
    """Nothing on hand: 'out of stock' and 'stays out of stock until the open order arrives', no '1 days'."""
    line = planned_line(on_hand=0.0, on_order=6.0, on_order_due=FIRST + timedelta(days=5), position=6.0)
    text = " ".join(explain(line, stock_facts(line), currency="EUR"))
    assert "Stock now: 0 units on hand, out of stock." in text
    assert "stays out of stock until the open order arrives" in text
    assert "1 days" not in text


def _flag_context(sold: pd.Series, *, cutoff: date, warnings: dict[str, list[str]] | None = None) -> FlagContext:
    sales = pd.DataFrame({"unique_id": "S01/A", "ds": sold.index, "y": sold.to_numpy(), "price": 4.0})
    items = pd.DataFrame({"sku": ["A"], "status": ["active"], "price": [4.0]}).set_index("sku")
    return FlagContext.build(
        sales=sales, items=items, config_min_history=56, warnings=warnings or {}, previous_costs={}, cutoff=cutoff
    )


def test_unusual_quantity_quotes_what_really_sold_over_the_same_span() -> None:
    """21 units sold in days 29-56 back and none in the last 28: the reason says 21 over 56 days, not 0."""
    cutoff = FIRST - timedelta(days=1)
    dates = pd.date_range(end=pd.Timestamp(cutoff), periods=120)
    sold = pd.Series(0.0, index=dates)
    sold.iloc[-56:-28:4] = 3.0  # 7 days x 3 units
    line = planned_line(quantity=356, pack_size=2)
    assert line.window_days == 56
    attach_flags(
        [line],
        context=_flag_context(sold, cutoff=cutoff),
        unusual_factor=2.5,
        price_change=0.1,
        cost_change=0.05,
        chart_history_days=56,
    )
    assert "unusual_quantity" in line.flags
    assert "the proposed 356 units are more than 2.5 times the 21 units sold in the last 56 days" in line.reasons[-1]


def test_a_short_span_is_judged_on_at_least_the_last_28_days() -> None:
    """A 15-day window compares with 28 days of sales scaled to 15 days, and says both numbers."""
    cutoff = FIRST - timedelta(days=1)
    sold = pd.Series(0.0, index=pd.date_range(end=pd.Timestamp(cutoff), periods=90))
    sold.iloc[-28::7] = 2.0  # 8 units in the last 28 days
    line = planned_line(quantity=40, review_days=11)
    attach_flags(
        [line],
        context=_flag_context(sold, cutoff=cutoff),
        unusual_factor=2.5,
        price_change=0.1,
        cost_change=0.05,
        chart_history_days=56,
    )
    assert "the usual sales over 15 days (about 4.3: 8 units sold in the last 28 days)" in line.reasons[-1]


def test_a_data_warning_that_ends_in_a_full_stop_gets_only_one() -> None:
    """Warnings written as sentences are joined without a doubled full stop."""
    cutoff = FIRST - timedelta(days=1)
    sold = pd.Series(1.0, index=pd.date_range(end=pd.Timestamp(cutoff), periods=90))
    line = planned_line()
    context = _flag_context(sold, cutoff=cutoff, warnings={"A": ["Negative units are net returns."]})
    attach_flags([line], context=context, unusual_factor=2.5, price_change=0.1, cost_change=0.05, chart_history_days=56)
    assert line.reasons[-1] == "Data warning: Negative units are net returns."


def test_a_skewed_forecast_says_the_average_sits_above_the_likely_outcome() -> None:
    """Mean 0.71 above a P90 of 0.07: no '(likely range 0-0)', but plain words with two decimals."""
    line = planned_line(window_mean=0.71, window_low=0.0, window_high=0.07, order_up_to=0.07, need=0.07)
    text = " ".join(explain(line, stock_facts(line), currency="EUR"))
    assert "likely range" not in text and "Forecast 1 units" not in text
    assert "Forecast 0.71 units on average over the next 56 days" in text
    assert "9 times in 10 at most 0.07 units, so most likely none" in text


def test_small_numbers_keep_sensible_precision_and_plurals() -> None:
    """Two decimals below 1, one up to 10, whole numbers above; '1 day', '1 pack', '2 packs'."""
    assert [number(v) for v in (0.0, 0.069, 0.71, 3.45, 12.4, 1234.0)] == ["0", "0.07", "0.71", "3.5", "12", "1,234"]
    assert (count(1, "day"), count(1.0, "pack"), count(2, "pack"), count(0.5, "unit")) == (
        "1 day",
        "1 pack",
        "2 packs",
        "0.5 units",
    )


def test_a_rounding_step_that_changes_nothing_visible_is_not_reported() -> None:
    """A need of 125.6 in packs of 2 becomes 126: no 'Rounded 126 up to 126'; 8 -> 12 says '1 pack of 12'."""
    same = planned_line(need=125.6, pack_size=2, quantity=126)
    same.rounding_steps = list(round_order(need=125.6, pack_size=2, moq=0).steps)
    assert not [r for r in explain(same, stock_facts(same), currency="EUR") if r.startswith("Rounded")]
    up = planned_line(need=8.0, pack_size=12, quantity=12)
    up.rounding_steps = list(round_order(need=8.0, pack_size=12, moq=0).steps)
    assert "Rounded 8 up to 12 units (1 pack of 12)." in explain(up, stock_facts(up), currency="EUR")


def test_the_shelf_life_cap_says_what_it_means_for_the_order() -> None:
    """A cap of 0 (stock already lasts until a new delivery would expire) is said in words, not 'at most 0 units'."""
    none_sells = planned_line(need=11.0, pack_size=6, moq=36)
    none_sells.rounding_steps = list(round_order(need=11.0, pack_size=6, moq=36, cap=0.2).steps)
    text = " ".join(explain(none_sells, stock_facts(none_sells), currency="EUR"))
    assert "at most 0 units" not in text and "any order would go off unsold" in text
    few_sell = planned_line(need=11.0, pack_size=6, moq=36)
    few_sell.rounding_steps = list(round_order(need=11.0, pack_size=6, moq=36, cap=9.0).steps)
    text = " ".join(explain(few_sell, stock_facts(few_sell), currency="EUR"))
    assert (
        "only about 9 units more would sell before a new delivery expires, fewer than the minimum order of 36" in text
    )


def test_rounding_steps_are_said_in_order_and_a_budget_cut_as_a_step_or_a_plain_string() -> None:
    """explain says each structured step once, in order, and a plain-string step (the planner's) as a sentence."""
    line = planned_line(need=3.0, pack_size=6, moq=10, quantity=6)
    line.rounding_steps = [
        *round_order(need=3.0, pack_size=6, moq=10).steps,
        RoundingStep("budget_cut", before=12, after=6, pack_size=6, moq=10, budget=50.0, scope="run"),
        "cut by hand",
    ]
    said = [r for r in explain(line, stock_facts(line), currency="EUR") if r.startswith(("Rounded", "Raised", "Cut"))]
    assert said == [
        "Rounded 3 up to 6 units (1 pack of 6).",
        "Raised to 12 units: the minimum order of 10 in whole packs (2 packs of 6).",
        "Cut from 12 to 6 units because the run budget of 50.00 binds (lines whose stock lasts until the next "
        "delivery, then the lowest service class, are cut first).",
        "Cut by hand.",
    ]


def test_stock_axis_of_an_empty_line_starts_at_zero_and_spans_a_unit() -> None:
    """Everything ~0: the stock axis is 0..1 or more (not +-0.04) and the demand axis starts at zero."""
    line = planned_line(on_hand=0.0, position=0.0, daily=0.01, reorder_point=0.02)
    days = pd.date_range(pd.Timestamp(FIRST), periods=20, freq="D")
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True)
    try:
        _demand_panel(top, line, days)
        _stock_panel(bottom, line, days)
        assert bottom.get_ylim()[0] == 0 and bottom.get_ylim()[1] >= 1
        assert top.get_ylim()[0] == 0
    finally:
        plt.close(fig)


def test_chart_names_the_delivery_line_keeps_legends_off_the_data_and_the_forecast_in_its_range() -> None:
    """The delivery line is labelled; legends sit above their panels; a mean above the P90 stays inside the band."""
    line = planned_line(daily=0.2, reorder_point=1.0)
    line.daily_high = np.full(60, 0.1)  # skewed: P90 below the mean
    days = pd.date_range(pd.Timestamp(FIRST), periods=30, freq="D")
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True)
    try:
        _demand_panel(top, line, days)
        _stock_panel(bottom, line, days)
        fig.canvas.draw()
        assert any(t.get_text() == "delivery 05 Nov" for t in bottom.texts)
        for ax in (top, bottom):
            legend = ax.get_legend()
            assert legend is not None
            assert legend.get_window_extent().y0 >= ax.get_window_extent().y1 - 1
        band = top.collections[0].get_paths()[0].vertices[:, 1]
        assert band.max() >= 0.2
    finally:
        plt.close(fig)


def test_chart_is_800_by_500_at_200_dpi(tmp_path: Path) -> None:
    """Same pixels as before, drawn at 200 dpi so that type is twice as large relative to the image."""
    from PIL import Image

    path = render_line_chart(planned_line(quantity=12), tmp_path / "a.png")
    with Image.open(path) as image:
        assert image.size == (800, 500)
        assert round(image.info["dpi"][0]) == 200
    assert not list(tmp_path.glob("*.tmp"))


def test_write_plan_removes_stale_charts_it_owns_and_nothing_else(tmp_path: Path) -> None:
    """A chart of a line the new plan lacks is removed; other files in charts/ stay."""
    charts = tmp_path / CHARTS_DIR
    charts.mkdir()
    (charts / "S09_GONE.png").write_bytes(b"\x89PNG old")
    (charts / "readme.txt").write_text("keep", encoding="utf-8")
    (charts / "logo.png").write_bytes(b"\x89PNG mine")
    plan = make_plan()
    write_plan(plan, tmp_path, charts=True)
    names = {p.name for p in charts.iterdir()}
    assert "S09_GONE.png" not in names and {"readme.txt", "logo.png"} <= names
    assert {f"S01_{ln.sku}.png" for ln in plan.lines} <= names
    write_plan(plan, tmp_path, charts=False)
    assert {p.name for p in charts.iterdir()} == {"readme.txt", "logo.png"}
