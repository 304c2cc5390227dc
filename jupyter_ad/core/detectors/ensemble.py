"""An ensemble of detectors whose normalised scores are combined row by row.

Each member's scores are normalised with statistics of its *training* scores, so a row's
ensemble score never depends on the other rows being scored.

Combinations (for a row with normalised member scores ``s_1 .. s_m``):

* ``"mean"`` (default), ``"max"``, ``"median"``: of all members (``"mean"`` honours
  ``weights`` when given).
* ``"weighted"``: the weighted mean with the required ``weights`` (one positive number per
  member).
* ``"aom"`` (average of maximum): the members are split, in order, into ``n_buckets`` groups of
  (nearly) equal size; the maximum within each group, then the mean over the groups.
* ``"moa"`` (maximum of average): the mean within each group, then the maximum over groups.

AOM and MOA follow Aggarwal and Sathe, "Theoretical foundations and algorithms for outlier
ensembles" (SIGKDD Explorations, 2015); PyOD's ``pyod.models.combination`` is not used (it
needs the optional ``combo`` package).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.base import clone

from jupyter_ad.core.detectors.base import BaseDetector, finite_scores
from jupyter_ad.core.params import Choice, Interval, check_params
from jupyter_ad.errors import ParameterError

_BIG = float(np.finfo(np.float64).max)

__all__ = ["COMBINATIONS", "ENSEMBLE_OPTIONS", "NORMALISATIONS", "EnsembleDetector", "combine",
           "normalise"]

#: The options of an ensemble (``ensemble=`` of :func:`jupyter_ad.detect`).
ENSEMBLE_OPTIONS = ("normalisation", "combination", "weights", "n_buckets")
NORMALISATIONS = ("rank", "zscore", "minmax")
COMBINATIONS = ("mean", "max", "median", "weighted", "aom", "moa")


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
        med, scale = zscore_stats(train_sorted)
        return (scores - med) / scale
    lo_v, hi_v = float(train_sorted[0]), float(train_sorted[-1])
    return (scores - lo_v) / ((hi_v - lo_v) or 1.0)


def zscore_stats(train_sorted: np.ndarray) -> tuple[float, float]:
    """Median and scale (1.4826 MAD, else the standard deviation, else 1) of training scores."""
    med = float(np.median(train_sorted))
    scale = float(np.median(np.abs(train_sorted - med))) * 1.4826 or float(train_sorted.std())
    return med, scale or 1.0


def combine(stacked: np.ndarray, combination: str, *, weights: Any = None,
            n_buckets: int = 2) -> np.ndarray:
    """Combine normalised member scores ``stacked`` (members x rows) into one score per row.

    Parameters
    ----------
    stacked : ndarray of shape (n_members, n_rows)
    combination : str
        One of :data:`COMBINATIONS` (see module docstring).
    weights : sequence of float, optional
        One positive weight per member, for ``"mean"`` and ``"weighted"``.
    n_buckets : int, default 2
        Number of groups for ``"aom"`` and ``"moa"`` (members split in order).
    """
    if combination == "max":
        return np.asarray(stacked.max(axis=0))
    if combination == "median":
        return np.asarray(np.median(stacked, axis=0))
    if combination in ("aom", "moa"):
        groups = np.array_split(np.arange(stacked.shape[0]), n_buckets)
        if combination == "aom":
            return np.asarray(np.mean([stacked[g].max(axis=0) for g in groups], axis=0))
        return np.asarray(np.max([stacked[g].mean(axis=0) for g in groups], axis=0))
    return np.asarray(np.average(stacked, axis=0, weights=weights))


class EnsembleDetector(BaseDetector):
    """Combine several detectors.

    Parameters
    ----------
    detectors : list of BaseDetector, optional
        Unfitted members; cloned in ``fit``. ``None``: the members ``algorithm="auto"`` uses on
        small data (``FastIsolationForest``, ``COPOD`` and ``KNN``).
    normalisation : {"rank", "zscore", "minmax"}, default "zscore"
        How member scores are put on a common scale (see :func:`normalise`).
    combination : {"mean", "max", "median", "weighted", "aom", "moa"}, default "mean"
        How the normalised member scores of a row are combined (see module docstring).
    weights : list of float, optional
        One positive weight per member, for ``"mean"`` and (required) ``"weighted"``.
    n_buckets : int, default 2
        Number of member groups for ``"aom"`` and ``"moa"``; at most the number of members.
    random_state : int or None
        Seed given to the members whose own ``random_state`` is ``None`` (``None``: they stay
        unseeded).
    """

    _clip_input = False  # each member clips its own input
    _param_rules = {
        "normalisation": Choice(NORMALISATIONS),
        "combination": Choice(COMBINATIONS),
        "n_buckets": Interval(int, 1, None),
        "random_state": Interval(int, 0, None, allow_none=True),
    }

    def __init__(self, detectors: list[Any] | None = None, normalisation: str = "zscore",
                 combination: str = "mean", weights: list[float] | None = None,
                 n_buckets: int = 2, random_state: int | None = None) -> None:
        self.detectors = detectors
        self.normalisation = normalisation
        self.combination = combination
        self.weights = weights
        self.n_buckets = n_buckets
        self.random_state = random_state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("random_state", None)  # ensembles saved before it was a parameter
        super().__setstate__(state)

    def _members(self) -> list[Any]:
        """The member detectors (unfitted): ``detectors``, or the default trio."""
        if self.detectors is not None:
            return list(self.detectors)
        from jupyter_ad.core.detectors.ecdf_models import COPOD
        from jupyter_ad.core.detectors.fast_iforest import FastIsolationForest
        from jupyter_ad.core.detectors.pyod_models import KNN

        return [FastIsolationForest(), COPOD(), KNN()]

    def fit(self, X: Any, y: Any = None) -> EnsembleDetector:
        """Check the member options, then fit every member on ``X`` and return ``self``."""
        check_params(type(self).__name__, self.get_params(deep=False), self._param_rules)
        self._check_members()
        super().fit(X, y)
        return self

    def _check_members(self) -> None:
        n = len(self._members())
        if n == 0:
            raise ParameterError("An ensemble needs at least one detector.")
        if self.weights is not None:
            if self.combination not in ("mean", "weighted"):
                raise ParameterError(
                    f"weights apply to combination 'mean' or 'weighted', not "
                    f"{self.combination!r}; drop weights or change the combination."
                )
            w = list(self.weights) if isinstance(self.weights, list | tuple | np.ndarray) else None
            if w is None or len(w) != n:
                raise ParameterError(
                    f"weights must be a list of {n} numbers (one per detector), got "
                    f"{self.weights!r}."
                )
            bad = [v for v in w if isinstance(v, bool) or not isinstance(v, numbers.Real)
                   or not np.isfinite(float(v)) or float(v) <= 0]
            if bad:
                raise ParameterError(
                    f"weights must be finite numbers > 0, got {bad[0]!r} in {self.weights!r}."
                )
        elif self.combination == "weighted":
            raise ParameterError(
                f"combination='weighted' needs weights: a list of {n} positive numbers."
            )
        if self.combination in ("aom", "moa") and isinstance(self.n_buckets, numbers.Integral) \
                and self.n_buckets > n:
            raise ParameterError(
                f"n_buckets={self.n_buckets} is more than the {n} detectors of the ensemble; "
                f"use 1 to {n} groups."
            )

    def _fit(self, X: np.ndarray) -> None:
        members = [clone(d) for d in self._members()]
        for member in members:
            params = member.get_params(deep=False)
            if self.random_state is not None and params.get("random_state", 0) is None:
                member.set_params(random_state=self.random_state)
        self.detectors_ = [member.fit(X) for member in members]
        self.train_sorted_ = [np.sort(d.decision_scores_) for d in self.detectors_]
        # z-score statistics once, not per call (scoring one row must stay cheap)
        self.zscore_stats_ = [zscore_stats(ref) for ref in self.train_sorted_]

    def _combine(self, per_member: list[np.ndarray]) -> np.ndarray:
        if self.normalisation == "zscore" and self.combination == "mean" and \
                self.weights is None:  # the default: one loop, cheap for one row
            total = np.zeros(per_member[0].shape[0])
            for s, (med, scale) in zip(per_member, self.zscore_stats_, strict=True):
                total += (s - med) / scale
            return total / len(per_member)
        if self.normalisation == "zscore":
            stacked = np.vstack([(s - med) / scale for s, (med, scale) in
                                 zip(per_member, self.zscore_stats_, strict=True)])
        else:
            stacked = np.vstack([
                normalise(s, ref, self.normalisation)
                for s, ref in zip(per_member, self.train_sorted_, strict=True)
            ])
        weights = None if self.weights is None else np.asarray(self.weights, dtype=np.float64)
        return combine(stacked, self.combination, weights=weights, n_buckets=self.n_buckets)

    def _training_scores(self, X: np.ndarray) -> np.ndarray:
        return self._combine([d.decision_scores_ for d in self.detectors_])

    def _score(self, X: np.ndarray) -> np.ndarray:
        return self._combine([d.score_samples(X) for d in self.detectors_])

    def score_samples(self, X: Any) -> np.ndarray:
        """Anomaly score of each row of ``X`` (each member checks and clips ``X`` itself)."""
        self._check_fitted()
        return super()._score_validated(self._check_array(X, fitting=False))

    def _score_validated(self, X: np.ndarray) -> np.ndarray:
        # X is a model's preprocessed rows, within every member's input bounds: the members
        # score it without their own checks (one row costs microseconds, not one pass each)
        with warnings.catch_warnings():  # once for all members (numpy's warnings included)
            warnings.simplefilter("ignore", RuntimeWarning)
            per_member = [member._score(X) for member in self.detectors_]
        if X.shape[0] == 1 and self.normalisation == "zscore" and self.combination == "mean" \
                and self.weights is None:  # one row (score_one): Python floats are cheaper
            total = 0.0
            for s, (med, scale) in zip(per_member, self.zscore_stats_, strict=True):
                v = float(np.asarray(s).ravel()[0])
                total += ((v if math.isfinite(v) else med if math.isnan(v) else
                           math.copysign(_BIG, v)) - med) / scale
            return finite_scores([total / len(per_member)])
        per_member = [finite_scores(s, nan_value=med) for s, (med, _) in
                      zip(per_member, self.zscore_stats_, strict=True)]
        return finite_scores(self._combine(per_member))
