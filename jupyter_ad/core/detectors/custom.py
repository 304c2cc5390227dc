"""Wrappers that make a user's function or estimator a jupyter-ad detector."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import clone

from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.errors import ParameterError

__all__ = ["EstimatorDetector", "FunctionDetector"]


class FunctionDetector(BaseDetector):
    """A detector from a function ``func(train, rows) -> scores``.

    ``train`` is the (preprocessed) training array, ``rows`` the rows to score; the function
    returns one score per row of ``rows``, higher = more anomalous. It must score each row from
    ``train`` alone (not from the other rows in ``rows``) for results to be reproducible.
    Saved models refer to the function by its import path, so define it in a module.

    Parameters
    ----------
    func : callable
        ``func(train: ndarray, rows: ndarray) -> ndarray``.
    """

    def __init__(self, func: Callable[[np.ndarray, np.ndarray], Any] | None = None) -> None:
        self.func = func

    def _fit(self, X: np.ndarray) -> None:
        if not callable(self.func):
            raise ParameterError("FunctionDetector needs a callable func(train, rows) -> scores.")
        self.train_ = X

    def _score(self, X: np.ndarray) -> np.ndarray:
        assert self.func is not None
        scores = np.asarray(self.func(self.train_, X), dtype=np.float64).ravel()
        if scores.shape[0] != X.shape[0]:
            raise ParameterError(
                f"Detector function {getattr(self.func, '__name__', self.func)!r} returned "
                f"{scores.shape[0]} scores for {X.shape[0]} rows; it must return one per row."
            )
        return scores


class EstimatorDetector(BaseDetector):
    """A detector from any estimator with ``fit`` and ``score_samples``/``decision_function``.

    Parameters
    ----------
    estimator : estimator
        Unfitted; cloned (or deep-copied, when it is not a scikit-learn estimator) in ``fit``:
        the object passed is never fitted itself.
    higher_is_anomalous : bool, default False
        Direction of the estimator's scores. scikit-learn's convention (the default) is lower =
        more abnormal, and the scores are negated; PyOD's is higher = more anomalous.
    """

    def __init__(self, estimator: Any = None, higher_is_anomalous: bool = False) -> None:
        self.estimator = estimator
        self.higher_is_anomalous = higher_is_anomalous

    def _fit(self, X: np.ndarray) -> None:
        if self.estimator is None or not hasattr(self.estimator, "fit"):
            raise ParameterError("EstimatorDetector needs an estimator with a fit method.")
        try:
            self.estimator_ = clone(self.estimator)
        except TypeError:  # not a scikit-learn estimator: fit a copy, never the parameter
            self.estimator_ = copy.deepcopy(self.estimator)
        self.estimator_.fit(X)

    def _score(self, X: np.ndarray) -> np.ndarray:
        est = self.estimator_
        method = getattr(est, "score_samples", None) or getattr(est, "decision_function", None)
        if method is None:
            raise ParameterError(
                f"{type(est).__name__} has neither score_samples nor decision_function."
            )
        scores = np.asarray(method(X), dtype=np.float64)
        return scores if self.higher_is_anomalous else -scores
