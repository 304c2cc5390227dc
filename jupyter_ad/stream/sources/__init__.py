"""Sources: where a stream's events come from, each a small plug-in behind :class:`Source`.

:func:`open_source` turns what a user gives (a URL, an iterable, an async iterable, a
DataFrame, a ``Source``) into a source; :data:`SOURCES` maps URL schemes to their factories
(a plug-in adds its own scheme there).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable
from typing import Any

import pandas as pd

from jupyter_ad.errors import ParameterError
from jupyter_ad.stream.sources.base import Source
from jupyter_ad.stream.urls import StreamURL, parse_url

__all__ = ["SOURCES", "Source", "open_source"]


def _jsonl(url: StreamURL) -> Source:
    from jupyter_ad.stream.sources.jsonl import JsonLinesSource

    return JsonLinesSource(None if url.scheme == "-" else url.name)


def _redis(url: StreamURL) -> Source:
    from jupyter_ad.stream.sources.redis_streams import RedisSource

    return RedisSource(url)


def _kafka(url: StreamURL) -> Source:
    from jupyter_ad.stream.sources.kafka import KafkaSource

    return KafkaSource(url)


#: URL scheme -> factory of a source.
SOURCES: dict[str, Callable[[StreamURL], Source]] = {
    "-": _jsonl, "jsonl": _jsonl, "redis": _redis, "kafka": _kafka,
}


def open_source(spec: Any) -> Source:
    """A :class:`Source` from a URL, an iterable or async iterable of events or frames, a
    DataFrame (its rows, in batches), or a ``Source``.
    """
    from jupyter_ad.stream.sources.memory import AsyncIterableSource, IterableSource

    if isinstance(spec, Source):
        return spec
    if isinstance(spec, str):
        url = parse_url(spec)
        if url.scheme not in SOURCES:
            raise ParameterError(f"{spec!r} cannot be a source; sources are "
                                 f"{', '.join(s + ':' if s != '-' else s for s in SOURCES)}.")
        return SOURCES[url.scheme](url)
    if isinstance(spec, pd.DataFrame):
        return IterableSource([spec], name="DataFrame")
    if isinstance(spec, AsyncIterable):
        return AsyncIterableSource(spec)
    if isinstance(spec, Iterable) and not isinstance(spec, bytes | dict):
        return IterableSource(spec)
    raise ParameterError(f"Cannot read events from a {type(spec).__name__}: give a URL "
                         "(kafka://, redis://, jsonl:, -), an iterable of dicts or DataFrames, "
                         "or an async iterable.")
