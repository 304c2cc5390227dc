"""Ensemble combinations (AOM, MOA, weighted) and the ``ensemble=`` option of detect/fit."""

from __future__ import annotations

import numpy as np
import pytest

import jupyter_ad as ad
from jupyter_ad.core.detectors.ensemble import EnsembleDetector, combine, normalise
from jupyter_ad.core.registry import build_detector
from jupyter_ad.errors import JupyterADError, ParameterError

# 4 members x 3 rows of (already normalised) scores
STACKED = np.array([
    [0.1, 0.9, 0.5],
    [0.3, 0.2, 0.4],
    [0.8, 0.1, 0.6],
    [0.2, 0.7, 0.0],
])


def test_aom_and_moa_by_hand():
    # groups in order: members (0, 1) and (2, 3)
    aom = combine(STACKED, "aom", n_buckets=2)
    assert aom == pytest.approx([(0.3 + 0.8) / 2, (0.9 + 0.7) / 2, (0.5 + 0.6) / 2])
    moa = combine(STACKED, "moa", n_buckets=2)
    assert moa == pytest.approx([max(0.2, 0.5), max(0.55, 0.4), max(0.45, 0.3)])


def test_uneven_buckets_and_edge_bucket_counts():
    # 4 members in 3 groups: (0, 1), (2,), (3,)
    aom = combine(STACKED, "aom", n_buckets=3)
    assert aom[0] == pytest.approx((0.3 + 0.8 + 0.2) / 3)
    assert combine(STACKED, "aom", n_buckets=1) == pytest.approx(STACKED.max(axis=0))
    assert combine(STACKED, "moa", n_buckets=1) == pytest.approx(STACKED.mean(axis=0))
    assert combine(STACKED, "aom", n_buckets=4) == pytest.approx(STACKED.mean(axis=0))
    assert combine(STACKED, "moa", n_buckets=4) == pytest.approx(STACKED.max(axis=0))


def test_weighted_mean_by_hand():
    w = np.array([1.0, 2.0, 3.0, 4.0])
    expected = (STACKED * w[:, None]).sum(axis=0) / w.sum()
    assert combine(STACKED, "weighted", weights=w) == pytest.approx(expected)


def members():
    return [build_detector("iforest", {"random_state": 0}), build_detector("ecod"),
            build_detector("hbos"), build_detector("pca")]


def test_detector_scores_match_combination_of_members(planted):
    df, _ = planted
    X = df.to_numpy()
    det = EnsembleDetector(members(), normalisation="rank", combination="aom", n_buckets=2).fit(X)
    per = np.vstack([normalise(m.score_samples(X[:20]), ref, "rank")
                     for m, ref in zip(det.detectors_, det.train_sorted_, strict=True)])
    assert det.score_samples(X[:20]) == pytest.approx(combine(per, "aom", n_buckets=2))


@pytest.mark.parametrize("combination", ["aom", "moa", "weighted", "max", "median", "mean"])
@pytest.mark.parametrize("normalisation", ["rank", "zscore", "minmax"])
def test_row_scores_do_not_depend_on_the_batch(planted, combination, normalisation):
    df, y = planted
    X = df.to_numpy()
    weights = [1.0, 2.0, 1.0, 0.5] if combination == "weighted" else None
    det = EnsembleDetector(members(), normalisation=normalisation, combination=combination,
                           weights=weights).fit(X)
    batch = det.score_samples(X[:30])
    alone = np.array([det.score_samples(X[i:i + 1])[0] for i in range(30)])
    assert batch == pytest.approx(alone)
    assert np.isfinite(det.decision_scores_).all()
    assert det.decision_scores_[y == 1].mean() > np.median(det.decision_scores_)


@pytest.mark.parametrize(("options", "match"), [
    ({"combination": "weighted"}, "needs weights"),
    ({"weights": [1.0, 2.0]}, "list of 4 numbers"),
    ({"weights": [1.0, 0.0, 1.0, 1.0]}, "> 0"),
    ({"weights": [1.0, -1.0, 1.0, 1.0]}, "> 0"),
    ({"weights": [1.0, float("inf"), 1.0, 1.0]}, "> 0"),
    ({"weights": [1.0, "a", 1.0, 1.0]}, "> 0"),
    ({"weights": [1.0, 1.0, 1.0, 1.0], "combination": "max"}, "weights apply"),
    ({"combination": "aom", "n_buckets": 5}, "n_buckets=5"),
    ({"combination": "aom", "n_buckets": 0}, "n_buckets"),
    ({"combination": "sum"}, "combination"),
])
def test_invalid_options(planted, options, match):
    df, _ = planted
    with pytest.raises(ParameterError, match=match):
        EnsembleDetector(members(), **options).fit(df.to_numpy())


def test_detect_ensemble_option(planted):
    df, y = planted
    names = ["iforest", "ecod", "hbos", "pca"]
    res = ad.detect(df, algorithm=names, ensemble={"combination": "aom", "normalisation": "rank"})
    det = res.model.detector_
    assert (det.combination, det.normalisation, det.n_buckets) == ("aom", "rank", 2)
    assert res.scores[y == 1].min() > np.median(res.scores)
    named = ad.fit(df, algorithm=["iforest", "ecod"],
                   ensemble={"combination": "weighted", "weights": {"ecod": 3, "iforest": 1}})
    assert named.detector_.weights == [1, 3]


def test_default_ensemble_is_unchanged(planted):
    df, _ = planted
    res = ad.detect(df)
    det = res.model.detector_
    assert isinstance(det, EnsembleDetector)
    assert (det.normalisation, det.combination, det.weights) == ("zscore", "mean", None)


@pytest.mark.parametrize(("algorithm", "ensemble"), [
    (["iforest", "ecod"], {"combine": "max"}),
    (["iforest", "ecod"], "aom"),
    ("iforest", {"combination": "max"}),
    (["iforest", "ecod"], {"weights": {"iforest": 1}}),
    (["iforest", "ecod"], {"combination": "moa", "n_buckets": 3}),
])
def test_detect_rejects_bad_ensemble_options(planted, algorithm, ensemble):
    df, _ = planted
    with pytest.raises(JupyterADError):
        ad.detect(df, algorithm=algorithm, ensemble=ensemble)
