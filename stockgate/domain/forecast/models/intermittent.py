"""Croston, SBA and TSB for lumpy sellers, vectorised over all series (one pass over time).

Croston smooths the non-zero demand size ``z`` and the interval ``p`` between demands and forecasts ``z / p``;
SBA multiplies by ``1 - alpha / 2`` to remove Croston's bias; TSB smooths the probability of a demand every
period instead of the interval, so a seller that stopped fades to zero.
"""

from __future__ import annotations

import numpy as np


def _croston_state(y: np.ndarray, alpha: float) -> np.ndarray:
    """Croston's ``z / p`` after the last period (0 for series that never sold)."""
    n = y.shape[0]
    z, p, q = np.zeros(n), np.ones(n), np.ones(n)
    seen = np.zeros(n, dtype=bool)
    for col in y.T:
        demand = np.nan_to_num(col) > 0
        first = demand & ~seen
        z = np.where(first, col, np.where(demand, z + alpha * (np.nan_to_num(col) - z), z))
        p = np.where(first, q, np.where(demand, p + alpha * (q - p), p))
        seen |= demand
        q = np.where(demand, 1.0, q + (~np.isnan(col)))
    return np.where(seen, z / np.maximum(p, 1e-9), 0.0)


def croston(y: np.ndarray, *, h: int, season_length: int = 1, alpha: float = 0.1) -> np.ndarray:
    """Classic Croston: flat forecast of demand size over demand interval, units per period."""
    return np.repeat(_croston_state(y, alpha)[:, None], h, axis=1)


def sba(y: np.ndarray, *, h: int, season_length: int = 1, alpha: float = 0.1) -> np.ndarray:
    """Syntetos-Boylan approximation: Croston times ``1 - alpha / 2``."""
    return croston(y, h=h, alpha=alpha) * (1 - alpha / 2)


def tsb(y: np.ndarray, *, h: int, season_length: int = 1, alpha: float = 0.1, beta: float = 0.1) -> np.ndarray:
    """Teunter-Syntetos-Babai: smoothed demand probability times smoothed size, units per period."""
    n = y.shape[0]
    prob, z = np.zeros(n), np.zeros(n)
    seen = np.zeros(n, dtype=bool)
    for col in y.T:
        active = ~np.isnan(col)
        value = np.nan_to_num(col)
        demand = value > 0
        first = demand & ~seen
        prob = np.where(first, 1.0, np.where(active & seen, prob + beta * (demand - prob), prob))
        z = np.where(first, value, np.where(demand, z + alpha * (value - z), z))
        seen |= demand
    return np.repeat((prob * z)[:, None], h, axis=1)
