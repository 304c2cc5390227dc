"""Interactive panels for the notebook: :class:`DetectionPanel` and :class:`ComparisonPanel`.

Both are ipywidgets containers of an anywidget and offline Altair ``JupyterChart`` views
(JavaScript shipped in the package or bundled by vl-convert; nothing is fetched from a CDN).
Python holds the state. Their display output also carries a static ``text/html`` snapshot,
shown by a saved notebook reopened without a kernel.

This package imports ipywidgets, anywidget and altair; ``import jupyter_ad`` does not.
"""

from __future__ import annotations

from jupyter_ad.widgets._controls import PanelControls
from jupyter_ad.widgets.comparison_panel import ComparisonPanel
from jupyter_ad.widgets.detection_panel import DetectionPanel
from jupyter_ad.widgets.monitor_panel import MonitorPanel

__all__ = ["ComparisonPanel", "DetectionPanel", "MonitorPanel", "PanelControls"]
