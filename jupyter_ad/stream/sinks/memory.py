"""In-process sinks: a list kept by the stream (``stream.results()``), a callable, a list."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

import pandas as pd

from jupyter_ad.stream.events import ScoredBatch
from jupyter_ad.stream.sinks.base import Sink

__all__ = ["CallbackSink", "ListSink", "MemorySink"]


class MemorySink(Sink):
    """Keep the scored batches in memory (at most ``max_events`` events: the oldest go)."""

    def __init__(self, max_events: int | None = 1_000_000) -> None:
        self.name = "memory"
        self.batches: deque[ScoredBatch] = deque()
        self.rows: deque[dict[str, Any]] = deque()
        self._n = 0
        self._max = max_events
        self._lock = threading.Lock()

    def write(self, batch: ScoredBatch) -> None:
        """Deliver the scored events (see :meth:`Sink.write`)."""
        with self._lock:
            self.batches.append(batch)
            self._n += len(batch)
            while self._max is not None and self._n - len(self.batches[0]) >= self._max:
                self._n -= len(self.batches.popleft())

    def write_dicts(self, rows: list[dict[str, Any]]) -> None:
        """Deliver plain dicts (see :meth:`Sink.write_dicts`)."""
        with self._lock:
            self.rows.extend(rows)
            while self._max is not None and len(self.rows) > self._max:
                self.rows.popleft()

    def frame(self) -> pd.DataFrame:
        """Every kept event as one DataFrame (input fields + output fields)."""
        with self._lock:
            batches = list(self.batches)
            rows = list(self.rows)
        parts = [b.to_frame() for b in batches] + ([pd.DataFrame(rows)] if rows else [])
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


class CallbackSink(Sink):
    """Call ``function(batch)`` with each :class:`ScoredBatch` (``.to_frame()``,
    ``.iter_dicts()``), or with a list of dicts for dead letters.
    """

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.name = getattr(function, "__name__", "callback")
        self._function = function

    def write(self, batch: ScoredBatch) -> None:
        """Deliver the scored events (see :meth:`Sink.write`)."""
        self._function(batch)

    def write_dicts(self, rows: list[dict[str, Any]]) -> None:
        """Deliver plain dicts (see :meth:`Sink.write_dicts`)."""
        self._function(rows)


class ListSink(Sink):
    """Append each scored event, as a dict, to a list."""

    def __init__(self, target: list[Any]) -> None:
        self.name = "list"
        self._target = target

    def write_dicts(self, rows: list[dict[str, Any]]) -> None:
        """Deliver plain dicts (see :meth:`Sink.write_dicts`)."""
        self._target.extend(rows)
