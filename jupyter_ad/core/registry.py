"""The detector registry: one place that knows every algorithm and its metadata.

Built-in detectors are registered in :mod:`jupyter_ad.core.detectors.builtin`; packages add
their own through the ``jupyter_ad.detectors`` entry-point group (each entry point loads a
:class:`DetectorInfo`, a :class:`~jupyter_ad.core.detectors.base.BaseDetector` subclass or a
function ``func(train, rows) -> scores``); users call :func:`register_detector`.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib.metadata import entry_points
from typing import Any

from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.detectors.custom import EstimatorDetector, FunctionDetector
from jupyter_ad.core.params import check_param_names
from jupyter_ad.errors import ParameterError, UnknownAlgorithmError

__all__ = [
    "ENTRY_POINT_GROUP",
    "DetectorInfo",
    "build_detector",
    "get_detector_info",
    "list_detectors",
    "register_detector",
    "unregister_detector",
]

ENTRY_POINT_GROUP = "jupyter_ad.detectors"
_BUILTIN_SOURCES = ("jupyter-ad", "pyod", "scikit-learn")


@dataclass(frozen=True)
class DetectorInfo:
    """Metadata of one registered detector.

    Attributes
    ----------
    name : str
        Registry name, used as ``algorithm=name``.
    factory : callable
        Builds an unfitted :class:`BaseDetector` from keyword parameters.
    family : str
        ``"isolation"``, ``"proximity"``, ``"probabilistic"``, ``"linear"``, ``"density"``,
        ``"ensemble"`` or ``"custom"``.
    time_complexity, memory_complexity : str
        Big-O of fitting in rows ``n`` and features ``d``.
    large_data : bool
        Comfortable at a million rows on a laptop.
    high_dimensional : bool
        Keeps working with hundreds of features.
    native_explanations : bool
        Gives per-feature contributions without LIME.
    description : str
        One line on how it works.
    source : str
        ``"jupyter-ad"``, ``"pyod"``, ``"scikit-learn"`` or ``"user"``.
    defaults : dict
        The factory's parameters and their defaults.
    """

    name: str
    factory: Callable[..., BaseDetector] = field(repr=False)
    family: str = "custom"
    time_complexity: str = "unknown"
    memory_complexity: str = "unknown"
    large_data: bool = False
    high_dimensional: bool = False
    native_explanations: bool = False
    description: str = ""
    source: str = "user"
    defaults: dict[str, Any] = field(default_factory=dict)

    def build(self, params: dict[str, Any] | None = None) -> BaseDetector:
        """An unfitted detector with ``params`` (names checked against :attr:`defaults`)."""
        params = dict(params or {})
        check_param_names(f"Detector {self.name!r}", params, self.defaults)
        return self.factory(**params)

    def to_dict(self) -> dict[str, Any]:
        """Metadata as a plain dict (without the factory)."""
        out = asdict(self)
        out.pop("factory")
        out["defaults"] = {k: repr(v) if callable(v) else v for k, v in self.defaults.items()}
        return out


_REGISTRY: dict[str, DetectorInfo] = {}
_loaded = False


def _defaults_of(factory: Callable[..., Any]) -> dict[str, Any]:
    sig = inspect.signature(factory)
    return {
        name: p.default
        for name, p in sig.parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def register_detector(
    name: str,
    detector: Any = None,
    *,
    family: str = "custom",
    time_complexity: str = "unknown",
    memory_complexity: str = "unknown",
    large_data: bool = False,
    high_dimensional: bool = False,
    native_explanations: bool = False,
    description: str = "",
    source: str = "user",
    higher_is_anomalous: bool = True,
    overwrite: bool = False,
) -> Any:
    """Register a detector under ``name`` so that ``algorithm=name`` works everywhere.

    ``detector`` may be a :class:`BaseDetector` subclass, a function
    ``func(train, rows) -> scores`` (higher = more anomalous), or an estimator class with
    ``fit`` and ``score_samples``/``decision_function`` (set ``higher_is_anomalous=False`` for
    scikit-learn-style scores). Without ``detector`` this is a decorator.

    Examples
    --------
    >>> import numpy as np, jupyter_ad as ad
    >>> @ad.register_detector("l2norm", description="distance from the training mean")
    ... def l2norm(train, rows):
    ...     return np.linalg.norm(rows - train.mean(axis=0), axis=1)
    >>> "l2norm" in ad.list_detectors().index
    True
    >>> ad.unregister_detector("l2norm")
    """
    if detector is None:
        def decorate(obj: Any) -> Any:
            register_detector(
                name, obj, family=family, time_complexity=time_complexity,
                memory_complexity=memory_complexity, large_data=large_data,
                high_dimensional=high_dimensional, native_explanations=native_explanations,
                description=description, source=source,
                higher_is_anomalous=higher_is_anomalous, overwrite=overwrite,
            )
            return obj

        return decorate
    if not isinstance(name, str) or not name.isidentifier() or name.lower() != name:
        raise ParameterError(
            f"Detector names are lower-case identifiers like 'my_detector', got {name!r}."
        )
    _ensure_loaded()
    if name in _REGISTRY and not overwrite:
        raise ParameterError(
            f"A detector named {name!r} is already registered; pass overwrite=True to replace it."
        )
    factory, defaults = _factory_for(name, detector, higher_is_anomalous)
    _REGISTRY[name] = DetectorInfo(
        name=name, factory=factory, family=family, time_complexity=time_complexity,
        memory_complexity=memory_complexity, large_data=large_data,
        high_dimensional=high_dimensional, native_explanations=native_explanations,
        description=description or _first_line(detector), source=source, defaults=defaults,
    )
    return detector


def _first_line(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _factory_for(
    name: str, detector: Any, higher_is_anomalous: bool
) -> tuple[Callable[..., BaseDetector], dict[str, Any]]:
    if isinstance(detector, DetectorInfo):
        return detector.factory, detector.defaults
    if inspect.isclass(detector) and issubclass(detector, BaseDetector):
        return detector, _defaults_of(detector)
    if inspect.isclass(detector) and hasattr(detector, "fit"):
        cls = detector

        def build_estimator(**params: Any) -> BaseDetector:
            return EstimatorDetector(cls(**params), higher_is_anomalous=higher_is_anomalous)

        return build_estimator, _defaults_of(cls)
    if callable(detector):
        func = detector

        def build_function() -> BaseDetector:
            return FunctionDetector(func)

        return build_function, {}
    raise ParameterError(
        f"Cannot register {detector!r} as detector {name!r}: give a BaseDetector subclass, an "
        "estimator class with fit and score_samples, or a function func(train, rows) -> scores."
    )


def unregister_detector(name: str) -> None:
    """Remove a detector registered by the user or a package (built-ins stay)."""
    _ensure_loaded()
    info = _REGISTRY.get(name)
    if info is not None and info.source in _BUILTIN_SOURCES:
        raise ParameterError(f"{name!r} is a built-in detector and cannot be unregistered.")
    _REGISTRY.pop(name, None)


def _ensure_loaded() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from jupyter_ad.core.detectors import builtin

    builtin.register_builtins()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _REGISTRY:
            register_detector(ep.name, ep.load(), source=f"entry point {ep.value}")


def get_detector_info(name: str) -> DetectorInfo:
    """Metadata of detector ``name``; an unknown name lists the registered ones."""
    _ensure_loaded()
    if not isinstance(name, str):
        raise ParameterError(f"algorithm must be a name (str), got {type(name).__name__}.")
    key = name.strip().lower()
    if key not in _REGISTRY:
        close = difflib.get_close_matches(key, list(_REGISTRY), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UnknownAlgorithmError(
            f"Unknown algorithm {name!r}.{hint} Available: {', '.join(sorted(_REGISTRY))}, "
            "or 'auto'. See jupyter_ad.list_detectors()."
        )
    return _REGISTRY[key]


def build_detector(name: str, params: dict[str, Any] | None = None) -> BaseDetector:
    """An unfitted detector ``name`` with ``params``."""
    if params is not None and not isinstance(params, dict):
        raise ParameterError(f"params must be a dict of parameter values, got {params!r}.")
    return get_detector_info(name).build(params)


def list_detectors() -> Any:
    """A DataFrame of every registered detector and its metadata, indexed by name."""
    import pandas as pd

    _ensure_loaded()
    rows = [info.to_dict() for info in _REGISTRY.values()]
    return pd.DataFrame(rows).set_index("name").sort_index()
