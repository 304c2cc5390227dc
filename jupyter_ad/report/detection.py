"""The HTML report of one detection run: :func:`write_html`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.errors import JupyterADError, ParameterError
from jupyter_ad.report._page import Page, esc, fmt, report_path, table, write_atomic
from jupyter_ad.report._static import explanation_frame, result_formats

__all__ = ["render_html", "write_html"]

_OUTPUT = ("score", "label", "confidence", "rank")


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ParameterError(f"{name} must be a whole number >= 0, got {value!r}.")
    return int(value)


def write_html(result: Any, path: str | os.PathLike[str], *, title: str | None = None,
               n_top: int = 20, n_explain: int = 5) -> Path:
    """Write a one-file HTML report of a detection result, to open in any browser, offline.

    The report holds the summary, interactive charts of the scores, the ``n_top`` most
    anomalous rows, and explanations (a sentence and a contribution chart) of the
    ``n_explain`` highest-scoring rows. The JavaScript that draws the charts is embedded, so
    the file needs no network; it is written atomically (temporary file, then rename).

    Parameters
    ----------
    result : DetectionResult
        From :func:`jupyter_ad.detect` or ``model.score(rows)``.
    path : str or os.PathLike
        The ``.html`` file to write (replaced if it exists).
    title : str, optional
        Heading of the report; default "Anomaly detection report".
    n_top : int, default 20
        Rows in the table of top anomalies.
    n_explain : int, default 5
        Rows to explain (0 for none; each takes a LIME run).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    ::

        import jupyter_ad as ad
        res = ad.detect(ad.datasets.load_transactions(), exclude=["is_anomaly"])
        res.to_html("report.html")  # PosixPath('report.html')
    """
    target = report_path(path)
    text = render_html(result, title=title, n_top=n_top, n_explain=n_explain)
    return write_atomic(target, text)


def render_html(result: Any, *, title: str | None = None, n_top: int = 20,
                n_explain: int = 5) -> str:
    """The HTML text that :func:`write_html` writes."""
    n_top, n_explain = _count("n_top", n_top), _count("n_explain", n_explain)
    if title is not None and not isinstance(title, str):
        raise ParameterError(f"title must be a str or None, got {title!r}.")
    page = Page(title or "Anomaly detection report")
    formats = result_formats(result)
    page.add(_summary(result, formats))
    page.add("<section id='charts'><h2>Scores</h2><p class='note'>Left: how the scores are "
             "distributed, with the threshold. Right: every row's score (a sample of at most a "
             "few thousand rows; the top anomalies are always drawn). Anomalies are red.</p>")
    page.chart(result.plot("overview"), label="Score histogram and scatter")
    page.add("</section>")
    if n_top:
        page.add(_top_table(result, n_top, formats))
    if n_explain:
        _explanations(page, result, n_explain, formats)
    page.add(_details(result, formats))
    return page.render()


def _summary(result: Any, formats: dict[str, Any]) -> str:
    n, k = len(result), result.n_anomalies
    cards = [("rows", f"{n:,}"), ("anomalies", f"{k:,}"),
             ("share", f"{k / n:.1%}" if n else "-"), ("detector", result.algorithm),
             ("threshold", fmt(result.threshold, _score(formats)))]
    html_cards = "".join(f"<div class='card'><div class='value'>{esc(v)}</div>"
                         f"<div class='label'>{esc(k_)}</div></div>" for k_, v in cards)
    lines = "".join(f"<p>{esc(line)}</p>" for line in result.summary().splitlines())
    return (f"<section id='summary'><h2>Summary</h2><div class='cards'>{html_cards}</div>"
            f"<div class='summary'>{lines}</div></section>")


def _top_table(result: Any, n_top: int, formats: dict[str, Any]) -> str:
    top = result.top(n_top)
    names = [c for c in top.columns if str(c).removesuffix("_ad") in _OUTPUT]
    ordered = top[[*names, *[c for c in top.columns if c not in names]]]
    label_col = "label_ad" if "label_ad" in ordered.columns else "label"
    flagged = ordered[label_col] == 1
    return (f"<section id='top'><h2>Top {len(top):,} rows by score</h2><p class='note'>"
            "Highest score first; rows marked red are labelled anomalies (label 1). "
            "Confidence is how sure the detector is of the label (0 to 1).</p>"
            f"{table(ordered, index='row', highlight=flagged, formats=formats)}</section>")


def _explanations(page: Page, result: Any, n_explain: int, formats: dict[str, Any]) -> None:
    from jupyter_ad.charts import feature_contributions
    from jupyter_ad.explain import explain_row

    order = np.argsort(-result.scores, kind="stable")[:n_explain]
    page.add("<section id='explanations'><h2>Why these rows?</h2><p class='note'>Each row is "
             "compared with rows labelled normal: a column's contribution is how much it "
             "raises the row's score (LIME). The sentence names the columns that matter "
             "most.</p>")
    flags, confidence = result.labels, result.confidence
    score = _score(formats)
    for pos in order:
        label = result.data.index[int(pos)]
        heading = (f"<article class='explanation'><h3>Row {esc(label)} · score "
                   f"{fmt(result.scores[pos], score)} · {'anomaly' if flags[pos] else 'normal'}"
                   f" · confidence {confidence[pos]:.2f}</h3>")
        try:
            exp = explain_row(result, int(pos) if result.data.index.has_duplicates else label)
        except JupyterADError as exc:
            page.add(f"{heading}<p class='note'>Could not explain this row: {esc(exc)}</p>"
                     "</article>")
            continue
        page.add(f"{heading}<p class='sentence'>{esc(exp.sentence())}</p>")
        page.chart(feature_contributions(exp, formats=formats),
                   label=f"Column contributions for row {label}")
        frame = exp.to_frame().head(5)
        keep = [c for c in ("feature", "value", "contribution", "normal_low", "normal_high",
                            "detail") if c in frame.columns]
        shown = explanation_frame(frame[keep], formats, score)
        page.add(table(shown) + "</article>")
    page.add("</section>")


def _details(result: Any, formats: dict[str, Any]) -> str:
    rule = result.threshold_rule
    items = [f"<li>Detector: {esc(result.algorithm)}"
             + (f" ({esc(result.model.auto_reason_)})" if result.model.auto_reason_ else "")
             + "</li>",
             f"<li>Parameters: {esc(_params(result))}</li>",
             f"<li>Threshold: {fmt(result.threshold, _score(formats))} from "
             f"{esc(rule.describe())}</li>",
             f"<li>Features the detector saw: {len(result.model.feature_names):,}</li>"]
    dropped = getattr(result.preprocessing, "dropped", {}) or {}
    items += [f"<li>Column not used: {esc(c)} ({esc(why)})</li>" for c, why in dropped.items()]
    return f"<section id='details'><h2>Details</h2><ul>{''.join(items)}</ul></section>"


def _score(formats: dict[str, Any]) -> Any:
    """The format of the scores (``score_ad`` when the data has its own ``score``)."""
    return formats["score_ad" if "score_ad" in formats else "score"]


def _params(result: Any) -> str:
    params = result.model.params_for_display()
    if not params:
        return "defaults"
    return ", ".join(f"{k}={v!r}" for k, v in pd.Series(params).items())
