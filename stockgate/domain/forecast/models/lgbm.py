"""One global LightGBM model over all series, direct multi-horizon, predicting demand relative to each level.

The objective is Poisson (or Tweedie) on ``y / L`` with weight ``L``: the same likelihood as Poisson on ``y`` with
an offset ``log L``, so large and small sellers count in proportion and a trend lives in ``L``, not in the trees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stockgate.domain.forecast.features import (
    FEATURES,
    Rows,
    Windows,
    build_rows,
    training_coordinates,
)


@dataclass
class LGBMConfig:
    """Settings of the global model; the defaults suit daily retail demand on 2 cores."""

    objective: str = "poisson"
    n_estimators: int = 200
    learning_rate: float = 0.08
    num_leaves: int = 31
    min_child_samples: int = 200
    max_train_rows: int = 400_000
    min_history: int = 28
    n_jobs: int = 1
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def params(self) -> dict[str, Any]:
        """LightGBM training parameters."""
        return {
            "objective": self.objective,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "feature_fraction": 0.9,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "lambda_l2": 1.0,
            "num_threads": self.n_jobs,
            "seed": self.seed,
            "verbosity": -1,
            "max_bin": 255,
            **self.extra,
        }


class GlobalLGBM:
    """Fit on a panel up to ``last``; predict ``h`` periods after any origin at or after ``last``."""

    def __init__(
        self,
        config: LGBMConfig,
        windows: Windows,
        calendar: dict[str, np.ndarray],
        exog: dict[str, np.ndarray] | None = None,
    ) -> None:
        self.exog = exog or {}
        self.config = config
        self.windows = windows
        self.calendar = calendar
        self.booster: Any = None

    def fit(self, y: np.ndarray, *, last: int, horizon: int) -> GlobalLGBM:
        """Train on rows whose targets lie at or before period index ``last``; ValueError if there are none."""
        import lightgbm as lgb

        cfg = self.config
        si, origin, h = training_coordinates(
            y.shape[0], last, horizon=horizon, min_history=cfg.min_history, max_rows=cfg.max_train_rows, seed=cfg.seed
        )
        rows = build_rows(y[:, : last + 1], self.calendar, si=si, origin=origin, h=h, win=self.windows, exog=self.exog)
        target = y[si, origin + h]
        ok = (rows.level > 0) & np.isfinite(target)
        if ok.sum() < 50:
            raise ValueError(f"only {int(ok.sum())} usable training rows (need 50; history too short or all zero)")
        data = lgb.Dataset(
            rows.x[ok],
            label=target[ok] / rows.level[ok],
            weight=rows.level[ok],
            feature_name=list(FEATURES),
            categorical_feature=["holiday"],
            free_raw_data=True,
        )
        self.booster = lgb.train(self.config.params(), data, num_boost_round=cfg.n_estimators)
        return self

    def rows(
        self, y: np.ndarray, *, origin: int, h: int, steps: np.ndarray | None = None, series: np.ndarray | None = None
    ) -> Rows:
        """Feature rows from ``origin`` for horizons 1..h (or ``steps``) of all series (or ``series``), series-major;
        ``y`` is the whole panel the model was built for."""
        series = np.arange(y.shape[0]) if series is None else series
        steps = np.arange(1, h + 1) if steps is None else steps
        si = np.repeat(series, len(steps))
        hs = np.tile(steps, len(series))
        origins = np.full(len(si), origin)
        return build_rows(
            y[:, : origin + 1], self.calendar, si=si, origin=origins, h=hs, win=self.windows, exog=self.exog
        )

    def predict(self, y: np.ndarray, *, origin: int, h: int) -> np.ndarray:
        """Units per period, n x h, for the periods after ``origin``."""
        rows = self.rows(y, origin=origin, h=h)
        ratio = self.booster.predict(rows.x, num_threads=self.config.n_jobs)
        return np.nan_to_num(ratio * rows.level).reshape(y.shape[0], h)

    def contributions(self, rows: Rows) -> np.ndarray:
        """Per-row feature contributions in log space (columns ``FEATURES`` then the bias)."""
        return np.asarray(self.booster.predict(rows.x, pred_contrib=True, num_threads=self.config.n_jobs))
