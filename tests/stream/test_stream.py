"""ad.stream with in-process sources and sinks: same scores as model.score, micro-batches,
poison, backpressure, a failing sink, refits, options."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.errors import ParameterError, StreamError
from jupyter_ad.stream.sinks.base import Sink
from tests.stream.conftest import numeric_frame


def test_streamed_records_equal_model_score(mixed_model, transactions):
    s = ad.stream(transactions.to_dict("records"), mixed_model, batch_size=256)
    stats = s.join(60)
    assert stats["status"] == "finished" and stats["scored"] == len(transactions)
    out = s.results()
    expected = mixed_model.score(transactions)
    assert out["event_id"].tolist() == [str(i) for i in range(len(transactions))]
    np.testing.assert_array_equal(out["score"].to_numpy(), expected.scores)
    np.testing.assert_array_equal(out["label"].to_numpy(), expected.labels)
    np.testing.assert_allclose(out["confidence"].to_numpy(), expected.confidence, rtol=0,
                               atol=1e-12)
    assert (out["amount"].to_numpy() == transactions["amount"].to_numpy()).all()
    assert stats["anomalies"] == int(expected.labels.sum())


def test_streamed_frames_equal_model_score(numeric_model):
    frame = numeric_frame(5000, seed=3)
    chunks = [frame.iloc[i:i + 700] for i in range(0, len(frame), 700)]
    s = ad.stream(chunks, numeric_model, batch_size=1000)
    s.join(60)
    out = s.results()
    assert len(out) == len(frame)
    np.testing.assert_array_equal(out["score"].to_numpy(), numeric_model.score_samples(frame))
    assert out["event_id"].iloc[-1] == str(len(frame) - 1)
    assert set(out["model_version"]) == {"in-memory"}


def test_saved_model_by_name_carries_its_version(numeric_model):
    ref = numeric_model.save("sensors")
    s = ad.stream(numeric_frame(50, seed=1).to_dict("records"), "sensors")
    s.join(30)
    assert set(s.results()["model_version"]) == {str(ref)} == {"sensors@1"}


def test_poison_events_go_to_the_dead_letter_sink_with_the_reason(numeric_model, tmp_path):
    rows = numeric_frame(30, seed=2).to_dict("records")
    rows[3] = "{broken json"
    rows[5] = {k: v for k, v in rows[5].items() if k != "f2"}
    rows[7] = dict(rows[7], f1="not a number")
    rows[9] = "[1, 2]"
    dead = tmp_path / "dead.jsonl"
    s = ad.stream(rows, numeric_model, dead_letter=f"jsonl:{dead}", batch_size=8)
    stats = s.join(30)
    assert stats["poison"] == 4 and stats["scored"] == 26
    letters = {d["event_id"]: d for d in map(json.loads, dead.read_text().splitlines())}
    assert set(letters) == {"3", "5", "7", "9"}
    assert "not valid JSON" in letters["3"]["reason"]
    assert "'f2'" in letters["5"]["reason"]
    assert "'f1'" in letters["7"]["reason"] and "not a number" in letters["7"]["reason"]
    assert "not an object" in letters["9"]["reason"]
    assert letters["7"]["raw"]["f1"] == "not a number"
    scored_ids = set(s.results()["event_id"])
    assert scored_ids.isdisjoint(letters) and len(scored_ids) == 26


def test_extra_fields_pass_through_or_are_refused(numeric_model):
    rows = [dict(r, user="u1") for r in numeric_frame(20, seed=4).to_dict("records")]
    s = ad.stream(rows, numeric_model)
    s.join(30)
    assert (s.results()["user"] == "u1").all()
    s = ad.stream(rows, numeric_model, extra_fields="error")
    stats = s.join(30)
    assert stats["poison"] == 20 and "'user'" in s.dead_letters[0]["reason"]


def test_a_batch_is_flushed_by_time_when_it_does_not_fill(numeric_model):
    rows = numeric_frame(6, seed=5).to_dict("records")
    seen: list[tuple[int, float]] = []

    def slow():
        for row in rows:
            yield row
            time.sleep(0.05)

    s = ad.stream(slow(), numeric_model, sink=lambda b: seen.append((len(b), time.time())),
                  batch_size=1000, max_latency_ms=20)
    s.join(30)
    # the time limit is checked between events: batches of at most 2, not one of 6 at the end
    assert sum(n for n, _ in seen) == 6 and max(n for n, _ in seen) <= 2


def test_a_slow_sink_pauses_consumption(numeric_model):
    """Backpressure: the source is never read more than a batch ahead of the sink."""
    produced = 0
    ahead: list[int] = []
    written = 0

    def events():
        nonlocal produced
        for row in numeric_frame(400, seed=6).to_dict("records"):
            produced += 1
            yield row

    def sink(batch):
        nonlocal written
        ahead.append(produced - written)
        time.sleep(0.02)
        written += len(batch)

    s = ad.stream(events(), numeric_model, sink=sink, batch_size=50)
    s.join(60)
    assert written == 400 and max(ahead) <= 50


class Flaky(Sink):
    """Fails its first ``failures`` writes, then keeps everything."""

    def __init__(self, failures: int) -> None:
        self.failures, self.rows = failures, []

    def write_dicts(self, rows):
        if self.failures:
            self.failures -= 1
            raise StreamError("sink down")
        self.rows.extend(rows)


def test_a_failing_sink_is_retried_and_nothing_is_lost(numeric_model):
    sink = Flaky(failures=4)
    s = ad.stream(numeric_frame(300, seed=7).to_dict("records"), numeric_model, sink=sink,
                  batch_size=100, sink_retry_s=0.05)
    stats = s.join(60)
    assert stats["sink_errors"] == 4 and stats["status"] == "finished"
    ids = [r["event_id"] for r in sink.rows]
    assert ids == [str(i) for i in range(300)]  # each once, in order


def test_stop_while_the_sink_is_down_acknowledges_nothing(numeric_model):
    acked: list[int] = []
    sink = Flaky(failures=10**6)
    s = ad.stream(numeric_frame(50, seed=8).to_dict("records"), numeric_model, sink=sink,
                  start=False, sink_retry_s=0.05)
    s.source.ack = lambda batch: acked.append(len(batch))  # type: ignore[method-assign]
    s.start()
    time.sleep(0.5)
    stats = s.stop()
    assert stats["status"] == "stopped" and acked == [] and sink.rows == []


def test_async_iterable_source(numeric_model):
    frame = numeric_frame(120, seed=9)

    async def events():
        for row in frame.to_dict("records"):
            await asyncio.sleep(0)
            yield json.dumps(row)

    s = ad.stream(events(), numeric_model, batch_size=32)
    s.join(30)
    np.testing.assert_array_equal(s.results()["score"].to_numpy(),
                                  numeric_model.score_samples(frame))


def test_jsonl_source_and_parquet_sink(numeric_model, tmp_path):
    frame = numeric_frame(200, seed=10)
    src = tmp_path / "events.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in frame.to_dict("records")))
    out = tmp_path / "scored.parquet"
    s = ad.stream(f"jsonl:{src}", numeric_model, f"parquet:{out}", batch_size=64)
    s.join(30)
    scored = pd.read_parquet(out)
    assert scored["event_id"].tolist() == [str(i) for i in range(1, 201)]  # line numbers
    np.testing.assert_array_equal(scored["score"].to_numpy(),
                                  numeric_model.score_samples(frame))


def test_refit_every_n_events_saves_a_new_version_and_swaps_it_in(numeric_model):
    numeric_model.save("meter")
    shifted = numeric_frame(3000, seed=11) + 3.0
    chunks = [shifted.iloc[i:i + 250] for i in range(0, 3000, 250)]

    def paced():
        for chunk in chunks:
            yield chunk
            time.sleep(0.15)

    s = ad.stream(paced(), "meter", batch_size=250, refit_every=1000, buffer_size=1000)
    stats = s.join(60)
    versions = s.results()["model_version"].unique().tolist()
    assert stats["refits"] >= 1 and versions[0] == "meter@1" and "meter@2" in versions
    assert ad.models()["version"].max() >= 2
    refitted = ad.load("meter@2")
    assert refitted.threshold_ != numeric_model.threshold_


def test_feature_drift_is_found_during_the_stream_and_alerts(numeric_model):
    frame = numeric_frame(4000, seed=12)
    frame.loc[2000:, "f1"] += 2.5
    got: list[dict] = []
    from jupyter_ad.stream.alerts import AlertManager, FunctionChannel, Rule

    manager = AlertManager([Rule("drift", on="drift")], {"fn": FunctionChannel(got.append)})
    s = ad.stream(frame.to_dict("records"), numeric_model, batch_size=500, drift_every=1000,
                  buffer_size=1000, alerts=manager)
    stats = s.join(60)
    assert stats["drift_events"] >= 1
    assert s.drift.report is not None and s.drift.report.drifted == ["f1"]
    deadline = time.time() + 5
    while not got and time.time() < deadline:
        time.sleep(0.05)
    assert any("f1 shifted up" in a["message"] or "f1" in str(a.get("features")) for a in got)


def test_stream_options_come_from_the_config_file_and_environment(numeric_model, tmp_path,
                                                                  monkeypatch):
    (tmp_path / "jupyter-ad.toml").write_text("[stream]\nbatch_size = 7\nmax_latency_ms = 3\n")
    monkeypatch.chdir(tmp_path)
    s = ad.stream([], numeric_model, start=False)
    assert s.settings["batch_size"] == 7 and s.settings["max_latency_ms"] == 3.0
    monkeypatch.setenv("JUPYTER_AD_STREAM_BATCH_SIZE", "9")
    assert ad.stream([], numeric_model, start=False).settings["batch_size"] == 9
    assert ad.stream([], numeric_model, start=False, batch_size=11).settings["batch_size"] == 11
    with pytest.raises(ParameterError, match="batch_size"):
        ad.stream([], numeric_model, batch_size=0)
    with pytest.raises(ParameterError, match="Did you mean 'batch_size'"):
        ad.stream([], numeric_model, batch_sise=10)


def test_bad_arguments_name_the_fix(numeric_model):
    with pytest.raises(ParameterError, match="fit one first"):
        ad.stream([], object())
    with pytest.raises(ParameterError, match="kafka://BROKERS/TOPIC"):
        ad.stream("kafka:/nothing", numeric_model)
    with pytest.raises(ParameterError, match="cannot be a source"):
        ad.stream("parquet:x.parquet", numeric_model)
    with pytest.raises(ParameterError, match="Cannot read events"):
        ad.stream(42, numeric_model)


def test_context_manager_and_panel_free_stop(numeric_model):
    stop = threading.Event()

    def endless():
        rows = numeric_frame(100, seed=13).to_dict("records")
        while not stop.is_set():
            yield from rows

    with ad.stream(endless(), numeric_model, batch_size=100) as s:
        time.sleep(0.5)
        assert s.running
    stop.set()
    stats = s.stats()
    assert stats["status"] == "stopped" and stats["scored"] > 0 and not s.running
    assert stats["events_per_second"] > 0 and stats["latency_ms_p99"] is not None
