"""ChartView: one Altair chart in the notebook, offline, with a PNG next to the live view.

``jupyter_ad.charts.enable_notebook()`` makes this Altair's renderer: every chart a cell
shows (``res.plot()``, ``expl.plot()``, ``cmp.plot(...)``, your own) becomes one output holding

- the live chart: a :class:`ChartView` widget drawn by the shared chart library
  (:class:`~jupyter_ad.widgets.VegaRuntime`: offline, one copy per kernel; tooltips work);
- ``image/png``: the same chart drawn in the kernel by vl-convert, which notebook viewers,
  untrusted notebooks and a reopened notebook without its widget state show instead;
- ``text/plain``: one line saying what the chart is.
"""

from __future__ import annotations

import base64
from typing import Any

import anywidget
import traitlets

from jupyter_ad.widgets._assets import asset, module
from jupyter_ad.widgets._output import widget_bundle
from jupyter_ad.widgets._runtime import runtime, runtime_trait

__all__ = ["ChartView", "chart_bundle", "renderer"]


class ChartView(anywidget.AnyWidget):  # type: ignore[misc]
    """One Vega-Lite chart (``spec``) drawn with the shared chart library."""

    _esm = module("chart_view.js")
    _css = asset("panel.css")

    spec = traitlets.Dict().tag(sync=True)
    description = traitlets.Unicode("chart").tag(sync=True)
    runtime = runtime_trait()


def chart_bundle(chart: Any) -> dict[str, Any]:
    """The mimebundle of one chart (an Altair chart or a Vega-Lite dict): live view + PNG."""
    from jupyter_ad.report._static import chart_png

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    title = _title(spec)
    view = ChartView(spec=spec, description=title or "chart", runtime=runtime())
    bundle, _ = widget_bundle(view)
    try:
        bundle["image/png"] = base64.b64encode(chart_png(spec, scale=1.0)).decode("ascii")
    except Exception as exc:  # the live chart still shows; say why the picture is missing
        title = f"{title} (no static image: {exc})"
    bundle["text/plain"] = f"<chart: {title or 'Vega-Lite chart'}>"
    return bundle


def renderer(spec: dict[str, Any], **_metadata: Any) -> dict[str, Any]:
    """An Altair renderer (``alt.renderers.register``): :func:`chart_bundle` of ``spec``."""
    return chart_bundle(spec)


def _title(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title) if title else ""
