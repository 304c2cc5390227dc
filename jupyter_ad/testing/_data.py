"""Small data sets the detector checks fit on (seeded, so every run sees the same rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["EXTREMES", "gaussian", "planted", "planted_frame"]

EXTREMES = (1e308, -1e308, 1e200, -1e200, 1e155, -1e155, 1e10, -1e10, 5e-324, -5e-324,
            2.2250738585072014e-308, 0.0)
"""Finite values at the edges of float64: huge, subnormal, the smallest normal number, zero."""


def gaussian(n: int = 200, d: int = 3, seed: int = 0) -> np.ndarray:
    """``n`` rows of ``d`` independent standard normal features."""
    return np.random.default_rng(seed).normal(size=(n, d))


def planted(n: int = 300, d: int = 4, n_out: int = 6, seed: int = 0) -> tuple[np.ndarray,
                                                                               np.ndarray]:
    """Gaussian rows whose first ``n_out`` rows are pushed 8 sd out in one feature each, and
    their labels (1 = planted outlier).
    """
    X = gaussian(n, d, seed)
    y = np.zeros(n, dtype=int)
    for i in range(n_out):
        X[i, i % d] += 8.0
        y[i] = 1
    return X, y


def planted_frame(n: int = 300, d: int = 4, n_out: int = 6,
                  seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`planted` as a DataFrame with columns ``f0``, ``f1``, ..."""
    X, y = planted(n, d, n_out, seed)
    return pd.DataFrame(X, columns=[f"f{j}" for j in range(d)]), y
