"""jupyter-ad: anomaly detection where data scientists already work.

Score convention: **higher score = more anomalous; label 1 = anomaly**, for every detector.

Examples
--------
>>> import jupyter_ad as ad
>>> res = ad.detect(ad.datasets.load_transactions(n_rows=300), exclude=["is_anomaly"])
>>> res.summary().startswith("Found")
True

Importing this package is light: the public functions below are loaded on first use (so
``%load_ext jupyter_ad`` only registers the magics), and no Jupyter or plotting library is
loaded until a magic, widget or chart needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from jupyter_ad._version import __version__
from jupyter_ad.errors import *
from jupyter_ad.errors import __all__ as _errors_all

if TYPE_CHECKING:  # the same names, resolved for type checkers and documentation tools
    from jupyter_ad import datasets, mlflow, monitoring
    from jupyter_ad.core.api import detect, fit
    from jupyter_ad.core.model import AnomalyModel
    from jupyter_ad.core.registry import (
        DetectorInfo,
        list_detectors,
        register_detector,
        unregister_detector,
    )
    from jupyter_ad.core.result import DetectionResult
    from jupyter_ad.data.quality import DataQualityReport, check_data
    from jupyter_ad.errors import NotFittedError
    from jupyter_ad.evaluate.compare import ComparisonResult, compare
    from jupyter_ad.evaluate.learn import learn_from_labels
    from jupyter_ad.evaluate.tune import tune
    from jupyter_ad.evaluate.validate import validate
    from jupyter_ad.io.api import load, models
    from jupyter_ad.options.show import config
    from jupyter_ad.stream.api import Stream, stream
    from jupyter_ad.stream.drift.report import DriftReport, drift

# modules reached as attributes (``ad.mlflow.log_model``), imported on first access
_SUBMODULES = ("datasets", "mlflow", "monitoring")

# public name -> module that defines it (imported on first access)
_LAZY = {
    "NotFittedError": "jupyter_ad.errors",  # subclasses scikit-learn's: built on first use
    "detect": "jupyter_ad.core.api",
    "fit": "jupyter_ad.core.api",
    "compare": "jupyter_ad.evaluate.compare",
    "ComparisonResult": "jupyter_ad.evaluate.compare",
    "config": "jupyter_ad.options.show",
    "AnomalyModel": "jupyter_ad.core.model",
    "DetectorInfo": "jupyter_ad.core.registry",
    "list_detectors": "jupyter_ad.core.registry",
    "register_detector": "jupyter_ad.core.registry",
    "unregister_detector": "jupyter_ad.core.registry",
    "DetectionResult": "jupyter_ad.core.result",
    "learn_from_labels": "jupyter_ad.evaluate.learn",
    "tune": "jupyter_ad.evaluate.tune",
    "validate": "jupyter_ad.evaluate.validate",
    "DataQualityReport": "jupyter_ad.data.quality",
    "check_data": "jupyter_ad.data.quality",
    "load": "jupyter_ad.io.api",
    "models": "jupyter_ad.io.api",
    "stream": "jupyter_ad.stream.api",
    "Stream": "jupyter_ad.stream.api",
    "drift": "jupyter_ad.stream.drift.report",
    "DriftReport": "jupyter_ad.stream.drift.report",
}

__all__ = [
    "AnomalyModel",
    "ComparisonResult",
    "DataQualityReport",
    "DetectionResult",
    "DetectorInfo",
    "NotFittedError",
    "DriftReport",
    "Stream",
    "__version__",
    "check_data",
    "compare",
    "config",
    "datasets",
    "detect",
    "drift",
    "fit",
    "learn_from_labels",
    "list_detectors",
    "load",
    "load_ipython_extension",
    "mlflow",
    "models",
    "monitoring",
    "register_detector",
    "stream",
    "tune",
    "unregister_detector",
    "validate",
    *_errors_all,
]


def __getattr__(name: str) -> Any:
    """Load a public name on first access (PEP 562) and keep it in the module."""
    if name in _SUBMODULES:
        value: Any = importlib.import_module(f"jupyter_ad.{name}")
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'jupyter_ad' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyter_ad``: register the magics (imports IPython only now)."""
    from jupyter_ad.magics import load_ipython_extension as _load

    _load(ipython)
