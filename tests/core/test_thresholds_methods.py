"""Named unsupervised threshold methods selected through ``contamination=``."""

from __future__ import annotations

import numpy as np
import pytest

import jupyter_ad as ad
from jupyter_ad.core.thresholds import (
    AUTO_METHOD,
    THRESHOLD_METHODS,
    ThresholdRule,
    auto_threshold,
    gesd_threshold,
    method_threshold,
    otsu_threshold,
    resolve_threshold,
)
from jupyter_ad.errors import JupyterADError, ParameterError

METHODS = list(THRESHOLD_METHODS)


def planted_scores(n: int = 2000, n_out: int = 20, seed: int = 0) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=n)
    y = np.zeros(n, dtype=int)
    scores[:n_out] = rng.uniform(8, 12, n_out)
    y[:n_out] = 1
    return scores, y


@pytest.mark.parametrize("method", METHODS)
def test_each_method_flags_planted_outliers_and_few_normals(method):
    scores, y = planted_scores()
    rule = resolve_threshold(scores, contamination=method)
    flagged = scores > rule.value
    assert flagged[y == 1].all()
    assert flagged[y == 0].mean() < 0.05
    assert rule.method == method
    assert np.isfinite(rule.value)


@pytest.mark.parametrize("method", METHODS)
def test_each_method_handles_constant_and_tiny_inputs(method):
    for scores in (np.ones(50), np.array([1.0, 2.0]), np.array([3.0])):
        value = method_threshold(scores, method)
        assert np.isfinite(value)
        assert (scores > value).sum() <= 1


def test_auto_is_tukey_and_names_are_case_insensitive():
    scores, _ = planted_scores(seed=3)
    assert resolve_threshold(scores, contamination="auto") == ThresholdRule(
        AUTO_METHOD, auto_threshold(scores))
    assert resolve_threshold(scores).method == AUTO_METHOD
    assert resolve_threshold(scores, contamination=" MAD ").method == "mad"


def test_mad_and_zscore_match_their_formulas():
    scores, _ = planted_scores(seed=1)
    med = np.median(scores)
    mad = np.median(np.abs(scores - med)) * 1.4826
    assert method_threshold(scores, "mad") == pytest.approx(med + 3.5 * mad)
    assert method_threshold(scores, "zscore") == pytest.approx(scores.mean() + 3 * scores.std())


def test_otsu_splits_two_clear_modes():
    rng = np.random.default_rng(0)
    scores = np.r_[rng.normal(0, 0.1, 900), rng.normal(5, 0.1, 100)]
    value = otsu_threshold(scores)
    assert 0.5 < value < 4.5
    assert (scores > value).sum() == 100


def test_gesd_matches_a_naive_loop():
    from scipy.stats import t as student_t

    rng = np.random.default_rng(4)
    scores = rng.normal(size=200)
    scores[:7] += rng.uniform(3, 6, 7)
    x, n, count = np.sort(scores), scores.size, 0
    for i in range(n // 2):
        rest = x[: n - i]
        stat = (rest[-1] - rest.mean()) / rest.std(ddof=1)
        m = n - i
        t = student_t.ppf(1 - 0.05 / (2 * m), m - 2)
        if stat > (m - 1) * t / np.sqrt((m - 2 + t * t) * m):
            count = i + 1
    assert (scores > gesd_threshold(scores)).sum() == count


def test_unknown_method_lists_the_methods():
    with pytest.raises(ParameterError) as info:
        resolve_threshold(np.arange(10.0), contamination="madd")
    message = str(info.value)
    for name in ("auto", *METHODS):
        assert repr(name) in message
    assert "Did you mean 'mad'" in message
    assert isinstance(info.value, JupyterADError)


def test_method_and_threshold_together_is_refused():
    with pytest.raises(ParameterError, match="only one"):
        resolve_threshold(np.arange(10.0), contamination="otsu", threshold=3.0)


@pytest.mark.parametrize("method", METHODS)
def test_detect_accepts_a_method_and_describes_it(planted, method):
    df, y = planted
    res = ad.detect(df, algorithm="iforest", contamination=method)
    assert res.threshold_rule.method == method
    assert res.labels[y == 1].sum() >= 4
    described = res.threshold_rule.describe()
    assert described and described in res.summary()
    assert len({ThresholdRule(m, 1.0).describe() for m in METHODS}) == len(METHODS)
