"""The monitoring database: one SQLite file of records and feedback, safe for many processes.

Tables: ``records`` (one row per scoring call, or per aggregated window of single rows) and
``feedback`` (one row per labelled row: its score, the label the model gave, the true label).
SQLite in WAL mode lets a service, a stream consumer and a notebook write to the same file;
the file is created private (0600), as the model store is.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jupyter_ad.errors import ModelStoreError

__all__ = ["RECORD_COLUMNS", "add_feedback", "add_record", "connect", "now", "read_tables"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model TEXT NOT NULL, version INTEGER, time TEXT NOT NULL, source TEXT NOT NULL,
  calls INTEGER NOT NULL, rows INTEGER NOT NULL, anomalies INTEGER NOT NULL, anomaly_rate REAL,
  score_q50 REAL, score_q90 REAL, score_q99 REAL, score_max REAL, threshold REAL,
  drift REAL, drift_column TEXT, drift_columns TEXT, seconds REAL
);
CREATE INDEX IF NOT EXISTS records_by_model ON records (model, version, time);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id INTEGER, model TEXT NOT NULL, version INTEGER, time TEXT NOT NULL,
  row TEXT NOT NULL, score REAL, predicted INTEGER, label INTEGER NOT NULL, source TEXT,
  UNIQUE (model, version, record_id, row)
);
CREATE INDEX IF NOT EXISTS feedback_by_model ON feedback (model, version, time);
"""

RECORD_COLUMNS = ("id", "model", "version", "time", "source", "calls", "rows", "anomalies",
                  "anomaly_rate", "score_q50", "score_q90", "score_q99", "score_max",
                  "threshold", "drift", "drift_column", "drift_columns", "seconds")
_READY: set[Path] = set()  # databases set up by this process
_FEEDBACK_COLUMNS = ("id", "record_id", "model", "version", "time", "row", "score",
                     "predicted", "label", "source")


def now() -> str:
    """The current time, UTC, ISO 8601 with microseconds (records sort by it)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@contextlib.contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the database at ``path`` (created with its tables if missing)."""
    try:
        if not path.exists():
            _READY.discard(path)  # a new (or re-created) file needs its tables
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        conn = sqlite3.connect(path, timeout=30.0)
    except (OSError, sqlite3.Error) as exc:
        raise ModelStoreError(f"Cannot open the monitoring database {path}: {exc}. Set "
                              "[monitoring] path (or JUPYTER_AD_MONITORING_PATH) to a "
                              "writable file, or turn monitoring off with "
                              "JUPYTER_AD_MONITORING_ENABLED=false.") from exc
    try:
        if path not in _READY:  # WAL mode and the tables persist in the file: set up once
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            _READY.add(path)
        conn.execute("PRAGMA synchronous=NORMAL")
        with conn:
            yield conn
    except sqlite3.Error as exc:
        raise ModelStoreError(f"The monitoring database {path} failed: {exc}.") from exc
    finally:
        conn.close()


def add_record(path: Path, record: dict[str, Any]) -> int:
    """Append one record; returns its id."""
    values = dict(record)
    values["drift_columns"] = json.dumps(values.get("drift_columns") or {}, sort_keys=True)
    columns = [c for c in RECORD_COLUMNS if c != "id"]
    with connect(path) as conn:
        cur = conn.execute(
            f"INSERT INTO records ({', '.join(columns)}) VALUES "
            f"({', '.join('?' for _ in columns)})", [_plain(values.get(c)) for c in columns])
        return int(cur.lastrowid or 0)


def add_feedback(path: Path, rows: Sequence[dict[str, Any]]) -> int:
    """Insert labelled rows; a row already labelled for the same record is relabelled."""
    columns = [c for c in _FEEDBACK_COLUMNS if c != "id"]
    sql = (f"INSERT INTO feedback ({', '.join(columns)}) VALUES "
           f"({', '.join('?' for _ in columns)}) ON CONFLICT (model, version, record_id, row) "
           "DO UPDATE SET label = excluded.label, time = excluded.time, "
           "source = excluded.source")
    with connect(path) as conn:
        conn.executemany(sql, [[_plain(r.get(c)) for c in columns] for r in rows])
    return len(rows)


def read_tables(path: Path, model: str, version: int | None = None
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The records and feedback rows of ``model`` (one version or all), oldest first."""
    if not path.exists():
        return [], []
    where, args = "model = ?", list[Any]([model])
    if version is not None:
        where, args = where + " AND version = ?", [*args, version]
    with connect(path) as conn:
        conn.row_factory = sqlite3.Row
        records = [dict(r) for r in conn.execute(
            f"SELECT * FROM records WHERE {where} ORDER BY time, id", args)]
        feedback = [dict(r) for r in conn.execute(
            f"SELECT * FROM feedback WHERE {where} ORDER BY time, id", args)]
    for r in records:
        r["drift_columns"] = json.loads(r["drift_columns"] or "{}")
    return records, feedback


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value
