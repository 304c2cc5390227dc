"""What a fitted model keeps about its training data: statistics, reference rows, input rules.

Used by :class:`~jupyter_ad.core.model.AnomalyModel` for every fit (and for models re-ranked
by labels), so each fitted model carries the same set of facts.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.data.readers import as_dataframe
from jupyter_ad.errors import DataError, EmptyDataError, UnsupportedInputError

__all__ = ["REFERENCE_ROWS", "check_input", "is_plain_json", "read_training_data", "reference_rows",
           "sample_rows", "training_stats"]

# rows behind the per-feature centre and spread of the training data (explanations, drift):
# quartiles of 50,000 rows are within about 1% of a standard deviation of the full data's
_STATS_ROWS = 50_000
_SCORE_QUANTILES = (0.01, 0.25, 0.5, 0.75, 0.99)  # of the training scores, in metrics_
REFERENCE_ROWS = 500


def check_input(data: Any) -> Any:
    """``data`` as the readers take it; array input checked as scikit-learn checks it.

    Sparse matrices, complex numbers, 1-D arrays (one feature or one row?) and arrays without
    columns are refused with the fix; other array-likes (``__array__``) become numpy arrays.
    """
    module = type(data).__module__
    if module.startswith("scipy.sparse"):
        raise UnsupportedInputError(
            "Sparse input is not supported: anomaly scores need every value. Convert it with "
            "X.toarray() (or pass a DataFrame).")
    if not isinstance(data, np.ndarray) and hasattr(data, "__array__") and not hasattr(
            data, "columns") and not module.startswith(("pandas", "polars", "pyarrow", "dask")):
        data = np.asarray(data)
    if not isinstance(data, np.ndarray) or data.dtype.names:
        return data
    if np.iscomplexobj(data):
        raise DataError("Complex data not supported: split each complex column into its real "
                        "and imaginary parts (X.real, X.imag) first.")
    if data.ndim == 1 and data.size:
        raise DataError(
            f"Expected a 2-D array (rows x features), got a 1-D array of {data.size} values. "
            "Reshape your data: X.reshape(-1, 1) if it is one feature, X.reshape(1, -1) if it "
            "is one row (or pass a pandas Series).")
    if data.ndim == 2 and data.shape[1] == 0:
        raise EmptyDataError(
            f"Found array with 0 feature(s) (shape={data.shape}) while a minimum of 1 is "
            "required: give at least one feature column.")
    return data


def read_training_data(data: Any, max_rows: int | None, seed: int) -> pd.DataFrame:
    """The rows to fit on, as a DataFrame (a seeded sample of ``max_rows`` if given)."""
    data = check_input(data)
    from jupyter_ad.engines import engine_for

    engine = engine_for(data)
    if engine is not None:  # a Dask collection: fit on an in-memory sample of it
        data = engine.collection_and_sample(data, max_rows or engine.FIT_ROWS, seed)[1]
    elif max_rows is not None:
        data = sample_rows(data, max_rows, seed)
    frame = as_dataframe(data)
    if len(frame) == 1:
        raise DataError(
            "Got 1 sample (row): anomaly detection needs at least 2 rows to learn what is "
            "normal. To score a single row, fit a model on more data and use model.score(row)."
        )
    return frame


def sample_rows(data: Any, max_rows: int, seed: int) -> Any:
    """At most ``max_rows`` rows of ``data`` (Parquet files are read in batches)."""
    if isinstance(data, str | os.PathLike) and str(data).lower().endswith((".parquet", ".pq")):
        from jupyter_ad.io.stream import sample_parquet

        return sample_parquet(data, int(max_rows), seed=seed)
    frame = as_dataframe(data)
    if len(frame) <= max_rows:
        return frame
    return frame.sample(n=int(max_rows), random_state=seed).sort_index()


def training_stats(X: np.ndarray, sorted_scores: np.ndarray, threshold: float,
                   fit_seconds: float) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Per-feature robust centre and spread of ``X``, and the model's training metrics."""
    from jupyter_ad.data._numeric_kernel import column_quantiles

    sample = X
    if X.shape[0] > _STATS_ROWS:  # robust statistics from a seeded sample of rows
        sample = X[np.sort(np.random.default_rng(0).choice(X.shape[0], _STATS_ROWS, False))]
    q1, med, q3 = column_quantiles(sample, [25.0, 50.0, 75.0])
    spread = (q3 - q1) / 1.349
    std = sample.std(axis=0)
    spread = np.where(spread > 0, spread, np.where(std > 0, std, 1.0))
    quantiles = np.quantile(sorted_scores, _SCORE_QUANTILES)  # one selection pass for all five
    metrics = {
        "n_rows": int(X.shape[0]),
        "n_features": int(X.shape[1]),
        "anomaly_rate": float((sorted_scores > threshold).mean()),
        "score_quantiles": {f"q{int(q * 100)}": float(v)
                            for q, v in zip(_SCORE_QUANTILES, quantiles, strict=True)},
        "fit_seconds": round(float(fit_seconds), 4),
    }
    return med, spread, metrics


def reference_rows(frame: pd.DataFrame, scores: np.ndarray, threshold: float,
                   n_rows: int = REFERENCE_ROWS) -> pd.DataFrame:
    """A seeded sample of up to ``n_rows`` training rows scored normal, as given.

    Explanations contrast a row with these (so ``model.score(new).explain(i)`` compares with
    real normal rows); they are saved with the model.
    """
    normal = np.flatnonzero(scores <= threshold)
    if normal.size > n_rows:
        normal = np.sort(np.random.default_rng(0).choice(normal, n_rows, replace=False))
    return frame.iloc[normal].copy()


def is_plain_json(value: Any) -> bool:
    """True for values the store can write as JSON (labels arrays are not kept)."""
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple):
        return all(is_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain_json(v) for k, v in value.items())
    return False
