"""DetectionPanel: explore one detection result in the notebook."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import numpy as np
import pandas as pd
import traitlets

from jupyter_ad.errors import ParameterError
from jupyter_ad.report._static import format_value, result_formats
from jupyter_ad.widgets._assets import asset, module
from jupyter_ad.widgets._code import panel_code
from jupyter_ad.widgets._output import SnapshotOutputs, user_value
from jupyter_ad.widgets._runtime import runtime, runtime_trait
from jupyter_ad.widgets._snapshot import detection_job
from jupyter_ad.widgets._table import (
    TABLE_ROWS,
    brushed_rows,
    feedback_positions,
    table_columns,
    table_rows,
    threshold_steps,
)

__all__ = ["DetectionPanel"]

SUMMARY_MAX_FLAGGED = 100_000


class DetectionPanel(SnapshotOutputs, anywidget.AnyWidget):  # type: ignore[misc]
    """Summary, threshold slider, top anomalies, explanations, marks and charts of one result.

    Python holds the state: moving the threshold (in the browser or with
    ``panel.threshold = x``, checked first) sets ``result.threshold``, so ``result.labels`` and
    ``result.n_anomalies`` follow in the kernel; clicking a table row or a scatter point
    explains that row (``result.explain``, computed once per row) next to it; the feedback
    buttons write ``result.feedback[label] = 1`` (true anomaly) or ``0`` (normal), shown in the
    table, ringed in the scatter, kept with the notebook and written into the copied code.

    The slider moves in *rows flagged* on a log scale (0, 1, 2, ... then evenly spread
    ratios up to every row), so it steers as well on heavy-tailed scores as on Gaussian ones;
    the box next to it takes an exact threshold.

    Displayed (``display(panel)``, or as a cell's last value), the panel shows in two outputs:
    the live widget, then a static snapshot kept in sync with it (see
    :mod:`jupyter_ad.widgets._snapshot`). The summary, slider and table come first; the charts
    (which import Altair and load the chart library) follow.

    If the notebook variable that held the result (``var_name``) is given another result of
    the same rows and scores (running the copied code does that), the panel drives the new
    object from the next action on, taking its threshold and marks.

    Payload bound: the browser receives the histogram bins, at most ``max_points`` scatter
    points, the ``table_rows`` highest-scoring rows (at most 20 input columns), at most 400
    slider steps and short texts, whatever the number of scored rows.

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
        Names used by the copy-as-code box (and the variable the panel follows).
    notes : sequence of str, optional
        Routine notices to show under the summary (the magics pass what preprocessing said).

    Examples
    --------
    ::

        panel = DetectionPanel(ad.detect(df))
        panel.threshold = 0.8
    """

    _esm = module("detection_panel.js")
    _css = asset("panel.css")

    title = traitlets.Unicode("").tag(sync=True)
    summary = traitlets.Unicode("").tag(sync=True)
    notes = traitlets.List(traitlets.Unicode()).tag(sync=True)
    n_rows = traitlets.Int(0).tag(sync=True)
    threshold = traitlets.Float(0.0).tag(sync=True)
    n_flagged = traitlets.Int(0).tag(sync=True)
    steps = traitlets.List(traitlets.List()).tag(sync=True)
    score_format = traitlets.Dict().tag(sync=True)
    columns = traitlets.List(traitlets.Dict()).tag(sync=True)
    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    table_note = traitlets.Unicode("").tag(sync=True)
    selected_row = traitlets.Int(-1).tag(sync=True)
    selected_label = traitlets.Unicode("").tag(sync=True)
    explanation_text = traitlets.Unicode("").tag(sync=True)
    explanation_spec = traitlets.Dict().tag(sync=True)
    feedback = traitlets.Dict().tag(sync=True)
    histogram_spec = traitlets.Dict().tag(sync=True)
    scatter_spec = traitlets.Dict().tag(sync=True)
    brush = traitlets.Dict().tag(sync=True)
    code = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    runtime = runtime_trait()

    def __init__(self, result: Any, *, max_points: int = 5000, bins: int = 40,
                 table_rows: int = TABLE_ROWS, var_name: str = "res", data_name: str = "df",
                 notes: Sequence[str] = ()) -> None:
        if not hasattr(result, "scores") or not hasattr(result, "threshold"):
            raise ParameterError("DetectionPanel needs a DetectionResult (from ad.detect), got "
                                 f"{type(result).__name__}.")
        self._result = result
        self._names = (var_name, data_name)
        self._follow_name = var_name if user_value(var_name) is result else None
        self._n_table = int(table_rows)
        self._bins, self._max_points = bins, max_points
        self._sorted = np.sort(np.asarray(result.scores, dtype=np.float64))
        self._formats = result_formats(result)
        self._explanations: dict[int, Any] = {}
        self._brushed: np.ndarray | None = None
        self._points: pd.DataFrame | None = None
        self._charts: tuple[Any, ...] = ()
        self._syncing = False
        score = self._formats["score_ad" if "score_ad" in self._formats else "score"]
        super().__init__(
            title=f"jupyter-ad · {result.algorithm} · {len(result):,} rows",
            n_rows=int(self._sorted.size), steps=threshold_steps(self._sorted),
            score_format=score,
            notes=[str(n) for n in notes], feedback=self._feedback_state(), **self._derived())
        self._table()
        self.observe(self._on_threshold, names="threshold")
        self.observe(self._on_selected, names="selected_row")
        self.observe(self._on_brush, names="brush")
        self.on_msg(self._on_message)

    # -- public API -----------------------------------------------------------------------------
    @property
    def result(self) -> Any:
        """The DetectionResult the panel drives (see the class notes on following a variable)."""
        self._follow()
        return self._result

    @traitlets.validate("threshold")
    def _valid_threshold(self, proposal: dict[str, Any]) -> float:
        value = proposal["value"]
        if isinstance(value, bool) or not np.isfinite(value):
            raise ParameterError(f"threshold must be a finite number, got {value!r}.")
        return float(value)

    @property
    def selected(self) -> int | None:
        """Position of the selected row in ``result.data``, or None."""
        pos = int(self.selected_row)
        return None if pos < 0 else pos

    def select(self, row: int | None) -> None:
        """Select the row at position ``row`` (None clears): explain it and show why."""
        self.selected_row = -1 if row is None else int(row)

    def mark(self, row: int, value: int | None) -> None:
        """Record feedback on the row at position ``row``: 1 = true anomaly, 0 = normal.

        ``None`` removes the mark. The mark goes into ``result.feedback`` (keyed by the row's
        index label), the table, the scatter, the snapshot and the copied code.
        """
        if value is not None and (value not in (0, 1) or isinstance(value, bool)):
            raise ParameterError(f"feedback must be 1 (true anomaly), 0 (normal) or None, got "
                                 f"{value!r}.")
        self._follow()
        label = self._result.data.index[self._check_row(row)]
        if value is None:
            self._result.feedback.pop(label, None)
        else:
            self._result.feedback[label] = int(value)
        with self.hold_sync():
            self.code = self._code()
            self.feedback = self._feedback_state()
        self.schedule_snapshot()

    def render_charts(self) -> None:
        """Compute the histogram and the scatter and load the chart library (once).

        Displaying the panel calls this after the first paint; call it yourself to get the
        chart specifications without displaying the panel.
        """
        if self._charts:
            return
        from jupyter_ad import charts

        self.status = "Drawing charts…"
        try:
            histogram = charts.score_histogram(self._result, bins=self._bins)
            scatter = charts.score_scatter(self._result, max_points=self._max_points)
            scatter_spec = scatter.to_dict()
            self._points = pd.DataFrame(scatter_spec["datasets"][scatter_spec["data"]["name"]])
            self._charts = (histogram, scatter)
            with self.hold_sync():
                self.histogram_spec = histogram.to_dict()
                self.scatter_spec = scatter_spec
                self.runtime = runtime()
        finally:
            self.status = ""

    # -- display --------------------------------------------------------------------------------
    def after_display(self) -> None:
        """Charts follow the first paint; then the snapshot gets their images."""
        try:
            self.render_charts()
        except Exception as exc:
            self.error = f"The charts could not be drawn: {type(exc).__name__}: {exc}"
        self.refresh_snapshot()

    def plain_text(self) -> str:
        """Where widgets are not drawn: one line (the snapshot below says the rest)."""
        return (f"jupyter-ad detection panel ({self._result.algorithm}, {len(self._result):,} "
                "rows): interactive when the cell runs; the static snapshot is the next output.")

    def snapshot_job(self) -> Callable[[], dict[str, str]]:
        """A function drawing the snapshot of the panel as it is now (thread-safe)."""
        return detection_job(self._state(), threshold=float(self._result.threshold),
                             specs=(self.histogram_spec, self.scatter_spec))

    def snapshot_html(self) -> str:
        """Static HTML of the panel as it is now (threshold, marks, selection, charts)."""
        return self.snapshot_bundle()["text/html"]

    # -- event handlers -------------------------------------------------------------------------
    def _on_threshold(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._guard(self._apply_threshold, float(change["new"]))

    def _apply_threshold(self, value: float) -> None:
        self._follow()
        if float(self._result.threshold) != value:
            self._result.threshold = value
        with self.hold_sync():
            for name, item in self._derived().items():
                setattr(self, name, item)
            self._table()
        self.schedule_snapshot()

    def _on_selected(self, change: dict[str, Any]) -> None:
        self._guard(self._show_row, int(change["new"]))

    def _on_brush(self, change: dict[str, Any]) -> None:
        self._guard(self._apply_brush, change["new"])

    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        kind = content.get("kind")
        if kind == "ping":
            self.send({"kind": "pong"})
        elif kind == "feedback":
            value = content.get("value")
            self._guard(self.mark, int(content["row"]), None if value is None else int(value))

    def _apply_brush(self, brush: dict[str, Any]) -> None:
        if self._points is None:
            return
        brushed = brushed_rows(self._points, brush or {})
        same = (brushed is None and self._brushed is None) or (
            brushed is not None and self._brushed is not None
            and np.array_equal(brushed, self._brushed))
        if not same:
            self._brushed = brushed
            self._table()

    def _show_row(self, pos: int) -> None:
        self._follow()
        if pos < 0:
            with self.hold_sync():
                self.selected_label = ""
                self.explanation_text = ""
                self.explanation_spec = {}
            self.schedule_snapshot()
            return
        pos = self._check_row(pos)
        self.selected_label = str(self._result.data.index[pos])
        self.explanation_text = "Explaining…"
        try:
            exp = self._explain(pos)
        except Exception:
            self.explanation_text = "No explanation for this row (see the error above)."
            raise
        from jupyter_ad import charts

        score = float(self._result.scores[pos])
        status = "flagged" if score > float(self._result.threshold) else "not flagged"
        with self.hold_sync():
            self.explanation_text = (f"Score {format_value(score, self.score_format)} "
                                     f"({status}). {exp.sentence()}")
            self.explanation_spec = charts.feature_contributions(
                exp, formats=self._formats).to_dict()
        self.schedule_snapshot()

    # -- state ----------------------------------------------------------------------------------
    def _guard(self, func: Any, *args: Any) -> None:
        """Run a handler; show its error in the panel instead of losing it in the log."""
        try:
            func(*args)
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
        else:
            self.error = ""

    def _follow(self) -> None:
        """Drive the result now held by the variable the panel's result came from."""
        if self._follow_name is None:
            return
        current = user_value(self._follow_name)
        if current is None or current is self._result or not hasattr(current, "scores"):
            return
        scores = np.asarray(current.scores, dtype=np.float64)
        if scores.shape != self._sorted.shape or not np.array_equal(
                np.sort(scores), self._sorted) or len(current.data) != len(self._result.data):
            return
        self._result = current
        self._explanations.clear()
        self._syncing = True
        try:
            with self.hold_sync():
                self.threshold = float(current.threshold)
                self.feedback = self._feedback_state()
                for name, item in self._derived().items():
                    setattr(self, name, item)
                self._table()
        finally:
            self._syncing = False

    def _derived(self) -> dict[str, Any]:
        """The traits that follow from the result's threshold."""
        t = float(self._result.threshold)
        k = int(self._sorted.size - np.searchsorted(self._sorted, t, side="right"))
        return {"n_flagged": k, "summary": self._summary(k), "code": self._code(),
                "threshold": t}

    def _code(self) -> str:
        return panel_code(self._result, var_name=self._names[0], data_name=self._names[1])

    def _summary(self, k: int) -> str:
        """``result.summary()``, or its first sentence when too many rows are flagged."""
        if k <= SUMMARY_MAX_FLAGGED:
            return str(self._result.summary())
        n = self._sorted.size
        return (f"Found {k:,} anomalies in {n:,} rows ({k / n:.1%}) with "
                f"{self._result.algorithm}; threshold "
                f"{format_value(float(self._result.threshold), self.score_format)}.\n"
                f"(More than {SUMMARY_MAX_FLAGGED:,} rows flagged: call res.summary() for the "
                "confidence and the driving columns.)")

    def _table(self) -> None:
        positions = self._brushed if self._brushed is not None else np.arange(self._sorted.size)
        rows, keys = table_rows(self._result, positions, self._sorted, self._n_table)
        if self._brushed is None:
            note = (f"Top {len(rows)} of {self._sorted.size:,} rows by score; click a row (or "
                    "press Enter on it) to see why it scores high and to mark it.")
        else:
            n_points = len(self._points) if self._points is not None else 0
            note = (f"{len(self._brushed):,} of the {n_points:,} scatter points are in the "
                    f"box drawn; the top {len(rows)} by score. Double-click the scatter to "
                    "clear.")
        with self.hold_sync():
            self.rows = rows
            self.columns = table_columns(self._result, keys, self._formats)
            self.table_note = note

    def _explain(self, pos: int) -> Any:
        """``result.explain`` of the row at position ``pos``, computed once per row."""
        if pos not in self._explanations:
            index = self._result.data.index
            key = index[pos] if index.is_unique else pos
            explain = getattr(self._result, "explain", None)
            if explain is None:
                from jupyter_ad.explain import explain_row

                self._explanations[pos] = explain_row(self._result, key)
            else:
                self._explanations[pos] = explain(key)
        return self._explanations[pos]

    def _check_row(self, row: int) -> int:
        n = self._sorted.size
        if isinstance(row, bool) or not 0 <= int(row) < n:
            raise ParameterError(f"No row at position {row!r}; positions go from 0 to {n - 1}.")
        return int(row)

    def _feedback_state(self) -> dict[str, int]:
        return feedback_positions(self._result)

    def _state(self) -> dict[str, Any]:
        names = ("title", "summary", "notes", "n_rows", "n_flagged", "rows", "columns",
                 "feedback", "selected_row", "selected_label", "explanation_text", "code",
                 "score_format")
        return {name: getattr(self, name) for name in names}
