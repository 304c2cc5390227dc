"""Charts of one :class:`~jupyter_ad.DetectionResult`: the score histogram and the overview."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from jupyter_ad.charts._common import ANOMALY_COLOR, NORMAL_COLOR, check_int, inline
from jupyter_ad.charts.scatter import score_scatter

__all__ = ["overview", "score_histogram"]

ABOVE, BELOW = "above threshold", "below threshold"


def score_histogram(result: Any, *, bins: int = 40, threshold_param: bool = True
                    ) -> alt.LayerChart:
    """Histogram of the anomaly scores with a rule at the threshold.

    The scores are binned here, with numpy, so the chart carries ``bins`` rows whatever the
    number of scored rows. When the threshold falls inside the score range, one bin edge sits
    exactly on it, so each bar is wholly above or below it. Bars whose centre is above the
    threshold are coloured as flagged.

    Parameters
    ----------
    result : DetectionResult
        The scores and threshold to draw.
    bins : int, default 40
        Number of bins (>= 1).
    threshold_param : bool, default True
        Make the threshold a Vega-Lite parameter named ``"threshold"``: a front-end (for
        instance ``alt.JupyterChart(chart).params.threshold = 0.7``) can then move the rule and
        recolour the bars without building a new chart. If False the threshold is a constant.

    Returns
    -------
    altair.LayerChart
        Bars (``mark: bar``) layered with the threshold rule (``mark: rule``).
    """
    bins = check_int("bins", bins, 1)
    scores = np.asarray(result.scores, dtype=np.float64)
    threshold = float(result.threshold)
    edges = _bin_edges(scores, bins, threshold)
    counts, _ = np.histogram(scores, bins=edges)
    frame = pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts})
    expr = "threshold" if threshold_param else repr(threshold)
    x_title = "anomaly score"

    bars = alt.Chart(inline(frame)).transform_calculate(
        side=f"(datum.bin_start + datum.bin_end) / 2 > {expr} ? '{ABOVE}' : '{BELOW}'"
    ).mark_bar().encode(
        x=alt.X("bin_start:Q", bin="binned", title=x_title),
        x2="bin_end:Q",
        y=alt.Y("count:Q", title="rows"),
        color=alt.Color("side:N", title=None,
                        scale=alt.Scale(domain=[BELOW, ABOVE], range=[NORMAL_COLOR,
                                                                      ANOMALY_COLOR])),
        tooltip=[alt.Tooltip("bin_start:Q", title="from", format=".4g"),
                 alt.Tooltip("bin_end:Q", title="to", format=".4g"),
                 alt.Tooltip("count:Q", title="rows", format=",")],
    )
    rule = alt.Chart(alt.InlineData(values=[{"initial_threshold": threshold}])).transform_calculate(
        threshold_at=expr if threshold_param else "datum.initial_threshold"
    ).mark_rule(color="black", strokeDash=[4, 3], strokeWidth=2).encode(
        x=alt.X("threshold_at:Q", title=x_title),
        tooltip=[alt.Tooltip("threshold_at:Q", title="threshold", format=".4g")],
    )
    flagged = int((scores > threshold).sum())
    title = alt.TitleParams(
        text=f"Anomaly scores: {scores.size:,} rows, {flagged:,} flagged",
        subtitle=f"{getattr(result, 'algorithm', 'detector')}; threshold {threshold:.4g} "
                 "(dashed rule); higher score = more anomalous",
    )
    chart = alt.LayerChart(layer=[bars, rule], title=title, width=500, height=220)
    if threshold_param:
        chart = chart.add_params(alt.param(name="threshold", value=threshold))
    return chart


def overview(result: Any) -> alt.VConcatChart:
    """The score histogram (:func:`score_histogram`) above the scatter (:func:`score_scatter`).

    Colour and shape scales are independent: the histogram colours by side of the threshold,
    the scatter by score.
    """
    return alt.vconcat(score_histogram(result),
                       score_scatter(result, threshold_param=False)).resolve_scale(
        color="independent", shape="independent")


def _bin_edges(scores: np.ndarray, bins: int, threshold: float) -> np.ndarray:
    """``bins + 1`` equal-width edges covering the scores, one of them on the threshold."""
    lo, hi = (float(scores.min()), float(scores.max())) if scores.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    if bins == 1 or not lo < threshold < hi:
        return np.linspace(lo, hi, bins + 1)
    width = (hi - lo) / (bins - 1)
    k = int(np.ceil((threshold - lo) / width))
    edges = threshold + width * (np.arange(bins + 1) - k)
    edges[k] = threshold
    edges[0], edges[-1] = min(edges[0], lo), max(edges[-1], hi)
    return edges
