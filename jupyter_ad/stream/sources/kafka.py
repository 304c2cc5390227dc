"""Kafka (``kafka://BROKERS/TOPIC?group=G``) through confluent-kafka: a consumer group whose
offsets are committed only once the sink holds the batch (at-least-once).

Message values are JSON objects. Query parameters: ``group`` (default ``jupyter-ad``); any
other parameter is passed to librdkafka as a setting (``security.protocol=SSL``, ...).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from jupyter_ad.errors import StreamError
from jupyter_ad.stream._deps import require
from jupyter_ad.stream.events import Batch, Poison
from jupyter_ad.stream.sources.base import Source, decode_event
from jupyter_ad.stream.urls import StreamURL

__all__ = ["KafkaSource", "kafka_settings"]


def kafka_settings(url: StreamURL, **extra: Any) -> dict[str, Any]:
    """Librdkafka settings from a URL's brokers and query (``group`` excluded)."""
    settings: dict[str, Any] = {"bootstrap.servers": url.host}
    settings.update({k: v for k, v in url.query.items() if k != "group"})
    settings.update(extra)
    return settings


class KafkaSource(Source):
    """Consume a Kafka topic in a consumer group; commit after the sink write."""

    def __init__(self, url: StreamURL) -> None:
        kafka = require("confluent_kafka", "A Kafka source")
        self.name = url.text
        self._kafka = kafka
        self._consumer = kafka.Consumer(kafka_settings(
            url, **{"group.id": url.query.get("group", "jupyter-ad"),
                    "enable.auto.commit": False, "auto.offset.reset": "earliest",
                    # bounded prefetch: a slow sink pauses consumption, memory stays bounded
                    "queued.max.messages.kbytes": 8192, "enable.partition.eof": False}))
        self._consumer.subscribe([url.name])

    def read(self, max_events: int, timeout: float) -> Batch | None:
        """Up to ``max_events`` events (see :meth:`Source.read`)."""
        messages = self._consumer.consume(num_messages=max_events, timeout=0.1)
        if messages:
            deadline = time.perf_counter() + timeout
            while len(messages) < max_events:
                left = deadline - time.perf_counter()
                if left <= 0:
                    break
                more = self._consumer.consume(num_messages=max_events - len(messages),
                                              timeout=left)
                if not more:
                    break
                messages += more
        arrival = time.time()
        ids: list[str] = []
        records: list[dict[str, Any]] = []
        texts: list[Any] = []
        poison: list[Poison] = []
        times: list[float] = []
        offsets: dict[tuple[str, int], int] = {}
        for message in messages:
            error = message.error()
            if error is not None:
                if error.code() == self._kafka.KafkaError._PARTITION_EOF:
                    continue
                if error.fatal() or not error.retriable():
                    raise StreamError(f"{self.name}: {error.str()}")
                continue
            key = (message.topic(), message.partition())
            offsets[key] = max(offsets.get(key, -1), message.offset())
            event_id = f"{message.partition()}:{message.offset()}"
            event = decode_event(event_id, message.value())
            if isinstance(event, Poison):
                poison.append(event)
                continue
            ids.append(event_id)
            records.append(event)
            texts.append(message.value())
            kind, stamp = message.timestamp()
            times.append(stamp / 1000.0 if kind and stamp > 0 else arrival)
        return Batch(ids=ids, records=records, arrival=arrival, poison=poison, token=offsets,
                     event_times=np.asarray(times, dtype=np.float64), texts=texts)

    def ack(self, batch: Batch) -> None:
        """Commit ``batch`` (see :meth:`Source.ack`)."""
        if not batch.token:
            return
        offsets = [self._kafka.TopicPartition(topic, partition, offset + 1)
                   for (topic, partition), offset in batch.token.items()]
        try:
            self._consumer.commit(offsets=offsets, asynchronous=False)
        except self._kafka.KafkaException as exc:
            raise StreamError(f"{self.name}: the offsets could not be committed ({exc}).") from exc

    def close(self) -> None:
        """Flush and release what this holds."""
        self._consumer.close()
