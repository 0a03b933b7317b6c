"""The weekly run's learning hooks, task by task on generated data: enabled adjustments change the plan, no
adjustments file changes nothing (and touches no ledger), the forecast the plan used is stored as a snapshot, and
the Prefect UI resume form carries a reason category to ``decide``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.sources import InputBundle, load_inputs
from stockgate.domain.approvals.policy import Policy
from stockgate.domain.forecast import Forecaster
from stockgate.domain.generator import write_dataset
from stockgate.domain.learning.adjusted import AdjustedForecast
from stockgate.domain.learning.reasons import ReasonCategory
from stockgate.domain.replenish.demand import DemandForecast
from stockgate.domain.replenish.horizon import forecast_horizon
from stockgate.domain.replenish.inputs import sales_long
from stockgate.domain.replenish.planner import Plan
from stockgate.domain.replenish.run import plan_from_inputs
from stockgate.services.decisions import open_request
from stockgate.settings import get_settings
from tasks.forecast import ForecastResult
from tasks.gate_loop import _apply_form_decision
from tasks.learning import adjust_planning_forecast, note_plan_adjustments, store_planning_snapshot
from tasks.waiting import GateInput
from tests.ledger_fixtures import _pg_template, ledger, make_po, migrated_url, policy  # noqa: F401

FACTOR = 3.0


@pytest.fixture(scope="module")
def weekly_inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[InputBundle, ForecastResult]:
    """Generated inputs and the forecast the weekly run would make of them (seasonal naive only: fast)."""
    data = tmp_path_factory.mktemp("weekly") / "data"
    write_dataset(out_dir=data, n_series=8, n_days=150, seed=7, fmt="csv")
    bundle = load_inputs(data)
    long = sales_long(bundle.sales)
    h = forecast_horizon(sales=long, catalog=bundle.catalog, inventory=bundle.inventory, suppliers=bundle.suppliers)
    model = Forecaster(horizon=h, models=("seasonal_naive",)).fit(long)
    return bundle, ForecastResult(model.predict(h), model.summary(), [], parts=(model,))


def _plan(b: InputBundle, forecast: DemandForecast) -> Plan:
    return plan_from_inputs(sales=b.sales, catalog=b.catalog, inventory=b.inventory, suppliers=b.suppliers,
                            forecast=forecast, previous_costs={})  # fmt: skip


def _quantities(plan: Plan) -> dict[str, int]:
    return {line.sku: line.quantity for order in plan.orders for line in order.lines}


def _enable(path: Path, sku: str) -> None:
    entry = {"id": f"adj-sku-{sku.lower()}-promotion", "enabled_by": "ana", "scope": "sku", "value": sku,
             "factor": FACTOR}  # fmt: skip
    path.write_text(yaml.safe_dump({"enabled": [entry]}), encoding="utf-8")


def test_enabled_adjustment_raises_its_skus_order_and_says_so(
    prefect_server: None, stockgate_home: Path, weekly_inputs: tuple[InputBundle, ForecastResult]
) -> None:
    bundle, result = weekly_inputs
    settings = get_settings()
    url, path = settings.resolved_ledger_url, settings.resolved_adjustments_file
    base = adjust_planning_forecast.fn(result, ledger_url=url, adjustments_file=path)
    assert not isinstance(base, AdjustedForecast)
    assert not Path(url.removeprefix("sqlite:///")).exists(), "no adjustments file: no ledger work"
    plain = _plan(bundle, base)
    before = _quantities(plain)
    sku = max(before, key=lambda s: before[s])  # an SKU the plan orders
    _enable(path, sku)
    planning = adjust_planning_forecast.fn(result, ledger_url=url, adjustments_file=path)
    assert isinstance(planning, AdjustedForecast) and [a.factor for a in planning.adjustments] == [FACTOR]
    adjusted = note_plan_adjustments.fn(_plan(bundle, planning), forecast=planning)
    after = _quantities(adjusted)
    assert after[sku] > before[sku]
    assert {s: q for s, q in after.items() if s != sku} == {s: q for s, q in before.items() if s != sku}
    line = next(ln for o in adjusted.orders for ln in o.lines if ln.sku == sku)
    assert any("multiplied by 3.00" in r and "enabled by ana" in r for r in line.reasons)
    assert not any("multiplied by" in r for o in adjusted.orders for ln in o.lines if ln.sku != sku for r in ln.reasons)
    assert note_plan_adjustments.fn(plain, forecast=base) is plain
    _assert_artifact_names(sku)


def _assert_artifact_names(sku: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas import filters as f

    with get_client(sync_client=True) as client:
        keys = f.ArtifactFilterKey(any_=["replenish-adjustments"])
        found = client.read_artifacts(artifact_filter=f.ArtifactFilter(key=keys))
    text = str(max(found, key=lambda a: str(a.created)).data)  # the newest (ISO times sort as text)
    assert f"SKU {sku} x3.00" in text and "enabled by ana" in text


def test_weekly_snapshot_is_the_forecast_the_plan_used_and_a_rerun_replaces_it(
    stockgate_home: Path, weekly_inputs: tuple[InputBundle, ForecastResult]
) -> None:
    bundle, result = weekly_inputs
    settings = get_settings()
    url, path = settings.resolved_ledger_url, settings.resolved_adjustments_file
    sku = "SKU0001" if "SKU0001" in set(bundle.catalog["sku"]) else str(bundle.catalog["sku"].iloc[0])
    _enable(path, sku)
    planning = adjust_planning_forecast.fn(result, ledger_url=url, adjustments_file=path)
    cutoff = pd.Timestamp(sales_long(bundle.sales)["ds"].max()).date()
    for _ in range(2):  # a re-run of the same week
        as_of, rows = store_planning_snapshot.fn(result, sales=bundle.sales, forecast=planning, ledger_url=url,
                                                 run_id="weekly-1")  # fmt: skip
        assert as_of == cutoff and rows == len(result.forecasts)
    stored = Ledger(url).snapshot_frame()
    assert len(stored) == len(result.forecasts) and set(pd.to_datetime(stored["as_of"]).dt.date) == {cutoff}
    base = result.forecasts.assign(sku=result.forecasts["unique_id"].str.split("/").str[1])
    mine, theirs = stored["sku"] == sku, base["sku"] == sku
    assert stored.loc[mine, "forecast"].sum() == pytest.approx(
        FACTOR * base.loc[theirs, "forecast"].clip(lower=0).sum()
    )
    assert stored.loc[~mine, "forecast"].sum() == pytest.approx(base.loc[~theirs, "forecast"].clip(lower=0).sum())
    assert set(stored.loc[mine, "model"]) == {"seasonal_naive+adjusted"}


def test_resume_form_takes_a_reason_category_and_decide_stores_it(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    form = GateInput.model_validate({"request_id": "r", "action": "approve", "reason_category": "promotion"})
    assert (
        form.reason_category is ReasonCategory.PROMOTION
        and GateInput.model_validate({"request_id": "r"}).reason_category is None
    )
    with pytest.raises(ValidationError):
        GateInput.model_validate({"request_id": "r", "reason_category": "hunch"})
    request = open_request(ledger, policy, draft=make_po(), started_by="alice")
    answer = GateInput.model_validate({"request_id": request.id, "action": "approve", "decided_by": "bob",
                                       "reason_category": "supplier_issue"})  # fmt: skip
    _apply_form_decision(ledger, policy, answer, [request.id])
    decisions = ledger.decisions(request.id)
    assert [(d.actor, d.reason_category) for d in decisions] == [("bob", "supplier_issue")]


def test_enabled_category_adjustment_raises_every_sku_of_the_category_and_says_so(
    prefect_server: None, stockgate_home: Path, weekly_inputs: tuple[InputBundle, ForecastResult]
) -> None:
    """A category entry scales every SKU of that catalog category (their lines name it); other SKUs unchanged."""
    bundle, result = weekly_inputs
    settings = get_settings()
    url, path = settings.resolved_ledger_url, settings.resolved_adjustments_file
    before = _quantities(_plan(bundle, result.as_demand_forecast()))
    category = str(bundle.catalog.set_index("sku").loc[max(before, key=lambda s: before[s]), "category"])
    members = set(bundle.catalog.loc[bundle.catalog["category"] == category, "sku"].astype(str))
    entry = {"id": "cat-x3", "enabled_by": "ana", "scope": "category", "value": category, "factor": FACTOR}
    path.write_text(yaml.safe_dump({"enabled": [entry]}), encoding="utf-8")
    planning = adjust_planning_forecast.fn(result, ledger_url=url, adjustments_file=path, catalog=bundle.catalog)
    assert isinstance(planning, AdjustedForecast) and [a.scope for a in planning.adjustments] == ["category"]
    adjusted = note_plan_adjustments.fn(_plan(bundle, planning), forecast=planning)
    after = _quantities(adjusted)
    grew = [after.get(s, 0) - before.get(s, 0) for s in members]
    assert min(grew) >= 0 and max(grew) > 0
    assert {s: q for s, q in after.items() if s not in members} == {s: q for s, q in before.items() if s not in members}
    for line in (ln for o in adjusted.orders for ln in o.lines):
        named = any(f"adjustment cat-x3 for category {category}" in r for r in line.reasons)
        assert named == (line.sku in members)
