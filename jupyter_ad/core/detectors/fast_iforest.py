"""A fast Isolation Forest: trees grown and rows scored by compiled (numba) kernels.

Same algorithm as Liu, Ting & Zhou (2008) and scikit-learn's ``IsolationForest``: each tree is
grown on ``max_samples`` rows drawn without replacement, splitting on a random feature at a
uniform random value between its node minimum and maximum, down to depth
``ceil(log2(max_samples))``; a row's score is ``2 ** (-E[h(x)] / c(max_samples))`` where
``h(x)`` is its path length plus the expected path length ``c(size)`` of the leaf it ends in.
Higher = more anomalous (0.5 is average; near 1 is isolated quickly).

Trees are stored as flat arrays and, up to depth 12 (``max_samples`` up to 4,096), also padded
into perfect binary trees, so every row takes the same number of branch-free steps per tree
(see :mod:`._iforest_kernel`). Scoring is one pass over rows, parallel over rows, with no
Python per tree; a row's score never depends on the other rows scored.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.params import Interval
from jupyter_ad.errors import DataError

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
        from jupyter_ad.core.detectors import _iforest_kernel as kernel

        self.__dict__.pop("_perfect", None)  # a re-fit replaces the trees
        rng = np.random.default_rng(self.random_state)
        n = X.shape[0]
        psi = self._sample_size(n)
        max_depth = max(1, math.ceil(math.log2(max(psi, 2))))
        max_nodes = 2 * psi - 1
        rows = np.concatenate([_sample_rows(rng, n, psi) for _ in range(self.n_estimators)])
        samples = np.ascontiguousarray(X[rows])
        seed = int(rng.integers(0, 2**31 - 1))
        (self.feature_, self.threshold_split_, self.right_,
         self.value_) = kernel.grow_forest(samples, psi, max_depth, max_nodes, seed)
        self.tree_offsets_ = (np.arange(self.n_estimators) * max_nodes).astype(np.int64)
        self.normaliser_ = float(average_path_length(float(psi))) or 1.0
        self.max_samples_ = psi
        self.max_depth_ = max_depth

    def _perfect_trees(self, n_features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                        int] | None:
        """The trees padded to perfect trees, as :func:`~._iforest_kernel.run_perfect` takes
        them for rows of ``n_features`` values: node offsets, thresholds, leaf values and block
        rows (built once; ``None`` for trees too deep).
        """
        from jupyter_ad.core.detectors import _iforest_kernel as kernel

        depth = self._depth()
        if depth > kernel.PERFECT_MAX_DEPTH:
            return None
        trees = self.__dict__.get("_perfect")
        if trees is None:
            feature, threshold, leaf_value = kernel.to_perfect(
                self.feature_, self.threshold_split_, self.right_, self.value_,
                self.tree_offsets_, depth)
            rows = kernel.block_rows(n_features)
            trees = self.__dict__["_perfect"] = (kernel.feature_offsets(feature, rows),
                                                 threshold, leaf_value, rows)
        return trees  # type: ignore[no-any-return]

    def path_lengths(self, X: np.ndarray, *, layout: str = "auto") -> np.ndarray:
        """Mean path length ``E[h(x)]`` of each row of ``X`` (finite float64, fitted width).

        ``layout="linked"`` walks the trees as grown (the reference the fast ``"perfect"``
        layout is tested against); ``"auto"`` takes the perfect layout when the trees allow.
        """
        from jupyter_ad.core.detectors import _iforest_kernel as kernel

        X = np.ascontiguousarray(X, dtype=np.float64)
        fitted = self.__dict__.get("n_features_in_")  # (not set yet while fit scores its rows)
        if X.ndim != 2 or (fitted is not None and X.shape[1] != fitted):
            raise DataError(f"path_lengths needs a 2-D array of {fitted} features, got shape "
                            f"{X.shape}.")
        perfect = self._perfect_trees(X.shape[1]) if layout != "linked" else None
        if perfect is None:
            return kernel.run_linked(X, self.feature_, self.threshold_split_, self.right_,
                                     self.value_, self.tree_offsets_)
        offset, threshold, leaf_value, rows = perfect
        return kernel.run_perfect(X, offset, threshold, leaf_value, self._depth(), rows)

    def _depth(self) -> int:
        # models saved before max_depth_ was kept derive it from max_samples_
        return int(self.__dict__.get("max_depth_") or
                   max(1, math.ceil(math.log2(max(self.max_samples_, 2)))))

    def _score(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(np.exp2(-self.path_lengths(X) / self.normaliser_))

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_perfect", None)  # derived from the linked trees on first use
        return state
