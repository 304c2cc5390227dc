"""Reliability: SIGKILL the stream process mid-run and restart it (Redis Streams and Kafka),
a Redis sink stopped and restarted mid-run. Every event is scored at least once; duplicates
are bounded by one batch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

import jupyter_ad as ad
from tests.stream.conftest import numeric_frame

pytestmark = pytest.mark.slow
BATCH = 200


def _stream_process(source: str, sink: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "jupyter_ad", "stream", "--model", "meter", "--source", source,
         "--sink", sink, "--batch-size", str(BATCH), "--max-latency-ms", "20"],
        stdout=subprocess.DEVNULL, stderr=log.open("ab"), env=dict(os.environ))


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


class Producer(threading.Thread):
    """Adds ``total`` events, ``step`` every ``pause`` seconds, through ``send(rows)``."""

    def __init__(self, send, total: int, step: int = 100, pause: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.send, self.total, self.step, self.pause = send, total, step, pause
        self.sent = 0

    def run(self) -> None:
        rows = numeric_frame(self.total, seed=30).to_dict("records")
        for start in range(0, self.total, self.step):
            self.send([dict(r, n=start + k) for k, r in enumerate(rows[start:start + self.step])])
            self.sent = min(start + self.step, self.total)
            time.sleep(self.pause)


def _check(ns: list[int], total: int) -> int:
    counts = Counter(ns)
    assert set(counts) == set(range(total)), f"lost {sorted(set(range(total)) - set(counts))[:5]}"
    duplicates = sum(c - 1 for c in counts.values())
    assert duplicates <= BATCH, duplicates
    return duplicates


def test_sigkill_and_restart_with_redis_streams(redis_server, numeric_model, tmp_path):
    numeric_model.save("meter")
    client = redis_server.client()
    total = 20_000

    def send(rows):
        pipe = client.pipeline(transaction=False)
        for row in rows:
            pipe.xadd("events", {"data": json.dumps(row)})
        pipe.execute()

    producer = Producer(send, total)
    producer.start()
    source = f"{redis_server.url}/events?group=g&consumer=worker-1"
    sink = f"{redis_server.url}/scored"
    log = tmp_path / "stream.log"
    first = _stream_process(source, sink, log)
    _wait(lambda: client.xlen("scored") > 3000, 120, "the first run to score 3000 events")
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = client.xlen("scored")
    assert killed_at < total  # killed mid-run
    second = _stream_process(source, sink, log)
    producer.join()
    _wait(lambda: client.xlen("scored") >= total, 120, "the second run to catch up")
    _wait(lambda: client.xpending("events", "g")["pending"] == 0, 30, "acknowledgements")
    second.send_signal(signal.SIGTERM)
    assert second.wait(30) == 0
    summary = log.read_text()
    assert "redelivered" in summary and "stopped" in summary
    ns = [json.loads(f[b"data"])["n"] for _, f in client.xrange("scored")]
    _check(ns, total)


def test_sigkill_and_restart_with_kafka(kafka_cluster, numeric_model, tmp_path):
    from confluent_kafka import Producer as KafkaProducer

    numeric_model.save("meter")
    producer_client = KafkaProducer({"bootstrap.servers": kafka_cluster})
    total = 20_000

    def send(rows):
        for row in rows:
            producer_client.produce("events", json.dumps(row).encode())
        producer_client.flush(10)

    producer = Producer(send, total)
    producer.start()
    source = (f"kafka://{kafka_cluster}/events?group=g&session.timeout.ms=6000"
              "&heartbeat.interval.ms=500")
    out = tmp_path / "scored.jsonl"
    log = tmp_path / "stream.log"

    def lines() -> int:
        return out.read_bytes().count(b"\n") if out.exists() else 0

    first = _stream_process(source, f"jsonl:{out}", log)
    _wait(lambda: lines() > 3000, 120, "the first run to score 3000 events")
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert lines() < total
    second = _stream_process(source, f"jsonl:{out}", log)
    producer.join()
    _wait(lambda: lines() >= total, 180, "the second run to catch up")
    second.send_signal(signal.SIGTERM)
    assert second.wait(60) == 0
    text = out.read_text()
    rows = [json.loads(line) for line in text.splitlines() if line.endswith("}")]
    _check([r["n"] for r in rows], total)


def test_a_redis_sink_stopped_and_restarted_loses_nothing(redis_server, numeric_model):
    total = 6000
    produced = 0
    ahead: list[int] = []
    client = redis_server.client()

    def events():
        nonlocal produced
        for n, row in enumerate(numeric_frame(total, seed=31).to_dict("records")):
            produced += 1
            yield dict(row, n=n)
            if n % 20 == 0:
                time.sleep(0.01)  # about 2,000 events/s: the stream is still running when
                # the sink goes down

    s = ad.stream(events(), numeric_model, f"{redis_server.url}/scored", batch_size=BATCH,
                  sink_retry_s=0.2)
    _wait(lambda: s.stats()["scored"] > 1000, 60, "1000 events scored")
    redis_server.stop()
    _wait(lambda: s.stats()["sink_errors"] > 0, 30, "the stream to notice the sink is down")
    before = produced
    time.sleep(1.5)  # the sink is down: consumption pauses
    ahead.append(produced - before)
    stats = s.stats()
    assert stats["sink_errors"] > 1 and stats["status"].startswith("waiting for the sink")
    redis_server.start()  # same port, append-only file: what was written is still there
    client = redis_server.client()
    _wait(lambda: s.stats()["scored"] >= total and not s.running, 60, "recovery")
    assert s.stats()["status"] == "finished"
    assert max(ahead) <= BATCH  # bounded: at most the batch in hand was read while down
    ns = [json.loads(f[b"data"])["n"] for _, f in client.xrange("scored")]
    _check(ns, total)
