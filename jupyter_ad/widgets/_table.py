"""The rows the panels send to the browser: bounded, JSON-safe, top scores first."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TABLE_ROWS", "brushed_rows", "feedback_positions", "json_value", "table_columns",
           "table_rows", "threshold_steps"]

TABLE_ROWS = 50
MAX_COLUMNS = 20
_RESERVED = ("row", "index", "score", "rank")


def json_value(value: Any) -> Any:
    """``value`` as a JSON-safe scalar: numbers stay numbers, NaN becomes None, the rest text."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return None if pd.isna(value) else str(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def table_rows(result: Any, positions: np.ndarray, sorted_scores: np.ndarray,
               n: int = TABLE_ROWS) -> tuple[list[dict[str, Any]], list[str]]:
    """The ``n`` highest-scoring of ``positions`` as table rows, and the column order.

    Each row has ``row`` (position in ``result.data``), ``index`` (its label, as text),
    ``score``, ``rank`` (1 = highest score of all rows) and the input values of up to 20
    columns of ``result.data`` (raw JSON values: the front end formats them with
    :func:`table_columns`' formats, so sorting stays numeric).
    """
    scores = np.asarray(result.scores, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.int64)
    top = positions[np.argsort(-scores[positions], kind="stable")[:n]]
    ranks = len(sorted_scores) - np.searchsorted(sorted_scores, scores[top], side="right") + 1
    data = result.data
    names = {col: (f"{col} (input)" if str(col) in _RESERVED else str(col))
             for col in list(data.columns)[:MAX_COLUMNS]}
    values = data.iloc[top]
    rows = []
    for k, pos in enumerate(top):
        row: dict[str, Any] = {"row": int(pos), "index": str(data.index[pos]),
                               "score": json_value(scores[pos]), "rank": int(ranks[k])}
        for col, name in names.items():
            row[name] = json_value(values[col].iloc[k])
        rows.append(row)
    return rows, ["index", "score", "rank", *names.values()]


def table_columns(result: Any, keys: list[str],
                  formats: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The table's columns for the front end: ``{"name", "key", "format"}`` each.

    ``formats`` are :func:`jupyter_ad.report._static.result_formats` of the result, so the
    panel shows every value as the snapshot and the report do.
    """
    names = {str(c): str(c) for c in result.data.columns}
    out = []
    for key in keys:
        source = key.removesuffix(" (input)")
        if key == "index":
            spec: dict[str, Any] = {"kind": "text"}
        elif key == "score":
            spec = formats.get("score_ad", formats["score"])
        elif key == "rank":
            spec = formats.get("rank_ad", formats["rank"])
        else:
            spec = formats.get(names.get(source, source), {"kind": "text"})
        out.append({"name": "row" if key == "index" else key, "key": key, "format": spec})
    return out


def threshold_steps(sorted_scores: np.ndarray, max_steps: int = 400) -> list[list[float]]:
    """``[n_flagged, threshold]`` pairs for the slider: 0, 1, 2, ... then log-spaced counts.

    Each threshold is a score of the data (the ``k+1``-th highest), so the step flags exactly
    ``n_flagged`` rows (fewer when scores tie); counts ascend, thresholds descend.
    """
    n = int(sorted_scores.size)
    if n == 0:
        return [[0, 0.0]]
    top = min(n, 30)
    ks = np.arange(top)
    if n > top:
        ks = np.concatenate([ks, np.geomspace(top, n - 1, max(2, max_steps - top))])
    ks = np.unique(np.clip(np.round(ks).astype(np.int64), 0, n - 1))
    thresholds = sorted_scores[::-1][ks]
    flagged = n - np.searchsorted(sorted_scores, thresholds, side="right")
    _, first = np.unique(thresholds, return_index=True)
    keep = np.sort(first)
    return [[int(flagged[i]), float(thresholds[i])] for i in keep]


def feedback_positions(result: Any) -> dict[str, int]:
    """``result.feedback`` keyed by row position, as text (what the table and scatter use)."""
    index = result.data.index
    out: dict[str, int] = {}
    for label, value in result.feedback.items():
        try:
            pos = index.get_loc(label)
        except KeyError:
            continue
        if isinstance(pos, int | np.integer):
            out[str(int(pos))] = int(value)
    return out


def brushed_rows(points: pd.DataFrame, brush: Mapping[str, Any]) -> np.ndarray | None:
    """Positions of the scatter ``points`` inside an interval selection, or None if empty.

    ``brush`` maps a field of ``points`` to ``[low, high]`` (numbers) or to a list of the
    selected values (categories), as in ``JupyterChart.selections.brush.value``.
    """
    if not brush:
        return None
    keep = np.ones(len(points), dtype=bool)
    for name, bounds in brush.items():
        if name not in points.columns or not isinstance(bounds, list | tuple):
            continue
        column = points[name]
        if (len(bounds) == 2 and all(isinstance(b, int | float) for b in bounds)
                and pd.api.types.is_numeric_dtype(column)):
            low, high = sorted(float(b) for b in bounds)
            keep &= ((column >= low) & (column <= high)).to_numpy()
        else:
            keep &= column.isin(list(bounds)).to_numpy()
    return points["row"].to_numpy(dtype=np.int64)[keep]
