"""Feedback labels sent to the service, kept for performance tracking.

One small interface, :meth:`FeedbackLog.record` ``(model_ref, labels, ids=..., rows=...)``, so
the monitoring history of the model store (issue 17, another branch) can take the records over:
until then they are appended as JSON lines to ``<folder>/<name>.jsonl`` (one line per labelled
row: time, model ``name@version``, request id, the client's row id or the row itself, its
score when the row was sent, and the label 1/0).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

__all__ = ["FeedbackLog"]


class FeedbackLog:
    """Append-only feedback records, one JSON-lines file per model name."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()

    def path(self, name: str) -> Path:
        """The file of model ``name`` (a valid store name: no path separators)."""
        return self.folder / f"{name}.jsonl"

    def record(self, model_ref: str, labels: Sequence[float], *,
               ids: Sequence[Any] | None = None, rows: Sequence[dict[str, Any]] | None = None,
               scores: Sequence[float] | None = None, request_id: str | None = None) -> int:
        """Keep one record per labelled row (missing labels are skipped); returns how many.

        Parameters
        ----------
        model_ref : str
            ``"name@version"`` of the model that was served.
        labels : sequence of float
            1.0 (anomaly), 0.0 (normal) or NaN (unknown), one per id or row.
        ids, rows : sequence, optional
            The client's row ids, or the rows themselves (one of the two).
        scores : sequence of float, optional
            The model's scores of ``rows``.
        """
        name = model_ref.partition("@")[0]
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        items = ids if ids is not None else rows or []
        lines = []
        for i, (item, label) in enumerate(zip(items, labels, strict=True)):
            if label != label:  # NaN: no label
                continue
            entry: dict[str, Any] = {"time": now, "model": model_ref, "request_id": request_id,
                                     "label": int(label)}
            entry["id" if ids is not None else "row"] = item
            if scores is not None:
                entry["score"] = float(scores[i])
            lines.append(orjson.dumps(entry) + b"\n")
        if lines:
            with self._lock:
                self.folder.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path(name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, b"".join(lines))
                finally:
                    os.close(fd)
        return len(lines)

    def read(self, name: str) -> list[dict[str, Any]]:
        """Every record of model ``name``, oldest first."""
        try:
            data = self.path(name).read_bytes()
        except FileNotFoundError:
            return []
        return [orjson.loads(line) for line in data.splitlines() if line.strip()]
