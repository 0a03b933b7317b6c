"""Inventory simulation backtest: replay a held-out period day by day with Stockgate's replenishment policy and
the textbook policy, on the same demand, lead times and order days.

    nice uv run --group bench python bench/inventory_sim.py [--data ../shared/data/storeitem/train.csv] [--days 112]
        [--warmup 21] [--target 0.95] [--forecaster auto|stockgate|simple] [--series N]

Each day: deliveries due arrive in the morning; on the supplier's order days an order is placed up to the
policy's level (inventory position = on hand + on order); demand is served from stock and unmet demand is LOST.
The forecast is refit every Monday on all sales up to the day before. Metrics are over the days after the
warm-up. Policies (same target for all):

- stockgate-cycle: order-up-to = quantile (target) of forecast demand summed over order offset + lead time +
  review period, mixed over lead-time scenarios (stockgate.domain.replenish.policy).
- stockgate-fill: the level whose fill rate is the target when unmet demand is lost, simulated from the
  forecast's spread, its weekday pattern and the supplier's order days (stockgate.domain.replenish.lost_sales).
- stockgate-fill-bo: the classic backorder formula: the smallest level whose expected shortage per cycle is
  (1 - target) of cycle demand (overshoots when sales are lost; shown for reference).
- textbook: d(L+R) + z x sigma_d x sqrt(L), d and sigma_d = mean and std of the last 56 days of raw demand.
- textbook-LR: the same with sqrt(L+R) (the periodic-review textbook form), for reference.

Both stockgate policies order, like the planner, the level less the position less the demand expected to be lost
before the delivery (zero unless the shelf may run empty before it arrives).

Forecaster: "stockgate" = stockgate.domain.forecast.Forecaster (predict_window); "simple" = the clearly labelled
stand-in in bench/simple_forecaster.py (recent level x weekday profile x last year's seasonal ratio, normal window
quantiles with a dispersion and level error calibrated on a backtest before each cutoff). "auto" uses stockgate when
importable.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from simple_forecaster import SimpleForecaster  # bench/ is on the path when this script runs

from stockgate.domain.replenish.demand import quantile_column
from stockgate.domain.replenish.lost_sales import Schedule, lost_sales_order_up_to, series_seed
from stockgate.domain.replenish.orders import SupplierTerms
from stockgate.domain.replenish.policy import WindowDemand, lead_time_scenarios, mix, order_up_to, quantile_grid

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "storeitem" / "train.csv"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Terms:
    """Supplier terms used by the simulation (days; order weekdays Mon=0)."""

    name: str
    items: range
    lead_mean: float
    lead_std: float
    review: int
    order_days: tuple[int, ...]


SUPPLIERS = (
    Terms("SUP-A fresh", range(1, 18), 2, 0.0, 2, (0, 2, 4)),
    Terms("SUP-B grocery", range(18, 35), 4, 1.0, 3, (0, 3)),
    Terms("SUP-C import", range(35, 51), 7, 2.0, 7, (1,)),
)


def load_matrix(path: Path, limit: int | None) -> tuple[np.ndarray, pd.DatetimeIndex, list[str], np.ndarray]:
    """Demand matrix (series x days), dates, ids "store/item" and the item number of each series."""
    raw = pd.read_csv(path, parse_dates=["date"])
    raw["unique_id"] = raw["store"].astype(str) + "/" + raw["item"].astype(str)
    wide = raw.pivot_table(index="unique_id", columns="date", values="sales", aggfunc="sum").sort_index()
    items = raw.drop_duplicates("unique_id").set_index("unique_id").loc[wide.index, "item"].to_numpy()
    if limit:
        keep = np.linspace(0, len(wide) - 1, limit).astype(int)
        wide, items = wide.iloc[keep], items[keep]
    return wide.to_numpy(dtype=float), pd.DatetimeIndex(wide.columns), list(wide.index), items


def make_forecaster(kind: str, y: np.ndarray, dates: pd.DatetimeIndex, ids: list[str]) -> object:
    """Fit the chosen forecaster on history ``y`` (series x days up to the cutoff)."""
    if kind == "simple":
        return SimpleForecaster(y, dates, ids)
    from stockgate.domain.forecast import Forecaster  # type: ignore[attr-defined]

    long = pd.DataFrame({"unique_id": np.repeat(ids, len(dates)), "ds": np.tile(dates, len(ids)), "y": y.ravel()})
    return Forecaster(freq="D").fit(long)


def product_terms(terms: Terms) -> SupplierTerms:
    """The bench supplier as the planner's ``SupplierTerms`` (its order-day arithmetic is the one under test)."""
    return SupplierTerms(terms.name, terms.name, terms.lead_mean, terms.lead_std, terms.review, terms.order_days,
                         None, "EUR")  # fmt: skip


A_MONDAY = date(2024, 1, 1)


def review_days(terms: Terms, weekday: int) -> int:
    """Days from an order on ``weekday`` to the next order day at least ``terms.review`` days later."""
    return product_terms(terms).review_days(A_MONDAY + timedelta(days=weekday))


def review_schedule(terms: Terms, weekday: int) -> Schedule:
    """The orders of one repeating period from an order on ``weekday`` (days after it), from the planner's
    ``SupplierTerms.review_schedule``."""
    return Schedule(*product_terms(terms).review_schedule(A_MONDAY + timedelta(days=weekday)))


DAILY_DAYS = 14
"""Days of daily means handed to the lost-sales simulation (two weeks: the weekday pattern of any cycle)."""


class ForecastLevels:
    """Order-up-to levels from one weekly fit: one predict_window call for every order day of the week."""

    def __init__(
        self, model: object, *, ids: list[str], supplier_of: np.ndarray, first: pd.Timestamp, levels: list[float]
    ) -> None:
        self.ids, self.supplier_of, self.first, self.levels = ids, supplier_of, first, levels
        rows = []
        for offset in range(7):
            wd = (first + pd.Timedelta(days=offset)).weekday()
            for k, terms in enumerate(SUPPLIERS):
                if wd not in terms.order_days:
                    continue
                lengths = {lt + review_days(terms, wd) for lt, _ in self.scen(k)} | {
                    max(lt, 1) for lt, _ in self.scen(k)
                }
                rows += [(ids[s], offset, n) for s in np.flatnonzero(supplier_of == k) for n in lengths]
        # Daily means (windows of one day) for two weeks after any order day of this week: the weekday pattern.
        rows += [(uid, day, 1) for uid in ids for day in range(7 + DAILY_DAYS)]
        frame = pd.DataFrame(sorted(set(rows)), columns=["unique_id", "start", "length"])
        res = model.predict_window(frame, levels)  # type: ignore[attr-defined]
        cols = [quantile_column(q) for q in levels]
        keys = zip(res["unique_id"], res["start"].astype(int), res["length"].astype(int), strict=True)
        vals, means = res[cols].to_numpy(dtype=float), res["mean"].to_numpy(dtype=float)
        self.table = {key: (vals[i], means[i]) for i, key in enumerate(keys)}

    @staticmethod
    def scen(k: int) -> list[tuple[int, float]]:
        return lead_time_scenarios(SUPPLIERS[k].lead_mean, SUPPLIERS[k].lead_std)

    def daily_means(self, s: int, offset: int) -> list[float]:
        """The point forecast of each of the ``DAILY_DAYS`` days from ``offset`` (units/day)."""
        return [float(self.table[(self.ids[s], offset + j, 1)][1]) for j in range(DAILY_DAYS)]

    def dist(self, s: int, offset: int, scenarios: list[tuple[int, float]]) -> WindowDemand:
        parts = [WindowDemand.from_quantiles(self.levels, *self.table[(self.ids[s], offset, n)]) for n, _ in scenarios]
        return mix(parts, [p for _, p in scenarios])

    def lost_before_delivery(self, s: int, day: pd.Timestamp, position: float) -> float:
        """Expected demand (units) that finds no stock before this order arrives, as the planner subtracts it."""
        k = int(self.supplier_of[s])
        before = self.dist(s, (day - self.first).days, [(max(lt, 1), p) for lt, p in self.scen(k)])
        return before.expected_excess(max(position, 0.0))

    def level(self, s: int, day: pd.Timestamp, target: float, measure: str) -> float:
        k = int(self.supplier_of[s])
        offset, r = (day - self.first).days, review_days(SUPPLIERS[k], day.weekday())
        scen = self.scen(k)
        if measure == "fill_rate":
            mid = max(scen, key=lambda x: x[1])[0]
            return lost_sales_order_up_to(
                short=self.dist(s, offset, [(max(mid, 1), 1.0)]),
                long=self.dist(s, offset, [(mid + r, 1.0)]),
                long_days=mid + r,
                leads=[(max(lt, 1), p) for lt, p in scen],
                review_days=r,
                target=target,
                seed=series_seed(self.ids[s]),
                daily_means=self.daily_means(s, offset),
                schedule=review_schedule(SUPPLIERS[k], day.weekday()),
            )
        protection = self.dist(s, offset, [(lt + r, p) for lt, p in scen])
        before = self.dist(s, offset, [(max(lt, 1), p) for lt, p in scen])
        return order_up_to(protection=protection, before_delivery=before, service_level=target, measure=measure)  # type: ignore[arg-type]


REFERENCE = {
    "measured": "2026-11-21 23:37 UTC, 2 shared cores (with other jobs), 500 series, 112 days (21 warm-up), target "
    "95 %, Stockgate forecaster; lost-sales level simulated on the order schedule with the weekday pattern scaled to "
    "each order's window, one seed per series, orders net of demand lost before delivery",
    "wall_seconds": 746,
    "stockgate-cycle": {"cycle_service": 0.9547, "fill_rate": 0.9954, "avg_stock_units": 185.31, "vs_textbook": 0.0401},
    "stockgate-fill": {"cycle_service": 0.612, "fill_rate": 0.9515, "avg_stock_units": 123.29, "vs_textbook": -0.308},
    "stockgate-fill-bo": {
        "cycle_service": 0.7151,
        "fill_rate": 0.9646,
        "avg_stock_units": 132.11,
        "vs_textbook": -0.2585,
    },
    "textbook": {"cycle_service": 0.9085, "fill_rate": 0.9808, "avg_stock_units": 178.16, "vs_textbook": 0.0},
    "textbook-LR": {"cycle_service": 0.9382, "fill_rate": 0.9858, "avg_stock_units": 191.47, "vs_textbook": 0.0747},
}
"""Figures of the reference run (printed after each run for comparison)."""

LOST_SALES_AWARE = ("stockgate-cycle", "stockgate-fill")
"""Policies that, like the planner, leave out of the order the demand expected to be lost before its delivery."""

POLICIES = ("stockgate-cycle", "stockgate-fill", "stockgate-fill-bo", "textbook", "textbook-LR")


@dataclass
class State:
    """One policy's stock per series, its open orders and what happened each day."""

    on_hand: np.ndarray
    arrivals: np.ndarray
    on_order: np.ndarray
    orders: int = 0
    stock: list[np.ndarray] | None = None
    lost: list[np.ndarray] | None = None
    served: float = 0.0
    demand: float = 0.0


def textbook_level(hist: np.ndarray, supplier_of: np.ndarray, weekday: int, z: float, with_review: bool) -> np.ndarray:
    """d(L+R) + z sigma_d sqrt(L) (or sqrt(L+R)) from the last 56 days of raw demand."""
    d, sd = hist[:, -56:].mean(axis=1), hist[:, -56:].std(axis=1, ddof=1)
    lead = np.array([SUPPLIERS[k].lead_mean for k in supplier_of])
    rev = np.array([review_days(SUPPLIERS[k], weekday) for k in supplier_of])
    return d * (lead + rev) + z * sd * np.sqrt(lead + (rev if with_review else 0))


def simulate(
    y: np.ndarray, dates: pd.DatetimeIndex, ids: list[str], items: np.ndarray, args: argparse.Namespace
) -> dict:
    n, total = y.shape
    start = total - args.days
    supplier_of = np.array([next(k for k, t in enumerate(SUPPLIERS) if it in t.items) for it in items])
    rng = np.random.default_rng(args.seed)
    lead = np.array(
        [
            [max(1, round(rng.normal(SUPPLIERS[k].lead_mean, SUPPLIERS[k].lead_std))) for k in supplier_of]
            for _ in range(args.days)
        ]
    )
    init = y[:, start - 28 : start].mean(axis=1) * np.array(
        [SUPPLIERS[k].lead_mean + SUPPLIERS[k].review for k in supplier_of]
    )
    states = {p: State(init.copy(), np.zeros((args.days + 40, n)), np.zeros(n), stock=[], lost=[]) for p in POLICIES}
    levels = quantile_grid([args.target])
    z = float(stats.norm.ppf(args.target))
    opportunities: list[tuple[int, np.ndarray]] = []
    fit_seconds, fc = 0.0, None
    for i in range(args.days):
        day = dates[start + i]
        if fc is None or day.weekday() == 0:
            t0 = time.perf_counter()
            model = make_forecaster(args.forecaster, y[:, : start + i], dates[: start + i], ids)
            fc = ForecastLevels(model, ids=ids, supplier_of=supplier_of, first=day, levels=levels)
            fit_seconds += time.perf_counter() - t0
        ordering = np.array([day.weekday() in SUPPLIERS[k].order_days for k in supplier_of])
        idx = np.flatnonzero(ordering)
        opportunities.append((i, idx))
        targets = {
            "stockgate-cycle": np.array([fc.level(s, day, args.target, "cycle") for s in idx]),
            "stockgate-fill": np.array([fc.level(s, day, args.target, "fill_rate") for s in idx]),
            "stockgate-fill-bo": np.array([fc.level(s, day, args.target, "fill_rate_backorder") for s in idx]),
            "textbook": textbook_level(y[idx, : start + i], supplier_of[idx], day.weekday(), z, False),
            "textbook-LR": textbook_level(y[idx, : start + i], supplier_of[idx], day.weekday(), z, True),
        }
        demand = y[:, start + i]
        for p, st in states.items():
            st.on_hand += st.arrivals[i]
            st.on_order -= st.arrivals[i]
            position = st.on_hand[idx] + st.on_order[idx]
            need = targets[p] - position
            if p in LOST_SALES_AWARE:  # the planner's rule: demand lost before the delivery is not ordered again
                need -= np.array([fc.lost_before_delivery(s, day, x) for s, x in zip(idx, position, strict=True)])
            qty = np.maximum(np.ceil(need), 0)
            st.arrivals[i + lead[i, idx], idx] += qty
            st.on_order[idx] += qty
            served = np.minimum(st.on_hand, demand)
            st.on_hand -= served
            if i >= args.warmup:
                st.orders += int((qty > 0).sum())
                st.served += served.sum()
                st.demand += demand.sum()
                st.stock.append(st.on_hand.copy())  # type: ignore[union-attr]
                st.lost.append(demand - served)  # type: ignore[union-attr]
    return {
        "states": states,
        "lead": lead,
        "opportunities": opportunities,
        "fit_seconds": fit_seconds,
        "y": y[:, start:],
        "supplier_of": supplier_of,
    }


def cycle_service(
    lost: np.ndarray, lead: np.ndarray, opportunities: list[tuple[int, np.ndarray]], warmup: int
) -> float:
    """Share of replenishment cycles (arrival of one order to the arrival of the next) without lost sales."""
    n = lost.shape[1]
    arrivals: list[list[int]] = [[] for _ in range(n)]
    for i, idx in opportunities:
        for s in idx:
            arrivals[s].append(i + int(lead[i, s]))
    ok = count = 0
    for s in range(n):
        for a, b in zip(arrivals[s], arrivals[s][1:], strict=False):
            if a >= warmup and b <= warmup + lost.shape[0]:
                count += 1
                ok += not (lost[a - warmup : b - warmup, s] > 0).any()
    return ok / max(count, 1)


def metrics(result: dict, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    out = {}
    mean_demand = float(result["y"][:, args.warmup :].mean())
    for p, st in result["states"].items():
        stock, lost = np.array(st.stock), np.array(st.lost)
        out[p] = {
            "cycle_service": round(cycle_service(lost, result["lead"], result["opportunities"], args.warmup), 4),
            "fill_rate": round(st.served / st.demand, 4),
            "avg_stock_units": round(float(stock.mean()), 2),
            "avg_stock_days": round(float(stock.mean()) / mean_demand, 2),
            "stockout_days": int((lost > 0).sum()),
            "stockout_day_share": round(float((lost > 0).mean()), 4),
            "orders": st.orders,
        }
    base = out["textbook"]["avg_stock_units"]
    for p in out:
        out[p]["stock_vs_textbook"] = round(out[p]["avg_stock_units"] / base - 1, 4)
    return out


def supplier_metrics(result: dict, args: argparse.Namespace) -> dict[str, dict[str, dict[str, float]]]:
    """Fill rate and average stock (units, days of demand) per policy and supplier."""
    demand = result["y"][:, args.warmup :].T
    out: dict[str, dict[str, dict[str, float]]] = {}
    for p, st in result["states"].items():
        stock, lost = np.array(st.stock), np.array(st.lost)
        out[p] = {}
        for k, terms in enumerate(SUPPLIERS):
            cols = result["supplier_of"] == k
            if cols.any():
                out[p][terms.name] = {
                    "fill_rate": round(1 - float(lost[:, cols].sum() / demand[:, cols].sum()), 4),
                    "avg_stock_units": round(float(stock[:, cols].mean()), 2),
                    "avg_stock_days": round(float(stock[:, cols].mean() / demand[:, cols].mean()), 2),
                }
    return out


def choose_forecaster(kind: str) -> str:
    if kind != "auto":
        return kind
    try:
        from stockgate.domain.forecast import Forecaster  # type: ignore[attr-defined]  # noqa: F401
    except ImportError:
        return "simple"
    return "stockgate"


def print_report(figures: dict, meta: dict) -> None:
    print(f"\nInventory simulation on {meta['data']} ({meta['series']} series)")
    print(
        f"held-out days {meta['first_day']}..{meta['last_day']} ({meta['days']} days, "
        f"metrics after a {meta['warmup']}-day warm-up)"
    )
    print(f"forecaster: {meta['forecaster']} (refit every Monday; {meta['fit_seconds']:.0f} s fitting in total)")
    print(f"target service {meta['target']:.0%} for every policy; unmet demand is lost; pack size 1, no minimum\n")
    print("supplier terms (chosen for the bench):")
    for t in SUPPLIERS:
        days = ",".join(WEEKDAYS[d] for d in t.order_days)
        print(
            f"  {t.name:14} items {t.items.start:>2}-{t.items.stop - 1:<2} lead {t.lead_mean:g}±{t.lead_std:g} d, "
            f"review >= {t.review} d, order days {days}"
        )
    cols = (
        "cycle_service",
        "fill_rate",
        "avg_stock_units",
        "avg_stock_days",
        "stock_vs_textbook",
        "stockout_days",
        "stockout_day_share",
        "orders",
    )
    print("\n" + f"{'policy':16}" + "".join(f"{c:>19}" for c in cols))
    for p, row in figures.items():
        print(f"{p:16}" + "".join(f"{row[c]:>19}" for c in cols))
    print("\nper supplier (fill rate / average stock in days of demand):")
    names = [t.name for t in SUPPLIERS]
    print(f"{'policy':18}" + "".join(f"{n:>22}" for n in names))
    for p, parts in meta["by_supplier"].items():
        cells = [f"{parts[n]['fill_rate']:.2%} / {parts[n]['avg_stock_days']:.2f} d" for n in names if n in parts]
        print(f"{p:18}" + "".join(f"{c:>22}" for c in cells))


def print_reference(figures: dict) -> None:
    """This run's figures next to the reference run's."""
    print(f"\nthis run vs the reference run ({REFERENCE['measured']}):")
    head = ("fill_rate", "ref", "avg_stock_units", "ref", "stock_vs_textbook", "ref", "cycle_service", "ref")
    print(f"{'policy':18}" + "".join(f"{h:>18}" for h in head))
    for p, row in figures.items():
        ref = REFERENCE.get(p, {})
        assert isinstance(ref, dict)
        cells = []
        for key, ref_key in (("fill_rate", "fill_rate"), ("avg_stock_units", "avg_stock_units"),
                             ("stock_vs_textbook", "vs_textbook"), ("cycle_service", "cycle_service")):  # fmt: skip
            cells += [row[key], ref.get(ref_key, "-")]
        print(f"{p:18}" + "".join(f"{c:>18}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--days", type=int, default=112, help="held-out days replayed (including the warm-up)")
    parser.add_argument("--warmup", type=int, default=21)
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--forecaster", choices=("auto", "stockgate", "simple"), default="auto")
    parser.add_argument("--series", type=int, default=None, help="use an evenly spread subset of the series")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.forecaster = choose_forecaster(args.forecaster)
    y, dates, ids, items = load_matrix(args.data, args.series)
    t0 = time.perf_counter()
    result = simulate(y, dates, ids, items, args)
    figures = metrics(result, args)
    meta = {
        "data": str(args.data),
        "series": len(ids),
        "days": args.days,
        "warmup": args.warmup,
        "target": args.target,
        "first_day": str(dates[-args.days].date()),
        "last_day": str(dates[-1].date()),
        "forecaster": args.forecaster
        if args.forecaster == "stockgate"
        else "simple (bench stand-in, NOT Stockgate's forecaster)",
        "fit_seconds": round(result["fit_seconds"], 1),
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "suppliers": [
            {
                "name": t.name,
                "items": [t.items.start, t.items.stop - 1],
                "lead_time_mean_days": t.lead_mean,
                "lead_time_std_days": t.lead_std,
                "review_period_days": t.review,
                "order_days": [WEEKDAYS[d] for d in t.order_days],
            }
            for t in SUPPLIERS
        ],
    }
    meta["by_supplier"] = supplier_metrics(result, args)
    print_report(figures, meta)
    best = figures["stockgate-fill"]
    checks = {
        "fill_rate_within_1pt_of_target": bool(abs(best["fill_rate"] - args.target) <= 0.01),
        "stock_at_least_30pct_below_textbook": bool(best["stock_vs_textbook"] <= -0.30),
    }
    print(
        f"\ntarget (stockgate-fill): fill rate within 1 point of {args.target:.0%} and >= 30 % less average stock "
        f"than textbook -> {checks}"
    )
    print_reference(figures)
    print("\nJSON:")
    print(json.dumps({"meta": meta, "policies": figures, "checks": checks}, indent=2))


if __name__ == "__main__":
    main()
