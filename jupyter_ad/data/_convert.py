"""Reading column values as their kind: numbers (from text, bools, durations) and datetimes.

Each distinct text value is read once, with the same functions the classifier
(:mod:`jupyter_ad.data.columns`) uses to decide a column's kind.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from jupyter_ad.data._text import (
    BOOL_TEXT,
    arrow_text,
    parse_dates,
    text_durations,
    text_numbers,
)
from jupyter_ad.errors import MixedTypesError

__all__ = ["coerce_datetime", "coerce_numeric"]

_SAMPLE = 2000


def coerce_numeric(name: str, values: pd.Series) -> np.ndarray:
    """Float64 values of a numeric or boolean column: numbers text, ``true``/``false`` text,
    bools and durations (in seconds) are converted, each distinct text value once.

    Raises
    ------
    MixedTypesError
        Naming the first row whose value is not a number.
    """
    dtype = values.dtype
    if pd.api.types.is_timedelta64_dtype(dtype):
        return values.dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    if (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)) and (
        not pd.api.types.is_complex_dtype(dtype)
    ):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    numbers = _unique_numbers(uniques)
    out = np.where(codes >= 0, numbers[codes] if len(numbers) else np.nan, np.nan)
    bad = np.flatnonzero(np.isnan(out) & (codes >= 0))
    if bad.size:
        row = int(bad[0])
        raise MixedTypesError(
            f"Column {name!r} should hold numbers but row {values.index[row]!r} has "
            f"{values.iloc[row]!r}. Fix or drop that value, or convert the column with "
            f"pd.to_numeric(df[{name!r}], errors='coerce')."
        )
    return out


def _unique_numbers(uniques: pd.Index) -> np.ndarray:
    """Numbers of distinct values (NaN where one is not a number)."""
    if len(uniques) and all(isinstance(u, str) for u in uniques[:_SAMPLE]) and (
        infer_dtype(uniques, skipna=True) == "string"
    ):
        arrow = arrow_text(uniques)
        numbers = text_numbers(arrow)
        if np.isnan(numbers).any():  # durations stored as text, in seconds
            numbers = np.where(np.isnan(numbers), text_durations(arrow), numbers)
        if len(uniques) <= 2:
            for i, u in enumerate(uniques):
                numbers[i] = BOOL_TEXT.get(str(u).strip().lower(), numbers[i])
        return numbers
    converted = pd.to_numeric(pd.Series([_to_number(u) for u in uniques], dtype=object),
                              errors="coerce")
    return converted.to_numpy(dtype=np.float64, na_value=np.nan)


def _to_number(v: object) -> object:
    if isinstance(v, bool | np.bool_):
        return int(v)
    if isinstance(v, pd.Timedelta | np.timedelta64):
        return pd.Timedelta(v).total_seconds()
    return v


def coerce_datetime(name: str, values: pd.Series) -> pd.Series:
    """Datetime values (naive, in UTC for tz-aware input) of a datetime or date-text column.

    Periods are read as their start time; each distinct text value is parsed once.
    """
    if isinstance(values.dtype, pd.PeriodDtype):
        out = values.dt.to_timestamp()
    elif pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = values
    else:
        out = _datetime_objects(name, values)
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out


def _datetime_objects(name: str, values: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) and all(isinstance(u, pd.Period) for u in uniques[:_SAMPLE]):
        parsed = pd.Series([u.to_timestamp() if isinstance(u, pd.Period) else pd.NaT
                            for u in uniques], dtype="datetime64[ns]")
    elif len(uniques) and isinstance(uniques[0], str):
        parsed = parse_dates(uniques)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.Series(pd.to_datetime(pd.Series(uniques, dtype=object), errors="coerce",
                                              format="mixed", utc=True))
    if not len(parsed):
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    bad = np.flatnonzero(parsed.isna().to_numpy()[codes] & (codes >= 0))
    if bad.size:
        row = int(bad[0])
        raise MixedTypesError(
            f"Column {name!r} holds dates but row {values.index[row]!r} has "
            f"{values.iloc[row]!r}, which is not a date. Fix that value or exclude the column."
        )
    taken = parsed.array.take(codes, allow_fill=True)  # code -1 (missing) -> NaT
    return pd.Series(taken, index=values.index)
