"""Input checks of :class:`~jupyter_ad.core.detectors.base.BaseDetector` and the bounds that keep
a detector's arithmetic finite.

The messages are written for people first, and carry the phrases scikit-learn's estimator
checks look for ("Reshape your data", "Complex data not supported", "0 feature(s)", "sparse",
"NaN"/"inf", "X has N features, but ... is expecting M features as input"), so a detector
behaves as a scikit-learn estimator and still says how to fix the input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jupyter_ad.errors import (
    DataError,
    EmptyDataError,
    MissingValuesError,
    MixedTypesError,
    UnsupportedInputError,
)

__all__ = ["INPUT_SPREADS", "as_float_matrix", "column_names", "input_bounds", "summarise"]

INPUT_SPREADS = 1e12
"""Detectors clip each feature to its training median +- this many spreads (see
:func:`input_bounds`): far beyond any real value, and small enough that squared distances,
covariances and kernels of the clipped values stay finite."""

_BOUNDS_ROWS = 1000  # rows behind the bounds: only their order of magnitude matters
_READ_HINT = ("jupyter_ad.detect and jupyter_ad.fit read DataFrames, encode text and dates, "
              "impute missing values and score infinite ones for you")


def column_names(X: Any) -> list[str] | None:
    """The column names of a DataFrame-like ``X`` when they are all strings, else ``None``."""
    columns = getattr(X, "columns", None)
    if columns is None or isinstance(X, np.ndarray):
        return None
    names = list(columns)
    return names if names and all(isinstance(n, str) for n in names) else None


def _is_sparse(X: Any) -> bool:
    if isinstance(X, np.ndarray) or not hasattr(X, "nnz"):
        return False
    from scipy.sparse import issparse

    return bool(issparse(X))


def as_float_matrix(X: Any, owner: str) -> np.ndarray:
    """``X`` as a 2-D float64 array with at least one row and one column, or a named error."""
    if _is_sparse(X):
        raise UnsupportedInputError(
            f"{owner} takes a dense array: sparse input is not supported. Convert it with "
            "X.toarray() (if it fits in memory) or select fewer columns first.")
    try:
        arr = np.asarray(X)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise DataError(
            f"{owner} could not read the input as a table of numbers ({exc}). Give a 2-D "
            "array with one row per sample and the same number of values in every row."
        ) from exc
    if arr.dtype.kind == "c":
        raise MixedTypesError(
            f"Complex data not supported: {owner} takes real numbers. Keep the real part "
            "(X.real) or the magnitude (np.abs(X)) as features.")
    if arr.dtype != np.float64:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise MixedTypesError(
                f"{owner} needs numbers, and a value is not one: {exc}. Convert the data "
                f"first (for a DataFrame: df.apply(pd.to_numeric, errors='coerce')); {_READ_HINT}."
            ) from exc
    if arr.ndim != 2:
        what = "a scalar" if arr.ndim == 0 else f"a {arr.ndim}-D array of shape {arr.shape}"
        raise DataError(
            f"{owner} expected a 2-D array (rows x features), got {what}. Reshape your data: "
            "X.reshape(-1, 1) if it has a single feature, X.reshape(1, -1) if it is a single "
            "row.")
    if arr.shape[0] == 0:
        raise EmptyDataError(
            f"Found array with 0 sample(s) (shape={arr.shape}) while a minimum of 1 is "
            f"required by {owner}: give at least one row.")
    if arr.shape[1] == 0:
        raise EmptyDataError(
            f"Found array with 0 feature(s) (shape={arr.shape}) while a minimum of 1 is "
            f"required by {owner}: give at least one column.")
    return arr


def summarise(arr: np.ndarray, owner: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-column min and max of the finite 2-D float64 ``arr`` (one compiled pass); a NaN or
    an infinite value raises :class:`~jupyter_ad.errors.MissingValuesError` naming where.
    """
    from jupyter_ad.data._numeric_kernel import column_summary

    lo, hi, n_nan, n_inf = column_summary(arr)
    n_bad = int(n_nan.sum() + n_inf.sum())
    if n_bad:
        row, col = np.argwhere(~np.isfinite(arr))[0]
        value = arr[row, col]
        raise MissingValuesError(
            f"{owner} got {'NaN' if np.isnan(value) else repr(float(value))} at row {row}, "
            f"column {col} ({n_bad} non-finite value(s) in all): detectors take finite numbers. "
            "Impute or drop missing values first, and replace infinite ones by large finite "
            "values; jupyter_ad.detect and jupyter_ad.fit impute NaN and score +-inf as more "
            "extreme than any training value.")
    return lo, hi


def input_bounds(X: np.ndarray) -> np.ndarray:
    """Per-feature ``[median - s, median + s]`` with ``s = INPUT_SPREADS * spread`` of the
    training rows ``X`` (spread: IQR / 1.349, else the standard deviation, else 1; from a
    seeded sample of at most 1,000 rows), as an array of shape ``(2, n_features)``.

    Clipping to these bounds changes no ordinary value (a trillion spreads from the median),
    keeps the order of all values (those beyond tie at the bound, still the most extreme), and
    keeps distances, covariances and kernels of the clipped values finite.
    """
    sample = X
    if X.shape[0] > _BOUNDS_ROWS:
        rows = np.random.default_rng(0).choice(X.shape[0], _BOUNDS_ROWS, replace=False)
        sample = X[np.sort(rows)]
    with np.errstate(all="ignore"):
        q1, med, q3 = np.percentile(sample, [25.0, 50.0, 75.0], axis=0)
        spread = (q3 - q1) / 1.349
        bad = ~(np.isfinite(spread) & (spread > 0))
        if bad.any():
            std = sample.std(axis=0)
            spread = np.where(bad, np.where(np.isfinite(std) & (std > 0), std, 1.0), spread)
        big = np.finfo(np.float64).max
        return np.clip(np.vstack([med - INPUT_SPREADS * spread, med + INPUT_SPREADS * spread]),
                       -big, big)
