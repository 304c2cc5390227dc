"""Windows of recent events, kept for drift checks and refits, in bounded memory.

A :class:`SlidingWindow` holds the last ``size`` events; a :class:`TumblingWindow` hands out
consecutive, non-overlapping groups of ``size`` events. Both keep events as they came (chunks
of records or frames) and build a DataFrame only when asked.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

import pandas as pd

from jupyter_ad.errors import ParameterError

__all__ = ["SlidingWindow", "TumblingWindow"]


def _frame(chunks: list[Any]) -> pd.DataFrame:
    parts = [c if isinstance(c, pd.DataFrame) else pd.DataFrame.from_records(c)
             for c in chunks]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _check(size: int) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ParameterError(f"A window size must be a whole number >= 1, got {size!r}.")
    return size


class SlidingWindow:
    """The last ``size`` events (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = _check(size)
        self._chunks: deque[Any] = deque()
        self._n = 0
        self.seen = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return min(self._n, self.size)

    def add(self, events: Any) -> None:
        """Add a chunk of events (a list of dicts or a DataFrame)."""
        n = len(events)
        if not n:
            return
        with self._lock:
            self._chunks.append(events)
            self._n += n
            self.seen += n
            while self._chunks and self._n - len(self._chunks[0]) >= self.size:
                self._n -= len(self._chunks.popleft())

    def frame(self) -> pd.DataFrame:
        """The window's events as a DataFrame (at most ``size`` rows, oldest first)."""
        with self._lock:
            chunks = list(self._chunks)
        frame = _frame(chunks)
        return frame.iloc[-self.size:].reset_index(drop=True) if len(frame) > self.size else frame


class TumblingWindow:
    """Consecutive groups of ``size`` events: :meth:`add` returns each full group."""

    def __init__(self, size: int) -> None:
        self.size = _check(size)
        self._chunks: list[Any] = []
        self._n = 0

    def add(self, events: Any) -> list[pd.DataFrame]:
        """Add events; the windows they complete, as DataFrames (often none)."""
        done: list[pd.DataFrame] = []
        if not len(events):
            return done
        self._chunks.append(events)
        self._n += len(events)
        while self._n >= self.size:
            frame = _frame(self._chunks)
            done.append(frame.iloc[: self.size].reset_index(drop=True))
            rest = frame.iloc[self.size:].reset_index(drop=True)
            self._chunks, self._n = ([rest] if len(rest) else []), len(rest)
        return done
