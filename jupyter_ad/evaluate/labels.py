"""Labels: the one parser of "which rows are known anomalies", with one set of rules.

A label is **1** (anomaly), **0** (normal) or **missing** (unlabelled). Accepted spellings:
booleans, the numbers 0 and 1, and the texts ``"1"``/``"0"``, ``"true"``/``"false"``,
``"yes"``/``"no"`` (any case); missing is ``None``, ``NaN``, ``pd.NA`` or empty text.
Anything else is a :class:`~jupyter_ad.errors.LabelError` naming the row and the value.

Labels come as a column name of the data (the column is then no feature), an array or Series
with one value per row (a Series whose index holds the rows' labels is aligned on it), or the
marks ``result.feedback`` of a notebook panel (row label -> 1 or 0).

>>> label_values(["1", 0, True, None, "no", ""])
array([ 1.,  0.,  1., nan,  0., nan])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.errors import LabelError
from jupyter_ad.options._spec import suggest

__all__ = ["RULE", "label_values", "labels_for_result", "require", "split_labels"]

RULE = "labels must be 1 (anomaly), 0 (normal) or missing (unlabelled)"
_TEXT = {"1": 1.0, "0": 0.0, "1.0": 1.0, "0.0": 0.0, "true": 1.0, "false": 0.0, "yes": 1.0,
         "no": 0.0, "": np.nan, "nan": np.nan, "<na>": np.nan, "none": np.nan}


def label_values(values: Any, *, where: str = "labels", index: Any = None) -> np.ndarray:
    """One float per value: 1.0, 0.0 or NaN (unlabelled); see the module's rules.

    ``index`` gives the row names used in error messages (default: positions).
    """
    series = values if isinstance(values, pd.Series) else pd.Series(
        np.asarray(values, dtype=object).ravel() if not isinstance(values, np.ndarray)
        or values.dtype == object else values.ravel())
    names = series.index if index is None else pd.Index(index)
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        y = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        y = series.map(_one).to_numpy(dtype=np.float64)
        unreadable = np.isnan(y) & ~series.map(_missing).to_numpy(dtype=bool)
        if unreadable.any():
            i = int(np.flatnonzero(unreadable)[0])
            raise LabelError(f"{where}: row {names[i]!r} has {series.iloc[i]!r}; {RULE}.")
    bad = ~np.isnan(y) & (y != 0.0) & (y != 1.0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise LabelError(f"{where}: row {names[i]!r} has {series.iloc[i]!r}; {RULE}.")
    return y


def _one(value: Any) -> float:
    if isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, int | float | np.number) and not isinstance(value, complex):
        return float(value)
    if isinstance(value, str):
        return _TEXT.get(value.strip().lower(), np.nan)
    return np.nan


def _missing(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("", "nan", "<na>", "none")
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def split_labels(frame: pd.DataFrame, labels: Any = None, *,
                 feedback: Mapping[Any, Any] | None = None) -> tuple[pd.DataFrame,
                                                                    np.ndarray | None]:
    """``frame`` without its label column (if ``labels`` names one) and the labels, aligned
    with its rows; ``(frame, None)`` when neither ``labels`` nor ``feedback`` is given.
    """
    if labels is not None and feedback is not None:
        raise LabelError("Give labels= or feedback=, not both.")
    if feedback is not None:
        return frame, _from_feedback(frame.index, feedback, "feedback")
    if labels is None:
        return frame, None
    if isinstance(labels, str):
        if labels not in frame.columns:
            names = [str(c) for c in frame.columns]
            raise LabelError(f"labels: no column named {labels!r}.{suggest(labels, names)} "
                             f"Columns: {', '.join(names[:20])}.")
        return frame.drop(columns=[labels]), label_values(
            frame[labels], where=f"labels column {labels!r}")
    return frame, _aligned(labels, frame.index)


def _aligned(labels: Any, index: pd.Index) -> np.ndarray:
    if isinstance(labels, Mapping):
        return _from_feedback(index, labels, "labels")
    if isinstance(labels, pd.Series) and len(labels) and labels.index.isin(index).all():
        if not labels.index.is_unique:
            raise LabelError("The labels Series has a repeated index; give one label per row.")
        labels = labels.reindex(index)
        return label_values(labels, index=index)
    y = label_values(labels)
    if y.size != len(index):
        raise LabelError(f"labels has {y.size} values for {len(index)} rows; give one per row "
                         "(missing = unlabelled).")
    return y


def _from_feedback(index: pd.Index, marks: Mapping[Any, Any], where: str) -> np.ndarray:
    y = np.full(len(index), np.nan)
    if not marks:
        return y
    keys = list(marks)
    pos = index.get_indexer(pd.Index(keys, dtype=object))
    if (pos < 0).any():
        bad = keys[int(np.argmin(pos))]
        raise LabelError(f"{where} names row {bad!r}, which is not a row of the data.")
    y[pos] = label_values(list(marks.values()), where=where, index=keys)
    return y


def labels_for_result(result: Any, labels: Any = None) -> np.ndarray:
    """Labels aligned with a result's rows: ``labels`` (a column name of ``result.data``, an
    array, a Series) or, when ``None``, the result's ``feedback``.
    """
    if labels is None:
        return _from_feedback(result.data.index, dict(getattr(result, "feedback", {}) or {}),
                              "result.feedback")
    if isinstance(labels, str):
        return split_labels(result.data, labels)[1]  # type: ignore[return-value]
    return _aligned(labels, result.data.index)


def require(y: np.ndarray | None, *, anomalies: int = 1, normal: int = 1,
            what: str = "this") -> np.ndarray:
    """``y`` if it holds at least ``anomalies`` rows labelled 1 and ``normal`` labelled 0."""
    n_pos = 0 if y is None else int(np.sum(y == 1))
    n_neg = 0 if y is None else int(np.sum(y == 0))
    if y is None or n_pos < anomalies or n_neg < normal:
        raise LabelError(f"{what} needs at least {anomalies} labelled anomal"
                         f"{'y' if anomalies == 1 else 'ies'} (1) and {normal} labelled normal "
                         f"row{'' if normal == 1 else 's'} (0); got {n_pos} and {n_neg}. Label "
                         "more rows (labels= or the panel's marks).")
    return y
