"""Check the loaders against the real public files in ../shared/data and measure them.

    nice uv run python bench/check_loaders.py [--data ../shared/data] [--json out.json] [--scale]

Loads the Kaggle store-item file (daily, long), the M5 spot files (wide + calendar + TAB prices with an index
column, CRLF) and a Walmart-style weekly file derived on the fly from store-item (weeks summed, columns
Store,Dept,Date,Weekly_Sales, written to a temp folder and deleted). Each load runs in a fresh process so the
peak resident memory (VmHWM, reset after the imports) belongs to that load alone; it includes the resident
imports, shown as "baseline". ``--scale`` adds the generator's 30,000 series x 730 days folder (about 640 MiB
of CSV, written to a temp folder) read with ``load_inputs``. Prints a table and JSON; REFERENCE holds the
figures measured when this script was written.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REFERENCE = {
    "machine": "2 shared cores (load ~1), Python 3.11, pandas 3.1.1, pyarrow 26, 2026-11-21; baseline 112 MiB",
    "kaggle store-item": {"rows": 913000, "series": 500, "freq": "D", "seconds": 0.55, "peak_mib": 258},
    "m5 spot (wide)": {"rows": 15026, "series": 10, "freq": "D", "seconds": 0.16, "peak_mib": 190},
    "walmart-style weekly": {"rows": 131000, "series": 500, "freq": "W-FRI", "seconds": 0.15, "peak_mib": 152},
    "load_inputs 30k x 730 (641 MiB)": {"rows": 20220690, "series": 30000, "seconds": 12.84, "peak_mib": 2315},
}


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM peak), in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Reset the peak-RSS mark (Linux), so the peak measures the load, not the imports or the parent."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _load(case: dict[str, Any], queue: Any) -> None:
    """Run in a child process: import, note the baseline memory, load, report."""
    from stockgate.adapters.sources import SalesMapping, load_inputs, load_sales

    _reset_peak()
    baseline = _status_mib("VmRSS")
    start = time.perf_counter()
    if case.get("kind") == "inputs":
        bundle = load_inputs(Path(case["source"]))
        dates, series = bundle.sales["date"], len(bundle.sales.groupby(["location", "sku"], observed=True))
        freq, notes, has_price = bundle.freq, bundle.notes, True
    else:
        sales = load_sales(case["source"], mapping=SalesMapping(**case["mapping"]))
        dates, series, freq, notes = sales.frame["ds"], sales.n_series, sales.freq, sales.notes
        has_price = "price" in sales.frame.columns
    seconds = time.perf_counter() - start
    peak = _status_mib("VmHWM")
    queue.put(
        {
            "rows": len(dates),
            "series": series,
            "freq": freq,
            "first": str(dates.min().date()),
            "last": str(dates.max().date()),
            "has_price": has_price,
            "seconds": round(seconds, 2),
            "baseline_mib": round(baseline),
            "peak_mib": round(peak),
            "notes": notes,
        }
    )


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """One load in a fresh process."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_load, args=(case, queue))
    process.start()
    result = queue.get(timeout=1800)
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


def scale_case(tmp: Path, n_series: int, n_days: int) -> dict[str, Any]:
    """A generator data folder (CSV) of ``n_series`` x ``n_days``, read with load_inputs."""
    from stockgate.domain.generator import write_dataset

    folder = tmp / "scale"
    write_dataset(out_dir=folder, n_series=n_series, n_days=n_days, seed=1, fmt="csv")
    size = (folder / "sales.csv").stat().st_size / 1024**2
    return {"name": f"load_inputs {n_series // 1000}k x {n_days} ({size:.0f} MiB)", "kind": "inputs", "source": folder}


def print_table(results: list[dict[str, Any]]) -> None:
    """A fixed-width table of the results."""
    head = f"{'case':<34} {'rows':>9} {'series':>7} {'freq':>6} {'first':>10} {'last':>10} {'s':>6} {'peak MiB':>9}"
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r['case']:<34} {r['rows']:>9} {r['series']:>7} {r['freq']:>6} {r['first']:>10} {r['last']:>10} "
            f"{r['seconds']:>6} {r['peak_mib']:>9}"
        )
    print(f"(baseline after imports: about {results[0]['baseline_mib']} MiB per process)")


def main() -> int:
    """Parse arguments, run the cases, print table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--json", type=Path, default=None, help="also write the JSON here")
    parser.add_argument("--scale", action="store_true", help="also load a generated 30,000 x 730 data folder")
    args = parser.parse_args()
    if not (args.data / "storeitem" / "train.csv").exists():
        print(f"no public data under {args.data}; give --data DIR", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        todo = cases(args.data, Path(tmp)) + ([scale_case(Path(tmp), 30_000, 730)] if args.scale else [])
        results = [run_case(case) for case in todo]
    print_table(results)
    report = {"results": results, "reference": REFERENCE}
    print(json.dumps(report, indent=2, default=str))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
