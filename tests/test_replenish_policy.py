"""The order-up-to level against exact answers: Poisson demand with a known mean (an honest fake, not a mock)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from stockgate.domain.replenish.demand import PoissonDemand, quantile_column
from stockgate.domain.replenish.lost_sales import (
    Schedule,
    implied_mean,
    lost_sales_level,
    lost_sales_order_up_to,
    series_seed,
    spread_parameters,
)
from stockgate.domain.replenish.policy import WindowDemand, lead_time_scenarios, mix, order_up_to, quantile_grid
from stockgate.domain.replenish.position import days_of_cover, inventory_position, project_stock, stockout_day


def _window(fake: PoissonDemand, uid: str, length: int, levels: list[float]) -> WindowDemand:
    frame = fake.predict_window(pd.DataFrame({"unique_id": [uid], "start": [0], "length": [length]}), levels)
    row = frame.iloc[0]
    return WindowDemand.from_quantiles(levels, [row[quantile_column(q)] for q in levels], row["mean"])


def test_quantile_column_names_match_the_forecaster() -> None:
    """0.1 -> p10, 0.975 -> p97.5, 0.0125 -> p1.25, as stockgate.domain.forecast names them."""
    assert [quantile_column(q) for q in (0.1, 0.975, 0.0125, 0.5)] == ["p10", "p97.5", "p1.25", "p50"]


def test_cycle_level_is_the_exact_window_quantile() -> None:
    """With Poisson demand of 20/day over 10 days, the 95 % level is Poisson(200)'s 95 % quantile, not 10 daily ones."""
    fake = PoissonDemand({"S1/A": 20.0}, cutoff=date(2026, 1, 31))
    levels = quantile_grid([0.95])
    level = order_up_to(protection=_window(fake, "S1/A", 10, levels), before_delivery=None, service_level=0.95)
    assert level == stats.poisson.ppf(0.95, 200)
    assert level < 10 * stats.poisson.ppf(0.95, 20)


def test_lead_time_scenarios_are_a_distribution_around_the_mean() -> None:
    """Scenarios sum to probability 1 and average to the mean lead time; no spread gives one scenario."""
    assert lead_time_scenarios(5, 0) == [(5, 1.0)]
    scen = lead_time_scenarios(7, 2)
    assert sum(p for _, p in scen) == pytest.approx(1.0)
    assert sum(d * p for d, p in scen) == pytest.approx(7, abs=0.2)
    assert len(scen) > 1


@pytest.mark.parametrize(("mean", "std"), [(4, 1), (7, 2), (5, 0.6), (30, 9)])
def test_lead_time_scenarios_keep_the_spread(mean: float, std: float) -> None:
    """Whole-day scenarios keep the mean and the variance of the rounded normal (std^2 + 1/12; slices of a
    coarse grid add about step^2/12) - five rounded slices of 4 +- 1 days had a variance of only 0.8."""
    scen = lead_time_scenarios(mean, std)
    mu = sum(d * p for d, p in scen)
    step = min(b - a for (a, _), (b, _) in pairwise(scen))
    assert mu == pytest.approx(mean, abs=0.05)
    assert sum((d - mu) ** 2 * p for d, p in scen) == pytest.approx(std**2 + step**2 / 12, rel=0.06)
    assert all(d >= 0 for d, _ in scen) and len(scen) <= 15


def test_lead_time_spread_raises_the_level() -> None:
    """Mixing over uncertain lead times gives a higher 95 % level than the mean lead time alone."""
    fake = PoissonDemand({"u": 30.0}, cutoff=date(2026, 1, 31))
    levels = quantile_grid([0.95])
    scen = lead_time_scenarios(7, 2)
    mixed = mix([_window(fake, "u", lt + 7, levels) for lt, _ in scen], [p for _, p in scen])
    fixed = _window(fake, "u", 14, levels)
    assert mixed.quantile(0.95) > fixed.quantile(0.95)
    assert mixed.mean == pytest.approx(fixed.mean, rel=0.02)


def poisson_shortfall(mean: float, x: float) -> float:
    """E[(N - x)+] for N Poisson(mean): the demand a position of ``x`` units cannot serve (exact sum)."""
    k = np.arange(0, max(int(np.ceil(x)), 0) + 1)
    below = np.where(k < x, (x - k) * stats.poisson.pmf(k, mean), 0.0).sum()
    return float(mean - x + below)


def _simulate_lost_sales(
    level: float, *, mu: float, lead: int, review: int, days: int = 6000, net_of_lost: bool = True
) -> float:
    """Fill rate of the planner's ordering rule (level - position - demand lost before delivery, unless
    ``net_of_lost`` is off) with Poisson demand and lost sales, simulated independently of the code under test."""
    rng = np.random.default_rng(1)
    on_hand, on_order, served, wanted = level, 0.0, 0.0, 0.0
    pipeline = np.zeros(days + lead + 1)
    for t in range(days):
        on_hand += pipeline[t]
        on_order -= pipeline[t]
        if t % review == 0:
            lost = poisson_shortfall(mu * lead, on_hand + on_order) if net_of_lost else 0.0
            qty = max(np.ceil(level - on_hand - on_order - lost), 0)
            pipeline[t + lead] += qty
            on_order += qty
        d = rng.poisson(mu)
        sold = min(on_hand, d)
        on_hand -= sold
        served, wanted = served + sold, wanted + d
    return served / wanted


def test_lost_sales_fill_rate_hits_its_target_where_the_backorder_formula_overshoots() -> None:
    """At a 95 % fill-rate target with lost sales, the simulated level achieves about 95 %; the formula > 96.5 %."""
    fake = PoissonDemand({"u": 50.0}, cutoff=date(2026, 1, 31))
    levels = quantile_grid([0.95])
    short, long = _window(fake, "u", 4, levels), _window(fake, "u", 7, levels)
    lost = lost_sales_order_up_to(short=short, long=long, long_days=7, leads=[(4, 1.0)], review_days=3, target=0.95)
    formula = order_up_to(protection=long, before_delivery=short, service_level=0.95, measure="fill_rate_backorder")
    assert _simulate_lost_sales(lost, mu=50, lead=4, review=3) == pytest.approx(0.95, abs=0.006)
    assert _simulate_lost_sales(formula, mu=50, lead=4, review=3) > 0.965


def test_simulation_noise_does_not_lean_the_same_way_for_every_series() -> None:
    """Series with the same demand get levels with independent simulation noise, centred on the exact level (a long
    simulation): a plan's total stock is not biased by one shared random stream (it was 1 % too high with seed 0)."""
    common = {"daily_means": [50.0], "phi": 1.0, "kappa2": 0.0, "leads": [(4, 1.0)], "target": 0.95}
    common["schedule"] = Schedule.every(3)
    levels = [lost_sales_level(**common, hint=380.0, seed=series_seed(f"store-1/sku-{k}")) for k in range(24)]
    exact = lost_sales_level(**common, hint=380.0, paths=20_000, seed=12345)
    assert len({round(v, 6) for v in levels}) == len(levels)
    assert float(np.mean(levels)) == pytest.approx(exact, rel=0.002)
    assert max(abs(v / exact - 1) for v in levels) < 0.01
    assert series_seed("store-1/sku-0") == series_seed("store-1/sku-0")


def test_level_is_found_when_the_hint_is_far_too_low() -> None:
    """A hint far below the answer widens the simulated range instead of returning its top as the level."""
    common = {"daily_means": [20.0], "phi": 1.0, "kappa2": 0.0, "leads": [(7, 1.0)], "target": 0.95}
    common["schedule"] = Schedule.every(7)
    good = lost_sales_level(**common, hint=300.0, seed=3)
    low = lost_sales_level(**common, hint=120.0, seed=3)
    assert low == pytest.approx(good, rel=0.02)
    assert low > 1.6 * 120.0


def test_spread_parameters_recover_poisson_dispersion() -> None:
    """For Poisson windows the daily dispersion is about 1 and there is no level error."""
    fake = PoissonDemand({"u": 40.0}, cutoff=date(2026, 1, 31))
    levels = quantile_grid()
    phi, kappa2 = spread_parameters(short=_window(fake, "u", 5, levels), long=_window(fake, "u", 12, levels))
    assert phi == pytest.approx(1.0, abs=0.15)
    assert kappa2 < 1e-3


def test_position_counts_only_orders_due_within_the_horizon() -> None:
    """On hand + on order due by the horizon end - backorders; a later order does not count."""
    args = {"on_hand": 10.0, "backorders": 2.0, "on_order": 24.0, "horizon_end": date(2026, 2, 10)}
    assert inventory_position(on_order_due=date(2026, 2, 5), **args) == 32.0
    assert inventory_position(on_order_due=date(2026, 2, 20), **args) == 8.0
    assert inventory_position(on_order_due=None, **args) == 32.0


def test_projection_cover_and_stockout_day() -> None:
    """10 units against 4/day last 2.5 days; with 8 arriving on day 2 the first shortfall moves from day 2 to day 4."""
    demand = [4.0] * 6
    assert days_of_cover(10, demand) == pytest.approx(2.5)
    assert stockout_day(project_stock(start=10, daily_demand=demand)) == 2
    assert stockout_day(project_stock(start=10, daily_demand=demand, arrivals={2: 8})) == 4


@pytest.mark.parametrize("shape", [0.5, 3.0, 200.0])
def test_implied_mean_follows_the_quantiles_not_the_declared_mean(shape: float) -> None:
    """Gamma quantiles give back their mean (the grid's cut tails do not bias it, even when skewed); quantiles of a
    demand 10 % lower than the declared mean (a bias the forecaster corrected) give the lower mean."""
    grid = quantile_grid()
    for true_mean in (100.0, 90.0):
        values = stats.gamma.ppf(grid, shape, scale=true_mean / shape)
        window = WindowDemand.from_quantiles(grid, values, mean=100.0)
        assert implied_mean(window) == pytest.approx(true_mean, rel=0.01)
