"""Altair charts of detection results: pure functions that return chart values.

Every function here builds and returns an Altair chart; nothing is displayed or saved. The
payloads are bounded whatever the number of rows: histograms are binned in Python, scatters
sample (always keeping the top anomalies), curves are downsampled.

This package imports :mod:`altair`; the detection core never imports it, and callers (such as
:meth:`jupyter_ad.DetectionResult.plot`) import it lazily, so ``import jupyter_ad`` stays light.

Rendering in notebooks
----------------------
Altair 6 emits Vega-Lite v6 specifications, which the ``application/vnd.vegalite`` mimetype
renderer bundled with JupyterLab 4.6 cannot draw. Show charts through Altair's widget instead,
which also syncs parameters and selections back to Python::

    import altair as alt
    from jupyter_ad import charts

    charts.enable_offline()                  # JavaScript from vl-convert: no CDN needed
    widget = alt.JupyterChart(charts.score_histogram(res))
    widget                                    # display it
    widget.params.threshold = 0.8             # moves the rule, recolours the bars

or switch the default renderer once with ``alt.renderers.enable("jupyter", offline=True)``.
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
    "enable_offline",
    "feature_contributions",
    "monitor_chart",
    "overview",
    "roc_pr_curves",
    "score_histogram",
    "score_scatter",
    "threshold_tradeoff",
]


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
