"""ComparisonPanel: the leaderboard and charts of one :func:`jupyter_ad.compare` run."""

from __future__ import annotations

import html
from typing import Any

import altair as alt
import ipywidgets as widgets

from jupyter_ad import charts
from jupyter_ad.errors import ParameterError
from jupyter_ad.widgets._snapshot import SnapshotVBox, chart_svg, html_table, snapshot_html
from jupyter_ad.widgets._table import json_value

__all__ = ["ComparisonPanel"]

_EMBED = {"actions": False, "renderer": "svg"}
_FIRST = ("detector", "roc_auc", "average_precision", "agreement", "f1", "precision",
          "recall", "precision_at_k", "stability", "n_flagged")


class ComparisonPanel(SnapshotVBox):
    """Leaderboard table, metric bars, ROC/PR curves (with labels) and agreement heatmap.

    Every chart is an offline :class:`altair.JupyterChart` (JavaScript from vl-convert, no
    CDN); the leaderboard is plain HTML. Payload bound: one row per detector, the agreement
    matrix and downsampled curves, whatever the number of rows compared.

    Parameters
    ----------
    comparison : ComparisonResult
        From :func:`jupyter_ad.compare`.

    Attributes
    ----------
    comparison : ComparisonResult
    leaderboard : ipywidgets.HTML
    bars, agreement : altair.JupyterChart
    curves : altair.JupyterChart or None
        Only when the comparison had labels.
    """

    def __init__(self, comparison: Any) -> None:
        if not hasattr(comparison, "to_frame") or not hasattr(comparison, "agreement"):
            raise ParameterError("ComparisonPanel needs a ComparisonResult (from ad.compare), "
                                 f"got {type(comparison).__name__}.")
        charts.enable_offline()
        self.comparison = comparison
        self._rows, self._columns = leaderboard_rows(comparison)
        self.leaderboard = widgets.HTML(self._leaderboard_html())
        self.bars = alt.JupyterChart(comparison.plot("leaderboard"), embed_options=_EMBED)
        self.agreement = alt.JupyterChart(comparison.plot("agreement"), embed_options=_EMBED)
        self.curves: alt.JupyterChart | None = None
        children: list[widgets.Widget] = [self.leaderboard,
                                          widgets.HBox([self.bars, self.agreement])]
        if comparison.labels is not None:
            self.curves = alt.JupyterChart(comparison.plot("curves"), embed_options=_EMBED)
            children.append(self.curves)
        super().__init__(children=children)
        self.add_class("jupyter-ad-comparison-panel")

    def _title(self) -> str:
        n = len(self._rows)
        return (f"{n} detector{'s' if n != 1 else ''} compared by "
                f"{self.comparison.metric.replace('_', ' ')}; best: {self.comparison.best}")

    def _leaderboard_html(self) -> str:
        return (f'<div class="jad-leaderboard"><strong>{html.escape(self._title())}'
                f"</strong>{html_table(self._rows, self._columns)}</div>")

    # -- display --------------------------------------------------------------------------------
    def snapshot_html(self) -> str:
        """Static HTML: the leaderboard table and the charts as inline SVG."""
        sections = [("Leaderboard", html_table(self._rows, self._columns)),
                    ("Metric by detector", chart_svg(self.comparison.plot("leaderboard")))]
        if self.comparison.labels is not None:
            sections.append(("ROC and precision-recall curves",
                             chart_svg(self.comparison.plot("curves"))))
        sections.append(("Rank agreement", chart_svg(self.comparison.plot("agreement"))))
        return snapshot_html("jupyter-ad comparison", self._title(), sections)


def leaderboard_rows(comparison: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The leaderboard as JSON-safe rows (best first) and its column order."""
    frame = comparison.to_frame().reset_index()
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    order = [c for c in _FIRST if c in columns] + [c for c in columns if c not in _FIRST]
    rows = [{c: json_value(v) for c, v in record.items()}
            for record in frame[order].to_dict(orient="records")]
    return rows, order
