"""The tracker a model loaded from the store carries: it turns scoring calls into records.

The core calls two methods and nothing else: :meth:`Tracker.observe` after a batch call
(``score``, ``score_samples``, ``predict``, ``decision_function``) and :meth:`Tracker.observe_one`
after ``score_one``. A batch call writes one record (a few milliseconds of statistics and one
SQLite insert); single rows only append to a window, written as one record per
``flush_rows`` rows or ``flush_seconds`` (and when the process exits, or the history is read),
so ``score_one`` stays in the microseconds. Monitoring never breaks scoring: a failure to
record is a warning.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import threading
import time
import warnings
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from jupyter_ad.errors import JupyterADWarning
from jupyter_ad.monitoring import db
from jupyter_ad.monitoring.stats import batch_stats, reference_matrix

__all__ = ["Tracker", "scoring"]

#: (source, mode) of the scoring calls in the current context, mode None (one record per
#: call), "aggregate" (windows written when due), "collect" (written at the block's end or
#: when the caller flushes) or "off" (not recorded)
_SCOPE: contextvars.ContextVar[tuple[str | None, str | None]] = contextvars.ContextVar(
    "jupyter_ad_monitoring_scope", default=(None, None))
_SAMPLE_CAP = 50_000  # rows kept per window for quantiles and drift (counts stay exact)
_PENDING_ROWS = 4096  # single rows buffered before they join the window as one block
_LIVE: weakref.WeakSet[Tracker] = weakref.WeakSet()


@contextlib.contextmanager
def scoring(source: str | None = None, *, aggregate: bool | None = None,
            record: bool = True, collect: bool = False) -> Iterator[None]:
    """Label (and optionally aggregate) the records of the scoring calls made in this block.

    This is the one call the stream consumers and the scoring service need: every
    ``model.score(...)`` of a model loaded from the store records by itself; wrap the calls in
    ``with scoring("stream"):`` to mark their records, and pass ``aggregate=True`` to fold many
    small calls (one request, a few rows) into one record per ``flush_rows`` rows or
    ``flush_seconds``; ``collect=True`` folds them into one window written only when the
    caller flushes (``model.monitor.flush()``: a stream writes one per ``flush_seconds``);
    ``record=False`` leaves the block's calls out (a row scored again to explain it, or to
    store its label). Context-local: threads and async tasks keep their own.

    Examples
    --------
    >>> from jupyter_ad.monitoring import scoring
    >>> with scoring("service", aggregate=True):
    ...     pass  # model.score(rows) here
    """
    mode = ("off" if not record else "collect" if collect else "aggregate" if aggregate
            else None)
    token = _SCOPE.set((source, mode))
    try:
        yield
    finally:
        _SCOPE.reset(token)


class _Window:
    """Scoring calls folded into one record: exact counts, a bounded sample of rows."""

    def __init__(self, source: str) -> None:
        self.source, self.started = source, time.monotonic()
        self.calls = self.rows = self.anomalies = 0
        self.seconds, self.score_max, self.stride, self.offset = 0.0, -np.inf, 1, 0
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.kept = 0

    def add(self, matrix: np.ndarray, scores: np.ndarray, threshold: float, seconds: float,
            calls: int = 1) -> None:
        n = scores.size
        self.calls += calls
        self.rows += n
        self.seconds += seconds
        if n == 0:
            return
        self.anomalies += int((scores > threshold).sum())
        self.score_max = max(self.score_max, float(scores.max()))
        start = (-self.offset) % self.stride
        self.offset += n
        if start < n:  # copies: a window never holds the callers' whole matrices
            self.parts.append((matrix[start::self.stride].copy(),
                               scores[start::self.stride].copy()))
            self.kept += self.parts[-1][1].size
        while self.kept > _SAMPLE_CAP:  # keep every other row: the sample stays spread out
            self.parts = [(m[::2].copy(), s[::2].copy()) for m, s in self.parts]
            self.kept = sum(s.size for _, s in self.parts)
            self.stride *= 2

    def sample(self, width: int) -> tuple[np.ndarray, np.ndarray]:
        if not self.parts:
            return np.empty((0, width)), np.empty(0)
        return (np.vstack([m for m, _ in self.parts]),
                np.concatenate([s for _, s in self.parts]))


class Tracker:
    """Monitoring of one saved model version: records to ``path``, feedback, history.

    Built by :func:`jupyter_ad.monitoring.attach` (which :func:`jupyter_ad.load` calls); the
    model keeps it as ``model.monitor`` (never pickled with the model).

    Parameters
    ----------
    name, version : str, int
        The model version the records belong to.
    path : Path
        The SQLite file.
    flush_rows, flush_seconds : int, float
        When a window of single rows becomes a record.
    mlflow : dict, optional
        Where to log records in MLflow too (``{"tracking_uri", "name", "version"}``).
    """

    def __init__(self, name: str, version: int | None, path: Path, *, flush_rows: int = 1000,
                 flush_seconds: float = 60.0, mlflow: dict[str, Any] | None = None) -> None:
        self.name, self.version, self.path = name, version, Path(path)
        self.flush_rows, self.flush_seconds = int(flush_rows), float(flush_seconds)
        self.mlflow = mlflow
        self.enabled = True
        self.last_record: int | None = None
        self._lock = threading.Lock()
        self._windows: dict[str, _Window] = {}
        self._one_rows: list[np.ndarray] = []
        self._one_scores: list[float] = []
        self._one_seconds = 0.0
        self._one_started = time.monotonic()
        self._one_source = "one"
        self._reference: np.ndarray | None = None
        self._columns: list[str] | None = None
        self._results: weakref.WeakKeyDictionary[Any, tuple[int, dict[Any, int]]] = (
            weakref.WeakKeyDictionary())
        self._model: weakref.ReferenceType[Any] | None = None
        self._warned = False
        _LIVE.add(self)

    def __repr__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"Tracker({self.name}@{self.version}, {state}, {self.path})"

    def __getstate__(self) -> dict[str, Any]:  # pragma: no cover - models drop it first
        raise TypeError("A monitoring Tracker is not pickled; models drop it when saved.")

    # -- the two calls the core makes -------------------------------------------------------------
    def observe(self, model: Any, matrix: np.ndarray, scores: np.ndarray, seconds: float, *,
                result: Any = None, source: str = "batch") -> int | None:
        """Record one batch scoring call (or fold it into a window: see :func:`scoring`)."""
        if not self.enabled:
            return None
        scope_source, mode = _SCOPE.get()
        if mode == "off":
            return None
        source = scope_source or source
        try:
            scores = np.asarray(scores, dtype=np.float64)
            threshold = float(model.threshold_)
            if mode is not None:
                with self._lock:
                    window = self._windows.setdefault(source, _Window(source))
                    window.add(matrix, scores, threshold, seconds)
                    due = mode == "aggregate" and self._due(window)
                if due:
                    self.flush(model, sources=[source])
                return None
            window = _Window(source)
            window.add(matrix, scores, threshold, seconds)
            record = self._write(model, window)
            if result is not None and record is not None:
                with self._lock:
                    self._results[result] = (record, {})
            return record
        except Exception as exc:  # monitoring never breaks scoring
            self._warn(exc)
            return None

    def observe_one(self, model: Any, row: np.ndarray, score: float, seconds: float) -> None:
        """Add one ``score_one`` row to the window (microseconds; written when due)."""
        if not self.enabled:
            return
        source, mode = _SCOPE.get()
        if mode == "off":
            return
        source = source or "one"
        with self._lock:  # rows, scores and seconds move together (threads may share a model)
            if source != self._one_source:  # pending rows keep the source they were scored in
                self._move_one(model)
                self._one_source = source
            self._one_rows.append(row)
            self._one_scores.append(score)
            self._one_seconds += seconds
            pending = len(self._one_scores)
        if pending >= min(self.flush_rows, _PENDING_ROWS) or (
                time.monotonic() - self._one_started >= self.flush_seconds):
            self._drain_one(model)

    @contextlib.contextmanager
    def collect(self, source: str) -> Iterator[None]:
        """Fold every scoring call of the block into one record, written at its end (a
        Parquet file scored in batches is one record).
        """
        token = _SCOPE.set((source, "collect"))
        try:
            yield
        finally:
            _SCOPE.reset(token)
            model = self._model() if self._model else None
            if model is not None:
                self.flush(model, sources=[source])

    def history(self, *, all_versions: bool = True) -> Any:
        """Write what is pending (windows, feedback marks of live results), then return the
        history of this model's name (every version, or only this one).
        """
        from jupyter_ad.monitoring._history import build_history

        self.flush()
        self.sync_feedback()
        records, rows = db.read_tables(self.path, self.name,
                                       None if all_versions else self.version)
        return build_history(records, rows)

    # -- windows ----------------------------------------------------------------------------------
    def _due(self, window: _Window) -> bool:
        return window.rows >= self.flush_rows or (
            time.monotonic() - window.started >= self.flush_seconds)

    def _move_one(self, model: Any) -> _Window | None:
        """Move the buffered single rows into the window of their source (lock held)."""
        rows, scores, seconds = self._one_rows, self._one_scores, self._one_seconds
        self._one_rows, self._one_scores, self._one_seconds = [], [], 0.0
        self._one_started = time.monotonic()
        if not scores:
            return None
        source = self._one_source
        window = self._windows.setdefault(source, _Window(source))
        try:
            window.add(np.vstack(rows), np.asarray(scores), float(model.threshold_), seconds,
                       calls=len(scores))
        except Exception as exc:
            self._warn(exc)
            return None
        return window

    def _drain_one(self, model: Any) -> None:
        """Move the buffered single rows into their window; write it when due (unless the
        caller writes the windows itself: ``scoring(collect=True)``).
        """
        collect = _SCOPE.get()[1] == "collect"
        with self._lock:
            window = self._move_one(model)
            due = window is not None and not collect and self._due(window)
        if due and window is not None:
            self.flush(model, sources=[window.source])

    def flush_due(self, model: Any = None) -> list[int]:
        """Write the windows whose time (``flush_seconds``) or size (``flush_rows``) is up: a
        service or a stream calls this now and then, so a quiet window is written too.
        """
        model = model if model is not None else (self._model() if self._model else None)
        if model is None:
            return []
        with self._lock:
            if self._one_scores and (
                    time.monotonic() - self._one_started >= self.flush_seconds):
                self._move_one(model)
            due = [n for n, w in self._windows.items() if self._due(w)]
        return self.flush(model, sources=due) if due else []

    def flush(self, model: Any = None, *, sources: list[str] | None = None) -> list[int]:
        """Write the pending windows as records now; returns their ids."""
        model = model if model is not None else (self._model() if self._model else None)
        if model is None:
            return []
        if self._one_scores:
            self._drain_one_nowrite(model)
        with self._lock:
            names = list(self._windows) if sources is None else sources
            windows = [self._windows.pop(n) for n in names if n in self._windows]
        ids = []
        for window in windows:
            if window.rows:
                record = self._write(model, window)
                if record is not None:
                    ids.append(record)
        return ids

    def _drain_one_nowrite(self, model: Any) -> None:
        with self._lock:
            self._move_one(model)

    def _write(self, model: Any, window: _Window) -> int | None:
        try:
            if self._reference is None:
                self._reference = reference_matrix(model)
                self._columns = [model.source_column(j)
                                 for j in range(self._reference.shape[1])]
            width = self._reference.shape[1]
            matrix, scores = window.sample(width)
            stats = batch_stats(model, matrix, scores, self._reference, float(model.threshold_),
                                self._columns)
            stats.update(rows=window.rows, anomalies=window.anomalies,
                         anomaly_rate=window.anomalies / window.rows if window.rows else None,
                         score_max=window.score_max if window.rows else None)
            record = {"model": self.name, "version": self.version, "time": db.now(),
                      "source": window.source, "calls": window.calls,
                      "seconds": window.seconds, **stats}
            record_id = db.add_record(self.path, record)
            self.last_record = record_id
            if self._mlflow_wanted():
                from jupyter_ad.mlflow._monitor import log_record

                log_record(self.mlflow or {}, self.name, self.version, record_id, record)
            return record_id
        except Exception as exc:
            self._warn(exc)
            return None

    def _mlflow_wanted(self) -> bool:
        from jupyter_ad.monitoring.settings import monitoring_settings

        mode = monitoring_settings()["mlflow"]
        return mode == "on" or (mode == "auto" and self.mlflow is not None)

    def _warn(self, exc: Exception) -> None:
        if not self._warned:
            self._warned = True
            warnings.warn(f"Monitoring of {self.name}@{self.version} could not record: {exc} "
                          "(scoring is unaffected; JUPYTER_AD_MONITORING_ENABLED=false turns "
                          "monitoring off).", JupyterADWarning, stacklevel=3)

    # -- feedback ---------------------------------------------------------------------------------
    def sync_feedback(self) -> int:
        """Store the ``feedback`` marks of this model's results still in memory (the panel's,
        ``res.feedback[...] = 1``); returns the number of rows written.
        """
        written = 0
        for result, (record, seen) in list(self._results.items()):
            marks = dict(getattr(result, "feedback", {}) or {})
            changed = {k: v for k, v in marks.items() if seen.get(k) != v}
            if not changed:
                continue
            rows = feedback_rows(result, changed, record=record, name=self.name,
                                 version=self.version, source="result")
            written += db.add_feedback(self.path, rows)
            self._results[result] = (record, marks)
        return written


def feedback_rows(result: Any, marks: dict[Any, Any], *, record: int | None, name: str,
                  version: int | None, source: str) -> list[dict[str, Any]]:
    """Feedback rows (score, given label, true label) of ``result``'s rows named in ``marks``."""
    from jupyter_ad.evaluate.labels import label_values

    index = result.data.index
    keys = list(marks)
    truth = label_values(np.asarray([marks[k] for k in keys], dtype=object))
    labels = result.labels
    out = []
    stamp = db.now()
    for key, value in zip(keys, truth, strict=True):
        if np.isnan(value):
            continue
        position = key if key not in index and isinstance(key, int | np.integer) else (
            index.get_loc(key))
        if not isinstance(position, int | np.integer):
            continue  # duplicated index labels: ambiguous, skipped
        out.append({"record_id": record, "model": name, "version": version, "time": stamp,
                    "row": str(key), "score": float(result.scores[position]),
                    "predicted": int(labels[position]), "label": int(value), "source": source})
    return out


@atexit.register
def _flush_all() -> None:  # pragma: no cover - runs at interpreter exit
    for tracker in list(_LIVE):
        with contextlib.suppress(Exception):
            tracker.flush()
