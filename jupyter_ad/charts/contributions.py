"""The per-feature contributions of one explained row, as a horizontal bar chart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from jupyter_ad.charts._common import (
    ANOMALY_COLOR,
    NORMAL_COLOR,
    inline,
    label,
    plain_frame,
    require_columns,
)
from jupyter_ad.report._static import format_value

__all__ = ["feature_contributions"]

TOWARDS_ANOMALY, TOWARDS_NORMAL = "towards anomalous", "towards normal"


def feature_contributions(explanation: Any, *,
                          formats: Mapping[str, Mapping[str, Any]] | None = None) -> alt.Chart:
    """Horizontal bars of how much each feature pushes one row towards anomalous.

    Parameters
    ----------
    explanation : Explanation or pandas.DataFrame
        Anything with a ``to_frame()`` method (optionally ``row`` and ``score`` attributes,
        used in the title), or the frame itself. Columns ``feature`` and ``contribution`` are
        required; ``value``, ``normal_low``, ``normal_high``, ``deviation`` and ``detail`` go
        in the tooltip when present.
    formats : mapping, optional
        Column name -> display format (:func:`jupyter_ad.report._static.column_format`): the
        values in the tooltip are shown as the data holds them (``11,127.91``). Without it,
        numbers keep six significant digits.

    Returns
    -------
    altair.Chart
        ``mark: bar``, one bar per feature, the largest contribution on top; positive
        contributions (towards anomalous) and negative ones are coloured differently.

    Raises
    ------
    ParameterError
        If ``explanation`` is not a frame and has no ``to_frame()``, or lacks the columns.
    """
    source = plain_frame(explanation, "explanation")
    require_columns(source, ["feature", "contribution"], "feature_contributions")
    frame = pd.DataFrame({
        "feature": [label(f) for f in source["feature"].astype(str)],
        "contribution": pd.to_numeric(source["contribution"], errors="coerce").to_numpy(),
    })
    frame["direction"] = np.where(frame["contribution"] >= 0, TOWARDS_ANOMALY, TOWARDS_NORMAL)
    tooltip: list[Any] = [alt.Tooltip("feature:N"),
                          alt.Tooltip("contribution:Q", format=".4g")]
    specs = [(formats or {}).get(str(f)) for f in source["feature"]]
    if "value" in source.columns:
        frame["value"] = [_text(v, spec) for v, spec in zip(source["value"], specs, strict=True)]
        tooltip.append(alt.Tooltip("value:N", title="value in this row"))
    if {"normal_low", "normal_high"} <= set(source.columns):
        frame["normal_range"] = [_range(lo, hi, spec) for lo, hi, spec in
                                 zip(source["normal_low"], source["normal_high"], specs,
                                     strict=True)]
        tooltip.append(alt.Tooltip("normal_range:N", title="normal range"))
    if "deviation" in source.columns:
        frame["deviation"] = pd.to_numeric(source["deviation"], errors="coerce").to_numpy()
        tooltip.append(alt.Tooltip("deviation:Q", format=".3g"))
    if "detail" in source.columns:
        frame["detail"] = [_text(v) for v in source["detail"]]
        tooltip.append(alt.Tooltip("detail:N", title="why"))
    frame = frame.sort_values("contribution", ascending=False, kind="stable",
                              na_position="last")
    order = frame["feature"].tolist()

    row, score = getattr(explanation, "row", None), getattr(explanation, "score", None)
    text = "Feature contributions" + (f" for row {row!r}" if row is not None else "")
    if isinstance(score, int | float | np.number):
        text += f" (score {float(score):.4g})"
    return alt.Chart(inline(frame), title=alt.TitleParams(
        text=label(text), subtitle="positive = pushes the row towards anomalous",
    )).mark_bar().encode(
        x=alt.X("contribution:Q", title="contribution"),
        y=alt.Y("feature:N", sort=order, title=None),
        color=alt.Color("direction:N", title=None, scale=alt.Scale(
            domain=[TOWARDS_ANOMALY, TOWARDS_NORMAL], range=[ANOMALY_COLOR, NORMAL_COLOR])),
        tooltip=tooltip,
    ).properties(width=400, height=alt.Step(18))


def _range(low: Any, high: Any, spec: Any = None) -> str:
    """``"low to high"``, one side only if the other is missing, or ``""``."""
    lo, hi = _text(low, spec), _text(high, spec)
    return f"{lo} to {hi}" if lo and hi else lo or hi


def _text(value: Any, spec: Any = None) -> str:
    """A cell as text in its column's format; lists joined; missing as an empty string."""
    if isinstance(value, list | tuple | set | np.ndarray):
        return ", ".join(_text(v, spec) for v in value)
    return format_value(value, spec)
