"""ad.tune: Optuna search over a detector's parameters, scored by cross-validation."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest

import jupyter_ad as ad
from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.params import Interval
from jupyter_ad.evaluate.search_space import DEFAULT_SPACES, Dim, search_space
from jupyter_ad.evaluate.tune import INSTALL
from tests.conftest import planted_frame


class NoisyDistance(BaseDetector):
    """Distance from the mean, plus ``noise`` times random scores: noise only hurts."""

    _param_rules = {"noise": Interval(float, 0, None), "power": Interval(int, 1, 4)}

    def __init__(self, noise: float = 0.0, power: int = 2) -> None:
        self.noise = noise
        self.power = power

    def _fit(self, X):
        self.center_ = X.mean(axis=0)

    def _score(self, X):
        d = (np.abs(X - self.center_) ** self.power).sum(axis=1)
        return d + self.noise * 100 * np.random.default_rng(0).random(len(X))


@pytest.fixture(scope="module")
def clustered():
    """A tight cluster of 15 anomalies: k-NN with a small k sees them as each other's
    neighbours and misses them; a k larger than the cluster finds them all.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    X[:15] = rng.normal(loc=5.0, scale=0.2, size=(15, 3))
    y = np.zeros(400)
    y[:15] = 1
    return X, y


@pytest.fixture(scope="module")
def tuned(clustered):
    X, y = clustered
    return ad.tune(X, "knn", labels=y, n_trials=8, cv=3)


def test_tuning_improves_on_a_poor_default(clustered, tuned):
    X, y = clustered
    default = ad.validate(X, "knn", labels=y, cv=3).mean["average_precision"]
    assert default < 0.3  # n_neighbors=5 is smaller than the anomaly cluster
    assert tuned.default_score == pytest.approx(default)
    assert tuned.best_score >= tuned.default_score and tuned.best_score > 0.9
    again = ad.validate(X, "knn", labels=y, cv=3, params=tuned.best_params)
    assert again.mean["average_precision"] == pytest.approx(tuned.best_score)
    assert tuned.metric == "average_precision" and not tuned.advisory


def test_best_params_lie_in_the_space_and_trials_are_recorded(tuned):
    assert set(tuned.best_params) == {"n_neighbors", "method"}
    for name, value in tuned.best_params.items():
        assert tuned.space[name].contains(value)
    trials = tuned.trials
    assert len(trials) == 8 and (trials["state"] == "COMPLETE").all()
    assert {"value", "state", "seconds", "n_neighbors", "method"} <= set(trials.columns)
    assert trials["n_neighbors"].between(2, 100).all()
    assert trials["value"].max() == pytest.approx(tuned.best_score)
    assert trials.loc[0, "n_neighbors"] == 5  # the defaults are the first trial


def test_model_is_fitted_with_the_best_params(tuned):
    assert isinstance(tuned.model, ad.AnomalyModel)
    assert tuned.model.detector_.n_neighbors == tuned.best_params["n_neighbors"]
    train_scores = tuned.model.detector_.decision_scores_  # leave-one-out for k-NN
    assert train_scores[:15].min() > np.median(train_scores)


def test_seeded_runs_give_the_same_result(clustered, tuned):
    X, y = clustered
    again = ad.tune(X, "knn", labels=y, n_trials=8, cv=3)
    assert again.best_params == tuned.best_params
    assert again.trials["value"].tolist() == tuned.trials["value"].tolist()


def test_summary_dict_repr_and_plot(tuned):
    text = tuned.summary()
    assert "Tuned knn" in text and "average precision" in text and "ADVISORY" not in text
    assert "optimistic" in text
    data = tuned.to_dict()
    json.dumps(data)
    assert data["best_params"] == tuned.best_params and len(data["trials"]) == 8
    assert "best_score" in repr(tuned)
    chart = tuned.plot().to_dict()
    assert len(chart["layer"]) == 2


def test_feedback_from_a_result_is_used(clustered):
    X, _ = clustered
    res = ad.detect(X, "knn")
    res.feedback = {i: 1 for i in range(6)} | {i: 0 for i in range(100, 160)}
    out = ad.tune(res, "knn", n_trials=3, cv=3)
    assert out.metric == "average_precision" and out.n_labelled == 66
    direct = ad.tune(X, "knn", feedback=res.feedback, n_trials=3, cv=3)
    assert direct.best_params == out.best_params


@pytest.mark.slow
def test_without_labels_the_objective_is_advisory_excess_mass(clustered):
    X, _ = clustered
    out = ad.tune(X, "knn", n_trials=4, cv=3)
    assert out.metric == "excess_mass" and out.advisory
    text = out.summary()
    assert "ADVISORY" in text and "misleading" in text
    assert "Excess-Mass area instead of average_precision" in text
    assert np.isfinite(out.trials["value"]).all()


def test_param_space_overrides_the_defaults(clustered):
    X, y = clustered
    out = ad.tune(X, "knn", labels=y, n_trials=5, cv=3,
                  param_space={"n_neighbors": (20, 40), "method": ["mean"]})
    assert out.trials["n_neighbors"].between(20, 40).all()
    assert (out.trials["method"] == "mean").all()
    dropped = ad.tune(X, "knn", labels=y, n_trials=3, cv=3, param_space={"method": None})
    assert set(dropped.best_params) == {"n_neighbors"}


def test_spaces_cover_the_builtins_and_derive_the_others():
    for name in ("iforest", "knn", "lof", "hbos", "ocsvm", "pca", "cblof", "loda", "gmm",
                 "kde", "inne"):
        assert name in DEFAULT_SPACES
    derived = search_space("sk_lof")
    assert derived["n_neighbors"].kind == "int" and derived["n_neighbors"].low >= 1
    assert search_space("mcd")["support_fraction"].high <= 1
    assert "random_state" not in search_space("iforest")
    assert search_space("knn", n_train=30)["n_neighbors"].high == 29  # capped at the rows


def test_a_user_detector_gets_a_derived_space_and_keeps_better_defaults():
    ad.register_detector("noisy_distance", NoisyDistance, overwrite=True)
    try:
        assert search_space("noisy_distance") == {"power": Dim("int", 1, 4)}
        df, y = planted_frame(n=300, n_out=15)
        out = ad.tune(df, "noisy_distance", labels=y, n_trials=4, cv=3,
                      param_space={"noise": (0.5, 5.0), "power": [1, 2]})
    finally:
        ad.unregister_detector("noisy_distance")
    assert out.trials["noise"].between(0.5, 5.0).all()
    assert out.best_params == {"power": 2, "noise": 0.0}
    assert out.best_score == out.default_score > out.trials["value"].max()
    assert "default parameters scored better than every trial" in out.summary()


@pytest.mark.parametrize(("space", "words"), [
    ({"n_neighbours": (2, 10)}, "has no parameter 'n_neighbours'"),
    ({"n_neighbors": (0, 10)}, "must be an integer >= 1"),
    ({"n_neighbors": (10, 2)}, "low <= high"),
    ({"n_neighbors": (2,)}, "must be (low, high)"),
    ({"n_neighbors": (2, 10, "squared")}, "must be (low, high)"),
    ({"method": ["largest", "nope"]}, "offers 'nope'"),
    ({"method": []}, "non-empty list"),
    ({"n_neighbors": 5}, "must be (low, high)"),
    ({"random_state": (0, 5)}, "has no parameter"),
])
def test_bad_param_space_is_refused(clustered, space, words):
    X, y = clustered
    with pytest.raises(ad.ParameterError) as info:
        ad.tune(X, "knn", labels=y, param_space=space, n_trials=2)
    assert words in str(info.value)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"algorithm": "auto"}, "one detector name"),
    ({"algorithm": ["knn", "ecod"]}, "one detector name"),
    ({"metric": "f1"}, "metric must be one of"),
    ({"n_trials": 0}, "n_trials"),
    ({"timeout": -1}, "timeout"),
])
def test_bad_arguments(clustered, kwargs, words):
    X, y = clustered
    args = {"algorithm": "knn", "labels": y, **kwargs}
    with pytest.raises(ad.JupyterADError) as info:
        ad.tune(X, **args)
    assert words in str(info.value)


def test_missing_optuna_names_the_pip_line(clustered, monkeypatch):
    real = importlib.import_module

    def no_optuna(name, *args, **kwargs):
        if name.split(".")[0] == "optuna":
            raise ModuleNotFoundError("No module named 'optuna'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", no_optuna)
    X, y = clustered
    with pytest.raises(ad.OptionalDependencyError) as info:
        ad.tune(X, "knn", labels=y)
    assert INSTALL in str(info.value) and "pip install optuna" in str(info.value)
    assert isinstance(info.value, ImportError)
