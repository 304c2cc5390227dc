"""ad.drift: per-feature tests, multiple-testing correction, sentences, chart; ADWIN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.stream.drift import ADWIN


def _frames(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    ref = pd.DataFrame({"amount": rng.lognormal(4, 0.3, n), "items": rng.poisson(3, n),
                        "merchant": rng.choice(["shop", "online", "fuel"], n, p=[.6, .3, .1])})
    cur = pd.DataFrame({"amount": rng.lognormal(4, 0.3, n), "items": rng.poisson(3, n),
                        "merchant": rng.choice(["shop", "online", "fuel"], n, p=[.6, .3, .1])})
    return ref, cur


def test_no_drift_between_samples_of_one_distribution():
    false_alarms = 0
    for seed in range(10):
        ref, cur = _frames(seed=seed)
        report = ad.drift(ref, cur)
        false_alarms += len(report.drifted)
        assert report.sentence().startswith("No feature drifted") or report.drifted
    assert false_alarms <= 1


def test_shifted_number_and_category_are_named_with_a_sentence():
    ref, cur = _frames(seed=1)
    cur["amount"] *= 1.35
    cur.loc[: len(cur) // 2, "merchant"] = "online"
    report = ad.drift(ref, cur)
    assert set(report.drifted) == {"amount", "merchant"}
    sentence = report.sentence()
    assert sentence.startswith("2 of 3 features drifted")
    assert "amount shifted up 3" in sentence and "'online' rose from 29% to 65%" in sentence
    frame = report.to_frame()
    assert frame["drifted"].tolist()[:2] == [True, True]
    assert set(frame.loc[frame.feature == "merchant", "test"]) == {"chi2"}
    assert (frame["p_adjusted"] >= frame["p_value"]).all()
    spec = report.chart().to_dict()
    assert spec["mark"]["type"] == "bar"
    assert len(next(iter(spec["datasets"].values()))) == 3
    assert report.to_dict()["drifted"] == report.drifted


def test_a_change_of_spread_is_described_as_such():
    rng = np.random.default_rng(2)
    ref = pd.DataFrame({"x": rng.normal(10, 1, 5000)})
    cur = pd.DataFrame({"x": rng.normal(10, 3, 5000)})
    report = ad.drift(ref, cur)
    assert report.drifted == ["x"] and "spread grew" in report.sentence()


def test_drift_with_a_model_uses_its_columns(mixed_model, transactions):
    half = len(transactions) // 2
    report = ad.drift(transactions.iloc[:half], transactions.iloc[half:], model=mixed_model)
    names = {f.feature for f in report.features}
    assert names <= set(mixed_model.feature_names) and "timestamp" in report.skipped


def test_bad_arguments():
    ref, cur = _frames()
    with pytest.raises(ad.ColumnMismatchError, match="'nope'"):
        ad.drift(ref, cur, features=["nope"])
    with pytest.raises(ad.ParameterError, match="alpha"):
        ad.drift(ref, cur, alpha=2)


def test_adwin_finds_a_rate_change_and_stays_quiet_otherwise():
    rng = np.random.default_rng(3)
    quiet = ADWIN()
    assert not any(quiet.update(100, float((rng.random(100) < 0.05).sum()))
                   for _ in range(500))
    w = ADWIN()
    found = [w.update(100, float((rng.random(100) < (0.05 if i < 100 else 0.15)).sum()))
             for i in range(200)]
    first = found.index(True)
    assert 100 <= first < 130 and w.mean() > 0.1


@pytest.mark.parametrize("kind", ["normal", "few values", "rounded"])
def test_the_compiled_ks_statistic_equals_scipys(kind):
    """The merge-pass statistic, ties included, equals scipy's on samples of unequal sizes."""
    from scipy.stats import ks_2samp

    from jupyter_ad.stream.drift._ks_kernel import ks_statistic

    rng = np.random.default_rng(7)
    for _ in range(40):
        n, m = rng.integers(2, 400, 2)
        if kind == "normal":
            a, b = rng.normal(size=n), rng.normal(0.2, size=m)
        elif kind == "few values":
            a, b = rng.integers(0, 4, n).astype(float), rng.integers(0, 5, m).astype(float)
        else:
            a, b = np.round(rng.normal(size=n), 1), np.round(rng.normal(0.1, size=m), 1)
        a.sort()
        b.sort()
        assert ks_statistic(a, b) == pytest.approx(ks_2samp(a, b).statistic, abs=1e-12)
