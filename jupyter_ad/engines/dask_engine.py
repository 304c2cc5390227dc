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

__all__ = ["detect_dask", "is_dask_collection", "local_client", "score_dask"]

FIT_ROWS = 1_000_000

INSTALL = "pip install 'jupyter-ad[dask]'  (or: pip install 'dask[dataframe,distributed]')"


def _dask() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - exercised without dask
        raise OptionalDependencyError(
            f"Dask is needed to score Dask DataFrames: {INSTALL}") from exc
    return dd


def is_dask_collection(data: Any) -> bool:
    """True for a Dask DataFrame (without importing Dask when it is not loaded)."""
    return type(data).__module__.startswith("dask")


def score_dask(model: Any, ddf: Any, *, extra_columns: str = "ignore") -> Any:
    """A lazy Dask DataFrame with ``score``, ``label`` and ``confidence`` per row of ``ddf``."""
    _dask()
    meta = pd.DataFrame({"score": np.empty(0), "label": np.empty(0, dtype=np.int64),
                         "confidence": np.empty(0)})
    return ddf.map_partitions(score_partition, model, extra_columns=extra_columns, meta=meta)


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


def detect_dask(data: Any, algorithm: Any = "auto", *, n_workers: int = 2,
                **options: Any) -> Any:
    """``ad.detect(data, engine="dask")``: fit here, score the partitions in parallel.

    The model is fitted in this process on the data, or on a seeded sample of at most
    ``FIT_ROWS`` rows; then every partition is scored by :func:`score_partition` on the current
    ``distributed`` client (or a local cluster of ``n_workers`` processes for the call), and
    the result is gathered. Every row, training rows included, is scored by the fitted model,
    so the scores equal ``ad.fit(...).score(data)`` in one process.
    """
    dd = _dask()
    from jupyter_ad.core.api import fit
    from jupyter_ad.core.result import DetectionResult
    from jupyter_ad.data.readers import as_dataframe

    if is_dask_collection(data):
        ddf = data
        n_rows = int(ddf.shape[0].compute())
        sample = (ddf.compute() if n_rows <= FIT_ROWS else
                  ddf.sample(frac=FIT_ROWS / n_rows,
                             random_state=options.get("random_state") or 0).compute())
    else:
        frame = as_dataframe(data)
        ddf = dd.from_pandas(frame, npartitions=max(2, 2 * n_workers))
        sample = frame
    model = fit(sample, algorithm, max_rows=FIT_ROWS, **options)
    with local_client(n_workers=n_workers):
        scored, rows = dd.compute(score_dask(model, ddf), ddf)
    X, report = model.preprocessor_.transform_with_report(rows, extra_columns="ignore")
    return DetectionResult(data=rows, scores=scored["score"].to_numpy(), model=model,
                           features=X, preprocessing=report,
                           threshold_rule=model.threshold_rule_)
