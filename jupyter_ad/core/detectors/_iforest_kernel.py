"""The compiled kernels of :class:`~.fast_iforest.FastIsolationForest`: growing and scoring.

Two tree layouts:

* **Linked** (what growing produces): nodes numbered depth first, so the left child of node
  ``k`` is ``k + 1`` and only the right child is stored; ``feature == -1`` marks a leaf. Any
  depth; scored by :func:`run_linked` (one row walks one tree until it reaches a leaf).
* **Perfect** (the fast path, for depths up to :data:`PERFECT_MAX_DEPTH`): every tree is
  padded to a perfect binary tree of depth ``D``, internal node ``k`` has children ``2k + 1``
  and ``2k + 2``, and a leaf above depth ``D`` becomes a chain of pass-through nodes
  (threshold ``+inf``: every finite value goes left) ending in leaves that hold its value.
  Every row then takes exactly ``D`` branch-free steps per tree, sixteen rows in lockstep,
  so the processor overlaps their memory loads and never mispredicts where a walk ends.
  Rows are scored in blocks copied feature-major into a buffer that stays in the L1 cache
  (:func:`block_rows`), and each node stores its feature as an offset into that buffer, so
  a step is three loads and an add. The path lengths are the same as the linked layout's,
  bit for bit (tested).

Parallel kernels split rows over threads; serial ones avoid the thread start-up cost for a few
rows (a single row is scored in microseconds). Parallel runs hold the process-wide kernel lock,
as numba's default threading layer must not run two parallel kernels at once (e.g. from Dask
worker threads).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from jupyter_ad._kernel_lock import KERNEL_LOCK

__all__ = ["PERFECT_MAX_DEPTH", "SERIAL_BELOW", "block_rows", "feature_offsets", "grow_forest",
           "run_linked", "run_perfect", "to_perfect"]

SERIAL_BELOW = 2000
BLOCK = 1024  # rows per parallel task of the linked kernel (their features stay in cache)
LANES = 16  # rows walking the perfect trees in lockstep
TASK_BLOCKS = 32  # blocks per parallel task of the perfect kernel
PERFECT_MAX_DEPTH = 12  # 4,095 internal nodes and 4,096 leaves per tree at most
_EULER_GAMMA = 0.5772156649015329
_U = np.uint64  # unsigned indices: numba emits no negative-index wrap-around for them


@njit(cache=True, nogil=True)
def _c(n: float) -> float:  # pragma: no cover - compiled
    """Average path length of an unsuccessful search in a BST of ``n`` nodes."""
    if n > 2.0:
        return 2.0 * (math.log(n - 1.0) + _EULER_GAMMA) - 2.0 * (n - 1.0) / n
    if n == 2.0:
        return 1.0
    return 0.0


# -- growing --------------------------------------------------------------------------------------
@njit(cache=True, nogil=True)
def grow_forest(samples: np.ndarray, psi: int, max_depth: int, max_nodes: int,
                seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                    np.ndarray]:  # pragma: no cover - compiled
    """Grow one tree per block of ``psi`` rows of ``samples`` (linked layout, flat arrays).

    Each node splits on a feature drawn uniformly among those that vary in the node, at a
    uniform random value between the node's minimum and maximum (values below the cut go
    left); a node with one row, no varying feature, or at ``max_depth`` is a leaf whose value
    is its depth plus ``c(rows)``.
    """
    np.random.seed(seed)
    n_trees = samples.shape[0] // psi
    n_features = samples.shape[1]
    feature = np.full(n_trees * max_nodes, -1, dtype=np.int32)
    threshold = np.zeros(n_trees * max_nodes)
    right = np.zeros(n_trees * max_nodes, dtype=np.int32)
    value = np.zeros(n_trees * max_nodes)
    rows = np.empty(psi, dtype=np.int64)
    lo = np.empty(n_features)
    hi = np.empty(n_features)
    varying = np.empty(n_features, dtype=np.int64)
    # stack entries: start, stop, depth, node whose right child this is (-1: a left child)
    stack = np.empty((max_depth + 2, 4), dtype=np.int64)
    for t in range(n_trees):
        base = t * psi
        offset = t * max_nodes
        for i in range(psi):
            rows[i] = base + i
        top = 0
        stack[0, 0], stack[0, 1], stack[0, 2], stack[0, 3] = 0, psi, 0, -1
        counter = 0
        while top >= 0:
            start, stop, depth, parent = stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3]
            top -= 1
            node = counter
            counter += 1
            if parent >= 0:
                right[offset + parent] = node
            size = stop - start
            mid = -1
            if depth < max_depth and size > 1:
                n_varying = 0
                for f in range(n_features):
                    lo[f] = samples[rows[start], f]
                    hi[f] = lo[f]
                for i in range(start + 1, stop):
                    for f in range(n_features):
                        v = samples[rows[i], f]
                        if v < lo[f]:
                            lo[f] = v
                        elif v > hi[f]:
                            hi[f] = v
                for f in range(n_features):
                    if hi[f] > lo[f]:
                        varying[n_varying] = f
                        n_varying += 1
                if n_varying > 0:
                    f = varying[min(int(np.random.random() * n_varying), n_varying - 1)]
                    cut = lo[f] + np.random.random() * (hi[f] - lo[f])
                    if cut <= lo[f]:  # a draw of (almost) 0: cut just above the minimum
                        cut = np.nextafter(lo[f], hi[f])
                    # partition rows[start:stop]: values below the cut first
                    mid = start
                    for i in range(start, stop):
                        if samples[rows[i], f] < cut:
                            rows[i], rows[mid] = rows[mid], rows[i]
                            mid += 1
                    feature[offset + node] = f
                    threshold[offset + node] = cut
            if start < mid < stop:
                top += 1  # the right child waits; the left child is next, so it is node + 1
                stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3] = (
                    mid, stop, depth + 1, node)
                top += 1
                stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3] = (
                    start, mid, depth + 1, -1)
            else:
                feature[offset + node] = -1
                value[offset + node] = depth + _c(float(size))
    return feature, threshold, right, value


@njit(cache=True, nogil=True)
def to_perfect(feature: np.ndarray, threshold: np.ndarray, right: np.ndarray,
               value: np.ndarray, offsets: np.ndarray,
               depth: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """The linked trees padded into perfect trees of ``depth`` (flat arrays, tree after tree).

    Returns ``(feature, threshold, leaf_value)``: ``(n_trees * (2**depth - 1))`` unsigned
    features and thresholds (``+inf`` on pass-through nodes), ``(n_trees * 2**depth)`` leaf
    values.
    """
    n_trees = offsets.shape[0]
    n_internal = (1 << depth) - 1
    p_feature = np.zeros(n_trees * n_internal, dtype=np.uint32)
    p_threshold = np.full(n_trees * n_internal, np.inf)
    p_value = np.zeros(n_trees * (n_internal + 1))
    stack = np.empty((depth + 2, 3), dtype=np.int64)  # linked node, perfect node, its depth
    for t in range(n_trees):
        root = offsets[t]
        top = 0
        stack[0, 0], stack[0, 1], stack[0, 2] = root, 0, 0
        while top >= 0:
            node, slot, level = stack[top, 0], stack[top, 1], stack[top, 2]
            top -= 1
            if feature[node] >= 0 and level < depth:
                p_feature[t * n_internal + slot] = feature[node]
                p_threshold[t * n_internal + slot] = threshold[node]
                top += 1
                stack[top, 0], stack[top, 1], stack[top, 2] = node + 1, 2 * slot + 1, level + 1
                top += 1
                stack[top, 0], stack[top, 1], stack[top, 2] = (
                    root + right[node], 2 * slot + 2, level + 1)
            else:  # a leaf: every leaf of the padded subtree holds its value
                first = slot
                for _ in range(depth - level):
                    first = 2 * first + 1
                width = 1 << (depth - level)
                start = t * (n_internal + 1) + first - n_internal
                for k in range(width):
                    p_value[start + k] = value[node]
    return p_feature, p_threshold, p_value


# -- scoring, perfect layout ----------------------------------------------------------------------
def block_rows(n_features: int) -> int:
    """Rows per block of the perfect-layout kernel: a multiple of :data:`LANES` (16 to 128)
    whose transposed copy (``n_features * rows`` float64) fits in 24 KiB of L1 cache.
    """
    fitting = (24 * 1024) // (8 * max(1, n_features)) // LANES * LANES
    return int(min(128, max(LANES, fitting)))


def feature_offsets(feature: np.ndarray, rows: int) -> np.ndarray:
    """Each perfect node's feature ``f`` as the offset ``f * rows`` into a transposed block
    (uint32: fewer bytes per tree in cache; wide enough for 268 million features).
    """
    offsets = feature.astype(np.uint64) * _U(rows)
    if offsets.size and int(offsets.max()) > np.iinfo(np.uint32).max:
        raise OverflowError(f"{int(feature.max()) + 1} features are too many for the kernel")
    return offsets.astype(np.uint32)


@njit(cache=True, nogil=True, inline="always")
def _step(block: np.ndarray, lane: np.uint64, node: np.uint64, offset: np.ndarray,
          threshold: np.ndarray) -> np.uint64:  # pragma: no cover - compiled
    return node + node + _U(1) + _U(block[lane + offset[node]] >= threshold[node])


@njit(cache=True, nogil=True, inline="always")
def _perfect_block(flat: np.ndarray, n_features: int, start: int, stop: int,
                   offset: np.ndarray, threshold: np.ndarray, leaf_value: np.ndarray,
                   depth: int, rows: int, block: np.ndarray,
                   out: np.ndarray) -> None:  # pragma: no cover - compiled
    """Mean path length of rows ``start:stop`` (at most ``rows``) into ``out[start:stop]``.

    ``flat`` is the C-ordered ``X`` as one row of values (row ``i`` starts at
    ``i * n_features``). The rows are first copied feature-major into ``block`` (value of
    feature ``f`` of row ``start + k`` at ``f * rows + k``, so a node's ``offset`` is
    ``f * rows``); then, tree by tree, sixteen rows walk in lockstep. Each lane reads
    ``block[lane + offset[node]]``: one add and three loads per step, with the lane number a
    constant, so all sixteen walks stay in registers.
    """
    m = stop - start
    for k in range(m):
        row = (start + k) * n_features
        for f in range(n_features):
            block[f * rows + k] = flat[row + f]
    n_internal = (1 << depth) - 1
    n_trees = offset.shape[0] // n_internal
    for i in range(start, stop):
        out[i] = 0.0
    for t in range(n_trees):
        off = offset[t * n_internal:(t + 1) * n_internal]
        cut = threshold[t * n_internal:(t + 1) * n_internal]
        leaf = leaf_value[t * (n_internal + 1):(t + 1) * (n_internal + 1)]
        k = 0
        while k + LANES <= m:  # sixteen independent walks in lockstep
            g = _U(k)
            n0 = n1 = n2 = n3 = n4 = n5 = n6 = n7 = _U(0)
            n8 = n9 = n10 = n11 = n12 = n13 = n14 = n15 = _U(0)
            for _ in range(depth):
                n0 = _step(block, g, n0, off, cut)
                n1 = _step(block, g + _U(1), n1, off, cut)
                n2 = _step(block, g + _U(2), n2, off, cut)
                n3 = _step(block, g + _U(3), n3, off, cut)
                n4 = _step(block, g + _U(4), n4, off, cut)
                n5 = _step(block, g + _U(5), n5, off, cut)
                n6 = _step(block, g + _U(6), n6, off, cut)
                n7 = _step(block, g + _U(7), n7, off, cut)
                n8 = _step(block, g + _U(8), n8, off, cut)
                n9 = _step(block, g + _U(9), n9, off, cut)
                n10 = _step(block, g + _U(10), n10, off, cut)
                n11 = _step(block, g + _U(11), n11, off, cut)
                n12 = _step(block, g + _U(12), n12, off, cut)
                n13 = _step(block, g + _U(13), n13, off, cut)
                n14 = _step(block, g + _U(14), n14, off, cut)
                n15 = _step(block, g + _U(15), n15, off, cut)
            first = _U(n_internal)  # perfect node n_internal + j is leaf j
            i = start + k
            out[i] += leaf[n0 - first]
            out[i + 1] += leaf[n1 - first]
            out[i + 2] += leaf[n2 - first]
            out[i + 3] += leaf[n3 - first]
            out[i + 4] += leaf[n4 - first]
            out[i + 5] += leaf[n5 - first]
            out[i + 6] += leaf[n6 - first]
            out[i + 7] += leaf[n7 - first]
            out[i + 8] += leaf[n8 - first]
            out[i + 9] += leaf[n9 - first]
            out[i + 10] += leaf[n10 - first]
            out[i + 11] += leaf[n11 - first]
            out[i + 12] += leaf[n12 - first]
            out[i + 13] += leaf[n13 - first]
            out[i + 14] += leaf[n14 - first]
            out[i + 15] += leaf[n15 - first]
            k += LANES
    tail = m - m % LANES
    for k in range(tail, m):  # the last rows (a single row, for score_one): trees in lockstep
        out[start + k] = _one_row(block, _U(k), offset, threshold, leaf_value, depth)
    for i in range(start, stop):
        out[i] /= n_trees


@njit(cache=True, nogil=True, inline="always")
def _tree_step(block: np.ndarray, lane: np.uint64, node: np.uint64, base: np.uint64,
               offset: np.ndarray, threshold: np.ndarray) -> np.uint64:  # pragma: no cover
    """:func:`_step` in the tree whose nodes start at ``base`` of the packed arrays."""
    j = base + node
    return node + node + _U(1) + _U(block[lane + offset[j]] >= threshold[j])


@njit(cache=True, nogil=True, inline="always")
def _one_row(block: np.ndarray, lane: np.uint64, offset: np.ndarray, threshold: np.ndarray,
             leaf_value: np.ndarray, depth: int) -> float:  # pragma: no cover - compiled
    """Sum of the leaf values of one row over all trees, eight trees walked in lockstep (a
    row alone has no other rows to overlap its steps with), added in tree order.
    """
    n_internal = (1 << depth) - 1
    n_trees = offset.shape[0] // n_internal
    size = _U(n_internal)
    total = 0.0
    t = 0
    while t < n_trees:
        width = min(8, n_trees - t)  # trees t .. t + width - 1; lanes past them repeat the last
        last = width - 1
        b0 = _U(t) * size
        b1, b2 = b0 + size * _U(min(1, last)), b0 + size * _U(min(2, last))
        b3, b4 = b0 + size * _U(min(3, last)), b0 + size * _U(min(4, last))
        b5, b6 = b0 + size * _U(min(5, last)), b0 + size * _U(min(6, last))
        b7 = b0 + size * _U(min(7, last))
        n0 = n1 = n2 = n3 = n4 = n5 = n6 = n7 = _U(0)
        for _ in range(depth):
            n0 = _tree_step(block, lane, n0, b0, offset, threshold)
            n1 = _tree_step(block, lane, n1, b1, offset, threshold)
            n2 = _tree_step(block, lane, n2, b2, offset, threshold)
            n3 = _tree_step(block, lane, n3, b3, offset, threshold)
            n4 = _tree_step(block, lane, n4, b4, offset, threshold)
            n5 = _tree_step(block, lane, n5, b5, offset, threshold)
            n6 = _tree_step(block, lane, n6, b6, offset, threshold)
            n7 = _tree_step(block, lane, n7, b7, offset, threshold)
        nodes = (n0, n1, n2, n3, n4, n5, n6, n7)
        for w in range(width):  # perfect node k of tree t + w is leaf k - n_internal
            total += leaf_value[_U(t + w) * (size + _U(1)) + nodes[w] - size]
        t += width
    return total


@njit(parallel=True, cache=True, nogil=True)
def _perfect_parallel(flat: np.ndarray, n_features: int, offset: np.ndarray,
                      threshold: np.ndarray, leaf_value: np.ndarray, depth: int,
                      rows: int, out: np.ndarray) -> None:  # pragma: no cover - compiled
    n = out.shape[0]
    n_blocks = (n + rows - 1) // rows
    n_tasks = (n_blocks + TASK_BLOCKS - 1) // TASK_BLOCKS
    for task in prange(n_tasks):
        block = np.empty(n_features * rows)  # one per task: tasks run on different threads
        for b in range(task * TASK_BLOCKS, min(n_blocks, (task + 1) * TASK_BLOCKS)):
            _perfect_block(flat, n_features, b * rows, min(n, (b + 1) * rows), offset,
                           threshold, leaf_value, depth, rows, block, out)


@njit(cache=True, nogil=True)
def _perfect_serial(flat: np.ndarray, n_features: int, offset: np.ndarray,
                    threshold: np.ndarray, leaf_value: np.ndarray, depth: int,
                    rows: int, out: np.ndarray) -> None:  # pragma: no cover - compiled
    n = out.shape[0]
    block = np.empty(n_features * rows)
    for b in range((n + rows - 1) // rows):
        _perfect_block(flat, n_features, b * rows, min(n, (b + 1) * rows), offset, threshold,
                       leaf_value, depth, rows, block, out)


def run_perfect(X: np.ndarray, offset: np.ndarray, threshold: np.ndarray,
                leaf_value: np.ndarray, depth: int, rows: int) -> np.ndarray:
    """Mean path length of each row of the C-ordered float64 ``X`` over perfect trees (see
    :func:`to_perfect`), with node offsets from :func:`feature_offsets` for blocks of
    ``rows`` (:func:`block_rows`).
    """
    out = np.empty(X.shape[0])  # from numpy: huge pages (see _numeric_kernel.impute_scale)
    args = (X.reshape(-1), X.shape[1], offset, threshold, leaf_value, depth, rows, out)
    if X.shape[0] < SERIAL_BELOW:
        _perfect_serial(*args)
        return out
    with KERNEL_LOCK:
        _perfect_parallel(*args)
    return out


# -- scoring, linked layout (any depth) -----------------------------------------------------------
@njit(cache=True, nogil=True, inline="always")
def _linked_block(X: np.ndarray, start: int, stop: int, feature: np.ndarray,
                  threshold: np.ndarray, right: np.ndarray, value: np.ndarray,
                  offsets: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    n_trees = offsets.shape[0]
    for i in range(start, stop):
        out[i] = 0.0
    for t in range(n_trees):  # tree by tree over a block of rows: one tree stays in cache
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


@njit(parallel=True, cache=True, nogil=True)
def _linked_parallel(X: np.ndarray, feature: np.ndarray, threshold: np.ndarray,
                     right: np.ndarray, value: np.ndarray,
                     offsets: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    n = X.shape[0]
    out = np.empty(n)
    for b in prange((n + BLOCK - 1) // BLOCK):
        _linked_block(X, b * BLOCK, min(n, (b + 1) * BLOCK), feature, threshold, right, value,
                      offsets, out)
    return out


@njit(cache=True, nogil=True)
def _linked_serial(X: np.ndarray, feature: np.ndarray, threshold: np.ndarray,
                   right: np.ndarray, value: np.ndarray,
                   offsets: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    out = np.empty(X.shape[0])
    _linked_block(X, 0, X.shape[0], feature, threshold, right, value, offsets, out)
    return out


def run_linked(X: np.ndarray, feature: np.ndarray, threshold: np.ndarray, right: np.ndarray,
               value: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Mean path length of each row of ``X`` over linked trees (any depth)."""
    trees = (feature, threshold, right, value, offsets)
    if X.shape[0] < SERIAL_BELOW:
        return np.asarray(_linked_serial(X, *trees))
    with KERNEL_LOCK:
        return np.asarray(_linked_parallel(X, *trees))
