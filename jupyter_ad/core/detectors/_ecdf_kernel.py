"""Compiled kernels of the ECDF detectors (ECOD, COPOD): tail probabilities and scores fused,
with no ``(n_rows, n_features)`` temporaries; parallel over rows for large inputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange

from jupyter_ad.core.detectors._kernel_lock import KERNEL_LOCK

__all__ = ["COPOD_MODE", "ECOD_MODE", "run"]

ECOD_MODE, COPOD_MODE = 0, 1
SERIAL_BELOW = 2000


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
    if mode == ECOD_MODE:
        return max(max(left, right), skewed)
    return max(skewed, (left + right) / 2.0)


@njit(cache=True, nogil=True, inline="always")
def _row(X: np.ndarray, i: int, ref: np.ndarray, skew_sign: np.ndarray, mode: int,
         out: np.ndarray, per_feature: bool) -> None:  # pragma: no cover - compiled
    total = 0.0
    for j in range(X.shape[1]):
        value = _feature_score(X[i, j], ref[j], skew_sign[j], mode)
        if per_feature:
            out[i, j] = value
        total += value
    if not per_feature:
        out[i, 0] = total


@njit(parallel=True, cache=True, nogil=True)
def _parallel(X: np.ndarray, ref: np.ndarray, skew_sign: np.ndarray, mode: int,
              per_feature: bool) -> np.ndarray:  # pragma: no cover - compiled
    out = np.zeros((X.shape[0], X.shape[1] if per_feature else 1))
    for i in prange(X.shape[0]):
        _row(X, i, ref, skew_sign, mode, out, per_feature)
    return out


@njit(cache=True, nogil=True)
def _serial(X: np.ndarray, ref: np.ndarray, skew_sign: np.ndarray, mode: int,
            per_feature: bool) -> np.ndarray:  # pragma: no cover - compiled
    out = np.zeros((X.shape[0], X.shape[1] if per_feature else 1))
    for i in range(X.shape[0]):
        _row(X, i, ref, skew_sign, mode, out, per_feature)
    return out


def run(X: np.ndarray, *args: Any) -> np.ndarray:
    """Row scores (``per_feature=False``) or per-feature scores of ``X`` against the sorted
    reference ``ref`` of shape ``(n_features, n_reference)``: ``run(X, ref, skew_sign, mode,
    per_feature)``. Serial for a few rows; parallel runs hold the process-wide kernel lock.
    """
    if X.shape[0] < SERIAL_BELOW:
        return np.asarray(_serial(X, *args))
    with KERNEL_LOCK:
        return np.asarray(_parallel(X, *args))
