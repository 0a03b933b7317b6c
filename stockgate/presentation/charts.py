"""A PNG chart per purchase-order line for the briefing card, readable on a phone.

800 x 500 px drawn at 200 dpi (a 4 x 2.5 inch figure), so 9-10 pt type is about 25-28 px: still about 11 px when
a phone shrinks the image to the width of a Slack message. Few labels: each panel's legend sits above it (never on
the data), the reorder point and the delivery day are named on their lines, and the dates appear once, at the
bottom.

Top panel: units sold per day (last four weeks) and the forecast with its P10-P90 range; where rare, lumpy sales
put the average above the P90, the band is widened to the average so the line never leaves its range. Bottom
panel: projected end-of-day stock with and without this order (unmet demand is lost, so stock stops at zero) until
a week after the protection window, and the reorder point (demand until delivery at the service level). Both
vertical axes start at zero and span at least one unit, so a line of zeros is not blown up to +-0.04.
Uses matplotlib's Agg backend (no display needed) and closes every figure it opens. matplotlib is imported when the
first chart is drawn, not with this module: the flows import it, and a resumed run draws no chart.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stockgate.domain.replenish.line import PlannedLine

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SIZE_IN = (4.0, 2.5)
DPI = 200
FONT = 9
HISTORY_DAYS = 28
AFTER_WINDOW_DAYS = 7
TITLE_CHARS = 42  # bold 10 pt at 200 dpi: about 17 px a character
_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}


def chart_filename(line: PlannedLine) -> str:
    """A file name safe on every system: ``S01_SKU0001.png``."""
    return chart_file_name(location=line.location, sku=line.sku)


def chart_file_name(*, location: str, sku: str) -> str:
    """The chart file of one SKU at one location, as ``write_plan`` names it."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{location}_{sku}") + ".png"


@functools.cache
def _use_agg() -> None:
    """Select the Agg backend once, before pyplot is first imported here."""
    import matplotlib

    matplotlib.use("Agg")


def _legend_above(ax: Axes) -> None:
    """The panel's legend in one row just above it, so it never covers a line."""
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=3,
        fontsize=FONT - 1,
        frameon=False,
        borderaxespad=0.1,
        handlelength=1.4,
        columnspacing=1.0,
        handletextpad=0.4,
    )


def _y_from_zero(ax: Axes, *series: np.ndarray | float, headroom: float = 1.1) -> None:
    """Start the axis at zero and span at least one unit, with whole-number ticks."""
    from matplotlib.ticker import MaxNLocator

    peak = max((float(np.nanmax(s)) for s in series if np.size(s)), default=0.0)
    ax.set_ylim(0, max(peak, 1.0) * headroom)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True, min_n_ticks=2))


def _demand_panel(ax: Axes, line: PlannedLine, days: pd.DatetimeIndex) -> None:
    history = line.history.iloc[-HISTORY_DAYS:]
    if len(history):
        ax.plot(history.index, history.to_numpy(), color="#555555", lw=1.2, label="sold per day")
    n = len(days)
    mean = np.asarray(line.daily_mean[:n], dtype=float)
    low = np.minimum(np.asarray(line.daily_low[:n], dtype=float), mean)
    high = np.maximum(np.asarray(line.daily_high[:n], dtype=float), mean)
    ax.fill_between(days, low, high, color="#1f77b4", alpha=0.25, lw=0, label="likely range")
    ax.plot(days, mean, color="#1f77b4", lw=2, label="forecast")
    _y_from_zero(ax, history.to_numpy(), high, mean)
    _legend_above(ax)


def _stock_panel(ax: Axes, line: PlannedLine, days: pd.DatetimeIndex) -> None:
    import matplotlib.dates as mdates

    start, demand = line.on_hand - line.backorders, line.daily_mean[: len(days)]
    x, without = _lost_sales_stock(start, demand, line.arrivals(with_order=False), days)
    x_order, with_order = _lost_sales_stock(start, demand, line.arrivals(with_order=True), days)
    ax.plot(x_order, with_order, color="#2ca02c", lw=2.2, label=f"stock with order ({line.quantity:,})")
    ax.plot(x, without, color="#d62728", lw=1.6, ls="--", label="without", zorder=3)
    _y_from_zero(ax, with_order, without, line.reorder_point, headroom=1.25)
    ax.axhline(line.reorder_point, color="#ff7f0e", lw=1.2, ls=":")
    ax.annotate(  # at the left, over the sales history, where this panel has no data
        "reorder point",
        xy=(0.01, line.reorder_point),
        xycoords=("axes fraction", "data"),
        ha="left",
        va="bottom",
        fontsize=FONT - 1,
        color="#b35900",
        bbox=_LABEL_BOX,
    )
    delivery = float(mdates.date2num(pd.Timestamp(line.delivery_date)))
    ax.axvline(delivery, color="#444444", lw=1, ls="-.")
    left_end, right_end = ax.get_xlim()  # both panels are drawn by now (shared axis)
    right = delivery > left_end + 0.4 * (right_end - left_end)  # label on the side with room
    ax.annotate(
        f"delivery {line.delivery_date:%d %b}",
        xy=(delivery, 1),
        xycoords=("data", "axes fraction"),
        xytext=(-3 if right else 3, -2),
        textcoords="offset points",
        ha="right" if right else "left",
        va="top",
        fontsize=FONT - 1,
        bbox=_LABEL_BOX,
    )
    _open_order_label(ax, line, x, without)
    _legend_above(ax)


def _open_order_label(ax: Axes, line: PlannedLine, when: pd.DatetimeIndex, without: np.ndarray) -> None:
    """Name the jump an open order makes on its due day ('+10 on order')."""
    import matplotlib.dates as mdates

    due = pd.Timestamp(line.on_order_due) if line.on_order > 0 and line.on_order_due else None
    if due is None or not when[0] <= due < when[-1]:
        return
    top = max(float(units) for t, units in zip(when, without, strict=True) if t == due)
    ax.annotate(
        f"+{line.on_order:,.0f} on order",
        xy=(float(mdates.date2num(due)), top),
        xytext=(-5, 0),  # left of the top of the jump: the stock before it is lower by the order
        textcoords="offset points",
        ha="right",
        va="top",
        bbox=_LABEL_BOX,
        fontsize=FONT - 1,
        color="#a01b1b",
    )


def _lost_sales_stock(
    start: float, demand: np.ndarray, arrivals: dict[int, float], days: pd.DatetimeIndex
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Stock through each day when unmet demand is lost (never below zero), as a shelf really looks: a delivery is
    a jump at the start of its day, sales a slope to the end of it. Returns the times and the units."""
    inflow = np.zeros(len(demand))
    for day, came_in in arrivals.items():
        if 0 <= day < len(demand):
            inflow[day] += came_in
    stock = max(start, 0.0)
    times, units = [days[0]], [stock]
    for i, (came, sold) in enumerate(zip(inflow, demand, strict=True)):
        if came:
            stock += came
            times.append(days[i])
            units.append(stock)
        stock = max(stock - sold, 0.0)
        times.append(days[i] + pd.Timedelta(days=1))
        units.append(stock)
    return pd.DatetimeIndex(times), np.asarray(units)


def _title(ax: Axes, line: PlannedLine) -> None:
    """'<name> @ <location>: order <n>', the name shortened with an ellipsis to fit one line."""
    tail = f" @ {line.location}: order {line.quantity:,}"
    name, room = line.name or line.sku, max(TITLE_CHARS - len(tail), 8)
    if len(name) > room:
        name = name[: room - 1].rstrip() + "…"
    ax.set_title(name + tail, fontsize=FONT + 1, loc="left", fontweight="bold", pad=16)


def render_line_chart(line: PlannedLine, path: Path) -> Path:
    """Write the chart of one line to ``path`` (PNG, written to a temporary name first) and return the path."""
    _use_agg()
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    n = min(len(line.daily_mean), line.window_days + AFTER_WINDOW_DAYS)
    days = pd.date_range(pd.Timestamp(line.first_day), periods=n, freq="D")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=SIZE_IN, dpi=DPI, sharex=True, height_ratios=(1, 1.25))
    fig.set_layout_engine("constrained", w_pad=0.02, h_pad=0.02, hspace=0.04)  # legends and titles fit, no overlap
    try:
        _demand_panel(top, line, days)
        _stock_panel(bottom, line, days)
        _title(top, line)
        for ax in (top, bottom):
            ax.tick_params(labelsize=FONT - 1, length=2, pad=2)
            ax.grid(alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
        bottom.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        bottom.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=5))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        fig.savefig(tmp, format="png")
        os.replace(tmp, path)
    finally:
        plt.close(fig)
    return path


def render_charts(lines: list[PlannedLine], folder: Path) -> dict[str, Path]:
    """One chart per line in ``folder``; returns the path by ``unique_id``. Lines without a forecast are skipped."""
    return {
        ln.unique_id: render_line_chart(ln, folder / chart_filename(ln)) for ln in lines if np.size(ln.daily_mean) > 0
    }
