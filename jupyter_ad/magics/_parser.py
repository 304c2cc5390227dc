"""Parsing what the user typed after a magic: the argument line and option values.

Everything here is pure: strings in, plain values or :class:`DetectOptions` out, and an
:class:`~jupyter_ad.magics._errors.OptionError` whose one-line message says the fix. The
``%%detect`` cell body is parsed by :mod:`jupyter_ad.magics._cell`.
"""

from __future__ import annotations

import ast
import difflib
import json
import keyword
import math
import shlex
from dataclasses import dataclass, fields
from typing import Any

from jupyter_ad.magics._config import check_contamination
from jupyter_ad.magics._errors import OptionError

__all__ = [
    "DetectOptions",
    "check_name",
    "parse_algorithm",
    "parse_argv",
    "parse_bool",
    "parse_columns",
    "parse_contamination",
    "parse_params",
    "parse_row",
    "parse_threshold",
    "parse_top_k",
    "split_line",
    "unquote",
]


@dataclass
class DetectOptions:
    """Options of one ``%detect`` / ``%%detect`` run; ``None`` means "not given"."""

    data: str | None = None
    algorithm: str | list[str] | None = None
    contamination: float | str | None = None
    threshold: float | None = None
    top_k: int | None = None
    features: list[str] | None = None
    exclude: list[str] | None = None
    params: dict[str, Any] | None = None
    labels: str | None = None
    output: str | None = None
    panel: bool | None = None

    def merge(self, other: DetectOptions) -> DetectOptions:
        """These options completed by ``other``; an option given in both is a mistake."""
        merged = DetectOptions()
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if mine is not None and theirs is not None and mine != theirs:
                raise OptionError(f"{f.name} is given both on the %%detect line and in the cell "
                                  f"body; keep one")
            setattr(merged, f.name, mine if mine is not None else theirs)
        return merged

    def check(self) -> None:
        """Raise :class:`OptionError` if more than one threshold option is given."""
        given = [name for name, value in (("contamination", self.contamination),
                                          ("threshold", self.threshold),
                                          ("top-k", self.top_k)) if value is not None]
        if len(given) > 1:
            raise OptionError(f"give only one of contamination, threshold and top-k (got "
                              f"{' and '.join(given)})")


# -- the argument line -------------------------------------------------------------------------
def split_line(line: str) -> list[str]:
    r"""Split a magic's argument line like a POSIX shell, keeping backslashes.

    Quotes group words and are removed; a word starting with ``#`` starts a comment.

    >>> split_line("'my data.csv' -a ecod --params '{\"n\": 3}'  # a comment")
    ['my data.csv', '-a', 'ecod', '--params', '{"n": 3}']
    """
    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.escape = ""
    try:
        return list(lexer)
    except ValueError as exc:
        raise OptionError(f"{exc} in {line.strip()!r}: close the quote") from None


def parse_argv(parser: Any, line: str, usage: str) -> Any:
    """Parse ``line`` with a magic's ``argparse`` parser (``func.parser``).

    Argparse mistakes become one :class:`OptionError` line ending with the usage.
    """
    from IPython.core.error import UsageError

    try:
        return parser.parse_args(split_line(line))
    except UsageError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid arguments"
        raise OptionError(f"{message}; usage: {usage}") from None


# -- values ------------------------------------------------------------------------------------
def check_name(name: str, what: str = "-o") -> str:
    """``name`` if it is a valid Python variable name, else :class:`OptionError`.

    >>> check_name("res")
    'res'
    """
    name = name.strip()
    if not name.isidentifier() or keyword.iskeyword(name):
        raise OptionError(f"{what} needs a Python variable name such as res, got {name!r}")
    return name


def parse_algorithm(text: str) -> str | list[str]:
    """A detector name, ``"auto"``, or a list of names from ``"a,b"`` (an ensemble).

    Names are checked against the registry; an unknown one suggests the closest.
    """
    names = [n.strip().lower() for n in str(text).split(",") if n.strip()]
    if not names:
        raise OptionError("algorithm is empty: give a detector name such as iforest or ecod, "
                          "or auto")
    if names == ["auto"]:
        return "auto"
    from jupyter_ad.core.registry import list_detectors

    known = list(list_detectors().index)
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise OptionError(f"unknown algorithm {name!r} ({hint}list them with "
                              "jupyter_ad.list_detectors(), or use auto)")
    if len(set(names)) != len(names):
        raise OptionError(f"algorithm lists a detector twice: {text!r}")
    return names[0] if len(names) == 1 else names


def parse_contamination(text: Any) -> float | str:
    """A float in (0, 0.5] (``"5%"`` is 0.05) or ``"auto"``.

    >>> parse_contamination("0.05"), parse_contamination("2%"), parse_contamination("auto")
    (0.05, 0.02, 'auto')
    """
    try:
        return check_contamination(text, OptionError)
    except OptionError as exc:
        raise OptionError(f"{exc}; e.g. -c 0.05") from None


def parse_threshold(text: str) -> float:
    """A finite score threshold."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise OptionError(f"threshold must be a finite number (a score), got {text!r}; "
                          "e.g. --threshold 0.8")
    return value


def parse_top_k(text: str) -> int:
    """A whole number of rows to flag, >= 0."""
    try:
        value = int(str(text).strip())
    except ValueError:
        value = -1
    if value < 0:
        raise OptionError(f"top-k must be a whole number of rows >= 0, got {text!r}; "
                          "e.g. --top-k 20")
    return value


def parse_columns(text: str, what: str) -> list[str]:
    """Column names from ``a, b`` or a JSON list ``["a", "b"]``.

    >>> parse_columns("amount, 'unit price'", "features")
    ['amount', 'unit price']
    """
    text = str(text).strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise OptionError(f"{what} must be column names separated by commas (a, b) or a "
                              f"JSON list of strings, got {text!r}")
        names = [v.strip() for v in value]
    else:
        names = [unquote(part) for part in text.split(",")]
    names = [n for n in names if n]
    if not names:
        raise OptionError(f"{what} is empty: give column names separated by commas, e.g. "
                          f"{what}: amount, count")
    return names


def parse_params(text: str) -> dict[str, Any]:
    """Detector parameters from a JSON object or ``k=v, k=v`` (values read as JSON/Python).

    >>> parse_params('{"n_estimators": 300}')
    {'n_estimators': 300}
    >>> parse_params("n_neighbors=10, method=largest, bootstrap=True")
    {'n_neighbors': 10, 'method': 'largest', 'bootstrap': True}
    """
    text = str(text).strip()
    example = "e.g. '{\"n_estimators\": 300}' or n_estimators=300"
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise OptionError(f"params is not valid JSON ({exc.msg} at character {exc.pos}); "
                              f"{example}") from None
        if not isinstance(value, dict):
            raise OptionError(f"params must be a JSON object; {example}")
        return value
    out: dict[str, Any] = {}
    for part in _split_top_level(text):
        key, sep, raw = part.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier() or not raw.strip():
            raise OptionError(f"params: {part.strip()!r} is not name=value; {example}")
        out[key] = _literal(raw.strip())
    if not out:
        raise OptionError(f"params is empty; {example}")
    return out


def parse_row(text: str) -> int | str:
    """A row as typed: an integer (a label or a position) or a string label."""
    text = unquote(text)
    try:
        return int(text)
    except ValueError:
        return text


def parse_bool(text: str, what: str) -> bool:
    """``true/yes/on/1`` or ``false/no/off/0``."""
    value = str(text).strip().lower()
    if value in ("true", "yes", "on", "1"):
        return True
    if value in ("false", "no", "off", "0"):
        return False
    raise OptionError(f"{what} must be true or false, got {text!r}")


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _literal(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def unquote(text: str) -> str:
    """``text`` stripped of spaces and of one pair of surrounding quotes."""
    text = str(text).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
