"""Charts comparing detectors: a leaderboard bar chart and an agreement heatmap."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from jupyter_ad.charts._common import field, inline, label, plain_frame
from jupyter_ad.errors import ParameterError

__all__ = ["agreement_heatmap", "comparison_bars"]

DEFAULT_METRICS = ("roc_auc", "average_precision", "agreement")


def comparison_bars(frame: pd.DataFrame, *, metric: str | None = None) -> alt.Chart:
    """One bar per detector for one metric of a leaderboard, best first.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per detector: a ``detector`` column, or the detector names as the index;
        numeric metric columns such as ``roc_auc``, ``average_precision``, ``n_flagged``,
        ``fit_seconds``.
    metric : str, optional
        The column to draw. Default: the first of ``roc_auc``, ``average_precision``,
        ``agreement`` present, else the first numeric column. Columns ending in ``_seconds``
        are sorted ascending (faster first), the others descending.

    Returns
    -------
    altair.Chart
        ``mark: bar`` with ``y`` the detector and ``x`` the metric; every numeric column in
        the tooltip.

    Raises
    ------
    ParameterError
        If ``metric`` is not a numeric column (the message lists those available), or the
        frame has no numeric column.
    """
    board = plain_frame(frame, "frame")
    if "detector" not in board.columns:
        board = board.rename_axis("detector").reset_index()
    board = board.assign(detector=[label(d) for d in board["detector"].astype(str)])
    numeric = [str(c) for c in board.columns
               if c != "detector" and pd.api.types.is_numeric_dtype(board[c])
               and not pd.api.types.is_bool_dtype(board[c])]
    if metric is None:
        metric = next((m for m in DEFAULT_METRICS if m in numeric), numeric[0] if numeric
                      else None)
        if metric is None:
            raise ParameterError("The leaderboard has no numeric column to draw; columns: "
                                 f"{', '.join(map(str, board.columns))}.")
    elif metric not in numeric:
        raise ParameterError(f"metric {metric!r} is not a numeric column of the leaderboard; "
                             f"available: {', '.join(numeric) or 'none'}.")
    board.columns = [str(c) for c in board.columns]
    data = board[["detector", *numeric]]
    ascending = metric.endswith("_seconds")
    order = data.sort_values(metric, ascending=ascending, kind="stable",
                             na_position="last")["detector"].tolist()
    tooltip = [alt.Tooltip("detector:N")] + [
        alt.Tooltip(field=field(c), type="quantitative", title=label(c), format=".4g")
        for c in numeric]
    title = label(metric.replace("_", " "))
    return alt.Chart(inline(data), title=f"Detectors by {title}").mark_bar().encode(
        x=alt.X(field=field(metric), type="quantitative", title=title),
        y=alt.Y("detector:N", sort=order, title=None),
        color=alt.Color("detector:N", legend=None, sort=order),
        tooltip=tooltip,
    ).properties(width=400, height=alt.Step(22))


def agreement_heatmap(matrix: pd.DataFrame) -> alt.LayerChart:
    """A square detector x detector matrix (e.g. Spearman rank correlation) as a heatmap.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Square, numeric, with the same detector names as index and columns.

    Returns
    -------
    altair.LayerChart
        ``mark: rect`` coloured by value, layered with ``mark: text`` showing each value.
        Values within [-1, 1] use a diverging scale centred on 0.

    Raises
    ------
    ParameterError
        If ``matrix`` is not a square DataFrame.
    """
    if not isinstance(matrix, pd.DataFrame) or matrix.shape[0] != matrix.shape[1]:
        shape = getattr(matrix, "shape", None)
        raise ParameterError(f"matrix must be a square pandas DataFrame, got {shape or matrix!r}.")
    rows = [label(i) for i in matrix.index]
    cols = [label(c) for c in matrix.columns]
    values = matrix.to_numpy(dtype=np.float64)
    long = pd.DataFrame({
        "row": np.repeat(rows, len(cols)),
        "column": np.tile(cols, len(rows)),
        "value": values.ravel(),
    })
    finite = values[np.isfinite(values)]
    bounded = finite.size > 0 and finite.min() >= -1 and finite.max() <= 1
    scale = (alt.Scale(scheme="redblue", domain=[-1, 1], reverse=True) if bounded
             else alt.Scale(scheme="viridis"))
    mid = 0.0 if bounded else float(np.median(finite)) if finite.size else 0.0
    base = alt.Chart(inline(long)).encode(
        x=alt.X("column:N", sort=cols, title=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("row:N", sort=rows, title=None),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("value:Q", scale=scale, title="agreement"),
        tooltip=[alt.Tooltip("row:N"), alt.Tooltip("column:N"),
                 alt.Tooltip("value:Q", format=".3f")],
    )
    strong = "abs(datum.value) > 0.6" if bounded else f"datum.value < {mid!r}"
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("value:Q", format=".2f"),
        color=alt.when(strong).then(alt.value("white")).otherwise(alt.value("black")),
    )
    return alt.LayerChart(layer=[rect, text], title="Detector agreement", width=alt.Step(48),
                          height=alt.Step(32))
