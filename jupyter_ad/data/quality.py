"""Data quality report: what is wrong with a table before anomaly detection runs.

:func:`check_data` looks at every column (by position, so duplicate names are fine) and returns a
:class:`DataQualityReport` with per-column figures and a list of plain-English ``issues`` that say
what jupyter-ad will do about each problem, or what the user should do.
"""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.data.columns import KINDS, TREATMENTS, ColumnProfile, coerce_numeric, profile_column
from jupyter_ad.errors import EmptyDataError, UnsupportedInputError

__all__ = ["KINDS", "TREATMENTS", "ColumnQuality", "DataQualityReport", "check_data"]

SKEW_LIMIT = 5.0
HIGH_CARDINALITY_MIN = 50

_SCALAR_TYPES = {"bool", "bool_", "int", "float", "str", "Decimal", "int64", "float64", "str_"}


@dataclass(frozen=True)
class ColumnQuality:
    """Quality figures of one column.

    Attributes
    ----------
    name, position : str, int
        Column name as text (``str()`` of the label) and 0-based position (tells apart columns
        that share a name).
    dtype, kind : str
        pandas dtype (``"float64"``, ``"str"``, ``"category"``, ...) and one of :data:`KINDS`,
        as the preprocessing of ``ad.detect`` classifies the column
        (:mod:`jupyter_ad.data.columns`).
    n_missing, pct_missing : int, float
        Missing values (NaN, None, NA, NaT) and their share of rows in percent (0-100).
    n_unique : int
        Distinct non-missing values (unhashable cells are compared by ``str()``).
    is_constant, high_cardinality, id_like : bool
        At most one distinct value; categorical with > 50 distinct values that are also > 50% of
        rows (and not ID-like); at least 20 values, all distinct, and text or integers in
        strictly monotonic order.
    skew, n_infinite, min, max : float or None, int, number or None
        Numeric columns only: skewness and min/max of the finite values, count of +-inf.
    mixed_types : list of str or None
        For ``kind == "mixed"`` of Python objects: the type names found, e.g. ``["int", "str"]``.
    treatment : str
        How ``ad.detect`` (default preprocessing) uses the column, one of :data:`TREATMENTS`:
        ``"number"``, ``"0/1"``, ``"calendar parts"``, ``"category"``, ``"dropped"`` (empty,
        constant or ID-like) or ``"refused"`` (``kind == "mixed"``: detection raises).
    converted : str
        How values not stored as their kind are read, e.g. ``"numbers stored as text"``.
    """

    name: str
    position: int
    dtype: str
    kind: str
    n_missing: int
    pct_missing: float
    n_unique: int
    is_constant: bool
    high_cardinality: bool = False
    id_like: bool = False
    skew: float | None = None
    n_infinite: int = 0
    mixed_types: list[str] | None = None
    min: int | float | None = None
    max: int | float | None = None
    treatment: str = ""
    converted: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-serialisable Python values (NaN and inf become None)."""
        return {k: _plain(v) for k, v in asdict(self).items()}


@dataclass(frozen=True, repr=False)
class DataQualityReport:
    """Result of :func:`check_data`: per-column figures, dataset figures and issues."""

    columns: list[ColumnQuality]
    n_rows: int
    n_columns: int
    n_duplicate_rows: int
    duplicate_column_names: list[str]
    issues: list[str]

    @property
    def ok(self) -> bool:
        """True when no issues were found."""
        return not self.issues

    def __getitem__(self, name: Any) -> ColumnQuality:
        """Return the first column called ``str(name)``."""
        for col in self.columns:
            if col.name == str(name):
                return col
        known = ", ".join(repr(c.name) for c in self.columns[:20])
        raise KeyError(f"No column {str(name)!r} in the report. Columns: {known}")

    def to_frame(self) -> pd.DataFrame:
        """Return one row per column, indexed by column name (``mixed_types`` joined by ", ")."""
        rows = [c.to_dict() for c in self.columns]
        for row in rows:
            row["mixed_types"] = ", ".join(row["mixed_types"]) if row["mixed_types"] else None
        return pd.DataFrame(rows).set_index("name")

    def to_dict(self) -> dict[str, Any]:
        """Return the whole report as JSON-serialisable Python values."""
        return {"n_rows": int(self.n_rows), "n_columns": int(self.n_columns),
                "n_duplicate_rows": int(self.n_duplicate_rows),
                "duplicate_column_names": [str(n) for n in self.duplicate_column_names],
                "issues": [str(i) for i in self.issues],
                "columns": [c.to_dict() for c in self.columns]}

    def _header(self) -> str:
        k = len(self.issues)
        return (f"Data quality: {self.n_rows} rows x {self.n_columns} columns, "
                f"{k} issue{'' if k == 1 else 's'}")

    def _table(self) -> tuple[list[str], list[list[str]]]:
        head = ["column", "dtype", "kind", "use", "missing", "unique", "min", "max", "notes"]
        body = [[c.name, c.dtype, c.kind, c.treatment, f"{c.n_missing} ({_pct(c.pct_missing)})",
                 str(c.n_unique), _num(c.min), _num(c.max), ", ".join(_notes(c))]
                for c in self.columns]
        return head, body

    def __repr__(self) -> str:
        head, body = self._table()
        table = pd.DataFrame([r[1:] for r in body], columns=head[1:],
                             index=pd.Index([r[0] for r in body], name=head[0]))
        bullets = [f"  - {i}" for i in self.issues] or ["  No issues found."]
        return "\n".join([self._header(), table.to_string(), "Issues:", *bullets])

    def _repr_html_(self) -> str:
        esc = html.escape
        head, body = self._table()
        ths = "".join(f"<th>{esc(h)}</th>" for h in head)
        trs = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r) + "</tr>" for r in body)
        items = "".join(f"<li>{esc(i)}</li>" for i in self.issues) or "<li>No issues found.</li>"
        return (f"<div class='jupyter-ad-quality'><p><strong>{esc(self._header())}</strong></p>"
                f"<table><thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table>"
                f"<ul>{items}</ul></div>")


def check_data(data: Any) -> DataQualityReport:
    """Check a table for problems that affect anomaly detection.

    Parameters
    ----------
    data : pandas.DataFrame or anything ``jupyter_ad.data.readers.as_dataframe`` accepts
        The table to check. Without the readers module only DataFrames and numpy arrays work.

    Returns
    -------
    DataQualityReport
        Per-column figures, duplicate rows and column names, and plain-English ``issues``.

    Raises
    ------
    EmptyDataError
        The table has no rows or no columns.
    UnsupportedInputError
        ``data`` cannot be converted to a DataFrame.
    """
    try:
        from jupyter_ad.data.readers import as_dataframe
    except ImportError:
        as_dataframe = _as_dataframe_fallback
    df = as_dataframe(data)
    n_rows, n_cols = df.shape
    if n_cols == 0:
        raise EmptyDataError(f"The data has no columns ({n_rows} rows): pass a table with at "
                             "least one column of values.")
    names = [str(c) for c in df.columns]
    if n_rows == 0:
        shown = ", ".join(repr(n) for n in names[:10]) + (", ..." if n_cols > 10 else "")
        raise EmptyDataError(f"The data has 0 rows (columns: {shown}): pass at least one row; "
                             "check any filter or query applied before this call.")
    series = [values for _, values in df.items()]
    profiles = [profile_column(names[i], s, count_unique=True) for i, s in enumerate(series)]
    columns = [_analyse(series[i], p, i, n_rows) for i, p in enumerate(profiles)]
    dup_names = list(dict.fromkeys(pd.Index(names)[pd.Index(names).duplicated()]))
    n_dup_rows = _count_duplicate_rows(series, profiles)
    issues = [f"Column name {n!r} is used by {names.count(n)} columns: rename them so every "
              "name is unique (the report lists them by position)." for n in dup_names]
    if n_dup_rows:
        what = ("1 row is an exact duplicate of an earlier row: it is" if n_dup_rows == 1 else
                f"{n_dup_rows} rows are exact duplicates of earlier rows: they are")
        issues.append(f"{what} kept; remove them with df.drop_duplicates() if they are not real "
                      "repeats.")
    for col, profile in zip(columns, profiles, strict=True):
        issues.extend(_column_issues(col, n_rows, profile.problem))
    return DataQualityReport(columns, n_rows, n_cols, n_dup_rows, dup_names, issues)


def _as_dataframe_fallback(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, np.ndarray) and data.ndim in (1, 2):
        arr = data.reshape(-1, 1) if data.ndim == 1 else data
        return pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])])
    raise UnsupportedInputError(f"Cannot check data of type {type(data).__qualname__}: pass a "
                                "pandas DataFrame or a 1-D/2-D numpy array.")


def _analyse(s: pd.Series, profile: ColumnProfile, position: int,
             n_rows: int) -> ColumnQuality:
    """The figures of one column, from its profile (the classifier ``ad.detect`` uses)."""
    n_missing = n_rows - profile.n_valid
    base: dict[str, Any] = {"name": profile.name, "position": position, "dtype": str(s.dtype),
                            "n_missing": n_missing, "pct_missing": 100.0 * n_missing / n_rows,
                            "treatment": profile.treatment(), "converted": profile.converted}
    if profile.kind == "empty":
        return ColumnQuality(**base, kind="empty", n_unique=0, is_constant=True)
    kind, n_unique = profile.kind, int(profile.n_unique or 0)
    stats: dict[str, Any] = {}
    if kind == "numeric":
        plain = isinstance(s.dtype, np.dtype) and s.dtype.kind in "fiu"  # NaN: skipped below
        stats = _numeric_stats(profile.name, s[s.notna()] if n_missing and not plain else s)
    if profile.constant:
        stats["skew"] = None
    high = (kind == "categorical" and not profile.id_like and n_unique > HIGH_CARDINALITY_MIN
            and n_unique > 0.5 * n_rows)
    return ColumnQuality(**base, kind=kind, n_unique=n_unique, is_constant=profile.constant,
                         high_cardinality=high, id_like=profile.id_like,
                         mixed_types=list(profile.types) or None, **stats)


def _mixed_issue(q: str, c: ColumnQuality, problem: str) -> str:
    if not c.mixed_types:  # text mostly of one kind: the classifier's own explanation
        return q + problem.removeprefix(f"Column {q}")
    types = c.mixed_types
    if len(types) > 1 and set(types) <= _SCALAR_TYPES:
        return (f"{q} mixes {_join(types)} values: convert it with "
                "pd.to_numeric(errors='coerce') or .astype(str).")
    what = f"mixes {_join(types)}" if len(types) > 1 else f"holds {types[0]}"
    return (f"{q} {what} values, which cannot be used for detection: convert it with "
            ".astype(str) or drop it.")


def _numeric_stats(name: str, valid: pd.Series) -> dict[str, Any]:
    """Infinite count, finite min/max and skew of a numeric column's non-missing values."""
    dtype = valid.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
        raw = valid.to_numpy()
    elif pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        raw = valid.to_numpy(dtype=np.int64)  # nullable Int64 without its missing values
    else:  # nullable floats, numbers stored as text or objects, durations (in seconds)
        raw = coerce_numeric(name, valid)
        text = pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
        if text and raw.size and np.all(raw == np.round(raw)) and np.abs(raw).max() < 2**53:
            raw = raw.astype(np.int64)  # whole numbers stored as text or objects
    ints = raw if raw.dtype.kind in "iu" else None
    try:
        floats = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):  # pragma: no cover - defensive
        floats = np.full(len(raw), np.nan)
    finite = floats[np.isfinite(floats)]
    out: dict[str, Any] = {"n_infinite": int(np.isinf(floats).sum()), "skew": _skew(finite)}
    if ints is not None and ints.size:
        out["min"], out["max"] = ints.min().item(), ints.max().item()
    elif finite.size:
        out["min"], out["max"] = float(finite.min()), float(finite.max())
    return out


def _skew(x: np.ndarray) -> float | None:
    """Fisher-Pearson skewness (as scipy.stats.skew), scaled first to avoid overflow."""
    if x.size < 3:
        return None
    z = x / max(float(np.max(np.abs(x))), 1e-300)
    mean = float(z.mean())
    d = z - mean
    m2 = float(np.mean(d * d))
    if m2 <= (np.finfo(np.float64).resolution * abs(mean)) ** 2:  # constant (as scipy)
        return None
    value = float(np.mean(d * d * d)) / m2 ** 1.5
    return value if math.isfinite(value) else None


def _count_duplicate_rows(series: list[pd.Series], profiles: list[ColumnProfile]) -> int:
    """Rows equal to an earlier row, via a combined 64-bit hash of every column: of its values
    (numbers, times) or of the codes the classifier gave its text and objects.
    """
    n_rows = len(series[0])
    if n_rows < 2:
        return 0
    combined = np.full(n_rows, 0x345678, dtype=np.uint64)
    for i, profile in enumerate(profiles):
        h = _column_hash(series[i], profile)
        combined = (combined ^ h) * np.uint64(1000003 + 82520 * i)
    return int(pd.Series(combined).duplicated().sum())


def _column_hash(s: pd.Series, profile: ColumnProfile) -> np.ndarray:
    if profile.codes is not None:
        codes = np.full(len(s), -1, dtype=np.int64)
        codes[s.notna().to_numpy()] = profile.codes
        return pd.util.hash_array(codes)
    dtype = s.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiubmM":
        return pd.util.hash_array(s.to_numpy())
    try:
        return pd.util.hash_pandas_object(s, index=False, categorize=True).to_numpy()
    except (TypeError, ValueError):  # pragma: no cover - unhashable cells have codes
        return pd.util.hash_pandas_object(s.astype(str), index=False).to_numpy()


def _column_issues(c: ColumnQuality, n_rows: int, problem: str = "") -> list[str]:
    """Plain-English issues of one column, each naming it and what happens or what to do."""
    q = repr(c.name)
    if c.kind == "empty":
        return [f"{q} has no values (all {n_rows} missing): it will be dropped."]
    if c.kind == "mixed":
        return [_mixed_issue(q, c, problem)]
    if c.is_constant:
        return [f"{q} is constant: it will be dropped."]
    if c.id_like:
        return [f"{q} looks like an ID (every value unique): it will be dropped before detection."]
    out = []
    if c.n_infinite:
        one = c.n_infinite == 1
        out.append(f"{q} has {c.n_infinite} infinite value{'' if one else 's'}: "
                   f"{'it scores' if one else 'they score'} as more extreme than any training "
                   "value.")
    if c.n_missing:
        how = "the median" if c.kind in ("numeric", "datetime") else "the most frequent value"
        out.append(f"{q} is {_pct(c.pct_missing)} missing: missing values are imputed with {how}.")
    if c.high_cardinality:
        out.append(f"{q} has {c.n_unique} distinct values ({_pct(100.0 * c.n_unique / n_rows)} "
                   "of rows): consider grouping rare values or dropping it.")
    if c.skew is not None and abs(c.skew) > SKEW_LIMIT:
        out.append(f"{q} is heavily skewed (skew {c.skew:.1f}): consider a log transform.")
    return out


def _notes(c: ColumnQuality) -> list[str]:
    notes = {"constant": c.is_constant and c.kind != "empty", "ID-like": c.id_like,
             "high cardinality": c.high_cardinality, f"{c.n_infinite} inf": c.n_infinite > 0,
             f"skew {c.skew or 0:.1f}": c.skew is not None and abs(c.skew) > SKEW_LIMIT,
             "types: " + ", ".join(c.mixed_types or []): bool(c.mixed_types)}
    return [note for note, show in notes.items() if show]


def _plain(v: Any) -> Any:
    """Turn numpy scalars into Python ones and non-finite floats into None."""
    v = v.item() if isinstance(v, np.generic) else v
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pct(p: float) -> str:
    return "<0.1%" if 0 < p < 0.1 else f"{p:.1f}%"


def _num(v: int | float | None) -> str:
    return "" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)
