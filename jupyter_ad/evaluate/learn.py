"""Learning from a few labels: re-rank an unsupervised result semi-supervised.

:func:`learn_from_labels` takes a :class:`~jupyter_ad.core.result.DetectionResult` and a few
labelled rows (1 = true anomaly, 0 = normal, missing = unlabelled; or ``result.feedback``) and
returns a new result whose score of a row adds three pieces of evidence:

1. **the unsupervised score**, as its *tail surprisal* ``-log p``, with ``p`` the share of the
   original detector's training scores at or above it (0 for a typical row, about 4.6 for the
   top 1%, ``log n`` for the most anomalous row);
2. **closeness to a labelled anomaly**: ``exp(-d^2 / 2h^2)``, with ``d`` the distance to the
   nearest labelled anomaly in the standardised feature space and ``h`` the median distance of
   a row to its 20th nearest neighbour (the scale at which rows count as "near" in this data),
   minus the same kernel for the nearest labelled *normal* row (-1..1);
3. **a logistic regression** (class-balanced, ``C = 1``) of the labelled anomalies against the
   labelled normal rows plus up to 2,000 pseudo-normal rows (a random sample of the lower half of
   the unsupervised scores), on the standardised features and the unsupervised rank, as the
   rank of its decision value among the rows learnt from (0..1).

**Why the tail surprisal, not the rank.** Until 2026-12 the unsupervised score entered as its
rank (0..1). A rank squeezes the top 1% of rows, where a reviewer's marks and the remaining
anomalies are, into 0.99..1, so evidence worth a few hundredths re-ordered the whole top: on
the card-transaction table (:func:`jupyter_ad.datasets.load_card_transactions`), 20 marks picked
from the top 40 rows dropped average precision on the unmarked rows from 0.77 to 0.35, and the
closeness term alone did most of it (0.45). On the surprisal scale the top keeps its spread
(rank 1 vs rank 40 of 20,000: 9.2 vs 6.2) and the evidence moves rows in the middle.

**Fallback.** The marks are then checked against themselves: each labelled row is scored
without its own label (its closeness to the *other* labelled rows, a regression fitted without
it, up to 5 folds), and the share of unlabelled rows on the wrong side of it (above a held-out
anomaly, below a held-out normal row) is compared with the unsupervised score's. When the
re-ranking does worse on the held-out marks, the result keeps the unsupervised scores, and its
``summary()`` says so (``model.labels_note_``).

Measured (``benchmarks/feedback.py``; see ``docs/benchmarks.md``): on the card tables the
re-ranking no longer lowers AP; the lift from top-of-ranking marks is small (a few percent),
not the 20% the issue asks for.

Everything the new score needs is kept in a :class:`ReRankedDetector` that wraps the original
detector, so ``new_result.model.score(rows)`` scores new rows the same way, one at a time or in
a batch, and the model saves and loads like any other.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import NearestNeighbors

from jupyter_ad.core.building import timed
from jupyter_ad.core.detectors.base import BaseDetector, finite_scores
from jupyter_ad.core.detectors.ensemble import normalise
from jupyter_ad.core.interfaces import ScoredResult
from jupyter_ad.core.thresholds import resolve_threshold
from jupyter_ad.errors import ParameterError
from jupyter_ad.evaluate.labels import labels_for_result

__all__ = ["ReRankedDetector", "learn_from_labels"]

_CLIP = 10.0
_NEIGHBOURS = 20
_BANDWIDTH_SAMPLE = 1000
_WEIGHTS = (1.0, 3.0)  # of the evidence against the tail surprisal (0 .. log n)


class ReRankedDetector(BaseDetector):
    """A fitted detector re-ranked with labels (see module docstring).

    Parameters
    ----------
    base : BaseDetector
        The fitted unsupervised detector; it is not re-fitted.
    max_negatives : int, default 2000
        Pseudo-normal rows sampled from the lower half of the unsupervised scores.
    random_state : int or None, default 0
        Seed of the samples (pseudo-normal rows, bandwidth rows).
    """

    def __init__(self, base: BaseDetector | None = None, max_negatives: int = 2000,
                 random_state: int | None = 0) -> None:
        self.base = base
        self.max_negatives = max_negatives
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None, base_scores: Any = None) -> ReRankedDetector:
        """Learn the re-ranking from rows ``X`` with labels ``y`` (1, 0 or NaN).

        ``base_scores`` are the unsupervised scores of these rows (default: scored by
        ``base``), so the training scores of the original fit can be reused.
        """
        if self.base is None or not hasattr(self.base, "decision_scores_"):
            raise ParameterError("ReRankedDetector needs a fitted base detector.")
        self.n_features_in_ = self.base.n_features_in_
        X = self._check_array(X, fitting=False)
        y = np.asarray(y, dtype=np.float64).ravel()
        if y.size != X.shape[0]:
            raise ParameterError(f"Got {y.size} labels for {X.shape[0]} rows.")
        pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
        if pos.size == 0:
            raise ParameterError("Learning from labels needs at least one row labelled 1 "
                                 "(a true anomaly); mark one in the panel or pass labels=.")
        base = (self.base.score_samples(X) if base_scores is None
                else finite_scores(base_scores))
        self.base_sorted_ = np.sort(self.base.decision_scores_)
        rng = np.random.default_rng(self.random_state)
        med = np.median(X, axis=0)
        q1, q3 = np.percentile(X, [25, 75], axis=0)
        std = X.std(axis=0)
        spread = (q3 - q1) / 1.349
        self.center_ = med
        self.scale_ = np.where(spread > 0, spread, np.where(std > 0, std, 1.0))
        z = self._standardise(X)
        sample = rng.choice(len(z), min(_BANDWIDTH_SAMPLE, len(z)), replace=False)
        k = min(_NEIGHBOURS, len(z) - 1)
        if k >= 1:
            dist = NearestNeighbors(n_neighbors=k + 1).fit(z).kneighbors(z[sample])[0][:, k]
            positive = dist[dist > 0]
            self.bandwidth_ = float(np.median(positive)) if positive.size else 1.0
        else:
            self.bandwidth_ = 1.0
        self.anomalies_ = z[pos].copy()
        self.normals_ = z[neg].copy()
        u = normalise(base, self.base_sorted_, "rank")
        t = self._surprisal(base)
        pseudo = np.setdiff1d(np.flatnonzero(u < 0.5), np.concatenate([pos, neg]))
        pseudo = rng.choice(pseudo, min(int(self.max_negatives), pseudo.size), replace=False)
        features = np.column_stack([z, u])
        self.coef_, self.intercept_ = _regression(features, pos, neg, pseudo)
        self.linear_sorted_ = np.sort(features @ self.coef_ + self.intercept_)
        self.n_labelled_ = {"anomalies": int(pos.size), "normals": int(neg.size)}
        self.fallback_ = False
        self.weight_ = 1.0
        evidence = self._evidence(z, u)
        self.check_ = self._held_out_check(z, features, base, t, evidence, pos, neg, pseudo)
        self.weight_ = self.check_["weight"]
        if self.check_["re-ranked"] >= self.check_["unsupervised"]:  # no better: keep it
            self.fallback_ = True
            self.decision_scores_ = base.copy()
        else:
            self.decision_scores_ = t + self.weight_ * evidence
        from jupyter_ad.core.thresholds import auto_threshold

        self.threshold_ = auto_threshold(self.decision_scores_)
        return self

    def _surprisal(self, base: np.ndarray) -> np.ndarray:
        """``-log`` of the share of training scores at or above each score (0 .. log(n + 1))."""
        n = self.base_sorted_.size
        above = n - np.searchsorted(self.base_sorted_, base, side="left")
        return np.asarray(-np.log((above + 1.0) / (n + 1.0)))

    def _held_out_check(self, z: np.ndarray, features: np.ndarray, base: np.ndarray,
                        t: np.ndarray, evidence: np.ndarray, pos: np.ndarray, neg: np.ndarray,
                        pseudo: np.ndarray) -> dict[str, float]:
        """The weight of the evidence, and how the labelled rows are ranked without their own
        label: mean share of unlabelled rows on the wrong side of each labelled row (above a
        labelled anomaly, below a labelled normal row), by the unsupervised score and by
        ``t + weight * evidence`` for the best of :data:`_WEIGHTS` (the smallest on ties).
        """
        labelled = np.concatenate([pos, neg])
        is_pos = np.r_[np.ones(pos.size, bool), np.zeros(neg.size, bool)]
        unlabelled = np.ones(len(z), bool)
        unlabelled[labelled] = False
        held = np.empty(labelled.size)
        folds = np.arange(labelled.size) % min(5, labelled.size)
        for fold in np.unique(folds):
            out = folds == fold
            keep_pos, keep_neg = labelled[~out & is_pos], labelled[~out & ~is_pos]
            if keep_pos.size:
                coef, icpt = _regression(features, keep_pos, keep_neg, pseudo)
            else:  # no anomaly left to learn from: the full regression (optimistic)
                coef, icpt = self.coef_, self.intercept_
            rows = labelled[out]
            linear = normalise(features[rows] @ coef + icpt, self.linear_sorted_, "rank")
            held[out] = linear + (self._closeness(z[rows], z[keep_pos])
                                  - self._closeness(z[rows], z[keep_neg]))

        def wrong(scores: np.ndarray, own: np.ndarray) -> float:
            # every labelled row counts once (weighting the classes alike instead made the
            # few "normal" marks at the top decide, and top-of-ranking marks then lowered AP
            # on the card tables by up to 4.6%)
            ordered = np.sort(scores)
            above = ordered.size - np.searchsorted(ordered, own[is_pos], side="right")
            below = np.searchsorted(ordered, own[~is_pos], side="left")
            return float(np.concatenate([above, below]).mean() / max(ordered.size, 1))

        tried = {w: wrong(t[unlabelled] + w * evidence[unlabelled], t[labelled] + w * held)
                 for w in _WEIGHTS}
        weight = min(tried, key=lambda w: (tried[w], w))
        return {"unsupervised": wrong(base[unlabelled], base[labelled]),
                "re-ranked": tried[weight], "weight": weight}

    def _standardise(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(np.clip((X - self.center_) / self.scale_, -_CLIP, _CLIP))

    def _closeness(self, z: np.ndarray, points: np.ndarray) -> np.ndarray:
        if points.shape[0] == 0:
            return np.zeros(len(z))
        d = NearestNeighbors(n_neighbors=1).fit(points).kneighbors(z)[0][:, 0]
        r = d / self.bandwidth_
        return np.asarray(np.exp(-0.5 * r * r))

    def _evidence(self, z: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Regression rank (0..1) plus closeness to labelled anomalies less to normal rows."""
        linear = np.column_stack([z, u]) @ self.coef_ + self.intercept_
        evidence = normalise(linear, self.linear_sorted_, "rank")
        near = self._closeness(z, self.anomalies_) - self._closeness(z, self.normals_)
        return np.asarray(evidence + near)

    def _combine(self, z: np.ndarray, u: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.asarray(t + self.weight_ * self._evidence(z, u))

    def _score(self, X: np.ndarray) -> np.ndarray:
        assert self.base is not None
        base = self.base.score_samples(X)
        if getattr(self, "fallback_", False):
            return np.asarray(base)
        u = normalise(base, self.base_sorted_, "rank")
        return self._combine(self._standardise(X), u, self._surprisal(base))


def _regression(features: np.ndarray, pos: np.ndarray, neg: np.ndarray,
                pseudo: np.ndarray) -> tuple[np.ndarray, float]:
    """Coefficients and intercept of the class-balanced logistic regression of the labelled
    anomalies ``pos`` against the labelled normal rows and the pseudo-normal rows.
    """
    if neg.size + pseudo.size == 0:
        return np.zeros(features.shape[1]), 0.0
    rows = np.concatenate([pos, neg, pseudo])
    target = np.r_[np.ones(pos.size), np.zeros(neg.size + pseudo.size)]
    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    clf.fit(features[rows], target)
    return clf.coef_.ravel().copy(), float(clf.intercept_[0])


def learn_from_labels(result: ScoredResult, labels: Any = None, *,
                      random_state: int | None = 0) -> Any:
    """Re-rank ``result`` with a few labelled rows; returns a new result (same rows).

    Parameters
    ----------
    result : DetectionResult
        An unsupervised result, e.g. from :func:`jupyter_ad.detect`.
    labels : array-like, pandas.Series, str or None
        1 = anomaly, 0 = normal, missing = unlabelled, one per row of ``result`` (a Series is
        aligned on the row index; a string names a column of ``result.data``). ``None`` uses
        ``result.feedback`` (marks from the notebook panel).
    random_state : int or None, default 0
        Seed of the row samples the re-ranker uses.

    Returns
    -------
    DetectionResult
        New scores (higher = more anomalous); the threshold flags as many rows as ``result``
        did, or at least as many as there are labelled anomalies. ``model`` scores new rows
        the same way and can be saved.

    Raises
    ------
    ParameterError
        No row labelled 1, or labels that are not 0/1/missing or do not match the rows.
    """
    if not isinstance(random_state, int | None) or isinstance(random_state, bool):
        raise ParameterError(f"random_state must be an integer or None, got {random_state!r}.")
    y = labels_for_result(result, labels)
    old = result.model
    base, base_scores = old.detector_, np.asarray(result.scores)
    if isinstance(base, ReRankedDetector):  # learning again: start from the unsupervised one
        assert base.base is not None
        base = base.base
        base_scores = base.score_samples(result.features)
    detector, seconds = timed(ReRankedDetector(base, random_state=random_state).fit,
                              result.features, y, base_scores=base_scores)
    n_flag = max(int(result.n_anomalies), int(np.sum(y == 1)))
    check = detector.check_
    if detector.fallback_:  # the marks could not support a better ranking: keep the old one
        rule = old.threshold_rule_
        note = ("Labels: kept the unsupervised ranking; re-ranked by the marks, the held-out "
                f"marks had {check['re-ranked']:.2%} of the unmarked rows on their wrong side "
                f"against {check['unsupervised']:.2%} unsupervised.")
    else:
        rule = resolve_threshold(detector.decision_scores_, top_k=min(n_flag, len(y)))
        note = (f"Labels: re-ranked by {detector.n_labelled_['anomalies']} anomal"
                f"{'y' if detector.n_labelled_['anomalies'] == 1 else 'ies'} and "
                f"{detector.n_labelled_['normals']} normal row(s); held-out marks had "
                f"{check['re-ranked']:.2%} of the unmarked rows on their wrong side "
                f"({check['unsupervised']:.2%} unsupervised).")
    model = clone(old)  # the same options; its fitted parts are the re-ranked ones
    model._set_fitted(result.data, np.asarray(result.features, dtype=np.float64),
                      old.preprocessor_, detector, rule, old.algorithm_, old.auto_reason_,
                      seconds)
    model.options_ = dict(getattr(old, "options_", {}))
    model.learned_from_labels_ = detector.n_labelled_
    model.labels_note_ = note
    return result.derive(scores=detector.decision_scores_, model=model, threshold_rule=rule)
