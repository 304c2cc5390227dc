"""JSON lines from a file or standard input (``jsonl:PATH``, ``-``): one event per line, the
event id is the line number (from 1).
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from jupyter_ad.errors import DataFileError
from jupyter_ad.stream.events import Batch, Poison
from jupyter_ad.stream.sources.base import Source, decode_event

__all__ = ["JsonLinesSource"]

_END = object()


def _fd_lines(fd: int) -> Iterator[bytes]:
    """Lines read from a file descriptor with ``os.read`` (no buffered file object: a thread
    blocked in it does not hold the lock the interpreter needs at exit).
    """
    rest = b""
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            if rest:
                yield rest
            return
        rest += chunk
        *lines, rest = rest.split(b"\n")
        for line in lines:
            yield line + b"\n"


class JsonLinesSource(Source):
    """Events from JSON lines; blank lines are skipped, bad lines are poison.

    The file is read by a thread of its own into a bounded queue, so a micro-batch is
    flushed on time even while the input is idle (a pipe from another program).
    """

    def __init__(self, path: str | None, *, buffer: int = 10_000) -> None:
        if path in (None, "-"):
            handle: Iterable[bytes] = _fd_lines(sys.stdin.fileno())
            self.name = "stdin"
        else:
            file = Path(str(path)).expanduser()
            if not file.is_file():
                raise DataFileError(f"No JSON-lines file at {str(file)!r} (source "
                                    f"'jsonl:{path}').")
            handle = file.open("rb")
            self.name = f"jsonl:{path}"
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=buffer)
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._pump, args=(handle,), daemon=True,
                                        name="jupyter-ad-jsonl-source")
        self._thread.start()

    def _pump(self, handle: Iterable[bytes]) -> None:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                while not self._stop.is_set():
                    try:
                        self._queue.put((number, line), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
        finally:
            close = getattr(handle, "close", None)
            if close is not None:
                close()
            self._queue.put(_END)

    def read(self, max_events: int, timeout: float) -> Batch | None:
        """Up to ``max_events`` events (see :meth:`Source.read`)."""
        if self._done:
            return None
        ids: list[str] = []
        records: list[dict[str, Any]] = []
        texts: list[Any] = []
        poison: list[Poison] = []
        arrival = 0.0
        wait: float | None = 0.1  # idle: come back now and then (stop requests, periodic work)
        deadline = 0.0
        while len(ids) + len(poison) < max_events:
            try:
                item = self._queue.get(timeout=wait) if wait else self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _END:
                self._done = True
                break
            if not arrival:
                arrival = time.time()
                deadline = time.perf_counter() + timeout
            number, line = item
            line = line.strip()
            event = decode_event(str(number), line)
            if isinstance(event, Poison):
                poison.append(event)
            else:
                ids.append(str(number))
                records.append(event)
                texts.append(line)
            wait = max(0.0, deadline - time.perf_counter())
        if self._done and not ids and not poison:
            return None
        return Batch(ids=ids, records=records, arrival=arrival or time.time(), poison=poison,
                     texts=texts)

    def close(self) -> None:
        """Flush and release what this holds."""
        self._stop.set()
