"""Benchmark inputs: ADBench ``.npz`` files (``X``, ``y``), folders of them, or labelled tables.

An ADBench file holds ``X`` (n_samples x n_features) and ``y`` (1 = anomaly, 0 = normal); its
stem looks like ``2_annthyroid`` and :attr:`BenchDataset.reference_name` (``annthyroid``) is
the row of the paper's tables it matches. A CSV/TSV/Parquet/JSON-lines file needs the name of
its label column; its other columns are made numeric by jupyter-ad's
:class:`~jupyter_ad.data.preprocessing.Preprocessor` with ``scaling=None`` (encoding,
imputation, dropping constant and ID-like columns), and the protocol then scales them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.errors import DataError, DataFileError, ParameterError

__all__ = ["BenchDataset", "dataset_from_arrays", "dataset_from_frame", "load_datasets"]

_TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq", ".jsonl", ".ndjson")
_PREFIX = re.compile(r"^\d+_")


@dataclass(frozen=True)
class BenchDataset:
    """One labelled dataset of a benchmark run.

    Attributes
    ----------
    name : str
        Display name (the file stem, e.g. ``2_annthyroid``).
    X : ndarray of shape (n_samples, n_features)
        Numeric features (float64, finite), before the protocol's scaling.
    y : ndarray of shape (n_samples,)
        Labels, 1 = anomaly, 0 = normal.
    frame : pandas.DataFrame or None
        The original feature columns of a table input (given to ``auto``, which preprocesses
        them itself); ``None`` for arrays, where ``auto`` gets the unscaled ``X``.
    path : pathlib.Path or None
        Where it was read from.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    frame: pd.DataFrame | None = None
    path: Path | None = None

    @property
    def reference_name(self) -> str:
        """The name without ADBench's numeric prefix: ``2_annthyroid`` -> ``annthyroid``."""
        return _PREFIX.sub("", self.name)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, features)``."""
        return int(self.X.shape[0]), int(self.X.shape[1])

    def raw_rows(self, rows: np.ndarray) -> Any:
        """The unscaled rows ``rows`` as ``auto`` should see them (DataFrame or array)."""
        if self.frame is not None:
            return self.frame.iloc[rows].reset_index(drop=True)
        return self.X[rows]


def _binary_labels(values: Any, where: str) -> np.ndarray:
    """Labels read by the one label parser (:mod:`jupyter_ad.evaluate.labels`); a benchmark
    needs every row labelled and both classes present.
    """
    from jupyter_ad.evaluate.labels import label_values

    try:
        y = label_values(values, where=where)
    except ParameterError as exc:
        raise DataError(str(exc)) from None
    missing = np.isnan(y)
    if missing.any():
        raise DataError(f"{where}: {int(missing.sum())} row(s) have no label; label them 1 "
                        "(anomaly) or 0 (normal), or drop them.")
    if y.min() == y.max():
        raise DataError(f"{where}: labels hold a single class; a benchmark needs anomalies (1) "
                        "and normal rows (0).")
    return y.astype(np.int64)


def dataset_from_arrays(name: str, X: Any, y: Any, path: Path | None = None) -> BenchDataset:
    """A :class:`BenchDataset` from a numeric matrix and 0/1 labels."""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: X must be numeric ({exc}).") from exc
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 1:
        raise DataError(f"{name}: X must be 2-D with at least 2 rows, got shape {arr.shape}.")
    if not np.isfinite(arr).all():
        raise DataError(f"{name}: X holds missing or infinite values; impute them first or "
                        "give the data as a CSV/Parquet file with --label-column.")
    labels = _binary_labels(y, name)
    if len(labels) != arr.shape[0]:
        raise DataError(f"{name}: {len(labels)} labels for {arr.shape[0]} rows.")
    return BenchDataset(name=name, X=arr, y=labels, path=path)


def dataset_from_frame(name: str, frame: pd.DataFrame, label_column: str | None,
                       path: Path | None = None) -> BenchDataset:
    """A :class:`BenchDataset` from a table and the name of its label column."""
    from jupyter_ad.data.preprocessing import Preprocessor

    if label_column is None:
        raise ParameterError(f"{name}: tables need the name of their label column "
                             "(--label-column NAME, label_column=NAME): 1 = anomaly, 0 = normal.")
    if label_column not in frame.columns:
        shown = ", ".join(map(repr, list(frame.columns)[:20]))
        raise ParameterError(f"{name}: no label column {label_column!r}; columns are {shown}.")
    y = _binary_labels(frame[label_column], f"{name}, column {label_column!r}")
    features = frame.drop(columns=[label_column]).reset_index(drop=True)
    X = Preprocessor(scaling=None).fit_transform(features)
    return BenchDataset(name=name, X=np.asarray(X, dtype=np.float64), y=y, frame=features,
                        path=path)


def _read_npz(path: Path) -> BenchDataset:
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in ("X", "y") if k not in data.files]
            if missing:
                raise DataFileError(f"{str(path)!r} has no {' or '.join(missing)} array; ADBench "
                                    f"files hold X and y (found {', '.join(data.files)}).")
            X, y = data["X"], data["y"]
    except (OSError, ValueError) as exc:
        raise DataFileError(f"Cannot read {str(path)!r} as a .npz file: {exc}") from exc
    return dataset_from_arrays(path.stem, X, y, path=path)


def _read_table(path: Path, label_column: str | None) -> BenchDataset:
    from jupyter_ad.data.readers import read_file

    if label_column is None:
        raise ParameterError(f"{str(path)!r} is a table: give its label column with "
                             "--label-column NAME (1 = anomaly, 0 = normal).")
    return dataset_from_frame(path.name.split(".")[0], read_file(path), label_column, path)


def _files_in(folder: Path, label_column: str | None) -> list[Path]:
    files = sorted(folder.glob("*.npz"))
    if label_column is not None:
        files += sorted(p for p in folder.iterdir()
                        if p.is_file() and any(p.name.lower().endswith(s) for s in
                                               _TABLE_SUFFIXES))
    if not files:
        kinds = ".npz files" + (" or tables" if label_column else "")
        raise DataFileError(f"No {kinds} in folder {str(folder)!r}.")
    return files


def _unique(name: str, seen: set[str]) -> str:
    out, k = name, 2
    while out in seen:
        out, k = f"{name}#{k}", k + 1
    seen.add(out)
    return out


def load_datasets(inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
                  label_column: str | None = None) -> list[BenchDataset]:
    """Read ADBench ``.npz`` files, folders of them, and labelled tables.

    Parameters
    ----------
    inputs : path or list of paths
        ``.npz`` files with ``X`` and ``y``, folders (their ``.npz`` files, and their tables
        when ``label_column`` is given), or CSV/TSV/Parquet/JSON-lines files.
    label_column : str, optional
        The label column of table inputs (required for them): 1 = anomaly, 0 = normal.

    Returns
    -------
    list of BenchDataset
    """
    paths: Sequence[str | os.PathLike[str]] = (
        [inputs] if isinstance(inputs, str | os.PathLike) else list(inputs))
    if not paths:
        raise ParameterError("Give at least one .npz file, folder or labelled table.")
    out: list[BenchDataset] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise DataFileError(f"No such file or folder: {str(path)!r} "
                                f"(working folder: {os.getcwd()}).")
        for file in _files_in(path, label_column) if path.is_dir() else [path]:
            ds = _read_npz(file) if file.suffix.lower() == ".npz" else _read_table(
                file, label_column)
            name = _unique(ds.name, seen)
            out.append(ds if name == ds.name else BenchDataset(name, ds.X, ds.y, ds.frame,
                                                               ds.path))
    return out
