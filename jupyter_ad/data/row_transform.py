"""Preprocessing of a single row given as a mapping, without pandas (the ``score_one`` path).

It applies exactly the fitted steps of :class:`~jupyter_ad.data.preprocessing.Preprocessor`
(encodings, date parts, imputation, scaling) to one ``{column: value}`` mapping in a few
microseconds; a test checks it against the DataFrame path.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from jupyter_ad.errors import ColumnMismatchError, MissingValuesError, MixedTypesError

if TYPE_CHECKING:
    from jupyter_ad.data.preprocessing import Preprocessor

__all__ = ["RowTransformer"]


class RowTransformer:
    """Compiled-down view of a fitted preprocessor for mappings of one row."""

    def __init__(self, pre: Preprocessor) -> None:
        self._pre = pre
        self._known = set(pre.kinds_) | set(pre.schema_.ignored)
        self._steps: list[tuple[str, str, int]] = []
        self._rarity: dict[str, dict[str, float]] = {}
        self._onehot: dict[str, dict[str, int]] = {}
        n = float(pre.schema_.n_rows)
        start = 0
        for name, kind in pre.kinds_.items():
            self._steps.append((name, kind, start))
            if kind == "categorical":
                shares = pre.categories_[name]
                if pre.categorical == "onehot":
                    top = list(shares.index[: pre.max_categories])
                    self._onehot[name] = {str(v): k for k, v in enumerate(top)}
                    start += len(top) + 1
                    continue
                self._rarity[name] = {str(k): -math.log(v) for k, v in shares.items()}
                self._unseen = -math.log(1.0 / (n + 1.0))
            start += len(pre.date_parts_[name]) if kind == "datetime" else 1
        self._width = start
        bounds = pre._bounds()
        self._bounds = (np.ascontiguousarray(bounds[0]), np.ascontiguousarray(bounds[1]))
        # a model of plain numbers takes a shortcut: one list, one array
        self._numbers = [name for name, kind, _ in self._steps] if all(
            kind in ("numeric", "boolean") for _, kind, _ in self._steps) else None

    def transform(self, row: Mapping[str, Any], *, extra_columns: str = "error") -> np.ndarray:
        """The preprocessed row, shape ``(1, n_features)``: finite float64 values (missing
        ones imputed; ``+inf``, ``-inf`` and values beyond the bounds clipped to them).
        """
        if self._numbers is not None and (extra_columns != "error"
                                          or len(row) == len(self._numbers)):
            try:
                out = np.array([row[name] for name in self._numbers], dtype=np.float64)
            except (KeyError, TypeError, ValueError):
                pass  # the general path below names the key or value at fault
            else:
                if out.ndim == 1:  # (values that are sequences take the general path)
                    return self._finish(out)
        missing = [name for name, _, _ in self._steps if name not in row]
        if missing:
            raise ColumnMismatchError(
                f"Missing key(s) {', '.join(map(repr, missing))}; the model needs "
                f"{', '.join(repr(n) for n, _, _ in self._steps)}.")
        if extra_columns == "error":
            extra = [k for k in row if k not in self._known]
            if extra:
                raise ColumnMismatchError(
                    f"Unknown key(s) {', '.join(map(repr, extra[:10]))} not seen at fit time. "
                    "Drop them, or pass extra_columns='ignore'.")
        out = np.empty(self._width)
        for name, kind, start in self._steps:
            value = row[name]
            if kind in ("numeric", "boolean"):
                out[start] = _number(name, value)
            elif kind == "datetime":
                self._date(name, value, out, start)
            elif name in self._onehot:
                index = self._onehot[name]
                out[start:start + len(index) + 1] = 0.0
                out[start + index.get(_text(value), len(index))] = 1.0
            else:
                out[start] = self._rarity[name].get(_text(value), self._unseen)
        return self._finish(out)

    def _date(self, name: str, value: Any, out: np.ndarray, start: int) -> None:
        parts = self._pre.date_parts_[name]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out[start:start + len(parts)] = np.nan
            return
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError) as exc:
            raise MixedTypesError(f"{name!r} should be a date, got {value!r}.") from exc
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        for k, part in enumerate(parts):
            out[start + k] = float(getattr(stamp, part))

    def _finish(self, out: np.ndarray) -> np.ndarray:
        from jupyter_ad.data._numeric_kernel import scale_row

        pre = self._pre
        lo, hi = self._bounds
        scaled = np.empty((1, out.shape[0]))
        # +-inf and values whose scaling overflows land on a bound; NaN needs imputing first
        if scale_row(out, pre.center_, pre.scale_, lo, hi, scaled[0]):
            return scaled
        missing = np.isnan(out)
        if pre.impute is None:
            raise MissingValuesError(
                f"Feature {pre.feature_names_out_[int(np.argmax(missing))]!r} is missing; pass "
                "a value or fit with preprocessing={'impute': 'median'}.")
        scale_row(np.where(missing, pre.fill_, out), pre.center_, pre.scale_, lo, hi, scaled[0])
        return scaled


def _number(name: str, value: Any) -> float:
    if value is None:
        return math.nan
    if isinstance(value, numbers.Real):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise MixedTypesError(f"{name!r} should be a number, got {value!r}.") from exc


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<missing>"
    return str(value)


class RecordsTransformer:
    """Preprocessing of a list of row mappings at once (the streaming micro-batch path).

    For a model of plain numbers the rows become one float64 matrix in a single call and go
    through the batch path's imputation and scaling (so scores equal ``model.score``); other
    models, and any batch with a bad row, take :class:`RowTransformer` row by row, so that a
    bad row is named and set aside while the others are scored.
    """

    def __init__(self, pre: Preprocessor) -> None:
        self._pre = pre
        self._rows = RowTransformer(pre)
        self.columns = list(pre.kinds_)
        self._pick = operator.itemgetter(*self.columns)
        self.numeric = all(kind == "numeric" for kind in pre.kinds_.values())

    def transform(self, records: Sequence[Mapping[str, Any]], *, extra_columns: str = "ignore"
                  ) -> tuple[np.ndarray, list[int], dict[int, str]]:
        """``(matrix, good, bad)``: the preprocessed good rows, their positions in
        ``records``, and position -> reason for the rows that could not be used.
        """
        if self.numeric and records:
            matrix = self._numbers(records, extra_columns)
            if matrix is not None:
                return matrix, list(range(len(records))), {}
        out = np.empty((len(records), len(self._pre.feature_names_out_)))
        good: list[int] = []
        bad: dict[int, str] = {}
        for i, row in enumerate(records):
            try:
                out[len(good)] = self._rows.transform(row, extra_columns=extra_columns)[0]
            except (ValueError, KeyError, TypeError, OverflowError) as exc:
                bad[i] = _reason(exc)
            else:
                good.append(i)
        return out[: len(good)], good, bad

    def _numbers(self, records: Sequence[Mapping[str, Any]], extra_columns: str
                 ) -> np.ndarray | None:
        columns = self.columns
        if extra_columns == "error" and any(len(row) != len(columns) for row in records):
            return None  # the row-by-row path names the unknown keys
        try:  # one C call per row picks the columns (a lone column gives a value, not a tuple)
            raw = np.array(list(map(self._pick, records)), dtype=np.float64)
        except (KeyError, TypeError, ValueError):
            return None
        if len(columns) == 1 and raw.ndim == 1:
            raw = raw.reshape(-1, 1)
        if raw.shape != (len(records), len(columns)):  # values that are sequences
            return None
        from jupyter_ad.errors import DataError

        try:
            return np.asarray(self._pre._impute_scale(raw, None))
        except DataError:
            return None


def _reason(exc: BaseException) -> str:
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    return f"{type(exc).__name__}: {text}"
