"""Counters and rates of a running stream (``stream.stats()``)."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

import numpy as np

__all__ = ["StreamStats"]


class StreamStats:
    """Thread-safe counters, recent latencies and a per-second history for the panel."""

    COUNTERS = ("read", "scored", "anomalies", "poison", "batches", "sink_errors",
                "source_errors", "drift_checks", "drift_events", "refits", "alerts_sent",
                "alerts_dropped", "alerts_failed", "redelivered")

    def __init__(self, history: int = 300) -> None:
        self._lock = threading.Lock()
        self.counts = dict.fromkeys(self.COUNTERS, 0)
        self._latency: deque[float] = deque(maxlen=2048)  # seconds, one per batch
        self._scoring: deque[float] = deque(maxlen=2048)
        self._recent: deque[tuple[float, int]] = deque(maxlen=64)  # (time, events scored)
        self.history: deque[dict[str, Any]] = deque(maxlen=history)  # one entry per second
        self._second = (0, 0, 0)  # (second, events, anomalies)
        self.started = time.time()
        self.status = "created"
        self.error = ""

    def add(self, **counts: int) -> None:
        """Add to counters (``scored=100, anomalies=2``)."""
        with self._lock:
            for key, value in counts.items():
                self.counts[key] += value

    def batch(self, n: int, anomalies: int, latency: float, scoring: float) -> None:
        """Record a scored batch."""
        now = time.time()
        with self._lock:
            self.counts["scored"] += n
            self.counts["anomalies"] += anomalies
            self.counts["batches"] += 1
            self._latency.append(latency)
            self._scoring.append(scoring)
            self._recent.append((now, self.counts["scored"]))
            second, events, flagged = self._second
            if int(now) != second:
                if events:
                    self.history.append({"t": second, "events": events, "anomalies": flagged,
                                         "rate": flagged / events})
                self._second = (int(now), n, anomalies)
            else:
                self._second = (second, events + n, flagged + anomalies)

    def events_per_second(self) -> float:
        """Events scored per second over the last few seconds."""
        with self._lock:
            recent = list(self._recent)
        if len(recent) < 2:
            return 0.0
        cutoff = recent[-1][0] - 5.0
        window = [r for r in recent if r[0] >= cutoff] or recent
        first, last = window[0], recent[-1]
        span = last[0] - first[0]
        return (last[1] - first[1]) / span if span > 0 else 0.0

    def snapshot(self) -> dict[str, Any]:
        """A plain dict: every counter, ``events_per_second``, latency percentiles (ms, per
        batch: from the first event read to the sink write), ``anomaly_rate``, ``status``.
        """
        with self._lock:
            counts = dict(self.counts)
            latency = np.asarray(self._latency) * 1000.0
            scoring = np.asarray(self._scoring) * 1000.0
        out: dict[str, Any] = dict(counts)
        out["events_per_second"] = round(self.events_per_second(), 1)
        for name, values in (("latency_ms", latency), ("scoring_ms", scoring)):
            out[f"{name}_p50"] = round(float(np.percentile(values, 50)), 3) if values.size else None
            out[f"{name}_p99"] = round(float(np.percentile(values, 99)), 3) if values.size else None
        out["anomaly_rate"] = counts["anomalies"] / counts["scored"] if counts["scored"] else 0.0
        out["uptime_s"] = round(time.time() - self.started, 3)
        out["status"] = self.status
        out["error"] = self.error
        return out
