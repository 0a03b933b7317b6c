"""``stockgate forecast --sales FILE --horizon H --out FILE``: daily (or weekly) forecasts with quantiles as CSV.

One row per series and period: ``unique_id``, the original id columns, ``ds``, ``forecast`` (the point),
``p10``, ``p50``, ``p90`` and any other requested quantile as ``pNN``, and ``model``. ``--cutoff`` trains only on
data up to and including that date, so the forecast can be scored on what came after. ``--summary FILE`` also
writes the per-series model choice, backtest errors, confidence and explanation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stockgate.cli.common import console, handle_errors
from stockgate.cli.sales_options import SalesOptions, sales_options

if TYPE_CHECKING:
    import pandas as pd


def parse_quantiles(text: str) -> list[float]:
    """``"0.1,0.5,0.9"`` -> ``[0.1, 0.5, 0.9]``; ConfigError naming the bad value otherwise."""
    from stockgate.errors import ConfigError

    values = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        try:
            value = float(part)
        except ValueError:
            raise ConfigError(f"--quantiles: '{part}' is not a number.", hint="Use e.g. 0.1,0.5,0.9,0.95.") from None
        if not 0 < value < 1:
            raise ConfigError(f"--quantiles: {value} is not between 0 and 1.", hint="Use e.g. 0.1,0.5,0.9,0.95.")
        values.append(value)
    return values


def attach_ids(forecasts: pd.DataFrame, sales: pd.DataFrame, id_cols: tuple[str, ...]) -> pd.DataFrame:
    """Forecasts with the original id columns after ``unique_id``."""
    cols = [c for c in id_cols if c in sales.columns and c not in ("unique_id", "ds")]
    if not cols:
        return forecasts
    ids = sales[["unique_id", *cols]].drop_duplicates("unique_id").astype({"unique_id": "str"})
    merged = forecasts.merge(ids, on="unique_id", how="left")
    return merged[["unique_id", *cols, *[c for c in forecasts.columns if c != "unique_id"]]]


@handle_errors
@sales_options
def forecast(
    sales: SalesOptions,
    horizon: Annotated[int, typer.Option("--horizon", min=1, help="Periods to forecast after the cutoff.")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    cutoff: Annotated[str | None, typer.Option(help="Train on data up to this date (inclusive).")] = None,
    quantiles: Annotated[str, typer.Option(help="Quantiles as fractions, e.g. 0.1,0.5,0.9,0.95.")] = "0.1,0.5,0.9",
    summary: Annotated[Path | None, typer.Option(help="Also write per-series model choice and explanation.")] = None,
) -> None:
    """Forecast demand per series with quantiles; the model is chosen per series by backtest."""
    import pandas as pd

    from stockgate.domain.forecast import Forecaster
    from stockgate.errors import ConfigError

    qs = parse_quantiles(quantiles)
    try:
        cut = pd.Timestamp(cutoff) if cutoff else None
    except ValueError:
        raise ConfigError(f"--cutoff '{cutoff}' is not a date.", hint="Use ISO format, e.g. 2017-12-03.") from None
    loaded = sales.load()
    fc = Forecaster(freq=loaded.freq).fit(loaded.frame, cutoff=cut)
    result = attach_ids(fc.predict(horizon, quantiles=qs), loaded.frame, loaded.id_cols)
    out.parent.mkdir(parents=True, exist_ok=True)
    result.to_csv(out, index=False, date_format="%Y-%m-%d")
    if summary is not None:
        fc.summary().to_csv(summary, index=False)
    counts = result.drop_duplicates("unique_id")["model"].value_counts().to_dict()
    console.print(
        f"Wrote {len(result):,} rows for {result['unique_id'].nunique():,} series to {out} "
        f"(models: {', '.join(f'{k} {v}' for k, v in counts.items())})."
    )
