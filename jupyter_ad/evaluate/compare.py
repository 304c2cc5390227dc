"""Comparing detectors on the same data: :func:`compare` and :class:`ComparisonResult`.

With labels (a column name or an array; missing values mean "unlabelled"), each detector gets
ROC-AUC, average precision, F1 / precision / recall at its threshold and precision@k (k = the
number of labelled anomalies), with the spread over ``n_seeds`` seeds for randomised detectors.
Without labels: rank agreement with the other detectors (Spearman), stability under resampling
(rank correlation of scores from two 70% sub-samples) and the number flagged. Always: fit and
score seconds and peak memory (traced Python + numpy allocations).
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from jupyter_ad.core.building import seeded
from jupyter_ad.core.registry import build_detector, list_detectors
from jupyter_ad.core.thresholds import resolve_threshold
from jupyter_ad.data.preprocessing import Preprocessor
from jupyter_ad.data.readers import as_dataframe
from jupyter_ad.errors import DataError, LabelError, ParameterError
from jupyter_ad.evaluate.labels import split_labels
from jupyter_ad.evaluate.metrics import label_metrics
from jupyter_ad.options import OPTIONS

__all__ = ["FAST_DETECTORS", "ComparisonResult", "compare"]

FAST_DETECTORS = ("iforest", "ecod", "copod", "hbos", "pca", "loda")


class ComparisonResult:
    """Leaderboard and per-detector scores of a :func:`compare` run.

    Attributes
    ----------
    scores : dict of str -> ndarray
        Each detector's scores of every row (higher = more anomalous).
    labels : ndarray or None
        The evaluation labels (NaN where unlabelled), if given.
    agreement : pandas.DataFrame
        Detector x detector Spearman rank correlation of the scores.
    selected : str or None
        The detector chosen in the comparison panel (clicked in its leaderboard), if any.
    """

    def __init__(self, table: pd.DataFrame, scores: dict[str, np.ndarray],
                 thresholds: dict[str, float], labels: np.ndarray | None,
                 agreement: pd.DataFrame, index: pd.Index) -> None:
        self._table = table
        self.scores = scores
        self.thresholds = thresholds
        self.labels = labels
        self.agreement = agreement
        self.index = index
        self.selected: str | None = None

    @property
    def metric(self) -> str:
        """The column the leaderboard is sorted by."""
        return "average_precision" if self.labels is not None else "agreement"

    @property
    def best(self) -> str:
        """Name of the detector at the top of the leaderboard."""
        return str(self._table.index[0])

    def to_frame(self) -> pd.DataFrame:
        """One row per detector (index ``detector``), best first."""
        return self._table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable leaderboard and agreement matrix."""
        table = self._table.replace({np.nan: None})
        return {
            "metric": self.metric,
            "best": self.best,
            "leaderboard": table.reset_index().to_dict(orient="records"),
            "agreement": self.agreement.round(6).to_dict(),
        }

    def plot(self, kind: str = "leaderboard", **kwargs: Any) -> Any:
        """An Altair chart: ``"leaderboard"``, ``"curves"`` (needs labels) or ``"agreement"``."""
        from jupyter_ad import charts

        if kind == "leaderboard":
            return charts.comparison_bars(self._table, **kwargs)
        if kind == "agreement":
            return charts.agreement_heatmap(self.agreement)
        if kind == "curves":
            if self.labels is None:
                raise ParameterError("ROC/PR curves need labels: compare(..., labels=...).")
            known = ~np.isnan(self.labels)
            return charts.roc_pr_curves({k: v[known] for k, v in self.scores.items()},
                                        self.labels[known].astype(int))
        raise ParameterError(f"Unknown plot kind {kind!r}; use 'leaderboard', 'curves' or "
                             "'agreement'.")

    def to_html(self, path: str | os.PathLike[str], **kwargs: Any) -> Path:
        """Write a one-file HTML report (leaderboard, curves, agreement) that opens offline;
        see :func:`jupyter_ad.report.write_comparison_html`. Returns the path written.
        """
        from jupyter_ad.report import write_comparison_html

        return write_comparison_html(self, path, **kwargs)

    def __repr__(self) -> str:
        return (f"ComparisonResult(detectors={len(self.scores)}, best={self.best!r}, "
                f"metric={self.metric!r})")


def _resolve_algorithms(algorithms: str | Sequence[str]) -> list[str]:
    names = OPTIONS["algorithms"].coerce(algorithms)
    if names == "fast":
        return list(FAST_DETECTORS)
    if names == "all":
        return list(list_detectors().index)
    return list(names)


def _evaluate(y: np.ndarray, scores: np.ndarray, flagged: np.ndarray) -> dict[str, float]:
    metrics = label_metrics(y, scores, flagged)
    return {key: metrics[key] for key in ("roc_auc", "average_precision", "f1", "precision",
                                          "recall", "precision_at_k")}


def _fit_score(name: str, params: dict[str, Any] | None, X: np.ndarray,
               seed: int) -> tuple[np.ndarray, float, float, float]:
    """Training scores, fit seconds, score seconds, peak traced MiB (from a second, traced run:
    tracing slows numpy down, so it is kept out of the timed run).
    """
    detector = seeded(build_detector(name, params), seed)
    start = time.perf_counter()
    detector.fit(X)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    detector.score_samples(X)
    score_s = time.perf_counter() - start
    traced = seeded(build_detector(name, params), seed)
    tracemalloc.start()
    try:
        traced.fit(X).score_samples(X)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return detector.decision_scores_, fit_s, score_s, peak


def _stability(name: str, params: dict[str, Any] | None, X: np.ndarray, seed: int) -> float:
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    size = max(2, int(0.7 * n))
    runs = []
    for _ in range(2):
        rows = rng.choice(n, size=size, replace=False)
        detector = seeded(build_detector(name, params), int(rng.integers(0, 2**31 - 1)))
        runs.append(detector.fit(X[rows]).score_samples(X))
    return float(spearmanr(runs[0], runs[1]).statistic)


def compare(
    data: Any,
    algorithms: str | Sequence[str] = "fast",
    *,
    labels: Any = None,
    params: dict[str, dict[str, Any]] | None = None,
    contamination: float | str | None = None,
    n_seeds: int = 1,
    stability: bool | None = None,
    features: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    preprocessing: dict[str, Any] | None = None,
    random_state: int = 0,
) -> ComparisonResult:
    """Run several detectors on the same rows and rank them.

    Parameters
    ----------
    data : DataFrame, array, table or path
        As for :func:`jupyter_ad.detect`.
    algorithms : "fast", "all", or list of str, default "fast"
        ``"fast"`` is iforest, ecod, copod, hbos, pca, loda; ``"all"`` every registered one.
    labels : str or array-like, optional
        A column of ``data`` (removed from the features) or an array: 1 = anomaly, 0 = normal,
        missing = unlabelled. Turns on the supervised metrics.
    params : dict, optional
        Parameters per detector name.
    contamination : float or "auto", optional
        How each detector's threshold is set (for F1 and the number flagged).
    n_seeds : int, default 1
        Repeats with different seeds; the ``*_std`` columns give the spread.
    stability : bool, optional
        Compute stability under resampling (default: only when there are no labels).

    Returns
    -------
    ComparisonResult
    """
    names = _resolve_algorithms(algorithms)
    if not isinstance(n_seeds, int) or isinstance(n_seeds, bool) or n_seeds < 1:
        raise ParameterError(f"n_seeds must be a whole number >= 1, got {n_seeds!r}.")
    params = params or {}
    if not isinstance(params, dict) or any(k not in names for k in params):
        raise ParameterError(f"params maps detector names among {names} to their parameters.")
    frame, y = split_labels(as_dataframe(data), labels)
    if y is not None:
        known = y[~np.isnan(y)]
        if known.size == 0 or known.min() == known.max():
            raise LabelError("labels hold a single class: metrics need both anomalies (1) "
                             "and normal rows (0).")
    X = Preprocessor(features=features, exclude=exclude, **(preprocessing or {})).fit_transform(
        frame)
    if X.shape[0] < 3:
        raise DataError(f"compare needs at least 3 rows, got {X.shape[0]}.")
    rows, scores, thresholds = [], {}, {}
    for name in names:
        runs = [_fit_score(name, params.get(name), X, random_state + s) for s in range(n_seeds)]
        train_scores = runs[0][0]
        rule = resolve_threshold(train_scores, contamination=contamination)
        flagged = (train_scores > rule.value).astype(int)
        row: dict[str, Any] = {"detector": name, "n_flagged": int(flagged.sum())}
        if y is not None:
            per_seed = [_evaluate(y, r[0], (r[0] > resolve_threshold(
                r[0], contamination=contamination).value).astype(int)) for r in runs]
            for key in per_seed[0]:
                values = [m[key] for m in per_seed]
                row[key] = float(np.mean(values))
                if n_seeds > 1:
                    row[f"{key}_std"] = float(np.std(values))
        row["fit_seconds"] = float(np.mean([r[1] for r in runs]))
        row["score_seconds"] = float(np.mean([r[2] for r in runs]))
        row["peak_memory_mb"] = float(max(r[3] for r in runs))
        if stability if stability is not None else y is None:
            row["stability"] = _stability(name, params.get(name), X, random_state)
        rows.append(row)
        scores[name], thresholds[name] = train_scores, rule.value
    agreement = _agreement(scores)
    table = pd.DataFrame(rows).set_index("detector")
    if len(names) > 1:
        table.insert(1, "agreement", [
            float(agreement.loc[n].drop(n).mean()) for n in table.index])
    else:
        table.insert(1, "agreement", np.nan)
    metric = "average_precision" if y is not None else "agreement"
    table = table.sort_values(metric, ascending=False, na_position="last")
    return ComparisonResult(table, scores, thresholds, y, agreement, frame.index)


def _agreement(scores: dict[str, np.ndarray]) -> pd.DataFrame:
    names = list(scores)
    matrix = np.ones((len(names), len(names)))
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            rho = spearmanr(scores[names[i]], scores[names[j]]).statistic
            matrix[i, j] = matrix[j, i] = 0.0 if np.isnan(rho) else float(rho)
    return pd.DataFrame(matrix, index=names, columns=names)
