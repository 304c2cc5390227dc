"""The HTML report of a detector comparison: :func:`write_comparison_html`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jupyter_ad.errors import ParameterError
from jupyter_ad.report._page import Page, esc, report_path, table, write_atomic
from jupyter_ad.report._static import leaderboard_formats

__all__ = ["render_comparison_html", "write_comparison_html"]

_METRIC_NOTES = {
    "average_precision": "Ranked by average precision against the labels (1 = every labelled "
                         "anomaly scores above every normal row).",
    "agreement": "No labels: ranked by agreement, the mean rank correlation of a detector's "
                 "scores with the other detectors' (detectors that agree with the rest are "
                 "the safer bet).",
}


def write_comparison_html(comparison: Any, path: str | os.PathLike[str], *,
                          title: str | None = None) -> Path:
    """Write a one-file HTML report of :func:`jupyter_ad.compare`, to open offline.

    It holds the leaderboard table, the leaderboard chart, ROC and precision-recall curves
    (when the comparison had labels) and the agreement heatmap, with the JavaScript that draws
    them embedded. The file is written atomically (temporary file, then rename).

    Parameters
    ----------
    comparison : ComparisonResult
        From :func:`jupyter_ad.compare`.
    path : str or os.PathLike
        The ``.html`` file to write (replaced if it exists).
    title : str, optional
        Heading of the report; default "Detector comparison".

    Returns
    -------
    Path
        The file written.
    """
    target = report_path(path)
    return write_atomic(target, render_comparison_html(comparison, title=title))


def render_comparison_html(comparison: Any, *, title: str | None = None) -> str:
    """The HTML text that :func:`write_comparison_html` writes."""
    if title is not None and not isinstance(title, str):
        raise ParameterError(f"title must be a str or None, got {title!r}.")
    frame = comparison.to_frame()
    page = Page(title or "Detector comparison")
    n_rows = len(comparison.index)
    cards = [("detectors", f"{len(frame):,}"), ("rows", f"{n_rows:,}"),
             ("best", comparison.best), ("ranked by", comparison.metric)]
    html_cards = "".join(f"<div class='card'><div class='value'>{esc(v)}</div>"
                         f"<div class='label'>{esc(k)}</div></div>" for k, v in cards)
    note = _METRIC_NOTES.get(comparison.metric, "")
    page.add(f"<section id='summary'><h2>Summary</h2><div class='cards'>{html_cards}</div>"
             f"<p>Best detector: <strong>{esc(comparison.best)}</strong>. {esc(note)}</p>"
             f"<p class='note'>Use it with ad.detect(data, algorithm={esc(repr(comparison.best))})"
             ".</p></section>")
    page.add("<section id='leaderboard'><h2>Leaderboard</h2>")
    page.add(table(frame, index="detector", formats=leaderboard_formats(frame)))
    page.chart(comparison.plot("leaderboard", metric=comparison.metric),
               label=f"Leaderboard by {comparison.metric}")
    page.add("</section>")
    if comparison.labels is not None:
        page.add("<section id='curves'><h2>ROC and precision-recall curves</h2>"
                 "<p class='note'>On the labelled rows; the closer to the top-left (ROC) or "
                 "top-right (PR) corner, the better.</p>")
        page.chart(comparison.plot("curves"), label="ROC and precision-recall curves")
        page.add("</section>")
    if len(frame) > 1:
        page.add("<section id='agreement'><h2>Agreement</h2><p class='note'>Spearman rank "
                 "correlation of each pair of detectors' scores (1 = same ranking).</p>")
        page.chart(comparison.plot("agreement"), label="Agreement heatmap")
        page.add("</section>")
    return page.render()
