"""Random frames (mixed dtypes, NaN/inf, empty, one row/column, duplicate names) never raise
anything but a JupyterADError, and successful runs always give finite scores.

Extreme magnitudes (up to +-1e308, +-inf, subnormals), for every registered detector: scores
are finite, a row scores the same alone and in a batch, and values beyond the training range
never score lower as they grow (monotone in the tail).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
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


# -- extreme magnitudes, every registered detector (issue 12) -----------------------------------
DETECTORS = list(ad.list_detectors().index)
EXTREME = st.one_of(
    st.sampled_from([1e308, -1e308, np.inf, -np.inf, 5e-324, -5e-324, 2.2250738585072014e-308,
                     1e-310, 1e200, -1e155, 0.0]),
    st.floats(allow_nan=False, allow_infinity=True, width=64),
    st.floats(-5, 5),
)
TYPICAL = st.floats(-5, 5, allow_subnormal=True)


@st.composite
def extreme_cases(draw):
    """Training rows (mostly typical, a few extreme cells), a probe row, other rows to batch it
    with, and a column whose upper or lower tail is walked."""
    n_rows, n_cols = draw(st.integers(12, 40)), draw(st.integers(1, 3))
    cell = st.one_of(TYPICAL, TYPICAL, TYPICAL, TYPICAL, EXTREME)
    train = [[draw(cell) for _ in range(n_cols)] for _ in range(n_rows)]
    probe = [draw(EXTREME) for _ in range(n_cols)]
    others = [[draw(st.one_of(TYPICAL, EXTREME)) for _ in range(n_cols)]
              for _ in range(draw(st.integers(1, 11)))]
    return (np.array(train), np.array(probe), np.array(others), draw(st.integers(0, n_cols - 1)),
            draw(st.sampled_from([1.0, -1.0])))


def _tail(column: np.ndarray, sign: float) -> np.ndarray:
    """Values beyond every value of ``column`` on one side, ever more extreme, ending at inf."""
    top = float(np.max(sign * column))  # the most extreme training value on that side
    steps = [top + 1.0, top + 1e3, 1e10, 1e100, 1e200, 1e308, np.inf] if np.isfinite(top) \
        else [np.inf]
    return sign * np.array([v for v in steps if v > top] or [np.inf])


@pytest.mark.slow
@pytest.mark.parametrize("name", DETECTORS)
@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=extreme_cases())
def test_extreme_magnitudes_score_finite_batch_independent_and_monotone(name, case):
    train, probe, others, column, sign = case
    names = [f"x{j}" for j in range(train.shape[1])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = ad.fit(pd.DataFrame(train, columns=names), algorithm=name)
        except ad.JupyterADError as exc:  # e.g. every column constant: a named error is fine
            assert str(exc)
            return
        row = dict(zip(names, probe.tolist(), strict=True))
        alone = model.score_one(row)
        assert np.isfinite(alone)
        batch = pd.DataFrame(np.vstack([others, probe]), columns=names)
        scores = model.score_samples(batch)
        assert np.isfinite(scores).all()
        np.testing.assert_allclose(scores[-1], alone, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(model.score_samples(batch.iloc[::-1])[0], alone, rtol=1e-9,
                                   atol=1e-12)
        if names[column] not in model.feature_names:
            return  # the column was dropped (constant): no tail to walk
        centre = {n: float(np.median(np.clip(train[:, j], -1e300, 1e300)))
                  for j, n in enumerate(names)}
        values = _tail(train[:, column], sign)
        tail = np.array([model.score_one({**centre, names[column]: v}) for v in values])
        assert np.isfinite(tail).all()
        slack = 1e-9 * np.maximum(1.0, np.abs(tail[:-1]))
        assert (np.diff(tail) >= -slack).all(), (values, tail)
