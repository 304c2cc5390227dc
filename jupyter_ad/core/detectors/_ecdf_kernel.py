"""Compiled kernels of the ECDF detectors (ECOD, COPOD): per-feature scores looked up, not
searched.

A feature's score is a step function of the value: it changes only at the distinct reference
values ``u[0] < ... < u[k-1]``. So each feature keeps (:func:`build_tables`):

* ``at[p]``: the score of a value equal to ``u[p]``;
* ``between[p]``: the score of a value strictly between ``u[p-1]`` and ``u[p]``
  (``between[0]``: below ``u[0]``; ``between[k]``: above ``u[k-1]``);
* a guide over ``G = k`` equal-width cells of ``[u[0], u[k-1]]``: ``guide[g]`` is the first
  ``p`` whose value falls in cell ``g`` or later, computed with the very cell function used at
  lookup time, so floating-point rounding can never put a value in the wrong cell.

Looking up a value is then one multiply to find its cell, a branch-free count over the few
distinct values in that cell (a binary search when a cell holds more than eight), and one
table read. The scores are exactly those of counting the reference values (tested against a
plain search and PyOD); no ``(n_rows, n_features)`` temporaries; parallel over rows.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from jupyter_ad._kernel_lock import KERNEL_LOCK

__all__ = ["COPOD_MODE", "ECOD_MODE", "Tables", "build_tables", "run"]

ECOD_MODE, COPOD_MODE = 0, 1
SERIAL_BELOW = 2000
BLOCK = 2048  # rows per parallel task
_SHORT = 8  # a cell with at most this many distinct values is counted without branches

Tables = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
               np.ndarray, np.ndarray]


@njit(cache=True, nogil=True, inline="always")
def _combine(left: float, right: float, sign: float, mode: int) -> float:  # pragma: no cover
    """One feature's score from its left and right tail scores (-log tail probabilities)."""
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
def _cell(x: float, low: float, inv_width: float, n_cells: int) -> int:  # pragma: no cover
    t = (x - low) * inv_width  # >= 0, as x >= low; NaN (0 * inf) and overflow: the last cell
    if t < n_cells:
        return int(t)
    return n_cells - 1


@njit(cache=True, nogil=True)
def build_tables(sorted_ref: np.ndarray, neg_log: np.ndarray, skew_sign: np.ndarray,
                 mode: int) -> Tables:  # pragma: no cover - compiled
    """Lookup tables of every feature from the sorted reference (``n_features x m``), packed
    one feature after another: ``(values, at, between, guide, value_start, guide_start, low,
    inv_width)``.
    """
    d, m = sorted_ref.shape
    n_distinct = np.zeros(d, dtype=np.int64)
    for j in range(d):
        k = 1
        for i in range(1, m):
            if sorted_ref[j, i] != sorted_ref[j, i - 1]:
                k += 1
        n_distinct[j] = k
    value_start = np.zeros(d + 1, dtype=np.int64)
    guide_start = np.zeros(d + 1, dtype=np.int64)
    for j in range(d):
        value_start[j + 1] = value_start[j] + n_distinct[j]
        guide_start[j + 1] = guide_start[j] + n_distinct[j] + 1
    values = np.empty(value_start[d])
    at = np.empty(value_start[d])
    between = np.empty(value_start[d] + d)  # k + 1 entries per feature
    guide = np.empty(guide_start[d], dtype=np.int32)
    low = np.empty(d)
    inv_width = np.empty(d)
    for j in range(d):
        v0, b0, g0, k = value_start[j], value_start[j] + j, guide_start[j], n_distinct[j]
        sign = skew_sign[j]
        p = 0
        i = 0
        while i < m:  # one distinct value per step; i: how many reference values are below it
            x = sorted_ref[j, i]
            run = i
            while run < m and sorted_ref[j, run] == x:
                run += 1
            values[v0 + p] = x
            at[v0 + p] = _combine(neg_log[run], neg_log[m - i], sign, mode)
            between[b0 + p] = _combine(neg_log[i], neg_log[m - i], sign, mode)
            p += 1
            i = run
        between[b0 + k] = _combine(float(neg_log[m]), float(neg_log[0]), sign, mode)
        lo, hi = values[v0], values[v0 + k - 1]
        low[j] = lo
        inv_width[j] = k / (hi - lo) if hi > lo else 0.0
        if not np.isfinite(inv_width[j]):  # a range too narrow to divide: one cell
            inv_width[j] = 0.0
        g = 0
        for q in range(k):  # guide[g]: the first distinct value in cell g or later
            c = _cell(values[v0 + q], lo, inv_width[j], k)
            while g <= c:
                guide[g0 + g] = q
                g += 1
        while g <= k:
            guide[g0 + g] = k
            g += 1
    return values, at, between, guide, value_start, guide_start, low, inv_width


@njit(cache=True, nogil=True, inline="always")
def _lookup(x: float, values: np.ndarray, at: np.ndarray, between: np.ndarray,
            guide: np.ndarray, low: float, inv_width: float) -> float:  # pragma: no cover
    """The score of value ``x`` from one feature's tables (views of the packed arrays)."""
    k = values.shape[0]
    if x < values[0]:
        return float(between[0])
    if x > values[k - 1]:
        return float(between[k])
    c = _cell(x, low, inv_width, k)
    first, stop = guide[c], guide[c + 1]
    if stop - first <= _SHORT:  # count the cell's values below x, without branches
        p = first
        for t in range(_SHORT):
            q = first + t
            p += (q < stop) & (values[min(q, k - 1)] < x)
    else:
        p, hi = first, stop
        while p < hi:
            mid = (p + hi) >> 1
            if values[mid] < x:
                p = mid + 1
            else:
                hi = mid
    if p < k and values[p] == x:
        return float(at[p])
    return float(between[p])


@njit(cache=True, nogil=True, inline="always")
def _block(X: np.ndarray, start: int, stop: int, tables: Tables, out: np.ndarray,
           per_feature: bool) -> None:  # pragma: no cover - compiled
    values, at, between, guide, value_start, guide_start, low, inv_width = tables
    # feature by feature over a block of rows: one feature's tables stay in cache at a time
    for j in range(X.shape[1]):
        v0, v1 = value_start[j], value_start[j + 1]
        f_values, f_at = values[v0:v1], at[v0:v1]
        f_between = between[v0 + j:v1 + j + 1]
        f_guide = guide[guide_start[j]:guide_start[j + 1]]
        f_low, f_inv = low[j], inv_width[j]
        for i in range(start, stop):
            value = _lookup(X[i, j], f_values, f_at, f_between, f_guide, f_low, f_inv)
            if per_feature:
                out[i, j] = value
            else:
                out[i, 0] += value


@njit(parallel=True, cache=True, nogil=True)
def _parallel(X: np.ndarray, tables: Tables, per_feature: bool,
              out: np.ndarray) -> None:  # pragma: no cover - compiled
    n = X.shape[0]
    for b in prange((n + BLOCK - 1) // BLOCK):
        _block(X, b * BLOCK, min(n, (b + 1) * BLOCK), tables, out, per_feature)


@njit(cache=True, nogil=True)
def _serial(X: np.ndarray, tables: Tables, per_feature: bool,
            out: np.ndarray) -> None:  # pragma: no cover - compiled
    _block(X, 0, X.shape[0], tables, out, per_feature)


def neg_log_shares(m: int) -> np.ndarray:
    """``-log(max(k / m, 1 / (2 m)))`` for ``k = 0..m``: tail scores by count, looked up.

    The floor ``1 / (2 m)`` (a tail holding no reference value) is low enough that a value
    beyond every reference value scores at least as high as one just inside the range, for
    COPOD's mean of both tails too (that needs a floor of at most ``(m - 1) / m**2``).
    """
    k = np.arange(m + 1, dtype=np.float64)
    return np.asarray(-np.log(np.maximum(k / m, 0.5 / m)))


def run(X: np.ndarray, tables: Tables, per_feature: bool) -> np.ndarray:
    """Row scores (``per_feature=False``, shape ``(n, 1)``) or per-feature scores of ``X``
    from the tables of :func:`build_tables`. Serial for a few rows; parallel runs hold the
    process-wide kernel lock.
    """
    # numpy allocates the output: it asks for transparent huge pages on large arrays, where
    # numba's own allocations fault in every 4 KiB page (about 60 ms per 160 MB here)
    out = np.zeros((X.shape[0], X.shape[1] if per_feature else 1))
    if X.shape[0] < SERIAL_BELOW:
        _serial(X, tables, per_feature, out)
        return out
    with KERNEL_LOCK:
        _parallel(X, tables, per_feature, out)
    return out
