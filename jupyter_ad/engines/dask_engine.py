"""Scoring Dask DataFrames with a fitted model, partition by partition.

Point it at a real cluster by creating a ``distributed.Client("tcp://scheduler:8786")`` before
computing; without a client Dask uses its default local scheduler, and :func:`local_client`
starts a local cluster of worker processes for a block.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.engines.partition import score_partition
from jupyter_ad.errors import OptionalDependencyError

__all__ = ["FIT_ROWS", "collection_and_sample", "compute", "local_client", "score"]

#: At most this many rows are fitted on in-process by ``detect(..., engine="dask")``.
FIT_ROWS = 1_000_000

INSTALL = "pip install 'jupyter-ad[dask]'  (or: pip install 'dask[dataframe,distributed]')"


def _dask() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - exercised without dask
        raise OptionalDependencyError(
            f"Dask is needed to score Dask DataFrames: {INSTALL}") from exc
    return dd


def score(model: Any, ddf: Any, *, extra_columns: str = "ignore") -> Any:
    """A lazy Dask DataFrame with ``score``, ``label`` and ``confidence`` per row of ``ddf``."""
    _dask()
    meta = pd.DataFrame({"score": np.empty(0), "label": np.empty(0, dtype=np.int64),
                         "confidence": np.empty(0)})
    return ddf.map_partitions(score_partition, model, extra_columns=extra_columns, meta=meta)


def collection_and_sample(data: Any, max_rows: int, seed: int,
                          n_partitions: int = 4) -> tuple[Any, pd.DataFrame]:
    """``data`` as a Dask DataFrame, and a seeded in-memory sample of at most ``max_rows``
    rows of it to fit on (all rows when there are no more).
    """
    dd = _dask()
    if type(data).__module__.startswith("dask"):
        n_rows = int(data.shape[0].compute())
        sample = (data.compute() if n_rows <= max_rows else
                  data.sample(frac=max_rows / n_rows, random_state=seed).compute())
        return data, sample
    from jupyter_ad.data.readers import as_dataframe

    frame = as_dataframe(data)
    return dd.from_pandas(frame, npartitions=n_partitions), frame


def compute(model: Any, ddf: Any, n_workers: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every partition of ``ddf`` on the current client (or a local cluster of
    ``n_workers`` processes for the call); returns the scores and the rows, gathered.
    """
    dd = _dask()
    with local_client(n_workers=n_workers):
        scored, rows = dd.compute(score(model, ddf), ddf)
    return scored, rows


@contextlib.contextmanager
def local_client(n_workers: int = 2) -> Iterator[Any]:
    """The current ``distributed`` client, or a local cluster of ``n_workers`` processes for the
    duration of the block.
    """
    try:
        from distributed import Client, LocalCluster, get_client
    except ImportError as exc:  # pragma: no cover - exercised without distributed
        raise OptionalDependencyError(f"dask.distributed is needed: {INSTALL}") from exc
    try:
        yield get_client()
        return
    except ValueError:
        pass
    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        yield client
