"""Learning loop on generated decision histories where the right answer is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from stockgate.domain.learning.adjustments import apply_adjustments, learn_adjustments
from stockgate.domain.learning.fva import edit_verdicts, forecast_value_added
from stockgate.domain.learning.suggestions import decision_stats, suggest_auto_approval


def _history(*, approver_effect: str, n: int = 200, seed: int = 3, promo_share: float = 0.3) -> pd.DataFrame:
    """Lines where the machine is unbiased; ``approver_effect`` says what the human does to quantities.

    inflate: always +20 %. promo: adds the uplift of promotions the data lacked (the truth), else leaves the line.
    """
    rng = np.random.default_rng(seed)
    base = rng.uniform(50, 150, n)
    promo = rng.random(n) < promo_share
    truth = base * np.where(promo, 1.5, 1.0)
    actual = rng.poisson(truth).astype(float)
    machine = base  # the machine cannot see the promotions
    naive = base * rng.uniform(0.6, 1.4, n)
    proposed = np.round(machine).astype(int)
    if approver_effect == "inflate":
        final = np.round(proposed * 1.2).astype(int)
        reason = np.full(n, "gut_feeling")
    else:
        final = np.where(promo, np.round(proposed * 1.5), proposed).astype(int)
        reason = np.where(promo, "promotion", "unchanged")
    return pd.DataFrame(
        {
            "request_id": [f"r{i}" for i in range(n)],
            "sku": [f"SKU{i % 5}" for i in range(n)],
            "location": "S01",
            "approver": approver_effect,
            "route": "slack",
            "reason_category": reason,
            "sku_class": np.where(base > 100, "A", "B"),
            "proposed_quantity": proposed,
            "final_quantity": final,
            "naive_forecast": naive,
            "machine_forecast": machine,
            "actual": actual,
        }
    )


def test_inflating_approver_shows_negative_value_added() -> None:
    """An approver who always adds 20 % makes the plan worse than the machine, and over-forecasts."""
    lines = _history(approver_effect="inflate", promo_share=0.0)
    table = forecast_value_added(lines, by="approver")
    row = table.loc["inflate"]
    assert row["human_vs_machine_pp"] < -5
    assert row["human_bias"] > row["machine_bias"] + 10
    assert edit_verdicts(lines).loc["inflate", "verdict"] == "hurt"


def test_approver_adding_known_promotions_shows_positive_value_added() -> None:
    """An approver who adds promotions the data lacked beats the machine, on the promotion lines."""
    lines = _history(approver_effect="promo")
    overall = forecast_value_added(lines).iloc[0]
    assert overall["human_vs_machine_pp"] > 5
    by_reason = forecast_value_added(lines, by="reason_category")
    assert by_reason.loc["promotion", "human_vs_machine_pp"] > 10
    assert by_reason.loc["unchanged", "human_vs_machine_pp"] == pytest.approx(0.0)
    assert edit_verdicts(lines).loc["promo", "verdict"] == "helped"


def test_machine_beats_noisy_naive() -> None:
    """The machine's value added over seasonal naive is positive when naive is a noisy copy of the truth."""
    assert forecast_value_added(_history(approver_effect="inflate")).iloc[0]["machine_vs_naive_pp"] > 0


def test_recurring_promotion_edits_become_a_proposal_that_is_off_until_enabled() -> None:
    """Recurring helpful promotion edits give a factor near 1.5, which changes nothing until a person enables it."""
    proposals = learn_adjustments(_history(approver_effect="promo"), scope="sku")
    assert proposals and all(p.reason_category == "promotion" for p in proposals)
    assert all(1.4 <= p.factor <= 1.6 and not p.enabled for p in proposals)
    forecast = pd.DataFrame({"forecast": [10.0, 10.0], "p90": [14.0, 14.0]})
    skus = pd.Series([proposals[0].value, "other"])
    assert apply_adjustments(forecast, proposals, scope_values=skus).equals(forecast)
    enabled = [proposals[0].__class__(**{**proposals[0].__dict__, "enabled": True, "enabled_by": "ana"})]
    adjusted = apply_adjustments(forecast, enabled, scope_values=skus)
    assert adjusted.loc[0, "forecast"] == pytest.approx(10.0 * proposals[0].factor)
    assert adjusted.loc[1, "forecast"] == 10.0


def test_inflating_gut_feeling_edits_are_not_proposed() -> None:
    """Edits that hurt accuracy never turn into a forecast adjustment."""
    assert learn_adjustments(_history(approver_effect="inflate", promo_share=0.0), scope="sku") == []


def _decisions(unchanged_share: float, n: int = 60) -> pd.DataFrame:
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    rng = np.random.default_rng(1)
    rows = []
    for i in range(n):
        created = start + timedelta(days=i)
        outcome = "approved" if rng.random() < unchanged_share else "edited"
        rows.append(
            {
                "request_id": f"r{i}",
                "kind": "purchase_order",
                "created_at": created,
                "decided_at": created + timedelta(hours=2 + i % 5),
                "route": "slack" if i % 3 else "cli",
                "outcome": outcome,
                "decided_by": "ana",
                "total": float(100 + (i % 4) * 100),
                "confidence": "high",
                "warnings": 0,
                "reason_category": None,
            }
        )
    return pd.DataFrame(rows)


def test_auto_approval_suggested_with_evidence_when_nearly_always_unchanged() -> None:
    """97 %-unchanged small drafts produce one suggestion quoting the threshold, the share and decisions saved."""
    history = _decisions(unchanged_share=1.0)
    (suggestion,) = suggest_auto_approval(history, min_decisions=20)
    assert suggestion.rule["max_total"] == 500.0
    assert "approved unchanged 100 %" in suggestion.text and "saved 60 decisions" in suggestion.text


def test_no_auto_approval_when_people_often_edit() -> None:
    """When a third of drafts are edited, the history does not support auto-approval."""
    assert suggest_auto_approval(_decisions(unchanged_share=0.6)) == []


def test_decision_stats_report_latency_routes_and_expiries() -> None:
    """Latency quantiles, route shares and expiry counts come from the history."""
    history = _decisions(unchanged_share=1.0)
    history.loc[0, "outcome"] = "expired"
    stats = decision_stats(history)
    assert stats["expired"] == 1
    assert 2.0 <= float(stats["latency_median_h"]) <= 6.0
    assert set(stats["route_share_pct"]) == {"slack", "cli"}


def test_decisions_within_a_minute_show_their_latency_not_a_dash() -> None:
    """Approvals 40 s after the request opened (the demo) have a latency of about 0.011 h, shown as such."""
    from stockgate.domain.learning.report import _decision_rows

    history = _decisions(unchanged_share=1.0)
    history["decided_at"] = history["created_at"] + pd.Timedelta(seconds=40)
    stats = decision_stats(history)
    assert stats["latency_median_h"] == 0.011
    rows = dict(_decision_rows(stats))
    assert rows["latency of people, median (h)"] == "0.011"
    assert dict(_decision_rows({"latency_median_h": None}))["latency of people, median (h)"] == "-"


def test_occasional_promotions_are_proposed_as_events_enabled_for_given_dates() -> None:
    """Promotions edited on some orders only are an event proposal; enabled with dates, only those days scale."""
    from datetime import date

    from stockgate.domain.learning.adjustments import mark_enabled, parse_enabled

    (first, *_) = learn_adjustments(_history(approver_effect="promo"), scope="sku")
    assert not first.recurring and "during such events only" in first.text and first.orders > first.edits
    enabled = parse_enabled({"enabled": [{"id": first.id, "enabled_by": "ana", "from": "2026-11-23",
                                          "until": "2026-11-24"}]})  # fmt: skip
    (on, *_) = [p for p in mark_enabled([first], enabled) if p.enabled]
    assert (on.enabled_by, on.start, on.end) == ("ana", date(2026, 11, 23), date(2026, 11, 24))
    days = pd.Series(pd.date_range("2026-11-22", periods=4))
    forecast = pd.DataFrame({"forecast": [10.0] * 4})
    scaled = apply_adjustments(forecast, [on], scope_values=pd.Series([first.value] * 4), days=days)
    assert scaled["forecast"].tolist() == [10.0, 10.0 * on.factor, 10.0 * on.factor, 10.0]


def test_adjustments_file_entries_need_a_person_and_valid_dates() -> None:
    """An entry without enabled_by, or with a bad date, is refused with the entry's number."""
    from stockgate.domain.learning.adjustments import parse_enabled

    with pytest.raises(ValueError, match=r"entry 1 .* needs an id and enabled_by"):
        parse_enabled({"enabled": [{"id": "adj-sku-x-promotion"}]})
    with pytest.raises(ValueError, match=r"entry 1 .*'soon' is not a date"):
        parse_enabled({"enabled": [{"id": "a", "enabled_by": "ana", "from": "soon"}]})
    with pytest.raises(ValueError, match=r"entry 1 .*factor 'lots' is not a number"):
        parse_enabled({"enabled": [{"id": "a", "enabled_by": "ana", "factor": "lots"}]})
    with pytest.raises(ValueError, match=r"entry 1 .*factor must be above 0"):
        parse_enabled({"enabled": [{"id": "a", "enabled_by": "ana", "factor": 0}]})
    with pytest.raises(ValueError, match=r"must hold a mapping with an 'enabled' list"):
        parse_enabled(["a"])
    assert parse_enabled(None) == {} and parse_enabled({"enabled": []}) == {}


def test_adjust_forecast_changes_nothing_until_enabled_then_only_that_sku() -> None:
    """adjust_forecast returns None with nothing enabled; enabled, it scales that SKU's rows at every location."""
    from dataclasses import replace

    from stockgate.domain.learning.adjustments import adjust_forecast

    (first, *_) = learn_adjustments(_history(approver_effect="promo"), scope="sku")
    rows = pd.DataFrame({"unique_id": [f"S01/{first.value}", "S02/OTHER", f"S02/{first.value}"],
                         "ds": pd.to_datetime(["2026-11-23"] * 3), "forecast": 10.0, "p90": 14.0})  # fmt: skip
    assert adjust_forecast(rows, [first]) is None
    adjusted = adjust_forecast(rows, [replace(first, enabled=True, enabled_by="ana")])
    assert adjusted is not None
    assert adjusted["forecast"].tolist() == [10.0 * first.factor, 10.0, 10.0 * first.factor]
    assert adjusted.loc[1, "p90"] == 14.0


def test_domain_errors_are_stockgate_errors_and_args_keyword_only() -> None:
    """Missing columns raise a ColumnError naming them; measure_lines and line_table take keyword arguments."""
    from stockgate.domain.learning.assemble import line_table, measure_lines
    from stockgate.errors import ColumnError

    lines = _history(approver_effect="inflate", n=5)
    with pytest.raises(ColumnError, match="actual"):
        forecast_value_added(lines.drop(columns=["actual"]))
    empty = pd.DataFrame()
    with pytest.raises(TypeError):
        measure_lines(empty, empty)  # type: ignore[misc]
    with pytest.raises(TypeError):
        line_table(empty, empty)  # type: ignore[misc]
    assert measure_lines(lines=empty, sums=empty)[1] == 0


@pytest.mark.parametrize(
    ("category", "reason", "action"), [("hunch", "x", "edit"), (None, "x", "edit"), ("other", None, "approve")]
)
def test_reason_hints_name_no_command_line_flag(category: str | None, reason: str | None, action: str) -> None:
    """The same errors reach Slack and the Prefect UI: hints say what to choose, not which CLI flag to use."""
    from stockgate.domain.learning.reasons import check_reason_category
    from stockgate.errors import ApprovalError

    with pytest.raises(ApprovalError) as caught:
        check_reason_category(action=action, kind="purchase_order", category=category, reason=reason)
    assert "--" not in str(caught.value) and caught.value.hint


def test_added_and_dropped_lines_are_merged_with_their_own_editors() -> None:
    """Frames: v2 by alice drops SKU2, v3 by bob adds SKU3; proposed 0 for the added line, final 0 for the dropped."""
    from stockgate.domain.learning.assemble import decided_lines

    at = pd.Timestamp("2026-11-02 08:00", tz="UTC")
    request = {"request_id": "r1", "kind": "purchase_order", "status": "approved", "created_at": at,
               "decided_at": at, "total": 10.0, "decided_by": "carol", "gate": "one_approver"}  # fmt: skip
    requests = pd.DataFrame([request])
    base = {"request_id": "r1", "location": "S01", "order_date": None, "delivery_date": None, "window_days": 7,
            "service_class": "AX", "confidence": "high", "warnings": 0, "order_total": 10.0}  # fmt: skip
    rows = [(1, "SKU1", 10), (1, "SKU2", 5), (2, "SKU1", 10), (3, "SKU1", 10), (3, "SKU3", 4)]
    lines = pd.DataFrame([{**base, "version": v, "sku": s, "quantity": q} for v, s, q in rows])
    decisions = pd.DataFrame(
        [("r1", 2, "alice", "edit", "slack", "gone", "data_error", False, at),
         ("r1", 3, "bob", "edit", "cli", "new", "promotion", False, at),
         ("r1", 3, "carol", "approve", "cli", None, None, True, at)],
        columns=["request_id", "version", "actor", "action", "route", "reason", "reason_category", "final", "at"],
    )  # fmt: skip
    out = decided_lines(requests=requests, decisions=decisions, lines=lines).set_index("sku")
    who = ["approver", "reason_category", "proposed_quantity", "final_quantity"]
    assert out.loc["SKU1", who].tolist() == ["carol", "unchanged", 10, 10]
    assert out.loc["SKU2", who].tolist() == ["alice", "data_error", 5, 0]
    assert out.loc["SKU3", who].tolist() == ["bob", "promotion", 0, 4]
