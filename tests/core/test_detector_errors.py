"""The error hierarchy as scikit-learn and Python users expect it, and detectors' input errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.covariance import EllipticEnvelope
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.utils.validation import check_is_fitted

import jupyter_ad as ad
from jupyter_ad.core.detectors import ECOD, EstimatorDetector, FunctionDetector
from jupyter_ad.core.detectors.base import finite_scores
from jupyter_ad.core.registry import build_detector


def test_not_fitted_error_is_scikit_learns_and_built_lazily():
    code = (
        "import sys, json\n"
        "import jupyter_ad as ad\n"
        "from jupyter_ad.errors import *\n"
        "light = 'sklearn' not in sys.modules and 'NotFittedError' not in dir()\n"
        "from jupyter_ad.errors import NotFittedError\n"
        "import pickle, sklearn.exceptions as se\n"
        "same = NotFittedError is ad.NotFittedError\n"
        "again = type(pickle.loads(pickle.dumps(NotFittedError('x')))) is NotFittedError\n"
        "print(json.dumps([light, same, again, issubclass(NotFittedError, se.NotFittedError)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, True, True, True]
    assert issubclass(ad.NotFittedError, ad.JupyterADError)
    assert issubclass(ad.NotFittedError, ValueError) and issubclass(ad.NotFittedError,
                                                                   AttributeError)
    assert "NotFittedError" in ad.__all__ and "NotFittedError" in dir(ad)


def test_an_unfitted_detector_raises_what_scikit_learn_catches():
    det = ECOD()
    with pytest.raises(SklearnNotFittedError):
        check_is_fitted(det)
    with pytest.raises(SklearnNotFittedError, match="not fitted yet: call fit"):
        det.decision_function(np.zeros((2, 3)))
    check_is_fitted(det.fit(np.random.default_rng(0).normal(size=(20, 3))))


@pytest.fixture(scope="module")
def fitted() -> ECOD:
    return ECOD().fit(np.random.default_rng(0).normal(size=(50, 4)))


@pytest.mark.parametrize("bad, error, builtin, phrase", [
    (np.zeros(4), ad.DataError, ValueError, "Reshape your data"),
    (np.zeros((2, 3)), ad.DataError, ValueError,
     "X has 3 features, but ECOD is expecting 4 features as input"),
    (np.array([[1.0, np.nan, 0, 0]]), ad.MissingValuesError, ValueError, "got NaN at row 0"),
    (np.array([[1.0, 0, -np.inf, 0]]), ad.MissingValuesError, ValueError, "got -inf at row 0"),
    (np.zeros((2, 4)) + 1j, ad.MixedTypesError, ValueError, "Complex data not supported"),
    (np.array([[1.0, {"a": 1}, 0, 0]], dtype=object), ad.MixedTypesError, TypeError,
     "argument must be a string or a real number"),
    (sp.csr_matrix(np.eye(4)), ad.UnsupportedInputError, TypeError,
     "sparse input is not supported"),
    (np.empty((0, 4)), ad.EmptyDataError, ValueError, "0 sample(s)"),
])
def test_bad_input_to_a_fitted_detector(fitted, bad, error, builtin, phrase):
    with pytest.raises(error) as info:
        fitted.score_samples(bad)
    assert isinstance(info.value, builtin) and phrase in str(info.value)


def test_empty_and_ragged_training_data():
    with pytest.raises(ad.EmptyDataError, match=r"0 feature\(s\) \(shape=\(12, 0\)\) while a "
                                                r"minimum of 1 is required by ECOD"):
        ECOD().fit(np.empty((12, 0)))
    with pytest.raises(ad.DataError, match="same number of values in every row"):
        ECOD().fit([[1.0, 2.0], [3.0]])


def test_a_dataframe_is_matched_by_column_name():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 3)), columns=["x", "y", "z"])
    det = build_detector("knn").fit(frame)
    assert det.feature_names_in_.tolist() == ["x", "y", "z"]
    np.testing.assert_array_equal(det.score_samples(frame[["z", "x", "y"]]),
                                  det.score_samples(frame))
    with pytest.raises(ad.ColumnMismatchError, match=r"lacks \['z'\] and has unknown \['w'\]"):
        det.score_samples(frame.rename(columns={"z": "w"}))
    assert not hasattr(det.fit(frame.to_numpy()), "feature_names_in_")  # a re-fit forgets


def test_a_library_failure_while_fitting_is_a_data_error():
    tiny_range = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-15], [1.0, 1.0]])
    with pytest.raises(ad.DataError, match=r"HBOS could not be fitted on data of shape \(3, "
                                           r"2\) \(ValueError: Too many bins") as info:
        build_detector("hbos").fit(tiny_range)
    assert not isinstance(info.value, ad.ParameterError)  # exit status 1, not 2
    from jupyter_ad.cli.main import report_error

    assert report_error("detect", info.value) == 1


def test_a_parameter_the_library_refuses_is_a_parameter_error():
    X = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(ad.ParameterError, match="refused its parameters"):
        EstimatorDetector(EllipticEnvelope(support_fraction=2.0)).fit(X)
    with pytest.raises(ad.ParameterError, match="must be an integer >= 1"):
        build_detector("cblof", {"n_clusters": 0}).fit(X)


def test_non_finite_scores_are_replaced_from_the_fitted_state_only():
    # scores: inf beyond 5, NaN beyond 3 in the first feature, else the value itself
    det = FunctionDetector(_odd_scores).fit(np.linspace(-2, 2, 41)[:, None])
    big = np.finfo(np.float64).max
    alone = [float(det.score_samples([[v]])[0]) for v in (0.5, 4.0, 6.0)]
    assert alone == [0.5, float(np.median(det.decision_scores_)), big]
    in_batch = det.score_samples([[0.5], [4.0], [6.0], [-9.0]])
    assert in_batch[:3].tolist() == alone  # the batch used to set them from its own min/max
    np.testing.assert_array_equal(finite_scores([np.inf, -np.inf, np.nan, 1.0], nan_value=7.0),
                                  [big, -big, 7.0, 1.0])


def _odd_scores(train: np.ndarray, rows: np.ndarray) -> np.ndarray:
    x = rows[:, 0]
    return np.where(x > 5, np.inf, np.where(x > 3, np.nan, x))


def test_cblof_with_one_cluster_or_even_clusters():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    one = build_detector("cblof", {"n_clusters": 1}).fit(X)
    np.testing.assert_allclose(one.decision_scores_, np.linalg.norm(X - X.mean(axis=0), axis=1))
    even = np.vstack([rng.normal(size=(10, 2)), rng.normal(size=(10, 2)) + 20])  # 10 / 10
    det = build_detector("cblof", {"n_clusters": 2, "random_state": 0}).fit(even)
    assert np.isfinite(det.score_samples(even)).all()  # PyOD: "Could not form valid cluster
    # separation"
