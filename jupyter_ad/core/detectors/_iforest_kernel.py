"""The compiled scoring kernel of :class:`~.fast_iforest.FastIsolationForest`."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange

from jupyter_ad.core.detectors._kernel_lock import KERNEL_LOCK

__all__ = ["mean_path_length", "run"]


@njit(parallel=True, cache=True, nogil=True)
def mean_path_length(X: np.ndarray, feature: np.ndarray, threshold: np.ndarray,
                     right: np.ndarray, value: np.ndarray,
                     offsets: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """Mean over trees of each row's path length (plus leaf correction)."""
    n_rows = X.shape[0]
    n_trees = offsets.shape[0]
    out = np.empty(n_rows)
    for i in prange(n_rows):
        total = 0.0
        for t in range(n_trees):
            node = offsets[t]
            f = feature[node]
            while f >= 0:
                # branch-free step: the comparison is hard to predict, a select is not
                go_right = X[i, f] >= threshold[node]
                node = node + 1 + go_right * (offsets[t] + right[node] - node - 1)
                f = feature[node]
            total += value[node]
        out[i] = total / n_trees
    return out


def run(*args: Any) -> np.ndarray:
    """Call :func:`mean_path_length` holding the process-wide kernel lock (numba's default threading
    layer must not run two parallel kernels at once, e.g. from Dask worker threads).
    """
    with KERNEL_LOCK:
        return np.asarray(mean_path_length(*args))
