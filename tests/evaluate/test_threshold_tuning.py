"""Choosing the threshold from labels or notebook feedback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.errors import JupyterADError, ParameterError
from jupyter_ad.evaluate.threshold_tuning import MAX_CURVE_ROWS, ThresholdChoice, tune_threshold


@pytest.fixture
def scored(planted):
    df, y = planted
    return ad.detect(df, algorithm="iforest"), y


def brute_force(scores, y, metric):
    known = ~np.isnan(y)
    best = None
    for t in np.unique(np.r_[scores[known], np.nextafter(scores[known], -np.inf)]):
        flag = scores[known] > t
        truth = y[known] == 1
        tp, fp = int((flag & truth).sum()), int((flag & ~truth).sum())
        fn = int((~flag & truth).sum())
        value = metric(tp, fp, fn)
        best = value if best is None else max(best, value)
    return best


def test_f1_choice_matches_brute_force():
    rng = np.random.default_rng(0)
    for trial in range(5):
        n = 300
        y = (rng.random(n) < 0.1).astype(float)
        scores = rng.normal(size=n) + 1.5 * y
        y[rng.random(n) < 0.5] = np.nan  # half unlabelled
        res = ad.detect(pd.DataFrame({"a": scores}), algorithm="iforest")
        res.scores = scores  # the constructed scores are what we tune on
        choice = tune_threshold(res, y)
        best = brute_force(scores, y, lambda tp, fp, fn: 2 * tp / (2 * tp + fp + fn))
        assert choice.value == pytest.approx(best)
        known = ~np.isnan(y)
        flag = scores[known] > choice.threshold
        truth = y[known] == 1
        tp = (flag & truth).sum()
        f1 = 2 * tp / (2 * tp + (flag & ~truth).sum() + (~flag & truth).sum())
        assert f1 == pytest.approx(best), trial


def test_constructed_case_picks_the_gap():
    res = ad.detect(pd.DataFrame({"a": np.arange(10.0)}), algorithm="iforest")
    res.scores = np.arange(10.0)
    y = np.array([0, 0, 0, 0, 0, 0, 1, 0, 1, 1], dtype=float)
    choice = res.tune_threshold(y)
    assert 5 <= choice.threshold < 6  # flags 6..9: F1 = 6/7 beats flagging 8, 9 (F1 = 0.8)
    assert choice.value == pytest.approx(6 / 7)
    assert choice.apply() is res and res.threshold == choice.threshold
    assert res.labels.tolist() == [0] * 6 + [1] * 4


def test_costly_misses_lower_the_threshold(scored):
    res, y = scored
    labels = y.astype(float)
    balanced = tune_threshold(res, labels, objective="cost")
    misses = tune_threshold(res, labels, objective="cost", cost_false_negative=50.0)
    alarms = tune_threshold(res, labels, objective="cost", cost_false_positive=50.0)
    assert misses.threshold <= balanced.threshold <= alarms.threshold
    # with noisier scores the direction is strict
    rng = np.random.default_rng(1)
    res.scores = rng.normal(size=len(y)) + 2 * y
    low = tune_threshold(res, labels, objective="cost", cost_false_negative=20.0)
    high = tune_threshold(res, labels, objective="cost", cost_false_positive=20.0)
    assert low.threshold < high.threshold
    assert low.curve["cost"].min() == pytest.approx(low.value)


def test_feedback_path(scored):
    res, _y = scored
    res.feedback = {res.data.index[0]: 1, res.data.index[1]: 1, res.data.index[50]: 0,
                    res.data.index[51]: 0}
    choice = res.tune_threshold()
    assert choice.n_labelled == 4
    assert choice.value == pytest.approx(1.0)
    assert res.scores[1] > choice.threshold >= res.scores[50] - 1e-12
    res.feedback = {"not a row": 1}
    with pytest.raises(ParameterError, match="not a row"):
        res.tune_threshold()


def test_series_and_column_labels_align(scored):
    res, y = scored
    series = pd.Series(y, index=res.data.index)[::-1]  # shuffled order, aligned on the index
    by_series = tune_threshold(res, series)
    res.data["truth"] = y
    by_column = tune_threshold(res, "truth")
    assert by_series.threshold == by_column.threshold == tune_threshold(res, y).threshold


def test_refuses_without_both_classes(scored):
    res, y = scored
    only_pos = np.where(y == 1, 1.0, np.nan)
    with pytest.raises(ParameterError,
                       match=r"at least 1 labelled anomaly \(1\) and 1 labelled normal"):
        tune_threshold(res, only_pos)
    with pytest.raises(ParameterError):
        tune_threshold(res)  # no feedback at all


@pytest.mark.parametrize("bad", [
    {"labels": [2] * 300}, {"labels": [0, 1]}, {"objective": "auc"},
    {"cost_false_negative": 0}, {"cost_false_positive": float("nan")}, {"labels": "missing"},
])
def test_bad_options_are_jupyter_ad_errors(scored, bad):
    res, y = scored
    kwargs = {"labels": y, **bad}
    with pytest.raises(JupyterADError):
        tune_threshold(res, kwargs.pop("labels"), **kwargs)


def test_curve_shape_downsampling_and_views():
    rng = np.random.default_rng(2)
    n = 3000
    y = (rng.random(n) < 0.2).astype(float)
    res = ad.detect(pd.DataFrame({"a": rng.normal(size=n)}), algorithm="iforest")
    res.scores = rng.normal(size=n) + y
    choice = tune_threshold(res, y)
    curve = choice.curve
    assert list(curve.columns) == ["threshold", "precision", "recall", "f1", "cost",
                                   "n_flagged"]
    assert len(curve) <= MAX_CURVE_ROWS
    assert curve["threshold"].is_monotonic_increasing
    assert choice.threshold in set(curve["threshold"])
    assert curve["n_flagged"].is_monotonic_decreasing
    frame = choice.to_frame()
    assert frame["chosen"].sum() == 1
    d = choice.to_dict()
    assert d["objective"] == "f1" and len(d["curve"]) == len(curve)
    import json

    json.dumps(d)
    assert isinstance(choice, ThresholdChoice)


def test_plot_calls_the_chart_lazily(scored, monkeypatch):
    import jupyter_ad.charts as charts

    res, y = scored
    seen = {}

    def fake(curve, *, chosen=None):
        seen["args"] = (len(curve), chosen)
        return "chart"

    monkeypatch.setattr(charts, "threshold_tradeoff", fake)
    choice = tune_threshold(res, y)
    assert choice.plot() == "chart"
    assert seen["args"] == (len(choice.curve), choice.threshold)
