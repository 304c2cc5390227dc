"""A stream over a model loaded from the store is monitored: its batches become records of the
loaded version with source ``stream`` (one per flush window, and one when the stream ends);
``JUPYTER_AD_MONITORING_ENABLED=false`` turns it off.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.stream.conftest import numeric_frame


def _saved(model: Any, name: str = "sensor", versions: int = 1) -> None:
    for _ in range(versions):
        model.save(name)


def test_a_stream_of_a_stored_model_records_its_batches(numeric_model: Any) -> None:
    import jupyter_ad as ad
    from jupyter_ad.io.store import ModelStore

    _saved(numeric_model, versions=2)
    ModelStore().set_alias("sensor", "production", 1)
    events = numeric_frame(n=2400, seed=3)
    s = ad.stream(events.to_dict("records"), "sensor@production", batch_size=500)
    stats = s.join()
    assert stats["scored"] == 2400 and stats["model_version"] == "sensor@1"
    history = ad.monitoring.history("sensor")
    assert history["source"].tolist() == ["stream"]  # the batches folded into one window
    record = history.iloc[0]
    assert (record["version"], record["rows"], record["calls"]) == (1, 2400, stats["batches"])
    assert stats["batches"] >= 5
    flagged = int((numeric_model.score_samples(events) > numeric_model.threshold_).sum())
    assert record["anomalies"] == flagged and record["anomaly_rate"] == flagged / 2400
    assert record["score_max"] == pytest.approx(numeric_model.score_samples(events).max())


def test_stream_windows_are_written_per_flush_seconds(numeric_model: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import jupyter_ad as ad

    monkeypatch.setenv("JUPYTER_AD_MONITORING_FLUSH_SECONDS", "0.2")
    _saved(numeric_model)
    frames = [numeric_frame(n=200, seed=k) for k in range(6)]

    def paced() -> Any:
        for frame in frames:
            yield frame
            time.sleep(0.15)

    ad.stream(paced(), "sensor", batch_size=200, max_latency_ms=20).join()
    history = ad.monitoring.history("sensor")
    assert 2 <= len(history) <= 6, history[["calls", "rows"]]  # several windows, none lost
    assert int(history["rows"].sum()) == 1200 and set(history["source"]) == {"stream"}


def test_a_model_object_loaded_from_the_store_is_monitored_too(numeric_model: Any) -> None:
    import jupyter_ad as ad

    _saved(numeric_model)
    model = ad.load("sensor")
    ad.stream([numeric_frame(n=300, seed=4)], model, batch_size=300).join()
    assert model.history()[["source", "rows"]].values.tolist() == [["stream", 300]]


def test_monitoring_off_leaves_streams_unrecorded(numeric_model: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import jupyter_ad as ad

    monkeypatch.setenv("JUPYTER_AD_MONITORING_ENABLED", "false")
    _saved(numeric_model)
    s = ad.stream(numeric_frame(n=600, seed=5).to_dict("records"), "sensor", batch_size=300)
    assert s.join()["scored"] == 600
    assert s.model.monitor is None
    assert len(ad.monitoring.history("sensor")) == 0


def test_an_in_memory_model_is_not_monitored(numeric_model: Any) -> None:
    import jupyter_ad as ad

    s = ad.stream([numeric_frame(n=300, seed=6)], numeric_model, batch_size=300)
    assert s.join()["scored"] == 300
    assert numeric_model.monitor is None
    assert np.isfinite(s.results()["score"]).all()
