"""Bad input gets a clear error: a JupyterADError subclass whose message names the problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from tests.conftest import planted_frame

DF, _ = planted_frame(n=80)


def _files(tmp_path):
    (tmp_path / "data.xlsx").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 garbage")
    (tmp_path / "folder").mkdir()
    return tmp_path


def _with(**cols):
    base = DF.copy()
    for k, v in cols.items():
        base[k] = v
    return base


# (id, call, expected error class, words the message must contain)
CASES = [
    ("no columns", lambda p: ad.detect(pd.DataFrame()), ad.EmptyDataError, "no columns"),
    ("no rows", lambda p: ad.detect(DF.iloc[:0]), ad.EmptyDataError, "no rows"),
    ("empty array", lambda p: ad.detect(np.array([])), ad.EmptyDataError, "no rows"),
    ("3-d array", lambda p: ad.detect(np.zeros((2, 2, 2))), ad.UnsupportedInputError, "3-D"),
    ("a number", lambda p: ad.detect(42), ad.UnsupportedInputError, "Cannot read data"),
    ("empty list", lambda p: ad.detect([]), ad.EmptyDataError, "empty list"),
    ("missing file", lambda p: ad.detect(p / "nope.csv"), ad.DataFileError, "No such data file"),
    ("unknown extension", lambda p: ad.detect(p / "data.xlsx"), ad.DataFileError, ".xlsx"),
    ("a folder", lambda p: ad.detect(p / "folder"), ad.DataFileError, "folder"),
    ("empty csv", lambda p: ad.detect(p / "empty.csv"), ad.EmptyDataError, "empty"),
    ("corrupt parquet", lambda p: ad.detect(p / "broken.parquet"), ad.DataFileError,
     "Could not read"),
    ("numbers mixed with text", lambda p: ad.detect(
        _with(mix=pd.Series([1, "a"] * 40, dtype=object))), ad.MixedTypesError, "'mix'"),
    ("lists in cells", lambda p: ad.detect(_with(lst=[[1, 2]] * 80)), ad.MixedTypesError,
     "'lst'"),
    ("complex numbers", lambda p: ad.detect(_with(z=np.ones(80) * 1j)), ad.MixedTypesError,
     "'z'"),
    ("only constant columns", lambda p: ad.detect(pd.DataFrame({"a": [1] * 9, "b": ["x"] * 9})),
     ad.NoUsableColumnsError, "constant"),
    ("only an id column", lambda p: ad.detect(pd.DataFrame({"id": [f"u{i}" for i in range(30)]})),
     ad.NoUsableColumnsError, "ID"),
    ("only missing values", lambda p: ad.detect(pd.DataFrame({"a": [np.nan] * 9})),
     ad.NoUsableColumnsError, "missing"),
    ("missing values with impute=None", lambda p: ad.detect(
        _with(f0=[np.nan] + [1.0, 2.0] * 39 + [3.0]), preprocessing={"impute": None}),
     ad.MissingValuesError, "'f0'"),
    ("unknown algorithm", lambda p: ad.detect(DF, algorithm="nope"), ad.UnknownAlgorithmError,
     "Available"),
    ("misspelt algorithm", lambda p: ad.detect(DF, algorithm="iforst"), ad.UnknownAlgorithmError,
     "Did you mean 'iforest'"),
    ("algorithm not a name", lambda p: ad.detect(DF, algorithm=42), ad.ParameterError,
     "algorithm must be"),
    ("empty algorithm list", lambda p: ad.detect(DF, algorithm=[]), ad.ParameterError,
     "algorithm is empty"),
    ("algorithm listed twice", lambda p: ad.detect(DF, algorithm=["knn", "knn"]),
     ad.ParameterError, "twice"),
    ("misspelt parameter", lambda p: ad.detect(DF, algorithm="iforest",
                                               params={"n_estimator": 10}),
     ad.ParameterError, "Did you mean 'n_estimators'"),
    ("parameter out of range", lambda p: ad.detect(DF, algorithm="iforest",
                                                   params={"n_estimators": -3}),
     ad.ParameterError, "'n_estimators' must be an integer >= 1"),
    ("parameter of the wrong type", lambda p: ad.detect(DF, algorithm="knn",
                                                        params={"n_neighbors": "many"}),
     ad.ParameterError, "'n_neighbors'"),
    ("parameter not in its choices", lambda p: ad.detect(DF, algorithm="knn",
                                                         params={"method": "avg"}),
     ad.ParameterError, "one of 'largest'"),
    ("params not a dict", lambda p: ad.detect(DF, algorithm="knn", params="fast"),
     ad.ParameterError, "is not name=value"),
    ("ensemble params not keyed by detector", lambda p: ad.detect(
        DF, algorithm=["knn", "ecod"], params={"n_neighbors": 3}), ad.ParameterError,
     "maps detector names"),
    ("contamination too large", lambda p: ad.detect(DF, contamination=0.7), ad.ParameterError,
     "(0, 0.5]"),
    ("contamination not a number", lambda p: ad.detect(DF, contamination="lots"),
     ad.ParameterError, "contamination"),
    ("two threshold options", lambda p: ad.detect(DF, contamination=0.1, top_k=5),
     ad.ParameterError, "only one"),
    ("negative top_k", lambda p: ad.detect(DF, top_k=-1), ad.ParameterError, "top_k"),
    ("top_k above the row count", lambda p: ad.detect(DF, top_k=1000), ad.ParameterError,
     "more than the 80 rows"),
    ("threshold not a number", lambda p: ad.detect(DF, threshold="high"), ad.ParameterError,
     "threshold must be a finite number"),
    ("threshold NaN", lambda p: ad.detect(DF, threshold=float("nan")), ad.ParameterError,
     "finite"),
    ("unknown feature", lambda p: ad.detect(DF, features=["f9"]), ad.ColumnMismatchError,
     "no column named 'f9'"),
    ("features not names", lambda p: ad.detect(DF, features=5), ad.ParameterError,
     "list of column names"),
    ("exclude every column", lambda p: ad.detect(DF, exclude=list(DF.columns)),
     ad.ParameterError, "exclude removes every column"),
    ("duplicate column names", lambda p: ad.detect(
        pd.DataFrame(np.ones((5, 2)), columns=["a", "a"])), ad.ParameterError, "Duplicate"),
    ("unknown scaling", lambda p: ad.detect(DF, preprocessing={"scaling": "log"}),
     ad.ParameterError, "'scaling'"),
    ("unknown preprocessing option", lambda p: ad.detect(DF, preprocessing={"bogus": 1}),
     ad.ParameterError, "Unknown preprocessing option"),
    ("negative seed", lambda p: ad.detect(DF, random_state=-1), ad.ParameterError,
     "random_state"),
    ("a single row", lambda p: ad.detect(DF.iloc[:1]), ad.DataError, "at least 2 rows"),
    ("load unknown model", lambda p: ad.load("never-saved"), ad.ModelNotFoundError,
     "never-saved"),
    ("load with a bad spec", lambda p: ad.load("bad name!"), ad.ParameterError, "name"),
    ("bad detector name", lambda p: ad.register_detector("Bad Name", lambda t, r: r.sum(1)),
     ad.ParameterError, "lower-case identifiers"),
    ("re-registering a built-in", lambda p: ad.register_detector("iforest",
                                                                  lambda t, r: r.sum(1)),
     ad.ParameterError, "already registered"),
]


@pytest.mark.parametrize(("call", "error", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_refused_clearly(tmp_path, call, error, words):
    with pytest.raises(error) as info:
        call(_files(tmp_path))
    assert isinstance(info.value, ad.JupyterADError)
    assert words in str(info.value)


MODEL = ad.fit(DF.assign(when=pd.date_range("2026-01-01", periods=80, freq="h")))
NEW = DF.assign(when=pd.date_range("2026-02-01", periods=80, freq="h"))

SCORING_CASES = [
    ("missing column", lambda: MODEL.score(NEW.drop(columns="f1")), "Missing column(s) 'f1'"),
    ("extra column", lambda: MODEL.score(NEW.assign(extra=1.0)), "Unknown column(s) 'extra'"),
    ("numeric column now text", lambda: MODEL.score(NEW.assign(f0=["a"] * 80)),
     "'f0' was numeric at fit time"),
    ("date column now garbage", lambda: MODEL.score(NEW.assign(when=["soon"] * 80)),
     "'when' was datetime at fit time"),
    ("bad extra_columns option", lambda: MODEL.score(NEW, extra_columns="drop"),
     "extra_columns must be"),
]


@pytest.mark.parametrize(("call", "words"), [c[1:] for c in SCORING_CASES],
                         ids=[c[0] for c in SCORING_CASES])
def test_scoring_refuses_mismatched_columns(call, words):
    with pytest.raises(ad.JupyterADError) as info:
        call()
    assert words in str(info.value)


def test_extra_columns_can_be_ignored():
    res = MODEL.score(NEW.assign(extra=1.0), extra_columns="ignore")
    assert len(res) == 80


def test_result_setters_refuse_bad_values():
    res = ad.detect(DF)
    with pytest.raises(ad.ParameterError, match="threshold must be a finite number"):
        res.threshold = "x"
    with pytest.raises(ad.ParameterError, match="n must be a whole number"):
        res.top(-1)


def test_function_detector_returning_wrong_length():
    ad.register_detector("short", lambda train, rows: rows[:1, 0])
    try:
        with pytest.raises(ad.ParameterError, match="one per row"):
            ad.detect(DF, algorithm="short")
    finally:
        ad.unregister_detector("short")


def test_there_are_at_least_30_distinct_bad_inputs():
    assert len(CASES) + len(SCORING_CASES) >= 30


def test_params_without_a_named_algorithm_are_refused():
    with pytest.raises(ad.ParameterError, match="params need a named algorithm"):
        ad.detect(DF, params={"n_estimators": 10})


def test_columns_left_out_at_fit_time_may_come_back_when_scoring():
    model = ad.fit(DF.assign(note="x", label=1), exclude=["label"])
    res = model.score(DF.assign(note="x", label=0))
    assert len(res) == len(DF)


def test_built_in_detectors_cannot_be_unregistered():
    with pytest.raises(ad.ParameterError, match="built-in"):
        ad.unregister_detector("iforest")
