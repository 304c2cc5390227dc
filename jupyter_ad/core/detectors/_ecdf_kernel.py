"""Compiled kernels of the ECDF detectors (ECOD, COPOD): tail probabilities and scores fused,
parallel over rows, with no ``(n_rows, n_features)`` temporaries.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange

from jupyter_ad.core.detectors._kernel_lock import KERNEL_LOCK

__all__ = ["ecdf_scores", "run"]

ECOD, COPOD = 0, 1


@njit(cache=True, nogil=True, inline="always")
def _feature_score(x: float, ref: np.ndarray, sign: float, mode: int) -> float:  # pragma: no cover
    m = ref.shape[0]
    lo, hi = 0, m
    while lo < hi:  # first index with ref[k] >= x
        mid = (lo + hi) >> 1
        if ref[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    upper = lo
    while upper < m and ref[upper] == x:  # ties: ref[lo:upper] == x
        upper += 1
    floor = 1.0 / (m + 1)
    left = -np.log(max(upper / m, floor))  # share of training values <= x
    right = -np.log(max((m - lo) / m, floor))  # share of training values >= x
    if sign < 0:
        skewed = left
    elif sign > 0:
        skewed = right
    else:
        skewed = left + right
    if mode == ECOD:
        return max(max(left, right), skewed)
    return max(skewed, (left + right) / 2.0)


@njit(parallel=True, cache=True, nogil=True)
def ecdf_scores(X: np.ndarray, ref: np.ndarray, skew_sign: np.ndarray, mode: int,
                per_feature: bool) -> np.ndarray:  # pragma: no cover - compiled
    """Row scores (``per_feature=False``) or per-feature scores of ``X`` against ``ref``.

    ``ref`` holds one sorted training column per row: shape ``(n_features, n_reference)``.
    """
    n, d = X.shape
    out = np.zeros((n, d)) if per_feature else np.zeros((n, 1))
    for i in prange(n):
        total = 0.0
        for j in range(d):
            value = _feature_score(X[i, j], ref[j], skew_sign[j], mode)
            if per_feature:
                out[i, j] = value
            total += value
        if not per_feature:
            out[i, 0] = total
    return out


def run(*args: Any) -> np.ndarray:
    """Call :func:`ecdf_scores` holding the process-wide kernel lock (numba's default threading
    layer must not run two parallel kernels at once, e.g. from Dask worker threads).
    """
    with KERNEL_LOCK:
        return np.asarray(ecdf_scores(*args))
