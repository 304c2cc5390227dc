"""scikit-learn's own estimator checks for every registered detector and the ensemble class.

The two checks that expect scikit-learn's labels (-1 for outliers) are expected failures, with
the reason (``jupyter_ad.testing.expected_failed_checks``); strict, so that a check that starts
passing is noticed.
"""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import jupyter_ad as ad
from jupyter_ad.core.detectors import ECOD, KNN, EnsembleDetector, FastIsolationForest
from jupyter_ad.core.registry import build_detector
from jupyter_ad.testing import expected_failed_checks

pytestmark = pytest.mark.slow  # about 1,000 checks, 2-3 minutes on 2 cores

ESTIMATORS = [build_detector(name) for name in ad.list_detectors().index] + [
    EnsembleDetector(),
    EnsembleDetector([ECOD(), FastIsolationForest(), KNN()], normalisation="rank",
                     combination="aom", n_buckets=2, random_state=0),
]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks,
                         xfail_strict=True)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_every_registered_detector_is_checked():
    names = {type(e).__name__ for e in ESTIMATORS}
    assert {"FastIsolationForest", "ECOD", "COPOD", "IForest", "SklearnIsolationForest",
            "SklearnLOF", "EnsembleDetector"} <= names
    assert len(ESTIMATORS) == len(ad.list_detectors()) + 2
