"""Adapters that run a PyOD or scikit-learn estimator behind :class:`BaseDetector`."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from jupyter_ad.core.detectors.base import BaseDetector, import_object

__all__ = ["PyODDetector", "SklearnDetector"]


class _BackendDetector(BaseDetector):
    """Builds ``estimator_`` from ``_backend`` (a dotted path) and the detector's parameters."""

    _backend: ClassVar[str] = ""
    _fixed: ClassVar[dict[str, Any]] = {}

    def _backend_params(self, X: np.ndarray) -> dict[str, Any]:
        return {**self.get_params(deep=False), **self._fixed}

    def _fit(self, X: np.ndarray) -> None:
        self.estimator_ = import_object(self._backend)(**self._backend_params(X))
        self.estimator_.fit(X)


class PyODDetector(_BackendDetector):
    """A PyOD detector. PyOD already scores "higher = more anomalous"."""

    def _training_scores(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.estimator_.decision_scores_)

    def _score(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.estimator_.decision_function(X))


class SklearnDetector(_BackendDetector):
    """A scikit-learn outlier detector; its ``score_samples`` (lower = abnormal) is negated."""

    def _score(self, X: np.ndarray) -> np.ndarray:
        return -np.asarray(self.estimator_.score_samples(X))


def clamp_neighbors(n_neighbors: int, n_samples: int) -> int:
    """Neighbour count that fits ``n_samples`` training rows (at least 1)."""
    return max(1, min(int(n_neighbors), n_samples - 1))
