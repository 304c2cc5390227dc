"""Random frames (mixed dtypes, NaN/inf, empty, one row/column, duplicate names) never raise
anything but a JupyterADError, and successful runs always give finite scores."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jupyter_ad as ad

FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                   st.floats(-1e6, 1e6), st.just(np.nan))
TEXT = st.sampled_from(["a", "b", "c", "", "2026-01-01", "1.5", "x y"])



@st.composite
def frames(draw):
    n_rows = draw(st.integers(0, 25))
    n_cols = draw(st.integers(0, 5))
    names = draw(st.lists(st.sampled_from(["a", "b", "c", "d", "0", "score"]), min_size=n_cols,
                          max_size=n_cols))
    data = []
    for _ in range(n_cols):
        kind = draw(st.sampled_from(["float", "int", "bool", "text", "mixed", "nan", "date",
                                     "category", "nullable"]))
        if kind == "float":
            col = pd.Series(draw(st.lists(FLOATS, min_size=n_rows, max_size=n_rows)),
                            dtype="float64")
        elif kind == "int":
            col = pd.Series(draw(st.lists(st.integers(-10**9, 10**9), min_size=n_rows,
                                          max_size=n_rows)), dtype="int64")
        elif kind == "bool":
            col = pd.Series(draw(st.lists(st.booleans(), min_size=n_rows, max_size=n_rows)),
                            dtype=bool)
        elif kind == "text":
            col = pd.Series(draw(st.lists(TEXT, min_size=n_rows, max_size=n_rows)), dtype=object)
        elif kind == "mixed":
            col = pd.Series(draw(st.lists(st.one_of(TEXT, st.integers(0, 5), st.none()),
                                          min_size=n_rows, max_size=n_rows)), dtype=object)
        elif kind == "nan":
            col = pd.Series([np.nan] * n_rows, dtype="float64")
        elif kind == "date":
            col = pd.Series(pd.to_datetime(draw(st.lists(
                st.integers(1_600_000_000, 1_800_000_000), min_size=n_rows, max_size=n_rows)),
                unit="s"))
        elif kind == "category":
            col = pd.Series(draw(st.lists(TEXT, min_size=n_rows, max_size=n_rows)),
                            dtype="category")
        else:
            col = pd.Series(draw(st.lists(st.one_of(st.integers(-5, 5), st.none()),
                                          min_size=n_rows, max_size=n_rows)), dtype="Int64")
        data.append(col.reset_index(drop=True))
    if not data:
        return pd.DataFrame(index=range(n_rows))
    frame = pd.concat(data, axis=1)
    frame.columns = names
    return frame


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(frame=frames(), algorithm=st.sampled_from(["auto", "ecod", "iforest", "knn", "hbos"]))
def test_random_frames_only_raise_our_errors(frame, algorithm):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = ad.detect(frame, algorithm=algorithm)
        except ad.JupyterADError as exc:
            assert str(exc)
            return
    assert len(res) == len(frame)
    assert np.isfinite(res.scores).all()
    assert set(np.unique(res.labels)) <= {0, 1}
    assert np.isfinite(res.confidence).all()
    res.summary()
    res.to_dict()
