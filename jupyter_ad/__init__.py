"""jupyter-ad: anomaly detection where data scientists already work.

Score convention: **higher score = more anomalous; label 1 = anomaly**, for every detector.

Examples
--------
>>> import jupyter_ad as ad
>>> res = ad.detect(ad.datasets.load_transactions(n_rows=300), exclude=["is_anomaly"])
>>> res.summary().startswith("Found")
True

Importing this package loads no Jupyter or plotting library; the magics
(``%load_ext jupyter_ad``), widgets and charts load them when first used.
"""

from __future__ import annotations

from typing import Any

from jupyter_ad import datasets
from jupyter_ad._version import __version__
from jupyter_ad.core.api import detect, fit
from jupyter_ad.core.compare import ComparisonResult, compare
from jupyter_ad.core.model import AnomalyModel
from jupyter_ad.core.registry import (
    DetectorInfo,
    list_detectors,
    register_detector,
    unregister_detector,
)
from jupyter_ad.core.result import DetectionResult
from jupyter_ad.core.semi import learn_from_labels
from jupyter_ad.core.tuning import tune
from jupyter_ad.core.validation import validate
from jupyter_ad.data.quality import DataQualityReport, check_data
from jupyter_ad.errors import *
from jupyter_ad.errors import __all__ as _errors_all
from jupyter_ad.io.api import load, models

__all__ = [
    "AnomalyModel",
    "ComparisonResult",
    "DataQualityReport",
    "DetectionResult",
    "DetectorInfo",
    "__version__",
    "check_data",
    "compare",
    "datasets",
    "detect",
    "fit",
    "learn_from_labels",
    "list_detectors",
    "load",
    "load_ipython_extension",
    "models",
    "register_detector",
    "tune",
    "unregister_detector",
    "validate",
    *_errors_all,
]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyter_ad``: register the magics (imports IPython only now)."""
    from jupyter_ad.magics import load_ipython_extension as _load

    _load(ipython)
