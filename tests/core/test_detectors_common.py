"""The public battery (jupyter_ad.testing) over every registered detector, and what a model
adds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

import jupyter_ad as ad
from jupyter_ad.core.registry import build_detector
from jupyter_ad.testing import detector_checks
from tests.conftest import planted_frame

DETECTORS = list(ad.list_detectors().index)


def test_the_registry_has_every_required_detector():
    required = {"iforest", "pyod_iforest", "ecod", "copod", "hbos", "knn", "lof", "pca", "ocsvm",
                "cblof", "loda", "mcd", "gmm", "kde", "inne", "sk_iforest", "sk_lof", "sk_ocsvm",
                "sk_elliptic"}
    assert required <= set(DETECTORS)
    meta = ad.list_detectors()
    for column in ("family", "time_complexity", "memory_complexity", "large_data",
                   "high_dimensional", "native_explanations", "description"):
        assert column in meta.columns
    assert (meta.loc[list(required), "description"].str.len() > 10).all()


# the public battery (jupyter_ad.testing) for every registered detector; scikit-learn's own
# checks run in test_sklearn_checks.py (slow)
BATTERY = [(name, check_name, check) for name in DETECTORS
           for check_name, check in detector_checks(build_detector(name), sklearn=False)]


@pytest.mark.parametrize("name, check_name, check", BATTERY,
                         ids=[f"{name}-{check_name}" for name, check_name, _ in BATTERY])
def test_the_battery(name, check_name, check):
    check()


def test_the_battery_covers_every_registered_detector():
    names = {name for name, _, _ in BATTERY}
    assert names == set(DETECTORS) and len(DETECTORS) >= 19
    per_detector = {c for n, c, _ in BATTERY if n == "iforest"}
    assert {"higher_scores_for_planted_outliers", "monotone_in_the_tail",
            "scores_do_not_depend_on_the_batch", "through_a_model"} <= per_detector


@pytest.mark.parametrize("name", DETECTORS)
class TestEveryDetectorInAModel:
    """What only a model adds: thresholds from contamination, the store, column names."""

    def test_contamination_sets_the_threshold(self, name):
        df, _ = planted_frame()
        res = ad.detect(df, algorithm=name)
        np.testing.assert_array_equal(res.labels, (res.scores > res.threshold).astype(int))
        res5 = ad.detect(df, algorithm=name, contamination=0.05)
        assert abs(res5.n_anomalies - 15) <= 3

    def test_save_load_round_trip(self, name, tmp_path):
        df, _ = planted_frame()
        model = ad.fit(df, algorithm=name)
        ref = model.save("battery", root=tmp_path)
        loaded = ad.load(f"battery@{ref.version}", root=tmp_path)
        np.testing.assert_allclose(loaded.score_samples(df), model.score_samples(df))
        assert loaded.threshold_ == model.threshold_

    def test_columns_in_another_order(self, name):
        df, _ = planted_frame()
        model = ad.fit(df, algorithm=name)
        shuffled = df[list(reversed(df.columns))]
        np.testing.assert_allclose(model.score_samples(shuffled), model.score_samples(df))

    def test_a_row_alone_scores_as_in_a_batch(self, name):
        df, _ = planted_frame()
        model = ad.fit(df.iloc[50:], algorithm=name)
        batch = model.score_samples(df.iloc[:50])
        for i in (0, 3, 17, 49):
            alone = model.score_samples(df.iloc[[i]])
            np.testing.assert_allclose(alone, batch[i:i + 1], rtol=1e-9, atol=1e-12)


def test_a_registered_function_detector_works_everywhere(tmp_path, monkeypatch):
    module = tmp_path / "my_detectors.py"
    module.write_text(
        "import numpy as np\n"
        "def centroid_distance(train, rows):\n"
        "    return np.linalg.norm(rows - train.mean(axis=0), axis=1)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import my_detectors

    ad.register_detector("centroid", my_detectors.centroid_distance, family="proximity",
                         description="distance to the training mean")
    try:
        df, y = planted_frame()
        assert ad.list_detectors().loc["centroid", "family"] == "proximity"
        res = ad.detect(df, algorithm="centroid")
        assert roc_auc_score(y, res.scores) > 0.95
        res.model.save("centroid-model", root=tmp_path / "store")
        loaded = ad.load("centroid-model", root=tmp_path / "store")
        np.testing.assert_allclose(loaded.score_samples(df), res.scores)
        ens = ad.detect(df, algorithm=["centroid", "ecod"])
        assert roc_auc_score(y, ens.scores) > 0.95
    finally:
        ad.unregister_detector("centroid")


def test_a_registered_estimator_class_is_wrapped_with_its_direction():
    from sklearn.covariance import EllipticEnvelope

    ad.register_detector("my_envelope", EllipticEnvelope, higher_is_anomalous=False)
    try:
        df, y = planted_frame()
        res = ad.detect(df, algorithm="my_envelope", params={"support_fraction": 0.9})
        assert roc_auc_score(y, res.scores) > 0.95
    finally:
        ad.unregister_detector("my_envelope")


def test_entry_point_detectors_are_loaded(monkeypatch):
    from importlib.metadata import EntryPoint

    from jupyter_ad.core import registry

    ep = EntryPoint(name="ep_ecod", value="jupyter_ad.core.detectors.ecdf_models:ECOD",
                    group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points",
                        lambda group: [ep] if group == registry.ENTRY_POINT_GROUP else [])
    monkeypatch.setattr(registry, "_loaded", False)
    try:
        assert "ep_ecod" in ad.list_detectors().index
        assert ad.detect(planted_frame()[0], algorithm="ep_ecod").n_anomalies > 0
    finally:
        ad.unregister_detector("ep_ecod")


def test_ecod_copod_do_not_refit_on_scored_rows():
    df, _ = planted_frame()
    for name in ("ecod", "copod"):
        model = ad.fit(df.iloc[100:], algorithm=name)
        new = df.iloc[:100]
        alone = model.score_samples(new.iloc[:10])
        with_others = model.score_samples(pd.concat([new.iloc[:10], new.iloc[:10] * 50]))
        np.testing.assert_allclose(alone, with_others[:10])


def test_ecod_matches_pyod_on_training_scores():
    from pyod.models.ecod import ECOD as PyODECOD

    df, _ = planted_frame()
    ours = build_detector("ecod").fit(df.to_numpy()).decision_scores_
    theirs = PyODECOD().fit(df.to_numpy()).decision_scores_
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)


def test_copod_matches_pyod_on_training_scores():
    from pyod.models.copod import COPOD as PyODCOPOD

    df, _ = planted_frame()
    ours = build_detector("copod").fit(df.to_numpy()).decision_scores_
    theirs = PyODCOPOD().fit(df.to_numpy()).decision_scores_
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)


def test_fast_iforest_agrees_with_scikit_learn():
    from scipy.stats import spearmanr
    from sklearn.ensemble import IsolationForest

    df, y = planted_frame(n=3000, d=6, n_out=30)
    ours = build_detector("iforest", {"random_state": 0}).fit(df.to_numpy()).decision_scores_
    theirs = -IsolationForest(random_state=0).fit(df.to_numpy()).score_samples(df.to_numpy())
    assert spearmanr(ours, theirs).statistic > 0.9
    assert abs(roc_auc_score(y, ours) - roc_auc_score(y, theirs)) < 0.01
    assert ((ours > 0) & (ours < 1)).all()  # 2 ** (-E[h] / c(psi)) lies in (0, 1)


def test_ecdf_reference_is_capped_and_scores_stay_consistent():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 3))
    capped = build_detector("ecod", {"max_reference": 1000, "random_state": 0}).fit(X)
    assert capped.sorted_train_.shape == (3, 1000)
    full = build_detector("ecod").fit(X)
    from scipy.stats import spearmanr

    assert spearmanr(capped.decision_scores_, full.decision_scores_).statistic > 0.98
    contributions = full.feature_contributions(X[:10])
    np.testing.assert_allclose(contributions.sum(axis=1), full.score_samples(X[:10]))
