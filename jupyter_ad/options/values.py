r"""Coercing option values: one function per kind of value, for every front end.

Each function takes a value as Python code, a TOML file or a command line gives it (text is
always accepted: ``"5%"``, ``"iforest,ecod"``, ``'{"n_estimators": 300}'``, ``"a, b"``) and
returns the normalised value, or raises :class:`~jupyter_ad.errors.ParameterError` naming the
option, the allowed values and an example.

>>> contamination("5%"), contamination(0.02), contamination("MAD")
(0.05, 0.02, 'mad')
>>> columns("amount, 'unit price'", "features")
['amount', 'unit price']
>>> mapping("n_neighbors=10, method=largest", "params")
{'n_neighbors': 10, 'method': 'largest'}
"""

from __future__ import annotations

import ast
import json
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jupyter_ad.errors import ParameterError

__all__ = [
    "algorithm",
    "algorithms",
    "boolean",
    "columns",
    "contamination",
    "finite_number",
    "mapping",
    "mapping_of",
    "text",
    "whole_number",
]


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


def boolean(value: Any, name: str) -> bool:
    """``True``/``False``, or text ``true/yes/on/1`` / ``false/no/off/0``."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ParameterError(f"{name} must be true or false, got {value!r}.")


def text(value: Any, name: str) -> str:
    """A non-empty string (quotes around it are removed)."""
    if not isinstance(value, str) or not _unquote(value):
        raise ParameterError(f"{name} must be a non-empty string, got {value!r}.")
    return _unquote(value)


def whole_number(name: str, low: int, *, example: str = "") -> Callable[[Any], int]:
    """A coercer of whole numbers ``>= low`` (text ``"20"`` included)."""

    def coerce(value: Any) -> int:
        raw = _text(value)
        number: Any = value
        if raw is not None:
            try:
                number = int(raw.replace("_", ""))
            except ValueError:
                number = None
        if isinstance(number, bool) or not isinstance(number, numbers.Integral) or (
                int(number) < low):
            hint = f"; e.g. {example}" if example else ""
            raise ParameterError(f"{name} must be a whole number >= {low}, got {value!r}{hint}.")
        return int(number)

    return coerce


def finite_number(value: Any, name: str, example: str = "") -> float:
    """A finite number (text ``"0.8"`` included)."""
    raw = _text(value)
    number: Any = value
    if raw is not None:
        try:
            number = float(raw)
        except ValueError:
            number = None
    if isinstance(number, bool) or not isinstance(number, numbers.Real) or not math.isfinite(
            float(number)):
        hint = f"; e.g. {example}" if example else ""
        raise ParameterError(f"{name} must be a finite number, got {value!r}{hint}.")
    return float(number)


def positive_number(name: str, *, unit: str = "", example: str = "",
                    zero: bool = False) -> Callable[[Any], float]:
    """A coercer of finite numbers ``> 0`` (``>= 0`` with ``zero=True``), text included."""
    bound = ">= 0" if zero else "> 0"

    def coerce(value: Any) -> float:
        number = finite_number(value, name, example)
        if number < 0 or (number == 0 and not zero):
            hint = f"; e.g. {example}" if example else ""
            raise ParameterError(f"{name} must be {bound}{unit}, got {value!r}{hint}.")
        return number

    return coerce


def contamination(value: Any) -> float | str:
    """A share in (0, 0.5] (``0.05`` or ``"5%"``) or a threshold method name (``"auto"``,
    ``"tukey-iqr"``, ``"mad"``, ``"zscore"``, ``"otsu"``, ``"gesd"``).
    """
    from jupyter_ad.core.thresholds import THRESHOLD_METHODS

    methods = ["auto", *THRESHOLD_METHODS]
    raw = _text(value)
    number: Any = value
    if raw is not None:
        key = raw.lower().replace("_", "-")
        if key in methods:
            return key
        try:
            number = float(raw[:-1]) / 100.0 if raw.endswith("%") else float(raw)
        except ValueError:
            from jupyter_ad.options._spec import suggest

            raise ParameterError(
                f"contamination must be a number in (0, 0.5] (the expected share of "
                f"anomalies, e.g. 0.05 or 5%) or a threshold method ({', '.join(methods)}); "
                f"got {value!r}.{suggest(key, methods)}") from None
    if isinstance(number, bool) or not isinstance(number, numbers.Real) or not (
            0.0 < float(number) <= 0.5):
        raise ParameterError(
            f"contamination must be a number in (0, 0.5] (the expected share of anomalies, "
            f"e.g. 0.05 or 5%) or a threshold method ({', '.join(methods)}); got {value!r}.")
    return float(number)


def _names(value: Any, name: str) -> list[str]:
    if isinstance(value, str):
        parts = [p.strip().lower() for p in value.split(",")]
    elif isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        parts = [str(v).strip().lower() for v in value]
    else:
        raise ParameterError(f"{name} must be a detector name, names separated by commas or a "
                             f"list of names; got {value!r}. See jupyter_ad.list_detectors().")
    parts = [p for p in parts if p]
    if not parts:
        raise ParameterError(f"{name} is empty: give a detector name such as iforest or ecod.")
    if len(set(parts)) != len(parts):
        raise ParameterError(f"{name} lists a detector twice: {value!r}.")
    return parts


def _check_registered(names: list[str]) -> None:
    from jupyter_ad.core.registry import get_detector_info

    for n in names:
        get_detector_info(n)  # UnknownAlgorithmError (a ParameterError) with a suggestion


def algorithm(value: Any) -> str | list[str]:
    """``"auto"``, a registered detector name, or several (``"iforest,ecod"`` or a list: an
    ensemble of their normalised scores).
    """
    names = _names(value, "algorithm")
    if names == ["auto"]:
        return "auto"
    if "auto" in names:
        raise ParameterError("algorithm 'auto' cannot be combined with other detectors: give "
                             "'auto' alone or a list of detector names.")
    _check_registered(names)
    return names[0] if len(names) == 1 else names


def algorithms(value: Any) -> str | list[str]:
    """Detectors to compare: ``"fast"``, ``"all"`` or names (``"iforest,ecod"`` or a list)."""
    names = _names(value, "algorithms")
    if names in (["fast"], ["all"]):
        return names[0]
    if "auto" in names:
        raise ParameterError("algorithms names detectors to compare (or fast, all), not auto; "
                             "e.g. iforest,ecod,knn.")
    _check_registered(names)
    return names


def columns(value: Any, name: str) -> list[str]:
    """Column names: a list, or text ``a, b`` or a JSON list ``["a", "b"]``."""
    if isinstance(value, str):
        raw = value.strip()
        if raw.startswith("["):
            try:
                parsed = json.loads(raw)
            except json.JSONDecodeError:
                parsed = None
            if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
                raise ParameterError(f"{name} must be column names separated by commas (a, b) "
                                     f"or a JSON list of strings, got {value!r}.")
            names = [v.strip() for v in parsed]
        else:
            names = [_unquote(part) for part in raw.split(",")]
    elif isinstance(value, Sequence) and not isinstance(value, bytes):
        names = [str(v) if not isinstance(v, str) else v for v in value]
    else:
        raise ParameterError(f"{name} must be a list of column names, got {value!r}.")
    names = [n for n in names if n]
    if not names:
        raise ParameterError(f"{name} is empty: give column names, e.g. {name}=['amount'].")
    return names


def mapping(value: Any, name: str) -> dict[str, Any]:
    """A dict, or text: a JSON object or ``k=v, k=v`` (values read as JSON or Python)."""
    example = "e.g. '{\"n_estimators\": 300}' or n_estimators=300"
    if isinstance(value, Mapping):
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            raise ParameterError(f"{name} keys must be strings, got {bad[0]!r}.")
        return dict(value)
    if not isinstance(value, str):
        raise ParameterError(f"{name} must be a dict, got {value!r}; {example}.")
    raw = value.strip()
    if raw.startswith("{"):
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"{name} is not valid JSON ({exc.msg} at character {exc.pos});"
                                 f" {example}.") from None
        if not isinstance(parsed, dict):
            raise ParameterError(f"{name} must be a JSON object; {example}.")
        return parsed
    out: dict[str, Any] = {}
    for part in _split_top_level(raw):
        key, sep, item = part.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier() or not item.strip():
            raise ParameterError(f"{name}: {part.strip()!r} is not name=value; {example}.")
        out[key] = _literal(item.strip())
    if not out:
        raise ParameterError(f"{name} is empty; {example}.")
    return out


def mapping_of(name: str, allowed: Callable[[], Sequence[str]]) -> Callable[[Any], dict[str, Any]]:
    """A coercer of dicts whose keys must be among ``allowed()``."""

    def coerce(value: Any) -> dict[str, Any]:
        out = mapping(value, name)
        known = list(allowed())
        for key in out:
            if key not in known:
                from jupyter_ad.options._spec import suggest

                raise ParameterError(f"Unknown {name} option {key!r}.{suggest(key, known)} "
                                     f"Allowed: {', '.join(known)}.")
        return out

    return coerce


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
        return _unquote(text)


def _unquote(text: str) -> str:
    """``text`` stripped of spaces and of one pair of surrounding quotes."""
    text = str(text).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
