"""The one interface every source implements, and the helpers they share."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any

from jupyter_ad.stream.events import Batch, Poison

__all__ = ["Source", "decode_event"]

try:  # orjson (the ``stream`` extra) parses several times faster than json
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - json alone
    _fast_loads = None  # type: ignore[assignment]

_TEXTS = (bytes, bytearray, str)
_REFUSED = object()  # orjson refused the text (or is not installed)


class Source(ABC):
    """Where events come from.

    A source hands out micro-batches with :meth:`read` and is told with :meth:`ack` that the
    sink holds a batch; sources that can (Kafka, Redis Streams) only then commit, so an event
    read but not yet written is read again after a crash (at-least-once).
    """

    #: URL or short description, for messages and ``stats()``.
    name: str = "source"
    #: Events handed out again after a restart (Redis pending entries), for ``stats()``.
    redelivered: int = 0

    @abstractmethod
    def read(self, max_events: int, timeout: float) -> Batch | None:
        """Up to ``max_events`` events, waiting at most ``timeout`` seconds for the batch to
        fill once its first event is there; an empty batch when none came; ``None`` at the
        end of the stream.
        """

    def ack(self, batch: Batch) -> None:  # noqa: B027 - optional
        """The sink holds ``batch``: commit it (default: nothing to do)."""

    def close(self) -> None:  # noqa: B027 - optional
        """Release connections and threads."""


def decode_event(event_id: str, raw: Any) -> dict[str, Any] | Poison:
    """A JSON object (text or bytes) or a mapping as a dict, or a :class:`Poison` saying why
    not.

    Texts are parsed by orjson when it is installed; a text orjson refuses is parsed again by
    :func:`json.loads`, which decides (it also accepts ``NaN``, ``Infinity`` and numbers beyond
    the float range) and whose message is the poison's reason. With orjson an integer beyond
    64 bits is read as the nearest float (the value the model scores anyway).
    """
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, _TEXTS):
        value: Any = _REFUSED
        if _fast_loads is not None:
            try:
                value = _fast_loads(raw)
            except ValueError:
                value = _REFUSED  # json decides
        if value is _REFUSED:
            try:
                value = json.loads(raw.decode("utf-8") if isinstance(raw, bytes | bytearray)
                                   else raw)
            except (ValueError, UnicodeDecodeError) as exc:
                return Poison(event_id, f"not valid JSON: {exc}", raw)
        if isinstance(value, dict):
            return value
        return Poison(event_id, f"a JSON {type(value).__name__}, not an object", raw)
    return Poison(event_id, f"an event must be a mapping or a JSON object, got "
                            f"{type(raw).__name__}", raw)
