"""Redis Streams on a real redis-server and Kafka on librdkafka's mock cluster."""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
import pytest

import jupyter_ad as ad
from jupyter_ad.stream.sources.redis_streams import RedisSource
from jupyter_ad.stream.urls import parse_url
from tests.stream.conftest import numeric_frame


def _xadd_all(client, key, rows, *, as_data=True):
    pipe = client.pipeline(transaction=False)
    for row in rows:
        pipe.xadd(key, {"data": json.dumps(row)} if as_data else row)
    return [i.decode() for i in pipe.execute()]


def _read_sink(client, key):
    return [json.loads(fields[b"data"]) for _, fields in client.xrange(key)]


def test_redis_round_trip_scores_like_model_score(redis_server, numeric_model):
    frame = numeric_frame(500, seed=20)
    client = redis_server.client()
    ids = _xadd_all(client, "events", frame.to_dict("records")[:250])
    ids += _xadd_all(client, "events", frame.to_dict("records")[250:], as_data=False)
    s = ad.stream(f"{redis_server.url}/events?group=ad", numeric_model,
                  f"{redis_server.url}/scored", batch_size=100)
    deadline = time.time() + 30
    while s.stats()["scored"] < 500 and time.time() < deadline:
        time.sleep(0.05)
    s.stop()
    out = _read_sink(client, "scored")
    assert [r["event_id"] for r in out] == ids
    np.testing.assert_array_equal([r["score"] for r in out], numeric_model.score_samples(frame))
    assert client.xpending("events", "ad")["pending"] == 0  # all acknowledged


def test_redis_pending_entries_are_read_again_by_the_next_run(redis_server, numeric_model):
    client = redis_server.client()
    ids = _xadd_all(client, "ev", numeric_frame(30, seed=21).to_dict("records"))
    url = parse_url(f"{redis_server.url}/ev?group=g&consumer=c1")
    first = RedisSource(url)
    batch = first.read(10, 0.01)
    assert list(batch.ids) == ids[:10]  # read, never acknowledged: "the process died"
    _wait_pending(client, "ev", "g", 20)  # meanwhile the next batch was read ahead
    second = RedisSource(url)
    again = second.read(100, 0.01)
    assert list(again.ids) == ids[:20] and second.redelivered == 20
    second.ack(again)
    rest = second.read(100, 0.01)
    assert list(rest.ids) == ids[20:]
    second.ack(rest)
    second.close()  # nothing left to read ahead: nothing stays pending
    assert client.xpending("ev", "g")["pending"] == 0


def test_redis_poison_and_trimmed_entries(redis_server, numeric_model, tmp_path):
    client = redis_server.client()
    good = _xadd_all(client, "p", numeric_frame(5, seed=22).to_dict("records"))
    bad = client.xadd("p", {"data": "{oops"}).decode()
    s = ad.stream(f"{redis_server.url}/p?group=g", numeric_model,
                  f"{redis_server.url}/out", dead_letter=f"{redis_server.url}/dead")
    deadline = time.time() + 20
    while s.stats()["read"] < 6 and time.time() < deadline:
        time.sleep(0.05)
    s.stop()
    dead = _read_sink(client, "dead")
    assert [d["event_id"] for d in dead] == [bad] and "not valid JSON" in dead[0]["reason"]
    assert [r["event_id"] for r in _read_sink(client, "out")] == good
    assert client.xpending("p", "g")["pending"] == 0


@pytest.mark.parametrize("protocol", [2, 3])
def test_redis_trimmed_pending_entries_are_acknowledged_and_skipped(redis_server, monkeypatch,
                                                                     protocol):
    """Entries deleted while pending come back without fields (re-read from "0") or among
    XAUTOCLAIM's deleted ids; the raw replies are walked in both RESP2 and RESP3 shapes."""
    import redis

    import jupyter_ad.stream.sources.redis_streams as rs

    monkeypatch.setattr(rs, "connect", lambda url: redis.Redis(port=url.port, protocol=protocol))
    client = redis_server.client()
    ids = _xadd_all(client, "t", numeric_frame(6, seed=24).to_dict("records")[:3])
    ids.append(client.xadd("t", {"f0": "1.5", "f1": "x"}).decode())  # direct fields
    ids += _xadd_all(client, "t", numeric_frame(6, seed=24).to_dict("records")[3:])
    first = RedisSource(parse_url(f"{redis_server.url}/t?group=g&consumer=c1"))
    assert list(first.read(4, 0.01).ids) == ids[:4]  # read, never acknowledged
    first.close()  # gone without acknowledging, as a killed process (its reads are over)
    assert client.xpending("t", "g")["pending"] == 7  # the other three were read ahead
    client.xdel("t", ids[1])
    again = RedisSource(parse_url(f"{redis_server.url}/t?group=g&consumer=c1"))
    batch = again.read(10, 0.01)  # its pending entries first: the deleted one has no fields
    assert list(batch.ids) == [ids[0], *ids[2:]] and len(batch.token) == 7
    assert batch.records[2] == {"f0": 1.5, "f1": "x"} and batch.texts[2] is None
    assert batch.records[0] == json.loads(client.xrange("t", ids[0], ids[0])[0][1][b"data"])
    again.ack(batch)
    again.close()  # nothing new was there to read ahead
    assert client.xpending("t", "g")["pending"] == 0

    more = _xadd_all(client, "t", numeric_frame(3, seed=25).to_dict("records"))
    dying = RedisSource(parse_url(f"{redis_server.url}/t?group=g&consumer=c3"))
    assert list(dying.read(2, 0.01).ids) == more[:2]  # c3 takes two, reads one ahead, dies
    dying.close()
    assert client.xpending("t", "g")["pending"] == 3
    client.xdel("t", more[0])
    time.sleep(0.02)
    other = RedisSource(parse_url(f"{redis_server.url}/t?group=g&consumer=c2&claim_idle_ms=10"))
    claimed = other.read(10, 0.01)  # XAUTOCLAIM: the deleted entry is dropped by Redis
    assert list(claimed.ids) == more[1:] and other.redelivered == 2
    other.ack(claimed)
    other.close()
    assert client.xpending("t", "g")["pending"] == 0


def _wait_pending(client: Any, key: str, group: str, n: int) -> None:
    deadline = time.time() + 10
    while client.xpending(key, group)["pending"] < n and time.time() < deadline:
        time.sleep(0.01)
    assert client.xpending(key, group)["pending"] == n


def test_kafka_round_trip_on_the_mock_cluster(kafka_cluster, numeric_model):
    from confluent_kafka import Consumer, Producer, TopicPartition

    frame = numeric_frame(300, seed=23)
    producer = Producer({"bootstrap.servers": kafka_cluster})
    for n, row in enumerate(frame.to_dict("records")):
        producer.produce("payments", json.dumps(dict(row, n=n)).encode())
    producer.produce("payments", b"not json")
    assert producer.flush(10) == 0
    got: list[dict] = []
    s = ad.stream(f"kafka://{kafka_cluster}/payments?group=fraud", numeric_model,
                  f"kafka://{kafka_cluster}/scored", dead_letter=got, batch_size=100)
    deadline = time.time() + 60
    while s.stats()["read"] < 301 and time.time() < deadline:
        time.sleep(0.1)
    stats = s.stop()
    assert stats["scored"] == 300 and stats["poison"] == 1
    assert got[0]["raw"] == "not json" and "not valid JSON" in got[0]["reason"]
    consumer = Consumer({"bootstrap.servers": kafka_cluster, "group.id": "check",
                         "auto.offset.reset": "earliest"})
    consumer.subscribe(["scored"])
    out: list[dict] = []
    deadline = time.time() + 30
    while len(out) < 300 and time.time() < deadline:
        out += [json.loads(m.value()) for m in consumer.consume(300, 1) if not m.error()]
    consumer.close()
    assert sorted(r["n"] for r in out) == list(range(300))
    assert len({r["event_id"] for r in out}) == 300  # partition:offset, unique
    out.sort(key=lambda r: r["n"])
    np.testing.assert_array_equal([r["score"] for r in out], numeric_model.score_samples(frame))
    # the group's committed offsets are after the last messages: a new run reads nothing again
    check = Consumer({"bootstrap.servers": kafka_cluster, "group.id": "fraud"})
    partitions = check.list_topics("payments", timeout=10).topics["payments"].partitions
    committed = check.committed([TopicPartition("payments", p) for p in partitions], timeout=10)
    check.close()
    assert sum(max(tp.offset, 0) for tp in committed) == 301


@pytest.mark.parametrize("bad", ["redis://h:x/0/s", "redis://h/a/b/c", "kafka://h/a/b", "jsonl:"])
def test_malformed_urls_are_refused_with_the_form(bad):
    with pytest.raises(ad.ParameterError, match=r"redis://|kafka://|names no file"):
        parse_url(bad)
