"""The :class:`Stream`: read micro-batches, score them, write them, acknowledge them.

One loop in one thread does everything that touches events, in this order for each batch:
read (at most ``batch_size`` events, at most ``max_latency_ms`` of waiting once the first is
there), score, write to the sink, write the poison to the dead-letter sink, acknowledge to
the source. A sink that fails is retried with backoff before anything else is read, so a
slow or broken sink pauses consumption (backpressure) and nothing is acknowledged that the
sink does not hold (at-least-once). Drift checks, alerts and refits hang off the loop
without blocking it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from jupyter_ad.errors import StreamError
from jupyter_ad.stream.alerts.rules import AlertManager
from jupyter_ad.stream.buffers.window import SlidingWindow
from jupyter_ad.stream.drift.monitor import DriftMonitor
from jupyter_ad.stream.events import Batch, Poison, ScoredBatch
from jupyter_ad.stream.refit.policy import RefitPolicy, Refitter
from jupyter_ad.stream.runner.scoring import BatchScorer
from jupyter_ad.stream.runner.stats import StreamStats
from jupyter_ad.stream.sinks.base import Sink
from jupyter_ad.stream.sources.base import Source

__all__ = ["Stream"]

log = logging.getLogger("jupyter_ad.stream")


class _Stopped(Exception):
    """Stop requested while waiting for a failing sink."""


class Stream:
    """A running stream (built by :func:`jupyter_ad.stream`): ``start``, ``stop``,
    ``stats()``, ``results()``, ``panel()``; a context manager that stops on exit.
    """

    def __init__(self, source: Source, model: Any, sink: Sink, *, settings: dict[str, Any],
                 version: str = "in-memory", model_name: str | None = None,
                 dead_letter: Sink | None = None, alerts: AlertManager | None = None,
                 reference: Any = None, store: Any = None) -> None:
        self.source, self.sink, self.dead_letter = source, sink, dead_letter
        self.settings = dict(settings)
        self.model = model
        self.version = version
        self._scorer = BatchScorer(model, version, extra_fields=settings["extra_fields"])
        self._stats = StreamStats()
        self.alerts = alerts
        self.window = SlidingWindow(int(settings["buffer_size"]))
        self.drift = DriftMonitor(model, reference)
        self.policy = RefitPolicy(int(settings["refit_every"]), bool(settings["refit_on_drift"]))
        self.refitter = Refitter(model_name, store)
        self.anomalies: deque[dict[str, Any]] = deque(maxlen=50)
        self.dead_letters: deque[dict[str, Any]] = deque(maxlen=100)
        self.events: deque[tuple[str, str]] = deque(maxlen=100)  # (kind, sentence) log
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._since_drift = 0
        self._since_refit = 0
        self._drifted: list[str] = []
        self._listeners: list[Callable[[Stream], None]] = []
        self._closed = False
        self._monitor_written = time.monotonic()

    # -- control ------------------------------------------------------------------------------
    def start(self) -> Stream:
        """Run in a background thread (the notebook stays free); returns ``self``."""
        if self._thread is None:
            self._thread = threading.Thread(target=self.run, daemon=True,
                                            name="jupyter-ad-stream")
            self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> dict[str, Any]:
        """Finish the batch in hand (write, acknowledge), close, and return ``stats()``."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        return self.stats()

    def join(self, timeout: float | None = None) -> dict[str, Any]:
        """Wait until the source is exhausted (or ``timeout``); returns ``stats()``."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.stats()

    @property
    def running(self) -> bool:
        """Whether the loop is running."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> Stream:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stats(self) -> dict[str, Any]:
        """Counters, events per second, latency percentiles, status, model version."""
        out = self._stats.snapshot()
        out["redelivered"] = int(getattr(self.source, "redelivered", 0))
        out["model_version"] = self.version
        if self.alerts is not None:
            counts = self.alerts.counts
            out.update(alerts_sent=counts["sent"], alerts_dropped=counts["dropped"],
                       alerts_failed=counts["failed"], alerts_suppressed=counts["suppressed"])
        out["refit_error"] = self.refitter.error
        return out

    def results(self) -> Any:
        """The scored events kept by an in-memory sink (``sink=None``), as a DataFrame."""
        frame = getattr(self.sink, "frame", None)
        if frame is None:
            raise AttributeError(f"The sink {self.sink.name!r} keeps nothing in memory; "
                                 "read the events where it wrote them.")
        return frame()

    def on_batch(self, function: Callable[[Stream], None]) -> None:
        """Call ``function(stream)`` after every batch (the panel uses it)."""
        self._listeners.append(function)

    def panel(self, **kwargs: Any) -> Any:
        """The live notebook panel of this stream (see :mod:`jupyter_ad.widgets.stream_panel`)."""
        from jupyter_ad.widgets.stream_panel import StreamPanel

        return StreamPanel(self, **kwargs)

    # -- the loop -----------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        """Run in this thread until the source ends or :meth:`stop` is called."""
        from jupyter_ad.monitoring import scoring

        self._stats.status = "running"
        try:
            with scoring("stream", collect=True):  # monitored: one record per flush window
                self._loop()
            self._stats.status = "stopped" if self._stop.is_set() else "finished"
        except _Stopped:
            self._stats.status = "stopped"
        except Exception as exc:
            self._stats.status = "failed"
            self._stats.error = f"{type(exc).__name__}: {exc}"
            log.error("stream failed: %s", self._stats.error)
            if self._thread is None:  # run in the caller's thread: let it see the error
                raise
        finally:
            self._close()
        return self.stats()

    def _loop(self) -> None:
        batch_size = int(self.settings["batch_size"])
        timeout = float(self.settings["max_latency_ms"]) / 1000.0
        retry = 0.05
        while not self._stop.is_set():
            self._swap_model()
            self._write_monitoring()
            try:
                batch = self.source.read(batch_size, timeout)
            except StreamError as exc:
                self._stats.add(source_errors=1)
                self._stats.status = f"source unavailable: {exc}"
                self._stop.wait(retry)
                retry = min(retry * 2, float(self.settings["sink_retry_s"]))
                continue
            retry = 0.05
            if batch is None:
                return
            if len(batch) or batch.poison:
                self._handle(batch)

    def _handle(self, batch: Batch) -> None:
        self._stats.add(read=len(batch) + len(batch.poison))
        start = time.perf_counter()
        scored, poison, rows = self._scorer.score(batch)
        scoring = time.perf_counter() - start
        if scored is not None:
            self._retry(self.sink.write, scored)
        if poison:
            self._dead(poison)
        self._retry(self.source.ack, batch)
        self._stats.status = "running"
        if scored is None:
            return
        n, flagged = len(scored), int(scored.label.sum())
        self._stats.batch(n, flagged, time.time() - (batch.arrival or time.time()), scoring)
        self.window.add(rows)
        self._after(scored, flagged)

    def _after(self, scored: ScoredBatch, flagged: int) -> None:
        """Anomaly log, alerts, drift, refit: after the batch is safe in the sink."""
        if flagged:
            for i in np.flatnonzero(scored.label)[-10:]:
                row = scored.records[i] if scored.records is not None else (
                    scored.frame.iloc[int(i)].to_dict() if scored.frame is not None else {})
                self.anomalies.append({"event_id": str(scored.ids[int(i)]),
                                       "score": float(scored.score[i]),
                                       "confidence": float(scored.confidence[i]),
                                       "fields": row})
        if self.alerts is not None:
            self.alerts.check_batch(scored.ids, scored.score, scored.label, scored.confidence)
        for kind, sentence in self.drift.update(self._scorer.rank(scored.score), scored.label):
            self._drift_found(kind, sentence, {})
        n = len(scored)
        self._since_drift += n
        self._since_refit += n
        drifted = False
        every = int(self.settings["drift_every"])
        if every and self._since_drift >= every:
            self._since_drift = 0
            self._stats.add(drift_checks=1)
            report = self.drift.check(self.window.frame())
            if report is not None and report.has_drift:
                drifted = True
                if report.drifted != self._drifted:  # a new finding, not the same one again
                    self._drift_found("features", report.sentence(),
                                      {"features": report.drifted})
            self._drifted = report.drifted if report is not None else []
        if self.policy.due(self._since_refit, drifted) and self.refitter.start(
                self.model, self.window.frame(), self.version):
            self._since_refit = 0
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception as exc:  # a broken display never stops the stream
                log.warning("stream listener failed: %s", exc)

    def _drift_found(self, kind: str, sentence: str, details: dict[str, Any]) -> None:
        self._stats.add(drift_events=1)
        self.events.append(("drift", sentence))
        log.info("drift (%s): %s", kind, sentence)
        if self.alerts is not None:
            self.alerts.check_drift(kind, sentence, details)

    def _write_monitoring(self, *, force: bool = False) -> None:
        """Write the ``stream`` window of a monitored model once per ``flush_seconds``."""
        tracker = self._scorer.tracker
        if tracker is None:
            return
        now = time.monotonic()
        if force or now - self._monitor_written >= tracker.flush_seconds:
            self._monitor_written = now
            tracker.flush(self.model, sources=["stream"])  # never raises: warns once

    def _swap_model(self) -> None:
        ready = self.refitter.ready()
        if ready is None:
            return
        model, version = ready
        tracker = self._scorer.tracker
        if tracker is not None:  # the old version's last rows, then the new one is monitored
            self._write_monitoring(force=True)
            if self.refitter.name and "@" in version:
                from jupyter_ad.monitoring import attach

                with contextlib.suppress(Exception):
                    attach(model, self.refitter.name, int(version.rsplit("@", 1)[1]),
                           root=self.refitter.store)
        self.model, self.version = model, version
        self._scorer = BatchScorer(model, version, extra_fields=self.settings["extra_fields"])
        self.drift.set_model(model)
        self._stats.add(refits=1)
        self.events.append(("refit", f"model refitted on {len(self.window):,} events: "
                                     f"now {version}"))

    def _dead(self, poison: list[Poison]) -> None:
        self._stats.add(poison=len(poison))
        rows = [dict(p.to_dict(), time=time.time()) for p in poison]
        self.dead_letters.extend(rows)
        if self.dead_letter is not None:
            self._retry(self.dead_letter.write_dicts, rows)
        else:
            for row in rows[:5]:
                log.warning("poison event %s: %s", row["event_id"], row["reason"])

    def _retry(self, function: Callable[[Any], None], argument: Any) -> None:
        """Call until it succeeds; a :class:`StreamError` or ``OSError`` is retried with
        backoff (consumption waits meanwhile); a stop request gives up (nothing acknowledged).
        """
        delay = 0.05
        while True:
            try:
                function(argument)
                return
            except BrokenPipeError:  # the reader of standard output left: stop
                raise
            except (StreamError, OSError) as exc:
                self._stats.add(sink_errors=1)
                self._stats.status = f"waiting for the sink: {exc}"
                if self._stop.wait(delay):
                    raise _Stopped from exc
                delay = min(delay * 2, float(self.settings["sink_retry_s"]))

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._write_monitoring(force=True)
        for part in (self.source, self.sink, self.dead_letter):
            if part is None:
                continue
            try:
                part.close()
            except Exception as exc:
                log.warning("closing %s failed: %s", getattr(part, "name", part), exc)
        if self.alerts is not None:
            self.alerts.close()
        self.refitter.join(0)
