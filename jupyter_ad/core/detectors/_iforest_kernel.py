"""The compiled scoring kernels of :class:`~.fast_iforest.FastIsolationForest`.

``parallel`` splits rows over threads; ``serial`` avoids the thread start-up cost for a few
rows (a single row is scored in microseconds).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange

from jupyter_ad.core.detectors._kernel_lock import KERNEL_LOCK

__all__ = ["SERIAL_BELOW", "run"]

SERIAL_BELOW = 2000
BLOCK = 4096  # rows per parallel task


@njit(cache=True, nogil=True, inline="always")
def _row_depth(X: np.ndarray, i: int, feature: np.ndarray, threshold: np.ndarray,
               right: np.ndarray, value: np.ndarray,
               offsets: np.ndarray) -> float:  # pragma: no cover - compiled
    total = 0.0
    for t in range(offsets.shape[0]):
        node = offsets[t]
        f = feature[node]
        while f >= 0:
            # branch-free step: the comparison is hard to predict, a select is not
            go_right = X[i, f] >= threshold[node]
            node = node + 1 + go_right * (offsets[t] + right[node] - node - 1)
            f = feature[node]
        total += value[node]
    return total / offsets.shape[0]


@njit(parallel=True, cache=True, nogil=True)
def _parallel(X: np.ndarray, feature: np.ndarray, threshold: np.ndarray, right: np.ndarray,
              value: np.ndarray, offsets: np.ndarray) -> np.ndarray:  # pragma: no cover
    n = X.shape[0]
    n_trees = offsets.shape[0]
    out = np.zeros(n)
    n_blocks = (n + BLOCK - 1) // BLOCK
    for b in prange(n_blocks):
        start, stop = b * BLOCK, min(n, (b + 1) * BLOCK)
        # tree by tree over a block of rows: one tree stays in cache at a time
        for t in range(n_trees):
            root = offsets[t]
            for i in range(start, stop):
                node = root
                f = feature[node]
                while f >= 0:
                    go_right = X[i, f] >= threshold[node]
                    node = node + 1 + go_right * (root + right[node] - node - 1)
                    f = feature[node]
                out[i] += value[node]
        for i in range(start, stop):
            out[i] /= n_trees
    return out


@njit(cache=True, nogil=True)
def _serial(X: np.ndarray, feature: np.ndarray, threshold: np.ndarray, right: np.ndarray,
            value: np.ndarray, offsets: np.ndarray) -> np.ndarray:  # pragma: no cover
    out = np.empty(X.shape[0])
    for i in range(X.shape[0]):
        out[i] = _row_depth(X, i, feature, threshold, right, value, offsets)
    return out


def run(X: np.ndarray, *trees: Any) -> np.ndarray:
    """Mean path length of each row of ``X`` over the trees (serial for a few rows; parallel
    ones hold the process-wide kernel lock, as numba's default threading layer must not run
    two parallel kernels at once, e.g. from Dask worker threads).
    """
    if X.shape[0] < SERIAL_BELOW:
        return np.asarray(_serial(X, *trees))
    with KERNEL_LOCK:
        return np.asarray(_parallel(X, *trees))
