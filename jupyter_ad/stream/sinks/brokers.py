"""Broker sinks: Redis Streams (``redis://HOST:PORT/DB/STREAM``, XADD, one field ``data``
holding the JSON object; ``maxlen=N`` trims the stream approximately) and Kafka
(``kafka://BROKERS/TOPIC``, one JSON message per event keyed by its event id; a batch counts
as written once every message is acknowledged).
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_ad.errors import StreamError
from jupyter_ad.stream._deps import require
from jupyter_ad.stream.events import ScoredBatch
from jupyter_ad.stream.sinks.base import Sink
from jupyter_ad.stream.urls import StreamURL

__all__ = ["KafkaSink", "RedisSink"]


def _resp(words: list[str], extra: int = 0) -> bytes:
    """The RESP array header and bulk strings of ``words`` (``extra`` more to follow)."""
    out = [b"*%d\r\n" % (len(words) + extra)]
    for word in words:
        data = word.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def _dumps(row: dict[str, Any]) -> str:
    return json.dumps(row, separators=(",", ":"), default=str)


class RedisSink(Sink):
    """XADD each event to a Redis stream, one pipeline per batch."""

    def __init__(self, url: StreamURL) -> None:
        from jupyter_ad.stream.sources.redis_streams import connect

        redis = require("redis", "A Redis Streams sink")
        self._errors = (redis.ConnectionError, redis.TimeoutError)
        self._client = connect(url)
        self._key = url.name
        self._maxlen = int(url.query["maxlen"]) if "maxlen" in url.query else None
        self.name = url.text

    def write(self, batch: ScoredBatch) -> None:
        """Deliver the scored events (see :meth:`Sink.write`)."""
        self._xadd(batch.json_bytes())

    def write_dicts(self, rows: list[dict[str, Any]]) -> None:
        """Deliver plain dicts (see :meth:`Sink.write_dicts`)."""
        self._xadd([_dumps(row).encode() for row in rows])

    def _xadd(self, texts: list[bytes]) -> None:
        """XADD every text as field ``data``: one packed buffer, then one reply each (the
        commands are packed here, in one pass, rather than one by one by a pipeline).
        """
        if not texts:
            return
        head = _resp(["XADD", self._key, *(("MAXLEN", "~", str(self._maxlen))
                                           if self._maxlen is not None else ()), "*", "data"],
                     extra=1)
        parts: list[bytes] = []
        for data in texts:
            parts += [head, b"$%d\r\n" % len(data), data, b"\r\n"]
        pool = self._client.connection_pool
        try:
            connection = pool.get_connection()
        except self._errors as exc:
            raise StreamError(f"{self.name}: Redis cannot be reached ({exc}).") from exc
        try:
            connection.send_packed_command([b"".join(parts)])
            errors = [reply for reply in (connection.read_response(disable_decoding=True)
                                          for _ in texts) if isinstance(reply, Exception)]
        except self._errors as exc:
            connection.disconnect()
            raise StreamError(f"{self.name}: Redis cannot be reached ({exc}).") from exc
        finally:
            pool.release(connection)
        if errors:
            raise StreamError(f"{self.name}: Redis refused {len(errors)} XADD(s): {errors[0]}")

    def close(self) -> None:
        """Flush and release what this holds."""
        self._client.close()


class KafkaSink(Sink):
    """Produce each event to a Kafka topic and wait for the acknowledgements."""

    def __init__(self, url: StreamURL) -> None:
        from jupyter_ad.stream.sources.kafka import kafka_settings

        kafka = require("confluent_kafka", "A Kafka sink")
        self._producer = kafka.Producer(kafka_settings(url, **{"linger.ms": 2}))
        self._topic = url.name
        self.name = url.text

    def write(self, batch: ScoredBatch) -> None:
        """Deliver the scored events (see :meth:`Sink.write`)."""
        self._produce(list(batch.ids), batch.json_bytes())

    def write_dicts(self, rows: list[dict[str, Any]]) -> None:
        """Deliver plain dicts (see :meth:`Sink.write_dicts`)."""
        self._produce([str(r.get("event_id", "")) for r in rows],
                      [_dumps(r).encode() for r in rows])

    def _produce(self, keys: list[str], texts: list[bytes]) -> None:
        failed: list[str] = []

        def done(error: Any, message: Any) -> None:
            if error is not None:
                failed.append(str(error))

        for key, text in zip(keys, texts, strict=True):
            while True:
                try:
                    self._producer.produce(self._topic, text, key.encode(),
                                           on_delivery=done)
                    break
                except BufferError:  # the local queue is full: let deliveries drain
                    self._producer.poll(0.05)
        left = self._producer.flush(30)
        if left or failed:
            raise StreamError(f"{self.name}: {left} message(s) not delivered"
                              f"{': ' + failed[0] if failed else ''}.")

    def close(self) -> None:
        """Flush and release what this holds."""
        self._producer.flush(10)
