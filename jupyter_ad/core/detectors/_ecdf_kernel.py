"""Compiled kernels of the ECDF detectors (ECOD, COPOD): tail probabilities and scores fused,
with no ``(n_rows, n_features)`` temporaries; parallel over rows for large inputs.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from jupyter_ad.core.detectors._kernel_lock import KERNEL_LOCK

__all__ = ["COPOD_MODE", "ECOD_MODE", "run"]

ECOD_MODE, COPOD_MODE = 0, 1
SERIAL_BELOW = 2000
BLOCK = 8192  # rows per parallel task


@njit(cache=True, nogil=True, inline="always")
def _feature_score(x: float, ref: np.ndarray, neg_log: np.ndarray, sign: float,
                   mode: int) -> float:  # pragma: no cover - compiled
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
    left = neg_log[upper]  # -log(share of training values <= x)
    right = neg_log[m - lo]  # -log(share of training values >= x)
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
def _block(X: np.ndarray, start: int, stop: int, ref: np.ndarray, neg_log: np.ndarray,
           skew_sign: np.ndarray, mode: int, out: np.ndarray,
           per_feature: bool) -> None:  # pragma: no cover - compiled
    # feature by feature over a block of rows: one sorted reference stays in cache at a time
    for j in range(X.shape[1]):
        for i in range(start, stop):
            value = _feature_score(X[i, j], ref[j], neg_log, skew_sign[j], mode)
            if per_feature:
                out[i, j] = value
            else:
                out[i, 0] += value


@njit(parallel=True, cache=True, nogil=True)
def _parallel(X: np.ndarray, ref: np.ndarray, neg_log: np.ndarray, skew_sign: np.ndarray,
              mode: int, per_feature: bool) -> np.ndarray:  # pragma: no cover - compiled
    n = X.shape[0]
    out = np.zeros((n, X.shape[1] if per_feature else 1))
    n_blocks = (n + BLOCK - 1) // BLOCK
    for b in prange(n_blocks):
        _block(X, b * BLOCK, min(n, (b + 1) * BLOCK), ref, neg_log, skew_sign, mode, out,
               per_feature)
    return out


@njit(cache=True, nogil=True)
def _serial(X: np.ndarray, ref: np.ndarray, neg_log: np.ndarray, skew_sign: np.ndarray,
            mode: int, per_feature: bool) -> np.ndarray:  # pragma: no cover - compiled
    out = np.zeros((X.shape[0], X.shape[1] if per_feature else 1))
    _block(X, 0, X.shape[0], ref, neg_log, skew_sign, mode, out, per_feature)
    return out


def neg_log_shares(m: int) -> np.ndarray:
    """``-log(max(k / m, 1 / (m + 1)))`` for ``k = 0..m``: tail scores by count, looked up."""
    k = np.arange(m + 1, dtype=np.float64)
    return np.asarray(-np.log(np.maximum(k / m, 1.0 / (m + 1))))


def run(X: np.ndarray, ref: np.ndarray, neg_log: np.ndarray, skew_sign: np.ndarray, mode: int,
        per_feature: bool) -> np.ndarray:
    """Row scores (``per_feature=False``) or per-feature scores of ``X`` against the sorted
    reference ``ref`` of shape ``(n_features, n_reference)``; ``neg_log`` is
    :func:`neg_log_shares` of ``n_reference``. Serial for a few rows; parallel runs hold the
    process-wide kernel lock.
    """
    if X.shape[0] < SERIAL_BELOW:
        return np.asarray(_serial(X, ref, neg_log, skew_sign, mode, per_feature))
    with KERNEL_LOCK:
        return np.asarray(_parallel(X, ref, neg_log, skew_sign, mode, per_feature))
