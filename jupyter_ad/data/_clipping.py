"""The bounds the preprocessing clips numbers to: the training median +- ``CLIP_SPREADS``
spreads of each column.

No real value is that far out (a billion standard deviations on Gaussian data); the bound keeps
every detector's arithmetic finite (squared distances, covariances, kernels), and ``+inf`` and
``-inf``, the most extreme values there are, land on it: beyond every training value, scored as
such. Clipping keeps the order of values (those beyond a bound tie on it).
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["CLIP_SPREADS", "clip_bounds", "quartiles_of", "spread_of"]

CLIP_SPREADS = 1e9
"""Numbers are clipped to the training median +- this many spreads."""

_QUARTILES = [25.0, 50.0, 75.0]
_BIG = float(np.finfo(np.float64).max)


def quartiles_of(values: np.ndarray) -> np.ndarray:
    """Quartiles (rows: 25th, 50th, 75th percentile) of each column's finite values."""
    from jupyter_ad.data._numeric_kernel import column_quantiles

    return column_quantiles(values, _QUARTILES)


def spread_of(values: np.ndarray, quartiles: np.ndarray) -> np.ndarray:
    """IQR / 1.349 of each column, else the standard deviation of its finite values, else 1."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = (quartiles[2] - quartiles[0]) / 1.349
        bad = ~(np.isfinite(spread) & (spread > 0))
        if bad.any():
            std = np.nanstd(np.where(np.isfinite(values), values, np.nan), axis=0)
            spread = np.where(bad, np.where(np.isfinite(std) & (std > 0), std, 1.0), spread)
    return np.asarray(spread)


def clip_bounds(raw: np.ndarray, quartiles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The training median +- ``CLIP_SPREADS`` spreads of each column of ``raw`` (finite, in the
    column's own units); ``quartiles`` are those of :func:`quartiles_of`.
    """
    med = np.nan_to_num(quartiles[1])
    reach = CLIP_SPREADS * spread_of(raw, quartiles)
    with np.errstate(over="ignore"):
        return np.clip(med - reach, -_BIG, _BIG), np.clip(med + reach, -_BIG, _BIG)


def scaled_bounds(low: np.ndarray, high: np.ndarray, center: np.ndarray,
                  scale: np.ndarray) -> np.ndarray:
    """``[low, high]`` after scaling, shape ``(2, n_features)`` (finite)."""
    with np.errstate(all="ignore"):
        return np.clip(np.vstack([(low - center) / scale, (high - center) / scale]), -_BIG, _BIG)
