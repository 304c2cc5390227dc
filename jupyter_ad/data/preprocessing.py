"""Turning a DataFrame into the numeric matrix detectors need; fitted and saved with the model.

Steps, each configurable and reported in :class:`PreprocessingReport`:

1. **Select** ``features`` / drop ``exclude``.
2. **Classify** every column (numeric, boolean, datetime, categorical) with
   :mod:`jupyter_ad.data.columns`, the classifier the quality report uses; unusable mixtures raise.
3. **Drop** empty, constant and ID-like columns (at least 20 values, all distinct: text, or
   integers in strictly increasing/decreasing order), with a
   :class:`~jupyter_ad.errors.DataQualityWarning`.
4. **Expand** datetime columns into the calendar parts that vary (hour, day of week, day, month).
5. **Encode** categorical columns: ``"frequency"`` (default) replaces a category by its rarity
   ``-log(share of training rows)``, so rare categories stand out; ``"onehot"`` adds one column
   per frequent category. Missing text is a category of its own; unseen ones are rarest.
6. **Impute** missing numbers with the training ``median`` (or ``mean``/``zero``);
   ``impute=None`` refuses missing values instead.
7. **Clip** each number to the training median +- ``CLIP_SPREADS`` (10^9) spreads (spread:
   IQR / 1.349, else the standard deviation, else 1). ``+inf`` and ``-inf`` are the most extreme
   values there are: they land on the upper and lower bound, beyond every training value, and
   score as such. No real value is that far out; the bound keeps every detector's arithmetic
   finite, and a value beyond it still scores at least as high as any smaller one.
8. **Scale** with ``"robust"`` (median/IQR, the default), ``"standard"``, ``"minmax"`` or ``None``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad._warn import warn_user
from jupyter_ad.core.params import Choice, Interval, check_params
from jupyter_ad.data._clipping import (
    CLIP_SPREADS,
    clip_bounds,
    quartiles_of,
    scaled_bounds,
    spread_of,
)
from jupyter_ad.data.columns import coerce_datetime, coerce_numeric, profile_frame
from jupyter_ad.data.schema import FeatureSchema, select_columns
from jupyter_ad.errors import (
    DataError,
    DataQualityWarning,
    MissingValuesError,
    NoUsableColumnsError,
)

__all__ = ["CLIP_SPREADS", "PreprocessingReport", "Preprocessor"]

_STATS_ROWS = 100_000  # rows behind the imputation and scaling statistics (seeded sample)
_DATE_PARTS = ("month", "day", "day_of_week", "hour", "minute")


@dataclass
class PreprocessingReport:
    """What preprocessing did, in plain terms (``res.preprocessing``)."""

    used_columns: list[str] = field(default_factory=list)
    output_features: list[str] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)
    imputed: dict[str, int] = field(default_factory=dict)
    infinite: dict[str, int] = field(default_factory=dict)
    clipped: dict[str, int] = field(default_factory=dict)
    encoded: dict[str, str] = field(default_factory=dict)
    expanded: dict[str, list[str]] = field(default_factory=dict)
    converted: dict[str, str] = field(default_factory=dict)
    scaling: str | None = "robust"

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON-serialisable)."""
        return asdict(self)

    def lines(self) -> list[str]:
        """One sentence per thing that was done."""
        out = [f"Used {len(self.used_columns)} column(s) -> {len(self.output_features)} features."]
        out += [f"Dropped {c!r}: {why}." for c, why in self.dropped.items()]
        out += [f"Imputed {n} missing value(s) in {c!r}." for c, n in self.imputed.items()]
        out += [f"{n} infinite value(s) in {c!r} scored as beyond the training range." for c, n in
                self.infinite.items()]
        out += [f"Clipped {n} value(s) in {c!r} more than 1e9 spreads from the training median."
                for c, n in self.clipped.items()]
        out += [f"Encoded {c!r} ({how})." for c, how in self.encoded.items()]
        out += [f"Expanded {c!r} into {', '.join(p)}." for c, p in self.expanded.items()]
        out += [f"Converted {c!r}: {how}." for c, how in self.converted.items()]
        out.append(f"Scaling: {self.scaling or 'none'}.")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


class Preprocessor:
    """Fit on a DataFrame, then turn any frame with the same columns into a float matrix.

    Parameters
    ----------
    scaling : {"robust", "standard", "minmax", None}, default "robust"
    impute : {"median", "mean", "zero", None}, default "median"
        ``None`` raises :class:`~jupyter_ad.errors.MissingValuesError` on missing values.
    categorical : {"frequency", "onehot"}, default "frequency"
    max_categories : int, default 20
        With ``"onehot"``, the most frequent categories kept; the rest share one column.
    drop_constant, drop_id_like : bool, default True
    features, exclude : list of str, optional
        Columns to use, or to leave out.
    """

    _rules = {
        "scaling": Choice(("robust", "standard", "minmax", None)),
        "impute": Choice(("median", "mean", "zero", None)),
        "categorical": Choice(("frequency", "onehot")),
        "max_categories": Interval(int, 1),
        "drop_constant": Choice((True, False)),
        "drop_id_like": Choice((True, False)),
    }

    def __init__(self, scaling: str | None = "robust", impute: str | None = "median",
                 categorical: str = "frequency", max_categories: int = 20,
                 drop_constant: bool = True, drop_id_like: bool = True,
                 features: Sequence[str] | None = None,
                 exclude: Sequence[str] | None = None) -> None:
        self.scaling = scaling
        self.impute = impute
        self.categorical = categorical
        self.max_categories = max_categories
        self.drop_constant = drop_constant
        self.drop_id_like = drop_id_like
        self.features = features
        self.exclude = exclude

    def get_params(self) -> dict[str, Any]:
        """The constructor arguments."""
        return {k: getattr(self, k) for k in (
            "scaling", "impute", "categorical", "max_categories", "drop_constant",
            "drop_id_like", "features", "exclude")}

    # -- fitting --------------------------------------------------------------------------------
    def fit_transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Learn the columns' kinds and statistics from ``frame`` and transform it."""
        check_params("preprocessing", self.get_params(), self._rules)
        all_columns = [str(c) for c in frame.columns]
        frame = select_columns(frame, self.features, self.exclude)
        report = PreprocessingReport(scaling=self.scaling)
        kinds: dict[str, str] = {}
        for name, profile in zip(frame.columns, profile_frame(frame), strict=True):
            profile.check_usable()  # the classifier the quality report uses (data/columns.py)
            why = profile.drop_reason(drop_constant=self.drop_constant,
                                      drop_id_like=self.drop_id_like)
            if why:
                report.dropped[name] = why
            else:
                kinds[name] = profile.kind
        for name, why in report.dropped.items():
            warn_user(f"Column {name!r} dropped: {why}.", DataQualityWarning)
        if not kinds:
            detail = "; ".join(f"{c!r}: {w}" for c, w in report.dropped.items())
            raise NoUsableColumnsError(
                f"No usable column is left ({detail or 'no columns'}). Give at least one column "
                "with varying numbers, categories or dates, or turn off drop_constant/drop_id_like."
            )
        # columns left out at fit time (dropped, excluded, not in features) may come back when
        # scoring: they are known, and ignored
        self.schema_ = FeatureSchema.from_frame(
            frame, kinds, dropped=[c for c in all_columns if c not in kinds])
        self.columns_ = list(kinds)
        self.kinds_ = kinds
        self._fit_encodings(frame, report)
        raw = self._raw_matrix(frame, report, fitting=True)
        self._fit_impute_scale(raw)
        report.used_columns = list(kinds)
        report.output_features = list(self.feature_names_out_)
        self.report_ = report
        return self._impute_scale(raw, report)

    def fit(self, frame: pd.DataFrame) -> Preprocessor:
        """Fit on ``frame`` and return ``self``."""
        self.fit_transform(frame)
        return self

    def _fit_encodings(self, frame: pd.DataFrame, report: PreprocessingReport) -> None:
        self.categories_: dict[str, pd.Series] = {}
        self.date_parts_: dict[str, list[str]] = {}
        for name, kind in self.kinds_.items():
            if kind == "categorical":
                text = frame[name].astype("string").fillna("<missing>")
                self.categories_[name] = text.value_counts(normalize=True)
                report.encoded[name] = (
                    "rarity = -log(category share)" if self.categorical == "frequency"
                    else f"one-hot, top {self.max_categories}"
                )
            elif kind == "datetime":
                stamps = coerce_datetime(name, frame[name])
                parts = [p for p in _DATE_PARTS if getattr(stamps.dt, p).nunique() > 1]
                self.date_parts_[name] = parts or ["day_of_year"]
                report.expanded[name] = [f"{name}.{p}" for p in self.date_parts_[name]]
        names: list[str] = []
        for name, kind in self.kinds_.items():
            if kind == "datetime":
                names += [f"{name}.{p}" for p in self.date_parts_[name]]
            elif kind == "categorical" and self.categorical == "onehot":
                top = self.categories_[name].index[: self.max_categories]
                names += [f"{name}={v}" for v in top] + [f"{name}=<other>"]
            else:
                names.append(name)
        self.feature_names_out_ = names

    # -- shared by fit and transform ------------------------------------------------------------
    def _raw_matrix(self, frame: pd.DataFrame, report: PreprocessingReport | None,
                    *, fitting: bool) -> np.ndarray:
        columns = list(self.kinds_)
        if all(self.kinds_[c] == "numeric" for c in columns) and all(
            frame[c].dtype.kind in "fiu" for c in columns
        ):  # fast path: an all-numeric frame as one float64 matrix (a view where possible;
            # it is only read)
            return frame[columns].to_numpy(dtype=np.float64)
        out = np.empty((len(frame), len(self.feature_names_out_)), order="F")
        start = 0
        for block in self._blocks(frame, report, fitting=fitting):
            out[:, start:start + block.shape[1]] = block
            start += block.shape[1]
        return out

    def _blocks(self, frame: pd.DataFrame, report: PreprocessingReport | None,
                *, fitting: bool) -> list[np.ndarray]:
        blocks: list[np.ndarray] = []
        for name, kind in self.kinds_.items():
            values = frame[name]
            if kind in ("numeric", "boolean"):
                if fitting and report is not None and not (
                    pd.api.types.is_numeric_dtype(values.dtype)
                    or pd.api.types.is_bool_dtype(values.dtype)
                ):
                    report.converted[name] = "numbers stored as text or objects"
                blocks.append(coerce_numeric(name, values)[:, None])
            elif kind == "datetime":
                stamps = coerce_datetime(name, values)
                blocks.append(np.column_stack([
                    getattr(stamps.dt, p).to_numpy(dtype=np.float64, na_value=np.nan)
                    for p in self.date_parts_[name]
                ]))
            else:
                blocks.append(self._encode(name, values))
        return blocks

    def _encode(self, name: str, values: pd.Series) -> np.ndarray:
        shares = self.categories_[name]
        text = values.astype("string").fillna("<missing>")
        if self.categorical == "onehot":
            top = list(shares.index[: self.max_categories])
            codes = pd.Index(top).get_indexer(text)  # -1 for categories outside the top
            out = np.zeros((len(text), len(top) + 1))
            out[np.arange(len(text)), np.where(codes < 0, len(top), codes)] = 1.0
            return out
        n = float(self.schema_.n_rows)
        share = text.map(shares).to_numpy(dtype=np.float64, na_value=np.nan)
        share = np.where(np.isnan(share), 1.0 / (n + 1.0), share)  # unseen = rarest
        return -np.log(share)[:, None]

    def _fit_impute_scale(self, raw: np.ndarray) -> None:
        # statistics from at most _STATS_ROWS rows (seeded sample): exact enough, and it keeps
        # percentile computations from dominating the run time on millions of rows
        if raw.shape[0] > _STATS_ROWS:
            rows = np.random.default_rng(0).choice(raw.shape[0], _STATS_ROWS, replace=False)
            raw = raw[np.sort(rows)]
        finite = np.isfinite(raw)
        quartiles = quartiles_of(raw)  # of the finite values
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            if self.impute == "mean":
                fill = np.nanmean(np.where(finite, raw, np.nan), axis=0)
            elif self.impute == "zero":
                fill = np.zeros(raw.shape[1])
            else:
                fill = quartiles[1]
            self.fill_ = np.nan_to_num(fill)
            low, high = clip_bounds(raw, quartiles)
            values = raw if finite.all() else np.where(np.isnan(raw), self.fill_, raw)
            if ((values < low) | (values > high)).any():  # +-inf and values beyond the bounds
                values = np.clip(values, low, high)
            # the scaling statistics are those of the values it scales
            center, scale = self._scale_stats(values, quartiles if values is raw else None)
            fallback = ~(np.isfinite(center) & np.isfinite(scale) & (scale > 0))
            if fallback.any():  # a spread so large its statistics overflow: robust ones
                robust = quartiles_of(values)
                center = np.where(fallback, np.nan_to_num(robust[1]), center)
                scale = np.where(fallback, spread_of(values, robust), scale)
        self.center_, self.scale_ = center, scale
        self.clip_ = scaled_bounds(low, high, center, scale)

    def _scale_stats(self, filled: np.ndarray,
                     quartiles: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        n_features = filled.shape[1]
        if self.scaling is None:
            return np.zeros(n_features), np.ones(n_features)
        if self.scaling == "minmax":
            lo, hi = filled.min(axis=0), filled.max(axis=0)
            return lo, np.where(hi > lo, hi - lo, 1.0)
        std = filled.std(axis=0)
        if self.scaling == "standard":
            return filled.mean(axis=0), np.where(std > 0, std, 1.0)
        q1, med, q3 = quartiles_of(filled) if quartiles is None else quartiles
        iqr = (q3 - q1) / 1.349  # IQR of a standard normal, so scales match "standard"
        return med, np.where(iqr > 0, iqr, np.where(std > 0, std, 1.0))

    def _bounds(self) -> np.ndarray:
        """Lower and upper bound of each scaled feature (models saved before the bounds were
        kept: +-1e9 scaled units, or no bound without scaling).
        """
        bounds = self.__dict__.get("clip_")
        if bounds is None:
            limit = CLIP_SPREADS if self.scaling is not None else np.finfo(np.float64).max
            bounds = self.__dict__["clip_"] = np.vstack([
                np.full(len(self.center_), -limit), np.full(len(self.center_), limit)])
        return np.asarray(bounds)

    def _impute_scale(self, raw: np.ndarray, report: PreprocessingReport | None) -> np.ndarray:
        from jupyter_ad.data._numeric_kernel import impute_scale

        bounds = self._bounds()
        out, n_nan, n_inf, n_clipped = impute_scale(raw, self.fill_, self.center_, self.scale_,
                                                    bounds[0], bounds[1])
        if n_nan.any() and self.impute is None:
            row, col = np.argwhere(np.isnan(raw))[0]
            raise MissingValuesError(
                f"Feature {self.feature_names_out_[col]!r} has a missing value at row {row} "
                f"({int(n_nan[col])} in all). Pass preprocessing={{'impute': 'median'}} or drop "
                "those rows (df.dropna())."
            )
        if report is not None:
            for counts, into in ((n_nan, report.imputed), (n_inf, report.infinite),
                                 (n_clipped, report.clipped)):
                for j in np.flatnonzero(counts):
                    into[self.feature_names_out_[j]] = int(counts[j])
        return out

    # -- scoring time ---------------------------------------------------------------------------
    def transform(self, frame: pd.DataFrame, *, extra_columns: str = "error") -> np.ndarray:
        """Transform new rows with the statistics learned in :meth:`fit`.

        Columns are matched by name, in any order. Missing columns, unknown extra columns
        (``extra_columns="ignore"`` allows them) and columns whose type changed raise
        :class:`~jupyter_ad.errors.ColumnMismatchError` naming them.
        """
        if not hasattr(self, "schema_"):
            raise DataError("This preprocessor is not fitted yet.")
        frame = self.schema_.check(frame, extra_columns=extra_columns)
        raw = self._raw_matrix(frame, None, fitting=False)
        return self._impute_scale(raw, None)

    def transform_with_report(self, frame: pd.DataFrame,
                              *, extra_columns: str = "error") -> tuple[np.ndarray,
                                                                        PreprocessingReport]:
        """Like :meth:`transform`, also reporting imputation done on these rows."""
        report = PreprocessingReport(
            used_columns=list(self.columns_), output_features=list(self.feature_names_out_),
            dropped=dict(self.report_.dropped), encoded=dict(self.report_.encoded),
            expanded=dict(self.report_.expanded), scaling=self.scaling,
        )
        frame = self.schema_.check(frame, extra_columns=extra_columns)
        raw = self._raw_matrix(frame, report, fitting=False)
        return self._impute_scale(raw, report), report
