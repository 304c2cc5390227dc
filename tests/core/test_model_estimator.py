"""AnomalyModel is a scikit-learn estimator: checks, clone, pipelines, one assembly path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

import jupyter_ad as ad
from jupyter_ad.core.model import AnomalyModel

LABEL_CONVENTION = ("scikit-learn expects -1 for outliers; jupyter-ad's documented convention "
                    "is 1 = anomaly, 0 = normal (PyOD's)")
EXPECTED_FAILURES = {
    "check_outliers_train": LABEL_CONVENTION,
    "check_outliers_fit_predict": LABEL_CONVENTION,
}


@parametrize_with_checks([AnomalyModel(), AnomalyModel("iforest", contamination=0.1)],
                         expected_failed_checks=lambda est: EXPECTED_FAILURES)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_params_are_stored_as_given_and_clone_refits_the_same(planted):
    df, _ = planted
    model = AnomalyModel("IForest", contamination="5%", params={"n_estimators": 50})
    assert model.get_params()["algorithm"] == "IForest"  # sklearn: __init__ only stores
    model.fit(df)
    assert model.algorithm_ == "iforest" and model.options_["contamination"].value == 0.05
    twin = clone(model)
    assert not hasattr(twin, "detector_") and twin.get_params() == model.get_params()
    np.testing.assert_array_equal(twin.fit(df).score_samples(df), model.score_samples(df))
    model.set_params(algorithm="ecod", params=None)
    assert model.fit(df).algorithm_name == "ecod"


def test_fit_and_detect_are_thin_wrappers(planted):
    df, _ = planted
    res = ad.detect(df, "knn", top_k=6)
    model = ad.fit(df, "knn", top_k=6)
    # training scores of k-NN leave each row out of its own neighbours
    np.testing.assert_allclose(res.scores, model.detector_.decision_scores_)
    np.testing.assert_array_equal(res.labels, (res.scores > model.threshold_).astype(int))
    assert res.model.get_params() == model.get_params()
    with pytest.raises(ad.ParameterError, match=r"unknown option 'contaminaton'\. Did you mean"):
        ad.detect(df, contaminaton=0.1)


def test_decision_function_and_predict_follow_the_threshold(planted):
    df, y = planted
    model = AnomalyModel("iforest", top_k=6).fit(df)
    decision = model.decision_function(df)
    np.testing.assert_array_equal(model.predict(df), (decision > 0).astype(int))
    np.testing.assert_allclose(decision, model.score_samples(df) - model.threshold_)
    assert set(np.flatnonzero(model.fit_predict(df))) == set(np.flatnonzero(y))


def test_inside_pipeline_and_column_transformer(planted):
    df, y = planted
    keep = ColumnTransformer([("num", "passthrough", ["f0", "f1", "f2", "f3"])],
                             verbose_feature_names_out=False).set_output(transform="pandas")
    pipe = make_pipeline(FunctionTransformer(lambda d: d.assign(f0=d["f0"] * 2)), keep,
                         AnomalyModel("iforest", top_k=6))
    pipe.fit(df)
    assert set(np.flatnonzero(pipe.predict(df))) == set(np.flatnonzero(y))
    assert pipe[-1].feature_names == ["f0", "f1", "f2", "f3"]
    np.testing.assert_allclose(np.asarray(pipe.score(df)), pipe.score_samples(df))


def test_model_from_learning_has_reference_rows_and_the_same_options(planted):
    df, y = planted
    res = ad.detect(df, "iforest", random_state=3)
    marks = pd.Series(np.where(np.arange(len(y)) < 3, y, np.nan), index=df.index)
    learned = res.learn(marks)
    model = learned.model
    assert model.get_params() == res.model.get_params()
    assert len(model.reference_rows_) > 0 and model.metrics_["n_rows"] == len(df)
    assert model.algorithm_name == "iforest (re-ranked by labels)"
    np.testing.assert_allclose(model.score_samples(df), learned.scores)


def test_validate_and_tune_clone_the_model(planted):
    df, y = planted
    model = ad.fit(df, "iforest", params={"n_estimators": 40})
    report = ad.validate(df, model, labels=y, cv=3)
    assert report.params == {"n_estimators": 40} and report.algorithm == "iforest"
    res = ad.detect(df)  # "auto": the folds validate what was fitted
    assert ad.validate(res, cv=3).algorithm == res.algorithm


def test_options_checked_before_any_data(tmp_path):
    with pytest.raises(ad.ParameterError, match="has no parameter 'n_estimatorz'"):
        AnomalyModel("iforest", params={"n_estimatorz": 3}).check_options()
    with pytest.raises(ad.ParameterError, match="scaling"):
        AnomalyModel(preprocessing={"scaling": "log"}).check_options()
    with pytest.raises(ad.ParameterError, match="params need a named algorithm"):
        AnomalyModel(params={"n_neighbors": 3}).check_options()


def test_engines_never_call_back_into_the_core_api():
    import ast
    from pathlib import Path

    import jupyter_ad.engines as engines

    for path in Path(engines.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(m and m.startswith(("jupyter_ad.core", "jupyter_ad.evaluate"))
                       for m in imported), path


def test_a_dask_frame_goes_to_the_dask_engine(planted):
    dd = pytest.importorskip("dask.dataframe")
    df, _ = planted
    ddf = dd.from_pandas(df, npartitions=2)
    model = ad.fit(df, "iforest")
    scored = model.score(ddf).compute()
    np.testing.assert_allclose(scored["score"].to_numpy(), model.score_samples(df))


def test_a_threshold_that_flags_most_rows_warns(planted):
    df, _ = planted
    with pytest.warns(ad.JupyterADWarning, match=r"flags 100% of the training rows"):
        res = ad.detect(df, "iforest", threshold=-5.0)
    assert res.n_anomalies == len(df)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", ad.JupyterADWarning)
        ad.detect(df, "iforest", threshold=0.9)  # flags a few: no warning


def test_fit_and_detect_route_a_dask_frame_to_the_dask_engine(planted):
    dd = pytest.importorskip("dask.dataframe")
    df, _ = planted
    ddf = dd.from_pandas(df, npartitions=3)
    model = ad.fit(ddf, "iforest")  # fitted on the rows, gathered (at most max_rows)
    np.testing.assert_allclose(model.score_samples(df), ad.fit(df, "iforest").score_samples(df))
