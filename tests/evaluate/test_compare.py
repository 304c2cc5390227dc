"""ad.compare: leaderboard with and without labels."""

from __future__ import annotations

import json

import numpy as np
import pytest

import jupyter_ad as ad
from tests.conftest import planted_frame


@pytest.fixture
def labelled():
    df, y = planted_frame(n=300, n_out=12)
    return df.assign(y=y)


def test_with_labels_ranks_by_average_precision(labelled):
    cmp = ad.compare(labelled, ["iforest", "ecod", "knn"], labels="y", n_seeds=2)
    table = cmp.to_frame()
    assert list(table.index) == list(table.sort_values("average_precision",
                                                       ascending=False).index)
    for col in ("roc_auc", "average_precision", "f1", "precision", "recall", "precision_at_k",
                "fit_seconds", "score_seconds", "peak_memory_mb", "n_flagged", "roc_auc_std"):
        assert col in table.columns
    assert (table["roc_auc"] > 0.9).all()
    assert table.loc["ecod", "roc_auc_std"] == 0.0  # deterministic detector
    assert "y" not in cmp.scores and len(cmp.scores["ecod"]) == 300
    json.dumps(cmp.to_dict())


def test_without_labels_reports_agreement_and_stability(labelled):
    cmp = ad.compare(labelled.drop(columns="y"), "fast")
    table = cmp.to_frame()
    assert set(table.index) == {"iforest", "ecod", "copod", "hbos", "pca", "loda"}
    assert "roc_auc" not in table.columns
    assert table["agreement"].between(-1, 1).all()
    assert table["stability"].between(-1, 1).all()
    assert cmp.best == table.index[0]
    assert np.allclose(np.diag(cmp.agreement), 1.0)


def test_partial_labels_are_used_where_known(labelled):
    y = labelled["y"].astype(float).copy()
    y.iloc[100:200] = np.nan
    cmp = ad.compare(labelled.drop(columns="y"), ["ecod"], labels=y.to_numpy())
    assert cmp.to_frame().loc["ecod", "roc_auc"] > 0.9


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"labels": "nope"}, "no column named 'nope'"),
    ({"labels": [0, 1]}, "labels has 2 values"),
    ({"labels": np.full(300, 2)}, "must be 1 (anomaly)"),
    ({"labels": np.zeros(300)}, "single class"),
    ({"algorithms": []}, "empty"),
    ({"algorithms": ["nope"]}, "Unknown algorithm"),
    ({"n_seeds": 0}, "n_seeds"),
    ({"params": {"zzz": {}}}, "params maps detector names"),
])
def test_bad_arguments(labelled, kwargs, words):
    args = {"algorithms": ["ecod"], **kwargs}
    with pytest.raises(ad.JupyterADError) as info:
        ad.compare(labelled.drop(columns="y"), **args)
    assert words in str(info.value)
