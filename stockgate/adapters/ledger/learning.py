"""The ledger's learning-loop tables and reads: forecast snapshots with their actuals, and decided orders.

``save_snapshot`` stores one refresh's daily forecast (and seasonal naive) per SKU, location and day under its
as-of date (a re-run of the same as-of date replaces it); ``record_actuals`` writes actual sales into every
earlier snapshot row of a day that has passed; the ``*_frame`` reads return plain DataFrames for the pure
assembly in ``stockgate.domain.learning.assemble``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, and_, bindparam, delete, distinct, func, insert, select, update

from stockgate.adapters.ledger.models import DecisionRow, ForecastSnapshotRow, PurchaseOrderRow, RequestRow
from stockgate.adapters.ledger.records import now_utc, utc
from stockgate.adapters.ledger.store import CommitStore

SNAPSHOT_COLUMNS = ("as_of", "sku", "location", "day", "forecast", "naive", "model", "actual")
_CHUNK = 5000


def _chunks(records: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(records), _CHUNK):
        yield records[start : start + _CHUNK]


class LearningStore(CommitStore):
    """Forecast snapshots, actuals against them, and the frames the learning report is built from."""

    def save_snapshot(self, rows: pd.DataFrame, *, as_of: date, run_id: str | None = None) -> int:
        """Store ``rows`` (sku, location, day, forecast, naive[, model]) as the snapshot of ``as_of``; rows stored.

        A second snapshot with the same ``as_of`` replaces the first (a re-run of the same day)."""
        at = now_utc()
        records = [
            {
                "as_of": as_of,
                "sku": str(r["sku"]),
                "location": str(r["location"]),
                "day": pd.Timestamp(r["day"]).date(),
                "forecast": float(r["forecast"]),
                "naive": float(r["naive"]),
                "model": None if r.get("model") is None or pd.isna(r.get("model")) else str(r["model"]),
                "run_id": run_id,
                "created_at": at,
            }
            for r in rows.to_dict(orient="records")
        ]
        with self._tx() as session:
            session.execute(delete(ForecastSnapshotRow).where(ForecastSnapshotRow.as_of == as_of))
            for chunk in _chunks(records):
                session.execute(insert(ForecastSnapshotRow), chunk)
        return len(records)

    def snapshot_days_without_actuals(self, *, through: date) -> pd.DataFrame:
        """Distinct (sku, location, day) of snapshot rows up to ``through`` that have no actual yet."""
        query = (
            select(ForecastSnapshotRow.sku, ForecastSnapshotRow.location, ForecastSnapshotRow.day)
            .where(ForecastSnapshotRow.actual.is_(None), ForecastSnapshotRow.day <= through)
            .distinct()
        )
        with self._tx() as session:
            found = session.execute(query).all()
        return pd.DataFrame(found, columns=["sku", "location", "day"])

    def record_actuals(self, actuals: pd.DataFrame) -> int:
        """Write ``actual`` (units; columns sku, location, day, actual) into every snapshot row of that day that
        has none yet; returns the snapshot rows updated."""
        at = now_utc()
        params = [
            {"s": str(r["sku"]), "l": str(r["location"]), "d": pd.Timestamp(r["day"]).date(),
             "a": float(r["actual"]), "t": at}
            for r in actuals.to_dict(orient="records")
        ]  # fmt: skip
        table = cast(Table, ForecastSnapshotRow.__table__)
        statement = (
            update(table)
            .where(
                table.c.sku == bindparam("s"),
                table.c.location == bindparam("l"),
                table.c.day == bindparam("d"),
                table.c.actual.is_(None),
            )
            .values(actual=bindparam("a"), actual_recorded_at=bindparam("t"))
        )
        updated = 0
        with self._tx() as session:
            connection = session.connection()
            for chunk in _chunks(params):
                result = connection.execute(statement, chunk)
                updated += int(result.rowcount or 0)
        return updated

    def snapshot_frame(self, *, since: date | None = None) -> pd.DataFrame:
        """Snapshot rows (``SNAPSHOT_COLUMNS``) whose day is on or after ``since``; ``actual`` NaN until known."""
        t = ForecastSnapshotRow
        query = select(t.as_of, t.sku, t.location, t.day, t.forecast, t.naive, t.model, t.actual)
        if since is not None:
            query = query.where(t.day >= since)
        with self._tx() as session:
            rows = session.execute(query).all()
        frame = pd.DataFrame(rows, columns=list(SNAPSHOT_COLUMNS))
        for column in ("as_of", "day"):
            frame[column] = pd.to_datetime(frame[column])
        for column in ("forecast", "naive", "actual"):
            frame[column] = frame[column].astype(float)
        return frame

    def window_sums(self, windows: pd.DataFrame, *, through: date | None = None) -> pd.DataFrame:
        """Per wanted series and window (``sku, location, start, end``), aggregated in SQL from the snapshot with
        the latest as-of date before ``start``: ``WINDOW_SUM_COLUMNS`` (days up to ``through`` only).

        Reads only the rows the learning report needs: one query per distinct window, for its SKUs."""
        from stockgate.domain.learning.assemble import WINDOW_SUM_COLUMNS

        out: list[Any] = []
        with self._tx() as session:
            for (start, end), group in windows.groupby(["start", "end"], sort=True):
                begins, ends = pd.Timestamp(str(start)), pd.Timestamp(str(end))
                first, last = begins.date(), ends.date()
                if through is not None:
                    last = min(last, through)
                skus = sorted(set(group["sku"].astype(str)))
                for chunk in (skus[i : i + 500] for i in range(0, len(skus), 500)):
                    rows = session.execute(_window_query(first, last, chunk)).all()
                    out.extend((sku, loc, begins, ends, *rest) for sku, loc, *rest in rows)
        frame = pd.DataFrame(out, columns=list(WINDOW_SUM_COLUMNS))
        if frame.empty:
            return frame
        wanted = windows.assign(start=pd.to_datetime(windows["start"]), end=pd.to_datetime(windows["end"]))
        frame = frame.merge(wanted[["sku", "location", "start", "end"]], on=["sku", "location", "start", "end"])
        frame["as_of"] = pd.to_datetime(frame["as_of"])
        for column in ("days", "known"):
            frame[column] = frame[column].astype(int)
        for column in ("machine_forecast", "naive_forecast", "actual"):
            frame[column] = frame[column].astype(float)
        return frame

    def snapshot_dates(self) -> list[date]:
        """As-of dates of the stored snapshots, oldest first."""
        t = ForecastSnapshotRow
        with self._tx() as session:
            return list(session.scalars(select(t.as_of).group_by(t.as_of).order_by(t.as_of)))

    def snapshot_count(self, *, with_actuals: bool = False) -> int:
        """Number of snapshot rows (only those with an actual when ``with_actuals``)."""
        query = select(func.count()).select_from(ForecastSnapshotRow)
        if with_actuals:
            query = query.where(ForecastSnapshotRow.actual.is_not(None))
        with self._tx() as session:
            return int(session.scalar(query) or 0)

    def requests_frame(self, *, since: datetime | None = None) -> pd.DataFrame:
        """Closed and open requests created since ``since``: id, kind, status, times, total, decided_by."""
        t = RequestRow
        query = select(t.id, t.kind, t.status, t.created_at, t.decided_at, t.total, t.decided_by, t.route)
        if since is not None:
            query = query.where(t.created_at >= utc(since))
        with self._tx() as session:
            rows = session.execute(query).all()
        frame = pd.DataFrame(
            rows, columns=["request_id", "kind", "status", "created_at", "decided_at", "total", "decided_by", "gate"]
        )
        for column in ("created_at", "decided_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        frame["total"] = frame["total"].astype(float)
        return frame

    def decisions_frame(self, *, request_ids: list[str]) -> pd.DataFrame:
        """Every decision on these requests: request_id, version, actor, action, route, reason, category, at."""
        t = DecisionRow
        columns = ["request_id", "version", "actor", "action", "route", "reason", "reason_category", "final", "at"]
        rows: list[Any] = []
        with self._tx() as session:
            for chunk in (request_ids[i : i + 500] for i in range(0, len(request_ids), 500)):
                query = select(t.request_id, t.version, t.actor, t.action, t.route, t.reason, t.reason_category,
                               t.final, t.created_at).where(t.request_id.in_(chunk)).order_by(t.id)  # fmt: skip
                rows.extend(session.execute(query).all())
        frame = pd.DataFrame(rows, columns=columns)
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        return frame

    def order_lines_frame(self, *, request_ids: list[str]) -> pd.DataFrame:
        """Lines of every version of these purchase orders, from the stored drafts: request_id, version, sku,
        location, quantity, order_date, delivery_date, window_days, service_class, confidence, warnings and
        order_total (the version's total cost)."""
        t = PurchaseOrderRow
        out: list[dict[str, Any]] = []
        with self._tx() as session:
            for chunk in (request_ids[i : i + 500] for i in range(0, len(request_ids), 500)):
                query = select(t.request_id, t.version, t.order_date, t.delivery_date, t.payload).where(
                    t.request_id.in_(chunk)
                )
                for request_id, version, order_date, delivery_date, payload in session.execute(query):
                    out.extend(_payload_lines(request_id, version, order_date, delivery_date, payload))
        columns = ["request_id", "version", "sku", "location", "quantity", "order_date", "delivery_date",
                   "window_days", "service_class", "confidence", "warnings", "order_total"]  # fmt: skip
        return pd.DataFrame(out, columns=columns)


def _window_query(first: date, last: date, skus: list[str]) -> Any:
    """Sums over days ``first``..``last`` of each series' latest snapshot taken before ``first``."""
    t = ForecastSnapshotRow
    wanted = and_(t.day >= first, t.day <= last, t.as_of < first, t.sku.in_(skus))
    latest = select(t.sku, t.location, func.max(t.as_of).label("as_of")).where(wanted).group_by(t.sku, t.location)
    latest_sq = latest.subquery()
    sums = (func.count(distinct(t.day)), func.count(t.actual), func.sum(t.forecast), func.sum(t.naive),
            func.coalesce(func.sum(t.actual), 0.0))  # fmt: skip
    same = and_(t.sku == latest_sq.c.sku, t.location == latest_sq.c.location, t.as_of == latest_sq.c.as_of)
    return (
        select(t.sku, t.location, t.as_of, *sums)
        .join(latest_sq, same)
        .where(t.day >= first, t.day <= last, t.sku.in_(skus))
        .group_by(t.sku, t.location, t.as_of)
    )


def _payload_lines(
    request_id: str, version: int, order_date: date | None, delivery_date: date | None, payload: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    warnings = len(payload.get("warnings") or [])
    total = float(
        payload.get("total_cost") or sum(float(ln.get("line_cost") or 0) for ln in payload.get("lines") or [])
    )
    for line in payload.get("lines") or []:
        facts = line.get("facts") or {}
        yield {
            "request_id": request_id,
            "version": version,
            "sku": str(line["sku"]),
            "location": str(line["location"]),
            "quantity": int(line["quantity"]),
            "order_date": order_date,
            "delivery_date": delivery_date,
            "window_days": facts.get("window_days"),
            "service_class": facts.get("service_class"),
            "confidence": payload.get("confidence", "medium"),
            "warnings": warnings,
            "order_total": total,
        }
