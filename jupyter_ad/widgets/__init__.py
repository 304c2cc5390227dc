"""Interactive panels for the notebook: :class:`DetectionPanel` and :class:`ComparisonPanel`.

Each is an anywidget whose front end (``js/src``) draws the tables and controls and, with one
shared copy of Vega (:class:`VegaRuntime`, bundled offline by vl-convert), the charts; nothing
is fetched from a CDN. Python holds the state. Displayed, a panel shows the live widget and a
static snapshot kept in sync with it, so a saved notebook shows what the user last saw in any
viewer. :class:`ChartView` draws one Altair chart the same way (``charts.enable_notebook()``).

This package imports ipywidgets and anywidget; Altair is imported when charts are drawn, and
``import jupyter_ad`` imports none of them.
"""

from __future__ import annotations

from jupyter_ad.widgets._chart import ChartView
from jupyter_ad.widgets._runtime import VegaRuntime
from jupyter_ad.widgets.comparison_panel import ComparisonPanel, ComparisonView
from jupyter_ad.widgets.detection_panel import DetectionPanel
from jupyter_ad.widgets.monitor_panel import MonitorPanel

__all__ = ["ChartView", "ComparisonPanel", "ComparisonView", "DetectionPanel", "MonitorPanel",
           "VegaRuntime"]
