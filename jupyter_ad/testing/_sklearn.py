"""scikit-learn's estimator checks, with the ones jupyter-ad's label convention fails on
purpose declared as expected failures.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["EXPECTED_FAILED_CHECKS", "expected_failed_checks", "sklearn_checks"]

_LABELS = ("jupyter-ad labels an anomaly 1 and a normal row 0 (PyOD's convention), and its "
           "decision_function is > 0 for anomalies; this check expects scikit-learn's -1 for "
           "outliers, 1 for inliers and a negative decision_function for outliers")

EXPECTED_FAILED_CHECKS = {
    "check_outliers_train": _LABELS,
    "check_outliers_fit_predict": _LABELS,
}
"""scikit-learn checks a jupyter-ad detector fails by design, and why."""


def expected_failed_checks(estimator: Any = None) -> dict[str, str]:
    """The checks :func:`~sklearn.utils.estimator_checks.parametrize_with_checks` should mark
    as expected failures (its ``expected_failed_checks`` argument), with the reasons.

    Examples
    --------
    >>> from jupyter_ad.testing import expected_failed_checks
    >>> sorted(expected_failed_checks())
    ['check_outliers_fit_predict', 'check_outliers_train']
    """
    return dict(EXPECTED_FAILED_CHECKS)


def _describe(check: Any) -> tuple[str, str]:
    """(check function name, name with its keyword arguments) of a scikit-learn check."""
    keywords: dict[str, Any] = {}
    while isinstance(check, functools.partial):
        keywords = {**check.keywords, **keywords}
        check = check.func
    base = getattr(check, "__name__", repr(check))
    args = ", ".join(f"{k}={v!r}" for k, v in sorted(keywords.items()))
    return base, f"{base}({args})" if args else base


def _expect_failure(check: Callable[[Any], None], estimator: Any, name: str) -> None:
    try:
        check(estimator)
    except AssertionError:
        return
    raise AssertionError(
        f"{name} passed, but jupyter-ad's label convention should make it fail "
        f"({EXPECTED_FAILED_CHECKS[name]}): does predict return -1/1 instead of 1/0?")


def _cannot_prepare(exc: Exception) -> None:
    raise AssertionError(f"scikit-learn could not prepare its checks: {type(exc).__name__}: "
                         f"{exc}") from exc


def sklearn_checks(detector: Any) -> Iterator[tuple[str, Callable[[], None]]]:
    """``("sklearn:<check>", callable)`` for each of scikit-learn's estimator checks of
    ``detector`` (an instance); an expected failure passes when the check fails.
    """
    from sklearn.utils.estimator_checks import estimator_checks_generator

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pairs = list(estimator_checks_generator(detector, legacy=True))
    except Exception as exc:  # e.g. an estimator scikit-learn cannot clone
        yield "sklearn:check_estimator_cloneable", functools.partial(_cannot_prepare, exc)
        return
    for estimator, check in pairs:
        base, name = _describe(check)
        if base in EXPECTED_FAILED_CHECKS:
            run = functools.partial(_expect_failure, check, estimator, base)
        else:
            run = functools.partial(check, estimator)
        yield f"sklearn:{name}", run
