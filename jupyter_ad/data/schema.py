"""The feature schema a model was fitted on, and the checks made when it scores new rows."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.data.columns import classify_column
from jupyter_ad.errors import (
    ColumnMismatchError,
    EmptyDataError,
    MixedTypesError,
    ParameterError,
)

__all__ = ["FeatureSchema", "check_not_empty", "select_columns"]


def check_not_empty(frame: pd.DataFrame) -> None:
    """Refuse frames without rows or columns, and duplicate column names."""
    if frame.shape[1] == 0:
        raise EmptyDataError("The data has no columns: give at least one feature column.")
    if frame.shape[0] == 0:
        raise EmptyDataError(
            f"The data has no rows (columns: {', '.join(map(str, frame.columns[:10]))}). "
            "Check the file or the filter that produced it."
        )
    dupes = frame.columns[frame.columns.duplicated()].unique().tolist()
    if dupes:
        raise ParameterError(
            f"Duplicate column name(s) {', '.join(repr(d) for d in dupes)}: every column needs "
            "a distinct name. Rename them, e.g. df.columns = [...]."
        )


def _unknown(names: Sequence[str], columns: list[str], option: str) -> None:
    missing = [n for n in names if n not in columns]
    if missing:
        hint = difflib.get_close_matches(str(missing[0]), columns, n=1)
        raise ColumnMismatchError(
            f"{option}: no column named {missing[0]!r}"
            f"{f' (did you mean {hint[0]!r}?)' if hint else ''}. "
            f"Columns are: {', '.join(repr(c) for c in columns[:30])}."
        )


def select_columns(frame: pd.DataFrame, features: Sequence[str] | None,
                   exclude: Sequence[str] | None) -> pd.DataFrame:
    """Apply ``features``/``exclude`` after checking every named column exists."""
    check_not_empty(frame)
    columns = list(frame.columns)
    for option, names in (("features", features), ("exclude", exclude)):
        if names is None:
            continue
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise ParameterError(
                f"{option} must be a list of column names, e.g. {option}=['amount'], "
                f"got {names!r}."
            )
        _unknown(names, columns, option)
    if features is not None:
        if not features:
            raise ParameterError("features is empty: name at least one column.")
        frame = frame.loc[:, list(dict.fromkeys(features))]
    if exclude:
        frame = frame.drop(columns=list(exclude))
        if frame.shape[1] == 0:
            raise ParameterError("exclude removes every column: leave at least one feature.")
    return frame


@dataclass
class FeatureSchema:
    """Names and kinds of the columns a model uses, plus the ones it ignored at fit time."""

    kinds: dict[str, str]
    dtypes: dict[str, str]
    n_rows: int
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, kinds: dict[str, str],
                   dropped: Sequence[str] = ()) -> FeatureSchema:
        """Schema of ``frame`` for the used columns ``kinds``."""
        return cls(
            kinds=dict(kinds),
            dtypes={c: str(frame[c].dtype) for c in kinds},
            n_rows=int(frame.shape[0]),
            ignored=[str(c) for c in dropped],
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form."""
        return asdict(self)

    def check(self, frame: pd.DataFrame, *, extra_columns: str = "error") -> pd.DataFrame:
        """Return the used columns of ``frame`` after checking names and kinds."""
        if extra_columns not in ("error", "ignore"):
            raise ParameterError(
                f"extra_columns must be 'error' or 'ignore', got {extra_columns!r}."
            )
        check_not_empty(frame)
        columns = list(frame.columns)
        missing = [c for c in self.kinds if c not in columns]
        if missing:
            raise ColumnMismatchError(
                f"Missing column(s) {', '.join(repr(c) for c in missing)} that the model was "
                f"fitted on. The model needs: {', '.join(repr(c) for c in self.kinds)}."
            )
        extra = [c for c in columns if c not in self.kinds and c not in self.ignored]
        if extra and extra_columns == "error":
            raise ColumnMismatchError(
                f"Unknown column(s) {', '.join(repr(c) for c in extra[:10])} not seen at fit "
                "time. Drop them, or pass extra_columns='ignore' to score without them."
            )
        frame = frame.loc[:, list(self.kinds)]
        for name, kind in self.kinds.items():
            self._check_kind(name, kind, frame[name])
        return frame

    @staticmethod
    def _check_kind(name: str, kind: str, values: pd.Series) -> None:
        if kind != "datetime" and isinstance(values.dtype, np.dtype) and (
            values.dtype.kind in "fiu"
        ):  # plain numbers are numeric, which every kind but datetime accepts: no scan
            return
        if values.notna().sum() == 0:
            return  # all missing: imputed like any missing value
        try:
            now = classify_column(name, values)
        except MixedTypesError as exc:
            raise ColumnMismatchError(f"{exc} (It was {kind} at fit time.)") from exc
        compatible = {
            "numeric": {"numeric", "boolean"},
            "boolean": {"boolean", "numeric"},
            "datetime": {"datetime"},
            "categorical": {"categorical", "numeric", "boolean", "datetime"},
        }[kind]
        if now not in compatible:
            fix = {"numeric": f"pd.to_numeric(df[{name!r}], errors='coerce')",
                   "boolean": f"df[{name!r}].astype(bool)",
                   "datetime": f"pd.to_datetime(df[{name!r}])"}.get(kind, "")
            raise ColumnMismatchError(
                f"Column {name!r} was {kind} at fit time but now holds {now} values "
                f"(dtype {values.dtype}). Convert it back, e.g. {fix}."
            )
