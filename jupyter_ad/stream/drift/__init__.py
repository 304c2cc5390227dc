"""Concept drift: per-feature tests against a reference (:func:`drift`), and ADWIN on the
stream's scores and anomaly rate (:class:`ADWIN`).
"""

from jupyter_ad.stream.drift.adwin import ADWIN
from jupyter_ad.stream.drift.report import DriftReport, drift

__all__ = ["ADWIN", "DriftReport", "drift"]
