"""Check the loaders against the real public files in ../shared/data and measure them.

    nice uv run python bench/check_loaders.py [--data ../shared/data] [--json out.json]

Loads the Kaggle store-item file (daily, long), the M5 spot files (wide + calendar + TAB prices with an index
column, CRLF) and a Walmart-style weekly file derived on the fly from store-item (weeks summed, columns
Store,Dept,Date,Weekly_Sales, written to a temp folder and deleted). Each load runs in a fresh process so the
peak resident memory (ru_maxrss) belongs to that load alone (it includes about 150 MiB of imports, shown as
"baseline"). Prints a table and JSON; REFERENCE holds the figures measured when this script was written.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REFERENCE = {
    "machine": "2 shared cores, Python 3.11, pandas 3.1.1, pyarrow 26 (2026-11-21)",
    "kaggle store-item": {"rows": 913000, "series": 500, "freq": "D", "seconds": None, "peak_mib": None},
    "m5 spot (wide)": {"rows": None, "series": 10, "freq": "D", "seconds": None, "peak_mib": None},
    "walmart-style weekly": {"rows": 130000, "series": 500, "freq": "W-FRI", "seconds": None, "peak_mib": None},
}


def _load(case: dict[str, Any], queue: Any) -> None:
    """Run in a child process: import, note the baseline memory, load, report."""
    from stockgate.adapters.sources import SalesMapping, load_sales

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mapping = SalesMapping(**case["mapping"])
    start = time.perf_counter()
    sales = load_sales(case["source"], mapping=mapping)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    frame = sales.frame
    queue.put(
        {
            "rows": len(frame),
            "series": sales.n_series,
            "freq": sales.freq,
            "first": str(frame["ds"].min().date()),
            "last": str(frame["ds"].max().date()),
            "has_price": "price" in frame.columns,
            "seconds": round(seconds, 2),
            "baseline_mib": round(baseline),
            "peak_mib": round(peak),
            "notes": sales.notes,
        }
    )


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """One load in a fresh process."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_load, args=(case, queue))
    process.start()
    result = queue.get(timeout=600)
    process.join()
    return {"case": case["name"], **result}


def walmart_style(train: Path, folder: Path) -> Path:
    """Store-item days summed into Friday-dated weeks, written as Store,Dept,Date,Weekly_Sales."""
    import pandas as pd

    daily = pd.read_csv(train, parse_dates=["date"])
    daily["Date"] = daily["date"] + pd.to_timedelta((4 - daily["date"].dt.day_of_week) % 7, unit="D")
    weekly = daily.groupby(["store", "item", "Date"])["sales"].sum().reset_index()
    weekly = weekly.rename(columns={"store": "Store", "item": "Dept", "sales": "Weekly_Sales"})
    path = folder / "walmart_weekly.csv"
    weekly.to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


def cases(data: Path, tmp: Path) -> list[dict[str, Any]]:
    """The three public shapes, by the same flags a user would give."""
    m5 = data / "m5_spot"
    return [
        {
            "name": "kaggle store-item",
            "source": str(data / "storeitem" / "train.csv"),
            "mapping": {"id_cols": ("store", "item"), "date_col": "date", "target_col": "sales"},
        },
        {
            "name": "m5 spot (wide)",
            "source": str(m5 / "sales_train_validation.csv"),
            "mapping": {"format": "m5", "calendar": m5 / "calendar.csv", "prices": m5 / "sell_prices.tsv"},
        },
        {
            "name": "walmart-style weekly",
            "source": str(walmart_style(data / "storeitem" / "train.csv", tmp)),
            "mapping": {"id_cols": ("Store", "Dept"), "date_col": "Date", "target_col": "Weekly_Sales"},
        },
    ]


def print_table(results: list[dict[str, Any]]) -> None:
    """A fixed-width table of the results."""
    head = f"{'case':<22} {'rows':>9} {'series':>7} {'freq':>6} {'first':>10} {'last':>10} {'s':>6} {'peak MiB':>9}"
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r['case']:<22} {r['rows']:>9} {r['series']:>7} {r['freq']:>6} {r['first']:>10} {r['last']:>10} "
            f"{r['seconds']:>6} {r['peak_mib']:>9}"
        )
    print(f"(baseline after imports: about {results[0]['baseline_mib']} MiB per process)")


def main() -> int:
    """Parse arguments, run the cases, print table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--json", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args()
    if not (args.data / "storeitem" / "train.csv").exists():
        print(f"no public data under {args.data}; give --data DIR", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        results = [run_case(case) for case in cases(args.data, Path(tmp))]
    print_table(results)
    report = {"results": results, "reference": REFERENCE}
    print(json.dumps(report, indent=2, default=str))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
