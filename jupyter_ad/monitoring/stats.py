"""The statistics of one monitoring record, computed from what a scoring call already has.

Drift is measured per input column against the model's training reference, in two ways:

- ``ks``: the Kolmogorov-Smirnov distance (0 = same distribution, 1 = disjoint) between the
  batch's preprocessed values and those of the model's reference rows (up to 500 training
  rows scored normal, saved with every model);
- ``shift``: how far the batch's median moved from the training median, in training spreads
  (robust z: ``(median - centre) / spread``, the units of ``res.drivers()``).

A column expanded by the preprocessing (one-hot categories, date parts) reports the largest
value of its parts. The record's headline ``drift`` is the largest ``ks`` over the columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["QUANTILES", "batch_stats", "reference_matrix"]

QUANTILES = (0.5, 0.9, 0.99)
#: Drift is measured on at most this many rows of a batch (evenly spaced): a KS distance on
#: 2,000 rows is within about 0.03 of the full batch's; counts and quantiles use every row.
DRIFT_ROWS = 2000


def reference_matrix(model: Any) -> np.ndarray:
    """The model's reference rows, preprocessed and sorted per column (computed once)."""
    rows = model.reference_rows_
    if rows is None or len(rows) == 0:
        return np.empty((0, len(model.preprocessor_.feature_names_out_)))
    _, matrix, _ = model.preprocess(rows, extra_columns="ignore")
    return np.sort(np.asarray(matrix, dtype=np.float64), axis=0)


def ks_distances(reference_sorted: np.ndarray, batch: np.ndarray) -> np.ndarray:
    """Two-sample KS distance per column between sorted reference columns and ``batch``."""
    n_ref, n = reference_sorted.shape[0], batch.shape[0]
    out = np.zeros(batch.shape[1])
    if n_ref == 0 or n == 0:
        return out
    ordered = np.sort(batch, axis=0)
    for j in range(batch.shape[1]):
        ref, cur = reference_sorted[:, j], ordered[:, j]
        grid = np.concatenate([ref, cur])
        cdf_ref = np.searchsorted(ref, grid, side="right") / n_ref
        cdf_cur = np.searchsorted(cur, grid, side="right") / n
        out[j] = float(np.max(np.abs(cdf_ref - cdf_cur)))
    return out


def batch_stats(model: Any, matrix: np.ndarray, scores: np.ndarray, reference: np.ndarray,
                threshold: float, columns: list[str] | None = None) -> dict[str, Any]:
    """Rows, anomaly rate, score quantiles and per-column drift of one scored batch
    (``columns``: the input column of each preprocessed feature, if known).
    """
    scores = np.asarray(scores, dtype=np.float64)
    n = int(scores.size)
    flagged = int((scores > threshold).sum())
    quantiles = np.quantile(scores, QUANTILES) if n else np.full(len(QUANTILES), np.nan)
    out: dict[str, Any] = {
        "rows": n, "anomalies": flagged, "anomaly_rate": flagged / n if n else float("nan"),
        **{f"score_q{int(q * 100)}": float(v) for q, v in zip(QUANTILES, quantiles, strict=True)},
        "score_max": float(scores.max()) if n else float("nan"),
        "threshold": float(threshold),
    }
    drift: dict[str, dict[str, float]] = {}
    if n and matrix is not None and matrix.ndim == 2 and matrix.shape[0] == n:
        if n > DRIFT_ROWS:
            matrix = matrix[np.linspace(0, n - 1, DRIFT_ROWS).astype(np.intp)]
        ks = ks_distances(reference, matrix)
        shift = (np.median(matrix, axis=0) - model.center_) / model.spread_
        names = columns if columns is not None else [
            model.source_column(j) for j in range(matrix.shape[1])]
        for j in range(matrix.shape[1]):
            column = names[j]
            entry = drift.setdefault(column, {"ks": 0.0, "shift": 0.0})
            entry["ks"] = max(entry["ks"], round(float(ks[j]), 4))
            if abs(shift[j]) > abs(entry["shift"]):
                entry["shift"] = round(float(shift[j]), 4)
    worst = max(drift.items(), key=lambda kv: kv[1]["ks"], default=(None, {"ks": np.nan}))
    out.update(drift=float(worst[1]["ks"]), drift_column=worst[0], drift_columns=drift)
    return out
