"""A fast Isolation Forest: trees grown with numpy, rows scored by a parallel numba kernel.

Same algorithm as Liu, Ting & Zhou (2008) and scikit-learn's ``IsolationForest``: each tree is
grown on ``max_samples`` rows drawn without replacement, splitting on a random feature at a
uniform random value between its node minimum and maximum, down to depth
``ceil(log2(max_samples))``; a row's score is ``2 ** (-E[h(x)] / c(max_samples))`` where
``h(x)`` is its path length plus the expected path length ``c(size)`` of the leaf it ends in.
Higher = more anomalous (0.5 is average; near 1 is isolated quickly).

Trees are stored as flat arrays, so scoring is one pass over rows (parallel over rows) and
needs no Python per tree; a row's score never depends on the other rows scored.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.params import Interval

__all__ = ["FastIsolationForest", "average_path_length"]

_EULER_GAMMA = 0.5772156649015329


def average_path_length(n: np.ndarray | float) -> np.ndarray:
    """``c(n)``: the average path length of an unsuccessful search in a BST of ``n`` nodes."""
    n = np.asarray(n, dtype=np.float64)
    out = np.zeros_like(n)
    two = n == 2
    big = n > 2
    out[two] = 1.0
    out[big] = 2.0 * (np.log(n[big] - 1.0) + _EULER_GAMMA) - 2.0 * (n[big] - 1.0) / n[big]
    return out


def _grow_tree(sample: np.ndarray, max_depth: int, rng: np.random.Generator,
               max_nodes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One isolation tree as arrays (feature, threshold, right child, leaf value).

    Nodes are numbered depth first, so the left child of node ``k`` is ``k + 1`` and only the
    right child is stored. ``feature == -1`` marks a leaf. A tree on ``n`` rows has at most
    ``2n - 1`` nodes, as both sides of every split hold at least one row.
    """
    feature = np.full(max_nodes, -1, dtype=np.int32)
    threshold = np.zeros(max_nodes, dtype=np.float64)
    right = np.zeros(max_nodes, dtype=np.int32)
    value = np.zeros(max_nodes, dtype=np.float64)
    counter = [0]
    n_features = sample.shape[1]

    def grow(rows: np.ndarray, depth: int) -> int:
        node = counter[0]
        counter[0] += 1
        if depth < max_depth and rows.size > 1:
            # features in random order; the first one that varies in this node is split
            for f in rng.permutation(n_features):
                column = sample[rows, f]
                lo, hi = column.min(), column.max()
                if hi <= lo:
                    continue
                cut = float(rng.uniform(lo, hi))
                goes_left = column < cut
                if 0 < goes_left.sum() < rows.size:
                    feature[node], threshold[node] = f, cut
                    grow(rows[goes_left], depth + 1)
                    right[node] = grow(rows[~goes_left], depth + 1)
                    return node
                break
        value[node] = depth + float(average_path_length(float(rows.size)))
        return node

    grow(np.arange(sample.shape[0]), 0)
    return feature, threshold, right, value


def _sample_rows(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """``size`` distinct row numbers out of ``n`` in O(size) (``choice`` permutes all ``n``)."""
    if size * 4 > n:
        return rng.choice(n, size, replace=False)
    picked = np.unique(rng.integers(0, n, size + size // 4 + 16))
    while picked.size < size:
        picked = np.unique(np.concatenate([picked, rng.integers(0, n, size)]))
    return rng.permutation(picked)[:size]


class FastIsolationForest(BaseDetector):
    """Isolation Forest with a compiled, parallel scoring kernel (numba).

    Parameters
    ----------
    n_estimators : int, default 100
        Number of trees.
    max_samples : int, float or "auto", default "auto"
        Rows per tree: ``min(256, n)`` for ``"auto"``, a count, or a share (0, 1] of the rows.
    random_state : int or None
        Seed of the row samples and splits.
    """

    _param_rules = {
        "n_estimators": Interval(int, 1),
        "max_samples": Interval(float, 0, None, open_low=True, also=("auto",)),
        "random_state": Interval(int, 0, None, allow_none=True),
    }

    def __init__(self, n_estimators: int = 100, max_samples: Any = "auto",
                 random_state: int | None = None) -> None:
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.random_state = random_state

    def _sample_size(self, n: int) -> int:
        ms = self.max_samples
        if isinstance(ms, str):
            return min(256, n)
        if ms <= 1 and isinstance(ms, float):
            return max(1, int(ms * n))
        return min(int(ms), n)

    def _fit(self, X: np.ndarray) -> None:
        rng = np.random.default_rng(self.random_state)
        n = X.shape[0]
        psi = self._sample_size(n)
        max_depth = max(1, math.ceil(math.log2(max(psi, 2))))
        max_nodes = 2 * psi - 1
        trees = [_grow_tree(X[_sample_rows(rng, n, psi)], max_depth, rng, max_nodes)
                 for _ in range(self.n_estimators)]
        self.feature_ = np.concatenate([t[0] for t in trees])
        self.threshold_split_ = np.concatenate([t[1] for t in trees])
        self.right_ = np.concatenate([t[2] for t in trees])
        self.value_ = np.concatenate([t[3] for t in trees])
        self.tree_offsets_ = (np.arange(self.n_estimators) * max_nodes).astype(np.int64)
        self.normaliser_ = float(average_path_length(float(psi))) or 1.0
        self.max_samples_ = psi

    def _score(self, X: np.ndarray) -> np.ndarray:
        from jupyter_ad.core.detectors._iforest_kernel import run

        depth = run(np.ascontiguousarray(X, dtype=np.float64), self.feature_,
                                 self.threshold_split_, self.right_, self.value_,
                                 self.tree_offsets_)
        return np.asarray(2.0 ** (-depth / self.normaliser_))
