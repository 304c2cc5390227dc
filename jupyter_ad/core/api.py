"""The two entry points of the core, thin wrappers around :class:`AnomalyModel`.

``fit(data, algorithm, **options)`` is ``AnomalyModel(algorithm, **options).fit(data)``;
``detect(data, algorithm, **options)`` fits the same way and returns the
:class:`DetectionResult` of the training rows. The options are those of
:class:`~jupyter_ad.core.model.AnomalyModel` (one spec: :mod:`jupyter_ad.options`).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from jupyter_ad.core.model import AnomalyModel
from jupyter_ad.core.result import DetectionResult
from jupyter_ad.errors import ParameterError
from jupyter_ad.options import DETECTION, DETECTION_NAMES, resolve
from jupyter_ad.options._spec import suggest

__all__ = ["detect", "fit"]

_ENGINES = ("local", "dask")


def _model(algorithm: Any, options: dict[str, Any], function: str) -> AnomalyModel:
    unknown = [k for k in options if k not in DETECTION_NAMES or k == "algorithm"]
    if unknown:
        raise ParameterError(f"{function}() got an unknown option {unknown[0]!r}."
                             f"{suggest(unknown[0], DETECTION_NAMES)} Options: "
                             f"{', '.join(DETECTION_NAMES)}.")
    return AnomalyModel(algorithm, **options)


def fit(data: Any, algorithm: str | Sequence[str] | None = None, **options: Any) -> AnomalyModel:
    """Fit a model on ``data`` to score rows later with ``model.score(new)``.

    Same as ``AnomalyModel(algorithm, **options).fit(data)``; the options are those of
    :class:`~jupyter_ad.core.model.AnomalyModel` (``params``, ``contamination``,
    ``threshold``, ``top_k``, ``features``, ``exclude``, ``preprocessing``, ``ensemble``,
    ``random_state``, ``max_rows``).

    Examples
    --------
    >>> import jupyter_ad as ad
    >>> model = ad.fit(ad.datasets.load_transactions(n_rows=300), "ecod", top_k=5,
    ...                exclude=["is_anomaly"])
    >>> model.algorithm_name, int(model.predict(model.reference_rows_).sum())
    ('ecod', 0)
    """
    return _model(algorithm, options, "fit").fit(data)


def detect(data: Any, algorithm: str | Sequence[str] | None = None, *, engine: str = "local",
           **options: Any) -> DetectionResult:
    """Find the anomalies in ``data`` in one call.

    Parameters
    ----------
    data : DataFrame, ndarray, pyarrow Table, polars DataFrame, dict, path, or Dask DataFrame
        The rows to examine. Paths may point to CSV/TSV, Parquet or JSON-lines files.
    algorithm : str or list of str, optional
        A detector name (see :func:`jupyter_ad.list_detectors`), several (an ensemble), or
        ``"auto"`` (the default: :mod:`jupyter_ad.core.auto`).
    engine : {"local", "dask"}, default "local"
        ``"dask"`` (chosen by itself for a Dask DataFrame) fits on (a seeded sample of at most
        1,000,000 rows of) the data in this process, then scores the partitions in parallel
        on the current ``distributed`` client, or on a 2-worker local cluster started for the
        call (:mod:`jupyter_ad.engines.dask_engine`).
    **options
        The options of :class:`~jupyter_ad.core.model.AnomalyModel`: ``params``,
        ``contamination``, ``threshold``, ``top_k``, ``features``, ``exclude``,
        ``preprocessing``, ``ensemble``, ``random_state``, ``max_rows``.

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
    model = _model(algorithm, options, "detect")
    if engine not in _ENGINES:
        raise ParameterError(f"engine must be one of {', '.join(map(repr, _ENGINES))}, got "
                             f"{engine!r}.")
    from jupyter_ad.engines import engine_for

    if engine == "dask" or engine_for(data) is not None:
        return _detect_dask(model, data)
    return model.fit_detect(data)


def _detect_dask(model: AnomalyModel, data: Any) -> DetectionResult:
    """Fit here on a sample, score every partition on a Dask cluster, gather the result."""
    from jupyter_ad.engines import dask_engine

    seed = resolve(DETECTION, {"random_state": model.random_state})["random_state"].value
    max_rows = model.max_rows or dask_engine.FIT_ROWS
    ddf, sample = dask_engine.collection_and_sample(data, max_rows, seed)
    model.fit(sample)
    scored, rows = dask_engine.compute(model, ddf)
    X, report = model.preprocessor_.transform_with_report(rows, extra_columns="ignore")
    return DetectionResult(data=rows, scores=scored["score"].to_numpy(), model=model,
                           features=X, preprocessing=report,
                           threshold_rule=model.threshold_rule_)


def _signature(function: Any, *, leading: list[inspect.Parameter]) -> inspect.Signature:
    """``function``'s signature with AnomalyModel's options spelled out (for help and IDEs)."""
    model = inspect.signature(AnomalyModel.__init__).parameters
    options = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for n, p in model.items()
               if n not in ("self", "algorithm")]
    return_annotation = inspect.signature(function).return_annotation
    return inspect.Signature([*leading, *options], return_annotation=return_annotation)


_DATA = inspect.Parameter("data", inspect.Parameter.POSITIONAL_OR_KEYWORD)
_ALGO = inspect.Parameter("algorithm", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
fit.__signature__ = _signature(fit, leading=[_DATA, _ALGO])  # type: ignore[attr-defined]
detect.__signature__ = _signature(detect, leading=[  # type: ignore[attr-defined]
    _DATA, _ALGO, inspect.Parameter("engine", inspect.Parameter.KEYWORD_ONLY, default="local")])
