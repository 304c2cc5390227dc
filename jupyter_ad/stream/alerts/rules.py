"""Alert rules and the manager that applies them without ever blocking scoring.

Rules fire on anomalies (``on = "anomaly"``: label, score, confidence), on the anomaly rate
over the last ``window`` events (``on = "anomaly_rate"``) and on drift (``on = "drift"``).
Each rule de-duplicates (the same event, or the same condition, alerts once per ``dedupe_s``)
and is rate-limited (``max_per_minute``). Alerts wait in a bounded queue for a delivery
thread; when the queue is full they are dropped, counted and logged.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jupyter_ad.errors import ParameterError
from jupyter_ad.stream.alerts.channels import Channel, LogChannel

__all__ = ["AlertManager", "Rule"]

log = logging.getLogger("jupyter_ad.stream.alerts")
_KINDS = ("anomaly", "anomaly_rate", "drift")


@dataclass
class Rule:
    """One alert rule (see the module docstring); ``channels`` names channels (all if
    empty).
    """

    name: str
    on: str = "anomaly"
    min_score: float | None = None
    min_confidence: float | None = None
    window: int = 1000
    above: float = 0.05
    dedupe_s: float = 60.0
    max_per_minute: int = 10
    channels: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.on not in _KINDS:
            raise ParameterError(f"Alert rule {self.name!r}: 'on' must be one of "
                                 f"{', '.join(_KINDS)}, got {self.on!r}.")
        if self.window < 1 or not 0 <= self.above <= 1 or self.max_per_minute < 1:
            raise ParameterError(f"Alert rule {self.name!r}: window >= 1, 0 <= above <= 1 and "
                                 "max_per_minute >= 1 are required.")


class AlertManager:
    """Apply rules to scored batches and drift checks; deliver alerts in a thread."""

    def __init__(self, rules: list[Rule], channels: dict[str, Channel] | None = None, *,
                 queue_size: int = 1000, on_count: Callable[..., None] | None = None) -> None:
        self.rules = list(rules)
        self.channels = dict(channels or {"log": LogChannel()})
        for rule in self.rules:
            unknown = [c for c in rule.channels if c not in self.channels]
            if unknown:
                raise ParameterError(f"Alert rule {rule.name!r} names unknown channel(s) "
                                     f"{', '.join(map(repr, unknown))}; defined: "
                                     f"{', '.join(map(repr, self.channels))}.")
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue(maxsize=queue_size)
        self._seen: dict[tuple[str, str], float] = {}
        self._sent: dict[str, deque[float]] = {r.name: deque() for r in self.rules}
        self._rates: dict[str, deque[tuple[int, int]]] = {r.name: deque() for r in self.rules}
        self.log: deque[dict[str, Any]] = deque(maxlen=200)
        self.counts = {"sent": 0, "dropped": 0, "failed": 0, "suppressed": 0}
        self._on_count = on_count
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._deliver, daemon=True,
                                        name="jupyter-ad-alerts")
        self._thread.start()

    # -- rules --------------------------------------------------------------------------------
    def check_batch(self, ids: Any, score: np.ndarray, label: np.ndarray,
                    confidence: np.ndarray) -> None:
        """Apply the anomaly and anomaly-rate rules to a scored batch."""
        for rule in self.rules:
            if rule.on == "anomaly":
                hit = label == 1
                if rule.min_score is not None:
                    hit &= score >= rule.min_score
                if rule.min_confidence is not None:
                    hit &= confidence >= rule.min_confidence
                for i in np.flatnonzero(hit)[:100]:
                    self.emit(rule, str(ids[i]), f"event {ids[i]} scored {score[i]:.4g} "
                              f"(confidence {confidence[i]:.2f})",
                              {"event_id": str(ids[i]), "score": float(score[i]),
                               "confidence": float(confidence[i])})
            elif rule.on == "anomaly_rate":
                self._rate(rule, len(label), int(label.sum()))

    def _rate(self, rule: Rule, n: int, anomalies: int) -> None:
        window = self._rates[rule.name]
        window.append((n, anomalies))
        total = sum(b[0] for b in window)
        while window and total - window[0][0] >= rule.window:
            total -= window.popleft()[0]
        if total < rule.window:
            return
        rate = sum(b[1] for b in window) / total
        if rate > rule.above:
            self.emit(rule, "rate", f"anomaly rate {rate:.1%} over the last {total:,} events "
                      f"(above {rule.above:.1%})", {"rate": rate, "events": total})

    def check_drift(self, kind: str, message: str, details: dict[str, Any]) -> None:
        """Apply the drift rules to a drift finding (``kind``: features, scores, rate)."""
        for rule in self.rules:
            if rule.on == "drift":
                self.emit(rule, kind, message, {"drift": kind, **details})

    def emit(self, rule: Rule, key: str, message: str, details: dict[str, Any]) -> bool:
        """Queue an alert unless de-duplicated or rate-limited; ``True`` if queued."""
        now = time.time()
        with self._lock:
            last = self._seen.get((rule.name, key))
            sent = self._sent[rule.name]
            while sent and now - sent[0] > 60.0:
                sent.popleft()
            if (last is not None and now - last < rule.dedupe_s) or (
                    len(sent) >= rule.max_per_minute):
                self.counts["suppressed"] += 1
                return False
            self._seen[(rule.name, key)] = now
            if len(self._seen) > 10_000:  # bounded: forget the oldest keys
                for old in sorted(self._seen, key=self._seen.__getitem__)[:5_000]:
                    del self._seen[old]
            sent.append(now)
        alert = {"rule": rule.name, "kind": rule.on, "key": key, "message": message,
                 "time": now, **details}
        try:
            self._queue.put_nowait(alert)
        except queue.Full:
            self._count("dropped")
            log.warning("alert queue full: dropped %s: %s", rule.name, message)
            return False
        return True

    # -- delivery -----------------------------------------------------------------------------
    def _count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1
        if self._on_count is not None:
            self._on_count(what)

    def _deliver(self) -> None:
        while True:
            alert = self._queue.get()
            if alert is None:
                return
            rule = next(r for r in self.rules if r.name == alert["rule"])
            status = "sent"
            for name in rule.channels or list(self.channels):
                try:
                    self.channels[name].send(alert)
                except Exception as exc:  # a channel never stops the stream
                    status = f"failed ({name}: {type(exc).__name__}: {exc})"
                    log.warning("alert %s via %s failed: %s", rule.name, name, exc)
            self._count("sent" if status == "sent" else "failed")
            self.log.append({**alert, "status": status})

    def close(self, timeout: float = 10.0) -> None:
        """Deliver what is queued (for at most ``timeout`` seconds) and stop."""
        deadline = time.monotonic() + timeout
        while not self._queue.empty() and time.monotonic() < deadline:
            time.sleep(0.01)
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)
        self._thread.join(max(0.0, deadline - time.monotonic()))
