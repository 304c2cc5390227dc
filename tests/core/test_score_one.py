"""model.score_one: a row as a mapping scores exactly as in a batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad


@pytest.fixture(scope="module")
def data():
    return ad.datasets.load_transactions(n_rows=1500).drop(columns="is_anomaly")


@pytest.mark.parametrize("algorithm", ["auto", "iforest", "ecod", "hbos"])
def test_score_one_equals_batch(data, algorithm):
    model = ad.fit(data, algorithm=algorithm)
    rows = data.iloc[:25]
    batch = model.score_samples(rows)
    one = [model.score_one(r) for r in rows.to_dict("records")]
    np.testing.assert_allclose(one, batch, rtol=1e-10)


def test_score_one_with_onehot_missing_values_and_text_dates():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=300), "city": rng.choice(["a", "b", None], 300),
                       "when": pd.date_range("2026-01-01", periods=300, freq="7h").astype(str)})
    model = ad.fit(df, preprocessing={"categorical": "onehot"})
    row = {"x": None, "city": "never-seen", "when": "2026-03-01 04:00:00"}
    expected = model.score_samples(pd.DataFrame([row]))
    assert model.score_one(row) == pytest.approx(float(expected[0]))


def test_score_one_errors(data):
    model = ad.fit(data, algorithm="ecod")
    row = data.iloc[0].to_dict()
    with pytest.raises(ad.ColumnMismatchError, match="Missing key"):
        model.score_one({k: v for k, v in row.items() if k != "amount"})
    with pytest.raises(ad.ColumnMismatchError, match="Unknown key"):
        model.score_one({**row, "surprise": 1})
    assert np.isfinite(model.score_one({**row, "surprise": 1}, extra_columns="ignore"))
    with pytest.raises(ad.MixedTypesError, match="should be a number"):
        model.score_one({**row, "amount": "lots"})
    with pytest.raises(ad.ParameterError, match="mapping"):
        model.score_one([1, 2, 3])


def test_values_whose_scaling_overflows_score_as_the_most_extreme():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=300) * 1e-3, "y": rng.normal(size=300)})
    model = ad.fit(df, algorithm="iforest")
    far = model.score_one({"x": 5e-2, "y": 0.0})  # 50 sd out: beyond every training value
    for value in (1e308, np.inf):  # 1e308 / 1e-3 overflows; inf is the most extreme value
        assert model.score_one({"x": value, "y": 0.0}) >= far
    batch = model.score(pd.DataFrame({"x": [0.0, 1e308, -np.inf], "y": [0.0, 0.0, 0.0]}))
    np.testing.assert_allclose(batch.scores[1:], [model.score_one({"x": 1e308, "y": 0.0}),
                                                  model.score_one({"x": -np.inf, "y": 0.0})])
    assert batch.preprocessing.clipped == {"x": 1} and batch.preprocessing.infinite == {"x": 1}
    assert np.isfinite(model.score_one({"x": np.nan, "y": 0.0}))  # missing: imputed
