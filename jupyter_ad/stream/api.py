"""``ad.stream(source, model, sink=None, **options)``: score a stream of events with a fitted
model, in micro-batches.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_ad.errors import ParameterError
from jupyter_ad.stream.runner.stream import Stream

__all__ = ["Stream", "open_model", "stream"]


def open_model(model: Any, *, store: str | os.PathLike[str] | None = None,
               trusted: bool = False) -> tuple[Any, str, str | None]:
    """``(model, version, name)`` for a fitted model or a saved one: ``"name"``,
    ``"name@3"``, ``"name@production"`` or ``"models:/name@production"``, loaded (verified,
    and monitored unless monitoring is off) by :func:`jupyter_ad.load`.
    """
    if isinstance(model, str):
        from jupyter_ad.io.api import load_stored

        obj, manifest = load_stored(model, trusted=trusted, root=store)
        name = str(manifest.get("name") or model)
        return obj, f"{name}@{manifest.get('version', '?')}", name
    if not hasattr(model, "detector_") or not hasattr(model, "preprocessor_"):
        raise ParameterError(
            f"stream needs a fitted AnomalyModel or a saved model's name, got "
            f"{type(model).__name__}; fit one first: model = ad.fit(training_data).")
    return model, str(getattr(model, "version_", "in-memory")), None


def stream(source: Any, model: Any, sink: Any = None, *, dead_letter: Any = None,
           alerts: Any = None, reference: Any = None, start: bool = True,
           store: str | os.PathLike[str] | None = None, trusted: bool = False,
           **options: Any) -> Stream:
    """Score events from ``source`` with ``model`` in micro-batches and write them to ``sink``.

    Parameters
    ----------
    source : str, iterable, async iterable, DataFrame or Source
        ``"kafka://BROKERS/TOPIC?group=G"``, ``"redis://HOST:PORT/DB/STREAM?group=G"``,
        ``"jsonl:PATH"``, ``"-"`` (standard input); or Python objects: an iterable (or async
        iterable) of dicts, JSON text or DataFrames.
    model : AnomalyModel or str
        A fitted model, or a saved model ``"name"`` / ``"name@3"`` / ``"name@production"`` /
        ``"models:/name@production"``. A saved model (or one given as loaded by
        :func:`jupyter_ad.load`) is monitored: one record per ``flush_seconds`` window of
        batches, source ``"stream"`` (``JUPYTER_AD_MONITORING_ENABLED=false`` turns it off).
    sink : str, list, callable, Sink or None
        A URL (as for ``source``, plus ``"parquet:PATH"`` and ``"-"`` for standard output),
        a list (scored events appended as dicts), a function (called with each
        :class:`~jupyter_ad.stream.events.ScoredBatch`), or ``None``: kept in memory
        (``stream.results()``).
    dead_letter : str or sink, optional
        Where poison events go, each with ``event_id``, ``reason`` and ``raw``.
    alerts : str, dict or AlertManager, optional
        An alerts TOML file, the same as a dict, or an :class:`AlertManager`.
    reference : DataFrame, optional
        Reference sample for feature drift (default: the model's reference rows).
    start : bool, default True
        Start at once in a background thread (``False``: call ``start()`` or ``run()``).
    store, trusted
        Where saved models are and whether an unverifiable one may be loaded.
    **options
        The ``[stream]`` options: ``batch_size``, ``max_latency_ms``, ``buffer_size``,
        ``drift_every``, ``refit_every``, ``refit_on_drift``, ``extra_fields``,
        ``sink_retry_s``; those not given come from ``jupyter-ad.toml``'s ``[stream]`` table
        or ``JUPYTER_AD_STREAM_*`` variables.

    Returns
    -------
    Stream

    Examples
    --------
    >>> import jupyter_ad as ad
    >>> data = ad.datasets.load_transactions(n_rows=2000)
    >>> model = ad.fit(data, exclude=["is_anomaly"])
    >>> events = data.drop(columns="is_anomaly").to_dict("records")
    >>> s = ad.stream(events, model, batch_size=500)
    >>> s.join()["scored"]
    2000
    >>> expected = model.score_samples(data.drop(columns="is_anomaly"))
    >>> bool((s.results()["score"].to_numpy() == expected).all())
    True
    """
    from jupyter_ad.stream.options import STREAM, stream_settings
    from jupyter_ad.stream.sinks import open_sink
    from jupyter_ad.stream.sources import open_source

    unknown = [k for k in options if k not in STREAM]
    if unknown:
        STREAM.lookup(unknown[0], where="stream option")
    settings = stream_settings({k: v for k, v in options.items()})
    if dead_letter is None:
        dead_letter = settings["dead_letter"]
    if alerts is None:
        alerts = settings["alerts"]
    fitted, version, name = open_model(model, store=store, trusted=trusted)
    manager = _alerts(alerts)
    opened_source = open_source(source)
    try:
        opened_sink = open_sink(sink)
        dead = open_sink(dead_letter) if dead_letter is not None else None
    except Exception:
        opened_source.close()
        raise
    runner = Stream(opened_source, fitted, opened_sink, settings=settings, version=version,
                    model_name=name, dead_letter=dead, alerts=manager, reference=reference,
                    store=store)
    return runner.start() if start else runner


def _alerts(alerts: Any) -> Any:
    from jupyter_ad.stream.alerts import AlertManager, load_alerts, parse_alerts

    if alerts is None or isinstance(alerts, AlertManager):
        return alerts
    if isinstance(alerts, dict):
        return AlertManager(*parse_alerts(alerts))
    if isinstance(alerts, str | os.PathLike):
        return AlertManager(*load_alerts(os.fspath(alerts)))
    raise ParameterError(f"alerts must be a TOML file, a dict or an AlertManager, got "
                         f"{type(alerts).__name__}.")
