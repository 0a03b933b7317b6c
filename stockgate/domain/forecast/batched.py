"""Several fitted forecasters over disjoint sets of series, answering as one ``DemandForecast``.

Forecasting runs in batches (each batch fits its own models, possibly on another machine); planning then asks one
object for daily quantiles and window quantiles. ``BatchedForecast`` routes each question to the batch that owns
the series and joins the answers, so the planner never knows how the work was split.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from stockgate.errors import ForecastError

if TYPE_CHECKING:
    from stockgate.domain.forecast.engine import Forecaster

log = logging.getLogger(__name__)


class BatchedForecast:
    """Fitted ``Forecaster`` parts over disjoint series; ``summary`` is the joined per-series summary if known."""

    def __init__(self, parts: Sequence[Forecaster], *, summary: pd.DataFrame | None = None) -> None:
        self.parts = list(parts)
        self._summary = summary
        self._owner: dict[str, int] = {}
        for index, part in enumerate(self.parts):
            if part.panel is None:
                raise ForecastError(f"forecast batch {index + 1} was never fitted.", hint="Call fit(df) on it.")
            for uid in part.panel.ids.astype(str):
                if uid in self._owner:
                    raise ForecastError(f"series '{uid}' is in two forecast batches; batches must not overlap.")
                self._owner[uid] = index

    @property
    def horizon(self) -> int:
        """Periods every part has trained for (0 if a part has not trained yet)."""
        return min((p.trained.h if p.trained else 0) for p in self.parts) if self.parts else 0

    def predict(self, h: int, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Rows ``unique_id, ds, forecast, pNN..., model`` for ``h`` periods, from every part."""
        self._warn_if_longer(h)
        return pd.concat([p.predict(h, quantiles=quantiles) for p in self.parts], ignore_index=True)

    def predict_window(self, windows: pd.DataFrame, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Window quantiles (see ``Forecaster.predict_window``), each row answered by the part owning its series;
        rows come back in the order of ``windows``."""
        frame = windows.reset_index(drop=True)
        owner = frame["unique_id"].astype(str).map(self._owner)
        if owner.isna().any():
            unknown = frame.loc[owner.isna(), "unique_id"].astype(str).unique()[:5].tolist()
            raise ForecastError(f"no forecast for series {unknown}: they are not in any forecast batch.")
        if len(frame):
            self._warn_if_longer(int((frame["start"] + frame["length"]).max()))
        answers = [
            self.parts[int(index)].predict_window(rows, quantiles=quantiles).set_index(rows.index)
            for index, rows in frame.groupby(owner, sort=True)
        ]
        if not answers:
            return self.parts[0].predict_window(frame, quantiles=quantiles) if self.parts else frame
        return pd.concat(answers).sort_index()

    def summary(self) -> pd.DataFrame:
        """Per series: ``unique_id, model, backtest_rmsse, naive_rmsse, fallback, confidence, explanation``."""
        if self._summary is None:
            self._summary = pd.concat([p.summary() for p in self.parts], ignore_index=True)
        return self._summary

    def _warn_if_longer(self, h: int) -> None:
        if h > self.horizon:
            log.warning(
                "Planning asked for %s periods but the batches were trained for %s; retraining them here "
                "(slower, and not on the cluster).",
                h,
                self.horizon,
            )
