"""The lost-sales fill-rate level follows the supplier's real order days and the weekday pattern of demand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from scipy import stats

from stockgate.domain.replenish.lost_sales import Schedule, lost_sales_level, lost_sales_order_up_to, series_seed
from stockgate.domain.replenish.orders import SupplierTerms
from stockgate.domain.replenish.policy import WindowDemand, lead_time_scenarios, quantile_grid
from tests.test_replenish_policy import poisson_shortfall

WEEKDAY = np.array([0.80, 0.93, 0.93, 0.99, 1.06, 1.12, 1.17]) / np.mean([0.80, 0.93, 0.93, 0.99, 1.06, 1.12, 1.17])
"""Demand per weekday (Mon..Sun) relative to the mean: busy weekends, quiet Mondays."""


def _terms(order_days: tuple[int, ...], review: int) -> SupplierTerms:
    return SupplierTerms("S", "S", 4.0, 0.0, review, order_days, None, "EUR")


@pytest.mark.parametrize(
    ("order_days", "review", "order_date", "expected"),
    [
        ((0, 3), 3, date(2026, 11, 23), ((0, 3), 7)),  # Monday: Thursday, then Monday again
        ((0, 3), 3, date(2026, 11, 26), ((0, 4), 7)),  # Thursday: Monday, then Thursday
        ((0, 2, 4), 2, date(2026, 11, 27), ((0, 3, 5), 7)),  # Friday: Monday, Wednesday
        ((1,), 7, date(2026, 11, 24), ((0,), 7)),
        ((0,), 10, date(2026, 11, 23), ((0,), 14)),  # review of 10 days on a Monday supplier: every other week
        ((0, 2, 4), 3, date(2026, 11, 25), ((0,), 5)),  # Wed -> Mon -> Fri -> Mon...: never Wednesday again
    ],
)
def test_review_schedule_follows_order_days_and_review_period(
    order_days: tuple[int, ...], review: int, order_date: date, expected: tuple[tuple[int, ...], int]
) -> None:
    assert _terms(order_days, review).review_schedule(order_date) == expected


def _achieved_fill(level: float, *, mu: float, leads: list[tuple[int, float]]) -> float:
    """Fill rate of a calendar simulation: Poisson demand with the weekday pattern, an order every Tuesday up to
    ``level`` less the demand expected to be lost before it arrives, lead times drawn from ``leads``, unmet demand
    lost (independent of the code under test)."""
    rng = np.random.default_rng(11)
    n, days = 400, 7 * 60
    lead_days = np.array([lt for lt, _ in leads])
    probs = np.array([p for _, p in leads]) / sum(p for _, p in leads)
    # The planner's rule: demand expected to be lost before the delivery (Poisson over the lead time from Tuesday,
    # mixed over lead times) is left out of the order.
    xs = np.linspace(0.0, 4 * mu * lead_days.max(), 300)
    lead_means = [mu * WEEKDAY[(1 + np.arange(lt)) % 7].sum() for lt in lead_days]
    shortfall = (
        xs,
        sum(p * np.array([poisson_shortfall(m, x) for x in xs]) for m, p in zip(lead_means, probs, strict=True)),
    )
    on_hand, on_order = np.full(n, level), np.zeros(n)
    pipeline = np.zeros((days + int(lead_days.max()) + 1, n))
    served = wanted = 0.0
    for t in range(days):
        on_hand += pipeline[t]
        on_order -= pipeline[t]
        if t % 7 == 1:
            position = on_hand + on_order
            qty = np.maximum(level - position - np.interp(position, *shortfall), 0.0)
            pipeline[t + rng.choice(lead_days, p=probs, size=n), np.arange(n)] += qty
            on_order += qty
        demand = rng.poisson(mu * WEEKDAY[t % 7], n)
        sold = np.minimum(on_hand, demand)
        on_hand -= sold
        if t >= 28:
            served, wanted = served + sold.sum(), wanted + demand.sum()
    return served / wanted


def test_level_with_the_weekday_pattern_hits_the_target() -> None:
    """A Tuesday supplier with lead time 7 +- 2 days and weekday-patterned demand: the level from the forecast's
    daily means achieves 95 % in an independent calendar simulation. With a flat daily mean (the old way) the level
    is higher: its cycles end on quiet days (Sunday to Thursday), which a flat mean takes for average ones."""
    mu = 30.0
    leads = [(max(lt, 1), p) for lt, p in lead_time_scenarios(7.0, 2.0)]
    means = mu * WEEKDAY[(1 + np.arange(14)) % 7]
    window = float(means.sum())
    common = {"phi": 1.0, "kappa2": 0.0, "leads": leads, "target": 0.95, "hint": window * 1.1}
    seeds = [series_seed(f"store-1/sku-{k}") for k in range(8)]
    weekday = float(
        np.mean([lost_sales_level(daily_means=means, schedule=Schedule.every(7), seed=s, **common) for s in seeds])
    )
    flat = float(
        np.mean(
            [lost_sales_level(daily_means=[window / 14], schedule=Schedule.every(7), seed=s, **common) for s in seeds]
        )
    )
    assert _achieved_fill(weekday, mu=mu, leads=leads) == pytest.approx(0.95, abs=0.0015)
    assert weekday < flat - 1.0


def test_demand_lost_before_the_delivery_is_not_ordered_again() -> None:
    """Cream (2/day, supplier lead time 5 days) with an empty shelf: the demand until the delivery is lost, so the
    order is the level less the position less that expected loss, and a reason says so; when customers wait
    (backorders) nothing is subtracted."""
    from stockgate.domain.replenish import PlanConfig
    from tests.test_replenish_plan import catalog_frame, inventory_frame, make_plan

    catalog = catalog_frame(shelf_life_days=[np.nan] * 4)
    empty = inventory_frame(on_hand=(10, 4, 0, 0))
    backorder = PlanConfig(measure="fill_rate_backorder")
    shop = {ln.sku: ln for ln in make_plan(catalog=catalog, inventory=empty).lines}["C"]
    waits = {ln.sku: ln for ln in make_plan(catalog=catalog, inventory=empty, config=backorder).lines}["C"]
    until_delivery = 2.0 * (shop.delivery_date - shop.first_day).days
    assert shop.lost_before_delivery == pytest.approx(until_delivery, rel=0.1)
    assert shop.need == pytest.approx(shop.order_up_to - shop.position - shop.lost_before_delivery)
    assert any("cannot be served and are lost" in r for r in shop.reasons)
    assert waits.lost_before_delivery == 0.0
    assert waits.need == pytest.approx(waits.order_up_to - waits.position)


def _poisson_window(mean: float) -> WindowDemand:
    levels = quantile_grid([0.95])
    return WindowDemand.from_quantiles(levels, stats.poisson.ppf(levels, mean), mean)


def test_a_rise_within_the_window_raises_the_level() -> None:
    """10 a day this week, 20 from next week (a promotion), weekly supplier, lead 4: the window holds 150 units; the
    level is about the flat-pattern level for 150, not the first week's pace (110 units over the window; the level
    was 114 before the pattern was scaled to the window)."""
    common = {"leads": [(4, 1.0)], "review_days": 7, "target": 0.95, "seed": 5}
    short, long = _poisson_window(40.0), _poisson_window(150.0)
    rising = lost_sales_order_up_to(short=short, long=long, long_days=11, daily_means=[10.0] * 7 + [20.0] * 7, **common)
    flat = lost_sales_order_up_to(short=short, long=long, long_days=11, **common)
    assert rising > 140.0
    assert rising == pytest.approx(flat, rel=0.05)


def test_an_order_placed_later_is_simulated_from_its_order_day() -> None:
    """Planning on Saturday for a Tuesday order (3 days ahead), lead 4, weekly: the level now is the demand until
    Tuesday plus the level of an order placed on Tuesday (before: the level of an order with a 7-day lead time)."""
    common = {"review_days": 7, "target": 0.95, "seed": 9}
    later = lost_sales_order_up_to(
        short=_poisson_window(70.0), long=_poisson_window(140.0), long_days=14, leads=[(7, 1.0)], offset=3, **common
    )
    from_order_day = lost_sales_order_up_to(
        short=_poisson_window(40.0), long=_poisson_window(110.0), long_days=11, leads=[(4, 1.0)], **common
    )
    assert later == pytest.approx(30.0 + from_order_day, rel=0.015)
