r"""ECOD and COPOD: empirical-CDF detectors that never re-fit on the rows they score.

PyOD's ECOD and COPOD re-fit on ``train + test`` inside ``decision_function`` (upstream issues
#400/#401), so test rows change each other's scores. These implementations keep the training
ECDFs and score any row against them alone: a row's score is the same alone or in a batch.

For a training sample :math:`x^{(1..n)}_j` of feature :math:`j`, the left and right tail
probabilities of a value :math:`v` are :math:`F_j(v) = |\{x_j \le v\}| / n` and
:math:`\bar F_j(v) = |\{x_j \ge v\}| / n` (floored at :math:`1/(2n)`, so that a value beyond
the training range scores at least as high as any value inside it). The per-feature scores are
their negative logs; see Li et al. 2020 (COPOD) and Li et al. 2022 (ECOD).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import skew as _skew

from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.params import Interval

__all__ = ["COPOD", "ECOD"]


class _ECDFDetector(BaseDetector):
    """Keeps sorted training columns (at most ``max_reference`` rows, a seeded sample of the
    training rows beyond that); per-feature scores come from compiled lookup tables.
    """

    _clip_input = False  # counting is exact for any finite value

    _param_rules = {
        "max_reference": Interval(int, 2, allow_none=True),
        "random_state": Interval(int, 0, None, allow_none=True),
    }

    def __init__(self, max_reference: int | None = 100_000,
                 random_state: int | None = None) -> None:
        self.max_reference = max_reference
        self.random_state = random_state

    def _fit(self, X: np.ndarray) -> None:
        self.__dict__.pop("_lookup", None)  # a re-fit replaces the reference
        ref = X
        if self.max_reference is not None and X.shape[0] > self.max_reference:
            rows = np.random.default_rng(self.random_state).choice(
                X.shape[0], self.max_reference, replace=False)
            ref = X[rows]
        # one contiguous sorted row per feature (shape: n_features x n_reference)
        self.sorted_train_ = np.sort(np.ascontiguousarray(ref.T), axis=1)
        self.skew_sign_ = np.sign(np.nan_to_num(_skew(ref, axis=0, bias=True)))

    _mode = 0  # ECOD_MODE; COPOD sets COPOD_MODE

    def _tables(self) -> Any:
        """The lookup tables of :mod:`._ecdf_kernel`, built once per fitted detector."""
        from jupyter_ad.core.detectors._ecdf_kernel import build_tables, neg_log_shares

        tables = self.__dict__.get("_lookup")
        if tables is None:
            neg_log = neg_log_shares(self.sorted_train_.shape[1])
            tables = self.__dict__["_lookup"] = build_tables(
                self.sorted_train_, neg_log, self.skew_sign_.astype(np.float64), self._mode)
        return tables

    def _kernel(self, X: np.ndarray, per_feature: bool) -> np.ndarray:
        from jupyter_ad.core.detectors._ecdf_kernel import run

        return run(np.ascontiguousarray(X, dtype=np.float64), self._tables(), per_feature)

    def _score(self, X: np.ndarray) -> np.ndarray:
        return self._kernel(X, per_feature=False)[:, 0]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_lookup", None)  # rebuilt on first use: keeps saved models small
        return state

    def feature_contributions(self, X: np.ndarray) -> np.ndarray:
        """Native per-feature contributions: their row sum is the score of each row of ``X``."""
        self._check_fitted()
        return self._kernel(self._check_array(X, fitting=False), per_feature=True)


class ECOD(_ECDFDetector):
    """Empirical-CDF-based Outlier Detection (Li et al., 2022). No tuning parameters.

    Per feature, the largest of the left tail, the right tail and the skew-chosen tail.

    Parameters
    ----------
    max_reference : int or None, default 100_000
        Training rows kept as the reference sample (a seeded random sample beyond that), which
        bounds the model's size and scoring time; ``None`` keeps every row.
    random_state : int or None
        Seed of that sample.
    """

    _mode = 0


class COPOD(_ECDFDetector):
    """Copula-based Outlier Detection (Li et al., 2020). No tuning parameters.

    Per feature, the larger of the skew-chosen tail and the mean of both tails.

    Parameters
    ----------
    max_reference : int or None, default 100_000
        Training rows kept as the reference sample (a seeded random sample beyond that), which
        bounds the model's size and scoring time; ``None`` keeps every row.
    random_state : int or None
        Seed of that sample.
    """

    _mode = 1
