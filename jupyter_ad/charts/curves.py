"""Curves: ROC and precision-recall per detector, and the threshold trade-off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from jupyter_ad.charts._common import (
    downsample_index,
    inline,
    label,
    plain_frame,
    require_columns,
)
from jupyter_ad.errors import ParameterError

__all__ = ["roc_pr_curves", "threshold_tradeoff"]

MAX_CURVE_POINTS = 200
MAX_TRADEOFF_POINTS = 500
TRADEOFF_METRICS = ("precision", "recall", "f1")


def roc_pr_curves(scores: dict[str, np.ndarray], labels: Any) -> alt.HConcatChart:
    """ROC and precision-recall curves of several detectors, side by side.

    Each curve is downsampled to at most 200 points (evenly spread along the curve, ends
    kept); the areas in the legend (ROC AUC, average precision) are computed on the full
    curves.

    Parameters
    ----------
    scores : dict of str to array of shape (n_rows,)
        Detector name -> anomaly scores (higher = more anomalous) of the same rows.
    labels : array-like of shape (n_rows,)
        Ground truth: 1 = anomaly, 0 = normal; both must occur.

    Returns
    -------
    altair.HConcatChart
        Two layered charts (``mark: line`` per detector plus a chance-level rule); the
        colour legend names each detector with its ROC AUC and average precision.

    Raises
    ------
    ParameterError
        If ``scores`` is empty, lengths differ, scores are not finite, or labels are not
        0/1 with both classes present.
    """
    from jupyter_ad.evaluate.metrics import average_precision, pr_points, roc_auc, roc_points

    if not isinstance(scores, Mapping) or not scores:
        raise ParameterError("scores must be a non-empty dict of detector name -> scores.")
    y = np.asarray(labels).ravel()
    if not np.isin(y, [0, 1]).all() or np.unique(y).size != 2:
        raise ParameterError("labels must be 0 (normal) and 1 (anomaly), with both present.")
    y = y.astype(np.int64)
    roc_parts, pr_parts, named = [], [], []
    for det, values in scores.items():
        s = np.asarray(values, dtype=np.float64).ravel()
        if s.shape != y.shape:
            raise ParameterError(f"scores[{det!r}] has {s.size} values but labels has "
                                 f"{y.size}.")
        if not np.isfinite(s).all():
            raise ParameterError(f"scores[{det!r}] has missing or infinite values.")
        auc, ap = roc_auc(y, s), average_precision(y, s)
        name = f"{label(det)} (AUC {auc:.3f}, AP {ap:.3f})"
        named.append((auc, name))
        fpr, tpr = roc_points(y, s)
        keep = downsample_index(fpr.size, MAX_CURVE_POINTS)
        roc_parts.append(pd.DataFrame({"detector": name, "x": fpr[keep], "y": tpr[keep]}))
        recall, precision = pr_points(y, s)
        keep = downsample_index(recall.size, MAX_CURVE_POINTS)
        pr_parts.append(pd.DataFrame({"detector": name, "x": recall[keep],
                                      "y": precision[keep]}))
    order = [name for _, name in sorted(named, key=lambda t: -t[0])]
    color = alt.Color("detector:N", sort=order, title="detector")
    roc = _curve_panel(pd.concat(roc_parts), color, "ROC curve", "false positive rate",
                       "true positive rate",
                       pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}))
    prevalence = float(y.mean())
    pr = _curve_panel(pd.concat(pr_parts), color, "Precision-recall curve", "recall",
                      "precision", pd.DataFrame({"x": [0.0, 1.0], "y": [prevalence] * 2}))
    return alt.hconcat(roc, pr)


def _curve_panel(frame: pd.DataFrame, color: alt.Color, title: str, x_title: str,
                 y_title: str, chance: pd.DataFrame) -> alt.LayerChart:
    """One panel: a line per detector over a dashed chance-level line."""
    lines = alt.Chart(inline(frame)).mark_line(interpolate="linear").encode(
        x=alt.X("x:Q", title=x_title, scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("y:Q", title=y_title, scale=alt.Scale(domain=[0, 1])),
        color=color,
        tooltip=[alt.Tooltip("detector:N"), alt.Tooltip("x:Q", title=x_title, format=".3f"),
                 alt.Tooltip("y:Q", title=y_title, format=".3f")],
    )
    base = alt.Chart(inline(chance)).mark_line(color="gray", strokeDash=[4, 4]).encode(
        x="x:Q", y="y:Q")
    return alt.LayerChart(layer=[base, lines], title=title, width=300, height=300)


def threshold_tradeoff(curve: pd.DataFrame, *, chosen: float | None = None) -> alt.LayerChart:
    """Precision, recall and F1 (and cost, on its own axis) against the score threshold.

    Parameters
    ----------
    curve : pandas.DataFrame
        Columns ``threshold`` and any of ``precision``, ``recall``, ``f1``; optional
        ``cost``. Long curves are downsampled to 500 evenly spread thresholds.
    chosen : float, optional
        Threshold to mark with a rule. Default: ``curve.attrs["chosen"]`` if set, else the
        threshold of the row whose boolean ``chosen`` column is true, else no rule.

    Returns
    -------
    altair.LayerChart
        ``mark: line`` of the folded metrics (fields ``metric`` and ``value``), a dashed
        ``cost`` line on a right-hand axis if present, and ``mark: rule`` at ``chosen``.

    Raises
    ------
    ParameterError
        If the threshold column or every metric column is missing, or ``chosen`` is not a
        finite number.
    """
    source = plain_frame(curve, "curve")
    require_columns(source, ["threshold"], "threshold_tradeoff")
    metrics = [m for m in TRADEOFF_METRICS if m in source.columns]
    has_cost = "cost" in source.columns
    if not metrics and not has_cost:
        raise ParameterError("threshold_tradeoff needs at least one of the columns "
                             f"{', '.join((*TRADEOFF_METRICS, 'cost'))}.")
    chosen = _chosen(source, chosen)
    cols = ["threshold", *metrics, *(["cost"] if has_cost else [])]
    data = source[cols].apply(pd.to_numeric, errors="coerce").sort_values("threshold")
    data = data.iloc[downsample_index(len(data), MAX_TRADEOFF_POINTS)]
    x = alt.X("threshold:Q", title="score threshold")
    base = alt.Chart(inline(data))
    layers: list[Any] = []
    if metrics:
        folded = base.transform_fold(list[Any](metrics), as_=["metric", "value"])
        layers.append(folded.mark_line().encode(
            x=x, y=alt.Y("value:Q", title="precision / recall / F1",
                         scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("metric:N", sort=metrics, title=None),
            tooltip=[alt.Tooltip("threshold:Q", format=".4g"), alt.Tooltip("metric:N"),
                     alt.Tooltip("value:Q", format=".3f")],
        ))
    if has_cost:
        layers.append(base.mark_line(color="black", strokeDash=[6, 3]).encode(
            x=x, y=alt.Y("cost:Q", title="cost", axis=alt.Axis(orient="right")),
            tooltip=[alt.Tooltip("threshold:Q", format=".4g"),
                     alt.Tooltip("cost:Q", format=",.4g")],
        ))
    if chosen is not None:
        layers.append(alt.Chart(alt.InlineData(values=[{"threshold": chosen}])).mark_rule(
            color="black", strokeWidth=2).encode(
            x=x, tooltip=[alt.Tooltip("threshold:Q", title="chosen", format=".4g")]))
    title = "Threshold trade-off" + (f" (chosen {chosen:.4g})" if chosen is not None else "")
    chart = alt.LayerChart(layer=layers, title=title, width=450, height=260)
    return chart.resolve_scale(y="independent") if has_cost and metrics else chart


def _chosen(curve: pd.DataFrame, chosen: Any) -> float | None:
    """The threshold to mark: the argument, ``curve.attrs["chosen"]``, or a ``chosen`` row."""
    if chosen is None:
        chosen = curve.attrs.get("chosen")
    if chosen is None and "chosen" in curve.columns:
        picked = curve.loc[curve["chosen"].astype(bool), "threshold"]
        chosen = picked.iloc[0] if len(picked) else None
    if chosen is None:
        return None
    if isinstance(chosen, bool) or not isinstance(chosen, int | float | np.number) or (
            not np.isfinite(chosen)):
        raise ParameterError(f"chosen must be a finite number, got {chosen!r}.")
    return float(chosen)
