"""Vectorised readings of text values (with pyarrow): numbers, durations and dates.

The column classifier and the conversions of the preprocessing both use these, so a text value
the classifier counts as a number is one the preprocessing converts.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["BOOL_TEXT", "arrow_text", "parse_dates", "text_durations", "text_numbers"]

BOOL_TEXT = {"true": 1.0, "false": 0.0}  # text read as booleans (any case, spaces around)
# what pandas.to_numeric reads as a number (a finite number, or inf/infinity), spaces around
_NUMBER = r"^\s*[-+]?((\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|inf|infinity)\s*$"
# durations as pandas writes them to CSV: "0 days 01:27:00", "-1 days +23:00:00.5", "3 days"
_DURATION = r"^\s*-?\d+ days?,?( [+-]?\d{1,2}:\d{2}:\d{2}(\.\d+)?)?\s*$"


def arrow_text(values: Any) -> Any:
    """A pyarrow string array of ``values`` (a pandas Index or array of str)."""
    import pyarrow as pa

    try:
        array = pa.array(getattr(values, "array", values))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        array = None
    if array is None or not (pa.types.is_string(array.type)
                             or pa.types.is_large_string(array.type)):
        array = pa.array(np.asarray(values, dtype=object).astype(str), type=pa.large_string())
    return array


def text_numbers(text: Any) -> np.ndarray:
    """Float64 value of each string of a pyarrow string array (NaN where not a number)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.full(len(text), np.nan)
    if not len(text):
        return out
    mask = pc.fill_null(pc.match_substring_regex(text, _NUMBER, ignore_case=True), False)
    index = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    if index.size:
        trimmed = pc.utf8_trim_whitespace(text.take(pa.array(index)))
        try:
            out[index] = pc.cast(trimmed, pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # pragma: no cover - defensive
            out[index] = pd.to_numeric(pd.Series(trimmed.to_pylist(), dtype=object),
                                       errors="coerce").to_numpy(dtype=np.float64)
    return out


def text_durations(text: Any) -> np.ndarray:
    """Seconds of each duration string of a pyarrow string array (NaN where not one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.full(len(text), np.nan)
    if not len(text):
        return out
    mask = pc.fill_null(pc.match_substring_regex(text, _DURATION), False)
    index = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    if index.size:
        values = pd.Series(text.take(pa.array(index)).to_pylist(), dtype=object)
        seconds = pd.to_timedelta(values.str.replace(",", ""), errors="coerce").dt.total_seconds()
        out[index] = seconds.to_numpy(dtype=np.float64, na_value=np.nan)
    return out


def parse_dates(text: Sequence[str] | pd.Index) -> pd.Series:
    """Timestamps (UTC) of date strings, NaT where a value is not a date.

    The format of the first value is guessed and tried on all values (fast); those it does not
    read are parsed one by one (``format="mixed"``).
    """
    series = pd.Series(np.asarray(text, dtype=object), dtype=object)
    if not len(series):
        return pd.Series([], dtype="datetime64[ns, UTC]")
    first = str(series.iloc[0]).strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        formats = dict.fromkeys(f for f in (
            pd.tseries.api.guess_datetime_format(first),
            pd.tseries.api.guess_datetime_format(first, dayfirst=True)) if f)
        out = None
        for fmt in formats:  # month first, then day first (31/01/2026): the one reading most
            parsed = pd.Series(pd.to_datetime(series, errors="coerce", utc=True, format=fmt))
            if out is None or parsed.isna().sum() < out.isna().sum():
                out = parsed
            if not out.isna().any():
                break
        if out is None:
            return pd.Series(pd.to_datetime(series, errors="coerce", format="mixed", utc=True))
        rest = out.isna().to_numpy()
        if rest.any():
            out[rest] = pd.to_datetime(series[rest], errors="coerce", format="mixed", utc=True)
    return out
