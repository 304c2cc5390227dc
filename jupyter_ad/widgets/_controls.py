"""PanelControls: the anywidget holding the interactive, non-chart part of a DetectionPanel."""

from __future__ import annotations

import anywidget
import traitlets

from jupyter_ad.widgets._assets import asset

__all__ = ["PanelControls"]


class PanelControls(anywidget.AnyWidget):
    """Summary, threshold slider, flagged count, top-anomalies table, selected-row explanation,
    feedback buttons and the copy-as-code box.

    State lives here, in Python; the front end (``js/detection_panel.js``) draws it and writes
    back only ``threshold`` and ``selected_row``, plus a ``{"kind": "feedback", "row": int,
    "value": 0 | 1}`` message when a feedback button is pressed. :class:`DetectionPanel`
    observes these and updates the detection result.

    Payload bound: ``rows`` holds at most the table size (50 rows by default) and the other
    traits are short texts and numbers, whatever the number of scored rows.
    """

    _esm = asset("detection_panel.js")
    _css = asset("detection_panel.css")

    summary = traitlets.Unicode("").tag(sync=True)
    threshold = traitlets.Float(0.0).tag(sync=True)
    score_min = traitlets.Float(0.0).tag(sync=True)
    score_max = traitlets.Float(1.0).tag(sync=True)
    n_rows = traitlets.Int(0).tag(sync=True)
    n_flagged = traitlets.Int(0).tag(sync=True)
    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    columns = traitlets.List(traitlets.Unicode()).tag(sync=True)
    table_note = traitlets.Unicode("").tag(sync=True)
    selected_row = traitlets.Int(-1).tag(sync=True)
    selected_label = traitlets.Unicode("").tag(sync=True)
    explanation_text = traitlets.Unicode("").tag(sync=True)
    feedback = traitlets.Dict().tag(sync=True)
    code = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
