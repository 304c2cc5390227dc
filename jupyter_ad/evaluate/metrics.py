"""Measuring a ranking: against labels (ROC-AUC, average precision, F1, precision@k) and,
without labels, the advisory internal criteria Excess-Mass and Mass-Volume.

Every metric against labels reads labels as :mod:`jupyter_ad.evaluate.labels` makes them
(1, 0 or NaN = unlabelled) and uses the labelled rows only.

Excess-Mass and Mass-Volume follow Goix (2016), "How to evaluate the quality of unsupervised
anomaly detection algorithms?" (arXiv:1607.01152), on normality scores ``s`` (minus the anomaly
score): the area under ``EM(t) = max_u P(s >= u) - t Leb(s >= u)`` while EM > 0.9 (higher is
better) and under ``MV(a) = Leb(s >= u_a)`` for masses ``a`` in [0.9, 0.999] (lower is
better). They are advisory: see :data:`ADVISORY`.

>>> import numpy as np
>>> y = np.array([1, 0, 0, np.nan, 1, 0])
>>> s = np.array([0.9, 0.1, 0.4, 0.8, 0.7, 0.2])
>>> m = label_metrics(y, s, flagged=s > 0.5)
>>> m["average_precision"], m["f1"], m["n_labelled"]
(1.0, 1.0, 5)
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["ADVISORY", "average_precision", "excess_mass", "label_metrics", "mass_volume",
           "pr_points", "precision_at_k", "roc_auc", "roc_points"]

ADVISORY = (
    "ADVISORY: Excess-Mass and Mass-Volume are internal criteria, not accuracy. They reward a "
    "detector whose normal region is small yet holds most rows, and can be misleading: they "
    "favour some detectors (density-like ones with tight regions) over others that find the "
    "anomalies as well, their volumes are Monte-Carlo estimates that grow unreliable in high "
    "dimensions (hence the random feature subsets), and they never see which rows you would "
    "call anomalies. Use them to compare settings of one detector on one data set, and confirm "
    "with a few labelled rows (labels= or result.feedback)."
)
_ALPHAS = np.linspace(0.9, 0.999, 991)  # the paper's Mass-Volume range
_EM_LEVEL, _EM_T_MAX = 0.9, 100.0  # EM curve kept while above 0.9; t at most 100 / volume


def _known(y: Any, scores: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    known = ~np.isnan(y)
    return y[known].astype(np.int64), s[known]


def roc_auc(y: Any, scores: Any) -> float:
    """ROC-AUC of ``scores`` (higher = more anomalous) on the labelled rows; NaN with one class."""
    from sklearn.metrics import roc_auc_score

    yk, sk = _known(y, scores)
    return float(roc_auc_score(yk, sk)) if 0 < yk.sum() < yk.size else float("nan")


def average_precision(y: Any, scores: Any) -> float:
    """Average precision of ``scores`` on the labelled rows; NaN without a labelled anomaly."""
    from sklearn.metrics import average_precision_score

    yk, sk = _known(y, scores)
    return float(average_precision_score(yk, sk)) if yk.sum() > 0 else float("nan")


def roc_points(y: Any, scores: Any) -> tuple[np.ndarray, np.ndarray]:
    """The ROC curve of ``scores`` on the labelled rows: false and true positive rates."""
    from sklearn.metrics import roc_curve

    yk, sk = _known(y, scores)
    fpr, tpr, _ = roc_curve(yk, sk)
    return fpr, tpr


def pr_points(y: Any, scores: Any) -> tuple[np.ndarray, np.ndarray]:
    """The precision-recall curve on the labelled rows: recall (increasing) and precision."""
    from sklearn.metrics import precision_recall_curve

    yk, sk = _known(y, scores)
    precision, recall, _ = precision_recall_curve(yk, sk)
    return recall[::-1], precision[::-1]


def precision_at_k(y: Any, scores: Any, k: int | None = None) -> float:
    """Share of anomalies among the ``k`` highest-scoring labelled rows (default ``k``: the
    number of labelled anomalies); NaN when ``k`` is 0.
    """
    yk, sk = _known(y, scores)
    k = int(yk.sum()) if k is None else int(k)
    if k <= 0:
        return float("nan")
    top = np.argsort(-sk, kind="stable")[:k]
    return float(yk[top].mean())


def label_metrics(y: Any, scores: Any, flagged: Any = None) -> dict[str, float]:
    """ROC-AUC, average precision and precision@k of ``scores`` against labels ``y``, and, with
    ``flagged`` (1 = flagged), precision, recall and F1 of the flags; on labelled rows only.
    """
    yk, _ = _known(y, scores)
    out: dict[str, float] = {
        "roc_auc": roc_auc(y, scores),
        "average_precision": average_precision(y, scores),
        "precision_at_k": precision_at_k(y, scores),
        "n_labelled": int(yk.size),
    }
    if flagged is not None:
        known = ~np.isnan(np.asarray(y, dtype=np.float64))
        f = np.asarray(flagged).astype(bool)[known]
        hits = int((f & (yk == 1)).sum())
        precision = hits / int(f.sum()) if f.sum() else 0.0
        recall = hits / int(yk.sum()) if yk.sum() else 0.0
        out.update(precision=precision, recall=recall,
                   f1=2 * precision * recall / (precision + recall) if hits else 0.0)
    return out


def _area(y: np.ndarray, x: np.ndarray) -> float:
    """Trapezoid rule (``np.trapezoid`` needs numpy 2)."""
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2)


def excess_mass(s_rows: np.ndarray, s_uniform: np.ndarray) -> tuple[float, bool]:
    """Area under the EM curve of normality scores (t in units of 1 / box volume).

    Returns the area and whether EM fell to 0.9 within ``t <= 100`` (when it does not, no
    uniform point landed in the detector's normal region: the volume estimate failed).
    """
    rows, unif = np.sort(s_rows), np.sort(s_uniform)
    u = np.unique(rows)
    mass = np.r_[1.0, 1.0 - np.searchsorted(rows, u, side="right") / rows.size]
    leb = np.r_[1.0, 1.0 - np.searchsorted(unif, u, side="right") / unif.size]
    keep = mass > _EM_LEVEL  # only level sets holding > 90% of rows matter above EM = 0.9
    mass, leb = mass[keep], leb[keep]
    with np.errstate(divide="ignore"):  # EM(t) <= 0.9 once t >= (mass - 0.9) / leb for all
        t_end = float(np.max((mass - _EM_LEVEL) / leb))
    t = np.linspace(0.0, min(t_end, _EM_T_MAX), 1001)
    return _area(np.max(mass[:, None] - leb[:, None] * t, axis=0), t), t_end <= _EM_T_MAX


def mass_volume(s_rows: np.ndarray, s_uniform: np.ndarray) -> float:
    """Area under the MV curve for masses 0.9..0.999 (volumes as shares of the box)."""
    rows, unif = np.sort(s_rows), np.sort(s_uniform)
    count = np.clip(np.ceil(_ALPHAS * rows.size - 1e-9).astype(np.int64), 1, rows.size)
    level = rows[rows.size - count]
    volume = 1.0 - np.searchsorted(unif, level, side="left") / unif.size
    return _area(volume, _ALPHAS)


