"""MonitorPanel: a saved model's monitoring history (``%ad_monitor NAME``).

A header with the latest figures, the monitoring chart (anomaly rate, drift and precision over
time, versions marked) drawn by the shared offline chart library (:class:`ChartView`), the
latest records as a table, and a Refresh button that reads the database again. Displayed, it
also shows a static snapshot (the chart as a PNG), kept in sync, which a notebook reopened
without a kernel shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets

from jupyter_ad.errors import ParameterError
from jupyter_ad.report._static import esc, html_table
from jupyter_ad.widgets._chart import ChartView
from jupyter_ad.widgets._output import SnapshotOutputs
from jupyter_ad.widgets._runtime import runtime
from jupyter_ad.widgets._snapshot import snapshot_bundle, snapshot_html

__all__ = ["MonitorPanel"]

_TABLE_COLUMNS = ["record", "time", "version", "source", "rows", "anomaly_rate", "drift",
                  "drift_column", "latency_ms", "n_feedback", "alert_precision"]
_TABLE_ROWS = 10
_FORMATS = {"drift": {"kind": "number", "decimals": 3, "group": False},
            "latency_ms": {"kind": "number", "decimals": 1, "group": True}}
_CHART_TEXT = "Anomaly rate, drift and precision over time"


class MonitorPanel(SnapshotOutputs, widgets.VBox):  # type: ignore[misc]
    """The monitoring history of model ``name`` (every version).

    Parameters
    ----------
    name : str
        A model name of the store (``"fraud"``; a ``"name@version"`` shows that version).
    root : str or path, optional
        The model store (default ``$JUPYTER_AD_HOME`` or the user data folder).

    Attributes
    ----------
    history : DataFrame
        What is shown (``refresh()`` reads it again).
    n_records : int
        Records shown (a traitlet: observe it).
    """

    n_records = traitlets.Int(0)

    def __init__(self, name: str, *, root: Any = None) -> None:
        from jupyter_ad.io.store import parse_spec

        if not isinstance(name, str):
            raise ParameterError(f"MonitorPanel takes a model name, got {name!r}.")
        self.name, self.version = parse_spec(name)
        self.root = root
        self.header = widgets.HTML()
        self.table = widgets.HTML()
        self.button = widgets.Button(description="Refresh", icon="refresh",
                                     tooltip="Read the monitoring records again")
        self.button.add_class("jad-monitor-refresh")
        self.button.on_click(lambda _: self.refresh())
        self.history = self._read()
        self.chart = ChartView(spec=self._spec(), description="monitoring", runtime=runtime())
        super().__init__(children=[widgets.HBox([self.header, self.button]), self.chart,
                                   self.table])
        self.add_class("jupyter-ad-monitor-panel")
        self._show()

    def _read(self) -> pd.DataFrame:
        from jupyter_ad.monitoring import history

        return history(self.name, version=self.version, root=self.root)

    def _spec(self) -> dict[str, Any]:
        from jupyter_ad.charts.monitor import monitor_chart  # imports Altair: only when drawn

        return dict(monitor_chart(self.history).to_dict())

    def refresh(self) -> None:
        """Read the records again, redraw, and update the static snapshot."""
        self.history = self._read()
        self.chart.spec = self._spec()
        self._show()
        self.schedule_snapshot()  # drawn off the kernel's event loop, as the other panels do

    def _show(self) -> None:
        self.n_records = len(self.history)
        self.header.value = f'<div class="jad-monitor-summary">{esc(self.summary())}</div>'
        self.table.value = self._table()

    def summary(self) -> str:
        """One line: records, versions, latest anomaly rate, drift and precision."""
        h = self.history
        target = self.name if self.version is None else f"{self.name}@{self.version}"
        if not len(h):
            return (f"{target}: no monitoring records yet. Score with a model loaded by "
                    f"jupyter_ad.load({self.name!r}) and press Refresh.")
        last = h.iloc[-1]
        versions = ", ".join(f"v{v}" for v in h["version"].dropna().unique())
        text = (f"{target}: {len(h)} records ({int(h['rows'].sum()):,} rows; versions "
                f"{versions}). Latest: anomaly rate {last['anomaly_rate']:.1%}, drift "
                f"{last['drift']:.2f}")
        if isinstance(last["drift_column"], str):
            text += f" ({last['drift_column']})"
        labelled = h[h["n_feedback"] > 0]
        if len(labelled):
            p = labelled["alert_precision"].iloc[-1]
            text += (f"; alert precision {p:.0%} on {int(labelled['n_feedback'].iloc[-1])} "
                     "labelled rows" if not math.isnan(p) else "")
        return text + "."

    def _recent(self) -> pd.DataFrame:
        """The latest records, newest first, with the columns the table shows."""
        recent = self.history.tail(_TABLE_ROWS).iloc[::-1][_TABLE_COLUMNS].copy()
        recent["time"] = pd.to_datetime(recent["time"], utc=True).dt.strftime("%Y-%m-%d %H:%M:%S")
        for column in ("anomaly_rate", "alert_precision"):  # shares as percentages
            recent[column] = [f"{v:.1%}" if pd.notna(v) else "" for v in recent[column]]
        return recent.set_index("record")

    def _table(self) -> str:
        return html_table(self._recent(), index="record", formats=_FORMATS, inline_styles=True)

    def snapshot_job(self) -> Callable[[], dict[str, str]]:
        """A function drawing the snapshot of the panel as it is now (thread-safe)."""
        title, summary = f"jupyter-ad monitor: {self.name}", self.summary()
        spec, table, shown = self.chart.spec, self._table(), min(len(self.history), _TABLE_ROWS)

        def build() -> dict[str, str]:
            from jupyter_ad.report._static import chart_image

            sections = [(_CHART_TEXT, chart_image(spec, alt_text=_CHART_TEXT, scale=1.0,
                                                  css_class="jupyter-ad-chart")),
                        (f"The latest {shown} records", table)]
            return snapshot_bundle(snapshot_html(title, summary, sections), f"{title}\n{summary}")

        return build
