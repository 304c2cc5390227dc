"""ad.validate: stratified cross-validation with labels, advisory EM/MV without."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.evaluate.metrics import ADVISORY, excess_mass, mass_volume
from tests.conftest import planted_frame


@pytest.fixture
def labelled():
    df, y = planted_frame(n=400, n_out=20)
    return df, y


@pytest.fixture
def random_detector():
    """A deliberately useless detector: random scores, whatever the rows."""
    rng = np.random.default_rng(0)
    ad.register_detector("random_scores", lambda train, rows: rng.random(len(rows)),
                         overwrite=True)
    yield "random_scores"
    ad.unregister_detector("random_scores")


def test_labelled_cv_is_per_fold_and_high(labelled):
    df, y = labelled
    report = ad.validate(df, "knn", labels=y, cv=5)
    folds = report.to_frame()
    assert list(folds.index) == [0, 1, 2, 3, 4]
    assert (folds["n_anomalies"] == 4).all()  # stratified: 20 anomalies over 5 folds
    assert folds["n_test"].sum() == 400 and (folds["n_train"] + folds["n_test"] == 400).all()
    assert (folds["average_precision"] > 0.8).all() and (folds["roc_auc"] > 0.95).all()
    assert report.mean["average_precision"] > 0.9
    assert report.std["average_precision"] == pytest.approx(
        folds["average_precision"].std(ddof=0))
    assert "ADVISORY" not in report.summary() and "5-fold stratified" in report.summary()
    assert "average_precision" in repr(report)
    json.dumps(report.to_dict())


def test_label_column_is_left_out_of_the_features(labelled):
    df, y = labelled
    by_name = ad.validate(df.assign(target=y), "knn", labels="target", cv=3)
    by_array = ad.validate(df, "knn", labels=pd.Series(y, index=df.index), cv=3)
    pd.testing.assert_frame_equal(by_name.to_frame().drop(columns="fit_seconds"),
                                  by_array.to_frame().drop(columns="fit_seconds"))
    res = ad.detect(df.assign(target=y), "knn", exclude=["target"])
    from_result = ad.validate(res, labels="target", cv=3)
    assert from_result.mean == by_name.mean


def test_poor_detector_scores_low_with_labels(labelled):
    df, y = labelled
    rng = np.random.default_rng(1)
    ad.register_detector("noise_only", lambda train, rows: rng.random(len(rows)),
                         overwrite=True)
    try:
        report = ad.validate(df, "noise_only", labels=y, cv=4)
    finally:
        ad.unregister_detector("noise_only")
    assert report.mean["average_precision"] < 0.3


def test_unlabelled_rows_stay_out_of_the_metrics(labelled):
    df, y = labelled
    partial = y.astype(float)
    partial[200:] = np.nan
    report = ad.validate(df, "knn", labels=partial, cv=3)
    assert report.n_labelled == 200 and report.to_frame()["n_labelled"].sum() == 200
    assert report.mean["roc_auc"] > 0.9


def test_cv_is_lowered_to_the_number_of_anomalies_and_said(labelled):
    df, y = labelled
    few = np.full(len(y), np.nan)
    few[:3], few[100:140] = 1, 0
    with pytest.warns(ad.JupyterADWarning, match="cv lowered from 5 to 3"):
        report = ad.validate(df, "knn", labels=few, cv=5)
    assert report.cv == 3 and len(report.to_frame()) == 3
    assert (report.to_frame()["n_anomalies"] == 1).all()
    assert "cv lowered from 5 to 3" in report.summary()


def test_fewer_than_two_anomalies_is_refused(labelled):
    df, y = labelled
    one = np.full(len(y), np.nan)
    one[0], one[100:120] = 1, 0
    with pytest.raises(ad.ParameterError, match="at least 2 labelled anomalies"):
        ad.validate(df, "knn", labels=one)


def test_result_feedback_and_model_are_used(labelled):
    df, _ = labelled
    res = ad.detect(df, "knn", params={"n_neighbors": 10})
    res.feedback = {i: 1 for i in range(6)} | {i: 0 for i in range(100, 130)}
    report = ad.validate(res, cv=3)
    assert report.labelled and report.n_labelled == 36 and report.n_anomalies == 6
    assert report.algorithm == "knn" and report.params == {"n_neighbors": 10}
    direct = ad.validate(df, res.model, feedback=res.feedback, cv=3)
    assert direct.mean == report.mean


def test_unlabelled_em_mv_rank_a_good_detector_above_random_scores(labelled, random_detector):
    df, _ = labelled
    good = ad.validate(df, "knn", cv=3)
    bad = ad.validate(df, random_detector, cv=3)
    assert not good.labelled and good.internal
    assert good.mean["excess_mass"] > 2 * bad.mean["excess_mass"]
    assert good.mean["mass_volume"] < 0.5 * bad.mean["mass_volume"]
    for report in (good, bad):
        text = report.summary()
        assert ADVISORY in text and "misleading" in text
        assert report.to_dict()["advisory"] == ADVISORY
    assert (good.to_frame()["excess_mass"] > bad.to_frame()["excess_mass"]).all()


def test_high_dimensional_data_averages_feature_subsets(random_detector):
    df, _ = planted_frame(n=300, d=9, n_out=10, seed=2)
    good = ad.validate(df, "ecod", cv=3, n_subsets=4, n_uniform=4000)
    bad = ad.validate(df, random_detector, cv=3, n_subsets=4, n_uniform=4000)
    assert good.mean["excess_mass"] > bad.mean["excess_mass"]
    assert good.mean["mass_volume"] < bad.mean["mass_volume"]


def test_internal_criteria_on_a_known_case():
    rng = np.random.default_rng(0)
    rows = rng.uniform(0, 0.5, 20_000)  # the rows fill half of the box [0, 1]
    uniform = rng.uniform(0, 1, 200_000)
    normality = -np.abs(rows - 0.25)  # the ideal scoring function of these rows
    # MV(a) = a / 2 for a in [0.9, 0.999]; EM(t) = 1 - t / 2 until t = 0.2
    assert mass_volume(normality, -np.abs(uniform - 0.25)) == pytest.approx(0.04725, rel=0.02)
    em, reached = excess_mass(normality, -np.abs(uniform - 0.25))
    assert reached and em == pytest.approx(0.19, rel=0.02)
    random = rng.random(20_000), rng.random(200_000)  # scores unrelated to the rows
    assert mass_volume(*random) == pytest.approx(0.0945, rel=0.02)
    assert excess_mass(*random)[0] == pytest.approx(0.095, rel=0.02)


def test_seeded_reproducibility(labelled):
    df, _ = labelled
    one, two = ad.validate(df, "iforest", cv=3), ad.validate(df, "iforest", cv=3)
    assert one.mean == two.mean


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"cv": 1}, "cv must be a whole number >= 2"),
    ({"labels": [0, 1]}, "labels has 2 values"),
    ({"labels": np.full(400, 2)}, "must be 1 (anomaly)"),
    ({"labels": "nope"}, "no column named 'nope'"),
    ({"labels": np.zeros(400), "feedback": {0: 1}}, "not both"),
    ({"feedback": {"zzz": 1}}, "not a row of the data"),
    ({"random_state": -1}, "random_state"),
])
def test_bad_arguments(labelled, kwargs, words):
    df, _ = labelled
    with pytest.raises(ad.JupyterADError) as info:
        ad.validate(df, "ecod", **kwargs)
    assert words in str(info.value)


def test_too_few_rows():
    with pytest.raises(ad.DataError, match="at least 10 rows"):
        ad.validate(np.random.default_rng(0).normal(size=(8, 2)), "ecod", cv=5)
