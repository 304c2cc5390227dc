"""Performance tracking of saved models: every scoring call recorded, feedback joined.

A model loaded from the store (:func:`jupyter_ad.load`) carries a :class:`Tracker`
(``model.monitor``); each ``model.score`` / ``score_samples`` / ``predict`` /
``decision_function`` call, each ``score_file``, and each window of ``score_one`` rows appends
a record (time, rows, anomaly rate, score quantiles, per-column drift against the training
reference, latency) to a SQLite file beside the store. It is on by default; the ``[monitoring]``
table of ``jupyter-ad.toml`` or ``JUPYTER_AD_MONITORING_ENABLED=false`` turns it off.

>>> import jupyter_ad as ad
>>> model = ad.fit(ad.datasets.load_transactions(n_rows=300), exclude=["is_anomaly"])
>>> _ = model.save("doc-monitor")
>>> model = ad.load("doc-monitor")
>>> res = model.score(ad.datasets.load_transactions(n_rows=200, random_state=1).drop(
...     columns="is_anomaly"))
>>> h = model.history()
>>> int(h["rows"].iloc[-1]), h["source"].iloc[-1]
(200, 'batch')

The functions the other front ends call: :func:`scoring` (label or aggregate the records of a
block of scoring calls: streams, services), :func:`feedback` (labelled rows) and
:func:`history`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from jupyter_ad.errors import ParameterError
from jupyter_ad.monitoring.tracker import Tracker, feedback_rows, scoring

__all__ = ["Tracker", "attach", "database_path", "feedback", "history", "scoring"]

DB_NAME = ".monitoring.sqlite"


def database_path(root: str | os.PathLike[str] | None = None) -> Path:
    """The monitoring database: ``[monitoring] path`` if set, else ``.monitoring.sqlite`` in
    the model store's folder (``root``, ``$JUPYTER_AD_HOME`` or the user data folder).
    """
    from jupyter_ad.monitoring.settings import monitoring_settings

    configured = monitoring_settings()["path"]
    if configured:
        return Path(configured).expanduser()
    if root is None:
        import platformdirs

        root = os.environ.get("JUPYTER_AD_HOME") or (
            Path(platformdirs.user_data_dir("jupyter-ad")) / "models")
    return Path(root).expanduser().absolute() / DB_NAME


def attach(model: Any, name: str, version: int | None, *,
           root: str | os.PathLike[str] | None = None,
           mlflow: dict[str, Any] | None = None) -> Tracker | None:
    """Give ``model`` a tracker for ``name@version`` (``None`` when monitoring is off)."""
    import weakref

    from jupyter_ad.monitoring.settings import monitoring_settings

    settings = monitoring_settings()
    if not settings["enabled"]:
        model.__dict__.pop("_monitor", None)
        return None
    tracker = Tracker(name, version, database_path(root), flush_rows=settings["flush_rows"],
                      flush_seconds=settings["flush_seconds"], mlflow=mlflow)
    tracker._model = weakref.ref(model)
    model.__dict__["_monitor"] = tracker
    return tracker


def _tracker_of(model: Any) -> Tracker:
    tracker = getattr(model, "__dict__", {}).get("_monitor")
    if tracker is None:
        raise ParameterError(
            "This model is not monitored: load it from the store (jupyter_ad.load('name')) "
            "with monitoring on, or pass the model's name.")
    return tracker  # type: ignore[no-any-return]


def feedback(target: Any, labels: Any = None, *, scores: Any = None, predicted: Any = None,
             rows: Any = None, record: int | None = None, version: int | None = None,
             source: str = "api", root: str | os.PathLike[str] | None = None) -> int:
    """Store true labels of scored rows (1 = anomaly, 0 = normal); returns the rows stored.

    Parameters
    ----------
    target : DetectionResult, AnomalyModel or str
        - a result of a monitored model: ``labels`` (a ``{row: label}`` mapping, or one label
          per row) or, if ``None``, the result's own ``feedback`` marks are stored and joined
          to the record of that scoring call;
        - a monitored model or a model name: ``labels`` with ``scores`` (one per labelled
          row; ``predicted``, the labels the model gave, default: score above the threshold).
          Without ``scores`` the labels are stored and counted (``n_feedback``) but give no
          precision (the service's feedback by row ids).
    rows : list, optional
        Row names of the labelled rows (default ``0, 1, ...``).
    record : int, optional
        The record the rows belong to (default: the latest record of the version).
    version : int, optional
        The model version, with a model name (default: the latest version recorded).
    """
    from jupyter_ad.monitoring import db

    if hasattr(target, "scores") and hasattr(target, "feedback"):  # a DetectionResult
        tracker = _tracker_of(target.model)
        if labels is None:
            return tracker.sync_feedback() if target in tracker._results else (
                _result_marks(tracker, target, dict(target.feedback), source))
        marks = dict(labels) if isinstance(labels, Mapping) else dict(
            zip(target.data.index, np.asarray(labels).ravel(), strict=True))
        return _result_marks(tracker, target, marks, source)
    if isinstance(target, str):
        name, path, threshold = target, database_path(root), None
    else:
        tracker = _tracker_of(target)
        name, path, threshold = tracker.name, tracker.path, float(target.threshold_)
        version = tracker.version if version is None else version
    if labels is None:
        raise ParameterError("feedback(name_or_model, labels, scores=...) needs the labels and "
                             "the scores of the labelled rows.")
    from jupyter_ad.evaluate.labels import label_values

    y = label_values(labels)
    s = (np.full(y.size, np.nan) if scores is None
         else np.asarray(scores, dtype=np.float64).ravel())
    if s.size != y.size:
        raise ParameterError(f"feedback got {y.size} labels but {s.size} scores; give one "
                             "score per labelled row.")
    records, _ = db.read_tables(path, name, version)
    if version is None and records:
        version = records[-1]["version"]
        records = [r for r in records if r["version"] == version]
    if threshold is None:
        threshold = records[-1]["threshold"] if records else np.inf
    given: list[int | None] = (
        [int(p) for p in np.asarray(predicted).ravel()] if predicted is not None
        else [None if np.isnan(sc) else int(sc > threshold) for sc in s])
    names = list(rows) if rows is not None else list(range(y.size))
    if len(names) != y.size:
        raise ParameterError(f"feedback got {y.size} labels but {len(names)} row names; give "
                             "one name per labelled row.")
    stamp = db.now()
    out = [{"record_id": record, "model": name, "version": version, "time": stamp,
            "row": str(n), "score": None if np.isnan(sc) else float(sc), "predicted": p,
            "label": int(v), "source": source}
           for n, sc, p, v in zip(names, s, given, y, strict=True) if not np.isnan(v)]
    return db.add_feedback(path, out)


def _result_marks(tracker: Tracker, result: Any, marks: dict[Any, Any], source: str) -> int:
    from jupyter_ad.monitoring import db

    record = tracker._results.get(result, (None, {}))[0]
    rows = feedback_rows(result, marks, record=record, name=tracker.name,
                         version=tracker.version, source=source)
    return db.add_feedback(tracker.path, rows)


def history(name: str, *, version: int | None = None,
            root: str | os.PathLike[str] | None = None) -> Any:
    """The monitoring history of model ``name`` (all versions, or one): a
    :class:`~jupyter_ad.monitoring._history.History` DataFrame, oldest record first.
    """
    from jupyter_ad.monitoring import db
    from jupyter_ad.monitoring._history import build_history

    records, rows = db.read_tables(database_path(root), name, version)
    return build_history(records, rows)
