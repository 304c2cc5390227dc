"""Declarative parameter rules for detectors, with errors that list what is allowed."""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jupyter_ad.errors import ParameterError

__all__ = ["Choice", "Interval", "Rule", "check_param_names", "check_params"]


class Rule:
    """A constraint on one parameter value."""

    def accepts(self, value: Any) -> bool:  # pragma: no cover - abstract
        """True when ``value`` satisfies the rule."""
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        """The rule in words, for error messages ("an integer >= 1")."""
        raise NotImplementedError


@dataclass(frozen=True)
class Interval(Rule):
    """A number of the given kind (``int`` or ``float``) within ``[low, high]``.

    ``open_low``/``open_high`` make an end exclusive; ``None`` means unbounded.
    ``also`` lists extra literal values that are accepted (for example ``"auto"``).
    """

    kind: type
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    also: tuple[Any, ...] = ()
    allow_none: bool = False

    def accepts(self, value: Any) -> bool:
        """True when ``value`` is a number of the right kind in range, or an extra literal."""
        if value is None:
            return self.allow_none
        if isinstance(value, str) or value in self.also:
            return value in self.also
        if isinstance(value, bool):
            return False
        number_type = numbers.Integral if self.kind is int else numbers.Real
        if not isinstance(value, number_type):
            return False
        value = float(value)
        if self.low is not None and (value <= self.low if self.open_low else value < self.low):
            return False
        return not (
            self.high is not None and (value >= self.high if self.open_high else value > self.high)
        )

    def describe(self) -> str:
        """The interval in words."""
        name = "an integer" if self.kind is int else "a number"
        lo = "" if self.low is None else f"{'>' if self.open_low else '>='} {self.low:g}"
        hi = "" if self.high is None else f"{'<' if self.open_high else '<='} {self.high:g}"
        text = f"{name} {lo}{' and ' if lo and hi else ''}{hi}".strip()
        extras = [repr(v) for v in self.also] + (["None"] if self.allow_none else [])
        return text + (f" or {' or '.join(extras)}" if extras else "")


@dataclass(frozen=True)
class Choice(Rule):
    """One of a fixed set of values."""

    options: tuple[Any, ...]

    def accepts(self, value: Any) -> bool:
        """True when ``value`` is one of the options (same type and value)."""
        return any(value is o or (type(value) is type(o) and value == o) for o in self.options)

    def describe(self) -> str:
        """The options in words."""
        return "one of " + ", ".join(repr(o) for o in self.options)


def _suggest(name: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def check_param_names(owner: str, given: Mapping[str, Any], allowed: Mapping[str, Any]) -> None:
    """Refuse parameter names that ``owner`` does not take, listing the ones it does."""
    for name in given:
        if name not in allowed:
            listing = ", ".join(f"{k}={v!r}" for k, v in allowed.items()) or "(none)"
            raise ParameterError(
                f"{owner} has no parameter {name!r}.{_suggest(name, list(allowed))} "
                f"Allowed parameters (with defaults): {listing}."
            )


def check_params(owner: str, values: Mapping[str, Any], rules: Mapping[str, Rule]) -> None:
    """Check each value against its rule; the error names the parameter and the allowed range."""
    for name, rule in rules.items():
        if name in values and not rule.accepts(values[name]):
            raise ParameterError(
                f"{owner}: parameter {name!r} must be {rule.describe()}, got {values[name]!r}."
            )
