"""The parameter spaces :func:`jupyter_ad.tune` searches, per detector.

Default spaces (:data:`DEFAULT_SPACES`) cover iforest, knn, lof, hbos, ocsvm, pca, cblof, loda,
gmm, kde and inne; other detectors get one derived from their parameter rules (integers from a
fifth to five times the default, positive numbers from a tenth to ten times, bounded numbers
over their bounds, choices as they are). ``param_space`` overrides entries: a ``(low, high)``
range (``(low, high, "log")`` for a log scale; integers when both ends are), a list of choices,
or ``None`` to leave a parameter at its default. Neighbour counts, sample sizes and cluster
counts are capped at the rows of a training fold.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Any

from jupyter_ad.core.params import Choice, Interval, check_param_names
from jupyter_ad.core.registry import get_detector_info
from jupyter_ad.errors import ParameterError

__all__ = ["DEFAULT_SPACES", "Dim", "search_space"]

_ROW_CAPPED = ("n_neighbors", "max_samples", "n_clusters")
_NOT_SEARCHED = ("random_state", "n_jobs", "verbose", "max_reference")  # not model settings


@dataclass(frozen=True)
class Dim:
    """One searched parameter: ``kind`` "int", "float" or "categorical"."""

    kind: str
    low: float = 0.0
    high: float = 0.0
    log: bool = False
    choices: tuple[Any, ...] = ()

    def suggest(self, trial: Any, name: str) -> Any:
        """The value Optuna proposes for this trial."""
        if self.kind == "categorical":
            return trial.suggest_categorical(name, list(self.choices))
        if self.kind == "int":
            return trial.suggest_int(name, int(self.low), int(self.high), log=self.log)
        return trial.suggest_float(name, float(self.low), float(self.high), log=self.log)

    def contains(self, value: Any) -> bool:
        """True when ``value`` is a point of this dimension."""
        if self.kind == "categorical":
            return any(value is c or (type(value) is type(c) and value == c)
                       for c in self.choices)
        kind = int if self.kind == "int" else (int, float)
        return (isinstance(value, kind) and not isinstance(value, bool)
                and self.low <= value <= self.high)

    def describe(self) -> str:
        """The dimension in words."""
        if self.kind == "categorical":
            return "one of " + ", ".join(map(repr, self.choices))
        return f"{self.kind} {self.low:g}..{self.high:g}" + (" (log)" if self.log else "")


def _int(low: int, high: int, log: bool = False) -> Dim:
    return Dim("int", low, high, log)


def _float(low: float, high: float, log: bool = False) -> Dim:
    return Dim("float", low, high, log)


def _cat(*choices: Any) -> Dim:
    return Dim("categorical", choices=choices)


DEFAULT_SPACES: dict[str, dict[str, Dim]] = {
    "iforest": {"n_estimators": _int(50, 500), "max_samples": _int(32, 1024, log=True)},
    "knn": {"n_neighbors": _int(2, 100, log=True), "method": _cat("largest", "mean", "median")},
    "lof": {"n_neighbors": _int(2, 100, log=True)},
    "hbos": {"n_bins": _int(5, 100, log=True), "alpha": _float(0.01, 0.5, log=True),
             "tol": _float(0.1, 0.9)},
    "ocsvm": {"kernel": _cat("rbf", "linear", "sigmoid"), "nu": _float(0.01, 0.9, log=True),
              "gamma": _float(1e-4, 10.0, log=True)},
    "pca": {"n_components": _float(0.5, 0.99), "whiten": _cat(False, True)},
    "cblof": {"n_clusters": _int(2, 20), "alpha": _float(0.5, 0.95), "beta": _float(2.0, 10.0)},
    "loda": {"n_bins": _int(5, 100, log=True), "n_random_cuts": _int(20, 300, log=True)},
    "gmm": {"n_components": _int(1, 10), "covariance_type": _cat("full", "tied", "diag",
                                                                  "spherical")},
    "kde": {"bandwidth": _float(0.05, 5.0, log=True)},
    "inne": {"n_estimators": _int(50, 500), "max_samples": _int(2, 256, log=True)},
}


def _rules(name: str) -> dict[str, Any]:
    factory = get_detector_info(name).factory
    rules = getattr(factory, "_param_rules", None) if inspect.isclass(factory) else None
    return dict(rules) if isinstance(rules, dict) else {}


def _derived(rule: Any, default: Any) -> Dim | None:
    """A generic dimension from a parameter rule and its default (None: not searchable)."""
    if isinstance(rule, Choice):
        return _cat(*rule.options)
    if not isinstance(rule, Interval) or isinstance(default, bool):
        return None
    eps = 1e-6
    low = None if rule.low is None else rule.low + (eps if rule.open_low else 0)
    high = None if rule.high is None else rule.high - (eps if rule.open_high else 0)
    numeric = isinstance(default, int | float) and default > 0
    if rule.kind is int:
        lo = max(math.ceil(low) if low is not None else 1, int(default) // 5 if numeric else 1)
        hi = (math.floor(high) if high is not None
              else max(5 * int(default) if numeric else 100, lo + 10))
        return _int(lo, max(lo, hi))
    if low is not None and high is not None:
        return _float(low, high)
    if not numeric:
        return None
    lo, hi = max(default / 10, low or 0.0), min(default * 10, high or math.inf)
    return _float(lo, hi, log=lo > 0)


def _user_dim(owner: str, name: str, spec: Any, rule: Any) -> Dim:
    bad = ParameterError(f"{owner}: param_space[{name!r}] must be (low, high), (low, high, "
                         f"'log'), a non-empty list of choices or None; got {spec!r}.")
    if isinstance(spec, list):
        if not spec:
            raise bad
        for value in spec:
            if rule is not None and not rule.accepts(value):
                raise ParameterError(f"{owner}: param_space[{name!r}] offers {value!r}, but "
                                     f"{name} must be {rule.describe()}.")
        return _cat(*spec)
    if not isinstance(spec, tuple) or len(spec) not in (2, 3) or (
            len(spec) == 3 and spec[2] != "log"):
        raise bad
    low, high = spec[0], spec[1]
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in (low, high)) or (
            not low <= high):
        raise ParameterError(f"{owner}: param_space[{name!r}] needs numbers low <= high, got "
                             f"{spec!r}.")
    for value in (low, high):
        if rule is not None and not rule.accepts(value):
            raise ParameterError(f"{owner}: param_space[{name!r}] reaches {value!r}, but "
                                 f"{name} must be {rule.describe()}.")
    log = len(spec) == 3
    if log and low <= 0:
        raise ParameterError(f"{owner}: a log scale needs low > 0 in param_space[{name!r}].")
    whole = isinstance(low, int) and isinstance(high, int) and getattr(rule, "kind", int) is int
    return Dim("int" if whole else "float", low, high, log)


def search_space(algorithm: str, param_space: dict[str, Any] | None = None,
                 n_train: int | None = None) -> dict[str, Dim]:
    """The space :func:`tune` searches for ``algorithm`` (defaults, then ``param_space``)."""
    info = get_detector_info(algorithm)
    rules, owner = _rules(info.name), f"Detector {info.name!r}"
    if info.name in DEFAULT_SPACES:
        space = dict(DEFAULT_SPACES[info.name])
    else:
        derived = {n: _derived(rules.get(n), d) for n, d in info.defaults.items()
                   if n not in _NOT_SEARCHED}
        space = {n: dim for n, dim in derived.items() if dim is not None}
    if param_space is not None:
        if not isinstance(param_space, dict):
            raise ParameterError(f"param_space must be a dict name -> range, got "
                                 f"{param_space!r}.")
        check_param_names(owner, param_space, info.defaults)
        if "random_state" in param_space:
            raise ParameterError("random_state is not searched: set tune(random_state=...).")
        for name, spec in param_space.items():
            if spec is None:
                space.pop(name, None)
            else:
                space[name] = _user_dim(owner, name, spec, rules.get(name))
    for name, dim in list(space.items()):  # the user's own ranges are left as given
        if n_train and name in _ROW_CAPPED and dim.kind == "int" and name not in (
                param_space or {}):
            space[name] = Dim("int", dim.low, max(dim.low, min(dim.high, n_train - 1)), dim.log)
    if not space:
        raise ParameterError(f"Nothing to tune for {info.name!r}: it has no searchable "
                             "parameters. Give param_space={name: (low, high) or [choices]}.")
    return space
