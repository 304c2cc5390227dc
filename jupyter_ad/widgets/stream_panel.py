"""StreamPanel: a live view of a running :class:`~jupyter_ad.stream.Stream` in the notebook.

Events per second, latency, the anomaly rate over time, the latest anomalies (click one for
its explanation), drift status per feature and the alert log. A thread refreshes the synced
state every ``interval`` seconds, so the kernel stays free; the display output also carries a
static HTML snapshot, refreshed every few seconds and when the stream ends (see
:mod:`jupyter_ad.widgets._output`), which a notebook reopened without a kernel shows.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import anywidget
import ipywidgets as widgets
import pandas as pd
import traitlets

from jupyter_ad.report._static import html_table
from jupyter_ad.widgets._assets import asset, module
from jupyter_ad.widgets._output import SnapshotOutputs
from jupyter_ad.widgets._snapshot import snapshot_bundle, snapshot_html

__all__ = ["StreamPanel", "StreamView"]

SNAPSHOT_EVERY = 5.0  # seconds between refreshes of the static snapshot while the stream runs


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int | str | bool) or value is None:
        return value
    if hasattr(value, "item"):
        return _plain(value.item())
    return str(value)


class StreamView(anywidget.AnyWidget):  # type: ignore[misc]
    """The anywidget of the panel: Python writes every trait except ``selected``."""

    _esm = module("stream_panel.js")
    _css = asset("stream_panel.css")
    stats = traitlets.Dict().tag(sync=True)
    history = traitlets.List(traitlets.Dict()).tag(sync=True)
    anomalies = traitlets.List(traitlets.Dict()).tag(sync=True)
    drift = traitlets.List(traitlets.Dict()).tag(sync=True)
    drift_sentence = traitlets.Unicode("").tag(sync=True)
    alerts = traitlets.List(traitlets.Dict()).tag(sync=True)
    events = traitlets.List(traitlets.Dict()).tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    explanation = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)


class StreamPanel(SnapshotOutputs, widgets.VBox):  # type: ignore[misc]
    """Live panel of a stream (``stream.panel()`` or ``%ad_stream``).

    Parameters
    ----------
    stream : Stream
    interval : float, default 0.5
        Seconds between refreshes.
    """

    def __init__(self, stream: Any, *, interval: float = 0.5) -> None:
        self.stream = stream
        self.view = StreamView()
        self.interval = interval
        self._explained: dict[str, str] = {}
        self._loop_of_kernel: asyncio.AbstractEventLoop | None = None
        self._snapshot_at = 0.0
        self.view.observe(self._on_select, names="selected")
        super().__init__([self.view])
        self.add_class("jupyter-ad-stream-panel")
        self.refresh()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name="jupyter-ad-stream-panel")
        self._thread.start()

    # -- state --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Copy the stream's current state into the synced traits."""
        s = self.stream
        stats = {k: _plain(v) for k, v in s.stats().items()}
        anomalies = []
        for item in reversed(list(s.anomalies)):
            fields = {k: _plain(v) for k, v in list(item["fields"].items())[:8]}
            anomalies.append({"event_id": item["event_id"], "score": item["score"],
                              "confidence": item["confidence"], "fields": fields})
        report = s.drift.report
        drift = [] if report is None else [
            {"feature": f.feature, "test": f.test, "psi": _plain(f.psi),
             "p": _plain(f.p_adjusted), "drifted": f.drifted, "detail": f.detail}
            for f in report.features]
        alerts = [] if s.alerts is None else [
            {"rule": a["rule"], "message": a["message"], "status": a["status"],
             "time": a["time"]} for a in list(s.alerts.log)[-20:]]
        with self.view.hold_sync():
            self.view.stats = stats
            self.view.history = list(s._stats.history)[-120:]
            self.view.anomalies = anomalies[:20]
            self.view.drift = drift
            self.view.drift_sentence = report.sentence() if report is not None else ""
            self.view.alerts = alerts
            self.view.events = [{"kind": k, "text": t} for k, t in list(s.events)[-20:]]

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.refresh()
            except Exception as exc:  # the panel never stops the stream
                self.view.error = f"{type(exc).__name__}: {exc}"
            if not self.stream.running:
                self.refresh()
                self._request_snapshot()
                return
            if time.monotonic() - self._snapshot_at >= SNAPSHOT_EVERY:
                self._request_snapshot()

    def after_display(self) -> None:
        """Remember the kernel's event loop: snapshots are drawn from it, not this thread."""
        try:
            self._loop_of_kernel = asyncio.get_running_loop()
        except RuntimeError:
            self._loop_of_kernel = None

    def _request_snapshot(self) -> None:
        self._snapshot_at = time.monotonic()
        loop = self._loop_of_kernel
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.schedule_snapshot, 0.0)

    def close(self) -> None:
        """Stop refreshing and close the widgets (the stream keeps running)."""
        self._stop.set()
        super().close()

    def _on_select(self, change: dict[str, Any]) -> None:
        event_id = change["new"]
        if not event_id:
            return
        if event_id not in self._explained:
            self._explained[event_id] = self._explain(event_id)
        self.view.explanation = self._explained[event_id]

    def _explain(self, event_id: str) -> str:
        item = next((a for a in self.stream.anomalies if a["event_id"] == event_id), None)
        if item is None:
            return f"Event {event_id} is no longer in the panel's list."
        try:
            model = self.stream.model
            row = pd.DataFrame([item["fields"]])
            result = model.score(row, extra_columns="ignore")
            return f"Event {event_id}: {result.explain(0).sentence()}"
        except Exception as exc:
            return f"Event {event_id}: no explanation ({type(exc).__name__}: {exc})"

    # -- static snapshot ------------------------------------------------------------------------
    def summary(self) -> str:
        """One line: status, counts, speed, latency and model version."""
        st = self.view.stats
        return (f"{st.get('status')}: {st.get('scored', 0):,} events scored, "
                f"{st.get('anomalies', 0):,} anomalies ({st.get('anomaly_rate') or 0:.2%}), "
                f"{st.get('poison', 0):,} dead-lettered; "
                f"{st.get('events_per_second') or 0:,.0f} events/s; latency p99 "
                f"{st.get('latency_ms_p99')} ms; model {st.get('model_version')}")

    def snapshot_job(self) -> Callable[[], dict[str, str]]:
        """A function drawing the snapshot of the panel as it is now (thread-safe)."""
        summary = self.summary()
        anomalies = pd.DataFrame([{"event_id": a["event_id"], "score": a["score"],
                                   "confidence": a["confidence"]} for a in self.view.anomalies],
                                 columns=["event_id", "score", "confidence"])
        drift = pd.DataFrame(self.view.drift, columns=["feature", "test", "psi", "p", "drifted"])
        sentence = self.view.drift_sentence
        alerts = pd.DataFrame(self.view.alerts, columns=["rule", "message", "status"])

        def build() -> dict[str, str]:
            sections = [("Latest anomalies", html_table(anomalies, inline_styles=True))]
            if len(drift):
                sections.append((f"Drift: {sentence}", html_table(drift, inline_styles=True)))
            if len(alerts):
                sections.append(("Alerts", html_table(alerts, inline_styles=True)))
            html = snapshot_html("jupyter-ad stream", summary, sections)
            return snapshot_bundle(html, f"jupyter-ad stream\n{summary}")

        return build

    def snapshot_html(self) -> str:
        """Static HTML: the counters, the latest anomalies, drift and alerts."""
        return self.snapshot_bundle()["text/html"]
