"""Detector classes: scikit-learn estimators whose scores are higher for more anomalous rows."""

from jupyter_ad.core.detectors.base import BaseDetector
from jupyter_ad.core.detectors.custom import EstimatorDetector, FunctionDetector
from jupyter_ad.core.detectors.ecdf_models import COPOD, ECOD
from jupyter_ad.core.detectors.ensemble import EnsembleDetector
from jupyter_ad.core.detectors.fast_iforest import FastIsolationForest
from jupyter_ad.core.detectors.pyod_models import (
    CBLOF,
    GMM,
    HBOS,
    INNE,
    KDE,
    KNN,
    LODA,
    LOF,
    MCD,
    OCSVM,
    PCA,
    IForest,
)
from jupyter_ad.core.detectors.sklearn_models import (
    SklearnEllipticEnvelope,
    SklearnIsolationForest,
    SklearnLOF,
    SklearnOCSVM,
)

__all__ = [
    "CBLOF", "COPOD", "ECOD", "GMM", "HBOS", "INNE", "KDE", "KNN", "LODA", "LOF", "MCD", "OCSVM",
    "PCA", "BaseDetector", "EnsembleDetector", "EstimatorDetector", "FastIsolationForest",
    "FunctionDetector", "IForest",
    "SklearnEllipticEnvelope", "SklearnIsolationForest", "SklearnLOF", "SklearnOCSVM",
]
