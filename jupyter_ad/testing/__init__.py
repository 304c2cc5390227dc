"""A public test battery for detectors: run it on your own detector (a
:class:`~jupyter_ad.core.detectors.BaseDetector` subclass) before you register or publish it.

* :func:`check_detector` runs every check and raises one ``AssertionError`` naming each that
  failed.
* :func:`detector_checks` yields ``(name, check)`` pairs for ``pytest.mark.parametrize``.
* :func:`expected_failed_checks` lists the scikit-learn checks that jupyter-ad's label
  convention (1 = anomaly, 0 = normal) fails by design, for scikit-learn's own
  ``parametrize_with_checks``.

The checks cover the score convention, the scikit-learn estimator rules, extreme input
(finite, batch-independent scores, monotone in the tail) and scikit-learn's estimator checks;
see :func:`check_detector`. The built-in detectors pass them all (``tests/core``).
"""

from jupyter_ad.testing._battery import check_detector, detector_checks
from jupyter_ad.testing._sklearn import EXPECTED_FAILED_CHECKS, expected_failed_checks

__all__ = ["EXPECTED_FAILED_CHECKS", "check_detector", "detector_checks",
           "expected_failed_checks"]
