"""The two entry points of the core: :func:`detect` and :func:`fit`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from jupyter_ad.core.auto import choose_algorithm
from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.detectors.ensemble import EnsembleDetector
from jupyter_ad.core.model import AnomalyModel, timed
from jupyter_ad.core.params import Interval
from jupyter_ad.core.registry import build_detector
from jupyter_ad.core.result import DetectionResult
from jupyter_ad.core.thresholds import resolve_threshold
from jupyter_ad.data.preprocessing import Preprocessor
from jupyter_ad.data.readers import as_dataframe
from jupyter_ad.errors import DataError, ParameterError

__all__ = ["detect", "fit"]

Algorithm = str | Sequence[str]
_ENSEMBLE_OPTIONS = ("normalisation", "combination", "weights", "n_buckets")


def fit(
    data: Any,
    algorithm: Algorithm = "auto",
    *,
    params: dict[str, Any] | None = None,
    contamination: float | str | None = None,
    threshold: float | None = None,
    top_k: int | None = None,
    features: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    preprocessing: dict[str, Any] | None = None,
    random_state: int | None = 0,
    ensemble: dict[str, Any] | None = None,
    max_rows: int | None = None,
) -> AnomalyModel:
    """Fit a model on ``data`` to score rows later with ``model.score(new)``.

    Parameters are those of :func:`detect`, plus:

    max_rows : int, optional
        Fit on a seeded random sample of at most this many rows. A Parquet file is sampled
        batch by batch (:func:`jupyter_ad.io.stream.sample_parquet`), so a file larger than
        memory can be fitted on; score it with ``model.score_file``.
    """
    if max_rows is not None:
        data = _sample(data, max_rows, random_state)
    model, _, _, _ = _fit(data, algorithm, params=params, contamination=contamination,
                          threshold=threshold, top_k=top_k, features=features, exclude=exclude,
                          preprocessing=preprocessing, random_state=random_state,
                          ensemble=ensemble)
    return model


def _sample(data: Any, max_rows: Any, random_state: int | None) -> Any:
    """At most ``max_rows`` rows of ``data`` (Parquet files are read in batches)."""
    if not Interval(int, 2).accepts(max_rows):
        raise ParameterError(f"max_rows must be a whole number >= 2, got {max_rows!r}.")
    seed = random_state or 0
    if isinstance(data, str | os.PathLike) and str(data).lower().endswith((".parquet", ".pq")):
        from jupyter_ad.io.stream import sample_parquet

        return sample_parquet(data, int(max_rows), seed=seed)
    frame = as_dataframe(data)
    if len(frame) <= max_rows:
        return frame
    return frame.sample(n=int(max_rows), random_state=seed).sort_index()


def detect(
    data: Any,
    algorithm: Algorithm = "auto",
    *,
    params: dict[str, Any] | None = None,
    contamination: float | str | None = None,
    threshold: float | None = None,
    top_k: int | None = None,
    features: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    preprocessing: dict[str, Any] | None = None,
    random_state: int | None = 0,
    ensemble: dict[str, Any] | None = None,
    engine: str = "local",
) -> DetectionResult:
    """Find the anomalies in ``data`` in one call.

    Parameters
    ----------
    data : DataFrame, ndarray, pyarrow Table, polars DataFrame, dict, or path
        The rows to examine. Paths may point to CSV/TSV, Parquet or JSON-lines files.
    algorithm : str or list of str, default "auto"
        A registered detector name (see :func:`jupyter_ad.list_detectors`), a list of names
        (an ensemble of their normalised scores), or ``"auto"`` (see :mod:`jupyter_ad.core.auto`).
    params : dict, optional
        Detector parameters, e.g. ``{"n_estimators": 300}``. For an ensemble, a dict per
        detector name: ``{"knn": {"n_neighbors": 10}}``.
    contamination : float in (0, 0.5] or "auto", optional
        Expected share of anomalies. Default ``"auto"``: Tukey's fence on the training scores,
        no fixed share (see :mod:`jupyter_ad.core.thresholds`).
    threshold : float, optional
        An explicit score threshold instead.
    top_k : int, optional
        Flag exactly the ``top_k`` highest-scoring rows instead.
    features, exclude : list of str, optional
        Columns to use, or to leave out.
    preprocessing : dict, optional
        Options of :class:`jupyter_ad.data.preprocessing.Preprocessor` (``scaling``,
        ``impute``, ``categorical``, ``max_categories``, ``drop_constant``, ``drop_id_like``).
    random_state : int or None, default 0
        Seed for randomised detectors, so results are reproducible by default.
    ensemble : dict, optional
        How an ensemble (a list of algorithms, or ``"auto"`` when it resolves to several)
        combines its members: ``normalisation`` ("zscore" default, "rank", "minmax"),
        ``combination`` ("mean" default, "max", "median", "weighted", "aom", "moa"),
        ``weights`` (a list with one positive number per member, or a dict name -> weight) and
        ``n_buckets`` (groups for "aom"/"moa", default 2). Example:
        ``ensemble={"combination": "aom", "normalisation": "rank"}``.
    engine : {"local", "dask"}, default "local"
        ``"dask"`` fits on (a sample of at most 1,000,000 rows of) the data in this process,
        then scores the partitions of ``data`` (a Dask DataFrame, or any input split into
        partitions) in parallel on the current ``distributed`` client, or on a 2-worker local
        cluster started for the call; see :func:`jupyter_ad.engines.dask_engine.detect_dask`.

    Returns
    -------
    DetectionResult
        Scores (higher = more anomalous), labels (1 = anomaly), confidence, rank, summary.

    Examples
    --------
    >>> import jupyter_ad as ad
    >>> df = ad.datasets.load_transactions()
    >>> res = ad.detect(df.drop(columns="is_anomaly"))
    >>> res.n_anomalies > 0
    True
    """
    options: dict[str, Any] = {
        "params": params, "contamination": contamination, "threshold": threshold,
        "top_k": top_k, "features": features, "exclude": exclude,
        "preprocessing": preprocessing, "random_state": random_state, "ensemble": ensemble,
    }
    if engine != "local":
        if engine != "dask":
            raise ParameterError(f"engine must be 'local' or 'dask', got {engine!r}.")
        from jupyter_ad.engines.dask_engine import detect_dask

        return detect_dask(data, algorithm, **options)
    model, frame, X, report = _fit(data, algorithm, **options)
    return DetectionResult(data=frame, scores=model.detector_.decision_scores_, model=model,
                           features=X, preprocessing=report,
                           threshold_rule=model.threshold_rule_)


def _fit(data: Any, algorithm: Algorithm, *, params: dict[str, Any] | None,
         contamination: Any, threshold: Any, top_k: Any, features: Sequence[str] | None,
         exclude: Sequence[str] | None, preprocessing: dict[str, Any] | None,
         random_state: int | None,
         ensemble: dict[str, Any] | None = None) -> tuple[AnomalyModel, Any, Any, Any]:
    if not Interval(int, 0, None, allow_none=True).accepts(random_state):
        raise ParameterError(f"random_state must be an integer >= 0 or None, got {random_state!r}.")
    if preprocessing is not None and not isinstance(preprocessing, dict):
        raise ParameterError(f"preprocessing must be a dict of options, got {preprocessing!r}.")
    options = dict(preprocessing or {})
    for key in ("features", "exclude"):
        if key in options:
            raise ParameterError(f"Give {key}= as its own argument, not inside preprocessing.")
    try:
        preprocessor = Preprocessor(features=features, exclude=exclude, **options)
    except TypeError as exc:
        allowed = ", ".join(k for k in Preprocessor().get_params() if k not in ("features",
                                                                                "exclude"))
        raise ParameterError(f"Unknown preprocessing option ({exc}). Allowed: {allowed}.") from exc
    frame = as_dataframe(data)
    if len(frame) == 1:
        raise DataError(
            "Got 1 row: anomaly detection needs at least 2 rows to learn what is normal. To "
            "score a single row, fit a model on more data and use model.score(row)."
        )
    X = preprocessor.fit_transform(frame)
    if _is_auto(algorithm) and params:
        raise ParameterError(
            "params need a named algorithm: 'auto' picks its detectors from the data. Name "
            "one, e.g. algorithm='iforest', params={'n_estimators': 300}, or a list with "
            "params per detector."
        )
    resolved, reason = (choose_algorithm(*X.shape) if _is_auto(algorithm)
                        else (_check_algorithm(algorithm), ""))
    combine_options = _check_ensemble(ensemble, resolved, explicit=not _is_auto(algorithm))
    detector = _build(resolved, params if not _is_auto(algorithm) else None, random_state,
                      combine_options)
    _, seconds = timed(detector.fit, X)
    rule = resolve_threshold(detector.decision_scores_, contamination=contamination,
                             threshold=threshold, top_k=top_k)
    model = AnomalyModel(algorithm=resolved, params=dict(params or {}), detector=detector,
                         preprocessor=preprocessor, threshold_rule=rule, auto_reason=reason)
    model.record_training(X, seconds)
    model.keep_reference_rows(frame, detector.decision_scores_)
    return model, frame, X, preprocessor.report_


def _is_auto(algorithm: Any) -> bool:
    return isinstance(algorithm, str) and algorithm.strip().lower() == "auto"


def _check_algorithm(algorithm: Any) -> str | list[str]:
    if isinstance(algorithm, str):
        return algorithm.strip().lower()
    if isinstance(algorithm, Sequence) and algorithm and all(isinstance(a, str) for a in algorithm):
        names = [a.strip().lower() for a in algorithm]
        if len(set(names)) != len(names):
            raise ParameterError(f"algorithm lists a detector twice: {algorithm!r}.")
        return names[0] if len(names) == 1 else names
    raise ParameterError(
        f"algorithm must be a detector name, a non-empty list of names, or 'auto'; got "
        f"{algorithm!r}. See jupyter_ad.list_detectors()."
    )


def _check_ensemble(ensemble: Any, resolved: str | list[str],
                    explicit: bool) -> dict[str, Any]:
    """Validate the ``ensemble=`` options; weights given by name become a list."""
    if ensemble is None:
        return {}
    if not isinstance(ensemble, dict):
        raise ParameterError(f"ensemble must be a dict of options, got {ensemble!r}.")
    unknown = [k for k in ensemble if k not in _ENSEMBLE_OPTIONS]
    if unknown:
        raise ParameterError(f"Unknown ensemble option {unknown[0]!r}. Allowed: "
                             f"{', '.join(_ENSEMBLE_OPTIONS)}.")
    if isinstance(resolved, str):
        if explicit:
            raise ParameterError("ensemble= applies to a list of algorithms, e.g. "
                                 "algorithm=['iforest', 'knn']; got the single detector "
                                 f"{resolved!r}.")
        return {}  # "auto" chose a single detector (tiny data): nothing to combine
    options = dict(ensemble)
    weights = options.get("weights")
    if isinstance(weights, dict):
        missing = [n for n in resolved if n not in weights]
        extra = [n for n in weights if n not in resolved]
        if missing or extra:
            raise ParameterError(f"ensemble weights given by name need exactly the detectors "
                                 f"{resolved}; got {list(weights)}.")
        options["weights"] = [weights[n] for n in resolved]
    return options


def _build(resolved: str | list[str], params: dict[str, Any] | None,
           random_state: int | None, ensemble: dict[str, Any] | None = None) -> BaseDetector:
    if params is not None and not isinstance(params, dict):
        raise ParameterError(f"params must be a dict, got {params!r}.")
    if isinstance(resolved, str):
        return _seeded(build_detector(resolved, params), random_state)
    params = params or {}
    unknown = [k for k in params if k not in resolved]
    if unknown:
        raise ParameterError(
            f"For an ensemble, params maps detector names to their parameters, e.g. "
            f"{{{resolved[0]!r}: {{...}}}}; {unknown[0]!r} is not one of {resolved}."
        )
    members = [_seeded(build_detector(name, params.get(name)), random_state)
               for name in resolved]
    return EnsembleDetector(members, **(ensemble or {}))


def _seeded(detector: BaseDetector, random_state: int | None) -> BaseDetector:
    current = detector.get_params(deep=False)
    if "random_state" in current and current["random_state"] is None:
        detector.set_params(random_state=random_state)
    return detector
