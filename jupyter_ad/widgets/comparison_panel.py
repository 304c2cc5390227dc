"""ComparisonPanel: the leaderboard of one :func:`jupyter_ad.compare` run, to explore."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from jupyter_ad.errors import ParameterError
from jupyter_ad.report._static import esc, html_table, leaderboard_formats
from jupyter_ad.widgets._assets import asset, module
from jupyter_ad.widgets._output import SnapshotOutputs
from jupyter_ad.widgets._runtime import runtime, runtime_trait
from jupyter_ad.widgets._snapshot import snapshot_bundle, snapshot_html
from jupyter_ad.widgets._table import json_value

__all__ = ["ComparisonPanel", "ComparisonView"]

_FIRST = ("detector", "roc_auc", "average_precision", "agreement", "f1", "precision",
          "recall", "precision_at_k", "stability", "n_flagged")


class ComparisonView(anywidget.AnyWidget):  # type: ignore[misc]
    """The leaderboard table and charts of a :class:`ComparisonPanel` (its front end).

    State: ``rows``/``columns`` (the leaderboard, raw values and formats), ``selected``
    (a detector name, written back by the browser when a row or a bar is clicked), the
    chart specifications and the shared chart library (``runtime``).
    """

    _esm = module("comparison_panel.js")
    _css = asset("panel.css")

    title = traitlets.Unicode("").tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)
    columns = traitlets.List(traitlets.Dict()).tag(sync=True)
    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    bars_spec = traitlets.Dict().tag(sync=True)
    agreement_spec = traitlets.Dict().tag(sync=True)
    curves_spec = traitlets.Dict().tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    runtime = runtime_trait()


class ComparisonPanel(SnapshotOutputs, widgets.VBox):  # type: ignore[misc]
    """Sortable leaderboard, metric bars, agreement heatmap and ROC/PR curves (with labels).

    Click a detector (in the table or on its bar) to open its detection panel below the
    leaderboard, computed with the same options as the comparison, with the comparison's
    threshold. The choice is available in Python as ``panel.selected`` and
    ``cmp.selected`` (the comparison result's attribute), the opened panel as
    ``panel.detection`` and its result as ``panel.results[name]``.

    Displayed, it shows in two outputs like :class:`DetectionPanel`: the live panel and a
    static snapshot kept in sync.

    Parameters
    ----------
    comparison : ComparisonResult
        From :func:`jupyter_ad.compare`.
    data : DataFrame, optional
        The data compared: needed to open a detector's detection panel.
    options : mapping, optional
        The options the comparison was run with (``contamination``, ``features``,
        ``exclude``, ``params``, ``labels``, ``random_state``), used to run the detector
        the same way.
    notes : sequence of str, optional
        Routine notices to show above the leaderboard.

    Attributes
    ----------
    comparison : ComparisonResult
    view : ComparisonView
        The anywidget with the table and the charts.
    detail : ipywidgets.Box
        Holds the selected detector's :class:`DetectionPanel`.
    """

    def __init__(self, comparison: Any, *, data: Any = None,
                 options: Mapping[str, Any] | None = None, notes: Any = ()) -> None:
        if not hasattr(comparison, "to_frame") or not hasattr(comparison, "agreement"):
            raise ParameterError("ComparisonPanel needs a ComparisonResult (from ad.compare), "
                                 f"got {type(comparison).__name__}.")
        self.comparison = comparison
        self._data = data
        self._options = dict(options or {})
        self.results: dict[str, Any] = {}
        self.detection: Any = None
        self._charts: dict[str, Any] = {}
        rows, columns = leaderboard_rows(comparison)
        note = " ".join(str(n) for n in notes)
        self.view = ComparisonView(title=self._title(len(rows)), rows=rows, columns=columns,
                                   note=note)
        self.detail = widgets.Box(layout=widgets.Layout(flex_flow="column"))
        super().__init__(children=[self.view, self.detail])
        self.add_class("jupyter-ad-comparison-panel")
        self.view.observe(self._on_selected, names="selected")

    # -- public API -----------------------------------------------------------------------------
    @property
    def selected(self) -> str | None:
        """The detector chosen in the panel, or None."""
        return self.view.selected or None

    def select(self, name: str | None) -> None:
        """Choose a detector (None clears): opens its detection panel when data was given."""
        if name is not None and name not in self.comparison.scores:
            raise ParameterError(f"No detector {name!r} in this comparison; detectors: "
                                 f"{', '.join(self.comparison.scores)}.")
        self.view.selected = name or ""

    def render_charts(self) -> None:
        """Compute the charts and load the chart library (displaying the panel does it)."""
        if self._charts:
            return
        self.view.status = "Drawing charts…"
        try:
            metric = self.comparison.metric
            self._charts["bars"] = self.comparison.plot("leaderboard", metric=metric)
            self._charts["agreement"] = self.comparison.plot("agreement")
            if self.comparison.labels is not None:
                self._charts["curves"] = self.comparison.plot("curves")
            with self.view.hold_sync():
                self.view.bars_spec = self._charts["bars"].to_dict()
                self.view.agreement_spec = self._charts["agreement"].to_dict()
                if "curves" in self._charts:
                    self.view.curves_spec = self._charts["curves"].to_dict()
                self.view.runtime = runtime()
        finally:
            self.view.status = ""

    # -- display --------------------------------------------------------------------------------
    def after_display(self) -> None:
        """Charts follow the first paint; then the snapshot gets their images."""
        try:
            self.render_charts()
        except Exception as exc:
            self.view.error = f"The charts could not be drawn: {type(exc).__name__}: {exc}"
        self.refresh_snapshot()

    def plain_text(self) -> str:
        """Where widgets are not drawn: one line (the snapshot below says the rest)."""
        return (f"jupyter-ad comparison panel ({len(self.comparison.scores)} detectors): "
                "interactive when the cell runs; the static snapshot is the next output.")

    def snapshot_job(self) -> Callable[[], dict[str, str]]:
        """A function drawing the snapshot of the panel as it is now (thread-safe)."""
        frame = self.comparison.to_frame()
        title = self.view.title
        selected = self.view.selected
        specs = [(self.view.bars_spec, "Metric by detector"),
                 (self.view.curves_spec, "ROC and precision-recall curves"),
                 (self.view.agreement_spec, "Rank agreement between detectors")]

        def build() -> dict[str, str]:
            from jupyter_ad.report._static import chart_image

            table = html_table(frame, formats=leaderboard_formats(frame), index="detector",
                               highlight=[str(d) == selected for d in frame.index],
                               inline_styles=True)
            sections = [("Leaderboard", table)]
            sections += [(text, chart_image(spec, alt_text=text, scale=1.0))
                         for spec, text in specs if spec]
            if selected:
                sections.append(("Selected", f"<div>{esc(selected)}</div>"))
            html = snapshot_html(title, f"Best detector: {self.comparison.best}", sections)
            return snapshot_bundle(html, f"{title}\n{frame.to_string()}")

        return build

    # -- events ---------------------------------------------------------------------------------
    def _title(self, n: int) -> str:
        return (f"jupyter-ad · {n} detector{'s' if n != 1 else ''} compared by "
                f"{self.comparison.metric.replace('_', ' ')} · best: {self.comparison.best}")

    def _on_selected(self, change: dict[str, Any]) -> None:
        name = str(change["new"]) or None
        try:
            self._open(name)
        except Exception as exc:
            self.view.error = f"{type(exc).__name__}: {exc}"
        else:
            self.view.error = ""
        self.schedule_snapshot()

    def _open(self, name: str | None) -> None:
        self.comparison.selected = name  # the selection, in Python, on the result itself
        if name is None:
            self.detail.children = ()
            self.detection = None
            return
        if self._data is None:
            self.view.status = (f"{name} selected. Pass data= to ComparisonPanel (or use "
                                "%ad_compare) to open its detection panel here.")
            return
        from jupyter_ad.widgets.detection_panel import DetectionPanel

        self.view.status = f"Opening the detection panel of {name}…"
        try:
            if name not in self.results:
                self.results[name] = self._detect(name)
            self.detection = DetectionPanel(self.results[name], var_name=f"cmp_{name}")
            self.detail.children = (self.detection,)
            self.detection.render_charts()
        finally:
            self.view.status = ""

    def _detect(self, name: str) -> Any:
        import jupyter_ad as ad

        options = self._options
        exclude = list(options.get("exclude") or [])
        labels = options.get("labels")
        if isinstance(labels, str):
            exclude.append(labels)
        params = (options.get("params") or {}).get(name)
        kwargs: dict[str, Any] = {"algorithm": name, "features": options.get("features"),
                                  "exclude": exclude or None, "params": params}
        if options.get("contamination") is not None:
            kwargs["contamination"] = options["contamination"]
        if options.get("random_state") is not None:
            kwargs["random_state"] = options["random_state"]
        res = ad.detect(self._data, **kwargs)
        threshold = self.comparison.thresholds.get(name)
        if threshold is not None:
            res.threshold = float(threshold)  # the comparison's, so the counts agree
        return res


def leaderboard_rows(comparison: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The leaderboard as JSON-safe rows (best first) and its columns with their formats."""
    table = comparison.to_frame()
    formats = leaderboard_formats(table)
    frame = table.reset_index()
    frame.columns = [str(c) for c in frame.columns]
    order = [c for c in _FIRST if c in frame.columns] + [
        c for c in frame.columns if c not in _FIRST]
    rows = [{c: json_value(v) for c, v in record.items()}
            for record in frame[order].to_dict(orient="records")]
    columns = [{"name": c.replace("_", " "), "key": c,
                "format": formats.get(c, {"kind": "text"}) if c != "detector"
                else {"kind": "text"}} for c in order]
    return rows, columns

