"""The ``%%detect`` cell body: one ``key: value`` option per line (see :func:`parse_cell`)."""

from __future__ import annotations

import difflib
from typing import Any

from jupyter_ad.magics._errors import OptionError
from jupyter_ad.magics._parser import (
    DetectOptions,
    check_name,
    parse_algorithm,
    parse_bool,
    parse_columns,
    parse_contamination,
    parse_params,
    parse_threshold,
    parse_top_k,
    unquote,
)

__all__ = ["CELL_KEYS", "parse_cell"]

#: Keys of the ``%%detect`` body and the :class:`DetectOptions` field each one sets.
CELL_KEYS = {
    "algorithm": "algorithm",
    "contamination": "contamination",
    "threshold": "threshold",
    "top_k": "top_k",
    "features": "features",
    "exclude": "exclude",
    "params": "params",
    "labels": "labels",
    "data": "data",
    "output": "output",
    "panel": "panel",
}


# -- the body -------------------------------------------------------------------------
def parse_cell(body: str) -> DetectOptions:
    """Options from a ``%%detect`` cell body: one ``key: value`` per line.

    Keys: ``algorithm``, ``contamination``, ``threshold``, ``top_k`` (or ``top-k``),
    ``features``, ``exclude``, ``params`` (JSON or ``k=v, k=v``), ``labels``, ``data``
    (variable name or path), ``output`` and ``panel`` (true/false). Keys are case-insensitive;
    blank lines and ``#`` comments (whole lines, or after a space) are ignored; ``key = value``
    works too. A body with no option at all is a mistake. Errors name the line of the cell
    (the ``%%detect`` line is line 1).

    >>> opts = parse_cell('''
    ... # weekly fraud check
    ... algorithm: ecod
    ... top-k: 5            # the five worst
    ... params: n_jobs=1
    ... ''')
    >>> opts.algorithm, opts.top_k, opts.params
    ('ecod', 5, {'n_jobs': 1})
    """
    opts = DetectOptions()
    seen: dict[str, int] = {}
    for number, raw in enumerate(body.splitlines(), start=2):  # line 1: %%detect
        line = _strip_comment(raw).strip()
        if not line:
            continue
        key, value = _split_option(line, number)
        if key in seen:
            raise OptionError(f"line {number}: {key} is already set on line {seen[key]}; "
                              "keep one")
        seen[key] = number
        try:
            _set_option(opts, key, value)
        except OptionError as exc:
            raise OptionError(f"line {number}: {exc}") from None
    if not seen:
        raise OptionError("the cell body has no options; write one 'key: value' per line "
                          "(e.g. algorithm: ecod), or use the line magic %detect df")
    return opts


def _split_option(line: str, number: int) -> tuple[str, str]:
    colon, equals = line.find(":"), line.find("=")
    cut = colon if colon >= 0 and (equals < 0 or colon < equals) else equals
    if cut <= 0:
        raise OptionError(f"line {number}: {line!r} is not 'key: value' (e.g. algorithm: ecod)")
    key = line[:cut].strip().lower().replace("-", "_").replace(" ", "_")
    value = line[cut + 1:].strip()
    if key not in CELL_KEYS:
        close = difflib.get_close_matches(key, list(CELL_KEYS), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise OptionError(f"line {number}: unknown option {key!r} ({hint}options: "
                          f"{', '.join(CELL_KEYS)})")
    if not value:
        raise OptionError(f"line {number}: {key} has no value (e.g. {key}: {_EXAMPLES[key]})")
    return key, value


_EXAMPLES = {"algorithm": "ecod", "contamination": "0.05", "threshold": "0.8", "top_k": "10",
             "features": "amount, count", "exclude": "id", "params": "n_estimators=300",
             "labels": "is_fraud", "data": "df", "output": "res", "panel": "false"}


def _set_option(opts: DetectOptions, key: str, value: str) -> None:
    field = CELL_KEYS[key]
    parsed: Any
    if key == "algorithm":
        parsed = parse_algorithm(value)
    elif key == "contamination":
        parsed = parse_contamination(value)
    elif key == "threshold":
        parsed = parse_threshold(value)
    elif key == "top_k":
        parsed = parse_top_k(value)
    elif key in ("features", "exclude"):
        parsed = parse_columns(value, key)
    elif key == "params":
        parsed = parse_params(value)
    elif key == "output":
        parsed = check_name(unquote(value), "output")
    elif key == "panel":
        parsed = parse_bool(value, "panel")
    else:  # data, labels
        parsed = unquote(value)
    setattr(opts, field, parsed)


def _strip_comment(line: str) -> str:
    """``line`` without a ``#`` comment that starts the line or follows a space (not quoted)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line
