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
from jupyter_ad.stream.sinks.base import Sink
from jupyter_ad.stream.urls import StreamURL

__all__ = ["KafkaSink", "RedisSink"]


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

    def write_dicts(self, rows: list[dict[str, Any]]) -> None:
        """Deliver plain dicts (see :meth:`Sink.write_dicts`)."""
        try:
            pipe = self._client.pipeline(transaction=False)
            for row in rows:
                pipe.xadd(self._key, {"data": _dumps(row)}, maxlen=self._maxlen,
                          approximate=True)
            pipe.execute()
        except self._errors as exc:
            raise StreamError(f"{self.name}: Redis cannot be reached ({exc}).") from exc

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

    def write_dicts(self, rows: list[dict[str, Any]]) -> None:
        """Deliver plain dicts (see :meth:`Sink.write_dicts`)."""
        failed: list[str] = []

        def done(error: Any, message: Any) -> None:
            if error is not None:
                failed.append(str(error))

        for row in rows:
            key = str(row.get("event_id", ""))
            while True:
                try:
                    self._producer.produce(self._topic, _dumps(row).encode(), key.encode(),
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
