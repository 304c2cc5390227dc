"""An ensemble of detectors whose normalised scores are combined row by row.

Each member's scores are normalised with statistics of its *training* scores, so a row's
ensemble score never depends on the other rows being scored.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import clone

from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.params import Choice

__all__ = ["EnsembleDetector", "normalise"]


def normalise(scores: np.ndarray, train_sorted: np.ndarray, method: str) -> np.ndarray:
    """Map ``scores`` onto a common scale using the sorted training scores of the same detector.

    ``"rank"``: share of training scores below (0..1); ``"zscore"``: robust z-score (median and
    scaled MAD, falling back to the standard deviation); ``"minmax"``: training min..max -> 0..1.
    """
    if method == "rank":
        lo = np.searchsorted(train_sorted, scores, side="left")
        hi = np.searchsorted(train_sorted, scores, side="right")
        return (lo + hi) / (2.0 * train_sorted.size)
    if method == "zscore":
        med = float(np.median(train_sorted))
        scale = float(np.median(np.abs(train_sorted - med))) * 1.4826 or float(train_sorted.std())
        return (scores - med) / (scale or 1.0)
    lo_v, hi_v = float(train_sorted[0]), float(train_sorted[-1])
    return (scores - lo_v) / ((hi_v - lo_v) or 1.0)


class EnsembleDetector(BaseDetector):
    """Combine several detectors.

    Parameters
    ----------
    detectors : list of BaseDetector
        Unfitted members; cloned in ``fit``.
    normalisation : {"rank", "zscore", "minmax"}, default "zscore"
        How member scores are put on a common scale (see :func:`normalise`).
    combination : {"mean", "max", "median"}, default "mean"
        How the normalised member scores of a row are combined.
    weights : list of float, optional
        Member weights for ``"mean"``.
    """

    _param_rules = {
        "normalisation": Choice(("rank", "zscore", "minmax")),
        "combination": Choice(("mean", "max", "median")),
    }

    def __init__(self, detectors: list[Any] | None = None, normalisation: str = "zscore",
                 combination: str = "mean", weights: list[float] | None = None) -> None:
        self.detectors = detectors
        self.normalisation = normalisation
        self.combination = combination
        self.weights = weights

    def _fit(self, X: np.ndarray) -> None:
        self.detectors_ = [clone(d).fit(X) for d in (self.detectors or [])]
        if not self.detectors_:
            from jupyter_ad.errors import ParameterError

            raise ParameterError("An ensemble needs at least one detector.")
        self.train_sorted_ = [np.sort(d.decision_scores_) for d in self.detectors_]

    def _combine(self, per_member: list[np.ndarray]) -> np.ndarray:
        stacked = np.vstack([
            normalise(s, ref, self.normalisation)
            for s, ref in zip(per_member, self.train_sorted_, strict=True)
        ])
        if self.combination == "max":
            return np.asarray(stacked.max(axis=0))
        if self.combination == "median":
            return np.asarray(np.median(stacked, axis=0))
        return np.asarray(np.average(stacked, axis=0, weights=self.weights))

    def _training_scores(self, X: np.ndarray) -> np.ndarray:
        return self._combine([d.decision_scores_ for d in self.detectors_])

    def _score(self, X: np.ndarray) -> np.ndarray:
        return self._combine([d.score_samples(X) for d in self.detectors_])
