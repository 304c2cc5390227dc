"""The tracker calls the service and streams use: ``scoring(collect=True)`` (windows written only
when the caller flushes), ``scoring(record=False)``, single rows keeping the source they were
scored in, ``flush_due``, and labels without scores (counted, no precision).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad import monitoring


@pytest.fixture
def stored(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JUPYTER_AD_MONITORING_FLUSH_ROWS", "10")
    rng = np.random.default_rng(0)
    train = pd.DataFrame(rng.normal(size=(500, 3)), columns=["a", "b", "c"])
    ad.fit(train, "iforest").save("scoped")
    return ad.load("scoped"), train


def _rows(train: pd.DataFrame, n: int) -> list[dict[str, float]]:
    return train.iloc[:n].to_dict("records")


def test_collect_scope_never_writes_until_flushed(stored) -> None:
    model, train = stored
    with monitoring.scoring("service", collect=True):
        for row in _rows(train, 25):  # past flush_rows: aggregate mode would write here
            model.score_one(row)
        model.score(train.iloc[:40])
    assert len(monitoring.history("scoped")) == 0
    assert model.monitor.flush_due(model)  # 65 rows >= flush_rows: due
    table = monitoring.history("scoped")
    assert table[["source", "calls", "rows"]].values.tolist() == [["service", 26, 65]]


def test_single_rows_keep_the_source_they_were_scored_in(stored) -> None:
    model, train = stored
    with monitoring.scoring("service", collect=True):
        for row in _rows(train, 3):
            model.score_one(row)
    for row in _rows(train, 2):
        model.score_one(row)
    model.monitor.flush(model)
    table = monitoring.history("scoped")
    assert sorted(map(tuple, table[["source", "rows"]].values.tolist())) == [
        ("one", 2), ("service", 3)]


def test_record_false_leaves_calls_out(stored) -> None:
    model, train = stored
    with monitoring.scoring(record=False):
        model.score(train.iloc[:50])
        model.score_one(_rows(train, 1)[0])
    model.monitor.flush(model)
    assert len(monitoring.history("scoped")) == 0


def test_labels_without_scores_count_but_give_no_precision(stored) -> None:
    model, train = stored
    res = model.score(train.iloc[:30])
    stored_rows = monitoring.feedback("scoped", [1, 0, None], rows=["x", "y", "z"], version=1)
    assert stored_rows == 2
    latest = monitoring.history("scoped").iloc[-1]
    assert latest["n_feedback"] == 2 and np.isnan(latest["alert_precision"])
    monitoring.feedback("scoped", [1, 0], scores=res.scores[:2], rows=["p", "q"], version=1)
    latest = monitoring.history("scoped").iloc[-1]
    assert latest["n_feedback"] == 4 and np.isfinite(latest["average_precision"])
