"""Redis Streams (``redis://HOST:PORT/DB/STREAM?group=G``): a consumer group, entries
acknowledged (XACK) only once the sink holds them, pending entries read again after a crash.

An entry holds the event's fields directly (numbers as text are read as numbers) or one field
``data`` with a JSON object. Query parameters: ``group`` (default ``jupyter-ad``), ``consumer``
(default ``jupyter-ad-HOSTNAME``: keep it across restarts so the entries a killed process left
pending are read again), ``claim_idle_ms`` (entries pending that long at another consumer are
claimed; default 60000), ``start`` (where a new group starts: ``0``, the default, or ``$``).

New entries are read one batch ahead: while the stream scores and writes a batch, a worker
thread reads (XREADGROUP) and decodes the next one. That batch is pending at this consumer
until acknowledged like any other, so a crash loses nothing (it is read again at restart) and
memory holds at most two batches.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from jupyter_ad.errors import StreamError
from jupyter_ad.stream._deps import require
from jupyter_ad.stream.events import Batch, Poison
from jupyter_ad.stream.sources.base import Source, decode_event
from jupyter_ad.stream.urls import StreamURL

__all__ = ["RedisSource", "connect", "entry_fields"]


def connect(url: StreamURL) -> Any:
    """A redis-py client for ``url`` (raw bytes replies)."""
    redis = require("redis", "A Redis Streams source or sink")
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # one quick retry (a dropped connection): longer outages are the stream's to wait out,
    # with its own backoff and counters
    return redis.Redis(host=url.host, port=url.port, db=url.db, socket_timeout=10,
                       socket_connect_timeout=5, retry=Retry(NoBackoff(), 1))


def entry_fields(fields: Sequence[bytes]) -> Any:
    """The event held by an entry, from its flat ``[field, value, field, value, ...]`` list
    (as Redis sends it): the JSON object of a lone ``data`` field, else the fields with numbers
    as text turned into numbers (a field given twice keeps its last value, as in a dict).
    """
    if len(fields) == 2 and fields[0] == b"data":
        return fields[1]
    out: dict[str, Any] = {}
    for k in range(0, len(fields) - 1, 2):
        key = fields[k].decode("utf-8", errors="replace")
        text = fields[k + 1].decode("utf-8", errors="replace")
        try:
            out[key] = float(text) if text.strip() else text
        except ValueError:
            out[key] = text
    if len(out) == 1 and "data" in out:  # ``data`` given more than once: the last one
        return fields[-1]
    return out


def _raw(response: Any, **options: Any) -> Any:
    """A redis-py response callback that leaves the reply as the parser gave it (nested
    lists of bytes): the stream walks the entries' flat field lists itself, instead of
    redis-py making a dict of each.
    """
    return response


def _entries(reply: Any) -> list[Any]:
    """The ``[id, fields]`` entries of an XREADGROUP reply on one stream: RESP2
    ``[[stream, entries]]``, RESP3 ``{stream: entries}``, or ``None`` (nothing came).
    """
    if not reply:
        return []
    if isinstance(reply, dict):
        return [entry for entries in reply.values() for entry in entries]
    return [entry for _, entries in reply for entry in entries]


class RedisSource(Source):
    """Read a Redis stream through a consumer group (at-least-once)."""

    def __init__(self, url: StreamURL) -> None:
        self._url = url
        self.name = url.text
        self._client = connect(url)
        for command in ("XREADGROUP", "XAUTOCLAIM"):  # raw replies (see _raw)
            self._client.set_response_callback(command, _raw)
        self._key = url.name
        self._group = url.query.get("group", "jupyter-ad")
        self._consumer = url.query.get("consumer", f"jupyter-ad-{socket.gethostname()}")
        self._claim_idle = int(url.query.get("claim_idle_ms", "60000"))
        self._pending_first = True  # own entries left pending by an earlier run come first
        self._last_claim = 0.0
        self.redelivered = 0
        self._worker: ThreadPoolExecutor | None = None  # reads the next batch ahead
        self._ahead: Future[Batch] | None = None
        redis = require("redis", "A Redis Streams source")
        self._errors = (redis.ConnectionError, redis.TimeoutError)
        try:
            self._client.xgroup_create(self._key, self._group, id=url.query.get("start", "0"),
                                       mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise StreamError(f"{self.name}: cannot create the consumer group: {exc}") from exc
        except self._errors as exc:
            raise StreamError(f"{self.name}: Redis cannot be reached ({exc}).") from exc

    def _xread(self, start: str, count: int, block_ms: int | None) -> list[Any]:
        try:
            reply = self._client.xreadgroup(self._group, self._consumer, {self._key: start},
                                            count=count, block=block_ms)
        except self._errors as exc:
            raise StreamError(f"{self.name}: Redis cannot be reached ({exc}).") from exc
        return _entries(reply)

    def _claim(self, count: int) -> list[Any]:
        now = time.monotonic()
        if now - self._last_claim < self._claim_idle / 2000:
            return []
        self._last_claim = now
        try:
            reply = self._client.xautoclaim(self._key, self._group, self._consumer,
                                            min_idle_time=self._claim_idle, count=count)
        except self._errors as exc:
            raise StreamError(f"{self.name}: Redis cannot be reached ({exc}).") from exc
        # [next id, entries, deleted ids]; Redis 6.2 sends no deleted ids and the deleted
        # entries among the others, with no fields
        return list(reply[1]) if reply else []

    def read(self, max_events: int, timeout: float) -> Batch | None:
        """Up to ``max_events`` events (see :meth:`Source.read`); once this consumer's own
        pending entries are done, the next batch is read ahead with the same ``max_events``
        and ``timeout`` (a stream passes the same ones every time).
        """
        if self._ahead is not None:  # read while the previous batch was scored
            ahead, self._ahead = self._ahead, None
            batch = ahead.result()  # a StreamError of the worker is raised here
        else:
            batch = self._read(max_events, timeout)
        if not self._pending_first:  # own pending entries are all done: read ahead
            if self._worker is None:
                self._worker = ThreadPoolExecutor(1, thread_name_prefix="jupyter-ad-redis")
            self._ahead = self._worker.submit(self._read, max_events, timeout)
        return batch

    def _read(self, max_events: int, timeout: float) -> Batch:
        entries: list[Any] = []
        if self._pending_first:
            entries = self._xread("0", max_events, None)
            if not entries:
                self._pending_first = False
            self.redelivered += len(entries)
        if not entries:
            entries = self._claim(max_events)
            self.redelivered += len(entries)
        if not entries:
            entries = self._xread(">", max_events, 100)
            deadline = time.perf_counter() + timeout
            while entries and len(entries) < max_events:
                left = int((deadline - time.perf_counter()) * 1000)
                if left < 1:
                    break
                more = self._xread(">", max_events - len(entries), left)
                if not more:
                    break
                entries += more
        arrival = time.time()
        return self._batch(entries, arrival)

    def _batch(self, entries: list[Any], arrival: float) -> Batch:
        ids: list[str] = []
        records: list[dict[str, Any]] = []
        texts: list[Any] = []
        poison: list[Poison] = []
        all_ids: list[bytes] = []
        times: list[float] = []
        for entry_id, fields in entries:
            all_ids.append(entry_id)
            event_id = entry_id.decode()
            if not fields:  # trimmed away while pending: nothing left to score
                continue
            raw = entry_fields(fields)
            event = decode_event(event_id, raw)
            if isinstance(event, Poison):
                poison.append(event)
                continue
            ids.append(event_id)
            records.append(event)
            texts.append(raw if isinstance(raw, bytes) else None)
            times.append(int(event_id.partition("-")[0]) / 1000.0)
        return Batch(ids=ids, records=records, arrival=arrival, poison=poison, token=all_ids,
                     event_times=np.asarray(times, dtype=np.float64), texts=texts)

    def ack(self, batch: Batch) -> None:
        """Commit ``batch`` (see :meth:`Source.ack`)."""
        if batch.token:
            try:
                self._client.xack(self._key, self._group, *batch.token)
            except self._errors as exc:
                raise StreamError(f"{self.name}: Redis cannot be reached ({exc}).") from exc

    def close(self) -> None:
        """Flush and release what this holds (a batch read ahead stays pending at this
        consumer: the next run reads it first).
        """
        if self._worker is not None:
            self._worker.shutdown(wait=True)
            self._worker, self._ahead = None, None
        self._client.close()

