"""Static snapshots of the panels: what anyone without the live widget sees.

A panel is displayed as two outputs: the live widget, then this snapshot (``text/html`` with
the charts as PNG images, and ``text/plain``). The snapshot is a *display* with an id: the
panel updates it whenever its state changes (threshold, marks, selection), so the notebook
file always holds a picture of what the user last saw. Who shows what:

- JupyterLab and Notebook 7 with the widget drawn (a running kernel, or the widget state
  saved with the notebook): the live panel; the panel's stylesheet hides the snapshot after it.
- The same, reopened without widget state (the widget shows "Error displaying widget: model
  not found"): the snapshot, whose own style hides that error.
- An untrusted notebook (executed elsewhere), nbconvert's HTML, a code host's notebook viewer:
  the snapshot (they do not draw the widget, or cannot load its JavaScript offline).

The HTML is built by the one static renderer (:mod:`jupyter_ad.report._static`), so values
look as in the panel and the report. Inline styles only (sanitisers of untrusted output keep
those), JupyterLab's CSS variables with light fallbacks.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.report._static import chart_image, esc, format_value, html_table

__all__ = ["SNAPSHOT_POINTS", "SNAPSHOT_ROWS", "detection_job", "detection_snapshot",
           "detection_text", "snapshot_bundle", "snapshot_html", "with_params"]

SNAPSHOT_ROWS = 20

# In JupyterLab / Notebook 7, hide the "Error displaying widget" line the widget output just
# above shows when its state is gone: this snapshot replaces it.
# (:has() cannot nest, so the error's own element is hidden, not its output area.)
_HIDE_ERROR = ("<style>.jp-OutputArea-child:has(+ .jp-OutputArea-child .jupyter-ad-snapshot)"
               " > .jp-OutputArea-output.jupyter-widgets:not(:has(*)){display:none}</style>")
_BOX = ("font-family:var(--jp-ui-font-family,system-ui,sans-serif);font-size:13px;"
        "color:var(--jp-ui-font-color1,#1f2328);max-width:1100px")
_PRE = ("white-space:pre-wrap;background:var(--jp-layout-color2,#f3f4f6);padding:6px 8px;"
        "border-radius:4px;margin:4px 0;font-family:inherit")
_NOTE = "color:var(--jp-ui-font-color2,#59636e);font-size:12px"


def snapshot_html(title: str, summary: str, sections: Sequence[tuple[str, str]], *,
                  note: str = "") -> str:
    """A self-contained HTML block: a title, the summary, then ``(heading, html)`` sections."""
    parts = [_HIDE_ERROR,
             f"<div class='jupyter-ad-snapshot' style='{_BOX}'>"
             f"<div style='font-weight:600;font-size:14px;margin:4px 0'>{esc(title)}</div>"
             f"<pre style='{_PRE}'>{esc(summary)}</pre>"]
    for heading, body in sections:
        parts.append(f"<div style='margin-top:6px'><strong>{esc(heading)}</strong></div>{body}")
    parts.append(f"<div style='{_NOTE};margin-top:6px'>Static snapshot of the jupyter-ad "
                 f"panel{esc(note)}. Run the cell for the interactive panel.</div></div>")
    return "".join(parts)


def snapshot_bundle(html_text: str, text: str) -> dict[str, str]:
    """The mimebundle of a snapshot output: its HTML and a plain-text version."""
    return {"text/html": html_text, "text/plain": text}


def detection_snapshot(state: Mapping[str, Any], *, threshold: float,
                       charts: Sequence[tuple[dict[str, Any], str]] = (),
                       rows: int = SNAPSHOT_ROWS) -> str:
    """The static HTML of a DetectionPanel: what it shows, including the user's marks.

    Parameters
    ----------
    state : mapping
        The panel's synced state: ``title``, ``summary``, ``notes``, ``n_rows``,
        ``n_flagged``, ``rows``, ``columns``, ``feedback``, ``selected_row``,
        ``selected_label``, ``explanation_text``, ``code``, ``score_format``.
    threshold : float
        The threshold shown.
    charts : sequence of (Vega-Lite dict, description)
        Drawn as PNG images (empty while the panel is still computing them).
    rows : int
        Rows of the table shown.
    """
    n, k = int(state["n_rows"]), int(state["n_flagged"])
    shown_threshold = format_value(threshold, state["score_format"])
    share = f"{k / n:.1%}" if n else "0.0%"
    lines = [str(state["summary"])]
    notes = list(state.get("notes") or [])
    if notes:
        lines.append("Notes: " + " ".join(notes))
    feedback = dict(state.get("feedback") or {})
    sections: list[tuple[str, str]] = []
    images = "".join(chart_image(spec, alt_text=text, scale=1.0) for spec, text in charts)
    if images:
        sections.append(("Charts", f"<div style='display:flex;flex-wrap:wrap;gap:12px'>"
                                   f"{images}</div>"))
    sections.append((f"The {min(rows, len(state['rows']))} highest-scoring rows "
                     "(flagged rows marked red)",
                     _table(state["rows"][:rows], state["columns"], feedback, threshold)))
    if int(state.get("selected_row", -1)) >= 0 and state.get("explanation_text"):
        sections.append((f"Selected row {state.get('selected_label', '')}",
                         f"<div>{esc(state['explanation_text'])}</div>"))
    yes = sum(1 for v in feedback.values() if v == 1)
    no = sum(1 for v in feedback.values() if v == 0)
    if yes or no:
        sections.append(("Marks", f"<div>Marked in the panel: {yes} as true "
                                  f"{'anomaly' if yes == 1 else 'anomalies'}, {no} as normal "
                                  "(kept in <code>res.feedback</code>).</div>"))
    sections.append(("Python", f"<pre style='{_PRE};font-family:var(--jp-code-font-family,"
                               f"monospace);font-size:12px'>{esc(state['code'])}</pre>"))
    title = (f"{state['title']} · threshold {shown_threshold} · {k:,} of {n:,} rows flagged "
             f"({share})")
    return snapshot_html(title, "\n".join(lines), sections)


SNAPSHOT_POINTS = 2000  # scatter points in the snapshot's picture (the live view has more)


def detection_job(state: Mapping[str, Any], *, threshold: float,
                  specs: tuple[dict[str, Any], dict[str, Any]]
                  ) -> Callable[[], dict[str, str]]:
    """A function that draws a DetectionPanel's snapshot from a copy of its state.

    ``specs`` are the panel's histogram and scatter specifications; the function sets their
    threshold, selected-row and mark parameters to the state's, thins the scatter to
    :data:`SNAPSHOT_POINTS` and draws them. It reads nothing else, so it can run in another
    thread while the user goes on.
    """
    marked: tuple[list[int], list[int]] = ([], [])
    for row, value in dict(state.get("feedback") or {}).items():
        if value in (0, 1):
            marked[int(value)].append(int(row))
    values = {"threshold": threshold, "selected_row": int(state["selected_row"]),
              "marked_anomaly": sorted(marked[1]), "marked_normal": sorted(marked[0])}

    def build() -> dict[str, str]:
        charts = []
        if specs[0]:
            charts.append((with_params(specs[0], values), "Histogram of the anomaly scores"))
        if specs[1]:
            charts.append((with_params(specs[1], values, max_rows=SNAPSHOT_POINTS),
                           "Scatter of the rows by anomaly score"))
        html = detection_snapshot(state, threshold=threshold, charts=charts)
        return snapshot_bundle(html, detection_text(state, threshold=threshold))

    return build


def with_params(spec: dict[str, Any], values: Mapping[str, Any], *,
                max_rows: int | None = None) -> dict[str, Any]:
    """A copy of a Vega-Lite ``spec`` with parameter values set and its rows thinned.

    ``max_rows`` keeps the highest-scoring half of the budget and an even spread of the
    other rows of every inline dataset that has a ``score`` field.
    """
    out = copy.deepcopy(spec)
    for param in out.get("params", []):
        if param.get("name") in values:
            param["value"] = values[param["name"]]
    if max_rows is not None:
        for name, data in list(out.get("datasets", {}).items()):
            if len(data) > max_rows and data and "score" in data[0]:
                order = sorted(range(len(data)), key=lambda i: -float(data[i]["score"] or 0))
                top, rest = order[:max_rows // 2], order[max_rows // 2:]
                step = len(rest) / (max_rows - len(top))
                keep = set(top) | {rest[int(j * step)] for j in range(max_rows - len(top))}
                out["datasets"][name] = [data[i] for i in sorted(keep)]
    return out


def detection_text(state: Mapping[str, Any], *, threshold: float) -> str:
    """The plain-text version of the snapshot (for viewers that show only text)."""
    shown = format_value(threshold, state["score_format"])
    return (f"{state['title']}: threshold {shown}, {int(state['n_flagged']):,} of "
            f"{int(state['n_rows']):,} rows flagged.\n{state['summary']}")


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[Mapping[str, Any]],
           feedback: Mapping[str, int], threshold: float) -> str:
    marks = {1: "✔ anomaly", 0: "✘ normal"}
    frame = pd.DataFrame({"mark": [marks.get(int(feedback[str(r["row"])]), "")
                                   if str(r["row"]) in feedback else "" for r in rows]})
    formats: dict[str, Any] = {"mark": {"kind": "text"}}
    for col in columns:
        frame[col["name"]] = [r.get(col["key"]) for r in rows]
        formats[col["name"]] = col["format"]
    if not rows:
        return "<div>(no rows)</div>"
    flagged = [bool(np.float64(r["score"]) > threshold) if r.get("score") is not None
               else False for r in rows]
    return html_table(frame, formats=formats, highlight=flagged, inline_styles=True)

