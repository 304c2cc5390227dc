"""The one column classifier: what each input column is and how detection will use it.

Both the preprocessing (``ad.detect``, ``ad.fit``) and the quality report (``ad.check_data``,
``jupyter-ad check``) call :func:`profile_column` / :func:`profile_frame`, so they agree on every
column. A :class:`ColumnProfile` holds:

- ``kind``: ``"numeric"`` (numbers, numbers stored as text or objects, durations, also as
  text like ``"0 days 01:30:00"``, in seconds),
  ``"boolean"`` (bools, ``true``/``false`` text), ``"datetime"`` (datetimes, tz-aware or not,
  dates, periods, date text), ``"categorical"`` (other text, pandas categories), ``"empty"``
  (no value) or ``"mixed"`` (values that cannot be used: numbers and text together, lists,
  complex numbers...). Text is classified from *all* its distinct values, never a sample:
  all numbers -> numeric; all dates -> datetime; mostly (over half the rows) numbers or dates
  with some other values -> mixed, naming the first odd row; else categorical.
- ``constant``: at most one distinct non-missing value.
- ``id_like``: at least :data:`ID_MIN_ROWS` values, all distinct, and either text or integers
  in strictly increasing or decreasing row order.
- how detection uses it: :meth:`ColumnProfile.drop_reason` and :meth:`ColumnProfile.treatment`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from jupyter_ad.data._convert import coerce_datetime, coerce_numeric
from jupyter_ad.data._facts import (
    count_sorted,
    distinct,
    factorize,
    integers,
    is_constant,
    monotonic,
    text_integers,
    type_names,
)
from jupyter_ad.data._text import (
    BOOL_TEXT,
    arrow_text,
    parse_dates,
    text_durations,
    text_numbers,
)
from jupyter_ad.errors import MixedTypesError

__all__ = ["DROP_CONSTANT", "DROP_EMPTY", "DROP_ID_INTEGERS", "DROP_ID_TEXT", "ID_MIN_ROWS",
           "KINDS", "TREATMENTS", "ColumnProfile", "classify_column", "coerce_datetime",
           "coerce_numeric", "profile_column", "profile_frame"]

KINDS = ("numeric", "boolean", "datetime", "categorical", "empty", "mixed")
TREATMENTS = ("number", "0/1", "calendar parts", "category", "dropped", "refused")
ID_MIN_ROWS = 20  # fewer values than this: distinct values are not called an ID
DROP_EMPTY = "every value is missing"
DROP_CONSTANT = "constant (a single value)"
DROP_ID_TEXT = "looks like an ID (every value is a different text)"
DROP_ID_INTEGERS = "looks like an ID (unique integers in sequence)"

_SAMPLE = 2000  # distinct text values tried as dates before all of them are parsed
_NUMBER_TYPES = {"int", "float", "bool", "Decimal", "int64", "float64", "int32", "float32",
                 "bool_", "complex"}
_DATE_START = re.compile(  # 2024-01-31, 31/01/2024, 10:30, Jan 31, 2024, 31 Jan 2024
    r"^\s*(\d{1,4}[-/.:]\d{1,2}|[A-Za-z]{3,9}\.? \d{1,2},? \d{2,4}"
    r"|\d{1,2} [A-Za-z]{3,9}\.? \d{2,4})")
_OBJECT_KINDS = {  # pandas infer_dtype of the non-missing values of an object column -> kind
    "boolean": ("boolean", "bools stored as objects"),
    "integer": ("numeric", "numbers stored as objects"),
    "floating": ("numeric", "numbers stored as objects"),
    "mixed-integer-float": ("numeric", "numbers stored as objects"),
    "decimal": ("numeric", "numbers stored as objects"),
    "timedelta": ("numeric", "durations, in seconds"),
    "timedelta64": ("numeric", "durations, in seconds"),
    "datetime": ("datetime", ""), "datetime64": ("datetime", ""), "date": ("datetime", ""),
    "period": ("datetime", "periods, as their start time")}


@dataclass(frozen=True)
class ColumnProfile:
    """What a column is, as the preprocessing and the quality report both see it.

    Attributes
    ----------
    name : str
    kind : str
        One of :data:`KINDS`.
    n_valid : int
        Non-missing values.
    constant, id_like : bool
        At most one distinct value; an ID column (see the module docstring).
    converted : str
        How values not stored as their kind are read, e.g. ``"numbers stored as text"``.
    problem : str
        For ``kind == "mixed"``: what is wrong and how to fix it (the MixedTypesError text).
    types : tuple of str
        For ``kind == "mixed"`` Python objects: the type names found (``("int", "str")``).
    n_unique : int or None
        Distinct non-missing values, when counted (``count_unique=True``, and text always).
    codes : numpy.ndarray or None
        Text and object columns: a code per non-missing value, equal for equal values.
    """

    name: str
    kind: str
    n_valid: int
    constant: bool = False
    id_like: bool = False
    converted: str = ""
    problem: str = ""
    types: tuple[str, ...] = ()
    n_unique: int | None = None
    codes: np.ndarray | None = field(default=None, repr=False, compare=False)

    def drop_reason(self, *, drop_constant: bool = True, drop_id_like: bool = True) -> str:
        """Why the preprocessing drops the column (``""``: it is kept, or refused if mixed)."""
        if self.kind == "empty":
            return DROP_EMPTY
        if self.kind == "mixed":
            return ""
        if drop_constant and self.constant:
            return DROP_CONSTANT
        if drop_id_like and self.id_like:
            return DROP_ID_TEXT if self.kind == "categorical" else DROP_ID_INTEGERS
        return ""

    def treatment(self, *, drop_constant: bool = True, drop_id_like: bool = True) -> str:
        """How detection uses the column: one of :data:`TREATMENTS`."""
        if self.kind == "mixed":
            return "refused"
        if self.drop_reason(drop_constant=drop_constant, drop_id_like=drop_id_like):
            return "dropped"
        return {"numeric": "number", "boolean": "0/1", "datetime": "calendar parts",
                "categorical": "category"}[self.kind]

    def check_usable(self) -> None:
        """Raise :class:`~jupyter_ad.errors.MixedTypesError` for a ``"mixed"`` column."""
        if self.kind == "mixed":
            raise MixedTypesError(self.problem)


def classify_column(name: str, values: pd.Series) -> str:
    """Kind of a column (one of :data:`KINDS` but ``"mixed"``), without the constant/ID facts.

    Raises
    ------
    MixedTypesError
        When the column's values cannot be used (see :class:`ColumnProfile`).
    """
    profile = _Profiler(str(name), values, count=False, facts=False).run()
    profile.check_usable()
    return profile.kind


def profile_column(name: str, values: pd.Series, *, count_unique: bool = False) -> ColumnProfile:
    """The :class:`ColumnProfile` of one column.

    ``count_unique=True`` also counts the distinct values of every kind (``n_unique``).
    """
    return _Profiler(str(name), values, count=count_unique, facts=True).run()


def profile_frame(frame: pd.DataFrame, *, count_unique: bool = False) -> list[ColumnProfile]:
    """The profiles of every column, by position (duplicate names are fine).

    A frame of plain integer and float columns is summarised in one compiled pass.
    """
    if not count_unique:
        numeric = _numeric_frame_profiles(frame)
        if numeric is not None:
            return numeric
    return [profile_column(str(name), values, count_unique=count_unique)
            for name, values in frame.items()]


class _Profiler:
    """Classifies one column; ``count``: count distinct values, ``facts``: constant and ID."""

    def __init__(self, name: str, values: pd.Series, *, count: bool, facts: bool) -> None:
        self.name, self.values, self.count, self.facts = name, values, count, facts
        dtype = values.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
            self.valid = values  # plain numpy numbers and bools: see run()
        else:
            missing = values.isna()
            self.valid = values[~missing] if missing.any() else values

    def run(self) -> ColumnProfile:
        name, valid, dtype = self.name, self.valid, self.values.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
            return self.numpy_numbers(self.values.to_numpy())
        if len(valid) == 0:
            return ColumnProfile(name, "empty", 0, constant=True,
                                 n_unique=0 if self.count else None)
        if isinstance(dtype, pd.CategoricalDtype):
            return self.finish("categorical")
        if pd.api.types.is_bool_dtype(dtype):
            return self.finish("boolean")
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return self.finish("datetime")
        if isinstance(dtype, pd.PeriodDtype):
            return self.finish("datetime", converted="periods, as their start time")
        if pd.api.types.is_timedelta64_dtype(dtype):
            return self.finish("numeric", converted="durations, in seconds")
        if pd.api.types.is_complex_dtype(dtype):
            return self.mixed(("complex",), (
                f"Column {name!r} holds complex numbers; split it into real columns (e.g. "
                "df[col].real and df[col].imag) or exclude it."))
        if pd.api.types.is_numeric_dtype(dtype):
            return self.finish("numeric")
        if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
            return self.text()
        inferred = infer_dtype(valid, skipna=True)  # one C loop over every value
        if inferred == "string":
            return self.text()
        if inferred in _OBJECT_KINDS:
            kind, how = _OBJECT_KINDS[inferred]
            return self.finish(kind, converted=how)
        return self.mixed_objects()

    def numpy_numbers(self, array: np.ndarray) -> ColumnProfile:
        """Plain numpy numbers or bools, on arrays (no pandas overhead on wide tables)."""
        if array.dtype.kind == "f":
            nan = np.isnan(array)
            array = array[~nan] if nan.any() else array
        kind = "boolean" if array.dtype.kind == "b" else "numeric"
        if array.size == 0:
            return ColumnProfile(self.name, "empty", 0, constant=True,
                                 n_unique=0 if self.count else None)
        n_unique = count_sorted(array) if self.count else None
        if not self.facts:
            return ColumnProfile(self.name, kind, array.size, n_unique=n_unique)
        constant = n_unique <= 1 if n_unique is not None else bool(array.min() == array.max())
        id_like = (kind == "numeric" and not constant and array.size >= ID_MIN_ROWS
                   and array.dtype.kind in "iu" and monotonic(array))
        return ColumnProfile(self.name, kind, array.size, constant=constant, id_like=id_like,
                             n_unique=n_unique)

    # -- text ---------------------------------------------------------------------------------
    def text(self) -> ColumnProfile:
        """Booleans, numbers, dates or categories, decided from every distinct value."""
        name, valid = self.name, self.valid
        codes, uniques = pd.factorize(valid, use_na_sentinel=True)
        n_unique = len(uniques)
        if n_unique <= 2 and {str(u).strip().lower() for u in uniques} <= set(BOOL_TEXT):
            return self.finish("boolean", converted="true/false text", n_unique=n_unique,
                               codes=codes)
        arrow = arrow_text(uniques)
        numbers = text_numbers(arrow)
        is_number = ~np.isnan(numbers)
        if is_number.all():
            return self.finish("numeric", converted="numbers stored as text",
                               n_unique=n_unique, codes=codes, as_text=(arrow, codes))
        if not np.isnan(text_durations(arrow)).any():
            return self.finish("numeric", converted="durations stored as text, in seconds",
                               n_unique=n_unique, codes=codes)
        sample = [u for u in (str(v) for v in uniques[:_SAMPLE]) if _DATE_START.match(u)]
        if 2 * len(sample) > min(n_unique, _SAMPLE) and parse_dates(sample).notna().mean() > .5:
            is_date = parse_dates(uniques).notna().to_numpy()
            if is_date.all():
                return self.finish("datetime", converted="dates stored as text",
                                   n_unique=n_unique, codes=codes)
            if is_date[codes].mean() > 0.5:
                return self.mixed_text(codes, is_date, "dates", (
                    "is not a date. Fix that value, convert the column with "
                    f"pd.to_datetime(df[{name!r}], errors='coerce'), or exclude it."))
        if is_number[codes].mean() > 0.5:
            return self.mixed_text(codes, is_number, "numbers", (
                "is not a number. Fix or drop that value, or convert the column with "
                f"pd.to_numeric(df[{name!r}], errors='coerce'); or use "
                f"df[{name!r}].astype('category') to treat it as categories."))
        return self.finish("categorical", n_unique=n_unique, codes=codes)

    def mixed_text(self, codes: np.ndarray, good: np.ndarray, what: str,
                   fix: str) -> ColumnProfile:
        """Text mostly of one kind (numbers or dates) with some other values: refused."""
        bad_rows = np.flatnonzero(~good[codes])
        first, n_bad = int(bad_rows[0]), len(bad_rows)
        problem = (f"Column {self.name!r} holds {what} but row {self.valid.index[first]!r} has "
                   f"{self.valid.iloc[first]!r} ({n_bad} such value{'' if n_bad == 1 else 's'}),"
                   f" which {fix}")
        return self.mixed((), problem, n_unique=int(codes.max()) + 1, codes=codes)

    def mixed_objects(self) -> ColumnProfile:
        """Python objects of several types, or of unusable ones such as lists."""
        name, types = self.name, type_names(self.valid)
        if any(t in ("str", "str_") for t in types) and any(t in _NUMBER_TYPES for t in types):
            example = next((v for v in self.valid if isinstance(v, str)), "?")
            problem = (
                f"Column {name!r} mixes numbers and text ({', '.join(types)}; e.g. "
                f"{example!r}). Convert it: df[{name!r}] = pd.to_numeric(df[{name!r}], "
                f"errors='coerce') for numbers, or df[{name!r}].astype(str) for categories; or "
                "exclude it.")
        else:
            problem = (f"Column {name!r} holds values of type {', '.join(types)}, which cannot "
                       "be used as features. Convert it to numbers or strings, or exclude it "
                       f"(exclude=[{name!r}]).")
        return self.mixed(tuple(types), problem)

    def mixed(self, types: tuple[str, ...], problem: str, n_unique: int | None = None,
              codes: np.ndarray | None = None) -> ColumnProfile:
        if self.count and n_unique is None:
            n_unique, codes = factorize(self.valid)
        return ColumnProfile(self.name, "mixed", len(self.valid),
                             constant=n_unique is not None and n_unique <= 1, problem=problem,
                             types=types, n_unique=n_unique, codes=codes)

    # -- constant, ID-like, distinct values ----------------------------------------------------
    def finish(self, kind: str, *, converted: str = "", n_unique: int | None = None,
               codes: np.ndarray | None = None,
               as_text: tuple[Any, np.ndarray] | None = None) -> ColumnProfile:
        valid, n_valid = self.valid, len(self.valid)
        if n_unique is None and (self.count or (self.facts and kind == "categorical")):
            n_unique, codes = distinct(valid)
        if not self.facts:
            return ColumnProfile(self.name, kind, n_valid, converted=converted,
                                 n_unique=n_unique, codes=codes)
        constant = n_unique <= 1 if n_unique is not None else is_constant(valid)
        id_like = False
        if n_valid >= ID_MIN_ROWS and not constant:
            if kind == "categorical":
                id_like = n_unique == n_valid
            elif kind == "numeric" and as_text is not None:  # numbers stored as text
                id_like = n_unique == n_valid and monotonic(text_integers(*as_text))
            elif kind == "numeric":
                id_like = monotonic(integers(valid))
        return ColumnProfile(self.name, kind, n_valid, constant=constant, id_like=id_like,
                             converted=converted, n_unique=n_unique, codes=codes)


def _numeric_frame_profiles(frame: pd.DataFrame) -> list[ColumnProfile] | None:
    """Profiles of a frame of plain integer/float columns from one compiled pass, else None."""
    if frame.shape[1] == 0 or len(frame) == 0 or not all(
        isinstance(dtype, np.dtype) and dtype.kind in "fiu" for dtype in frame.dtypes
    ):
        return None
    from jupyter_ad.data._numeric_kernel import column_summary

    lo, hi, n_nan, _ = column_summary(frame.to_numpy(dtype=np.float64))
    kinds = [dtype.kind for dtype in frame.dtypes]
    out = []
    for j in range(frame.shape[1]):
        name, n_valid = str(frame.columns[j]), len(frame) - int(n_nan[j])
        if n_valid == 0:
            out.append(ColumnProfile(name, "empty", 0, constant=True))
            continue
        constant = bool(not lo[j] < hi[j])
        id_like = (not constant and n_valid >= ID_MIN_ROWS and kinds[j] in "iu"
                   and monotonic(frame.iloc[:, j].to_numpy()))
        out.append(ColumnProfile(name, "numeric", n_valid, constant=constant, id_like=id_like))
    return out
