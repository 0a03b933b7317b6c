"""Write a plan to a folder: ``purchase_orders.json``, ``purchase_order_lines.csv`` and ``charts/*.png``.

Files are written to a temporary name and renamed, so a failed run never leaves half a file behind. Charts an
earlier plan left in ``charts/`` are removed first (only the ``<location>_<sku>.png`` files the writer names), so the
folder never shows a chart of a line this plan does not have.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from stockgate.domain.drafts import PurchaseOrder
from stockgate.domain.replenish.planner import Plan
from stockgate.presentation.charts import chart_filename, render_charts

ORDERS_FILE = "purchase_orders.json"
LINES_FILE = "purchase_order_lines.csv"
CHARTS_DIR = "charts"
_OWNED_CHART = re.compile(r"[\w-]+_[\w-]+\.png(\.tmp)?")  # chart_filename: <location>_<sku>.png (and its .tmp)
LINE_COLUMNS = (
    "po_id",
    "supplier",
    "supplier_name",
    "order_date",
    "delivery_date",
    "currency",
    "sku",
    "location",
    "name",
    "quantity",
    "pack_size",
    "moq",
    "unit_cost",
    "line_cost",
    "confidence",
    "flags",
    "reasons",
    "chart",
)


def order_lines_frame(orders: Sequence[PurchaseOrder], *, charts: dict[str, str] | None = None) -> pd.DataFrame:
    """All lines flat with their order's id and supplier; flags joined by ';', reasons by ' | '."""
    rows = []
    for order in orders:
        for line in order.lines:
            uid = str(line.facts.get("unique_id", ""))
            rows.append(
                {
                    "po_id": order.po_id,
                    "supplier": order.supplier,
                    "supplier_name": order.supplier_name,
                    "order_date": order.order_date.isoformat() if order.order_date else "",
                    "delivery_date": order.delivery_date.isoformat() if order.delivery_date else "",
                    "currency": order.currency,
                    **line.model_dump(include={"sku", "location", "name", "quantity", "pack_size", "moq"}),
                    "unit_cost": line.unit_cost,
                    "line_cost": line.line_cost,
                    "confidence": line.confidence,
                    "flags": ";".join(line.flags),
                    "reasons": " | ".join(line.reasons),
                    "chart": (charts or {}).get(uid, ""),
                }
            )
    return pd.DataFrame(rows, columns=list(LINE_COLUMNS))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def clear_charts(folder: Path) -> list[Path]:
    """Remove the chart files a plan writer left in ``folder`` (nothing else); returns what was removed."""
    if not folder.is_dir():
        return []
    stale = [p for p in folder.iterdir() if p.is_file() and _OWNED_CHART.fullmatch(p.name)]
    for path in stale:
        path.unlink()
    return stale


def write_plan(plan: Plan, out_dir: Path, *, charts: bool = True) -> dict[str, Path]:
    """Write the orders, the flat lines and (optionally) one chart per line; returns the paths by kind."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chart_paths: dict[str, str] = {}
    clear_charts(out_dir / CHARTS_DIR)
    if charts:
        rendered = render_charts(plan.lines, out_dir / CHARTS_DIR)
        chart_paths = {uid: f"{CHARTS_DIR}/{p.name}" for uid, p in rendered.items()}
    orders = [order.to_json_dict() for order in plan.orders]
    _atomic_write(out_dir / ORDERS_FILE, json.dumps(orders, indent=2, ensure_ascii=False) + "\n")
    _atomic_write(out_dir / LINES_FILE, order_lines_frame(plan.orders, charts=chart_paths).to_csv(index=False))
    written = {"orders": out_dir / ORDERS_FILE, "lines": out_dir / LINES_FILE}
    if charts:
        written["charts"] = out_dir / CHARTS_DIR
    return written


__all__ = [
    "CHARTS_DIR",
    "LINES_FILE",
    "ORDERS_FILE",
    "chart_filename",
    "clear_charts",
    "order_lines_frame",
    "write_plan",
]
