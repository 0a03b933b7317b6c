"""A PNG chart per purchase-order line for the briefing card, readable on a phone (800 x 500 px, large type).

Top panel: units sold per day (last four weeks) and the forecast with its P10-P90 range. Bottom panel: projected
end-of-day stock with and without this order (unmet demand is lost, so stock stops at zero) until a week after
the protection window, and the reorder point (demand until delivery at the service level).
Uses matplotlib's Agg backend (no display needed) and closes every figure it opens.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from stockgate.domain.replenish.line import PlannedLine

SIZE_IN = (8.0, 5.0)
DPI = 100
FONT = 13
HISTORY_DAYS = 28
AFTER_WINDOW_DAYS = 7


def chart_filename(line: PlannedLine) -> str:
    """A file name safe on every system: ``S01_SKU0001.png``."""
    return chart_file_name(location=line.location, sku=line.sku)


def chart_file_name(*, location: str, sku: str) -> str:
    """The chart file of one SKU at one location, as ``write_plan`` names it."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{location}_{sku}") + ".png"


def _demand_panel(ax: Axes, line: PlannedLine, days: pd.DatetimeIndex) -> None:
    history = line.history.iloc[-HISTORY_DAYS:]
    if len(history):
        ax.plot(history.index, history.to_numpy(), color="#555555", lw=1.5, label="sold")
    n = len(days)
    ax.fill_between(days, line.daily_low[:n], line.daily_high[:n], color="#1f77b4", alpha=0.2, label="likely range")
    ax.plot(days, line.daily_mean[:n], color="#1f77b4", lw=2.5, label="forecast")
    ax.set_ylabel("units/day", fontsize=FONT)
    ax.legend(loc="upper left", fontsize=FONT - 2, frameon=False, ncol=3)


def _stock_panel(ax: Axes, line: PlannedLine, days: pd.DatetimeIndex) -> None:
    start, demand = line.on_hand - line.backorders, line.daily_mean[: len(days)]
    without = _lost_sales_stock(start, demand, line.arrivals(with_order=False))
    with_order = _lost_sales_stock(start, demand, line.arrivals(with_order=True))
    ax.plot(days, with_order, color="#2ca02c", lw=3, label=f"with order ({line.quantity:,})")
    ax.plot(days, without, color="#d62728", lw=2.5, ls="--", label="without")
    ax.axhline(line.reorder_point, color="#ff7f0e", lw=2, ls=":", label="reorder point")
    ax.axhline(0, color="black", lw=1)
    ax.axvline(float(mdates.date2num(pd.Timestamp(line.delivery_date))), color="#7f7f7f", lw=1.5, ls="-.")
    ax.set_ylabel("units in stock", fontsize=FONT)
    ax.legend(loc="best", fontsize=FONT - 2, frameon=True, framealpha=0.8)


def _lost_sales_stock(start: float, demand: np.ndarray, arrivals: dict[int, float]) -> np.ndarray:
    """End-of-day stock when unmet demand is lost (never below zero), as a shelf really looks."""
    inflow = np.zeros(len(demand))
    for day, units in arrivals.items():
        if 0 <= day < len(demand):
            inflow[day] += units
    stock, out = max(start, 0.0), np.zeros(len(demand))
    for i, (came, sold) in enumerate(zip(inflow, demand, strict=True)):
        stock = max(stock + came - sold, 0.0)
        out[i] = stock
    return out


def render_line_chart(line: PlannedLine, path: Path) -> Path:
    """Write the chart of one line to ``path`` (PNG) and return the path."""
    n = min(len(line.daily_mean), line.window_days + AFTER_WINDOW_DAYS)
    days = pd.date_range(pd.Timestamp(line.first_day), periods=n, freq="D")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=SIZE_IN, dpi=DPI, sharex=True, height_ratios=(1, 1.3))
    try:
        _demand_panel(top, line, days)
        _stock_panel(bottom, line, days)
        title = f"{line.name or line.sku} @ {line.location}: order {line.quantity:,}"
        top.set_title(title, fontsize=FONT + 2, loc="left", fontweight="bold")
        for ax in (top, bottom):
            ax.tick_params(labelsize=FONT - 2)
            ax.grid(alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
        bottom.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        bottom.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
    return path


def render_charts(lines: list[PlannedLine], folder: Path) -> dict[str, Path]:
    """One chart per line in ``folder``; returns the path by ``unique_id``. Lines without a forecast are skipped."""
    return {
        ln.unique_id: render_line_chart(ln, folder / chart_filename(ln)) for ln in lines if np.size(ln.daily_mean) > 0
    }
