"""AnomalyModel: preprocessing + detector + threshold, fitted once and used to score later."""

from __future__ import annotations

import datetime as _dt
import os
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.result import DetectionResult
from jupyter_ad.core.thresholds import ThresholdRule
from jupyter_ad.data.preprocessing import Preprocessor
from jupyter_ad.data.readers import as_dataframe
from jupyter_ad.errors import ParameterError

__all__ = ["AnomalyModel"]

# rows behind the per-feature centre and spread of the training data (explanations, drift):
# quartiles of 50,000 rows are within about 1% of a standard deviation of the full data's
_STATS_ROWS = 50_000
_SCORE_QUANTILES = (0.01, 0.25, 0.5, 0.75, 0.99)  # of the training scores, in metrics_


class AnomalyModel:
    """A fitted anomaly-detection model. Build it with :func:`jupyter_ad.fit`.

    It never re-fits on the rows it scores: a row gets the same score alone or in a batch.

    Attributes
    ----------
    algorithm : str or list of str
        What was asked for (``"auto"`` is resolved: see :attr:`auto_reason`).
    detector_ : BaseDetector
        The fitted detector.
    preprocessor_ : Preprocessor
        The fitted preprocessing.
    threshold_rule_ : ThresholdRule
        How the threshold was chosen, and its value.
    train_scores_sorted_ : ndarray
        Training scores, sorted (for confidence and normalisation).
    metrics_ : dict
        Training statistics: rows, features, anomaly rate, score quantiles, fit seconds.
    """

    def __init__(self, *, algorithm: str | list[str], params: dict[str, Any],
                 detector: BaseDetector, preprocessor: Preprocessor,
                 threshold_rule: ThresholdRule, auto_reason: str = "") -> None:
        self.algorithm = algorithm
        self.params = params
        self.detector_ = detector
        self.preprocessor_ = preprocessor
        self.threshold_rule_ = threshold_rule
        self.auto_reason = auto_reason
        self.train_scores_sorted_ = np.sort(detector.decision_scores_)
        self.created_ = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        self.metrics_: dict[str, Any] = {}

    # -- properties -----------------------------------------------------------------------------
    @property
    def threshold(self) -> float:
        """Score above which a row is an anomaly."""
        return float(self.threshold_rule_.value)

    @property
    def algorithm_name(self) -> str:
        """Display name: the algorithm, or members joined by ``+``."""
        return self.algorithm if isinstance(self.algorithm, str) else "+".join(self.algorithm)

    @property
    def feature_names(self) -> list[str]:
        """Input columns the model uses."""
        return list(self.preprocessor_.columns_)

    def params_for_display(self) -> dict[str, Any]:
        """The detector's parameters, JSON-friendly."""
        return {k: (v if isinstance(v, int | float | str | bool | None) else repr(v))
                for k, v in self.detector_.get_params(deep=False).items()}

    # -- fitting helpers (used by jupyter_ad.fit) -----------------------------------------------
    def record_training(self, X: np.ndarray, fit_seconds: float) -> None:
        """Keep the training statistics used for deviations, drift checks and the store."""
        from jupyter_ad.data._numeric_kernel import column_quantiles

        sample = X
        if X.shape[0] > _STATS_ROWS:  # robust statistics from a seeded sample of rows
            sample = X[np.sort(np.random.default_rng(0).choice(X.shape[0], _STATS_ROWS, False))]
        q1, med, q3 = column_quantiles(sample, [25.0, 50.0, 75.0])
        spread = (q3 - q1) / 1.349
        std = sample.std(axis=0)
        self.center_ = med
        self.spread_ = np.where(spread > 0, spread, np.where(std > 0, std, 1.0))
        scores = self.train_scores_sorted_
        quantiles = np.quantile(scores, _SCORE_QUANTILES)  # one selection pass for all five
        self.metrics_ = {
            "n_rows": int(X.shape[0]),
            "n_features": int(X.shape[1]),
            "anomaly_rate": float((scores > self.threshold).mean()),
            "score_quantiles": {f"q{int(q * 100)}": float(v)
                                for q, v in zip(_SCORE_QUANTILES, quantiles, strict=True)},
            "fit_seconds": round(float(fit_seconds), 4),
        }

    def keep_reference_rows(self, frame: pd.DataFrame, scores: np.ndarray,
                            n_rows: int = 500) -> None:
        """Keep a seeded sample of up to ``n_rows`` training rows scored normal, as given.

        Explanations contrast a row with these (so ``model.score(new).explain(i)`` compares
        with real normal rows); they are saved with the model.
        """
        normal = np.flatnonzero(scores <= self.threshold)
        if normal.size > n_rows:
            normal = np.sort(np.random.default_rng(0).choice(normal, n_rows, replace=False))
        self.reference_rows_ = frame.iloc[normal].copy()

    def deviations(self, X: np.ndarray) -> np.ndarray:
        """Robust z-scores of preprocessed rows against the training data."""
        return np.asarray((X - self.center_) / self.spread_)

    def source_column(self, feature_index: int) -> str:
        """The input column behind preprocessed feature ``feature_index``."""
        name = self.preprocessor_.feature_names_out_[int(feature_index)]
        for col in self.preprocessor_.columns_:
            if name == col or name.startswith(f"{col}.") or name.startswith(f"{col}="):
                return str(col)
        return str(name)

    # -- scoring --------------------------------------------------------------------------------
    def transform(self, data: Any, *, extra_columns: str = "error") -> tuple[pd.DataFrame,
                                                                             np.ndarray, Any]:
        """Read and preprocess ``data`` like the training data: (frame, matrix, report)."""
        frame = as_dataframe(data)
        X, report = self.preprocessor_.transform_with_report(frame, extra_columns=extra_columns)
        return frame, X, report

    def score_samples(self, data: Any, *, extra_columns: str = "error") -> np.ndarray:
        """Anomaly scores of the rows of ``data`` (higher = more anomalous)."""
        _, X, _ = self.transform(data, extra_columns=extra_columns)
        return self.detector_._score_validated(X)  # the preprocessing output is finite

    def score(self, data: Any, *, extra_columns: str = "error") -> DetectionResult:
        """Score new rows with the fitted model; returns a result for these rows only.

        Parameters
        ----------
        data : DataFrame, array, pyarrow/polars table or path
            Rows with the columns the model was fitted on (in any order).
        extra_columns : {"error", "ignore"}, default "error"
            What to do with columns the model has never seen.

        Returns
        -------
        DetectionResult
            For a Dask DataFrame, a lazy Dask DataFrame with ``score``, ``label`` and
            ``confidence`` columns instead, scored partition by partition (see
            :mod:`jupyter_ad.engines.dask_engine`).
        """
        from jupyter_ad.engines.dask_engine import is_dask_collection

        if is_dask_collection(data):
            from jupyter_ad.engines.dask_engine import score_dask

            return score_dask(self, data, extra_columns=extra_columns)  # type: ignore[no-any-return]
        frame, X, report = self.transform(data, extra_columns=extra_columns)
        return DetectionResult(data=frame, scores=self.detector_._score_validated(X), model=self,
                               features=X, preprocessing=report,
                               threshold_rule=self.threshold_rule_)

    def score_one(self, row: Mapping[str, Any], *, extra_columns: str = "error") -> float:
        """Score of one row given as ``{column: value}`` (the streaming/serving path).

        No DataFrame is built: the fitted preprocessing is applied to the mapping directly, so a
        call takes microseconds. The score equals that of the same row in a batch.

        Examples
        --------
        >>> import jupyter_ad as ad
        >>> model = ad.fit(ad.datasets.load_transactions(n_rows=500), exclude=["is_anomaly"])
        >>> row = {"transaction_id": 1, "timestamp": "2026-02-01 03:10", "amount": 4200.0,
        ...        "merchant": "online", "n_items": 1, "distance_km": 900.0, "customer_age": 30}
        >>> model.score_one(row) > model.threshold
        True
        """
        if not isinstance(row, Mapping):
            raise ParameterError(
                f"score_one takes a mapping {{column: value}}, got {type(row).__name__}; use "
                "model.score(data) for tables.")
        transformer = self.__dict__.get("_row_transformer")
        if transformer is None:
            from jupyter_ad.data.row_transform import RowTransformer

            transformer = self.__dict__["_row_transformer"] = RowTransformer(self.preprocessor_)
        # the transformed row is finite and of the fitted width: no second round of array checks
        return float(self.detector_._score_validated(
            transformer.transform(row, extra_columns=extra_columns))[0])

    def score_file(self, source: str | os.PathLike[str], target: str | os.PathLike[str],
                   **kwargs: Any) -> dict[str, Any]:
        """Stream a Parquet file too large for memory through the model into ``target``.

        See :func:`jupyter_ad.io.stream.score_parquet` (``batch_rows``, ``progress``, ...).
        """
        from jupyter_ad.io.stream import score_parquet

        return score_parquet(self, source, target, **kwargs)

    def predict(self, data: Any, *, extra_columns: str = "error") -> np.ndarray:
        """Labels (1 = anomaly) of the rows of ``data``."""
        return (self.score_samples(data, extra_columns=extra_columns) > self.threshold).astype(
            np.int64)

    # -- persistence ----------------------------------------------------------------------------
    def store_metadata(self) -> dict[str, Any]:
        """What the model store records next to the model."""
        return {
            "algorithm": self.algorithm_name,
            "params": self.params_for_display(),
            "features": self.feature_names,
            "schema": self.preprocessor_.schema_.to_dict(),
            "preprocessing": {k: v for k, v in self.preprocessor_.get_params().items()
                              if k not in ("features", "exclude")},
            "threshold": self.threshold_rule_.to_dict(),
            "metrics": self.metrics_,
            "trained": self.created_,
        }

    def save(self, name: str, *, root: str | os.PathLike[str] | None = None) -> Any:
        """Save into the model store as the next version of ``name``; returns its reference.

        The store lives in ``root``, else ``$JUPYTER_AD_HOME``, else the user data folder.
        Saving is atomic: an interrupted save never damages earlier versions.
        """
        from jupyter_ad.io.store import ModelStore

        if not isinstance(name, str):
            raise ParameterError(f"The model name must be a string, got {name!r}.")
        return ModelStore(root).save(name, self, metadata=self.store_metadata())

    def __repr__(self) -> str:
        return (f"AnomalyModel(algorithm={self.algorithm_name!r}, "
                f"features={len(self.feature_names)}, threshold={self.threshold:.4g})")


def timed(func: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """``func(*args, **kwargs)`` and the seconds it took."""
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - start
