r"""ECOD and COPOD: empirical-CDF detectors that never re-fit on the rows they score.

PyOD's ECOD and COPOD re-fit on ``train + test`` inside ``decision_function`` (upstream issues
#400/#401), so test rows change each other's scores. These implementations keep the training
ECDFs and score any row against them alone: a row's score is the same alone or in a batch.

For a training sample :math:`x^{(1..n)}_j` of feature :math:`j`, the left and right tail
probabilities of a value :math:`v` are :math:`F_j(v) = |\{x_j \le v\}| / n` and
:math:`\bar F_j(v) = |\{x_j \ge v\}| / n` (floored at :math:`1/(n+1)`). The per-feature
scores are their negative logs; see Li et al. 2020 (COPOD) and Li et al. 2022 (ECOD).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import skew as _skew

from jupyter_ad.core.detectors.base import BaseDetector

__all__ = ["COPOD", "ECOD"]


class _ECDFDetector(BaseDetector):
    """Keeps the sorted training columns; tail probabilities come from ``searchsorted``."""

    def _fit(self, X: np.ndarray) -> None:
        self.sorted_train_ = np.sort(X, axis=0)
        skewness = np.nan_to_num(_skew(X, axis=0, bias=True))
        self.skew_sign_ = np.sign(skewness)

    def _tails(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ref = self.sorted_train_
        n = ref.shape[0]
        left = np.empty_like(X)
        right = np.empty_like(X)
        for j in range(X.shape[1]):
            left[:, j] = np.searchsorted(ref[:, j], X[:, j], side="right")
            right[:, j] = n - np.searchsorted(ref[:, j], X[:, j], side="left")
        floor = 1.0 / (n + 1)
        return (-np.log(np.maximum(left / n, floor)), -np.log(np.maximum(right / n, floor)))

    def _skewed(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The tail the feature's skewness points to (both tails when it is symmetric)."""
        sign = self.skew_sign_
        return np.where(sign < 0, left, np.where(sign > 0, right, left + right))

    def _per_feature(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _score(self, X: np.ndarray) -> np.ndarray:
        return self._per_feature(X).sum(axis=1)

    def feature_contributions(self, X: np.ndarray) -> np.ndarray:
        """Native per-feature contributions: their row sum is the score of each row of ``X``."""
        self._check_fitted()
        return self._per_feature(self._check_array(X, fitting=False))


class ECOD(_ECDFDetector):
    """Empirical-CDF-based Outlier Detection (Li et al., 2022). Parameter-free.

    Per feature, the largest of the left tail, the right tail and the skew-chosen tail.
    """

    def __init__(self) -> None:
        pass

    def _per_feature(self, X: np.ndarray) -> np.ndarray:
        left, right = self._tails(X)
        return np.maximum(np.maximum(left, right), self._skewed(left, right))


class COPOD(_ECDFDetector):
    """Copula-based Outlier Detection (Li et al., 2020). Parameter-free.

    Per feature, the larger of the skew-chosen tail and the mean of both tails.
    """

    def __init__(self) -> None:
        pass

    def _per_feature(self, X: np.ndarray) -> np.ndarray:
        left, right = self._tails(X)
        return np.maximum(self._skewed(left, right), (left + right) / 2)
