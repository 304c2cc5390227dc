"""Detectors backed by scikit-learn's outlier estimators.

scikit-learn's ``score_samples`` is *lower* for abnormal rows; :class:`SklearnDetector` negates
it so that every jupyter-ad score is "higher = more anomalous".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jupyter_ad.core.detectors._adapters import SklearnDetector, clamp_neighbors
from jupyter_ad.core.params import Choice, Interval

__all__ = ["SklearnEllipticEnvelope", "SklearnIsolationForest", "SklearnLOF", "SklearnOCSVM"]

_seed = Interval(int, 0, None, allow_none=True)


class SklearnIsolationForest(SklearnDetector):
    """scikit-learn's ``IsolationForest``."""

    _backend = "sklearn.ensemble.IsolationForest"
    _param_rules = {
        "n_estimators": Interval(int, 1),
        "max_samples": Interval(float, 0, None, open_low=True, also=("auto",)),
        "max_features": Interval(float, 0, 1, open_low=True),
        "random_state": _seed,
    }

    def __init__(self, n_estimators: int = 100, max_samples: Any = "auto",
                 max_features: float = 1.0, random_state: int | None = None) -> None:
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.random_state = random_state

    def _backend_params(self, X: np.ndarray) -> dict[str, Any]:
        params = super()._backend_params(X)
        ms = params["max_samples"]
        if not isinstance(ms, str) and ms > 1:
            params["max_samples"] = min(int(ms), X.shape[0])
        return params


class SklearnLOF(SklearnDetector):
    """scikit-learn's ``LocalOutlierFactor`` in novelty mode (it can score new rows)."""

    _backend = "sklearn.neighbors.LocalOutlierFactor"
    _fixed = {"novelty": True}
    _param_rules = {"n_neighbors": Interval(int, 1)}

    def __init__(self, n_neighbors: int = 20) -> None:
        self.n_neighbors = n_neighbors

    def _backend_params(self, X: np.ndarray) -> dict[str, Any]:
        params = super()._backend_params(X)
        params["n_neighbors"] = clamp_neighbors(self.n_neighbors, X.shape[0])
        return params

    def _training_scores(self, X: np.ndarray) -> np.ndarray:
        # leave-one-out scores of the training rows, as LOF defines them
        return -np.asarray(self.estimator_.negative_outlier_factor_)


class SklearnOCSVM(SklearnDetector):
    """scikit-learn's ``OneClassSVM``."""

    _backend = "sklearn.svm.OneClassSVM"
    _param_rules = {
        "kernel": Choice(("rbf", "linear", "poly", "sigmoid")),
        "nu": Interval(float, 0, 1, open_low=True),
        "gamma": Interval(float, 0, None, open_low=True, also=("auto", "scale")),
    }

    def __init__(self, kernel: str = "rbf", nu: float = 0.5, gamma: Any = "scale") -> None:
        self.kernel = kernel
        self.nu = nu
        self.gamma = gamma


class SklearnEllipticEnvelope(SklearnDetector):
    """scikit-learn's ``EllipticEnvelope``: robust Gaussian (Mahalanobis) fit."""

    _backend = "sklearn.covariance.EllipticEnvelope"
    _param_rules = {
        "support_fraction": Interval(float, 0, 1, open_low=True, allow_none=True),
        "random_state": _seed,
    }

    def __init__(self, support_fraction: float | None = None,
                 random_state: int | None = None) -> None:
        self.support_fraction = support_fraction
        self.random_state = random_state
