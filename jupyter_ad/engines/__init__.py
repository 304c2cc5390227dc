"""Execution engines: the same fitted model scoring data that does not fit in one process.

The per-partition work is one pure function, :func:`score_partition`; each engine only maps it
over partitions (Dask here; Spark or Ray would be another thin adapter).
"""

from jupyter_ad.engines.partition import score_partition

__all__ = ["score_partition"]
