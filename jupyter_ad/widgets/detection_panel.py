"""DetectionPanel: explore one detection result in the notebook."""

from __future__ import annotations

from typing import Any

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd

from jupyter_ad import charts
from jupyter_ad.errors import ParameterError
from jupyter_ad.widgets._code import reproduce_code
from jupyter_ad.widgets._controls import PanelControls
from jupyter_ad.widgets._snapshot import SnapshotVBox, detection_snapshot
from jupyter_ad.widgets._table import TABLE_ROWS, brushed_rows, table_rows

__all__ = ["DetectionPanel"]

_EMBED = {"actions": False, "renderer": "svg"}
SUMMARY_MAX_FLAGGED = 100_000


class DetectionPanel(SnapshotVBox):
    """Summary, threshold slider, charts, top anomalies and explanations of one result.

    Python holds the state: moving the threshold (in the browser or with
    ``panel.threshold = x``) sets ``result.threshold``, so ``result.labels`` and
    ``result.n_anomalies`` follow in the kernel; clicking a table row or a scatter point
    explains that row (``result.explain``, computed once per row); the feedback buttons write
    ``result.feedback[label] = 1`` (true anomaly) or ``0`` (normal).

    Payload bound: the browser receives the score histogram (``bins`` rows), at most
    ``max_points`` scatter points, the ``table_rows`` highest-scoring rows (at most 20 input
    columns) and short texts, whatever the number of scored rows; about 0.7 MB for a million
    rows with the defaults, plus the charts' JavaScript (about 0.9 MB per chart, independent
    of the data).

    Parameters
    ----------
    result : DetectionResult
        From :func:`jupyter_ad.detect` (or ``model.score(rows)``).
    max_points : int, default 5000
        Most rows drawn in the scatter (the top anomalies always are).
    bins : int, default 40
        Bins of the score histogram.
    table_rows : int, default 50
        Rows in the top-anomalies table.
    var_name, data_name : str, default "res", "df"
        Names used by the copy-as-code box.

    Attributes
    ----------
    result : DetectionResult
    controls : PanelControls
        The anywidget with the slider, table, explanation text and code box.
    histogram, scatter : altair.JupyterChart
    explanation_chart : altair.JupyterChart or None
        The selected row's contributions; created when a row is first selected.

    Examples
    --------
    ::

        panel = DetectionPanel(ad.detect(df))
        panel.threshold = 0.8
    """

    def __init__(self, result: Any, *, max_points: int = 5000, bins: int = 40,
                 table_rows: int = TABLE_ROWS, var_name: str = "res",
                 data_name: str = "df") -> None:
        if not hasattr(result, "scores") or not hasattr(result, "threshold"):
            raise ParameterError("DetectionPanel needs a DetectionResult (from ad.detect), got "
                                 f"{type(result).__name__}.")
        charts.enable_offline()
        self.result = result
        self._n_table = int(table_rows)
        self._names = (var_name, data_name)
        self._bins = bins
        self._sorted = np.sort(np.asarray(result.scores, dtype=np.float64))
        self._explanations: dict[int, Any] = {}
        self._brushed: np.ndarray | None = None

        self.controls = PanelControls(
            score_min=float(self._sorted[0]), score_max=float(self._sorted[-1]),
            n_rows=int(self._sorted.size), threshold=float(result.threshold),
            feedback=self._feedback_state())
        self.histogram = alt.JupyterChart(charts.score_histogram(result, bins=bins),
                                          embed_options=_EMBED)
        self._hist_threshold = float(result.threshold)
        scatter_chart = charts.score_scatter(result, max_points=max_points)
        self._points = pd.DataFrame(scatter_chart.data.values)
        # the brush streams while dragging: only send it once the mouse rests for 150 ms
        self.scatter = alt.JupyterChart(scatter_chart, debounce_wait=150, max_wait=False,
                                        embed_options=_EMBED)
        self.explanation_chart: alt.JupyterChart | None = None
        self._refresh_threshold()
        self._refresh_table()

        self.controls.observe(self._on_threshold, names="threshold")
        self.controls.observe(self._on_selected, names="selected_row")
        self.controls.on_msg(self._on_message)
        self.scatter.observe(self._on_selection, names="_vl_selections")
        charts_row = widgets.HBox([self.histogram, self.scatter],
                                  layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__(children=[self.controls, charts_row])
        self.add_class("jupyter-ad-detection-panel")

    # -- public API -----------------------------------------------------------------------------
    @property
    def threshold(self) -> float:
        """The threshold shown and applied to ``result``. Assign to move it."""
        return float(self.controls.threshold)

    @threshold.setter
    def threshold(self, value: float) -> None:
        self.result.threshold = value  # validates (ParameterError) before the widget moves
        self.controls.threshold = float(value)

    @property
    def selected_row(self) -> int | None:
        """Position of the selected row in ``result.data``, or None."""
        pos = int(self.controls.selected_row)
        return None if pos < 0 else pos

    def select(self, row: int | None) -> None:
        """Select the row at position ``row`` (None clears): explain it and show why."""
        self.controls.selected_row = -1 if row is None else int(row)

    def mark(self, row: int, value: int) -> None:
        """Record feedback on the row at position ``row``: 1 = true anomaly, 0 = normal."""
        if value not in (0, 1) or isinstance(value, bool):
            raise ParameterError(f"feedback must be 1 (true anomaly) or 0 (normal), got {value!r}.")
        label = self.result.data.index[self._check_row(row)]
        self.result.feedback[label] = int(value)
        self.controls.feedback = self._feedback_state()

    def code(self) -> str:
        """Python that reproduces the result and the current threshold."""
        return str(self.controls.code)

    # -- event handlers -------------------------------------------------------------------------
    def _on_threshold(self, change: dict[str, Any]) -> None:
        self._guard(self._apply_threshold, float(change["new"]))

    def _apply_threshold(self, value: float) -> None:
        if float(self.result.threshold) != value:
            self.result.threshold = value
        self._refresh_threshold()

    def _on_selected(self, change: dict[str, Any]) -> None:
        self._guard(self._show_row, int(change["new"]))

    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if content.get("kind") == "feedback":
            self._guard(self.mark, int(content["row"]), int(content["value"]))

    def _on_selection(self, _change: dict[str, Any]) -> None:
        self._guard(self._apply_selections)

    def _apply_selections(self) -> None:
        sel: Any = self.scatter.selections  # traits added at run time, one per selection
        picked = [p.get("row") for p in sel.pick.value if isinstance(p, dict)]
        if picked and picked[-1] is not None and int(picked[-1]) != self.controls.selected_row:
            self.controls.selected_row = int(picked[-1])
        brushed = brushed_rows(self._points, sel.brush.value)
        same = (brushed is None and self._brushed is None) or (
            brushed is not None and self._brushed is not None
            and np.array_equal(brushed, self._brushed))
        if not same:
            self._brushed = brushed
            self._refresh_table()

    # -- state ----------------------------------------------------------------------------------
    def _guard(self, func: Any, *args: Any) -> None:
        """Run a handler; show its error under the panel instead of losing it in the log."""
        try:
            func(*args)
        except Exception as exc:
            self.controls.error = f"{type(exc).__name__}: {exc}"
        else:
            self.controls.error = ""

    def _refresh_threshold(self) -> None:
        t = float(self.result.threshold)
        n = self._sorted.size
        k = int(n - np.searchsorted(self._sorted, t, side="right"))
        with self.controls.hold_sync():
            self.controls.n_flagged = k
            self.controls.summary = self._summary(k)
            self.controls.code = reproduce_code(self.result, var_name=self._names[0],
                                                data_name=self._names[1])
        if self._hist_threshold != t:
            # a new chart: its title counts the flagged rows, a bin edge sits on the threshold
            self.histogram.chart = charts.score_histogram(self.result, bins=self._bins)
            self._hist_threshold = t
        params: Any = self.histogram.params  # traits added at run time, one per parameter
        params.threshold = t
        scatter_params: Any = self.scatter.params  # the anomaly markers follow the threshold
        scatter_params.threshold = t

    def _summary(self, k: int) -> str:
        """``result.summary()``, or its first sentence when too many rows are flagged.

        The full summary explains every flagged row's driving column, which takes seconds
        for hundreds of thousands of rows: too slow to follow a slider.
        """
        if k <= SUMMARY_MAX_FLAGGED:
            return str(self.result.summary())
        n = self._sorted.size
        return (f"Found {k:,} anomalies in {n:,} rows ({k / n:.1%}) with "
                f"{self.result.algorithm}; threshold {float(self.result.threshold):.4g}.\n"
                f"(More than {SUMMARY_MAX_FLAGGED:,} rows flagged: call res.summary() for the "
                "confidence and the driving columns.)")

    def _refresh_table(self) -> None:
        positions = self._brushed if self._brushed is not None else np.arange(self._sorted.size)
        rows, columns = table_rows(self.result, positions, self._sorted, self._n_table)
        if self._brushed is None:
            note = f"Top {len(rows)} of {self._sorted.size:,} rows by score; click a row."
        else:
            note = (f"{len(self._brushed):,} of the {len(self._points):,} scatter points are in "
                    f"the brushed region; the top {len(rows)} by score. Double-click the "
                    "scatter to clear.")
        with self.controls.hold_sync():
            self.controls.rows = rows
            self.controls.columns = columns
            self.controls.table_note = note

    def _show_row(self, pos: int) -> None:
        if pos < 0:
            with self.controls.hold_sync():
                self.controls.selected_label = ""
                self.controls.explanation_text = ""
            if self.explanation_chart is not None:
                self.explanation_chart.layout.display = "none"
            return
        pos = self._check_row(pos)
        label = self.result.data.index[pos]
        self.controls.selected_label = str(label)
        self.controls.explanation_text = "Explaining..."
        try:
            exp = self._explain(pos)
        except Exception:
            self.controls.explanation_text = "No explanation for this row (see the error below)."
            raise
        score = float(self.result.scores[pos])
        status = "flagged" if score > float(self.result.threshold) else "not flagged"
        self.controls.explanation_text = (f"Score {score:.4g} ({status}). {exp.sentence()}")
        chart = charts.feature_contributions(exp)
        if self.explanation_chart is None:
            self.explanation_chart = alt.JupyterChart(chart, embed_options=_EMBED)
            children: tuple[Any, ...] = tuple(getattr(self, "children", ()))
            self.children = (*children, self.explanation_chart)
        else:
            self.explanation_chart.chart = chart
            self.explanation_chart.layout.display = None

    def _explain(self, pos: int) -> Any:
        """``result.explain`` of the row at position ``pos``, computed once per row."""
        if pos not in self._explanations:
            index = self.result.data.index
            key = index[pos] if index.is_unique else pos
            explain = getattr(self.result, "explain", None)
            if explain is None:
                from jupyter_ad.explain import explain_row

                self._explanations[pos] = explain_row(self.result, key)
            else:
                self._explanations[pos] = explain(key)
        return self._explanations[pos]

    def _check_row(self, row: int) -> int:
        n = self._sorted.size
        if isinstance(row, bool) or not 0 <= int(row) < n:
            raise ParameterError(f"No row at position {row!r}; positions go from 0 to {n - 1}.")
        return int(row)

    def _feedback_state(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.result.feedback.items()}

    # -- display --------------------------------------------------------------------------------
    def snapshot_html(self) -> str:
        """Static HTML of the panel: summary, top-anomalies table and the histogram as SVG.

        Shown by a saved notebook reopened without running it (widgets are not redrawn then).
        """
        return detection_snapshot(self.result, self.controls, bins=self._bins)
