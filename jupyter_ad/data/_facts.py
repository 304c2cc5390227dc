"""Facts about a column's values that the classifier needs: distinct values, constancy,
integer order, and the Python types of a mixed column.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

__all__ = ["count_sorted", "distinct", "factorize", "integers", "is_constant", "monotonic",
           "ordered", "text_integers", "type_names"]

TYPE_SAMPLE = 10_000  # values whose Python types are named for a mixed column


def type_names(valid: pd.Series) -> list[str]:
    """Python type names in the first values (scanning on only where a mix starts later)."""
    names = {type(v).__name__ for v in valid.iloc[:TYPE_SAMPLE]}
    if len(names) == 1 and len(valid) > TYPE_SAMPLE:
        first = infer_dtype(valid.iloc[:TYPE_SAMPLE], skipna=True)
        for start in range(TYPE_SAMPLE, len(valid), TYPE_SAMPLE):
            chunk = valid.iloc[start:start + TYPE_SAMPLE]
            if infer_dtype(chunk, skipna=True) != first:
                names |= {type(v).__name__ for v in chunk}
                break
    return sorted(names)


def ordered(valid: pd.Series) -> np.ndarray | None:
    """The values as a plain numpy array of numbers or int64 times, or None (other kinds)."""
    dtype = valid.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        return valid.to_numpy()
    if hasattr(valid.array, "asi8"):  # datetimes (tz-aware too), durations, periods
        return np.asarray(valid.array.asi8)
    if isinstance(dtype, pd.CategoricalDtype):
        return np.asarray(valid.cat.codes)
    if pd.api.types.is_bool_dtype(dtype):
        return valid.to_numpy(dtype=bool)
    if pd.api.types.is_integer_dtype(dtype):
        return valid.to_numpy(dtype=np.int64)
    if pd.api.types.is_numeric_dtype(dtype):  # nullable floats
        return valid.to_numpy(dtype=np.float64)
    return None


def is_constant(valid: pd.Series) -> bool:
    """At most one distinct value (min == max for numbers and times)."""
    array = ordered(valid)
    if array is not None:
        return bool(array.min() == array.max())
    return distinct(valid)[0] <= 1


def distinct(valid: pd.Series) -> tuple[int, np.ndarray | None]:
    """Distinct values, and a code per value for text and objects."""
    array = ordered(valid)
    if array is not None:
        return count_sorted(array), None
    return factorize(valid)


def count_sorted(array: np.ndarray) -> int:
    """Distinct values of a non-empty array without NaN (sorting beats a hash table here)."""
    values = np.sort(array)
    return 1 + int(np.count_nonzero(values[1:] != values[:-1]))


def factorize(valid: pd.Series) -> tuple[int, np.ndarray]:
    """Distinct values and a code per value (hashable cells; others compared by ``str``)."""
    try:
        codes, uniques = pd.factorize(valid, use_na_sentinel=True)
    except TypeError:  # unhashable cells such as lists or dicts: compare their str()
        codes, uniques = pd.factorize(valid.astype(str), use_na_sentinel=True)
    return len(uniques), codes


def integers(valid: pd.Series) -> np.ndarray | None:
    """Integer values by dtype (numpy, nullable, or Python ints as objects), else None."""
    dtype = valid.dtype
    if pd.api.types.is_object_dtype(dtype):
        array = pd.to_numeric(valid, errors="coerce").to_numpy()
        return array if array.dtype.kind in "iu" else None
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_integer_dtype(dtype):
        return None
    return valid.to_numpy() if isinstance(dtype, np.dtype) else valid.to_numpy(dtype=np.int64)


def text_integers(arrow: Any, codes: np.ndarray) -> np.ndarray | None:
    """Row values of numbers stored as text when every one is a whole number, else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        ints = pc.cast(pc.utf8_trim_whitespace(arrow), pa.int64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return np.asarray(ints)[codes]


def monotonic(array: np.ndarray | None) -> bool:
    """Strictly increasing or decreasing (so all distinct)."""
    if array is None or array.size < 2:
        return False
    diffs = np.diff(array)
    return bool((diffs > 0).all() or (diffs < 0).all())
