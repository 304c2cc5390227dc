"""Helpers shared by the chart modules: validation, inline payloads, downsampling."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from jupyter_ad.errors import ParameterError

__all__ = [
    "ANOMALY_COLOR",
    "NORMAL_COLOR",
    "check_int",
    "downsample_index",
    "field",
    "heavy_tailed",
    "inline",
    "label",
    "plain_frame",
    "require_columns",
    "symlog_constant",
    "vl_type",
]

VLType = Literal["quantitative", "temporal", "nominal"]

_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ \-]*")
_UNSAFE = re.compile(r"[^A-Za-z0-9_ \-]")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85\x0b\x0c]+")

ANOMALY_COLOR = "#d62728"
NORMAL_COLOR = "#4c78a8"


def check_int(name: str, value: Any, minimum: int) -> int:
    """``value`` as an int, or :class:`ParameterError` if it is not a whole number >= minimum."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ParameterError(f"{name} must be a whole number >= {minimum}, got {value!r}.")
    return int(value)


def inline(frame: pd.DataFrame) -> alt.InlineData:
    """The rows of ``frame`` as inline Vega-Lite values (JSON-safe, no row-count limit).

    Passing :class:`altair.InlineData` instead of a DataFrame skips Altair's 5,000-row
    guard: every chart here bounds its payload itself. Each column is stored under
    :func:`field` of its name, so encode it with ``field=field(name)``.
    """
    renamed = frame.reset_index(drop=True)
    renamed.columns = [field(c) for c in renamed.columns]
    clean = alt.utils.sanitize_pandas_dataframe(renamed)
    return alt.InlineData(values=clean.to_dict(orient="records"))


def plain_frame(obj: Any, what: str) -> pd.DataFrame:
    """``obj`` as a DataFrame: a DataFrame itself, or the result of ``obj.to_frame()``."""
    if isinstance(obj, pd.DataFrame):
        return obj
    to_frame = getattr(obj, "to_frame", None)
    if callable(to_frame):
        frame = to_frame()
        if isinstance(frame, pd.DataFrame):
            return frame
    raise ParameterError(f"{what} must be a pandas DataFrame or have a .to_frame() method "
                         f"returning one; got {type(obj).__name__}.")


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise :class:`ParameterError` naming the missing columns of ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"{what} needs the column(s) {', '.join(missing)}; it has "
                             f"{', '.join(map(str, frame.columns)) or 'none'}.")


def downsample_index(n: int, max_points: int) -> np.ndarray:
    """At most ``max_points`` evenly spread positions in ``range(n)``, first and last kept."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(np.int64))


def field(name: Any) -> str:
    """The Vega-Lite field under which :func:`inline` stores the column ``name``.

    Vega-Lite reads a field string as an access path (``a.b``, ``a[0]``, quotes) and copies
    names into generated expressions, where a quote, a backslash, a newline or a line
    separator breaks the chart ("Access path missing closing quote", "Expression parse
    error"). Escaping does not survive every one of those steps, so a name with any character
    outside letters, digits, ``_``, ``-`` and spaces is stored under a safe key instead: the
    name with those characters replaced by ``_``, plus a short hash that keeps two such names
    apart. Plain names are kept as they are. Show the original name with ``title=``
    (through :func:`label`).

    >>> field("amount"), field("unit price")
    ('amount', 'unit price')
    >>> field("it's")
    'it_s__79bbc535'
    """
    text = str(name)
    if _PLAIN.fullmatch(text):
        return text
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{_UNSAFE.sub('_', text)[:40]}__{digest}"


def label(text: Any) -> str:
    r"""``text`` made safe for a chart title, axis title or tooltip title.

    Vega-Lite copies titles into the text of generated expressions (the ARIA description),
    where a newline or a Unicode line separator ends the string early.

    >>> label("line\nbreak")
    'line break'
    """
    return _BREAKS.sub(" ", str(text))


def heavy_tailed(values: Any) -> bool:
    """True when a few values lie far beyond the bulk: a linear axis would squash the rest.

    The tail beyond the 1st or 99th percentile is more than twice as long as the bulk
    between them (real scores and amounts; Gaussian data has about 0.5).

    >>> heavy_tailed(np.r_[np.random.default_rng(0).normal(size=1000), 40.0])
    True
    >>> heavy_tailed(np.random.default_rng(0).normal(size=1000))
    False
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    if x.size < 10:
        return False
    p1, p99 = np.quantile(x, [0.01, 0.99])
    bulk = float(p99 - p1)
    if bulk <= 0:
        return float(x.max() - x.min()) > 0
    return bool(max(float(x.max() - p99), float(p1 - x.min())) > 2 * bulk)


def symlog_constant(values: Any) -> float:
    """The ``constant`` of a symmetric-log scale: where it turns from linear to logarithmic.

    The interquartile range of the values (else their spread, else 1): the bulk stays about
    linear, the tail is compressed.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    if not x.size:
        return 1.0
    q1, q3 = np.quantile(x, [0.25, 0.75])
    spread = float(q3 - q1) or float(np.std(x)) or 1.0
    return float(f"{spread:.3g}")


def vl_type(series: pd.Series) -> VLType:
    """The Vega-Lite type of a column: quantitative, temporal or nominal."""
    if pd.api.types.is_bool_dtype(series):
        return "nominal"
    if pd.api.types.is_numeric_dtype(series):
        return "quantitative"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "temporal"
    return "nominal"
