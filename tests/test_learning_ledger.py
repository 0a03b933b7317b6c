"""The learning loop assembled from a real ledger (SQLite; Postgres with STOCKGATE_TEST_POSTGRES_URL)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import Policy
from stockgate.errors import ApprovalError
from stockgate.services.decisions import decide, open_request
from stockgate.services.learning import learning_report, record_refresh
from tests.learning_fixtures import seed_history
from tests.ledger_fixtures import _pg_template, ledger, ledger_url, make_po, migrated_url, policy  # noqa: F401

START = date(2026, 9, 7)


def test_report_from_ledger_gives_the_known_answers(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """Inflating edits (alice, gut feeling) lose accuracy and over-forecast; promotion edits (bob) gain."""
    history = seed_history(ledger, policy, start=START, weeks=6)
    report = learning_report(ledger, as_of=history.end + timedelta(days=1), weeks=8)
    assert report.measured_lines == 6 * 4 and report.pending_lines == 0
    by_approver = report.fva["approver"]
    assert by_approver.loc["alice", "human_vs_machine_pp"] < -5
    assert by_approver.loc["alice", "human_bias"] > by_approver.loc["alice", "machine_bias"] + 10
    assert report.verdicts["approver"].loc["bob", "verdict"] == "helped"
    assert report.verdicts["approver"].loc["alice", "verdict"] == "hurt"
    by_reason = report.fva["reason_category"]
    assert by_reason.loc["promotion", "human_vs_machine_pp"] > 5
    assert by_reason.loc["gut_feeling", "human_vs_machine_pp"] < 0
    assert by_reason.loc["unchanged", "human_vs_machine_pp"] == pytest.approx(0.0)
    assert set(report.fva["sku_class"].index) == {"A", "B"}
    decisions = report.decisions
    assert decisions["requests"] == 12 and decisions["expired"] == 0
    assert decisions["outcomes"]["edited"] == history.edited_orders > 6  # alice edits every week, bob some
    assert set(decisions["route_share_pct"]) == {"cli"}  # the closing approvals
    assert all(a.reason_category == "promotion" and 1.3 < a.factor < 1.7 for a in report.adjustments)
    assert not any(a.enabled for a in report.adjustments)
    assert any("Edits by alice hurt" in f for f in report.findings())


def test_lines_wait_until_their_window_has_actuals(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """Before the window has passed nothing is measured; the lines are reported as pending."""
    history = seed_history(ledger, policy, start=START, weeks=2)
    report = learning_report(ledger, as_of=history.start + timedelta(days=3), weeks=4)
    assert report.measured_lines == 0 and report.pending_lines == 4
    assert "No order line can be measured yet" in report.findings()[-1]


def test_refresh_records_actuals_and_replaces_a_rerun(ledger: Ledger) -> None:  # noqa: F811
    """Actuals go into earlier snapshots only for days that passed; a re-run of the same as-of replaces it."""
    days = pd.date_range("2026-10-01", "2026-10-14", freq="D")
    sales = pd.DataFrame({"unique_id": "S01/SKU1", "ds": days, "y": range(14)}).astype({"y": float})
    forecast = pd.DataFrame({"unique_id": "S01/SKU1", "ds": pd.date_range("2026-10-08", periods=7), "forecast": 5.0})
    first = record_refresh(ledger, forecasts=forecast, history=sales[sales["ds"] <= "2026-10-07"])
    assert (first.as_of, first.snapshot_rows, first.actual_rows) == (date(2026, 10, 7), 7, 0)
    again = record_refresh(ledger, forecasts=forecast, history=sales[sales["ds"] <= "2026-10-07"])
    assert again.snapshot_rows == 7 and ledger.snapshot_count() == 7
    later = forecast.assign(ds=pd.date_range("2026-10-11", periods=7))
    second = record_refresh(ledger, forecasts=later, history=sales[sales["ds"] <= "2026-10-10"])
    assert second.actual_rows == 3  # 8, 9 and 10 October of the first snapshot
    frame = ledger.snapshot_frame()
    known = frame.dropna(subset=["actual"]).sort_values("day")
    assert known["actual"].tolist() == [7.0, 8.0, 9.0]
    first_naive = frame[(frame["as_of"] == "2026-10-07")].sort_values("day")["naive"].tolist()
    assert first_naive == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # the week before, repeated


def test_reason_category_is_validated_and_stored(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """A purchase-order edit needs a known category; 'other' needs text; the category lands on the decision."""
    request = open_request(ledger, policy, draft=make_po(), started_by="bob")
    edit = {"quantities": {"SKU0001@S01": 12}}
    with pytest.raises(ApprovalError, match="needs a reason category"):
        decide(ledger, policy, request_id=request.id, expected_version=1, actor="alice", action="edit",
               reason="fewer", edit=edit, route="cli")  # fmt: skip
    with pytest.raises(ApprovalError, match="Unknown reason category 'hunch'"):
        decide(ledger, policy, request_id=request.id, expected_version=1, actor="alice", action="edit",
               reason="fewer", edit=edit, route="cli", reason_category="hunch")  # fmt: skip
    with pytest.raises(ApprovalError, match="'other' needs a sentence"):
        decide(ledger, policy, request_id=request.id, expected_version=1, actor="alice", action="approve",
               route="cli", reason_category="other")  # fmt: skip
    assert ledger.get(request.id).version == 1 and ledger.decisions(request.id) == []
    decide(ledger, policy, request_id=request.id, expected_version=1, actor="alice", action="edit", reason="fewer",
           edit={**edit, "reason_category": "Supplier-Issue"}, route="slack")  # fmt: skip
    (recorded,) = ledger.decisions(request.id)
    assert recorded.reason_category == "supplier_issue"
    edited = next(e for e in ledger.audit_trail(request.id) if e.event == "edited")
    assert edited.changes["reason_category"] == "supplier_issue"


def test_rejections_are_counted_by_reason_category(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """A rejection may carry a category; the report counts rejections by it."""
    request = open_request(ledger, policy, draft=make_po(), started_by="bob")
    decide(ledger, policy, request_id=request.id, expected_version=1, actor="alice", action="reject",
           reason="supplier cannot deliver", route="cli", reason_category="supplier_issue")  # fmt: skip
    report = learning_report(ledger, weeks=1)
    assert report.decisions["rejections_by_reason"] == {"supplier_issue": 1}
    assert report.to_dict()["decisions"]["outcomes"] == {"rejected": 1}


def test_migration_0002_upgrades_an_existing_0001_ledger(ledger_url: str) -> None:  # noqa: F811
    """A ledger at 0001 with a decision in it upgrades to 0002: the decision survives, its category is empty."""
    from sqlalchemy import inspect, text

    from stockgate.adapters.ledger.engine import downgrade, make_engine, upgrade

    engine = make_engine(ledger_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO approval_requests (id, kind, subject, subject_name, draft_id, status, version, revision, "
            "route, rule, required_approvals, approvers, editors, approvals, total, currency, categories, created_at, "
            "remind_at, escalate_to) VALUES ('AR-old', 'purchase_order', 'SUP01', '', 'PO-1', 'rejected', 1, 2, "
            "'one_approver', 'default', 1, '[]', '[]', '[]', 10, 'EUR', '[]', '2026-01-05 08:00:00', '[]', '[]')"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO decisions (request_id, version, actor, action, route, reason, final, created_at) "
            "VALUES ('AR-old', 1, 'alice', 'reject', 'cli', 'too much', true, '2026-01-05 09:00:00')"
        ))  # fmt: skip
    assert "forecast_snapshots" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "forecast_snapshots" in inspect(engine).get_table_names()
    engine.dispose()
    instance = Ledger(ledger_url)
    (old,) = instance.decisions("AR-old")
    assert (old.reason, old.reason_category) == ("too much", None)
    instance.close()
    engine = make_engine(ledger_url)
    downgrade(engine, "0001")
    assert "forecast_snapshots" not in inspect(engine).get_table_names()
    assert "reason_category" not in {c["name"] for c in inspect(engine).get_columns("decisions")}
    engine.dispose()


def test_assembly_of_dropped_lines_and_expired_requests(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """A dropped line counts as final 0 by its editor; an expired request is an expiry, not a route's decision."""
    from datetime import UTC, datetime

    from stockgate.domain.learning.assemble import decided_lines, decision_history

    at = datetime(2026, 11, 2, 8, tzinfo=UTC)
    kept = open_request(ledger, policy, draft=make_po(), started_by="bob", now=at)
    decide(ledger, policy, request_id=kept.id, expected_version=1, actor="alice", action="edit", reason="slow",
           edit={"drop": ["SKU0002@S01"]}, route="slack", reason_category="data_error", now=at)  # fmt: skip
    decide(ledger, policy, request_id=kept.id, expected_version=2, actor="carol", action="approve", route="cli",
           now=at)  # fmt: skip
    late = open_request(ledger, policy, draft=make_po(supplier="SUP02"), started_by="bob", now=at)
    assert ledger.expire(late.id, now=at + timedelta(days=3))
    requests = ledger.requests_frame()
    ids = requests["request_id"].tolist()
    decisions, lines = ledger.decisions_frame(request_ids=ids), ledger.order_lines_frame(request_ids=ids)
    rows = decided_lines(requests=requests, decisions=decisions, lines=lines).set_index("sku")
    assert rows.loc["SKU0002", ["proposed_quantity", "final_quantity"]].tolist() == [12, 0]
    assert rows.loc["SKU0002", ["approver", "reason_category", "route"]].tolist() == ["alice", "data_error", "slack"]
    assert rows.loc["SKU0001", ["approver", "reason_category", "route"]].tolist() == ["carol", "unchanged", "cli"]
    history = decision_history(requests=requests, decisions=decisions, lines=lines).set_index("request_id")
    assert history.loc[kept.id, "outcome"] == "edited" and history.loc[late.id, "outcome"] == "expired"
    stats = learning_report(ledger, as_of=date(2026, 11, 6), weeks=1).decisions
    assert stats["expired"] == 1 and stats["route_share_pct"] == {"cli": 100.0}


def test_auto_approval_is_suggested_from_ledger_decisions(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """25 small high-confidence orders approved unchanged by people give one suggestion with its evidence."""
    from datetime import UTC, datetime

    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    for i in range(25):
        at = start + timedelta(days=2 * i)
        request = open_request(
            ledger, policy, draft=make_po(supplier=f"SUP{i:02d}", confidence="high"), started_by="bob", now=at
        )
        decide(ledger, policy, request_id=request.id, expected_version=1, actor="alice", action="approve",
               route="slack", now=at + timedelta(hours=1))  # fmt: skip
    report = learning_report(ledger, as_of=date(2026, 10, 31), weeks=9)
    (suggestion,) = report.suggestions
    assert suggestion.rule == {"kind": "purchase_order", "max_total": 100.0, "confidence": "high", "max_warnings": 0}
    assert "approved unchanged 100 % of the time over 7 weeks" in suggestion.text
    assert "saved 25 decisions" in suggestion.text
    assert report.decisions["route_share_pct"] == {"slack": 100.0} and report.decisions["latency_median_h"] == 1.0


def test_each_changed_line_belongs_to_the_edit_that_changed_it(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """alice edits SKU0001 (promotion), bob SKU0002 (supplier issue), then a version adds SKU0009: each line keeps
    its own editor, route and category; the added line has proposed 0; the untouched line is carol's, unchanged."""
    from datetime import UTC, datetime

    from stockgate.domain.approvals.transitions import next_state
    from stockgate.domain.drafts import POLine, PurchaseOrder
    from stockgate.domain.learning.assemble import decided_lines

    at = datetime(2026, 11, 2, 8, tzinfo=UTC)
    request = open_request(ledger, policy, draft=make_po(quantities=(24, 12, 12)), started_by="scheduler", now=at)
    decide(ledger, policy, request_id=request.id, expected_version=1, actor="alice", action="edit", reason="promo",
           edit={"quantities": {"SKU0001@S01": 36}}, route="slack", reason_category="promotion", now=at)  # fmt: skip
    decide(ledger, policy, request_id=request.id, expected_version=2, actor="bob", action="edit", reason="short",
           edit={"quantities": {"SKU0002@S01": 24}}, route="cli", reason_category="supplier_issue", now=at)  # fmt: skip
    current = ledger.get(request.id)
    po = ledger.draft(request.id, current.version)
    assert isinstance(po, PurchaseOrder)
    added = POLine(sku="SKU0009", location="S01", quantity=12, pack_size=6, moq=12, unit_cost=2.5, line_cost=30.0)
    assert ledger.apply_decision(
        current, next_state(current, actor="bob", action="edit"), actor="bob", action="edit", route="prefect-ui",
        reason="new line", new_draft=po.model_copy(update={"lines": [*po.lines, added]}), changes={}, now=at,
        reason_category="data_error",
    )  # fmt: skip
    decide(ledger, policy, request_id=request.id, expected_version=4, actor="carol", action="approve", route="cli",
           now=at)  # fmt: skip
    requests = ledger.requests_frame()
    ids = requests["request_id"].tolist()
    decisions, lines = ledger.decisions_frame(request_ids=ids), ledger.order_lines_frame(request_ids=ids)
    rows = decided_lines(requests=requests, decisions=decisions, lines=lines).set_index("sku")
    who = ["approver", "route", "reason_category", "proposed_quantity", "final_quantity"]
    assert rows.loc["SKU0001", who].tolist() == ["alice", "slack", "promotion", 24, 36]
    assert rows.loc["SKU0002", who].tolist() == ["bob", "cli", "supplier_issue", 12, 24]
    assert rows.loc["SKU0009", who].tolist() == ["bob", "prefect-ui", "data_error", 0, 12]
    assert rows.loc["SKU0003", who].tolist() == ["carol", "cli", "unchanged", 12, 12]
    assert len(rows) == 4


def test_superseded_copy_is_its_own_outcome_not_an_expiry(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """A copy request withdrawn by a newer draft is 'superseded'; only the timeout counts as 'expired'."""
    from datetime import UTC, datetime

    from stockgate.domain.drafts import CopyDraft
    from stockgate.services.supersede import supersede_pending

    at = datetime(2026, 11, 2, 8, tzinfo=UTC)

    def copy(text: str, as_of: str) -> CopyDraft:
        return CopyDraft.model_validate({"draft_id": f"copy-SKU1-social-{as_of}", "sku": "SKU1", "channel": "social",
                                         "text": text, "facts": {"as_of": as_of}, "status": "ready"})  # fmt: skip

    old = open_request(ledger, policy, draft=copy("Oat milk is back.", "2026-11-01"), started_by="erin",
                       flow_run_id="run-a", now=at)  # fmt: skip
    done = supersede_pending(ledger, policy, drafts=[copy("Oat milk is back on our shelves.", "2026-11-02")],
                             started_by="erin", flow_run_id="run-b", now=at + timedelta(hours=1))  # fmt: skip
    assert [d.old_request for d in done] == [old.id]
    late = open_request(ledger, policy, draft=make_po(supplier="SUP02"), started_by="bob", now=at)
    assert ledger.expire(late.id, now=at + timedelta(days=3))
    stats = learning_report(ledger, as_of=date(2026, 11, 6), weeks=1).decisions
    assert stats["outcomes"] == {"superseded": 1, "expired": 1}
    assert stats["expired"] == 1 and stats["superseded"] == 1


def test_a_late_store_feed_gets_its_actuals_when_it_arrives(ledger: Ledger) -> None:  # noqa: F811
    """S02's sales stop two days before S01's: those days stay without an actual (not 0) until S02's rows come."""
    days = pd.date_range("2026-10-01", "2026-10-12", freq="D")
    sales = pd.concat(
        [pd.DataFrame({"unique_id": f"{loc}/SKU1", "ds": days, "y": 5.0}) for loc in ("S01", "S02")], ignore_index=True
    )
    forecast = pd.DataFrame(
        {"unique_id": [f"{loc}/SKU1" for loc in ("S01", "S02") for _ in range(5)],
         "ds": list(pd.date_range("2026-10-08", periods=5)) * 2, "forecast": 5.0}
    )  # fmt: skip
    record_refresh(ledger, forecasts=forecast, history=sales[sales["ds"] <= "2026-10-07"])
    late = sales[(sales["ds"] <= "2026-10-10") & ~((sales["unique_id"] == "S02/SKU1") & (sales["ds"] > "2026-10-08"))]
    later = forecast.assign(ds=forecast["ds"] + pd.Timedelta(days=3))
    first = record_refresh(ledger, forecasts=later, history=late)
    assert first.actual_rows == 3 + 1  # S01: 8, 9, 10 October; S02: only 8 October has arrived

    def s02_actuals() -> list[float]:
        frame = ledger.snapshot_frame()
        rows = frame[(frame["as_of"] == "2026-10-07") & (frame["location"] == "S02")].sort_values("day")
        return rows["actual"].fillna(-1.0).tolist()[:3]

    assert s02_actuals() == [5.0, -1.0, -1.0]  # not arrived yet: no actual, rather than a permanent 0
    caught_up = record_refresh(ledger, forecasts=later, history=sales[sales["ds"] <= "2026-10-10"])
    assert caught_up.actual_rows == 2 and s02_actuals() == [5.0, 5.0, 5.0]


def test_window_sums_read_only_the_needed_series_and_days(ledger: Ledger) -> None:  # noqa: F811
    """The ledger's SQL sums equal the pandas sums over all snapshot rows, and cover only the wanted windows."""
    from stockgate.domain.learning.assemble import window_sums

    days = pd.date_range("2026-10-01", "2026-10-20", freq="D")
    ids = [f"S0{i}/SKU{j}" for i in (1, 2) for j in (1, 2, 3)]
    sales = pd.DataFrame([{"unique_id": u, "ds": d, "y": float(d.day + k)} for k, u in enumerate(ids) for d in days])
    for as_of in pd.date_range("2026-10-03", "2026-10-09"):
        ahead = pd.date_range(as_of + pd.Timedelta(days=1), periods=10)
        forecast = pd.DataFrame([{"unique_id": u, "ds": d, "forecast": float(d.day) + as_of.day} for u in ids
                                 for d in ahead])  # fmt: skip
        record_refresh(ledger, forecasts=forecast, history=sales[sales["ds"] <= as_of])
    windows = pd.DataFrame({"sku": ["SKU1", "SKU2", "SKU1"], "location": ["S01", "S02", "S01"],
                            "start": pd.to_datetime(["2026-10-08", "2026-10-06", "2026-10-10"]),
                            "end": pd.to_datetime(["2026-10-11", "2026-10-09", "2026-10-12"])})  # fmt: skip
    key = ["sku", "location", "start"]
    got = ledger.window_sums(windows).sort_values(key).reset_index(drop=True)
    expected = window_sums(windows=windows, snapshots=ledger.snapshot_frame()).sort_values(key).reset_index(drop=True)
    assert len(got) == 3 and set(zip(got["sku"], got["location"], strict=True)) == {("SKU1", "S01"), ("SKU2", "S02")}
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["as_of"].tolist() == list(pd.to_datetime(["2026-10-07", "2026-10-09", "2026-10-05"]))
