"""jupyter_ad.testing: the public battery passes a well-made user detector and names what is
wrong with broken ones."""

from __future__ import annotations

import numpy as np
import pytest

import jupyter_ad as ad
from jupyter_ad.core.detectors import BaseDetector
from jupyter_ad.core.params import Interval
from jupyter_ad.core.registry import build_detector
from jupyter_ad.testing import (
    EXPECTED_FAILED_CHECKS,
    check_detector,
    detector_checks,
    expected_failed_checks,
)


class CentroidDistance(BaseDetector):
    """Distance to the training mean in units of each feature's standard deviation."""

    _param_rules = {"power": Interval(float, 0, None, open_low=True)}

    def __init__(self, power: float = 2.0) -> None:
        self.power = power

    def _fit(self, X: np.ndarray) -> None:
        std = X.std(axis=0)
        self.mean_, self.scale_ = X.mean(axis=0), np.where(std > 0, std, 1.0)

    def _score(self, X: np.ndarray) -> np.ndarray:
        z = np.abs((X - self.mean_) / self.scale_)
        return np.asarray((z ** self.power).sum(axis=1) ** (1.0 / self.power))


class Reversed(CentroidDistance):
    """Broken: scikit-learn's direction (lower = more anomalous)."""

    def _score(self, X: np.ndarray) -> np.ndarray:
        return -super()._score(X)


class BatchNormalised(CentroidDistance):
    """Broken: divides by the batch's own largest score."""

    def _score(self, X: np.ndarray) -> np.ndarray:
        s = super()._score(X)
        return s / s.max()


class ForgetsExtremes(CentroidDistance):
    """Broken: a value far beyond the training range scores as normal (issue 12's bug)."""

    def _score(self, X: np.ndarray) -> np.ndarray:
        s = super()._score(X)
        return np.where(s > 1e6, 0.0, s)


class ChangesItsParameters(CentroidDistance):
    """Broken: __init__ does work instead of storing its parameter."""

    def __init__(self, power: float = 2.0) -> None:
        self.power = float(power) * 2


def test_a_well_made_user_detector_passes_every_check():
    check_detector(CentroidDistance)  # scikit-learn's checks included
    check_detector(CentroidDistance(power=1.0), sklearn=False)


def test_a_registered_user_detector_passes_and_works_by_name():
    ad.register_detector("centroid_distance", CentroidDistance, family="proximity")
    try:
        check_detector(build_detector("centroid_distance", {"power": 3.0}), sklearn=False)
        X = np.random.default_rng(0).normal(size=(100, 3))
        assert ad.detect(X, algorithm="centroid_distance").n_anomalies >= 0
    finally:
        ad.unregister_detector("centroid_distance")


@pytest.mark.parametrize("broken, failing, words", [
    (Reversed, "higher_scores_for_planted_outliers", "negate scores"),
    (BatchNormalised, "scores_do_not_depend_on_the_batch", "must not depend on the other rows"),
    (BatchNormalised, "a_row_alone_scores_as_in_a_batch", "never from the other rows"),
    (ForgetsExtremes, "monotone_in_the_tail", "must score at least as anomalous"),
    (ForgetsExtremes, "through_a_model", "model.score_one"),
    (ChangesItsParameters, "clone_and_params", "store each parameter"),
])
def test_a_broken_detector_is_caught_with_a_clear_message(broken, failing, words):
    with pytest.raises(AssertionError) as info:
        check_detector(broken, sklearn=False)
    message = str(info.value)
    assert message.startswith(f"{broken.__name__} failed ")
    line = next(x for x in message.splitlines() if x.startswith(f"- {failing}:"))
    assert words in line
    assert "fit_returns_self" not in message  # only what is wrong is named


def test_scikit_learn_checks_are_part_of_the_battery():
    with pytest.raises(AssertionError) as info:
        check_detector(ChangesItsParameters)
    message = str(info.value)
    assert "- clone_and_params: clone(detector) fails: Cannot clone object" in message
    assert "- sklearn:check_estimator_cloneable: Cloning of ChangesItsParameters failed" in message
    names = [name for name, _ in detector_checks(CentroidDistance)]
    assert len(names) == len(set(names)) > 50
    assert "sklearn:check_outliers_train(readonly_memmap=True)" in names
    assert expected_failed_checks() == EXPECTED_FAILED_CHECKS
    assert "-1" in EXPECTED_FAILED_CHECKS["check_outliers_train"]


class BrokenTags(CentroidDistance):
    """Broken: scikit-learn cannot read its tags."""

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        raise TypeError("no tags here")


def test_checks_scikit_learn_cannot_prepare_are_one_failure():
    with pytest.raises(AssertionError) as info:
        check_detector(BrokenTags)
    assert "- sklearn:check_estimator_cloneable: scikit-learn could not prepare its checks: " \
        "TypeError: no tags here" in str(info.value)


class SklearnLabels(CentroidDistance):
    """Broken for jupyter-ad: scikit-learn's labels (-1 = outlier, 1 = inlier)."""

    def predict(self, X):  # type: ignore[no-untyped-def]
        return np.where(super().predict(X) == 1, -1, 1)


def test_an_expected_failure_that_passes_is_reported():
    with pytest.raises(AssertionError) as info:
        check_detector(SklearnLabels)
    message = str(info.value)
    assert "- labels_follow_the_threshold:" in message
    assert "- sklearn:check_outliers_fit_predict: check_outliers_fit_predict passed, but" in \
        message


def test_the_pytest_form_yields_named_callables():
    pairs = list(detector_checks(CentroidDistance, sklearn=False))
    assert [name for name, _ in pairs][:3] == ["fit_returns_self",
                                                "higher_scores_for_planted_outliers",
                                                "labels_follow_the_threshold"]
    for _, check in pairs:
        assert check.__name__ == "CentroidDistance"  # pytest ids: "<check>-CentroidDistance"
    failing = dict(detector_checks(Reversed, sklearn=False))["higher_scores_for_planted_outliers"]
    with pytest.raises(AssertionError, match=r"ROC-AUC 0\.00"):
        failing()


def test_a_class_that_needs_arguments_asks_for_an_instance():
    class NeedsArgument(CentroidDistance):
        def __init__(self, power: float) -> None:
            self.power = power

    with pytest.raises(AssertionError, match="pass an instance"):
        check_detector(NeedsArgument)
    with pytest.raises(AssertionError, match="has no fit"):
        check_detector(object())
