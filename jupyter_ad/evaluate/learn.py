"""Learning from a few labels: re-rank an unsupervised result semi-supervised.

:func:`learn_from_labels` takes a :class:`~jupyter_ad.core.result.DetectionResult` and a few
labelled rows (1 = true anomaly, 0 = normal, missing = unlabelled; or ``result.feedback``) and
returns a new result whose score of a row is

    ``t + weight * p``

1. ``t``, **the unsupervised score** as its *tail surprisal* ``-log q``, with ``q`` the share of
   the original detector's training scores at or above it (0 for a typical row, about 4.6 for
   the top 1%, ``log n`` for the most anomalous row). Unlike a rank, it keeps the spread of the
   top of the ranking, where a reviewer's marks and the remaining anomalies are.
2. ``p``, **how much a row looks like the marked anomalies**: the probability of a forest of
   extremely randomised trees (scikit-learn's ``ExtraTreesClassifier``, 100 trees, each
   class-balanced on its bootstrap sample) that learns the marked anomalies against the rows
   marked normal plus up to 2,000 *pseudo-normal* rows: a random sample of the lower half of
   the unsupervised scores, leaving out rows closer to a marked anomaly than rows typically are
   to their 20th neighbour (they may be more of the same kind). Features are the model's
   preprocessed columns, robustly standardised (median, IQR; clipped at +-10).
3. ``weight`` from 0, 1, 2, 4, 8, **chosen on the marks themselves**, each marked row with its
   out-of-bag ``p`` (from the trees that did not learn from it):

   * When there are marks of both kinds, **the marks' own pairs decide**: the weight under
     which the most (marked anomaly, marked normal row) pairs are ordered right wins, if it
     orders more of them right than the unsupervised score does (the smallest wins ties).
     Those pairs are fair to every weight even when the marks come from the top of the
     ranking, as a reviewer's do: both kinds were picked from the same rows. A weight above 2
     must also leave fewer unmarked rows above the marked anomalies than weight 0 does: pairs
     of a few marks hardly tell large weights apart, and a large one then re-orders the
     unmarked rows on noise (on a card table weight 8 cost 32% AP where weight 1 gained 1%).
   * Otherwise (only anomalies marked, or no weight orders the pairs better), **the
     unmarked rows decide**: the weight that leaves the fewest unmarked rows on the wrong side
     of the marks (above a marked anomaly, below a marked normal row) wins; the smallest wins
     ties. It is only taken when more marks move to a better place under it than to a worse
     one by more than chance (a sign test at two sigmas: the surplus above twice the square
     root of the marks that move), or when it cuts the marked anomalies' error by a tenth.
     Two marks, one up five places and one down two, are noise (on a card table that cost 2%
     AP); so are 7 of 20 top-ranked marks up a place and 4 down (on the demo transactions
     that cost 11%). Each doubling of the weight above 2 must halve the marked anomalies'
     error (weight 4: half of it, weight 8: a quarter): two marks of one kind, 118 and 49
     rows below the top, that weight 8 lifted to 43 and 9 rows also lifted rows like them,
     and cost 9% AP on the demo transactions. (A normal row marked at the top has nearly
     every unmarked row below it under any weight; counted in these relative tests, it only
     dilutes them.)

   Weight 0 means the marks support no better ranking: the result keeps the unsupervised
   scores, and its ``summary()`` says so (``model.labels_note_``).

Measured (``benchmarks/feedback.py``, ``docs/benchmarks.md``): no table is made worse by more
than 2% under any marking pattern; random marks lift AP on the ADBench files by a fifth or
more, marks from the top by 30%; 20 marks from the top 40 rows lift it by 4% on the card tables
(not the 20% issue 14 asks for: the marks there are the frauds the detector already ranks first,
and they say little about the kinds it ranks low; even a weight picked with the true labels
gained only 5%, where a classifier of every label reaches AP 0.99).

Everything the new score needs is kept in a :class:`ReRankedDetector` that wraps the original
detector, so ``new_result.model.score(rows)`` scores new rows the same way, one at a time or in
a batch (``score_one`` about 1.4 ms: the forest's 100 trees), and the model saves and loads
like any other.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import ExtraTreesClassifier
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
#: weights of the evidence (0..1) against the tail surprisal (0 .. log n); 0 = unsupervised
_WEIGHTS = (0.0, 1.0, 2.0, 4.0, 8.0)
_FREE_WEIGHT = 2.0
#: without most marks agreeing, a weight must cut the held-out error by this share
_CLEAR_GAIN = 0.1
#: ... or a majority of the marks moving up, by more than chance: a sign test at 2 sigmas
_SIGN_SIGMAS = 2.0


class ReRankedDetector(BaseDetector):
    """A fitted detector re-ranked with labels (see module docstring).

    Parameters
    ----------
    base : BaseDetector
        The fitted unsupervised detector; it is not re-fitted.
    max_negatives : int, default 2000
        Pseudo-normal rows sampled from the lower half of the unsupervised scores.
    n_estimators : int, default 100
        Trees of the classifier of marked anomalies against normal rows.
    random_state : int or None, default 0
        Seed of the pseudo-normal sample and of the trees.
    """

    def __init__(self, base: BaseDetector | None = None, max_negatives: int = 2000,
                 n_estimators: int = 100, random_state: int | None = 0) -> None:
        self.base = base
        self.max_negatives = max_negatives
        self.n_estimators = n_estimators
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
        t = self._surprisal(base)
        u = normalise(base, self.base_sorted_, "rank")
        labelled = np.concatenate([pos, neg])
        pseudo = np.setdiff1d(np.flatnonzero(u < 0.5), labelled)
        pseudo = rng.choice(pseudo, min(int(self.max_negatives), pseudo.size), replace=False)
        if pseudo.size:  # rows as close to a marked anomaly as rows are to their
            # neighbours are not taken for normal: they may be more of the same kind
            near = NearestNeighbors(n_neighbors=1).fit(z[pos]).kneighbors(z[pseudo])[0][:, 0]
            pseudo = pseudo[near > _bandwidth(z, rng)]
        self.n_pseudo_normals_ = int(pseudo.size)
        self.n_labelled_ = {"anomalies": int(pos.size), "normals": int(neg.size)}
        self.forest_: ExtraTreesClassifier | None = None
        evidence, held = np.zeros(len(z)), np.zeros(labelled.size)
        if neg.size + pseudo.size:  # else nothing to tell the marks from: weight 0 below
            self.forest_ = self._forest(z, pos, neg, pseudo)
            evidence = self._evidence(z)
            held = self.forest_.oob_decision_function_[: labelled.size, 1]
            held = np.where(np.isnan(held), evidence[labelled], held)
        self.check_ = _held_out_check(t, evidence, held, labelled, pos.size)
        self.weight_ = self.check_["weight"]
        self.fallback_ = self.weight_ == 0.0  # the marks support no better ranking: keep it
        self.decision_scores_ = base.copy() if self.fallback_ else t + self.weight_ * evidence
        from jupyter_ad.core.thresholds import auto_threshold

        self.threshold_ = auto_threshold(self.decision_scores_)
        return self

    def _forest(self, z: np.ndarray, pos: np.ndarray, neg: np.ndarray,
                pseudo: np.ndarray) -> ExtraTreesClassifier:
        """Extremely randomised trees, class-balanced per bootstrap sample, of the marked
        anomalies against the marked normal rows and the pseudo-normal rows (in that order).
        """
        rows = np.concatenate([pos, neg, pseudo])
        target = np.r_[np.ones(pos.size), np.zeros(neg.size + pseudo.size)]
        forest = ExtraTreesClassifier(
            n_estimators=int(self.n_estimators), class_weight="balanced_subsample",
            bootstrap=True, oob_score=True, random_state=self.random_state)
        with warnings.catch_warnings():  # a row in every bootstrap sample has no OOB score
            warnings.simplefilter("ignore", UserWarning)
            forest.fit(z[rows], target)
        return forest

    def _surprisal(self, base: np.ndarray) -> np.ndarray:
        """``-log`` of the share of training scores at or above each score (0 .. log(n + 1))."""
        n = self.base_sorted_.size
        above = n - np.searchsorted(self.base_sorted_, base, side="left")
        return np.asarray(-np.log((above + 1.0) / (n + 1.0)))

    def _standardise(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(np.clip((X - self.center_) / self.scale_, -_CLIP, _CLIP))

    def _evidence(self, z: np.ndarray) -> np.ndarray:
        """The classifier's probability that a row is like the marked anomalies (0..1)."""
        assert self.forest_ is not None
        # each tree's class shares, averaged: what ``predict_proba`` computes, without its
        # per-tree validation and thread pool (6x faster for a single row)
        rows = np.ascontiguousarray(z, dtype=np.float32)
        total = np.zeros(len(rows))
        for tree in self.forest_.estimators_:
            shares = tree.tree_.predict(rows).reshape(len(rows), -1)
            weight = shares.sum(axis=1)
            total += shares[:, 1] / np.where(weight > 0, weight, 1.0)
        return np.asarray(total / len(self.forest_.estimators_))

    def _score(self, X: np.ndarray) -> np.ndarray:
        assert self.base is not None
        base = self.base.score_samples(X)
        if getattr(self, "fallback_", False):
            return np.asarray(base)
        return np.asarray(self._surprisal(base)
                          + self.weight_ * self._evidence(self._standardise(X)))


def _bandwidth(z: np.ndarray, rng: np.random.Generator) -> float:
    """The median distance of a row to its 20th nearest neighbour (a sample of 1,000 rows):
    the scale at which rows count as near each other in this data.
    """
    k = min(_NEIGHBOURS, len(z) - 1)
    if k < 1:
        return 0.0
    sample = rng.choice(len(z), min(_BANDWIDTH_SAMPLE, len(z)), replace=False)
    dist = NearestNeighbors(n_neighbors=k + 1).fit(z).kneighbors(z[sample])[0][:, k]
    return float(np.median(dist))


def _held_out_check(t: np.ndarray, evidence: np.ndarray, held: np.ndarray,
                    labelled: np.ndarray, n_pos: int) -> dict[str, Any]:
    """The weight of the evidence, and how the labelled rows are ranked without their own
    label (``held`` is each labelled row's out-of-bag evidence: from the trees that did not
    learn from it); labelled anomalies first, ``n_pos`` of them.

    1. With labelled rows of both kinds, by the share of (anomaly, normal) pairs of labelled
       rows that ``t + weight * held`` orders right (ties count half): the best of
       :data:`_WEIGHTS` (the smallest on ties) if it beats weight 0, a weight above
       :data:`_FREE_WEIGHT` only if it also leaves fewer unlabelled rows above the labelled
       anomalies than weight 0 does.
    2. Otherwise by the mean share of unlabelled rows on the wrong side of each labelled row
       (above a labelled anomaly, below a labelled normal row): the best weight (the smallest
       on ties) among those under which more labelled rows move to a better place than to a
       worse one by more than chance (:data:`_SIGN_SIGMAS`), or the labelled anomalies'
       error falls by :data:`_CLEAR_GAIN` or more; no weight may raise the error, and above
       :data:`_FREE_WEIGHT` each doubling of the weight must halve the anomalies' error.
       Every labelled row counts once in the error (weighting the classes alike made the few
       "normal" marks at the top decide).

    Returns the weight, the rule that chose it (``"pairs"`` or ``"unmarked rows"``), the
    wrong-side errors (``"unsupervised"``, ``"re-ranked"``) and, with both kinds labelled,
    the shares of pairs ordered right (``"pairs unsupervised"``, ``"pairs re-ranked"``).
    """
    is_pos = np.arange(labelled.size) < n_pos
    unlabelled = np.ones(t.size, bool)
    unlabelled[labelled] = False

    def wrong(weight: float) -> np.ndarray:
        ordered = np.sort(t[unlabelled] + weight * evidence[unlabelled])
        own = t[labelled] + weight * held
        above = ordered.size - np.searchsorted(ordered, own[is_pos], side="right")
        below = np.searchsorted(ordered, own[~is_pos], side="left")
        return np.concatenate([above, below]) / max(ordered.size, 1)

    each = {w: wrong(w) for w in _WEIGHTS}
    tried = {w: float(e.mean()) for w, e in each.items()}
    # the share of unlabelled rows above the labelled anomalies. The relative tests below look
    # at it alone: a labelled normal row at the top has nearly every unlabelled row below it
    # under any weight, and would only dilute them
    lifted = {w: float(each[w][:n_pos].mean()) for w in _WEIGHTS}
    found: dict[str, Any] = {"unsupervised": tried[0.0]}
    if 0 < n_pos < labelled.size:
        right = {w: _pairs_in_order(t[labelled] + w * held, is_pos) for w in _WEIGHTS}
        found.update({"pairs unsupervised": right[0.0]})
        # a large weight must not add unlabelled rows above the labelled anomalies
        better = [w for w in _WEIGHTS if w > 0 and right[w] > right[0.0] and (
            w <= _FREE_WEIGHT or lifted[w] < lifted[0.0])]
        if better:
            weight = max(better, key=lambda w: (right[w], -w))
            return {**found, "weight": weight, "rule": "pairs", "re-ranked": tried[weight],
                    "pairs re-ranked": right[weight]}

    def agreed(weight: float) -> bool:
        # more labelled rows end up on a better side than on a worse one, by more than chance
        # (a sign test), or the anomalies' error falls by a tenth or more. Two marks, one
        # moving up 5 places while the other drops 2, are noise (it cost 2% AP on a card
        # table); so are 20 marks from the top of which 7 move up a place or so and 4 down (on
        # the demo transactions weight 1 then cost a tenth of the AP, weight 2 a quarter)
        up = int((each[weight] < each[0.0]).sum())
        down = int((each[weight] > each[0.0]).sum())
        better = up - down > _SIGN_SIGMAS * np.sqrt(up + down)
        return bool(better or lifted[weight] <= (1.0 - _CLEAR_GAIN) * lifted[0.0])

    # no weight may leave more rows on the wrong side; above _FREE_WEIGHT, each doubling of the
    # weight must halve the anomalies' error: marks from the top of the ranking hardly tell
    # weights apart, and a large weight re-orders the top on noise or lifts every row that
    # looks like a few marks
    allowed = [0.0] + [w for w in _WEIGHTS if w > 0 and agreed(w) and tried[w] <= tried[0.0]
                       and lifted[w] <= min(1.0, _FREE_WEIGHT / w) * lifted[0.0]]
    weight = min(allowed, key=lambda w: (tried[w], w))
    return {**found, "weight": weight, "rule": "unmarked rows", "re-ranked": tried[weight]}


def _pairs_in_order(scores: np.ndarray, is_pos: np.ndarray) -> float:
    """Share of (anomaly, normal) pairs with the anomaly scored higher; ties count half."""
    pos, neg = scores[is_pos], scores[~is_pos]
    higher = (pos[:, None] > neg[None, :]).mean()
    tied = (pos[:, None] == neg[None, :]).mean()
    return float(higher + 0.5 * tied)


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
        if detector.forest_ is None:
            note = ("Labels: kept the unsupervised ranking; no unmarked row is unlike the marks "
                    "enough to learn from (the table is too small, or the marks too many).")
        else:
            pairs = ("" if "pairs unsupervised" not in check else
                     "ordered more pairs of a marked anomaly and a marked normal row right "
                     f"({check['pairs unsupervised']:.0%} unsupervised), nor ")
            note = ("Labels: kept the unsupervised ranking; no weight of the marks' evidence "
                    f"{pairs}put clearly fewer unmarked rows on the wrong side of the held-out "
                    "marks (a majority of the marks better placed beyond chance, or a tenth "
                    "fewer rows above the marked anomalies; "
                    f"{check['unsupervised']:.3%} unsupervised).")
    else:
        rule = resolve_threshold(detector.decision_scores_, top_k=min(n_flag, len(y)))
        if check["rule"] == "pairs":
            held = (f"held out, the marks ordered {check['pairs re-ranked']:.0%} of their "
                    "(anomaly, normal) pairs right "
                    f"({check['pairs unsupervised']:.0%} unsupervised)")
        else:
            held = (f"held-out marks had {check['re-ranked']:.3%} of the unmarked rows on "
                    f"their wrong side ({check['unsupervised']:.3%} unsupervised)")
        note = (f"Labels: re-ranked by {detector.n_labelled_['anomalies']} anomal"
                f"{'y' if detector.n_labelled_['anomalies'] == 1 else 'ies'} and "
                f"{detector.n_labelled_['normals']} normal row(s), evidence weight "
                f"{detector.weight_:g}; {held}.")
    model = clone(old)  # the same options; its fitted parts are the re-ranked ones
    model._set_fitted(result.data, np.asarray(result.features, dtype=np.float64),
                      old.preprocessor_, detector, rule, old.algorithm_, old.auto_reason_,
                      seconds)
    model.options_ = dict(getattr(old, "options_", {}))
    model.learned_from_labels_ = detector.n_labelled_
    model.labels_note_ = note
    return result.derive(scores=detector.decision_scores_, model=model, threshold_rule=rule)
