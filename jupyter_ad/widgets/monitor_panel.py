"""MonitorPanel: a saved model's monitoring history (``%ad_monitor NAME``).

A header with the latest figures, the monitoring chart (an offline ``alt.JupyterChart``:
anomaly rate, drift and precision over time, versions marked), the latest records as a table,
and a Refresh button that reads the database again. Its display output also carries a static
snapshot (``text/html`` with the chart as SVG), shown when the notebook is reopened without a
kernel.
"""

from __future__ import annotations

import html
import math
from typing import Any

import altair as alt
import ipywidgets as widgets
import traitlets

from jupyter_ad import charts
from jupyter_ad.errors import ParameterError
from jupyter_ad.widgets._snapshot import SnapshotVBox, chart_svg, html_table, snapshot_html

__all__ = ["MonitorPanel"]

_EMBED = {"actions": False, "renderer": "svg"}
_TABLE_COLUMNS = ["record", "time", "version", "source", "rows", "anomaly_rate", "drift",
                  "drift_column", "latency_ms", "n_feedback", "alert_precision"]
_TABLE_ROWS = 10


class MonitorPanel(SnapshotVBox):
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

    n_records = traitlets.Int(0).tag(sync=False)

    def __init__(self, name: str, *, root: Any = None) -> None:
        from jupyter_ad.io.store import parse_spec

        if not isinstance(name, str):
            raise ParameterError(f"MonitorPanel takes a model name, got {name!r}.")
        self.name, self.version = parse_spec(name)
        self.root = root
        charts.enable_offline()
        self.header = widgets.HTML()
        self.table = widgets.HTML()
        self.button = widgets.Button(description="Refresh", icon="refresh",
                                     tooltip="Read the monitoring records again")
        self.button.add_class("jad-monitor-refresh")
        self.button.on_click(lambda _: self.refresh())
        self.history = self._read()
        self.chart = alt.JupyterChart(charts.monitor_chart(self.history), embed_options=_EMBED)
        super().__init__(children=[widgets.HBox([self.header, self.button]), self.chart,
                                   self.table])
        self.add_class("jupyter-ad-monitor-panel")
        self._show()

    def _read(self) -> Any:
        from jupyter_ad.monitoring import history

        return history(self.name, version=self.version, root=self.root)

    def refresh(self) -> None:
        """Read the records again and redraw."""
        self.history = self._read()
        self.chart.chart = charts.monitor_chart(self.history)
        self._show()

    def _show(self) -> None:
        self.n_records = len(self.history)
        self.header.value = f'<div class="jad-monitor-summary">{html.escape(self.summary())}</div>'
        self.table.value = html_table(self._rows(), _TABLE_COLUMNS)

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

    def _rows(self) -> list[dict[str, Any]]:
        recent = self.history.tail(_TABLE_ROWS).iloc[::-1]
        rows = []
        for rec in recent[_TABLE_COLUMNS].to_dict("records"):
            rec["time"] = rec["time"].strftime("%Y-%m-%d %H:%M:%S")
            rec["version"] = None if rec["version"] is None else int(rec["version"])
            rows.append({k: (None if isinstance(v, float) and math.isnan(v) else v)
                         for k, v in rec.items()})
        return rows

    def snapshot_html(self) -> str:
        """Static HTML: the summary, the chart as SVG and the latest records."""
        return snapshot_html(
            f"jupyter-ad monitor: {self.name}", self.summary(),
            [("Anomaly rate, drift and precision over time",
              chart_svg(charts.monitor_chart(self.history))),
             (f"The latest {min(len(self.history), _TABLE_ROWS)} records",
              html_table(self._rows(), _TABLE_COLUMNS))])
