"""Sinks: where scored events and dead letters go, each a small plug-in behind :class:`Sink`.

:func:`open_sink` turns what a user gives (a URL, ``None`` for memory, a list, a callable, a
``Sink``) into a sink; :data:`SINKS` maps URL schemes to factories.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jupyter_ad.errors import ParameterError
from jupyter_ad.stream.sinks.base import Sink
from jupyter_ad.stream.urls import StreamURL, parse_url

__all__ = ["SINKS", "Sink", "open_sink"]


def _jsonl(url: StreamURL) -> Sink:
    from jupyter_ad.stream.sinks.files import JsonLinesSink

    return JsonLinesSink(None if url.scheme == "-" else url.name)


def _parquet(url: StreamURL) -> Sink:
    from jupyter_ad.stream.sinks.files import ParquetSink

    return ParquetSink(url.name)


def _redis(url: StreamURL) -> Sink:
    from jupyter_ad.stream.sinks.brokers import RedisSink

    return RedisSink(url)


def _kafka(url: StreamURL) -> Sink:
    from jupyter_ad.stream.sinks.brokers import KafkaSink

    return KafkaSink(url)


#: URL scheme -> factory of a sink.
SINKS: dict[str, Callable[[StreamURL], Sink]] = {
    "-": _jsonl, "jsonl": _jsonl, "parquet": _parquet, "redis": _redis, "kafka": _kafka,
}


def open_sink(spec: Any) -> Sink:
    """A :class:`Sink` from a URL, ``None`` (kept in memory), a list, a callable or a
    ``Sink``.
    """
    from jupyter_ad.stream.sinks.memory import CallbackSink, ListSink, MemorySink

    if spec is None:
        return MemorySink()
    if isinstance(spec, Sink):
        return spec
    if isinstance(spec, str):
        url = parse_url(spec)
        return SINKS[url.scheme](url)
    if isinstance(spec, list):
        return ListSink(spec)
    if callable(spec):
        return CallbackSink(spec)
    raise ParameterError(f"Cannot write events to a {type(spec).__name__}: give a URL "
                         "(kafka://, redis://, jsonl:, parquet:, -), a list, a function, or "
                         "None to keep them in memory.")
