"""Scoring a micro-batch through the model's batch path, with the same scores, labels and
confidences as ``model.score`` gives for the same rows.

A monitored model (loaded from the store) has each scored batch added to its tracker's
``stream`` window (:meth:`~jupyter_ad.monitoring.Tracker.observe`, as ``model.score`` does);
the :class:`~jupyter_ad.stream.runner.stream.Stream` writes the window as one record per
``flush_seconds`` and when it ends.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.data.row_transform import RecordsTransformer
from jupyter_ad.errors import JupyterADError
from jupyter_ad.stream.events import Batch, Poison, ScoredBatch

__all__ = ["BatchScorer"]


class BatchScorer:
    """Score batches of events with one fitted model.

    Frames of numbers go straight into the batch path's matrix; row mappings become one
    matrix (:class:`~jupyter_ad.data.row_transform.RecordsTransformer`); an event that cannot
    be preprocessed becomes :class:`~jupyter_ad.stream.events.Poison` with the reason, and
    the others are scored. Confidence (ExCeeD) comes from a table of the model's training
    scores computed once: the same values as ``DetectionResult.confidence``.
    """

    def __init__(self, model: Any, version: str, *, extra_fields: str = "ignore") -> None:
        from scipy.stats import binom

        self.model = model
        self.version = version
        self.tracker = model.__dict__.get("_monitor")  # None: not monitored
        self._start = 0.0
        self.extra = extra_fields
        pre = model.preprocessor_
        self._pre = pre
        self._records = RecordsTransformer(pre)
        self._columns = list(pre.kinds_)
        self._detector = model.detector_
        self.threshold = float(model.threshold_)
        train = model.train_scores_sorted_
        self._train = train
        n = train.size
        n_anomalous = n - int(np.searchsorted(train, self.threshold, side="right"))
        posterior = (1.0 + np.arange(n + 1)) / (2.0 + n)
        self._p_anomaly = np.asarray(binom.sf(n - max(n_anomalous, 1), n, posterior))

    def score_matrix(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(score, label, confidence)`` of preprocessed rows."""
        score = self._detector._score_validated(matrix)
        label = (score > self.threshold).astype(np.int64)
        p = self._p_anomaly[np.searchsorted(self._train, score, side="right")]
        confidence = np.clip(np.where(label == 1, p, 1.0 - p), 0.0, 1.0)
        return score, label, confidence

    def rank(self, score: np.ndarray) -> np.ndarray:
        """Share of training scores at or below each score (in [0, 1]; drift of scores)."""
        return np.searchsorted(self._train, score, side="right") / max(self._train.size, 1)

    def score(self, batch: Batch) -> tuple[ScoredBatch | None, list[Poison], Any]:
        """The scored events, the poison among them, and the events' input rows (a frame or
        the list of records) for the windows.
        """
        poison = list(batch.poison)
        self._start = time.perf_counter()
        if batch.frame is not None and len(batch.frame):
            matrix = self._frame_matrix(batch.frame)
            if matrix is not None:
                return self._scored(batch, batch.frame, None, matrix, batch.ids), poison, \
                    batch.frame
            records: list[dict[str, Any]] = batch.frame.to_dict("records")
        else:
            records = list(batch.records or [])
        if not records:
            return None, poison, None
        matrix, good, bad = self._records.transform(records, extra_columns=self.extra)
        ids = batch.ids
        if bad:
            poison += [Poison(ids[i], reason, records[i]) for i, reason in bad.items()]
            records = [records[i] for i in good]
            ids = [ids[i] for i in good]
            times = batch.event_times[good] if batch.event_times is not None and len(
                batch.event_times) else None
            texts = [batch.texts[i] for i in good] if batch.texts is not None else None
            batch = Batch(ids=ids, records=records, event_times=times, arrival=batch.arrival,
                          texts=texts)
        if not records:
            return None, poison, None
        return self._scored(batch, None, records, matrix, ids), poison, records

    def _frame_matrix(self, frame: pd.DataFrame) -> np.ndarray | None:
        """The preprocessed matrix of a frame through the batch path, or ``None`` when a row
        is bad (the rows are then taken one by one to find it).
        """
        try:
            if self._records.numeric and self.extra == "ignore" and all(
                    c in frame.columns and frame[c].dtype.kind in "fiu" for c in self._columns):
                raw = frame[self._columns].to_numpy(dtype=np.float64)
                return np.asarray(self._pre._impute_scale(raw, None))
            _, matrix, _ = self.model.preprocess(frame, extra_columns=self.extra)
            return np.asarray(matrix)
        except (JupyterADError, ValueError, KeyError, TypeError):
            return None

    def _scored(self, batch: Batch, frame: pd.DataFrame | None,
                records: list[dict[str, Any]] | None, matrix: np.ndarray,
                ids: Any) -> ScoredBatch:
        score, label, confidence = self.score_matrix(matrix)
        if self.tracker is not None:  # folded into the stream's window (never raises)
            self.tracker.observe(self.model, matrix, score, time.perf_counter() - self._start,
                                 source="stream")
        now = time.time()
        times = batch.event_times
        if times is None or len(times) != len(score):
            times = np.full(len(score), batch.arrival or now)
        return ScoredBatch(ids=ids, score=score, label=label, confidence=confidence,
                           model_version=self.version, event_time=times, processing_time=now,
                           records=records, frame=frame,
                           texts=batch.texts if records is not None else None)
