"""The one interface every sink implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from jupyter_ad.stream.events import ScoredBatch

__all__ = ["Sink"]


class Sink(ABC):
    """Where scored events (or dead letters) go.

    :meth:`write` returns only once the events are delivered (flushed, acknowledged by the
    broker): the source commits after it. A failure raises
    :class:`~jupyter_ad.errors.StreamError` (the stream retries it) or another error.
    """

    name: str = "sink"

    def write(self, batch: ScoredBatch) -> None:
        """Deliver the scored events of ``batch`` (default: as dicts)."""
        self.write_dicts(list(batch.iter_dicts()))

    @abstractmethod
    def write_dicts(self, rows: list[dict[str, Any]]) -> None:
        """Deliver plain JSON-ready dicts (dead letters use this)."""

    def close(self) -> None:  # noqa: B027 - optional
        """Flush and release."""
