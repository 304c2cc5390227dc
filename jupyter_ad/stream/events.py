"""What flows through a stream: a micro-batch of events read from a source, and the same
events scored.

Events are kept as the source delivers them: row mappings (``records``, from JSON lines,
Redis or Kafka) or one DataFrame (``frame``, from an in-process source of frames), so that
neither kind is converted into the other on the hot path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["OUTPUT_FIELDS", "Batch", "IdRange", "Poison", "ScoredBatch"]

#: Fields a scored event carries besides its own.
OUTPUT_FIELDS = ("event_id", "score", "label", "confidence", "model_version", "event_time",
                 "processing_time")
_OUTPUT_SET = frozenset(OUTPUT_FIELDS)

try:  # orjson (the ``stream`` extra) formats a batch's numbers in one call
    import orjson as _orjson
except ImportError:  # pragma: no cover - repr, one by one
    _orjson = None  # type: ignore[assignment]


class IdRange(Sequence[str]):
    """The event ids ``"start" .. "stop - 1"`` of a frame's rows, made into text only when
    used (a frame of many events needs no list of ids on the hot path).
    """

    def __init__(self, start: int, stop: int) -> None:
        self.start, self.stop = start, stop

    def __len__(self) -> int:
        return self.stop - self.start

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [str(i) for i in range(self.start, self.stop)[index]]
        return str(range(self.start, self.stop)[index])


@dataclass
class Poison:
    """An event that cannot be scored, and why (it goes to the dead-letter sink)."""

    event_id: str
    reason: str
    raw: Any = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form: ``event_id``, ``reason``, ``raw`` (the event as received)."""
        raw = self.raw
        if isinstance(raw, bytes | bytearray):
            raw = raw.decode("utf-8", errors="replace")
        return {"event_id": self.event_id, "reason": self.reason, "raw": _plain(raw)}


@dataclass
class Batch:
    """Events read from a source in one go.

    Attributes
    ----------
    ids : list of str
        The source's own id of each event (Redis entry id, Kafka ``partition:offset``, line
        number), in order.
    records : list of dict, optional
        The events as mappings; or
    frame : DataFrame, optional
        the events as the rows of one frame.
    event_times : ndarray, optional
        Event time of each event (seconds since the epoch) when the source knows it.
    arrival : float
        When the first event of the batch was read (``time.time()``).
    poison : list of Poison
        Events the source could not even decode (bad JSON).
    token : object
        Whatever the source needs to acknowledge the batch.
    """

    ids: Sequence[str]
    records: list[dict[str, Any]] | None = None
    frame: pd.DataFrame | None = None
    event_times: np.ndarray | None = None
    arrival: float = 0.0
    poison: list[Poison] = field(default_factory=list)
    token: Any = None
    texts: list[Any] | None = None  # the JSON text each record was decoded from, if any

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class ScoredBatch:
    """Scored events: the input fields plus ``event_id``, ``score``, ``label``,
    ``confidence``, ``model_version``, ``event_time`` and ``processing_time``.
    """

    ids: Sequence[str]
    score: np.ndarray
    label: np.ndarray
    confidence: np.ndarray
    model_version: str
    event_time: np.ndarray
    processing_time: float
    records: list[dict[str, Any]] | None = None
    frame: pd.DataFrame | None = None
    texts: list[Any] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def json_rows(self) -> list[str]:
        """Each scored event as one JSON object (text); see :meth:`json_bytes`."""
        return [row.decode("utf-8") for row in self.json_bytes()]

    def json_bytes(self) -> list[bytes]:
        """Each scored event as one JSON object (UTF-8 bytes, what brokers are sent).

        An event that arrived as JSON text keeps it: the output fields are appended to the
        object as received (no second encoding of its fields), unless it already has a field
        of the same name. The numbers of a batch are formatted in one call (orjson when
        installed); a number that is not finite is written ``null``.
        """
        if self.texts is None or self.records is None:
            return [json.dumps(d, separators=(",", ":"), default=str).encode()
                    for d in self.iter_dicts()]
        if not len(self):
            return []
        ids = list(self.ids)
        quoted = _json_strings(ids)
        score, conf = _json_numbers(self.score), _json_numbers(self.confidence)
        times, label = _json_numbers(self.event_time), self.label.tolist()
        tail = (f',"model_version":{json.dumps(self.model_version)},"processing_time":'
                f'{json.dumps(_plain(self.processing_time))}}}').encode()
        head = b'%s%s"event_id":"%s","score":%s,"label":%d,"confidence":%s,"event_time":%s%s'
        out: list[bytes] = []
        for i, (text, row, key, s, flag, c, t) in enumerate(zip(
                self.texts, self.records, quoted, score, label, conf, times, strict=True)):
            if text is not None and _OUTPUT_SET.isdisjoint(row):
                body = (text if type(text) is bytes else bytes(text) if isinstance(
                    text, bytearray) else str(text).encode("utf-8", errors="replace")).rstrip()
                if body.endswith(b"}"):
                    body = body[:-1].rstrip()
                    out.append(head % (body, b"" if body.endswith(b"{") else b",", key, s, flag,
                                       c, t, tail))
                    continue
            plain = {k: _plain(v) for k, v in row.items()}
            plain.update(event_id=ids[i], score=_plain(float(self.score[i])), label=flag,
                         confidence=_plain(float(self.confidence[i])),
                         model_version=self.model_version,
                         event_time=_plain(float(self.event_time[i])),
                         processing_time=self.processing_time)
            out.append(json.dumps(plain, separators=(",", ":"), default=str).encode())
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per event: its fields, then the output fields."""
        base = (self.frame.reset_index(drop=True) if self.frame is not None
                else pd.DataFrame.from_records(self.records or [], index=range(len(self))))
        base = base.drop(columns=[c for c in OUTPUT_FIELDS if c in base.columns])
        out = base.assign(event_id=list(self.ids), score=self.score, label=self.label,
                          confidence=self.confidence, model_version=self.model_version,
                          event_time=self.event_time, processing_time=self.processing_time)
        return out

    def iter_dicts(self) -> Iterator[dict[str, Any]]:
        """Each scored event as a plain, JSON-ready dict."""
        rows: Any = (self.records if self.records is not None
                     else self.frame.to_dict("records") if self.frame is not None
                     else [{} for _ in self.ids])
        score, label, conf = self.score.tolist(), self.label.tolist(), self.confidence.tolist()
        times = self.event_time.tolist()
        ids = list(self.ids)
        for i, row in enumerate(rows):
            out = {k: _plain(v) for k, v in row.items()}
            out.update(event_id=ids[i], score=score[i], label=label[i],
                       confidence=conf[i], model_version=self.model_version,
                       event_time=times[i], processing_time=self.processing_time)
            yield out

    def to_json_lines(self) -> str:
        """The events as JSON lines (one object per line, each line ending in a newline)."""
        return b"".join(row + b"\n" for row in self.json_bytes()).decode("utf-8")


def _json_strings(values: list[str]) -> list[bytes]:
    """The JSON string of each value, without its quotes (UTF-8)."""
    joined = "".join(values)
    if joined.isprintable() and '"' not in joined and "\\" not in joined:
        return [value.encode("utf-8") for value in values]  # nothing to escape
    return [json.dumps(value)[1:-1].encode() for value in values]


def _json_numbers(values: np.ndarray) -> list[bytes]:
    """The JSON number of each value (shortest text that reads back the same float;
    ``null`` when not finite), formatted in one call when orjson is installed.
    """
    array = np.ascontiguousarray(values, dtype=np.float64).ravel()
    if not array.size:
        return []
    if _orjson is not None:
        return _orjson.dumps(array, option=_orjson.OPT_SERIALIZE_NUMPY)[1:-1].split(b",")
    return [repr(v).encode() if math.isfinite(v) else b"null" for v in array.tolist()]


def _plain(value: Any) -> Any:
    """A JSON-friendly version of a value from a frame or a record."""
    if isinstance(value, str | int | bool) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is pd.NaT:
        return None
    return str(value)
