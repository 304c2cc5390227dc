"""What is normal for each input column, and plain phrases comparing a row's value with it.

The statistics come from rows the model labels normal (:func:`stats_from_rows`), or, when no
such rows are at hand, from the training statistics the model keeps (:func:`stats_from_model`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from jupyter_ad.data.columns import coerce_datetime

if TYPE_CHECKING:
    from jupyter_ad.core.interfaces import FittedModel

__all__ = ["ColumnStats", "describe", "fmt_number", "stats_from_model", "stats_from_rows"]

_LOW, _HIGH = 5.0, 95.0
_Z_LOW_HIGH = 1.6449  # 5th/95th percentile of a standard normal (model-statistics fallback)
_RARE = 0.05
_TOGETHER = " but unusual together with the other values"
_PART_RANGE = {"month": (1, 12), "day": (1, 31), "day_of_week": (0, 6), "hour": (0, 23),
               "minute": (0, 59), "day_of_year": (1, 366)}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class ColumnStats:
    """What is normal for one input column.

    ``low``/``median``/``high`` are the 5th/50th/95th percentiles (numbers, or timestamps for
    datetime columns); ``shares`` the share of each category (text) among normal rows;
    ``parts`` maps a datetime part (``"hour"``...) to its (low, median, high).
    """

    kind: str
    n_rows: int
    source: str = "normal rows"
    low: Any = None
    median: Any = None
    high: Any = None
    shares: pd.Series | None = None
    parts: dict[str, tuple[float, float, float]] = field(default_factory=dict)


def _quantiles(values: np.ndarray) -> tuple[float, float, float]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return (math.nan, math.nan, math.nan)
    low, med, high = np.percentile(values, [_LOW, 50.0, _HIGH])
    return float(low), float(med), float(high)


def stats_from_rows(frame: pd.DataFrame, model: FittedModel) -> dict[str, ColumnStats]:
    """Normal ranges of the model's input columns, from the normal rows in ``frame``."""
    pre = model.preprocessor_
    out: dict[str, ColumnStats] = {}
    for name, kind in pre.kinds_.items():
        values = frame[name]
        stats = ColumnStats(kind=kind, n_rows=len(frame))
        if kind in ("categorical", "boolean"):
            stats.shares = values.astype("string").fillna("<missing>").value_counts(
                normalize=True)
        elif kind == "datetime":
            stamps = coerce_datetime(name, values).dropna()
            if len(stamps):
                q = stamps.quantile([_LOW / 100, 0.5, _HIGH / 100]).dt.round("s")
                stats.low, stats.median, stats.high = q.iloc[0], q.iloc[1], q.iloc[2]
            for part in pre.date_parts_[name]:
                stats.parts[part] = _quantiles(
                    getattr(stamps.dt, part).to_numpy(dtype=np.float64))
        else:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
            stats.low, stats.median, stats.high = _quantiles(numbers)
        out[str(name)] = stats
    return out


def stats_from_model(model: FittedModel) -> dict[str, ColumnStats]:
    """Approximate normal ranges from the training medians and spreads the model keeps.

    Used when no normal rows are available: percentiles assume a normal distribution around
    the training median; category shares are those of all training rows.
    """
    pre = model.preprocessor_
    n = int(model.metrics_.get("n_rows", 0))
    names = list(pre.feature_names_out_)

    def raw(j: int) -> tuple[float, float, float]:
        z = model.center_[j] + np.array([-_Z_LOW_HIGH, 0.0, _Z_LOW_HIGH]) * model.spread_[j]
        low, med, high = pre.center_[j] + pre.scale_[j] * z
        return float(low), float(med), float(high)

    out: dict[str, ColumnStats] = {}
    for name, kind in pre.kinds_.items():
        stats = ColumnStats(kind=kind, n_rows=n, source="training rows")
        if kind == "categorical":
            stats.shares = pre.categories_[name]
        elif kind == "datetime":
            for part in pre.date_parts_[name]:
                low, med, high = raw(names.index(f"{name}.{part}"))
                first, last = _PART_RANGE.get(part, (-math.inf, math.inf))
                stats.parts[part] = (max(math.floor(low), first), med, min(math.ceil(high), last))
        else:
            stats.low, stats.median, stats.high = raw(names.index(name))
            if kind == "boolean":
                stats.low, stats.high = (max(stats.low, 0.0), min(stats.high, 1.0))
        out[str(name)] = stats
    return out


# -- formatting -----------------------------------------------------------------------------------
def fmt_number(value: float) -> str:
    """A number for a sentence: ``5,000``, ``12.5``, ``0.0031``."""
    if not np.isfinite(value):
        return str(value)
    if float(value).is_integer() or abs(value) >= 1000:
        return f"{round(value):,}"
    return f"{value:.3g}"


def _fmt_range(low: float, high: float) -> str:
    a, b = fmt_number(low), fmt_number(high)
    if a == b:
        return a
    return f"{a} to {b}" if low < 0 or high < 0 else f"{a}-{b}"


def _fmt_share(share: float) -> str:
    if share >= 0.1:
        return f"{share:.0%}"
    if share >= 0.01:
        return f"{share:.1%}"
    return f"{share * 100:.2g}%"


def _fmt_part(part: str, value: float) -> str:
    if part == "day_of_week" and np.isfinite(value) and 0 <= round(value) <= 6:
        return _DAYS[round(value)]
    return fmt_number(value)


def _as_number(value: Any) -> float:
    if isinstance(value, bool | np.bool_ | int | float | np.integer | np.floating):
        return float(value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return float(number) if pd.notna(number) else math.nan


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# -- phrases ----------------------------------------------------------------------------------
def describe(name: str, stats: ColumnStats, value: Any, part: str | None = None, *,
             raises_score: bool = True) -> tuple[Any, Any, str, bool]:
    """``(normal_low, normal_high, phrase, usual)`` for one column of one row.

    ``part`` names the datetime part (``"hour"``...) that deviates most, for datetime columns.
    ``raises_score`` says the column adds to the score, so a usual value is "unusual
    together with the other values". ``usual`` is true when the value itself is normal.
    """
    if stats.kind in ("categorical", "boolean") and stats.shares is not None:
        low, high, phrase = _describe_category(name, stats, value)
    elif stats.kind == "datetime":
        low, high, phrase = _describe_datetime(name, stats, value, part)
    else:
        low, high, phrase = _describe_number(name, stats, value)
    usual = phrase.endswith(_TOGETHER)
    if usual and not raises_score:
        phrase = phrase[: -len(_TOGETHER)]
    return low, high, phrase, usual


def _describe_category(name: str, stats: ColumnStats, value: Any) -> tuple[Any, Any, str]:
    shares = stats.shares if stats.shares is not None else pd.Series(dtype=float)
    top = [str(c) for c in shares.index[:3]]
    text = "<missing>" if _is_missing(value) else str(value)
    share = float(shares.get(text, 0.0))
    shown = "missing" if text == "<missing>" else repr(value if isinstance(value, str) else text)
    if stats.kind == "boolean":
        shown = text
    if share == 0.0:
        phrase = f"{name} {shown} is rare (not seen among {stats.n_rows:,} {stats.source})"
    elif share < _RARE:
        phrase = f"{name} {shown} is rare ({_fmt_share(share)} of {stats.source})"
    else:
        phrase = f"{name} {shown} is common ({_fmt_share(share)} of {stats.source}){_TOGETHER}"
    return ", ".join(top), None, phrase


def _describe_number(name: str, stats: ColumnStats, value: Any) -> tuple[Any, Any, str]:
    low, med, high = stats.low, stats.median, stats.high
    if stats.kind == "boolean" and med is not None and np.isfinite(med):
        usual = str(bool(med >= 0.5))
        text = "missing" if _is_missing(value) else str(bool(_as_number(value)))
        if text == usual:
            return usual, None, f"{name} is {text}, its usual value,{_TOGETHER}"
        return usual, None, f"{name} is {text} (usually {usual})"
    if low is None or not np.isfinite(low):
        return low, high, f"{name} is {value}"
    typical = f"typically {_fmt_range(low, high)}"
    v = _as_number(value)
    if not np.isfinite(v):
        return low, high, f"{name} is missing ({typical})"
    shown = fmt_number(v)
    if v > high and low >= 0 and med > 0 and v / med >= 2:
        ratio = v / med
        times = f"{ratio:.1f}".rstrip("0").rstrip(".") if ratio < 10 else f"{ratio:,.0f}"
        phrase = f"{name} is {times}x its usual value ({shown} vs {typical})"
    elif v > high:
        phrase = f"{name} is above its normal range ({shown} vs {typical})"
    elif v < low:
        phrase = f"{name} is below its normal range ({shown} vs {typical})"
    else:
        phrase = f"{name} is {shown}, inside its normal range ({_fmt_range(low, high)}){_TOGETHER}"
    return low, high, phrase


def _describe_datetime(name: str, stats: ColumnStats, value: Any,
                       part: str | None) -> tuple[Any, Any, str]:
    if _is_missing(value):
        return stats.low, stats.high, f"{name} is missing"
    if part is None or part not in stats.parts:
        return stats.low, stats.high, f"{name} is {value}"
    stamp = coerce_datetime(name, pd.Series([value])).iloc[0]
    v = float(getattr(stamp, part))
    low, _, high = stats.parts[part]
    label = part.replace("_", " ")
    typical = f"typically {_fmt_part(part, low)}-{_fmt_part(part, high)}"
    if low == high:
        typical = f"typically {_fmt_part(part, low)}"
    shown = _fmt_part(part, v)
    if part == "hour" and v < low:
        phrase = f"{name} is unusually early in the day (hour {shown} vs {typical})"
    elif part == "hour" and v > high:
        phrase = f"{name} is unusually late in the day (hour {shown} vs {typical})"
    elif v < low or v > high:
        phrase = f"{name} has an unusual {label} ({shown} vs {typical})"
    else:
        phrase = f"{name} has {label} {shown}, inside its normal range{_TOGETHER}"
    return stats.low, stats.high, phrase
