"""Charts of one :class:`~jupyter_ad.DetectionResult`: the score histogram and the overview."""

from __future__ import annotations

from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from jupyter_ad.charts._common import (
    ANOMALY_COLOR,
    NORMAL_COLOR,
    check_int,
    heavy_tailed,
    inline,
    symlog_constant,
)
from jupyter_ad.charts.scatter import score_scatter
from jupyter_ad.errors import ParameterError

__all__ = ["overview", "score_histogram"]

ABOVE, BELOW = "above threshold", "below threshold"
SCALES = ("auto", "linear", "symlog")


def score_histogram(result: Any, *, bins: int = 40, threshold_param: bool = True,
                    scale: Literal["auto", "linear", "symlog"] = "auto") -> alt.LayerChart:
    """Histogram of the anomaly scores with a rule at the threshold.

    The scores are binned here, with numpy, so the chart carries ``bins`` rows whatever the
    number of scored rows. When the threshold falls inside the score range, one bin edge sits
    exactly on it, so each bar is wholly above or below it. Bars whose centre is above the
    threshold are coloured as flagged.

    Real scores are often heavy-tailed (most rows near 0, a few at 250): on a linear axis
    every row then lands in the first bar. With ``scale="auto"`` such scores (see
    :func:`~jupyter_ad.charts._common.heavy_tailed`) are binned and drawn on a symmetric-log
    axis (linear near 0, logarithmic beyond the bulk, negative scores allowed), and the row
    counts on a symmetric-log axis too, so a bar of 3 rows stays visible next to one of
    15,000.

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
    scale : {"auto", "linear", "symlog"}, default "auto"
        The score axis: symmetric-log for heavy-tailed scores (``"auto"``), or forced.

    Returns
    -------
    altair.LayerChart
        Bars (``mark: bar``) layered with the threshold rule (``mark: rule``).
    """
    bins = check_int("bins", bins, 1)
    if scale not in SCALES:
        raise ParameterError(f"scale must be one of {', '.join(SCALES)}; got {scale!r}.")
    scores = np.asarray(result.scores, dtype=np.float64)
    threshold = float(result.threshold)
    log = scale == "symlog" or (scale == "auto" and heavy_tailed(scores))
    constant = symlog_constant(scores) if log else 1.0
    edges = _bin_edges(scores, bins, threshold, constant if log else None)
    counts, _ = np.histogram(scores, bins=edges)
    frame = pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts})
    expr = "threshold" if threshold_param else repr(threshold)
    x_title = "anomaly score" + (" (log scale)" if log else "")
    x_scale = (alt.Scale(type="symlog", constant=constant, nice=False,
                         domain=[float(edges[0]), float(edges[-1])]) if log else alt.Undefined)
    y_scale = alt.Scale(type="symlog") if log else alt.Undefined
    top = int(counts.max()) if counts.size else 1
    y_axis = (alt.Axis(values=[0] + [10**p for p in range(len(str(max(top, 1))))])
              if log else alt.Undefined)

    bars = alt.Chart(inline(frame)).transform_calculate(
        side=f"(datum.bin_start + datum.bin_end) / 2 > {expr} ? '{ABOVE}' : '{BELOW}'"
    ).mark_bar().encode(
        x=alt.X("bin_start:Q", bin="binned", title=x_title, scale=x_scale,
                axis=alt.Axis(labelOverlap="greedy", labelSeparation=6)),
        x2="bin_end:Q",
        y=alt.Y("count:Q", title="rows (log scale)" if log else "rows", scale=y_scale,
                axis=y_axis),
        color=alt.Color("side:N", title=None,
                        scale=alt.Scale(domain=[BELOW, ABOVE], range=[NORMAL_COLOR,
                                                                      ANOMALY_COLOR])),
        tooltip=[alt.Tooltip("bin_start:Q", title="from", format=".4g"),
                 alt.Tooltip("bin_end:Q", title="to", format=".4g"),
                 alt.Tooltip("count:Q", title="rows", format=",")],
    )
    rule = alt.Chart(alt.InlineData(values=[{"initial_threshold": threshold}])).transform_calculate(
        threshold_at=expr if threshold_param else "datum.initial_threshold"
    ).mark_rule(strokeDash=[4, 3], strokeWidth=2).encode(
        x=alt.X("threshold_at:Q", title=x_title, scale=x_scale),
        tooltip=[alt.Tooltip("threshold_at:Q", title="threshold", format=".4g")],
    )
    if threshold_param:  # the threshold moves: say nothing in the title that it changes
        title = alt.TitleParams(
            text=f"Anomaly scores of {scores.size:,} rows",
            subtitle=f"{getattr(result, 'algorithm', 'detector')}; dashed rule: the threshold; "
                     "red: above it; higher score = more anomalous")
    else:
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


def _bin_edges(scores: np.ndarray, bins: int, threshold: float,
               constant: float | None = None) -> np.ndarray:
    """``bins + 1`` edges covering the scores, one of them on the threshold.

    Equal widths on the axis drawn: in score units, or, with a symmetric-log ``constant``,
    in ``sign(x) * log1p(|x| / constant)`` units.
    """
    def forward(x: Any) -> Any:
        return x if constant is None else np.sign(x) * np.log1p(np.abs(x) / constant)

    def back(y: Any) -> Any:
        return y if constant is None else np.sign(y) * np.expm1(np.abs(y)) * constant

    lo, hi = (float(scores.min()), float(scores.max())) if scores.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    if bins == 1 or not lo < threshold < hi:
        edges = back(np.linspace(forward(lo), forward(hi), bins + 1))
        edges[0], edges[-1] = lo, hi
        return np.asarray(edges, dtype=np.float64)
    flo, fhi, ft = forward(lo), forward(hi), forward(threshold)
    width = (fhi - flo) / (bins - 1)
    k = int(np.ceil((ft - flo) / width))
    edges = np.asarray(back(ft + width * (np.arange(bins + 1) - k)), dtype=np.float64)
    edges[k] = threshold
    edges[0], edges[-1] = min(edges[0], lo), max(edges[-1], hi)
    return edges
