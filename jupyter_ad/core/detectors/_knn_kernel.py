"""The compiled kernel of :class:`~.sampled_knn.SampledKNN`: k-th nearest reference distance.

Each row is put on the detector's scale (robust z-score of every feature, then
``sign(z) * log(1 + |z|)`` when ``squash`` is on) in float32, and compared with every reference
row, which is stored feature-major (``n_features x m``): the inner loop runs over contiguous
reference values, so it is vectorised (eight float32 lanes per instruction on AVX2). The ``k``
smallest squared distances are kept by insertion into a sorted buffer of ``k`` values; after the
first few references almost every candidate is rejected by one comparison.

A row's score is computed by the same instructions whether it is scored alone or in a batch,
so both give the same bits. Parallel runs (many rows) split the rows over threads and hold the
process-wide kernel lock, like the other kernels; a few rows are scored serially, without the
cost of starting threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from jupyter_ad._kernel_lock import KERNEL_LOCK

__all__ = ["SERIAL_BELOW", "kth_distances", "to_scale"]

SERIAL_BELOW = 1000
BLOCK = 256  # rows per parallel task
LIMIT = 1e15  # scaled values are clipped here: float32 squares and their sums stay finite
SKIP = np.float32(np.finfo(np.float32).max)  # the distance of a row to itself, when skipped
# Vectorising the distance loop needs some of LLVM's fast-math freedoms, but not "no infinities
# or NaNs": the buffer of the k smallest distances starts out infinite.
_FAST = {"contract", "arcp", "nsz", "reassoc"}


@njit(cache=True, nogil=True, inline="always", fastmath=_FAST)
def _scaled_row(X: np.ndarray, i: int, center: np.ndarray, inv_scale: np.ndarray,
                squash: bool, w: np.ndarray) -> None:  # pragma: no cover - compiled
    for f in range(X.shape[1]):
        v = (X[i, f] - center[f]) * inv_scale[f]
        if squash:
            v = math.copysign(math.log1p(abs(v)), v)
        w[f] = np.float32(min(max(v, -LIMIT), LIMIT))


@njit(cache=True, nogil=True)
def to_scale(X: np.ndarray, center: np.ndarray, inv_scale: np.ndarray,
             squash: bool) -> np.ndarray:  # pragma: no cover - compiled
    """Rows of ``X`` on the detector's scale, feature-major float32 (``n_features x n``): the
    reference layout.
    """
    n, d = X.shape
    out = np.empty((d, n), dtype=np.float32)
    w = np.empty(d, dtype=np.float32)
    for i in range(n):
        _scaled_row(X, i, center, inv_scale, squash, w)
        for f in range(d):
            out[f, i] = w[f]
    return out


@njit(cache=True, nogil=True, inline="always", fastmath=_FAST)
def _count_at_most(dist: np.ndarray, t: np.float32) -> int:  # pragma: no cover - compiled
    c = 0
    for j in range(dist.shape[0]):  # vectorised: no branch
        c += dist[j] <= t
    return c


@njit(cache=True, nogil=True, inline="always", fastmath=_FAST)
def _kth_smallest(dist: np.ndarray, k: int, candidates: np.ndarray,
                  best: np.ndarray) -> float:  # pragma: no cover - compiled
    """The ``k``-th smallest value of ``dist`` (``k <= dist.size``).

    Branchy selection over hundreds of values costs more than computing them, so a bound is
    narrowed first with vectorised counts: ``high`` starts as the largest of the first ``k``
    values other than :data:`SKIP` (at least ``k`` values are <= it; ``dist`` holds at most
    one :data:`SKIP` and ``k < dist.size``) and is halved toward zero while at least ``k``
    values stay at or below it, until at most ``3 k`` do. Only those few are then selected
    exactly, by insertion into the sorted buffer ``best``.
    """
    m = dist.shape[0]
    high = np.float32(0.0)
    seen = 0
    for j in range(m):
        if dist[j] != SKIP:
            high = max(high, dist[j])
            seen += 1
            if seen == k:
                break
    low = np.float32(0.0)
    count = _count_at_most(dist, high)
    for _ in range(40):
        if count <= 3 * k:
            break
        middle = np.float32(0.5) * (low + high)
        if middle == high or middle == low:  # noqa: SIM109 - ties: nothing strictly between
            break
        below = _count_at_most(dist, middle)
        if below >= k:
            high, count = middle, below
        else:
            low = middle
    n = 0
    for j in range(m):  # rarely true: the branch is predicted
        if dist[j] <= high:
            candidates[n] = dist[j]
            n += 1
    filled = 0
    for j in range(n):
        v = candidates[j]
        if filled < k:
            p = filled
            filled += 1
        elif v < best[k - 1]:
            p = k - 1
        else:
            continue
        while p > 0 and best[p - 1] > v:
            best[p] = best[p - 1]
            p -= 1
        best[p] = v
    return float(best[k - 1])


@njit(cache=True, nogil=True, inline="always", fastmath=_FAST)
def _rows(X: np.ndarray, start: int, stop: int, center: np.ndarray, inv_scale: np.ndarray,
          squash: bool, reference: np.ndarray, k: int, self_index: np.ndarray,
          out: np.ndarray) -> None:  # pragma: no cover - compiled
    d, m = reference.shape
    w = np.empty(d, dtype=np.float32)
    dist = np.empty(m, dtype=np.float32)
    candidates = np.empty(m, dtype=np.float32)
    best = np.empty(k, dtype=np.float32)
    loo = self_index.shape[0] > 0
    for i in range(start, stop):
        _scaled_row(X, i, center, inv_scale, squash, w)
        for j in range(m):
            dist[j] = 0.0
        for f in range(d):
            wf = w[f]
            for j in range(m):
                t = wf - reference[f, j]
                dist[j] += t * t
        if loo and self_index[i] >= 0:  # a training row in the reference is not its neighbour
            dist[self_index[i]] = SKIP
        out[i] = math.sqrt(_kth_smallest(dist, k, candidates, best))


@njit(parallel=True, cache=True, nogil=True, fastmath=_FAST)
def _parallel(X: np.ndarray, center: np.ndarray, inv_scale: np.ndarray, squash: bool,
              reference: np.ndarray, k: int, self_index: np.ndarray,
              out: np.ndarray) -> None:  # pragma: no cover - compiled
    n = X.shape[0]
    for b in prange((n + BLOCK - 1) // BLOCK):
        _rows(X, b * BLOCK, min(n, (b + 1) * BLOCK), center, inv_scale, squash, reference, k,
              self_index, out)


@njit(cache=True, nogil=True, fastmath=_FAST)
def _serial(X: np.ndarray, center: np.ndarray, inv_scale: np.ndarray, squash: bool,
            reference: np.ndarray, k: int, self_index: np.ndarray,
            out: np.ndarray) -> None:  # pragma: no cover - compiled
    _rows(X, 0, X.shape[0], center, inv_scale, squash, reference, k, self_index, out)


def kth_distances(X: np.ndarray, center: np.ndarray, inv_scale: np.ndarray, squash: bool,
                  reference: np.ndarray, k: int,
                  self_index: np.ndarray | None = None) -> np.ndarray:
    """Distance from each row of the finite float64 ``X`` to its ``k``-th nearest reference row.

    ``reference`` is :func:`to_scale` of the reference rows (``k`` less than their number);
    ``self_index[i]``, when given, is the reference column holding row ``i`` itself (``-1`` if
    none), which is then skipped.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    out = np.empty(X.shape[0])
    index = np.empty(0, dtype=np.int64) if self_index is None else self_index
    args = (X, center, inv_scale, bool(squash), reference, int(k), index, out)
    if X.shape[0] < SERIAL_BELOW:
        _serial(*args)
        return out
    with KERNEL_LOCK:
        _parallel(*args)
    return out
