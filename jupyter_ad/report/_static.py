"""The one static-HTML renderer: number formats, escaped tables and chart images.

Used by the HTML reports (:mod:`jupyter_ad.report`) and by the panels' snapshots
(:mod:`jupyter_ad.widgets`), so a value looks the same in the live panel, its snapshot, the
report and the tables: **as the data holds it**. A column's format is chosen once from the
whole column (:func:`column_format`): the number of decimals its values actually have (cents
stay cents: ``11127.91`` shows as ``11,127.91``, never ``11130`` or ``1.113e+04``), thousands
grouped in every number column except identifiers and years, integers without decimals,
booleans as ``True``/``False``. The panels' JavaScript formats with the same specification
(``js/format.js``; both are checked against ``js/tests/format_cases.json``).

A format is a small JSON-able dict:

- ``{"kind": "number", "decimals": d, "group": g}``: fixed ``d`` decimals, thousands grouped
  with ``,`` when ``g``;
- ``{"kind": "number", "digits": s, "group": g}``: ``s`` significant digits, trailing zeros
  dropped, exponent notation outside ``1e-6 <= |x| < 1e15`` (floats with no short decimal
  form);
- ``{"kind": "bool"}``, ``{"kind": "text"}`` (anything else, shown as ``str(value)``).

This module imports no Jupyter library; Altair and vl-convert are imported only to draw a chart.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import math
import numbers
import zlib
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MAX_DECIMALS",
    "chart_image",
    "chart_png",
    "column_format",
    "column_formats",
    "esc",
    "explanation_frame",
    "format_value",
    "html_table",
    "leaderboard_formats",
    "png_image",
    "result_formats",
    "score_format",
]

MAX_DECIMALS = 6
SIGNIFICANT = 6
_SAMPLE = 20_000
_TEXT: dict[str, Any] = {"kind": "text"}


def esc(value: Any) -> str:
    """``value`` as escaped HTML text (quotes included)."""
    return html.escape(str(value), quote=True)


# -- formats -------------------------------------------------------------------------------------
def column_format(values: Any) -> dict[str, Any]:
    """The display format of a column, chosen from all its values.

    >>> column_format(pd.Series([11127.91, 2.5, 40.0]))
    {'kind': 'number', 'decimals': 2, 'group': True}
    >>> column_format(pd.Series(range(4_000_001, 4_000_101)))  # unique: an identifier
    {'kind': 'number', 'decimals': 0, 'group': False}
    >>> column_format(pd.Series([0.1 + 0.2, 1 / 3]))
    {'kind': 'number', 'digits': 6, 'group': True}
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_bool_dtype(series):
        return {"kind": "bool"}
    if not pd.api.types.is_numeric_dtype(series):
        return dict(_TEXT)
    numbers_ = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    finite = numbers_[np.isfinite(numbers_)]
    if finite.size > _SAMPLE:
        finite = finite[np.linspace(0, finite.size - 1, _SAMPLE).astype(np.int64)]
    integer = pd.api.types.is_integer_dtype(series)
    group = not _identifier_like(finite, integer)
    if integer:
        return {"kind": "number", "decimals": 0, "group": group}
    decimals = _decimals(finite)
    if decimals is None:
        return {"kind": "number", "digits": SIGNIFICANT, "group": group}
    return {"kind": "number", "decimals": decimals, "group": group}


def column_formats(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """:func:`column_format` of every column of ``frame``, keyed by ``str(column)``."""
    return {str(c): column_format(frame.iloc[:, j]) for j, c in enumerate(frame.columns)}


def score_format(scores: Any) -> dict[str, Any]:
    """The format of anomaly scores: about four significant digits for typical scores.

    Scores are computed, not data, so their decimals follow their scale: scores around
    50 get 2 decimals, around 0.5 get 4.

    >>> score_format([0.2, 0.5, 79.17])
    {'kind': 'number', 'decimals': 2, 'group': True}
    """
    values = np.abs(np.asarray(scores, dtype=np.float64).ravel())
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return {"kind": "number", "decimals": 2, "group": True}
    scale = float(np.quantile(values, 0.9))
    decimals = int(np.clip(3 - math.floor(math.log10(scale)), 0, MAX_DECIMALS))
    return {"kind": "number", "decimals": decimals, "group": True}


def result_formats(result: Any) -> dict[str, dict[str, Any]]:
    """Formats of a detection result's columns: its data's, plus the output columns'.

    ``score`` (and ``score_ad`` when the data has a ``score`` column) in
    :func:`score_format`, ``confidence`` with 2 decimals, ``label`` and ``rank`` as integers.
    """
    formats = column_formats(result.data)
    output = {"score": score_format(result.scores),
              "confidence": {"kind": "number", "decimals": 2, "group": False},
              "label": {"kind": "number", "decimals": 0, "group": False},
              "rank": {"kind": "number", "decimals": 0, "group": True}}
    for name, spec in output.items():
        formats[f"{name}_ad" if name in formats else name] = spec
    return formats


def leaderboard_formats(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Formats of a comparison leaderboard: metrics to about four significant digits.

    Metrics are computed (ROC-AUC 0.9731, fit seconds 0.042); counts stay integers.
    """
    formats = column_formats(frame)
    for j, name in enumerate(frame.columns):
        column = frame.iloc[:, j]
        if pd.api.types.is_float_dtype(column):
            formats[str(name)] = score_format(column)
    return formats


def explanation_frame(frame: pd.DataFrame, formats: Mapping[str, Mapping[str, Any]],
                      score: Mapping[str, Any]) -> pd.DataFrame:
    """An explanation's table with its values as text in their features' formats.

    ``value``, ``normal_low`` and ``normal_high`` hold values of different columns, one per
    row: each is formatted as its own column (``feature``) is; ``contribution`` and
    ``intercept``-like numbers in the ``score`` format.
    """
    out = frame.copy()
    for col in ("value", "normal_low", "normal_high"):
        if col in out.columns:
            out[col] = [_joined(v, formats.get(str(f))) for f, v in
                        zip(out["feature"], out[col], strict=True)]
    if "contribution" in out.columns:
        out["contribution"] = [format_value(v, score) for v in out["contribution"]]
    return out


def _joined(value: Any, spec: Mapping[str, Any] | None) -> str:
    if isinstance(value, list | tuple | set | np.ndarray):
        return ", ".join(format_value(v, spec) for v in value)
    return format_value(value, spec)


def _decimals(finite: np.ndarray) -> int | None:
    """Fewest decimals (<= MAX_DECIMALS) that every value has, or None."""
    if not finite.size:
        return 0
    if float(np.max(np.abs(finite))) >= 1e15:
        return None
    for d in range(MAX_DECIMALS + 1):
        scaled = finite * 10.0**d
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-7 * np.maximum(1.0, np.abs(scaled))):
            return d
    return None


def _identifier_like(finite: np.ndarray, integer: bool) -> bool:
    """Identifiers and years are shown without thousands separators."""
    if not finite.size or not np.all(finite == np.round(finite)):
        return False
    if np.all((finite >= 1000) & (finite <= 2999)) and integer:
        return True  # years
    return bool(integer and finite.size >= 20 and np.unique(finite).size == finite.size
                and float(np.min(finite)) >= 1000)


def format_value(value: Any, spec: Mapping[str, Any] | None = None) -> str:
    """``value`` as text, in the format ``spec`` (default: chosen from the value alone).

    >>> format_value(11127.91, {"kind": "number", "decimals": 2, "group": True})
    '11,127.91'
    >>> format_value(2645, {"kind": "number", "decimals": 0, "group": True})
    '2,645'
    >>> format_value(1.5e-9, {"kind": "number", "digits": 6, "group": True})
    '1.5e-9'
    >>> format_value(None), format_value(float("nan")), format_value(True)
    ('', '', 'True')
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, pd.Timestamp | _dt.datetime | np.datetime64):
        return _datetime_text(value)
    if not isinstance(value, numbers.Real):
        try:
            missing = bool(pd.isna(value))
        except (TypeError, ValueError):
            missing = False
        return "" if missing else str(value)
    number = float(value)
    if math.isnan(number):
        return ""
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    if spec is None or spec.get("kind") != "number":
        spec = ({"kind": "number", "decimals": 0, "group": False} if isinstance(value, int)
                else {"kind": "number", "digits": SIGNIFICANT, "group": False})
    group = bool(spec.get("group", True))
    if number == 0:
        return _fixed(0.0, int(spec["decimals"]), group, strip=False) if "decimals" in spec else "0"
    if "decimals" in spec:
        return _fixed(number, int(spec["decimals"]), group, strip=False)
    return _significant(number, int(spec.get("digits", SIGNIFICANT)), group)


def _fixed(number: float, decimals: int, group: bool, *, strip: bool) -> str:
    """Round half away from zero, as JavaScript's ``Intl.NumberFormat`` does.

    Both round the shortest decimal that identifies the float (``repr``: 999999.995 stays
    999999.995, not the binary 999999.99499...), so Python and the panels agree.
    """
    exact = Decimal(repr(abs(number))).quantize(Decimal(1).scaleb(-decimals),
                                                rounding=ROUND_HALF_UP)
    text = f"{exact:,.{decimals}f}" if group else f"{exact:.{decimals}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"-{text}" if number < 0 and any(c in "123456789" for c in text) else text


def _significant(number: float, digits: int, group: bool) -> str:
    shortest = Decimal(repr(abs(number)))
    rounded = shortest.quantize(Decimal(1).scaleb(shortest.adjusted() - digits + 1),
                                rounding=ROUND_HALF_UP)
    exponent = rounded.adjusted()
    if -6 <= exponent < 15:
        return _fixed(number, max(0, digits - 1 - exponent), group, strip=True)
    mantissa = f"{rounded.scaleb(-exponent):f}"
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{'-' if number < 0 else ''}{mantissa}e{exponent}"


def _datetime_text(value: Any) -> str:
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return ""
    text = stamp.isoformat(sep=" ")
    return text[:-9] if text.endswith(" 00:00:00") else text


# -- tables --------------------------------------------------------------------------------------
_CELL = "padding:3px 8px;border-bottom:1px solid var(--jp-border-color2,#d1d9e0)"


def html_table(frame: pd.DataFrame, *, formats: Mapping[str, Mapping[str, Any]] | None = None,
               index: str | None = None, highlight: Sequence[bool] | None = None,
               cell_text: Callable[[str, Any], str] | None = None,
               inline_styles: bool = False) -> str:
    """``frame`` as an escaped HTML table, every value in its column's format.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show.
    formats : mapping, optional
        ``str(column) -> format``; a column without one gets :func:`column_format` of the
        values shown. Pass the formats of the whole data so the few rows shown look like it.
    index : str, optional
        Show the row labels first, under this heading.
    highlight : sequence of bool, optional
        Rows to mark with the ``anomaly`` class (and a red left border).
    cell_text : callable, optional
        ``(column, value) -> text`` overriding the formatting of some cells (return ``""``
        to fall back).
    inline_styles : bool, default False
        Style with ``style=`` attributes (for notebook outputs, whose HTML may be sanitized
        of ``<style>`` elements) instead of the report's stylesheet classes.
    """
    formats = dict(formats or {})
    columns = [str(c) for c in frame.columns]
    for j, name in enumerate(columns):
        if name not in formats:
            formats[name] = column_format(frame.iloc[:, j])
    numeric = [formats[c].get("kind") == "number" for c in columns]
    th = f" style='{_CELL};text-align:left;font-weight:600'" if inline_styles else ""
    head = ([f"<th{th}>{esc(index)}</th>"] if index is not None else []) + [
        f"<th{th}>{esc(c)}</th>" for c in columns]
    marks = list(highlight) if highlight is not None else [False] * len(frame)
    rows = []
    for (label, values), marked in zip(frame.iterrows(), marks, strict=True):
        cells = [_td(format_value(label), False, inline_styles)] if index is not None else []
        for j, value in enumerate(values.tolist()):
            text = cell_text(columns[j], value) if cell_text is not None else ""
            cells.append(_td(text or format_value(value, formats[columns[j]]), numeric[j],
                             inline_styles))
        if marked:
            style = (" style='background:rgba(214,39,40,0.08);"
                     "box-shadow:inset 3px 0 0 #d62728'" if inline_styles else "")
            rows.append(f"<tr class='anomaly'{style}>{''.join(cells)}</tr>")
        else:
            rows.append(f"<tr>{''.join(cells)}</tr>")
    table_style = (" style='border-collapse:collapse;font-size:12px;margin:4px 0'"
                   if inline_styles else "")
    return (f"<div class='table-wrap'><table{table_style}><thead><tr>{''.join(head)}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table></div>")


def _td(text: str, numeric: bool, inline_styles: bool) -> str:
    if inline_styles:
        align = "right;font-variant-numeric:tabular-nums" if numeric else "left"
        return f"<td style='{_CELL};text-align:{align};white-space:nowrap'>{esc(text)}</td>"
    return f"<td class='num'>{esc(text)}</td>" if numeric else f"<td>{esc(text)}</td>"


# -- charts as images ----------------------------------------------------------------------------
def chart_png(chart: Any, *, scale: float = 2.0) -> bytes:
    """The chart (an Altair chart or a Vega-Lite dict) drawn as a PNG by vl-convert.

    No browser and no network. The image data is recompressed at zlib's highest level
    (vl-convert favours speed): a histogram goes from about 100 kB to 15 kB.
    """
    import vl_convert as vlc
    from altair.utils._importers import vl_version_for_vl_convert

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    png = bytes(vlc.vegalite_to_png(spec, scale=scale, vl_version=vl_version_for_vl_convert()))
    return _recompress(png)


def chart_image(chart: Any, *, alt_text: str, scale: float = 2.0, css_class: str = "chart-image"
                ) -> str:
    """An ``<img>`` holding the chart as a PNG ``data:`` URI, shown at its natural size.

    An image rather than inline SVG: notebook HTML sanitizers (JupyterLab's, code hosts')
    remove ``<svg>`` but keep images, and a PNG of a 5,000-point scatter is far smaller than
    its SVG. If the chart cannot be drawn, a short note says why instead.
    """
    try:
        png = chart_png(chart, scale=scale)
    except Exception as exc:  # a snapshot or report must never fail on one chart
        return f"<p><em>(chart not drawn: {esc(exc)})</em></p>"
    return png_image(png, alt_text=alt_text, scale=scale, css_class=css_class)


def png_image(png: bytes, *, alt_text: str, scale: float = 1.0,
              css_class: str = "chart-image") -> str:
    """An ``<img>`` of PNG bytes (a ``data:`` URI), at its width divided by ``scale``."""
    width = _png_width(png)
    size = f" width='{round(width / scale)}'" if width else ""
    data = base64.b64encode(png).decode("ascii")
    return (f"<img class='{esc(css_class)}' alt='{esc(alt_text)}'{size} "
            f"style='max-width:100%;height:auto' src='data:image/png;base64,{data}'/>")


def _recompress(png: bytes) -> bytes:
    """The same PNG with its image data deflated at level 9 (one IDAT chunk)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return png
    chunks: list[tuple[bytes, bytes]] = []
    idat: list[bytes] = []
    pos = 8
    while pos + 8 <= len(png):
        size = int.from_bytes(png[pos:pos + 4], "big")
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + size]
        pos += 12 + size
        if kind == b"IDAT":
            if not idat:
                chunks.append((b"IDAT", b""))
            idat.append(data)
        else:
            chunks.append((kind, data))
    try:
        packed = zlib.compress(zlib.decompress(b"".join(idat)), 9)
    except zlib.error:
        return png
    out = [png[:8]]
    for kind, data in chunks:
        body = packed if kind == b"IDAT" else data
        out.append(len(body).to_bytes(4, "big") + kind + body
                   + zlib.crc32(kind + body).to_bytes(4, "big"))
    return b"".join(out)


def _png_width(png: bytes) -> int:
    """The pixel width from a PNG header (0 if it is not a PNG)."""
    if len(png) >= 24 and png[:8] == b"\x89PNG\r\n\x1a\n":
        return int.from_bytes(png[16:20], "big")
    return 0
