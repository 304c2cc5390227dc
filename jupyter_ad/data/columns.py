"""Classifying input columns into kinds (numeric, boolean, datetime, categorical)."""

from __future__ import annotations

import numbers
import warnings
from datetime import date, datetime

import numpy as np
import pandas as pd

from jupyter_ad.errors import MixedTypesError

__all__ = ["classify_column", "coerce_numeric", "coerce_datetime"]

_SAMPLE = 2000


def _sample(values: pd.Series) -> pd.Series:
    nonnull = values.dropna()
    return nonnull.iloc[:_SAMPLE]


def _looks_like_dates(sample: pd.Series) -> bool:
    text = sample.astype(str)
    if not text.str.contains(r"^\s*\d{1,4}[-/.:]\d{1,2}", regex=True).all():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    return bool(parsed.notna().all())


def classify_column(name: str, values: pd.Series) -> str:
    """Kind of a column: ``"numeric"``, ``"boolean"``, ``"datetime"``, ``"categorical"``,
    or ``"empty"`` (no non-missing value).

    Raises
    ------
    MixedTypesError
        When an object column mixes numbers with text, or holds lists, dicts or other objects.
    """
    dtype = values.dtype
    if values.notna().sum() == 0:
        return "empty"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return "datetime" if pd.api.types.is_datetime64_any_dtype(dtype) else "numeric"
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_complex_dtype(dtype):
        raise MixedTypesError(
            f"Column {name!r} holds complex numbers; split it into real columns "
            "(e.g. df[col].real and df[col].imag) or exclude it."
        )
    sample = _sample(values)
    types = {type(v) for v in sample}
    if pd.api.types.is_string_dtype(dtype) and types <= {str}:
        return _classify_text(sample)
    if all(issubclass(t, bool | np.bool_) for t in types):
        return "boolean"
    if all(issubclass(t, numbers.Number) and not issubclass(t, bool | np.bool_) for t in types):
        return "numeric"
    if all(issubclass(t, datetime | date | pd.Timestamp | np.datetime64) for t in types):
        return "datetime"
    if all(issubclass(t, str) for t in types):
        return _classify_text(sample)
    names = sorted({t.__name__ for t in types})
    if any(issubclass(t, str) for t in types) and any(
        issubclass(t, numbers.Number) for t in types
    ):
        example = next(v for v in sample if isinstance(v, str))
        raise MixedTypesError(
            f"Column {name!r} mixes numbers and text ({', '.join(names)}; e.g. {example!r}). "
            f"Convert it: df[{name!r}] = pd.to_numeric(df[{name!r}], errors='coerce') for "
            f"numbers, or df[{name!r}].astype(str) for categories; or exclude it."
        )
    raise MixedTypesError(
        f"Column {name!r} holds values of type {', '.join(names)}, which cannot be used as "
        f"features. Convert it to numbers or strings, or exclude it (exclude=[{name!r}])."
    )


def _classify_text(sample: pd.Series) -> str:
    numeric = pd.to_numeric(sample, errors="coerce")
    if numeric.notna().all():
        return "numeric"
    if _looks_like_dates(sample):
        return "datetime"
    return "categorical"


def coerce_numeric(name: str, values: pd.Series) -> np.ndarray:
    """Float64 values of a numeric or boolean column (text that holds numbers is converted).

    Raises
    ------
    MixedTypesError
        Naming the first row whose value is not a number.
    """
    if pd.api.types.is_timedelta64_dtype(values.dtype):
        return values.dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    dtype = values.dtype
    if (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)) and (
        not pd.api.types.is_complex_dtype(dtype)
    ):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    converted = pd.to_numeric(values.map(_bool_to_int), errors="coerce")
    bad = converted.isna() & values.notna()
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        raise MixedTypesError(
            f"Column {name!r} should hold numbers but row {values.index[row]!r} has "
            f"{values.iloc[row]!r}. Fix or drop that value, or convert the column with "
            f"pd.to_numeric(df[{name!r}], errors='coerce')."
        )
    return converted.to_numpy(dtype=np.float64, na_value=np.nan)


def _bool_to_int(v: object) -> object:
    return int(v) if isinstance(v, bool | np.bool_) else v


def coerce_datetime(name: str, values: pd.Series) -> pd.Series:
    """Datetime values (naive, in UTC for tz-aware input) of a datetime or date-text column."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = values
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
        bad = out.isna() & values.notna()
        if bad.any():
            row = bad.to_numpy().nonzero()[0][0]
            raise MixedTypesError(
                f"Column {name!r} holds dates but row {values.index[row]!r} has "
                f"{values.iloc[row]!r}, which is not a date. Fix that value or exclude the column."
            )
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out
