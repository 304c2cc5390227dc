"""Reading and checking request bodies: strict JSON, size and row limits, fields named.

Bodies are parsed with ``orjson``, which follows RFC 8259: ``NaN``/``Infinity`` literals,
numbers beyond the double range, invalid UTF-8 and nesting deeper than 1024 are refused. Every
refusal is an :class:`~jupyter_ad.server.errors.ApiError` (413 for size, 422 otherwise) that
names the field at fault, e.g. ``rows[2].amount``.
"""

from __future__ import annotations

from typing import Any

import orjson

from jupyter_ad.server.errors import ApiError

__all__ = ["SCALAR_TYPES", "check_columns", "check_rows", "parse_json", "payload_object"]

SCALAR_TYPES = (str, int, float, bool, type(None))
_SCALAR_TEXT = "a number, a string, true/false or null"


def parse_json(body: bytes) -> Any:
    """The JSON value of ``body``; 422 naming what is wrong."""
    if not body.strip():
        raise ApiError(422, "invalid_json", "The body is empty: send a JSON object, e.g. "
                       '{"rows": [{"amount": 12.5}]}.', field="body")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        hint = ""
        if b"NaN" in body or b"Infinity" in body:
            hint = " JSON has no NaN or Infinity: send null for a missing value."
        elif "UTF-8" in str(exc):
            hint = " Send the body as UTF-8 text."
        raise ApiError(422, "invalid_json", f"The body is not valid JSON: {exc}.{hint}",
                       field="body") from None


def payload_object(value: Any, allowed: tuple[str, ...], example: str) -> dict[str, Any]:
    """``value`` if it is a JSON object whose keys are among ``allowed``."""
    if not isinstance(value, dict):
        raise ApiError(422, "invalid_field", f"The body must be a JSON object, e.g. {example}; "
                       f"got {_kind(value)}.", field="body")
    for key in value:
        if key not in allowed:
            raise ApiError(422, "unknown_field", f"Unknown field {key!r}; the fields are "
                           f"{', '.join(allowed)}.", field=key)
    return value


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _check_scalar(value: Any, field: str) -> None:
    if not isinstance(value, SCALAR_TYPES):
        raise ApiError(422, "invalid_field", f"{field} must be {_SCALAR_TEXT}, got "
                       f"{_kind(value)}.", field=field)


def check_rows(rows: Any, max_rows: int, field: str = "rows") -> list[dict[str, Any]]:
    """``rows`` if it is a non-empty array of at most ``max_rows`` objects of scalars.

    Only the first rows' values are checked one by one; the columns of larger batches are
    checked by :func:`check_frame` once they are in a table.
    """
    if not isinstance(rows, list):
        raise ApiError(422, "invalid_field", f"{field} must be an array of objects "
                       f"({{column: value}}), got {_kind(rows)}.", field=field)
    if not rows:
        raise ApiError(422, "invalid_field", f"{field} is empty: send at least one row.",
                       field=field)
    if len(rows) > max_rows:
        raise ApiError(413, "too_many_rows", f"{field} has {len(rows):,} rows; at most "
                       f"{max_rows:,} are scored in one request (max_rows): split the batch.",
                       field=field)
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ApiError(422, "invalid_field", f"{field}[{i}] must be an object "
                           f"({{column: value}}), got {_kind(row)}.", field=f"{field}[{i}]")
    for i, row in enumerate(rows[:64]):
        for key, value in row.items():
            _check_scalar(value, f"{field}[{i}].{key}")
    return rows


def check_columns(columns: Any, max_rows: int) -> dict[str, list[Any]]:
    """``columns`` if it is an object of equally long, non-empty arrays."""
    if not isinstance(columns, dict) or not columns:
        raise ApiError(422, "invalid_field", "columns must be a non-empty object "
                       "{column: [values]}, got " + _kind(columns) + ".", field="columns")
    lengths = set()
    for key, values in columns.items():
        if not isinstance(values, list):
            raise ApiError(422, "invalid_field", f"columns.{key} must be an array of values, "
                           f"got {_kind(values)}.", field=f"columns.{key}")
        lengths.add(len(values))
    if len(lengths) != 1:
        raise ApiError(422, "invalid_field", "The arrays of columns have different lengths "
                       f"({', '.join(map(str, sorted(lengths)))}); give one value per row in "
                       "each.", field="columns")
    n = lengths.pop()
    if n == 0:
        raise ApiError(422, "invalid_field", "columns has no rows.", field="columns")
    if n > max_rows:
        raise ApiError(413, "too_many_rows", f"columns has {n:,} rows; at most {max_rows:,} "
                       "are scored in one request (max_rows): split the batch.",
                       field="columns")
    return columns


def check_frame(frame: Any, field: str) -> None:
    """Refuse cells of a table built from JSON that are arrays or objects (named)."""
    from pandas.api.types import infer_dtype

    for name in frame.columns:
        column = frame[name]
        if column.dtype != object:
            continue
        if infer_dtype(column, skipna=True) in ("string", "boolean", "floating", "integer",
                                                "mixed-integer-float", "empty"):
            continue
        for i, value in enumerate(column.tolist()):
            if not isinstance(value, SCALAR_TYPES):
                where = f"{field}[{i}].{name}" if field == "rows" else f"columns.{name}[{i}]"
                _check_scalar(value, where)
