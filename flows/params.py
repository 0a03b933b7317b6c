"""Flow parameters as pydantic models, so the Prefect UI shows a validated form for each deployment."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class ReplenishParams(BaseModel):
    """Parameters of the weekly replenishment run."""

    data_dir: str = Field(description="Folder with sales, catalog, inventory and suppliers (CSV or Parquet).")
    out_dir: str | None = Field(default=None, description="Where results go; default: <data_dir>/runs/<run name>.")
    as_of: date | None = Field(default=None, description="Plan as of this date; default: the last sales date.")
    horizon_days: int = Field(28, ge=7, le=180, description="Days to forecast.")
    started_by: str = Field("scheduler", description="Who started the run; they never approve it alone.")
    sink: str | None = Field(
        default=None,
        description="Where approved orders go (files:<folder>, db:<url>, webhook:<url>); default: settings.",
    )
    wait: Literal["auto", "pause", "suspend"] = Field(
        "auto", description="auto: suspend when run from a deployment (frees the worker), pause when run locally."
    )


class CopyParams(BaseModel):
    """Parameters of the marketing-copy run."""

    data_dir: str = Field(description="Folder with the inputs, as for replenishment.")
    out_dir: str | None = Field(default=None, description="Where drafts go; default: <data_dir>/runs/<run name>.")
    started_by: str = Field("scheduler", description="Who started the run.")
    sink: str | None = Field(default=None, description="Where approved copy is published; default: settings.")
    wait: Literal["auto", "pause", "suspend"] = Field("auto", description="How to wait for decisions.")


class RefreshParams(BaseModel):
    """Parameters of the daily forecast refresh."""

    data_dir: str = Field(description="Folder with the inputs; sales should include the newest actuals.")
    horizon_days: int = Field(28, ge=7, le=180, description="Days to forecast.")
    as_of: date | None = Field(
        default=None, description="Forecast as of this day (later sales are ignored); default: the last sales day."
    )
    out_dir: str | None = Field(default=None, description="Where results go; default: <data_dir>/runs/<run name>.")
    report_weeks: int = Field(8, ge=1, le=104, description="Weeks of decisions the learning report looks back over.")
    models: list[Literal["lgbm", "ets", "intermittent", "seasonal_naive"]] | None = Field(
        default=None, description="Forecast models to try (default: all; seasonal naive is always one)."
    )
