"""The rows the panels send to the browser: bounded, JSON-safe, top scores first."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TABLE_ROWS", "brushed_rows", "json_value", "table_rows"]

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
    columns of ``result.data``.
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
