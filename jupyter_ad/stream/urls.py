"""Source and sink URLs: ``kafka://BROKERS/TOPIC?group=G``, ``redis://HOST:PORT/DB/STREAM?group=G``,
``jsonl:PATH``, ``parquet:PATH`` (sinks), ``-`` (standard input or output).

>>> u = parse_url("redis://127.0.0.1:6390/0/events?group=ad")
>>> u.scheme, u.host, u.port, u.db, u.name, u.query["group"]
('redis', '127.0.0.1', 6390, 0, 'events', 'ad')
>>> parse_url("kafka://b1:9092,b2:9092/payments?group=fraud").host
'b1:9092,b2:9092'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from jupyter_ad.errors import ParameterError

__all__ = ["SCHEMES", "StreamURL", "parse_url"]

SCHEMES = ("kafka", "redis", "jsonl", "parquet", "-")


@dataclass(frozen=True)
class StreamURL:
    """A parsed source or sink URL."""

    scheme: str
    host: str = ""
    port: int | None = None
    db: int = 0
    name: str = ""  # the topic, the stream key or the path
    query: dict[str, str] = field(default_factory=dict)
    text: str = ""


def parse_url(text: str) -> StreamURL:
    """Parse a source/sink URL; a malformed one raises :class:`ParameterError` with an
    example of each accepted form.
    """
    text = text.strip()
    examples = ("kafka://BROKERS/TOPIC?group=G, redis://HOST:PORT/DB/STREAM?group=G, "
                "jsonl:PATH, parquet:PATH or - (standard input/output)")
    if text == "-":
        return StreamURL("-", text=text)
    scheme, sep, rest = text.partition(":")
    scheme = scheme.lower()
    if not sep or scheme not in SCHEMES:
        raise ParameterError(f"Unknown stream URL {text!r}: use {examples}.")
    if scheme in ("jsonl", "parquet"):
        path = rest[2:] if rest.startswith("//") else rest
        if not path:
            raise ParameterError(f"{text!r} names no file: write {scheme}:PATH.")
        return StreamURL(scheme, name=path, text=text)
    parts = urlsplit(text)
    query = dict(parse_qsl(parts.query))
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if scheme == "kafka":
        if not parts.netloc or len(segments) != 1:
            raise ParameterError(f"{text!r}: a Kafka URL is kafka://BROKERS/TOPIC?group=G "
                                 "(brokers separated by commas).")
        return StreamURL("kafka", host=parts.netloc, name=segments[0], query=query, text=text)
    if len(segments) == 1:
        segments = ["0", segments[0]]
    if len(segments) != 2 or not segments[0].isdigit():
        raise ParameterError(f"{text!r}: a Redis URL is redis://HOST:PORT/DB/STREAM?group=G "
                             "(e.g. redis://127.0.0.1:6379/0/events?group=ad).")
    try:
        port = parts.port or 6379
    except ValueError:
        raise ParameterError(f"{text!r}: the port must be a number.") from None
    return StreamURL("redis", host=parts.hostname or "127.0.0.1", port=port,
                     db=int(segments[0]), name=segments[1], query=query, text=text)
