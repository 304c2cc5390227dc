"""The ``%%detect`` cell body: one ``key: value`` option per line (see :func:`parse_cell`).

The keys are the option names of :mod:`jupyter_ad.options` (the same as ``%detect``'s flags
and the configuration file's keys) plus ``data``, ``output`` and ``panel``; values are read as
the command line reads them.
"""

from __future__ import annotations

from typing import Any

from jupyter_ad.errors import ParameterError
from jupyter_ad.magics._errors import OptionError
from jupyter_ad.magics._parser import check_name, unquote
from jupyter_ad.options import OPTIONS, OptionSet
from jupyter_ad.options._spec import suggest

__all__ = ["FRONT_END_KEYS", "parse_cell"]

#: Keys of the body that are not library options.
FRONT_END_KEYS = ("data", "output")


def parse_cell(body: str, options: OptionSet) -> dict[str, Any]:
    """Option values from a ``%%detect`` cell body: one ``key: value`` per line.

    Keys are case-insensitive, ``-`` and ``_`` are the same; blank lines and ``#`` comments
    (whole lines, or after a space) are ignored; ``key = value`` works too. A body with no
    option at all is a mistake. Errors name the line of the cell (the ``%%detect`` line is
    line 1).

    >>> from jupyter_ad.options import OPTIONS
    >>> opts = parse_cell('''
    ... # weekly fraud check
    ... algorithm: ecod
    ... top-k: 5            # the five worst
    ... params: n_jobs=1
    ... ''', OPTIONS.select("algorithm", "top_k", "params"))
    >>> opts["algorithm"], opts["top_k"], opts["params"]
    ('ecod', 5, {'n_jobs': 1})
    """
    known = [*options, *FRONT_END_KEYS, "panel"]
    values: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for number, raw in enumerate(body.splitlines(), start=2):  # line 1: %%detect
        line = _strip_comment(raw).strip()
        if not line:
            continue
        key, value = _split_option(line, number, known)
        if key in seen:
            raise OptionError(f"line {number}: {key} is already set on line {seen[key]}; "
                              "keep one")
        seen[key] = number
        try:
            values[key] = _value(key, value, options)
        except (OptionError, ParameterError) as exc:
            raise OptionError(f"line {number}: {exc}") from None
    if not seen:
        raise OptionError("the cell body has no options; write one 'key: value' per line "
                          "(e.g. algorithm: ecod), or use the line magic %detect df")
    return values


def _split_option(line: str, number: int, known: list[str]) -> tuple[str, str]:
    colon, equals = line.find(":"), line.find("=")
    cut = colon if colon >= 0 and (equals < 0 or colon < equals) else equals
    if cut <= 0:
        raise OptionError(f"line {number}: {line!r} is not 'key: value' (e.g. algorithm: ecod)")
    key = line[:cut].strip().lower().replace("-", "_").replace(" ", "_")
    value = line[cut + 1:].strip()
    if key not in known:
        raise OptionError(f"line {number}: unknown option {key!r}.{suggest(key, known)} "
                          f"Options: {', '.join(known)}")
    if not value:
        example = OPTIONS[key].example if key in OPTIONS else "df"
        raise OptionError(f"line {number}: {key} has no value (e.g. {key}: {example})")
    return key, value


def _value(key: str, text: str, options: OptionSet) -> Any:
    if key == "output":
        return check_name(text, "output")
    if key == "data":
        return unquote(text)
    if key == "panel":
        return OPTIONS["panel"].coerce(text)
    return options[key].coerce(text)


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
