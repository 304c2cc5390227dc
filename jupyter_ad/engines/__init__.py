"""Execution engines: the same fitted model scoring data that does not fit in one process.

An engine receives a **fitted** :class:`~jupyter_ad.core.model.AnomalyModel` and maps one pure
per-partition function, :func:`score_partition`, over the partitions of a distributed
collection (:mod:`~jupyter_ad.engines.dask_engine`, :mod:`~jupyter_ad.engines.spark_engine`).
Engines never fit and never call the core's API: ``model.score(collection)`` and
``jupyter_ad.detect(..., engine=...)`` dispatch to them.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from jupyter_ad.engines.partition import score_partition

__all__ = ["engine_for", "score_partition"]


def engine_for(data: Any) -> ModuleType | None:
    """The engine module that scores ``data`` (a Dask or Spark DataFrame), or ``None`` for
    in-process data. Nothing is imported for in-process data.
    """
    module = type(data).__module__
    if module.startswith("dask"):
        from jupyter_ad.engines import dask_engine

        return dask_engine
    if module.startswith("pyspark"):
        from jupyter_ad.engines import spark_engine

        return spark_engine
    return None
