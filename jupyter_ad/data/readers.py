"""Reading any supported input into a pandas DataFrame.

Supported: pandas DataFrame/Series, polars DataFrame/LazyFrame, pyarrow Table, numpy arrays
(1-D or 2-D), a dict of columns, and paths (``str`` or ``os.PathLike``) to CSV/TSV (optionally
gzip/bz2/zip/xz-compressed), Parquet, and JSON / JSON-lines files.

Column names become text. Columns with several levels (a pandas ``MultiIndex``, e.g. from
``groupby().agg()`` or ``pivot_table``) are flattened: the levels of each column joined with
``_``, empty levels left out, so ``("amount", "mean")`` becomes ``"amount_mean"`` and
``("amount", "")`` becomes ``"amount"``. Two columns that flatten to the same name raise
:class:`~jupyter_ad.errors.DataError` naming both.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.errors import DataError, DataFileError, EmptyDataError, UnsupportedInputError

__all__ = ["SUPPORTED_SUFFIXES", "as_dataframe", "check_data_file", "flat_column_names",
           "read_file"]

_COMPRESSION = (".gz", ".bz2", ".zip", ".xz", ".zst")
SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq", ".json", ".jsonl", ".ndjson")


def _format_of(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSION:
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".tsv":
        return "tsv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    raise DataFileError(
        f"Cannot tell the format of {str(path)!r} from its extension {suffix or '(none)'!r}. "
        f"Supported: {', '.join(SUPPORTED_SUFFIXES)} (CSV may be compressed); or read it "
        "yourself and pass a DataFrame."
    )


def check_data_file(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """The path of an existing data file and its format, without reading it.

    Raises
    ------
    DataFileError
        The file is missing, a folder, or of an unknown extension.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise DataFileError(
            f"No such data file: {str(p)!r}. Check the path (working folder: {os.getcwd()})."
        )
    if p.is_dir():
        raise DataFileError(f"{str(p)!r} is a folder; give the path of one data file.")
    return p, _format_of(p)


def read_file(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV/TSV, Parquet or JSON(-lines) file into a DataFrame."""
    p, fmt = check_data_file(path)
    try:
        if fmt == "csv":
            return pd.read_csv(p, sep=None, engine="python") if _sniff_needed(p) else pd.read_csv(p)
        if fmt == "tsv":
            return pd.read_csv(p, sep="\t")
        if fmt == "parquet":
            return pd.read_parquet(p)
        if fmt == "jsonl":
            return pd.read_json(p, lines=True)
        try:
            return pd.read_json(p)
        except ValueError:
            return pd.read_json(p, lines=True)
    except pd.errors.EmptyDataError as exc:
        raise EmptyDataError(
            f"The file {str(p)!r} is empty: it has no header and no rows.") from exc
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataFileError(f"Could not read {str(p)!r} as {fmt.upper()}: {exc}") from exc
    except Exception as exc:  # pyarrow raises its own error types for corrupt parquet
        raise DataFileError(f"Could not read {str(p)!r} as {fmt.upper()}: {exc}") from exc


def _sniff_needed(path: Path) -> bool:
    """True for an uncompressed text file whose first line has no comma but ; or tab."""
    if path.suffix.lower() in _COMPRESSION:
        return False
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
    except OSError:
        return False
    return "," not in first and (";" in first or "\t" in first)


def as_dataframe(data: Any) -> pd.DataFrame:
    """Convert ``data`` to a pandas DataFrame without copying where possible.

    Parameters
    ----------
    data : DataFrame, Series, ndarray, dict, pyarrow Table, polars DataFrame, or path
        See the module docstring for what is supported.

    Returns
    -------
    pandas.DataFrame
        Column names are strings (several levels are flattened, see the module docstring);
        numpy input gets ``x0, x1, ...``.
    """
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, pd.Series):
        frame = data.to_frame(name=data.name if data.name is not None else "x0")
    elif isinstance(data, (str, os.PathLike)):
        frame = read_file(data)
    elif isinstance(data, np.ndarray):
        frame = _from_numpy(data)
    elif isinstance(data, dict):
        try:
            frame = pd.DataFrame(data)
        except ValueError as exc:
            raise UnsupportedInputError(f"Cannot make a table from this dict: {exc}") from exc
    else:
        frame = _from_foreign(data)
    if isinstance(frame.columns, pd.MultiIndex):
        frame = frame.set_axis(flat_column_names(frame.columns), axis=1)
    elif any(not isinstance(c, str) for c in frame.columns):
        frame = frame.rename(columns=str)
    return frame


def flat_column_names(columns: pd.MultiIndex) -> list[str]:
    """One name per column of several levels: the non-empty levels joined with ``_``.

    Raises
    ------
    DataError
        If two different columns get the same name, naming both.
    """
    names: list[str] = []
    first: dict[str, tuple[Any, ...]] = {}
    for position, levels in enumerate(columns):
        parts = [str(level) for level in levels if level is not None and str(level) != ""
                 and not (isinstance(level, float) and np.isnan(level))]
        name = "_".join(parts) or f"x{position}"
        if name in first and first[name] != levels:
            raise DataError(
                f"The columns {first[name]!r} and {levels!r} both flatten to {name!r} (levels "
                "are joined with '_'). Rename one first, e.g. df.columns = ['_'.join(map(str, "
                "c)) for c in df.columns] and then df = df.rename(columns={...})."
            )
        first.setdefault(name, levels)
        names.append(name)
    return names


def _from_numpy(arr: np.ndarray) -> pd.DataFrame:
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise UnsupportedInputError(
            f"A numpy array must be 1-D or 2-D (rows x features), got {arr.ndim}-D with shape "
            f"{arr.shape}. Reshape it, e.g. arr.reshape(len(arr), -1)."
        )
    if arr.dtype.names:  # structured array
        return pd.DataFrame.from_records(arr)
    return pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])], copy=False)


def _from_foreign(data: Any) -> pd.DataFrame:
    module = type(data).__module__.split(".")[0]
    if module == "polars":
        if hasattr(data, "collect"):
            data = data.collect()
        if hasattr(data, "to_pandas"):
            return data.to_pandas()
    if module == "pyarrow" and hasattr(data, "to_pandas"):
        out = data.to_pandas()
        return out if isinstance(out, pd.DataFrame) else out.to_frame()
    if hasattr(data, "__dataframe__") and module not in ("pandas",):
        return pd.api.interchange.from_dataframe(data)
    if isinstance(data, (list, tuple)) and data:
        try:
            return as_dataframe(np.asarray(data)) if not isinstance(data[0], dict) else (
                pd.DataFrame(list(data))
            )
        except (ValueError, TypeError) as exc:
            raise UnsupportedInputError(f"Cannot make a table from this list: {exc}") from exc
    if isinstance(data, (list, tuple)):
        raise EmptyDataError("The data is an empty list: give at least one row.")
    raise UnsupportedInputError(
        f"Cannot read data of type {type(data).__module__}.{type(data).__qualname__}. Give a "
        "pandas/polars DataFrame, a numpy array, a pyarrow Table, a dict of columns, or the path "
        "of a CSV, Parquet or JSON-lines file."
    )
