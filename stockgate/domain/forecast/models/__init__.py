"""Forecasting models. Local models share one shape: ``forecast(y, h=..., season_length=...) -> n x h array``
where ``y`` is the n x T demand panel (NaN before a series starts); the global LightGBM model has fit/predict."""

from __future__ import annotations

from stockgate.domain.forecast.models.intermittent import croston, sba, tsb
from stockgate.domain.forecast.models.seasonal_naive import seasonal_naive

LOCAL_MODELS = {"seasonal_naive": seasonal_naive, "croston": croston, "sba": sba, "tsb": tsb}
"""Vectorised local models by name (all series at once, in milliseconds)."""

__all__ = ["LOCAL_MODELS", "croston", "sba", "seasonal_naive", "tsb"]
