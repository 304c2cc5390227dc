"""Detectors backed by PyOD (https://pyod.readthedocs.io), one small class each.

Each class only stores its parameters; :class:`PyODDetector` builds the PyOD model in ``fit``.
PyOD's own ``contamination`` is not exposed: thresholds are chosen by jupyter-ad
(:mod:`jupyter_ad.core.thresholds`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jupyter_ad.core.detectors._adapters import PyODDetector, clamp_neighbors
from jupyter_ad.core.detectors.base import import_object
from jupyter_ad.core.params import Choice, Interval

__all__ = ["CBLOF", "GMM", "HBOS", "INNE", "KDE", "KNN", "LODA", "LOF", "MCD", "OCSVM", "PCA",
           "IForest"]

_seed = Interval(int, 0, None, allow_none=True)


class IForest(PyODDetector):
    """Isolation Forest (Liu et al., 2008) through PyOD: short random-split paths = anomalous."""

    _backend = "pyod.models.iforest.IForest"
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


class HBOS(PyODDetector):
    """Histogram-based Outlier Score (Goldstein & Dengel, 2012): per-feature histograms."""

    _backend = "pyod.models.hbos.HBOS"
    _param_rules = {
        "n_bins": Interval(int, 2, also=("auto",)),
        "alpha": Interval(float, 0, 1, open_low=True, open_high=True),
        "tol": Interval(float, 0, 1),
    }

    def __init__(self, n_bins: Any = 10, alpha: float = 0.1, tol: float = 0.5) -> None:
        self.n_bins = n_bins
        self.alpha = alpha
        self.tol = tol


class KNN(PyODDetector):
    """k-nearest-neighbour distance (Ramaswamy et al., 2000): far from neighbours = anomalous."""

    _backend = "pyod.models.knn.KNN"
    _param_rules = {
        "n_neighbors": Interval(int, 1),
        "method": Choice(("largest", "mean", "median")),
    }

    def __init__(self, n_neighbors: int = 5, method: str = "largest") -> None:
        self.n_neighbors = n_neighbors
        self.method = method

    def _backend_params(self, X: np.ndarray) -> dict[str, Any]:
        params = super()._backend_params(X)
        params["n_neighbors"] = clamp_neighbors(self.n_neighbors, X.shape[0])
        return params


class LOF(PyODDetector):
    """Local Outlier Factor (Breunig et al., 2000): density relative to the neighbours'."""

    _backend = "pyod.models.lof.LOF"
    _fixed = {"novelty": True}
    _param_rules = {"n_neighbors": Interval(int, 1)}

    def __init__(self, n_neighbors: int = 20) -> None:
        self.n_neighbors = n_neighbors

    def _backend_params(self, X: np.ndarray) -> dict[str, Any]:
        params = super()._backend_params(X)
        params["n_neighbors"] = clamp_neighbors(self.n_neighbors, X.shape[0])
        return params


class PCA(PyODDetector):
    """Principal-component reconstruction (Shyu et al., 2003): weighted distance to the PCs."""

    _backend = "pyod.models.pca.PCA"
    _param_rules = {
        "n_components": Interval(float, 0, None, open_low=True, allow_none=True),
        "whiten": Choice((True, False)),
    }

    def __init__(self, n_components: float | None = None, whiten: bool = False) -> None:
        self.n_components = n_components
        self.whiten = whiten

    def _backend_params(self, X: np.ndarray) -> dict[str, Any]:
        params = super()._backend_params(X)
        nc = params["n_components"]
        if nc is not None and nc >= 1:
            params["n_components"] = min(int(nc), min(X.shape))
        # PyOD's own standardisation would re-scale per batch; jupyter-ad already scales.
        params["standardization"] = False
        return params

    def _score(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.estimator_.decision_function(X))


class OCSVM(PyODDetector):
    """One-class SVM (Schölkopf et al., 2001) through PyOD."""

    _backend = "pyod.models.ocsvm.OCSVM"
    _param_rules = {
        "kernel": Choice(("rbf", "linear", "poly", "sigmoid")),
        "nu": Interval(float, 0, 1, open_low=True),
        "gamma": Interval(float, 0, None, open_low=True, also=("auto", "scale")),
    }

    def __init__(self, kernel: str = "rbf", nu: float = 0.5, gamma: Any = "auto") -> None:
        self.kernel = kernel
        self.nu = nu
        self.gamma = gamma


class CBLOF(PyODDetector):
    """Cluster-based Local Outlier Factor (He et al., 2003): distance to large clusters.

    ``n_clusters=1`` (or data with fewer than three distinct rows, or on which the clustering
    finds a single cluster) scores the distance to the data's centre, CBLOF's limit with one
    cluster. When no split of the clusters into large and
    small ones satisfies ``alpha`` or ``beta`` (evenly sized clusters, few rows), the largest
    clusters holding half of the rows count as large (``alpha=0.5``).
    """

    _backend = "pyod.models.cblof.CBLOF"
    _param_rules = {
        "n_clusters": Interval(int, 1),
        "alpha": Interval(float, 0.5, 1, open_high=True),
        "beta": Interval(float, 1, None),
        "random_state": _seed,
    }

    def __init__(self, n_clusters: int = 8, alpha: float = 0.9, beta: float = 5,
                 random_state: int | None = None) -> None:
        self.n_clusters = n_clusters
        self.alpha = alpha
        self.beta = beta
        self.random_state = random_state

    def _n_clusters(self, X: np.ndarray) -> int:
        n_unique = len(np.unique(X, axis=0)) if X.shape[0] <= 5000 else X.shape[0]
        return min(int(self.n_clusters), n_unique - 1)

    def _backend_params(self, X: np.ndarray) -> dict[str, Any]:
        params = super()._backend_params(X)
        params["n_clusters"] = self._n_clusters(X)
        return params

    def _fit(self, X: np.ndarray) -> None:
        self.centre_: np.ndarray | None = None
        if self._n_clusters(X) < 2:
            self.centre_ = X.mean(axis=0)
            return
        try:
            super()._fit(X)
        except ValueError as exc:
            if "cluster separation" not in str(exc):
                raise
            params = {**self._backend_params(X), "alpha": 0.5}
            self.estimator_ = import_object(self._backend)(**params)
            try:
                self.estimator_.fit(X)
            except ValueError as again:  # the clustering found a single cluster
                if "cluster separation" not in str(again):
                    raise
                self.centre_ = X.mean(axis=0)

    def _score(self, X: np.ndarray) -> np.ndarray:
        centre = self.__dict__.get("centre_")  # (models saved before it existed have none)
        if centre is not None:
            return np.asarray(np.sqrt(((X - centre) ** 2).sum(axis=1)))
        return super()._score(X)

    def _training_scores(self, X: np.ndarray) -> np.ndarray:
        if self.__dict__.get("centre_") is not None:
            return self._score(X)
        return super()._training_scores(X)


class LODA(PyODDetector):
    """Lightweight On-line Detector of Anomalies (Pevný, 2016): random 1-D projections."""

    _backend = "pyod.models.loda.LODA"
    _param_rules = {
        "n_bins": Interval(int, 2, also=("auto",)),
        "n_random_cuts": Interval(int, 1),
        "random_state": _seed,
    }

    def __init__(self, n_bins: Any = 10, n_random_cuts: int = 100,
                 random_state: int | None = None) -> None:
        self.n_bins = n_bins
        self.n_random_cuts = n_random_cuts
        self.random_state = random_state


class MCD(PyODDetector):
    """Minimum Covariance Determinant (Rousseeuw, 1999): robust Mahalanobis distance."""

    _backend = "pyod.models.mcd.MCD"
    _param_rules = {
        "support_fraction": Interval(float, 0, 1, open_low=True, allow_none=True),
        "random_state": _seed,
    }

    def __init__(self, support_fraction: float | None = None,
                 random_state: int | None = None) -> None:
        self.support_fraction = support_fraction
        self.random_state = random_state


class GMM(PyODDetector):
    """Gaussian Mixture Model: low likelihood under the fitted mixture = anomalous."""

    _backend = "pyod.models.gmm.GMM"
    _param_rules = {
        "n_components": Interval(int, 1),
        "covariance_type": Choice(("full", "tied", "diag", "spherical")),
        "random_state": _seed,
    }

    def __init__(self, n_components: int = 1, covariance_type: str = "full",
                 random_state: int | None = None) -> None:
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.random_state = random_state

    def _backend_params(self, X: np.ndarray) -> dict[str, Any]:
        params = super()._backend_params(X)
        params["n_components"] = min(self.n_components, X.shape[0])
        params["reg_covar"] = 1e-6
        return params


class KDE(PyODDetector):
    """Kernel Density Estimation: low estimated density = anomalous."""

    _backend = "pyod.models.kde.KDE"
    _param_rules = {"bandwidth": Interval(float, 0, None, open_low=True)}

    def __init__(self, bandwidth: float = 1.0) -> None:
        self.bandwidth = bandwidth


class INNE(PyODDetector):
    """Isolation using Nearest-Neighbour Ensembles (Bandaragoda et al., 2018)."""

    _backend = "pyod.models.inne.INNE"
    _param_rules = {
        "n_estimators": Interval(int, 1),
        "max_samples": Interval(float, 0, None, open_low=True, also=("auto",)),
        "random_state": _seed,
    }

    def __init__(self, n_estimators: int = 200, max_samples: Any = "auto",
                 random_state: int | None = None) -> None:
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.random_state = random_state

    def _backend_params(self, X: np.ndarray) -> dict[str, Any]:
        params = super()._backend_params(X)
        ms = params["max_samples"]
        if isinstance(ms, str):
            params["max_samples"] = min(8, X.shape[0]) if X.shape[0] > 2 else X.shape[0]
        elif ms > 1:
            params["max_samples"] = min(int(ms), X.shape[0])
        return params
