"""Property tests (hypothesis) on the replenishment arithmetic: rounding, minimums, shelf life, budgets, levels."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from stockgate.domain.replenish.budget import BudgetLine, cut_to_budget
from stockgate.domain.replenish.policy import WindowDemand, order_up_to, quantile_grid
from stockgate.domain.replenish.rounding import round_order

needs = st.floats(min_value=-500, max_value=5000, allow_nan=False)
packs = st.integers(min_value=1, max_value=48)
moq_packs = st.integers(min_value=0, max_value=10)
caps = st.one_of(st.none(), st.floats(min_value=-100, max_value=5000, allow_nan=False))


@given(need=needs, pack=packs, moq_n=moq_packs, cap=caps)
def test_rounded_quantity_is_a_non_negative_pack_multiple(
    need: float, pack: int, moq_n: int, cap: float | None
) -> None:
    """Whatever the need, the quantity is a non-negative integer multiple of the pack size."""
    q = round_order(need=need, pack_size=pack, moq=moq_n * pack, cap=cap).quantity
    assert isinstance(q, int) and q >= 0 and q % pack == 0


@given(need=needs, pack=packs, moq=st.integers(min_value=0, max_value=300), cap=caps)
def test_never_below_the_minimum_when_ordering(need: float, pack: int, moq: int, cap: float | None) -> None:
    """A non-zero quantity is at least the minimum order quantity (even a MOQ that is not a pack multiple)."""
    q = round_order(need=need, pack_size=pack, moq=moq, cap=cap).quantity
    assert q == 0 or q >= moq


@given(need=needs, pack=packs, moq_n=moq_packs)
def test_covers_the_need_when_uncapped(need: float, pack: int, moq_n: int) -> None:
    """Without a cap, the quantity covers a positive need, by less than one pack beyond need or MOQ."""
    q = round_order(need=need, pack_size=pack, moq=moq_n * pack).quantity
    if need <= 0:
        assert q == 0
    else:
        assert q >= need - 1e-6
        assert q < max(need, moq_n * pack) + pack


@given(need=needs, pack=packs, moq_n=moq_packs, cap=st.floats(min_value=-100, max_value=5000, allow_nan=False))
def test_expiry_cap_is_respected(need: float, pack: int, moq_n: int, cap: float) -> None:
    """Never order more than sells before expiry; the flag says when the cap changed the quantity."""
    result = round_order(need=need, pack_size=pack, moq=moq_n * pack, cap=cap)
    assert result.quantity <= max(cap, 0) + 1e-9
    uncapped = round_order(need=need, pack_size=pack, moq=moq_n * pack).quantity
    assert result.capped == (uncapped > 0 and uncapped > cap)


def _valid_line(ln: BudgetLine) -> BudgetLine:
    """A line as the planner makes it: pack multiples, and zero or at least the minimum."""
    moq = ln.moq * ln.pack_size
    qty = ln.quantity * ln.pack_size
    return BudgetLine(**{**ln.__dict__, "quantity": max(qty, moq) if qty else 0, "moq": moq})


lines = st.lists(
    st.builds(
        BudgetLine,
        key=st.uuids().map(str),
        quantity=st.integers(min_value=0, max_value=40),
        pack_size=st.integers(min_value=1, max_value=12),
        moq=st.integers(min_value=0, max_value=3),
        unit_cost=st.floats(min_value=0.01, max_value=50, allow_nan=False),
        service_class=st.sampled_from(["AX", "AY", "BZ", "CX", "CZ"]),
        days_until_stockout=st.floats(min_value=0, max_value=60, allow_nan=False) | st.just(float("inf")),
        next_delivery_days=st.floats(min_value=1, max_value=30, allow_nan=False),
    ).map(_valid_line),
    max_size=12,
)


@given(lines=lines, budget=st.floats(min_value=0, max_value=20000, allow_nan=False))
def test_budget_is_never_exceeded(lines: list[BudgetLine], budget: float) -> None:
    """After the cut, total cost is within budget, quantities only go down and stay pack multiples above MOQ."""
    changed = cut_to_budget(lines, budget=budget)
    total = 0.0
    for ln in lines:
        q = changed.get(ln.key, ln.quantity)
        assert 0 <= q <= ln.quantity and q % ln.pack_size == 0 and (q == 0 or q >= ln.moq)
        total += q * ln.unit_cost
    assert total <= budget + 1e-6


@given(lines=lines)
def test_budget_that_fits_cuts_nothing(lines: list[BudgetLine]) -> None:
    """When the lines fit the budget (or there is none), nothing is cut."""
    assert cut_to_budget(lines, budget=sum(ln.cost for ln in lines) + 0.01) == {}
    assert cut_to_budget(lines, budget=None) == {}


def test_lines_that_can_wait_then_lowest_class_then_longest_lasting_are_cut_first() -> None:
    """A line whose stock lasts past the next delivery is cut before one that would run out, whatever the class;
    among lines that would run out, C goes before A, and among equals the one lasting longest goes first."""
    a_urgent = BudgetLine("a-urgent", 10, 1, 0, 1.0, "AX", days_until_stockout=2.0, next_delivery_days=10.0)
    a_waits = BudgetLine("a-waits", 10, 1, 0, 1.0, "AX", days_until_stockout=30.0, next_delivery_days=10.0)
    c_soon = BudgetLine("c-soon", 10, 1, 0, 1.0, "CX", days_until_stockout=3.0, next_delivery_days=10.0)
    c_later = BudgetLine("c-later", 10, 1, 0, 1.0, "CX", days_until_stockout=6.0, next_delivery_days=10.0)
    lines = [a_urgent, a_waits, c_soon, c_later]
    assert cut_to_budget(lines, budget=35.0) == {"a-waits": 5}
    assert cut_to_budget(lines, budget=25.0) == {"a-waits": 0, "c-later": 5}
    assert cut_to_budget(lines, budget=8.0) == {"a-waits": 0, "c-later": 0, "c-soon": 0, "a-urgent": 8}


def _poisson_window(mean: float, levels: list[float]) -> WindowDemand:
    return WindowDemand.from_quantiles(levels, stats.poisson.ppf(levels, mean), mean)


@settings(max_examples=60)
@given(
    mean=st.floats(min_value=0.5, max_value=500),
    share=st.floats(min_value=0.1, max_value=0.9),
    level=st.sampled_from([0.8, 0.9, 0.95, 0.98]),
    measure=st.sampled_from(["cycle", "fill_rate_backorder"]),
    extra=st.floats(min_value=0, max_value=200),
    pack=packs,
)
def test_nothing_ordered_when_the_position_covers_the_window(
    mean: float, share: float, level: float, measure: str, extra: float, pack: int
) -> None:
    """A position at or above the order-up-to level orders nothing, whatever the pack size and minimum."""
    levels = quantile_grid([level])
    protection, before = _poisson_window(mean, levels), _poisson_window(mean * share, levels)
    s = order_up_to(protection=protection, before_delivery=before, service_level=level, measure=measure)  # type: ignore[arg-type]
    assert s >= 0
    position = s + extra
    assert round_order(need=s - position, pack_size=pack, moq=pack * 2).quantity == 0


@settings(max_examples=40)
@given(mean=st.floats(min_value=1, max_value=400), lo=st.sampled_from([0.8, 0.9]), hi=st.sampled_from([0.95, 0.99]))
def test_levels_grow_with_the_service_target(mean: float, lo: float, hi: float) -> None:
    """A higher target never gives a lower order-up-to level."""
    levels = quantile_grid([lo, hi])
    window = _poisson_window(mean, levels)
    assert order_up_to(protection=window, before_delivery=None, service_level=hi) >= order_up_to(
        protection=window, before_delivery=None, service_level=lo
    )
    assert np.all(np.diff(window.values) >= 0)


@settings(max_examples=30, deadline=None)
@given(
    on_hand=st.tuples(*[st.floats(min_value=0, max_value=400, allow_nan=False)] * 3),
    packs=st.tuples(*[st.integers(min_value=1, max_value=24)] * 3),
    moqs=st.tuples(*[st.integers(min_value=0, max_value=120)] * 3),
    shelf=st.integers(min_value=1, max_value=40),
    budgets=st.tuples(*[st.one_of(st.just(float("nan")), st.floats(min_value=0, max_value=300))] * 2),
    run_budget=st.one_of(st.none(), st.floats(min_value=0, max_value=400)),
    measure=st.sampled_from(["cycle", "fill_rate", "fill_rate_backorder"]),
    level=st.sampled_from([None, 0.8, 0.95, 0.99]),
)
def test_whole_plan_keeps_every_rule(
    on_hand: tuple[float, float, float],
    packs: tuple[int, int, int],
    moqs: tuple[int, int, int],
    shelf: int,
    budgets: tuple[float, float],
    run_budget: float | None,
    measure: str,
    level: float | None,
) -> None:
    """On the whole planner: quantities are non-negative pack multiples, at least the minimum when ordering,
    zero when the position covers the order-up-to level, within the shelf-life cap, supplier and run budgets,
    and never for the discontinued item."""
    from stockgate.domain.replenish import PlanConfig, ServiceLevels
    from tests.test_replenish_plan import MEANS, catalog_frame, inventory_frame, make_plan, suppliers_frame

    catalog = catalog_frame(
        pack_size=[*packs, 1], moq=[*moqs, 0], shelf_life_days=[np.nan, np.nan, float(shelf), np.nan]
    )
    config = PlanConfig(service=ServiceLevels(override=level), measure=measure, run_budget=run_budget)  # type: ignore[arg-type]
    plan = make_plan(
        catalog=catalog,
        inventory=inventory_frame(on_hand=(*on_hand, 0)),
        suppliers=suppliers_frame(budget=budgets),
        config=config,
    )
    lead = {"SUP1": 3, "SUP2": 5}
    for ln in plan.lines:
        q = ln.quantity
        assert isinstance(q, int) and q >= 0 and q % ln.pack_size == 0
        assert q == 0 or q >= ln.moq
        if ln.position >= ln.order_up_to:
            assert q == 0
        if ln.sku == "C":  # sells before expiry: demand until delivery plus the shelf life, less the position
            days = (ln.order_date - ln.first_day).days + lead[ln.supplier_id] + shelf
            assert q <= max(MEANS["C"] * days - ln.position, 0) + 1e-6
        assert ln.sku != "D" or q == 0
    totals = {o.supplier: sum(line.line_cost for line in o.lines) for o in plan.orders}
    for supplier, budget in zip(("SUP1", "SUP2"), budgets, strict=True):
        assert np.isnan(budget) or totals.get(supplier, 0.0) <= budget + 1e-6
    assert run_budget is None or sum(totals.values()) <= run_budget + 1e-6
    assert all(line.quantity == 0 for o in plan.orders for line in o.lines if line.sku == "D")
