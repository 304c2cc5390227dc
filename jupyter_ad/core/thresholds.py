"""Turning scores into labels: contamination, an explicit score, top-k, or ``"auto"``.

``"auto"`` (the default) uses **Tukey's fence on the training scores**: a row is an anomaly when
its score exceeds ``Q3 + 1.5 * IQR`` of the training scores. It needs no guess of the
contamination, flags nothing when the scores have no upper tail, and is robust to the anomalies
themselves. When the scores are so tied that the IQR is zero, it falls back to the median plus
3.5 scaled median absolute deviations, and finally to "above the median".
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from jupyter_ad.errors import ParameterError

__all__ = ["AUTO_METHOD", "ThresholdRule", "auto_threshold", "resolve_threshold"]

AUTO_METHOD = "tukey-iqr"


def auto_threshold(scores: np.ndarray) -> float:
    """Tukey's upper fence ``Q3 + 1.5 IQR`` of ``scores`` (see module docstring)."""
    s = np.asarray(scores, dtype=np.float64)
    q1, med, q3 = np.percentile(s, [25, 50, 75])
    if q3 > q1:
        return float(q3 + 1.5 * (q3 - q1))
    mad = float(np.median(np.abs(s - med))) * 1.4826
    if mad > 0:
        return float(med + 3.5 * mad)
    return float(med)


@dataclass(frozen=True)
class ThresholdRule:
    """How the threshold of a model was chosen, and its value (a score)."""

    method: str
    value: float
    parameter: float | int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON-serialisable)."""
        return {"method": self.method, "value": self.value, "parameter": self.parameter}

    def describe(self) -> str:
        """One phrase for summaries."""
        if self.method == "contamination":
            return f"the top {self.parameter:.1%} of training scores"
        if self.method == "top_k":
            return f"the {self.parameter} highest training scores"
        if self.method == "score":
            return f"an explicit score threshold of {self.value:.4g}"
        return "Tukey's fence on the training scores (Q3 + 1.5 IQR)"


def resolve_threshold(
    train_scores: np.ndarray,
    *,
    contamination: Any = None,
    threshold: Any = None,
    top_k: Any = None,
) -> ThresholdRule:
    """Choose the score threshold from at most one of the three options.

    Parameters
    ----------
    train_scores : ndarray
        Scores of the training rows (higher = more anomalous).
    contamination : float in (0, 0.5] or "auto", optional
        Expected share of anomalies; ``"auto"``/``None`` uses :func:`auto_threshold`.
    threshold : float, optional
        An explicit score: rows scoring above it are anomalies.
    top_k : int, optional
        Flag exactly the ``top_k`` highest-scoring training rows.
    """
    given = [
        n
        for n, v in (("contamination", contamination), ("threshold", threshold), ("top_k", top_k))
        if v is not None and not (n == "contamination" and v == "auto")
    ]
    if len(given) > 1:
        raise ParameterError(
            f"Give only one of contamination, threshold and top_k (got {' and '.join(given)})."
        )
    s = np.asarray(train_scores, dtype=np.float64)
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
            raise ParameterError(f"threshold must be a number (a score), got {threshold!r}.")
        if not np.isfinite(float(threshold)):
            raise ParameterError(f"threshold must be a finite number, got {threshold!r}.")
        return ThresholdRule("score", float(threshold))
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or int(top_k) < 0:
            raise ParameterError(f"top_k must be a whole number >= 0, got {top_k!r}.")
        top_k = int(top_k)
        if top_k > s.size:
            raise ParameterError(f"top_k={top_k} is more than the {s.size} rows given.")
        if top_k == 0:
            return ThresholdRule("top_k", float(s.max()), 0)
        ordered = np.sort(s)[::-1]
        # the threshold sits just below the k-th highest score; ties may flag a few more rows
        value = float(np.nextafter(ordered[top_k - 1], -np.inf))
        return ThresholdRule("top_k", value, int(top_k))
    if contamination is None or contamination == "auto":
        return ThresholdRule(AUTO_METHOD, auto_threshold(s))
    if (
        isinstance(contamination, bool)
        or not isinstance(contamination, numbers.Real)
        or not 0 < float(contamination) <= 0.5
    ):
        raise ParameterError(
            "contamination must be a number in (0, 0.5] (the expected share of anomalies) "
            f"or 'auto', got {contamination!r}."
        )
    value = float(np.quantile(s, 1.0 - float(contamination), method="higher"))
    value = float(np.nextafter(value, -np.inf))
    return ThresholdRule("contamination", value, float(contamination))
