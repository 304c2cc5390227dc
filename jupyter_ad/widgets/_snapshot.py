"""Static HTML of a panel: what a saved notebook shows when its widgets cannot be redrawn.

JupyterLab 4.6 does not redraw saved widget state when a notebook is reopened; it shows the
richest other representation of the output instead. The panels put this HTML, with the
charts as inline SVG (rendered in the kernel by vl-convert, no JavaScript), next to their
widget view.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

__all__ = ["SnapshotVBox", "chart_svg", "detection_snapshot", "html_table", "snapshot_html"]

SNAPSHOT_ROWS = 20


class SnapshotVBox(widgets.VBox):  # type: ignore[misc]
    """A ``VBox`` whose display output also carries its static ``snapshot_html()``."""

    def snapshot_html(self) -> str:  # pragma: no cover - every panel overrides it
        """Static HTML of the panel."""
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/html"] = self.snapshot_html()
        return bundle
_STYLE = ("font-family:sans-serif;font-size:13px;border-collapse:collapse;"
          "margin:4px 0 8px 0")
_CELL = "border:1px solid #ddd;padding:2px 6px;text-align:right"


def chart_svg(chart: Any) -> str:
    """The Altair ``chart`` as an ``<img>`` holding its SVG (rendered by vl-convert).

    An image with a ``data:`` URI rather than inline ``<svg>``: JupyterLab's HTML sanitizer,
    applied to the outputs of untrusted notebooks, removes inline SVG but keeps images.
    """
    try:
        import vl_convert as vlc
        from altair.utils._importers import vl_version_for_vl_convert

        svg = str(vlc.vegalite_to_svg(chart.to_dict(), vl_version=vl_version_for_vl_convert()))
    except Exception as exc:  # a snapshot must never break the display of the live panel
        return f"<p><em>(chart not rendered: {html.escape(str(exc))})</em></p>"
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="jupyter-ad-chart" alt="chart" src="data:image/svg+xml;base64,{data}"/>'


def html_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *,
               highlight: Any = None) -> str:
    """An HTML table of ``rows`` (dicts) with the given ``columns``.

    ``highlight(row) -> bool`` marks rows with a red left border (the flagged ones).
    """
    head = "".join(f'<th style="{_CELL};background:#eee">{html.escape(str(c))}</th>'
                   for c in columns)
    body = []
    for row in rows:
        mark = highlight(row) if highlight is not None else False
        style = "background:#fbeaea" if mark else ""
        cells = "".join(f'<td style="{_CELL}">{html.escape(_text(row.get(c)))}</td>'
                        for c in columns)
        body.append(f'<tr style="{style}">{cells}</tr>')
    return (f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def snapshot_html(title: str, summary: str, sections: Sequence[tuple[str, str]]) -> str:
    """A self-contained HTML block: a title, the summary text, then (heading, html) sections."""
    parts = [f'<div class="jupyter-ad-snapshot" style="font-family:sans-serif">'
             f'<h4 style="margin:4px 0">{html.escape(title)}</h4>'
             f'<pre style="white-space:pre-wrap;background:#f3f3f3;padding:6px">'
             f"{html.escape(summary)}</pre>"]
    for heading, body in sections:
        parts.append(f'<div><strong>{html.escape(heading)}</strong></div>{body}')
    parts.append('<div style="color:#666;font-size:11px">Static snapshot; run the cell again '
                 "for the interactive panel.</div></div>")
    return "".join(parts)


def detection_snapshot(result: Any, controls: Any, *, bins: int = 40) -> str:
    """The static HTML of a DetectionPanel showing ``result`` through ``controls``."""
    from jupyter_ad import charts

    t = float(result.threshold)
    hist = charts.score_histogram(result, bins=bins, threshold_param=False)
    rows = list(controls.rows)[:SNAPSHOT_ROWS]
    table = html_table(rows, controls.columns,
                       highlight=lambda r: (r.get("score") or -math.inf) > t)
    return snapshot_html(
        f"jupyter-ad: {result.algorithm}, threshold {t:.4g}, "
        f"{controls.n_flagged:,} of {controls.n_rows:,} rows flagged",
        controls.summary,
        [("Score histogram", chart_svg(hist)),
         (f"The {len(rows)} highest-scoring rows (flagged ones shaded)", table),
         ("Reproduce", f"<pre>{html.escape(controls.code)}</pre>")])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
