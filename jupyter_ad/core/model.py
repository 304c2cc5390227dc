"""AnomalyModel: preprocessing + detector + threshold, a scikit-learn estimator that fits itself.

``AnomalyModel(...)`` stores its options; ``fit(data)`` reads the data, resolves the options
(explicit values, then the configuration: see :mod:`jupyter_ad.options.config`), preprocesses,
builds and fits the detector, sets the threshold and keeps what explanations and monitoring
need. :func:`jupyter_ad.fit` and :func:`jupyter_ad.detect` are thin wrappers around it, and
validation, tuning, learning from labels and the engines ``clone()`` it.
"""

from __future__ import annotations

import datetime as _dt
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OutlierMixin

from jupyter_ad.core.building import build_for, resolve_algorithm, timed
from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.pages import ordinary_pages
from jupyter_ad.core.params import check_params
from jupyter_ad.core.result import DetectionResult
from jupyter_ad.core.thresholds import ThresholdRule, resolve_threshold, warn_if_most_flagged
from jupyter_ad.core.training import (
    check_input,
    is_plain_json,
    read_training_data,
    reference_rows,
    training_stats,
)
from jupyter_ad.data.preprocessing import PreprocessingReport, Preprocessor
from jupyter_ad.data.readers import as_dataframe
from jupyter_ad.errors import (
    ColumnMismatchError,
    ModelStoreError,
    NotFittedError,
    ParameterError,
)
from jupyter_ad.options import DETECTION, Setting, resolve

__all__ = ["AnomalyModel"]


class AnomalyModel(OutlierMixin, BaseEstimator):  # type: ignore[misc]
    """An anomaly-detection model: preprocessing, a detector and a threshold, fitted together.

    Score convention: **higher score = more anomalous; label 1 = anomaly**. A fitted model
    never re-fits on the rows it scores: a row gets the same score alone or in a batch.

    Every option left at ``None`` takes the configured default (``jupyter-ad.toml``,
    ``JUPYTER_AD_*`` environment variables, ``%config JupyterAD``), else the built-in one;
    ``options_`` records the values used and where each came from.

    Parameters
    ----------
    algorithm : str or list of str, optional
        A registered detector name (see :func:`jupyter_ad.list_detectors`), several names (an
        ensemble of their normalised scores; ``"iforest,ecod"`` works too), or ``"auto"`` (see
        :mod:`jupyter_ad.core.auto`).
    params : dict, optional
        Detector parameters, e.g. ``{"n_estimators": 300}``; for an ensemble, a dict per
        detector name: ``{"knn": {"n_neighbors": 10}}``.
    contamination : float in (0, 0.5] or str, optional
        Expected share of anomalies (``0.05`` or ``"5%"``), or a threshold method: ``"auto"``
        (Tukey's fence on the training scores, the default), ``"tukey-iqr"``, ``"mad"``,
        ``"zscore"``, ``"otsu"``, ``"gesd"`` (see :mod:`jupyter_ad.core.thresholds`).
    threshold : float, optional
        An explicit score threshold instead.
    top_k : int, optional
        Flag exactly the ``top_k`` highest-scoring training rows instead.
    features, exclude : list of str, optional
        Columns to use, or to leave out.
    preprocessing : dict, optional
        Options of :class:`jupyter_ad.data.preprocessing.Preprocessor` (``scaling``,
        ``impute``, ``categorical``, ``max_categories``, ``drop_constant``, ``drop_id_like``).
    ensemble : dict, optional
        How an ensemble combines its members: ``normalisation`` ("zscore" default, "rank",
        "minmax"), ``combination`` ("mean" default, "max", "median", "weighted", "aom", "moa"),
        ``weights`` (one positive number per member, or a dict name -> weight) and
        ``n_buckets`` (groups for "aom"/"moa", default 2).
    random_state : int, optional
        Seed for randomised detectors and samples (built-in default 0: reproducible).
    max_rows : int, optional
        Fit on a seeded random sample of at most this many rows (a Parquet file is sampled
        batch by batch, so it may be larger than memory).

    Attributes
    ----------
    algorithm_ : str or list of str
        The detector(s) fitted (``"auto"`` resolved: see ``auto_reason_``).
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
    reference_rows_ : DataFrame
        Up to 500 training rows scored normal (explanations contrast a row with them).
    options_ : dict of str -> Setting
        The effective value of every option and its source.
    n_features_in_, feature_names_in_ : int, ndarray
        The input columns seen in ``fit``.

    Examples
    --------
    >>> import jupyter_ad as ad
    >>> data = ad.datasets.load_transactions(n_rows=400)
    >>> model = ad.AnomalyModel("iforest", contamination=0.05, exclude=["is_anomaly"]).fit(data)
    >>> int(model.predict(data).sum())
    20
    """

    def __init__(self, algorithm: str | Sequence[str] | None = None, *,
                 params: dict[str, Any] | None = None,
                 contamination: float | str | None = None, threshold: float | None = None,
                 top_k: int | None = None, features: Sequence[str] | None = None,
                 exclude: Sequence[str] | None = None,
                 preprocessing: dict[str, Any] | None = None,
                 ensemble: dict[str, Any] | None = None, random_state: int | None = None,
                 max_rows: int | None = None) -> None:
        self.algorithm = algorithm
        self.params = params
        self.contamination = contamination
        self.threshold = threshold
        self.top_k = top_k
        self.features = features
        self.exclude = exclude
        self.preprocessing = preprocessing
        self.ensemble = ensemble
        self.random_state = random_state
        self.max_rows = max_rows

    # -- fitting --------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> AnomalyModel:
        """Fit on ``X`` (a DataFrame, array, table or path); ``y`` is ignored. Returns ``self``."""
        self.fit_detect(X)
        return self

    def check_options(self) -> dict[str, Setting]:
        """Resolve and check every option without any data; returns the effective settings.

        Raises :class:`~jupyter_ad.errors.ParameterError` (naming the option and the allowed
        values) for what ``fit`` would refuse before looking at the data: unknown detectors,
        detector parameters or preprocessing options, values out of range.
        """
        options = resolve(DETECTION, self.get_params(deep=False))
        value = {name: setting.value for name, setting in options.items()}
        check_params("preprocessing", {**Preprocessor().get_params(),
                                       **(value["preprocessing"] or {})}, Preprocessor._rules)
        if value["algorithm"] == "auto":
            resolve_algorithm("auto", value["params"], 0, 0)  # refuses params with "auto"
            return options
        detector = build_for(value["algorithm"], params=value["params"],
                             random_state=value["random_state"], ensemble=value["ensemble"],
                             explicit=True)
        for part in [detector, *(getattr(detector, "detectors", None) or [])]:
            check_params(type(part).__name__, part.get_params(deep=False), part._param_rules)
        if hasattr(detector, "_check_members"):  # an ensemble: weights, buckets
            detector._check_members()
        return options

    @ordinary_pages()
    def fit_detect(self, X: Any) -> DetectionResult:
        """Fit on ``X`` and return the :class:`DetectionResult` of the training rows."""
        options = self.check_options()
        value = {name: setting.value for name, setting in options.items()}
        frame = read_training_data(X, value["max_rows"], value["random_state"])
        pre_options = dict(value["preprocessing"] or {})
        preprocessor = Preprocessor(features=value["features"], exclude=value["exclude"],
                                    **pre_options)
        matrix = preprocessor.fit_transform(frame)
        resolved, reason = resolve_algorithm(value["algorithm"], value["params"], *matrix.shape)
        detector = build_for(resolved, params=value["params"],
                             random_state=value["random_state"], ensemble=value["ensemble"],
                             explicit=value["algorithm"] != "auto")
        _, seconds = timed(detector.fit, matrix)
        rule = resolve_threshold(detector.decision_scores_,
                                 contamination=value["contamination"],
                                 threshold=value["threshold"], top_k=value["top_k"])
        self._set_fitted(frame, matrix, preprocessor, detector, rule, resolved, reason, seconds)
        self.options_ = options
        warn_if_most_flagged(rule, self.train_scores_sorted_)
        return DetectionResult(data=frame, scores=detector.decision_scores_, model=self,
                               features=matrix, preprocessing=preprocessor.report_,
                               threshold_rule=rule)

    def _set_fitted(self, frame: pd.DataFrame, matrix: np.ndarray, preprocessor: Preprocessor,
                    detector: BaseDetector, rule: ThresholdRule, algorithm: Any, reason: str,
                    seconds: float) -> None:
        """Every fitted attribute, from the training rows and the fitted parts (the one place
        that assembles a fitted model; learning from labels uses it too).
        """
        self.preprocessor_ = preprocessor
        self.detector_ = detector
        self.threshold_rule_ = rule
        self.algorithm_ = algorithm
        self.auto_reason_ = reason
        self.train_scores_sorted_ = np.sort(detector.decision_scores_)
        self.center_, self.spread_, self.metrics_ = training_stats(
            matrix, self.train_scores_sorted_, float(rule.value), seconds)
        self.reference_rows_ = reference_rows(frame, detector.decision_scores_, float(rule.value))
        self.n_features_in_ = int(frame.shape[1])
        self.feature_names_in_ = np.asarray([str(c) for c in frame.columns], dtype=object)
        self.created_ = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        self.__dict__.pop("_row_transformer", None)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "detector_")

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing values are imputed (and reported)
        tags.input_tags.string = True  # text columns are categories or dates
        tags.input_tags.categorical = True
        return tags

    # -- properties -----------------------------------------------------------------------------
    @property
    def threshold_(self) -> float:
        """Score above which a row is an anomaly."""
        self._check_fitted()
        return float(self.threshold_rule_.value)

    @property
    def algorithm_name(self) -> str:
        """Display name: the fitted algorithm, or its members joined by ``+``."""
        self._check_fitted()
        algorithm = self.algorithm_
        name = algorithm if isinstance(algorithm, str) else "+".join(algorithm)
        return name + (" (re-ranked by labels)" if hasattr(self, "learned_from_labels_") else "")

    @property
    def feature_names(self) -> list[str]:
        """Input columns the model uses."""
        self._check_fitted()
        return list(self.preprocessor_.columns_)

    def params_for_display(self) -> dict[str, Any]:
        """The detector's parameters, JSON-friendly."""
        return {k: (v if isinstance(v, int | float | str | bool | None) else repr(v))
                for k, v in self.detector_.get_params(deep=False).items()}

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
    def _check_fitted(self) -> None:
        if not hasattr(self, "detector_"):
            raise NotFittedError("This AnomalyModel is not fitted yet: call fit(data) first "
                                 "(or build it with jupyter_ad.fit).")

    def preprocess(self, data: Any, *, extra_columns: str = "error"
                  ) -> tuple[pd.DataFrame, np.ndarray, PreprocessingReport]:
        """Read and preprocess ``data`` like the training data: (frame, matrix, report)."""
        self._check_fitted()
        data = check_input(data)
        if isinstance(data, np.ndarray) and data.ndim == 2 and (
                data.shape[1] != self.n_features_in_) and not data.dtype.names:
            raise ColumnMismatchError(
                f"X has {data.shape[1]} features, but AnomalyModel is expecting "
                f"{self.n_features_in_} features as input (fitted on columns "
                f"{', '.join(map(str, self.feature_names_in_[:10]))}).")
        frame = as_dataframe(data)
        X, report = self.preprocessor_.transform_with_report(frame, extra_columns=extra_columns)
        return frame, X, report

    def score_samples(self, X: Any, *, extra_columns: str = "error") -> np.ndarray:
        """Anomaly scores of the rows of ``X`` (higher = more anomalous)."""
        monitor = self.__dict__.get("_monitor")
        start = time.perf_counter()
        _, matrix, _ = self.preprocess(X, extra_columns=extra_columns)
        scores = self.detector_._score_validated(matrix)  # the preprocessing output is finite
        if monitor is not None:
            monitor.observe(self, matrix, scores, time.perf_counter() - start)
        return scores

    def decision_function(self, X: Any, *, extra_columns: str = "error") -> np.ndarray:
        """Scores minus the threshold: positive for anomalies, higher = more anomalous."""
        return self.score_samples(X, extra_columns=extra_columns) - self.threshold_

    def predict(self, X: Any, *, extra_columns: str = "error") -> np.ndarray:
        """Labels of the rows of ``X``: 1 = anomaly, 0 = normal (PyOD's convention)."""
        return (self.score_samples(X, extra_columns=extra_columns) > self.threshold_).astype(
            np.int64)

    def score(self, X: Any, y: Any = None, *, extra_columns: str = "error") -> DetectionResult:
        """Score new rows with the fitted model; returns a result for these rows only.

        Parameters
        ----------
        X : DataFrame, array, pyarrow/polars table, path, or Dask/Spark DataFrame
            Rows with the columns the model was fitted on (in any order).
        y : ignored
        extra_columns : {"error", "ignore"}, default "error"
            What to do with columns the model has never seen.

        Returns
        -------
        DetectionResult
            For a Dask DataFrame, a lazy Dask DataFrame with ``score``, ``label`` and
            ``confidence`` columns instead, scored partition by partition (see
            :mod:`jupyter_ad.engines`).
        """
        from jupyter_ad.engines import engine_for

        engine = engine_for(X)
        if engine is not None:
            return engine.score(self, X, extra_columns=extra_columns)  # type: ignore[no-any-return]
        start = time.perf_counter()
        frame, matrix, report = self.preprocess(X, extra_columns=extra_columns)
        result = DetectionResult(data=frame, scores=self.detector_._score_validated(matrix),
                                 model=self, features=matrix, preprocessing=report,
                                 threshold_rule=self.threshold_rule_)
        monitor = self.__dict__.get("_monitor")
        if monitor is not None:
            monitor.observe(self, matrix, result.scores, time.perf_counter() - start,
                            result=result)
        return result

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
        >>> model.score_one(row) > model.threshold_
        True
        """
        if not isinstance(row, Mapping):
            raise ParameterError(
                f"score_one takes a mapping {{column: value}}, got {type(row).__name__}; use "
                "model.score(data) for tables.")
        transformer = self.__dict__.get("_row_transformer")
        if transformer is None:
            self._check_fitted()
            from jupyter_ad.data.row_transform import RowTransformer

            transformer = self.__dict__["_row_transformer"] = RowTransformer(self.preprocessor_)
        monitor = self.__dict__.get("_monitor")
        if monitor is None:  # the transformed row is finite and of the fitted width
            return float(self.detector_._score_validated(
                transformer.transform(row, extra_columns=extra_columns))[0])
        start = time.perf_counter()
        x = transformer.transform(row, extra_columns=extra_columns)
        score = float(self.detector_._score_validated(x)[0])
        monitor.observe_one(self, x, score, time.perf_counter() - start)  # aggregated
        return score

    def score_file(self, source: str | os.PathLike[str], target: str | os.PathLike[str],
                   **kwargs: Any) -> dict[str, Any]:
        """Stream a Parquet file too large for memory through the model into ``target``.

        See :func:`jupyter_ad.io.stream.score_parquet` (``batch_rows``, ``progress``, ...).
        """
        from jupyter_ad.io.stream import score_parquet

        self._check_fitted()
        monitor = self.__dict__.get("_monitor")
        if monitor is None:
            return score_parquet(self, source, target, **kwargs)
        with monitor.collect("file"):  # the whole file is one monitoring record
            return score_parquet(self, source, target, **kwargs)

    # -- monitoring (models loaded from the store: see jupyter_ad.monitoring) -------------------
    @property
    def monitor(self) -> Any:
        """The monitoring tracker of a model loaded from the store (``None`` otherwise)."""
        return self.__dict__.get("_monitor")

    def history(self) -> Any:
        """Monitoring records of this model's name, every version, oldest first: a DataFrame
        whose ``plot()`` draws anomaly rate, drift and precision over time (see
        :mod:`jupyter_ad.monitoring`).
        """
        monitor = self.__dict__.get("_monitor")
        if monitor is None:
            raise ModelStoreError(
                "This model has no monitoring history: only models loaded from the store "
                "(jupyter_ad.load('name')) with monitoring on are recorded.")
        return monitor.history()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_monitor", None)  # a tracker belongs to the process, never to the file
        return state

    # -- persistence ----------------------------------------------------------------------------
    def store_metadata(self) -> dict[str, Any]:
        """What the model store records next to the model."""
        self._check_fitted()
        return {
            "algorithm": self.algorithm_name,
            "params": self.params_for_display(),
            "options": {k: s.to_dict() for k, s in getattr(self, "options_", {}).items()
                        if isinstance(s, Setting) and is_plain_json(s.value)},
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

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        if not hasattr(self, "detector_"):
            return str(super().__repr__(N_CHAR_MAX))
        return (f"AnomalyModel(algorithm={self.algorithm_name!r}, "
                f"features={len(self.feature_names)}, threshold={self.threshold_:.4g})")
