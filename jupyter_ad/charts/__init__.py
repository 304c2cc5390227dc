"""Altair charts of detection results: pure functions that return chart values.

Every function here builds and returns an Altair chart; nothing is displayed or saved. The
payloads are bounded whatever the number of rows: histograms are binned in Python, scatters
sample (always keeping the top anomalies), curves are downsampled.

This package imports :mod:`altair`; the detection core never imports it, and callers (such as
:meth:`jupyter_ad.DetectionResult.plot`) import it lazily, so ``import jupyter_ad`` stays light.

Rendering in notebooks
----------------------
Altair 6 emits Vega-Lite v6 specifications, which the ``application/vnd.vegalite`` mimetype
renderer bundled with JupyterLab 4.6 cannot draw, and Altair's default renderer loads its
JavaScript from a CDN. :func:`enable_notebook` makes every chart a cell shows an offline live
chart with a PNG image beside it (for notebook viewers and saved notebooks)::

    from jupyter_ad import charts

    charts.enable_notebook()
    res.plot()                                # live chart + PNG in one output

To sync parameters and selections back to Python, use Altair's own widget::

    import altair as alt

    charts.enable_offline()                  # JupyterChart's JavaScript from vl-convert
    widget = alt.JupyterChart(charts.score_histogram(res))
    widget.params.threshold = 0.8             # moves the rule, recolours the bars
"""

from __future__ import annotations

from jupyter_ad.charts.compare import agreement_heatmap, comparison_bars
from jupyter_ad.charts.contributions import feature_contributions
from jupyter_ad.charts.curves import roc_pr_curves, threshold_tradeoff
from jupyter_ad.charts.monitor import monitor_chart
from jupyter_ad.charts.scatter import score_scatter
from jupyter_ad.charts.scores import overview, score_histogram
from jupyter_ad.errors import OptionalDependencyError

__all__ = [
    "agreement_heatmap",
    "comparison_bars",
    "enable_notebook",
    "enable_offline",
    "feature_contributions",
    "monitor_chart",
    "overview",
    "roc_pr_curves",
    "score_histogram",
    "score_scatter",
    "threshold_tradeoff",
]


def enable_notebook() -> None:
    """Show Altair charts in the notebook offline, each with a static PNG beside the live view.

    Registers and enables the Altair renderer ``"jupyter-ad"``
    (:func:`jupyter_ad.widgets._chart.renderer`): a chart displayed by a cell becomes one
    output holding the live chart (drawn by the panels' shared, offline chart library), a PNG
    drawn in the kernel by vl-convert (what notebook viewers, untrusted notebooks and nbconvert
    without widget state show) and a line of text. ``alt.renderers.enable("default")`` undoes
    it.

    Raises
    ------
    OptionalDependencyError
        If ``vl-convert-python`` or ``anywidget`` is not installed.
    """
    try:
        import altair as alt

        from jupyter_ad.widgets._chart import renderer
    except ImportError as exc:
        raise OptionalDependencyError(
            "Notebook charts need vl-convert-python and anywidget: "
            "pip install vl-convert-python anywidget") from exc
    alt.renderers.register("jupyter-ad", renderer)
    alt.renderers.enable("jupyter-ad")


def enable_offline() -> None:
    """Make ``alt.JupyterChart`` load its JavaScript from vl-convert, with no network access.

    Raises
    ------
    OptionalDependencyError
        If ``vl-convert-python`` or ``anywidget`` is not installed.
    """
    try:
        import altair as alt

        alt.JupyterChart.enable_offline(True)
    except ImportError as exc:
        raise OptionalDependencyError(
            "Offline charts need vl-convert-python and anywidget: "
            "pip install vl-convert-python anywidget") from exc
