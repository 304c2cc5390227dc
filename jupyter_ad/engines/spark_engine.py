"""Scoring Spark DataFrames with a fitted model, batch by batch (``pip install
'jupyter-ad[spark]'``).

``model.score(spark_df)`` returns a lazy Spark DataFrame: the input columns plus ``score``,
``label`` and ``confidence``, computed by ``mapInPandas`` over the same pure per-partition
function as the Dask engine (:func:`~jupyter_ad.engines.partition.score_partition`). The
fitted model travels to the executors inside the task (pickled by Spark, never re-fitted), so
each row scores exactly as it would in-process. Point it at a cluster by building the
``SparkSession`` with its master URL; locally ``SparkSession.builder.master("local[2]")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from jupyter_ad.engines.partition import OUTPUT_COLUMNS, score_partition
from jupyter_ad.errors import ColumnMismatchError, OptionalDependencyError

__all__ = ["output_schema", "score"]

INSTALL = "pip install 'jupyter-ad[spark]'  (or: pip install pyspark; Spark needs Java 17+)"


def _types() -> Any:
    try:
        from pyspark.sql import types
    except ImportError as exc:  # pragma: no cover - exercised without pyspark
        raise OptionalDependencyError(f"PySpark is needed to score Spark DataFrames: {INSTALL}"
                                      ) from exc
    return types


def output_schema(schema: Any) -> Any:
    """The input ``schema`` plus ``score`` (double), ``label`` (long), ``confidence``
    (double).
    """
    types = _types()
    taken = [c for c in OUTPUT_COLUMNS if c in schema.fieldNames()]
    if taken:
        raise ColumnMismatchError(
            f"The Spark DataFrame already has a column {taken[0]!r}, which scoring adds; "
            f"rename it first: sdf.withColumnRenamed({taken[0]!r}, '{taken[0]}_in').")
    return types.StructType([*schema.fields,
                             types.StructField("score", types.DoubleType(), False),
                             types.StructField("label", types.LongType(), False),
                             types.StructField("confidence", types.DoubleType(), False)])


def score(model: Any, sdf: Any, *, extra_columns: str = "ignore") -> Any:
    """A lazy Spark DataFrame: the rows of ``sdf`` with ``score``, ``label``, ``confidence``."""
    schema = output_schema(sdf.schema)

    def _batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for frame in batches:
            scored = score_partition(frame, model, extra_columns=extra_columns)
            yield pd.concat([frame, scored.set_axis(frame.index)], axis=1)

    return sdf.mapInPandas(_batches, schema=schema)
