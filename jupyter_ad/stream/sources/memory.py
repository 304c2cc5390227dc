"""In-process sources: Python iterables and async iterables of events (dicts, JSON text) or of
frames (DataFrames, whose rows are events).
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import AsyncIterable, Iterable, Iterator
from typing import Any

import pandas as pd

from jupyter_ad.stream.events import Batch, IdRange, Poison
from jupyter_ad.stream.sources.base import Source, decode_event

__all__ = ["AsyncIterableSource", "IterableSource"]

_END = object()


class IterableSource(Source):
    """Events from a Python iterable: dicts, JSON text, or DataFrames (rows are events).

    Event ids are the events' positions (``"0"``, ``"1"``, ...). The iterator is read in the
    stream's own thread; the time limit of a micro-batch is checked between events.
    """

    def __init__(self, events: Iterable[Any], name: str = "iterable") -> None:
        self._it: Iterator[Any] = iter(events)
        self._pending: Any = None  # the rest of a frame not yet handed out
        self._next_id = 0
        self._done = False
        self.name = name

    def _next(self) -> Any:
        if self._pending is not None:
            item, self._pending = self._pending, None
            return item
        return next(self._it, _END)

    def read(self, max_events: int, timeout: float) -> Batch | None:
        """Up to ``max_events`` events (see :meth:`Source.read`)."""
        if self._done:
            return None
        records: list[dict[str, Any]] = []
        poison: list[Poison] = []
        ids: list[str] = []
        arrival = 0.0
        deadline = float("inf")
        while len(ids) < max_events:
            item = self._next()
            if item is _END:
                self._done = True
                break
            now = time.time()
            if not arrival:
                arrival, deadline = now, time.perf_counter() + timeout
            if isinstance(item, pd.DataFrame):
                if records or poison:  # a frame starts a batch of its own
                    self._pending = item
                    break
                return self._frame_batch(item, max_events, arrival)
            event_id = str(self._next_id)
            self._next_id += 1
            ids.append(event_id)
            event = decode_event(event_id, item)
            if isinstance(event, Poison):
                poison.append(event)
                records.append({})
            else:
                records.append(event)
            if time.perf_counter() >= deadline:
                break
        if not ids and self._done:
            return None
        return _split(ids, records, poison, arrival)

    def _frame_batch(self, frame: pd.DataFrame, max_events: int, arrival: float) -> Batch:
        if len(frame) > max_events:
            frame, self._pending = frame.iloc[:max_events], frame.iloc[max_events:]
        start = self._next_id
        self._next_id += len(frame)
        return Batch(ids=IdRange(start, self._next_id), frame=frame, arrival=arrival)


class AsyncIterableSource(Source):
    """Events from an async iterable, run on an event loop in a thread of its own and handed
    over through a bounded queue (a slow stream pauses the iterable: backpressure).
    """

    def __init__(self, events: AsyncIterable[Any], *, buffer: int = 10_000,
                 name: str = "async iterable") -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=buffer)
        self._inner = IterableSource(self._drain(), name=name)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self.name = name
        self._thread = threading.Thread(target=self._pump, args=(events,), daemon=True,
                                        name="jupyter-ad-async-source")
        self._thread.start()

    def _pump(self, events: AsyncIterable[Any]) -> None:
        async def run() -> None:
            async for item in events:
                while not self._stop.is_set():
                    try:
                        self._queue.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        await asyncio.sleep(0)
                if self._stop.is_set():
                    return

        try:
            asyncio.run(run())
        except BaseException as exc:  # handed to the stream's thread
            self._error = exc
        finally:
            self._queue.put(_END)

    def _drain(self) -> Iterator[Any]:
        while True:
            item = self._queue.get()
            if item is _END:
                if self._error is not None:
                    raise self._error
                return
            yield item

    def read(self, max_events: int, timeout: float) -> Batch | None:
        """Up to ``max_events`` events (see :meth:`Source.read`)."""
        return self._inner.read(max_events, timeout)

    def close(self) -> None:
        """Flush and release what this holds."""
        self._stop.set()


def _split(ids: list[str], records: list[dict[str, Any]], poison: list[Poison],
           arrival: float) -> Batch:
    """A batch of the decodable events (poison set aside)."""
    if poison:
        bad = {p.event_id for p in poison}
        keep = [i for i, e in enumerate(ids) if e not in bad]
        ids = [ids[i] for i in keep]
        records = [records[i] for i in keep]
    return Batch(ids=ids, records=records, arrival=arrival, poison=poison)
