"""jupyter_ad.explain: LIME on a contrast with normal rows, by input column."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.explain import Explanation, explain_row, feature_importance
from jupyter_ad.explain.sentences import ColumnStats, describe

ALGORITHMS = ["iforest", "ecod", "knn", "lof", "hbos", "pca"]
FRAME_START = ["feature", "contribution", "value", "normal_low", "normal_high", "deviation"]


def planted_rows(n_planted: int, *, seed: int = 0, n_train: int = 600, n_test: int = 40,
                 d: int = 8) -> tuple[pd.DataFrame, pd.DataFrame, list[set[str]]]:
    """Normal training rows; test rows anomalous in exactly ``n_planted`` known columns.

    Test columns are normal draws kept within +-2 sd, then +6 sd is added to the planted
    ones, so no other column of a test row is itself unusual.
    """
    rng = np.random.default_rng(seed)
    names = [f"f{j}" for j in range(d)]
    train = pd.DataFrame(rng.normal(size=(n_train, d)), columns=names)
    X = rng.normal(size=(n_test, d))
    while (bad := np.abs(X) > 2).any():
        X[bad] = rng.normal(size=int(bad.sum()))
    which = [rng.choice(d, n_planted, replace=False) for _ in range(n_test)]
    for i, cols in enumerate(which):
        X[i, cols] += 6.0
    return train, pd.DataFrame(X, columns=names), [{names[k] for k in c} for c in which]


def share_right(res: ad.DetectionResult, truth: list[set[str]], **kwargs) -> float:
    hits = 0
    for i, cols in enumerate(truth):
        exp = explain_row(res, i, **kwargs)
        hits += {c.feature for c in exp.columns[: len(cols)]} == cols
    return hits / len(truth)


@pytest.fixture(scope="module")
def mixed() -> tuple[ad.DetectionResult, pd.DataFrame]:
    rng = np.random.default_rng(1)
    n = 400
    df = pd.DataFrame({
        "amount": rng.lognormal(3, 0.4, n),
        "count": rng.poisson(3, n),
        "merchant": rng.choice(["shop", "grocery", "fuel", "online"], n, p=[.4, .3, .2, .1]),
        "when": pd.Timestamp("2026-01-05 09:00") + pd.to_timedelta(rng.integers(0, 60, n), "D")
        + pd.to_timedelta(rng.uniform(0, 8, n), "h"),
    }, index=[f"r{i}" for i in range(n)])
    df.loc["r10", "amount"] = 5000.0
    df.loc["r20", "merchant"] = "casino"
    df.loc["r30", "when"] = pd.Timestamp("2026-02-01 03:12")
    return ad.detect(df, algorithm="knn"), df


# -- fidelity on planted anomalies ---------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_planted_column_comes_first(algorithm):
    train, test, truth = planted_rows(1)
    res = ad.fit(train, algorithm=algorithm).score(test)
    assert share_right(res, truth, reference=train) >= 0.95


@pytest.mark.slow
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_two_planted_columns_are_the_top_two(algorithm):
    train, test, truth = planted_rows(2, seed=1)
    res = ad.fit(train, algorithm=algorithm).score(test)
    assert share_right(res, truth, reference=train) >= 0.95


@pytest.mark.slow
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_new_rows_contrast_with_the_normal_rows_kept_with_the_model(algorithm):
    train, test, truth = planted_rows(1, seed=2, n_test=20)
    model = ad.fit(train, algorithm=algorithm)
    exps = [model.score(test.iloc[[i]]).explain(0) for i in range(len(test))]  # one row each
    assert all("kept with the model" in e.reference for e in exps)
    hits = sum(e.columns[0].feature in cols for e, cols in zip(exps, truth, strict=True))
    assert hits / len(truth) >= 0.95


@pytest.mark.slow
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_without_normal_rows_the_training_medians_are_the_contrast(algorithm):
    train, test, truth = planted_rows(1, seed=2, n_test=20)
    model = ad.fit(train, algorithm=algorithm)
    del model.reference_rows_  # as for a model that keeps no rows
    exps = [model.score(test.iloc[[i]]).explain(0) for i in range(len(test))]  # one row each
    assert all("training medians" in e.reference for e in exps)
    hits = sum(e.columns[0].feature in cols for e, cols in zip(exps, truth, strict=True))
    assert hits / len(truth) >= 0.9


def test_detect_result_contrasts_with_its_normal_rows():
    train, test, truth = planted_rows(1, n_test=10)
    res = ad.detect(pd.concat([train, test], ignore_index=True), algorithm="knn")
    rows = range(len(train), len(train) + len(test))
    exps = [res.explain(i) for i in rows]
    assert "kept with the model" in exps[0].reference
    assert all(e.columns[0].feature in cols for e, cols in zip(exps, truth, strict=True))


# -- the Explanation value ------------------------------------------------------------------------
def test_frame_columns_order_and_raw_values(mixed):
    res, df = mixed
    exp = res.explain("r10")
    frame = exp.to_frame()
    assert list(frame.columns[:6]) == FRAME_START
    assert sorted(frame["feature"]) == sorted(df.columns)
    assert frame["contribution"].is_monotonic_decreasing
    assert frame["feature"].iloc[0] == "amount"
    for _, row in frame.iterrows():
        assert row["value"] == df.loc["r10", row["feature"]]
    amount = frame.set_index("feature").loc["amount"]
    low, high = np.percentile(df["amount"].drop("r10"), [5, 95])
    assert amount["normal_low"] == pytest.approx(low, rel=0.1)
    assert amount["normal_high"] == pytest.approx(high, rel=0.1)
    assert amount["deviation"] > 10
    assert exp.method == "lime-contrast" and exp.algorithm == "knn" and exp.label == 1
    assert exp.row == "r10" and exp.score == pytest.approx(res.scores[10])
    assert exp.threshold == res.threshold and 0 <= exp.local_r2 <= 1
    assert "amount" in repr(exp)


def test_contributions_add_up_to_about_the_score(mixed):
    res, _ = mixed
    exp = res.explain("r10")
    assert exp.intercept + exp.to_frame()["contribution"].sum() == pytest.approx(exp.score,
                                                                               rel=0.1)


def test_sentence_names_the_top_column_with_a_ratio(mixed):
    res, _ = mixed
    sentence = res.explain("r10").sentence()
    assert sentence.startswith("amount is ") and "x its usual value (5,000 vs typically" in (
        sentence)
    assert sentence.endswith(".")


def test_categorical_column(mixed):
    res, _ = mixed
    exp = res.explain("r20")
    assert exp.columns[0].feature == "merchant" and exp.columns[0].kind == "categorical"
    assert "merchant 'casino' is rare" in exp.sentence()
    assert "shop" in exp.columns[0].normal_low


def test_onehot_categorical_column(mixed):
    _, df = mixed
    res = ad.detect(df, algorithm="knn", preprocessing={"categorical": "onehot"})
    exp = res.explain("r20")
    assert exp.columns[0].feature == "merchant"
    assert len(exp.columns) == df.shape[1]  # one row per input column, not per category


def test_datetime_column(mixed):
    res, _ = mixed
    exp = res.explain("r30")
    top = exp.columns[0]
    assert top.feature == "when" and top.kind == "datetime"
    assert top.value == pd.Timestamp("2026-02-01 03:12")
    assert "when is unusually early in the day (hour 3 vs typically" in exp.sentence()


def test_to_dict_is_json_serialisable(mixed):
    res, _ = mixed
    for label in ("r10", "r20", "r30"):
        out = json.loads(json.dumps(res.explain(label).to_dict(), allow_nan=False))
        assert out["method"] == "lime-contrast" and out["row"] == label
        assert out["features"][0]["feature"] in ("amount", "merchant", "when")
        assert out["sentence"].endswith(".")


def test_plot_calls_the_charts_function(mixed, monkeypatch):
    res, _ = mixed
    fake = types.ModuleType("jupyter_ad.charts")
    fake.feature_contributions = lambda exp: ("chart", exp)
    monkeypatch.setitem(sys.modules, "jupyter_ad.charts", fake)
    exp = res.explain("r10")
    assert exp.plot() == ("chart", exp)


def test_same_seed_same_explanation(mixed):
    res, _ = mixed
    a, b = res.explain(10, random_state=3), res.explain("r10", random_state=3)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())


def test_normal_row_has_a_neutral_sentence():
    train, _, _ = planted_rows(1)
    res = ad.detect(train, algorithm="knn")
    exp = res.explain(int(res.scores.argmin()))
    assert exp.label == 0 and isinstance(exp, Explanation) and exp.sentence()


@pytest.mark.parametrize(("stats", "value", "phrase"), [
    (ColumnStats("numeric", 100, low=20.0, median=35.0, high=60.0), 5000.0,
     "amount is 143x its usual value (5,000 vs typically 20-60)"),
    (ColumnStats("numeric", 100, low=20.0, median=35.0, high=60.0), 3.0,
     "amount is below its normal range (3 vs typically 20-60)"),
    (ColumnStats("numeric", 100, low=-1.6, median=0.0, high=1.6), 6.2,
     "amount is above its normal range (6.2 vs typically -1.6 to 1.6)"),
    (ColumnStats("numeric", 100, low=20.0, median=35.0, high=60.0), 40.0,
     "amount is 40, inside its normal range (20-60) but unusual together with the other values"),
    (ColumnStats("categorical", 1000, shares=pd.Series({"shop": 0.9, "casino": 0.001})),
     "casino", "amount 'casino' is rare (0.1% of normal rows)"),
    (ColumnStats("categorical", 1000, shares=pd.Series({"shop": 1.0})), "casino",
     "amount 'casino' is rare (not seen among 1,000 normal rows)"),
])
def test_phrases(stats, value, phrase):
    assert describe("amount", stats, value)[2] == phrase


# -- lookup and errors ------------------------------------------------------------------------
def test_label_first_then_position():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"],
                      index=range(100, 160))
    res = ad.detect(df, algorithm="knn")
    assert res.explain(150).row == 150  # a label
    assert res.explain(3).row == 103  # not a label: a position
    assert res.explain(-1).row == 159


@pytest.mark.parametrize("bad", [60, 99, "x", 2.5, True, None, [1]])
def test_bad_row_raises_parameter_error_naming_the_range(bad):
    rng = np.random.default_rng(0)
    res = ad.detect(pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"]),
                    algorithm="knn")
    with pytest.raises(ad.ParameterError, match="0 to 59"):
        res.explain(bad)


def test_bad_options_raise():
    rng = np.random.default_rng(0)
    res = ad.detect(pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"]), algorithm="knn")
    with pytest.raises(ad.ParameterError, match="n_samples"):
        res.explain(0, n_samples=5)
    with pytest.raises(ad.ParameterError, match="n_rows"):
        res.feature_importance(n_rows=0)
    with pytest.raises(ad.ParameterError, match="DetectionResult"):
        explain_row(res.to_frame(), 0)


# -- global importance ----------------------------------------------------------------------------
def test_feature_importance_ranks_the_planted_column_first():
    rng = np.random.default_rng(4)
    df = pd.DataFrame(rng.normal(size=(500, 6)), columns=[f"c{j}" for j in range(6)])
    df.loc[:9, "c2"] += 7.0
    res = ad.detect(df, algorithm="iforest", contamination=0.02)
    imp = feature_importance(res, n_rows=10)
    assert list(imp.columns) == ["feature", "importance", "n_rows"]
    assert imp["feature"].iloc[0] == "c2"
    assert imp["importance"].is_monotonic_decreasing and (imp["n_rows"] == 10).all()
    pd.testing.assert_frame_equal(res.feature_importance(n_rows=10), imp)


# -- lazy import ----------------------------------------------------------------------------------
def test_import_jupyter_ad_does_not_load_lime():
    code = (
        "import sys, jupyter_ad as ad\n"
        "res = ad.detect(ad.datasets.load_transactions(n_rows=300), exclude=['is_anomaly'])\n"
        "print('lime' in sys.modules)\n"
        "res.explain(0)\n"
        "print('lime' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "True"]
