"""Candidate rules on tiny literal frames: each kind is found from the numbers, one per SKU, in priority order."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from stockgate.domain.copy.candidates import Candidate, CandidateKind, CandidateRules, pick_candidates

AS_OF = date(2026, 11, 20)
DAYS = 70


def _sales(sku: str, daily: list[float], price: float = 2.0, location: str = "S01") -> pd.DataFrame:
    """Daily sales ending on AS_OF (``daily`` has DAYS values, oldest first)."""
    dates = pd.date_range(end=pd.Timestamp(AS_OF), periods=len(daily), freq="D")
    return pd.DataFrame(
        {"sku": sku, "location": location, "date": dates, "units": daily, "price": price, "promo": False}
    )


def _forecast(rates: dict[str, float], h: int = 28) -> pd.DataFrame:
    dates = pd.date_range(start=pd.Timestamp(AS_OF) + timedelta(days=1), periods=h, freq="D")
    rows = [(f"S01/{sku}", ds, rate) for sku, rate in rates.items() for ds in dates]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "forecast"])


def _world() -> dict[str, pd.DataFrame]:
    steady = [1.0] * DAYS
    sales = pd.concat(
        [
            _sales("OVER", steady),
            _sales("RISE", [1.0] * (DAYS - 28) + [2.0] * 28),
            _sales("BACK", [3.0] * (DAYS - 8) + [0.0] * 8),
            _sales("DROP", steady, price=3.0),
            _sales("FLAT", [2.0] * DAYS),
            _sales("GONE", [3.0] * (DAYS - 8) + [0.0] * 8),
        ],
        ignore_index=True,
    )
    skus = ["OVER", "RISE", "BACK", "DROP", "FLAT", "GONE", "NEWB"]
    catalog = pd.DataFrame(
        {
            "sku": skus,
            "name": [f"Product {s}" for s in skus],
            "price": [2.0, 2.0, 2.0, 2.5, 2.0, 2.0, 4.0],
            "status": ["active"] * 5 + ["discontinued", "new"],
        }
    )
    on_hand = {"OVER": 100, "RISE": 50, "BACK": 30, "DROP": 20, "FLAT": 20, "GONE": 30, "NEWB": 20}
    inventory = pd.DataFrame({"sku": list(on_hand), "location": "S01", "on_hand": [float(v) for v in on_hand.values()]})
    forecast = _forecast({"OVER": 1.0, "RISE": 2.0, "BACK": 3.0, "DROP": 1.0, "FLAT": 2.0, "GONE": 3.0})
    return {"sales": sales, "catalog": catalog, "inventory": inventory, "forecast": forecast}


def _pick(world: dict[str, pd.DataFrame] | None = None, **rules: Any) -> dict[str, Candidate]:
    w = world or _world()
    found = pick_candidates(
        forecast=w["forecast"], sales=w["sales"], catalog=w["catalog"], inventory=w["inventory"], as_of=AS_OF,
        rules=CandidateRules(**rules),
    )  # fmt: skip
    return {c.sku: c for c in found}


def test_each_kind_is_found_with_the_numbers_behind_it() -> None:
    """Overstock, rising seller, back in stock, new arrival and price drop each come from their rule."""
    found = _pick()
    assert {sku: c.kind for sku, c in found.items()} == {
        "BACK": CandidateKind.BACK_IN_STOCK,
        "NEWB": CandidateKind.NEW_ARRIVAL,
        "DROP": CandidateKind.PRICE_DROP,
        "OVER": CandidateKind.OVERSTOCK,
        "RISE": CandidateKind.RISING_SELLER,
    }
    assert found["OVER"].facts["weeks_of_cover"] == pytest.approx(100 / 7, abs=0.05)
    assert found["OVER"].facts["promo_price"] == 1.6 and found["OVER"].facts["promo_end"] == "2026-12-04"
    assert found["RISE"].facts["growth_pct"] == 100.0 and found["RISE"].facts["units_recent"] == 56
    assert found["BACK"].facts["out_of_stock_days"] == 8
    assert found["DROP"].facts["previous_price"] == 3.0 and found["DROP"].facts["saving"] == 0.5
    assert all(c.facts["name"] == f"Product {c.sku}" and c.facts["as_of"] == "2026-11-20" for c in found.values())


def test_candidates_come_in_priority_order() -> None:
    """The list is ordered by kind priority: back in stock, new arrival, price drop, overstock, rising seller."""
    w = _world()
    order = pick_candidates(
        forecast=w["forecast"], sales=w["sales"], catalog=w["catalog"], inventory=w["inventory"], as_of=AS_OF
    )
    assert [c.sku for c in order] == ["BACK", "NEWB", "DROP", "OVER", "RISE"]


def test_discontinued_items_only_get_clearance_copy() -> None:
    """A discontinued SKU is not announced as back in stock, but its overstock is cleared."""
    assert "GONE" not in _pick()
    w = _world()
    w["inventory"].loc[w["inventory"]["sku"] == "GONE", "on_hand"] = 500.0
    assert _pick(w)["GONE"].kind == CandidateKind.OVERSTOCK


def test_thresholds_move_the_decisions() -> None:
    """Raising the overstock factor or the growth threshold removes those candidates."""
    found = _pick(overstock_factor=5.0, rising_growth_pct=150.0)
    assert "OVER" not in found and "RISE" not in found


def test_no_stock_no_copy() -> None:
    """A SKU with nothing on hand is not back in stock and not a new arrival."""
    w = _world()
    w["inventory"].loc[w["inventory"]["sku"].isin(["BACK", "NEWB"]), "on_hand"] = 0.0
    found = _pick(w)
    assert "BACK" not in found and "NEWB" not in found


def test_stock_and_demand_are_summed_over_locations() -> None:
    """Cover is computed per SKU over all locations: two stores with little stock each are not overstock."""
    w = _world()
    w["inventory"] = pd.concat([w["inventory"], pd.DataFrame({"sku": ["OVER"], "location": ["S02"], "on_hand": [0.0]})])
    extra = w["forecast"][w["forecast"]["unique_id"] == "S01/OVER"].assign(unique_id="S02/OVER", forecast=3.0)
    w["forecast"] = pd.concat([w["forecast"], extra], ignore_index=True)
    assert "OVER" not in _pick(w)  # 100 units / (4 x 7 per week) = 3.6 weeks


def test_max_candidates_caps_the_list() -> None:
    """At most max_candidates products get copy, the highest priority first."""
    assert list(_pick(max_candidates=2)) == ["BACK", "NEWB"]


def test_weekly_data_gives_the_same_kinds() -> None:
    """Weekly totals dated by their Monday, with a weekly forecast, give the same candidate kinds."""
    w = _world()
    sales = w["sales"].assign(date=w["sales"]["date"].dt.to_period("W-SUN").dt.start_time)
    w["sales"] = sales.groupby(["sku", "location", "date"], as_index=False).agg(
        units=("units", "sum"), price=("price", "mean"), promo=("promo", "max")
    )
    weekly = w["forecast"].assign(ds=w["forecast"]["ds"].dt.to_period("W-SUN").dt.start_time)
    w["forecast"] = weekly.groupby(["unique_id", "ds"], as_index=False)["forecast"].sum()
    found = pick_candidates(
        forecast=w["forecast"], sales=w["sales"], catalog=w["catalog"], inventory=w["inventory"], as_of=AS_OF,
        freq="W-MON",
    )  # fmt: skip
    kinds = {c.sku: c.kind for c in found}
    assert kinds["OVER"] == CandidateKind.OVERSTOCK and kinds["BACK"] == CandidateKind.BACK_IN_STOCK
    assert kinds["DROP"] == CandidateKind.PRICE_DROP and kinds["NEWB"] == CandidateKind.NEW_ARRIVAL
