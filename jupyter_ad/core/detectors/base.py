"""The detector base class: scikit-learn estimator rules plus one score convention.

Score convention (every detector, tested for each): a **higher score means more anomalous**,
and label 1 means anomaly. Scores are always finite.
"""

from __future__ import annotations

import importlib
import math
import warnings
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin

from jupyter_ad.core.params import Rule, check_params
from jupyter_ad.errors import DataError, NotFittedError, ParameterError

__all__ = ["BaseDetector", "finite_scores", "import_object"]


def import_object(path: str) -> Any:
    """Import ``"package.module.Name"`` and return ``Name``."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def finite_scores(scores: Any) -> np.ndarray:
    """Return scores as a 1-D float64 array with NaN/inf replaced by finite extremes.

    ``+inf`` becomes a value above the largest finite score (most anomalous), ``-inf`` one
    below the smallest, and ``NaN`` the median: a score we cannot compute says "not unusual".
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    if (all(map(math.isfinite, s.tolist())) if s.size <= 8 else np.isfinite(s).all()):
        return s  # (a plain loop is cheaper than a ufunc for one row: the score_one path)
    s = s.copy()
    finite = s[np.isfinite(s)]
    if finite.size == 0:
        return np.zeros_like(s)
    lo, hi = float(finite.min()), float(finite.max())
    span = max(hi - lo, 1.0)
    s[np.isposinf(s)] = hi + span
    s[np.isneginf(s)] = lo - span
    s[np.isnan(s)] = float(np.median(finite))
    return s


class BaseDetector(OutlierMixin, BaseEstimator):  # type: ignore[misc]
    """Base class of every jupyter-ad detector.

    Subclasses store their parameters in ``__init__`` (nothing else), declare
    ``_param_rules``, and implement ``_fit(X)``, ``_score(X)`` and optionally
    ``_training_scores(X)`` (scores of the training rows, e.g. leave-one-out for neighbour
    methods). All work on a 2-D float64 array with finite values.

    Attributes
    ----------
    decision_scores_ : ndarray of shape (n_samples,)
        Anomaly scores of the training rows (higher = more anomalous).
    threshold_ : float
        Score above which a row is labelled 1 by :meth:`predict` (Tukey's fence on the
        training scores; see :func:`jupyter_ad.core.thresholds.auto_threshold`).
    n_features_in_ : int
        Number of features seen in ``fit``.
    """

    _param_rules: ClassVar[dict[str, Rule]] = {}

    # -- subclass hooks -------------------------------------------------------------------------
    def _fit(self, X: np.ndarray) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _score(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _training_scores(self, X: np.ndarray) -> np.ndarray:
        return self._score(X)

    # -- public scikit-learn API ----------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> BaseDetector:
        """Fit the detector on ``X`` (unsupervised: ``y`` is ignored) and return ``self``."""
        check_params(type(self).__name__, self.get_params(deep=False), self._param_rules)
        X = self._check_array(X, fitting=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                self._fit(X)
                train = finite_scores(self._training_scores(X))
        except (ValueError, TypeError) as exc:
            raise ParameterError(
                f"{type(self).__name__} could not be fitted with parameters "
                f"{self.get_params(deep=False)} on data of shape {X.shape}: {exc}"
            ) from exc
        self.n_features_in_ = X.shape[1]
        self.decision_scores_ = train
        from jupyter_ad.core.thresholds import auto_threshold

        self.threshold_ = auto_threshold(train)
        return self

    def score_samples(self, X: Any) -> np.ndarray:
        """Anomaly score of each row of ``X``: higher means more anomalous; always finite."""
        self._check_fitted()
        return self._score_validated(self._check_array(X, fitting=False))

    def _score_validated(self, X: np.ndarray) -> np.ndarray:
        """Scores of ``X`` already known to be a finite 2-D float64 array of the fitted width:
        what :meth:`_check_array` returns, and what a model's preprocessing produces (so
        ``AnomalyModel`` scores its preprocessed rows without a second pass of checks).
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return finite_scores(self._score(X))

    def decision_function(self, X: Any) -> np.ndarray:
        """Same as :meth:`score_samples` (PyOD's name for it)."""
        return self.score_samples(X)

    def predict(self, X: Any) -> np.ndarray:
        """Label each row: 1 = anomaly (score above ``threshold_``), 0 = normal."""
        return (self.score_samples(X) > self.threshold_).astype(np.int64)

    # -- helpers --------------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "decision_scores_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(X) before scoring."
            )

    def _check_array(self, X: Any, *, fitting: bool) -> np.ndarray:
        try:
            arr = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise DataError(
                f"{type(self).__name__} needs numeric input; convert it first "
                f"(jupyter_ad.detect does this for DataFrames): {exc}"
            ) from exc
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1) if fitting else arr.reshape(1, -1)
        if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
            raise DataError(
                f"{type(self).__name__} needs a 2-D array with at least one row and one "
                f"column, got shape {arr.shape}."
            )
        from jupyter_ad.data._numeric_kernel import all_finite

        if not all_finite(arr):
            bad = np.argwhere(~np.isfinite(arr))[0]
            raise DataError(
                f"{type(self).__name__} got a non-finite value at row {bad[0]}, column "
                f"{bad[1]}; impute or drop it first (jupyter_ad.detect imputes by default)."
            )
        if not fitting and arr.shape[1] != self.n_features_in_:
            raise DataError(
                f"{type(self).__name__} was fitted on {self.n_features_in_} features but got "
                f"{arr.shape[1]}."
            )
        return arr
