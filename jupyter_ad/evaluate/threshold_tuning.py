"""Choosing the threshold from a few labels: :func:`tune_threshold` and :class:`ThresholdChoice`.

The labels are a 0/1 array (or Series, or a column name of ``result.data``) aligned with the
scored rows, where missing values mean "unlabelled", or, when none are given, the notebook
feedback ``result.feedback`` (row label -> 1 for a true anomaly, 0 for a normal row).

The candidate thresholds are the distinct scores of the labelled rows: each one flags the
labelled rows scoring at or above it (the stored value sits just below the score, since rows
*above* a threshold are flagged), plus "flag none of them" at the highest labelled score. For
each candidate, precision, recall, F1 and cost are measured on the labelled rows only;
``n_flagged`` counts every scored row above it. The choice maximises F1 (``objective="f1"``)
or minimises ``cost_false_negative * FN + cost_false_positive * FP`` (``objective="cost"``);
ties go to the highest threshold (fewest flags).
"""

from __future__ import annotations

import importlib
import numbers
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from jupyter_ad.errors import ParameterError
from jupyter_ad.evaluate.labels import labels_for_result, require

if TYPE_CHECKING:
    from jupyter_ad.core.interfaces import ScoredResult

__all__ = ["MAX_CURVE_ROWS", "ThresholdChoice", "tune_threshold"]

MAX_CURVE_ROWS = 500
_OBJECTIVES = ("f1", "cost")


def _positive(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
            np.isfinite(float(value)) and float(value) > 0):
        raise ParameterError(f"{name} must be a finite number > 0, got {value!r}.")
    return float(value)


@dataclass
class ThresholdChoice:
    """A threshold chosen from labels, with the trade-off curve it was chosen from.

    Attributes
    ----------
    threshold : float
        The chosen score threshold (rows scoring above it are anomalies).
    objective : {"f1", "cost"}
    value : float
        F1 (to maximise) or cost (to minimise) at ``threshold``, on the labelled rows.
    curve : pandas.DataFrame
        Columns ``threshold``, ``precision``, ``recall``, ``f1``, ``cost``, ``n_flagged``
        (at most 500 rows, the chosen one included), by increasing threshold.
    """

    threshold: float
    objective: str
    value: float
    curve: pd.DataFrame = field(repr=False)
    n_labelled: int = 0
    _result: Any = field(default=None, repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """The curve with a boolean ``chosen`` column."""
        frame = self.curve.copy()
        frame["chosen"] = frame["threshold"] == self.threshold
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form: the choice and the curve as a list of records."""
        return {"threshold": float(self.threshold), "objective": self.objective,
                "value": float(self.value), "n_labelled": int(self.n_labelled),
                "curve": [{k: (int(v) if k == "n_flagged" else float(v)) for k, v in r.items()}
                          for r in self.curve.to_dict(orient="records")]}

    def apply(self) -> ScoredResult:
        """Set the threshold of the result it was tuned on (relabelling it); return it."""
        if self._result is None:
            raise ParameterError("This ThresholdChoice is not attached to a result; set "
                                 "result.threshold = choice.threshold instead.")
        self._result.threshold = self.threshold
        return self._result  # type: ignore[no-any-return]

    def plot(self) -> Any:
        """Altair chart of precision, recall, F1 and cost against the threshold."""
        charts = importlib.import_module("jupyter_ad.charts")
        return charts.threshold_tradeoff(self.curve, chosen=self.threshold)


def tune_threshold(result: ScoredResult, labels: Any = None, *,
                   cost_false_negative: float | None = None,
                   cost_false_positive: float | None = None,
                   objective: str | None = None) -> ThresholdChoice:
    """Choose the threshold of ``result`` that labelled rows say works best.

    Parameters
    ----------
    result : DetectionResult
    labels : array-like, pandas.Series, str or None
        1 = anomaly, 0 = normal, missing = unlabelled, one per row of ``result`` (or a column
        name of ``result.data``). ``None`` uses ``result.feedback``.
    cost_false_negative, cost_false_positive : float, optional
        Cost of a missed anomaly and of a false alarm (default 1 each); giving either one
        means ``objective="cost"``.
    objective : {"f1", "cost"}, optional
        Maximise F1 (the default without costs), or minimise the total cost, on the labelled
        rows.

    Returns
    -------
    ThresholdChoice
        ``choice.apply()`` sets ``result.threshold``; ``choice.plot()`` draws the trade-off.

    Raises
    ------
    ParameterError
        Fewer than one labelled anomaly and one labelled normal row, bad labels or options.
    """
    costs_given = cost_false_negative is not None or cost_false_positive is not None
    if objective is None:
        objective = "cost" if costs_given else "f1"
    if objective not in _OBJECTIVES:
        raise ParameterError(f"objective must be one of {_OBJECTIVES}, got {objective!r}.")
    if objective == "f1" and costs_given:
        raise ParameterError("Costs apply to objective='cost' (minimise the total cost), not "
                             "'f1': drop objective='f1' or the costs.")
    c_fn = _positive("cost_false_negative", 1.0 if cost_false_negative is None
                     else cost_false_negative)
    c_fp = _positive("cost_false_positive", 1.0 if cost_false_positive is None
                     else cost_false_positive)
    y = require(labels_for_result(result, labels), what="Tuning the threshold")
    known = ~np.isnan(y)
    scores = np.asarray(result.scores, dtype=np.float64)
    pos, neg = np.sort(scores[known & (y == 1)]), np.sort(scores[known & (y == 0)])
    distinct = np.unique(np.concatenate([pos, neg]))
    cuts = np.append(np.nextafter(distinct, -np.inf), distinct[-1])  # last: flag none of them
    tp = (pos.size - np.searchsorted(pos, cuts, side="right")).astype(np.float64)
    fp = (neg.size - np.searchsorted(neg, cuts, side="right")).astype(np.float64)
    fn = pos.size - tp
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
    recall = tp / pos.size
    f1 = 2 * tp / (2 * tp + fp + fn)
    cost = c_fn * fn + c_fp * fp
    all_sorted = np.sort(scores)
    n_flagged = scores.size - np.searchsorted(all_sorted, cuts, side="right")
    target = f1 if objective == "f1" else -cost
    best = int(np.flatnonzero(target == target.max())[-1])  # ties: highest threshold
    keep = np.unique(np.append(
        np.linspace(0, cuts.size - 1, min(cuts.size, MAX_CURVE_ROWS - 1)).round().astype(int),
        best))
    curve = pd.DataFrame({"threshold": cuts, "precision": precision, "recall": recall, "f1": f1,
                          "cost": cost, "n_flagged": n_flagged.astype(np.int64)}
                         ).iloc[keep].reset_index(drop=True)
    return ThresholdChoice(threshold=float(cuts[best]), objective=objective,
                           value=float(f1[best] if objective == "f1" else cost[best]),
                           curve=curve, n_labelled=int(known.sum()), _result=result)
