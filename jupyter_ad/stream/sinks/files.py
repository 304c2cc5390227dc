"""File sinks: JSON lines (``jsonl:PATH``, ``-`` for standard output) and Parquet
(``parquet:PATH``, one row group per batch).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, Any

from jupyter_ad.stream.events import ScoredBatch
from jupyter_ad.stream.sinks.base import Sink

__all__ = ["JsonLinesSink", "ParquetSink"]


class JsonLinesSink(Sink):
    """Append JSON lines to a file (or standard output), flushed after every batch."""

    def __init__(self, path: str | None) -> None:
        if path in (None, "-"):
            self._handle: IO[str] = sys.stdout
            self._own = False
            self.name = "stdout"
        else:
            file = Path(str(path)).expanduser()
            file.parent.mkdir(parents=True, exist_ok=True)
            self._handle = file.open("a", encoding="utf-8")
            self._own = True
            self.name = f"jsonl:{path}"

    def write(self, batch: ScoredBatch) -> None:
        """Deliver the scored events (see :meth:`Sink.write`)."""
        self._handle.write(batch.to_json_lines())
        self._flush()

    def write_dicts(self, rows: list[dict[str, Any]]) -> None:
        """Deliver plain dicts (see :meth:`Sink.write_dicts`)."""
        self._handle.write("".join(json.dumps(r, separators=(",", ":"), default=str) + "\n"
                                   for r in rows))
        self._flush()

    def _flush(self) -> None:
        self._handle.flush()
        if self._own:
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Flush and release what this holds."""
        if self._own:
            self._handle.close()
        else:
            self._handle.flush()


class ParquetSink(Sink):
    """Write a Parquet file, one row group per batch; the file is complete after ``close``
    (the stream closes it when it stops).
    """

    def __init__(self, path: str) -> None:
        self._path = Path(path).expanduser()
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._writer: Any = None
        self.name = f"parquet:{path}"

    def write(self, batch: ScoredBatch) -> None:
        """Deliver the scored events (see :meth:`Sink.write`)."""
        self._write_frame(batch.to_frame())

    def write_dicts(self, rows: list[dict[str, Any]]) -> None:
        """Deliver plain dicts (see :meth:`Sink.write_dicts`)."""
        import pandas as pd

        self._write_frame(pd.DataFrame(rows))

    def _write_frame(self, frame: Any) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._path, table.schema)
        else:
            table = table.cast(self._writer.schema)
        self._writer.write_table(table)

    def close(self) -> None:
        """Flush and release what this holds."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
