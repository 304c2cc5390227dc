"""Streaming: score events from Kafka, Redis Streams, files or Python iterables in
micro-batches with a fitted model, with drift checks, alerts, dead letters and refits.

Layout (a folder per concern): ``sources/`` and ``sinks/`` (small plug-ins behind one
interface each, named by URLs: :mod:`jupyter_ad.stream.urls`), ``buffers/`` (windows),
``runner/`` (the loop, the scoring, the statistics), ``refit/``, ``drift/``, ``alerts/``.
Importing this package is light; the public names load on first use.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__all__ = ["ADWIN", "DriftReport", "Stream", "drift", "stream"]

_LAZY = {"stream": "jupyter_ad.stream.api", "Stream": "jupyter_ad.stream.api",
         "drift": "jupyter_ad.stream.drift.report",
         "DriftReport": "jupyter_ad.stream.drift.report",
         "ADWIN": "jupyter_ad.stream.drift.adwin"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'jupyter_ad.stream' has no attribute {name!r}")


class _CallableModule(types.ModuleType):
    """``jupyter_ad.stream`` is both this package and the function ``ad.stream``: once the
    package is imported, Python sets the attribute ``jupyter_ad.stream`` to it, so calling it
    runs :func:`jupyter_ad.stream.api.stream`.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from jupyter_ad.stream.api import stream

        return stream(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
