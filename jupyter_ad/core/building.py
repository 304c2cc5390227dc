"""Building the detector an :class:`~jupyter_ad.core.model.AnomalyModel` fits, from its options.

One place resolves ``algorithm`` (``"auto"`` included), seeds randomised detectors, and turns a
list of names into an :class:`~jupyter_ad.core.detectors.ensemble.EnsembleDetector` with its
``ensemble=`` options.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from jupyter_ad.core.auto import choose_algorithm
from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.detectors.ensemble import EnsembleDetector
from jupyter_ad.core.registry import build_detector
from jupyter_ad.errors import ParameterError

__all__ = ["build_for", "resolve_algorithm", "seeded", "timed"]


def seeded(detector: BaseDetector, random_state: int | None) -> BaseDetector:
    """``detector`` with ``random_state`` set, if it takes one and none was given.

    Every randomised detector built by jupyter-ad is seeded here, so a run is reproducible.
    """
    current = detector.get_params(deep=False)
    if "random_state" in current and current["random_state"] is None:
        detector.set_params(random_state=random_state)
    return detector


def resolve_algorithm(algorithm: str | list[str], params: dict[str, Any] | None, n_rows: int,
                      n_features: int) -> tuple[str | list[str], str]:
    """The detector name(s) to fit and, for ``"auto"``, the reason for the choice."""
    if algorithm != "auto":
        return algorithm, ""
    if params:
        raise ParameterError(
            "params need a named algorithm: 'auto' picks its detectors from the data. Name "
            "one, e.g. algorithm='iforest', params={'n_estimators': 300}, or a list with "
            "params per detector."
        )
    return choose_algorithm(n_rows, n_features)


def _ensemble_options(ensemble: dict[str, Any] | None, names: list[str]) -> dict[str, Any]:
    options = dict(ensemble or {})
    weights = options.get("weights")
    if isinstance(weights, dict):
        missing = [n for n in names if n not in weights]
        extra = [n for n in weights if n not in names]
        if missing or extra:
            raise ParameterError(f"ensemble weights given by name need exactly the detectors "
                                 f"{names}; got {list(weights)}.")
        options["weights"] = [weights[n] for n in names]
    return options


def build_for(resolved: str | list[str], *, params: dict[str, Any] | None,
              random_state: int | None, ensemble: dict[str, Any] | None,
              explicit: bool) -> BaseDetector:
    """An unfitted detector for ``resolved`` (one name, or a list: an ensemble).

    ``explicit`` says the user named the detectors (``ensemble=`` for a single named detector
    is then a mistake; for ``"auto"`` resolving to one detector it is ignored).
    """
    if isinstance(resolved, str):
        if ensemble and explicit:
            raise ParameterError("ensemble= applies to a list of algorithms, e.g. "
                                 "algorithm=['iforest', 'knn']; got the single detector "
                                 f"{resolved!r}.")
        return seeded(build_detector(resolved, params), random_state)
    per_member = params or {}
    unknown = [k for k in per_member if k not in resolved]
    if unknown:
        raise ParameterError(
            f"For an ensemble, params maps detector names to their parameters, e.g. "
            f"{{{resolved[0]!r}: {{...}}}}; {unknown[0]!r} is not one of {resolved}."
        )
    members = [seeded(build_detector(name, per_member.get(name)), random_state)
               for name in resolved]
    return EnsembleDetector(members, **_ensemble_options(ensemble, resolved))


def timed(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """``func(*args, **kwargs)`` and the seconds it took."""
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - start
