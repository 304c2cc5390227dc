"""Compiled two-sample Kolmogorov-Smirnov statistic of two sorted samples: one merge pass.

Both empirical distribution functions only change at sample values, so walking the two sorted
arrays together (every copy of the current smallest value taken from both at once, so ties
count as scipy counts them) visits every point where the gap can be largest. ``O(n + m)``
against the ``O((n + m) log n)`` of searching every value in both samples.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["ks_statistic"]


@njit(cache=True, nogil=True)
def ks_statistic(ref: np.ndarray, cur: np.ndarray) -> float:  # pragma: no cover - compiled
    """``max |F_ref(x) - F_cur(x)|`` for sorted, finite, non-empty ``ref`` and ``cur``."""
    n, m = ref.size, cur.size
    i = j = 0
    gap = 0.0
    while i < n and j < m:
        value = min(ref[i], cur[j])
        while i < n and ref[i] <= value:
            i += 1
        while j < m and cur[j] <= value:
            j += 1
        d = abs(i / n - j / m)
        if d > gap:
            gap = d
    return gap
