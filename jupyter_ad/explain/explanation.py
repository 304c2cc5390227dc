"""Explanation: the plain value that says why one row got its anomaly score."""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ColumnContribution", "Explanation"]

_FRAME_COLUMNS = ("feature", "contribution", "value", "normal_low", "normal_high", "deviation",
                  "kind", "detail")
# The sentence names the top column, then up to two more that contribute at least this share
# of the top one (a larger share when their own value is within the normal range).
_MIN_SHARE, _MIN_SHARE_USUAL = 0.2, 0.5


@dataclass
class ColumnContribution:
    """One input column's part in a row's anomaly score.

    Attributes
    ----------
    feature : str
        Input column name.
    contribution : float
        LIME coefficient: how much keeping this column's value (instead of a normal row's)
        adds to the anomaly score, in score units.
    value : object
        The row's raw input value.
    normal_low, normal_high : object
        5th and 95th percentile among normal rows (numbers or timestamps); for categorical
        and boolean columns ``normal_low`` lists the most common values and ``normal_high``
        is ``None``.
    deviation : float
        Robust z-score of the column's most deviating preprocessed feature (sign = direction).
    kind : str
        ``"numeric"``, ``"boolean"``, ``"datetime"`` or ``"categorical"``.
    detail : str
        A plain phrase comparing the value with normal, used by :meth:`Explanation.sentence`.
    usual : bool
        True when the value itself lies in the normal range (or is a common category).
    """

    feature: str
    contribution: float
    value: Any
    normal_low: Any
    normal_high: Any
    deviation: float
    kind: str
    detail: str
    usual: bool = False


class Explanation:
    """Why one row got its anomaly score: each input column's contribution.

    Contributions come from LIME's weighted local linear model, fitted on hybrids of the row
    with normal rows (see :mod:`jupyter_ad.explain.lime_contrast`): ``intercept`` plus the
    sum of all contributions approximates the row's score, and ``local_r2`` says how well the
    linear model fits the detector around this row (1 = perfectly).

    Attributes
    ----------
    row : object
        Index label of the row in ``result.data``.
    score, threshold : float
    label : int
        1 = anomaly.
    algorithm : str
    method : str
        ``"lime-contrast"``.
    intercept : float
        Score the local model predicts when every column comes from a normal row.
    local_r2 : float
        Weighted R^2 of LIME's local model.
    columns : list of ColumnContribution
        One per input column, highest contribution first.
    reference : str
        What the row was contrasted with.
    n_samples : int
        Number of perturbed rows scored.
    """

    method = "lime-contrast"

    def __init__(self, *, row: Any, score: float, threshold: float, label: int,
                 algorithm: str, intercept: float, local_r2: float,
                 columns: list[ColumnContribution], reference: str, n_samples: int) -> None:
        self.row = row
        self.score = float(score)
        self.threshold = float(threshold)
        self.label = int(label)
        self.algorithm = algorithm
        self.intercept = float(intercept)
        self.local_r2 = float(local_r2)
        self.columns = sorted(columns, key=lambda c: -c.contribution)
        self.reference = reference
        self.n_samples = int(n_samples)

    @property
    def contributions(self) -> pd.Series:
        """Contribution per input column, highest first."""
        return pd.Series({c.feature: c.contribution for c in self.columns}, name="contribution")

    def top(self, n: int = 3) -> list[str]:
        """Names of the ``n`` columns that add most to the score (positive contributions)."""
        return [c.feature for c in self.columns if c.contribution > 0][:n]

    def to_frame(self) -> pd.DataFrame:
        """One row per input column, most anomalous first.

        Columns: ``feature``, ``contribution``, ``value``, ``normal_low``, ``normal_high``,
        ``deviation``, ``kind``, ``detail``.
        """
        records = [[getattr(c, name) for name in _FRAME_COLUMNS] for c in self.columns]
        frame = pd.DataFrame(records, columns=list(_FRAME_COLUMNS))
        for name in ("value", "normal_low", "normal_high"):
            frame[name] = pd.Series([getattr(c, name) for c in self.columns], dtype=object)
        return frame

    def sentence(self) -> str:
        """One plain sentence naming the 1-3 columns that drive the score."""
        positive = [c for c in self.columns if c.contribution > 0]
        if not positive:
            return ("No single column raises this row's score: it is as unusual as the normal "
                    "rows it was compared with.")
        top = positive[0].contribution
        parts = [c.detail for c in positive[:3] if c is positive[0] or c.contribution >= top * (
            _MIN_SHARE_USUAL if c.usual else _MIN_SHARE)]
        return "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (plain numbers and strings, ``None`` for missing)."""
        return {
            "row": _plain(self.row),
            "score": self.score,
            "threshold": self.threshold,
            "label": self.label,
            "algorithm": self.algorithm,
            "method": self.method,
            "intercept": self.intercept,
            "local_r2": self.local_r2,
            "reference": self.reference,
            "n_samples": self.n_samples,
            "sentence": self.sentence(),
            "features": [{name: _plain(getattr(c, name)) for name in _FRAME_COLUMNS}
                         for c in self.columns],
        }

    def plot(self) -> Any:
        """Bar chart of the contributions (``jupyter_ad.charts.feature_contributions``)."""
        charts = importlib.import_module("jupyter_ad.charts")
        return charts.feature_contributions(self)

    def __repr__(self) -> str:
        return (f"Explanation(row={self.row!r}, score={self.score:.4g}, label={self.label}, "
                f"algorithm={self.algorithm!r}, top={self.top()!r}, "
                f"local_r2={self.local_r2:.2f})")


def _plain(value: Any) -> Any:
    """A JSON-friendly version of ``value``."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, pd.Timestamp | np.datetime64):
        return None if pd.isna(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)
