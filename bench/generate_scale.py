"""Scale benchmark of the data generator: 30,000 series x 730 days streamed to Parquet.

Run: ``nice uv run python bench/generate_scale.py`` (options: --series, --days, --format, --seed).
Prints a table and a JSON line with wall time, peak RSS and output size; the reference is the 8 GiB memory limit.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from stockgate.domain.generator import write_dataset

MEMORY_LIMIT_MIB = 8 * 1024
"""Reference: the data set must be generated within 8 GiB of memory."""


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run(series: int, days: int, seed: int, fmt: str) -> dict[str, object]:
    """Generate into a temporary folder and measure; the folder is deleted afterwards."""
    rss_before = peak_rss_mib()
    with tempfile.TemporaryDirectory(prefix="stockgate-bench-") as tmp:
        began = time.perf_counter()
        summary = write_dataset(out_dir=Path(tmp) / "data", n_series=series, n_days=days, seed=seed, fmt=fmt)  # type: ignore[arg-type]
        wall = time.perf_counter() - began
        size = sum(p.stat().st_size for p in summary.files.values())
    return {
        "series": series,
        "days": days,
        "format": fmt,
        "sales_rows": summary.rows["sales"],
        "wall_s": round(wall, 1),
        "rows_per_s": round(summary.rows["sales"] / wall),
        "peak_rss_mib": round(peak_rss_mib()),
        "rss_before_mib": round(rss_before),
        "output_mib": round(size / 2**20, 1),
        "memory_limit_mib": MEMORY_LIMIT_MIB,
        "within_limit": peak_rss_mib() < MEMORY_LIMIT_MIB,
        "python": platform.python_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=30_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", choices=["csv", "parquet"], default="parquet")
    args = parser.parse_args()
    result = run(args.series, args.days, args.seed, args.format)
    print(f"{'metric':<18} {'value':>16}")
    for key, value in result.items():
        print(f"{key:<18} {value!s:>16}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
