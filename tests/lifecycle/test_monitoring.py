"""Performance tracking: records of every scoring call of a stored model, feedback, history."""

from __future__ import annotations

import pickle
import sqlite3
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad import monitoring
from jupyter_ad.errors import ModelStoreError


@pytest.fixture
def frames():
    rng = np.random.default_rng(0)
    train = pd.DataFrame(rng.normal(size=(600, 4)), columns=["a", "b", "c", "d"])
    batches = [pd.DataFrame(rng.normal(size=(200, 4)), columns=list("abcd")) for _ in range(3)]
    for b in batches:
        b.loc[:3, "a"] += 9  # four clear anomalies per batch
    return train, batches


@pytest.fixture
def stored(frames):
    train, _ = frames
    ad.fit(train, "iforest", contamination=0.05).save("fraud")
    return ad.load("fraud")


def test_three_calls_and_one_feedback_batch_give_three_records_and_precision(stored, frames):
    _, batches = frames
    results = [stored.score(b) for b in batches]
    last = results[-1]
    last.feedback.update({0: 1, 1: 1, 2: 1, 3: 1, 10: 0, 11: 0})  # what the panel writes
    h = stored.history()
    assert len(h) == 3
    assert h["rows"].tolist() == [200, 200, 200]
    assert h["source"].tolist() == ["batch"] * 3
    assert (h["anomaly_rate"] == [r.n_anomalies / 200 for r in results]).all()
    assert h["n_feedback"].tolist() == [0, 0, 6]
    flagged = [i for i in (0, 1, 2, 3, 10, 11) if last.labels[i] == 1]
    truth = {0: 1, 1: 1, 2: 1, 3: 1, 10: 0, 11: 0}
    expected = np.mean([truth[i] for i in flagged])
    assert h["alert_precision"].iloc[-1] == pytest.approx(expected)
    assert h["precision_at_k"].iloc[-1] == pytest.approx(1.0)  # the 4 planted rows top it
    assert h["average_precision"].iloc[-1] == pytest.approx(1.0)
    assert np.isnan(h["alert_precision"].iloc[0])


def test_record_holds_quantiles_drift_and_latency(stored, frames):
    _, batches = frames
    shifted = batches[0].copy()
    shifted["c"] += 3.0  # the whole column moves: drift in c, not elsewhere
    stored.score(batches[1])
    stored.score(shifted)
    h = stored.history()
    calm, moved = h.iloc[0], h.iloc[1]
    assert moved["drift_column"] == "c"
    assert moved["drift"] > 0.8 and calm["drift"] < 0.3
    cols = h["drift_columns"].iloc[1]
    assert cols["c"]["shift"] > 2.0 and abs(cols["b"]["shift"]) < 0.5
    scores = stored.score_samples(shifted)
    assert h["score_q99"].iloc[1] == pytest.approx(np.quantile(scores, 0.99))
    assert h["score_max"].iloc[1] == pytest.approx(scores.max())
    assert (h["latency_ms"] > 0).all()
    table = h.drift_table()
    assert set(table["column"]) == {"a", "b", "c", "d"} and len(table) == 8


def test_predict_score_samples_and_decision_function_each_record(stored, frames):
    _, batches = frames
    stored.predict(batches[0])
    stored.score_samples(batches[1])
    stored.decision_function(batches[2])
    assert stored.history()["rows"].tolist() == [200, 200, 200]


def test_score_one_is_aggregated_into_windows(frames, monkeypatch):
    train, batches = frames
    monkeypatch.setenv("JUPYTER_AD_MONITORING_FLUSH_ROWS", "100")
    ad.fit(train, "iforest").save("rows")
    model = ad.load("rows")
    rows = batches[0].to_dict("records")
    scores = [model.score_one(r) for r in rows[:150]]
    h = model.history()  # 100 written when due, the other 50 flushed by history()
    assert h["rows"].tolist() == [100, 50] and h["calls"].tolist() == [100, 50]
    assert set(h["source"]) == {"one"}
    assert h["score_max"].iloc[0] == pytest.approx(max(scores[:100]))
    assert h["anomalies"].sum() == sum(s > model.threshold_ for s in scores)


def test_score_file_is_one_record(stored, frames, tmp_path):
    _, batches = frames
    src = tmp_path / "in.parquet"
    pd.concat(batches, ignore_index=True).to_parquet(src)
    stored.score_file(src, tmp_path / "out.parquet", batch_rows=128)
    h = stored.history()
    assert h["rows"].tolist() == [600] and h["source"].tolist() == ["file"]
    assert h["calls"].tolist() == [5]  # five batches of at most 128 rows


def test_scoring_scope_labels_and_aggregates(stored, frames):
    _, batches = frames
    with monitoring.scoring("stream"):
        stored.score(batches[0])
    with monitoring.scoring("service", aggregate=True):
        for b in batches:
            stored.score(b.iloc[:10])
    h = stored.history()
    assert h["source"].tolist() == ["stream", "service"]
    assert h["rows"].tolist() == [200, 30] and h["calls"].tolist() == [1, 3]


def test_feedback_by_name_joins_latest_record(stored, frames):
    _, batches = frames
    stored.score(batches[0])
    scores = stored.score_samples(batches[1])  # second record
    n = monitoring.feedback("fraud", [1, 1, 0, 0], scores=scores[[0, 1, 50, 51]])
    assert n == 4
    h = monitoring.history("fraud")
    assert h["n_feedback"].tolist() == [0, 4]
    assert h["precision_at_k"].iloc[1] == pytest.approx(1.0)


def test_versions_are_kept_apart(frames):
    train, batches = frames
    ad.fit(train, "iforest").save("m")
    ad.fit(train, "knn").save("m")
    ad.load("m@1").score(batches[0])
    ad.load("m@2").score(batches[1])
    h = monitoring.history("m")
    assert h["version"].tolist() == [1, 2]
    assert len(monitoring.history("m", version=2)) == 1


def test_disabled_by_environment_records_nothing(frames, monkeypatch, _isolated_store):
    train, batches = frames
    ad.fit(train, "iforest").save("off")
    monkeypatch.setenv("JUPYTER_AD_MONITORING_ENABLED", "false")
    model = ad.load("off")
    assert model.monitor is None
    model.score(batches[0])
    assert not (_isolated_store / ".monitoring.sqlite").exists()
    with pytest.raises(ModelStoreError, match="no monitoring history"):
        model.history()


def test_disabled_in_the_config_file(frames, tmp_path, monkeypatch):
    train, _ = frames
    ad.fit(train, "iforest").save("cfg")
    config = tmp_path / "jupyter-ad.toml"
    config.write_text("[monitoring]\nenabled = false\n")
    monkeypatch.setenv("JUPYTER_AD_CONFIG", str(config))
    assert ad.load("cfg").monitor is None


def test_unfitted_or_fresh_models_are_not_tracked(frames):
    train, batches = frames
    model = ad.fit(train, "iforest")
    model.score(batches[0])
    assert model.monitor is None


def test_tracker_is_never_pickled(stored, frames, tmp_path):
    _, batches = frames
    stored.score(batches[0])
    clone = pickle.loads(pickle.dumps(stored))
    assert clone.monitor is None
    np.testing.assert_allclose(clone.score_samples(batches[0]), stored.score_samples(batches[0]))
    ref = stored.save("fraud")  # a loaded model saved again: a clean new version
    assert ad.load(f"fraud@{ref.version}").monitor.version == ref.version


def test_database_is_private_and_beside_the_store(stored, frames, _isolated_store):
    _, batches = frames
    stored.score(batches[0])
    path = _isolated_store / ".monitoring.sqlite"
    assert path.is_file() and (path.stat().st_mode & 0o077) == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 1
    assert "fraud" in set(ad.models()["name"]) and ".monitoring.sqlite" not in set(
        ad.models()["name"])


def test_a_broken_database_warns_but_scoring_goes_on(frames, tmp_path, monkeypatch):
    train, batches = frames
    ad.fit(train, "iforest").save("w")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("JUPYTER_AD_MONITORING_PATH", str(blocker / "db.sqlite"))
    model = ad.load("w")
    with pytest.warns(ad.JupyterADWarning, match="could not record"):
        res = model.score(batches[0])
    assert len(res) == 200


def test_records_from_two_processes(stored, frames, _isolated_store, tmp_path):
    _, batches = frames
    path = tmp_path / "b.parquet"
    batches[0].to_parquet(path)
    code = ("import jupyter_ad as ad, pandas as pd; m = ad.load('fraud'); "
            f"m.score(pd.read_parquet({str(path)!r}))")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300,
                   env={**__import__("os").environ, "JUPYTER_AD_HOME": str(_isolated_store)})
    stored.score(batches[1])
    assert monitoring.history("fraud")["rows"].tolist() == [200, 200]


def test_options_are_in_the_spec():
    from jupyter_ad.options import settings

    keys = {s.name: s.value for s in settings()}
    assert keys["monitoring.enabled"] is True
    assert keys["monitoring.flush_rows"] == 1000
    assert keys["mlflow.telemetry"] is False


def test_pending_single_rows_are_written_at_exit(stored, frames, _isolated_store):
    _, batches = frames
    rows = batches[0].head(7).to_dict("records")
    code = ("import jupyter_ad as ad; m = ad.load('fraud')\n"
            f"for row in {rows!r}:\n    m.score_one(row)\n")  # no flush: the process just ends
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300,
                   env={**__import__("os").environ, "JUPYTER_AD_HOME": str(_isolated_store)})
    h = monitoring.history("fraud")
    assert h["rows"].tolist() == [7] and h["source"].tolist() == ["one"]
