"""The battery: every check of :mod:`jupyter_ad.testing` for one detector, in two forms."""

from __future__ import annotations

import copy
import functools
import unittest
from collections.abc import Callable, Iterator
from typing import Any

from jupyter_ad.testing._behaviour import BEHAVIOUR_CHECKS
from jupyter_ad.testing._extreme import EXTREME_CHECKS
from jupyter_ad.testing._model import MODEL_CHECKS
from jupyter_ad.testing._sklearn import sklearn_checks

__all__ = ["check_detector", "detector_checks"]

CHECKS = BEHAVIOUR_CHECKS + EXTREME_CHECKS + MODEL_CHECKS


def _prototype(detector: Any) -> Any:
    """An unfitted instance to clone for each check (seeded when it takes a random_state)."""
    if isinstance(detector, type):
        try:
            detector = detector()
        except TypeError as exc:
            raise AssertionError(
                f"{detector.__name__} cannot be built with its default parameters ({exc}); "
                "pass an instance instead.") from exc
    for method in ("fit", "score_samples", "decision_function", "predict", "get_params"):
        if not callable(getattr(detector, method, None)):
            raise AssertionError(
                f"{type(detector).__name__} has no {method}() method: subclass "
                "jupyter_ad.core.detectors.BaseDetector.")
    detector = _fresh(detector)
    if detector.get_params(deep=False).get("random_state", 0) is None:
        detector.set_params(random_state=0)
    return detector


def _fresh(proto: Any) -> Any:
    """An unfitted copy: ``clone``, or a deep copy when cloning fails (check
    ``clone_and_params`` says why).
    """
    from sklearn.base import clone

    try:
        return clone(proto)
    except Exception:
        return copy.deepcopy(proto)


def _run(check: Callable[[Callable[[], Any]], None], proto: Any, name: str) -> None:
    try:
        check(lambda: _fresh(proto))
    except AssertionError:
        raise
    except Exception as exc:
        raise AssertionError(
            f"{type(proto).__name__} raised {type(exc).__name__} in check {name!r}: {exc}"
        ) from exc


def detector_checks(detector: Any, *,
                    sklearn: bool = True) -> Iterator[tuple[str, Callable[[], None]]]:
    """Yield ``(name, check)`` for every check of ``detector``; ``check()`` raises an
    ``AssertionError`` saying what is wrong. For ``pytest.mark.parametrize``.

    Parameters
    ----------
    detector : BaseDetector subclass or instance
        A class is built with its default parameters; an instance is cloned for each check.
        A ``random_state`` left at ``None`` is set to 0 (the checks compare two fits).
    sklearn : bool, default True
        Also yield scikit-learn's estimator checks (``"sklearn:check_..."``), with the checks
        jupyter-ad's label convention fails by design expected to fail (see
        :func:`expected_failed_checks`).

    Examples
    --------
    In a test module::

        import pytest
        from jupyter_ad.testing import detector_checks
        from my_package import MyDetector

        @pytest.mark.parametrize("name, check", detector_checks(MyDetector))
        def test_my_detector(name, check):
            check()
    """
    proto = _prototype(detector)
    label = type(proto).__name__
    for name, func in CHECKS:
        run = functools.partial(_run, func, proto, name)
        functools.update_wrapper(run, func)
        run.__name__ = label  # type: ignore[attr-defined]  # pytest ids: "<check>-<class>"
        yield name, run
    if sklearn:
        yield from sklearn_checks(proto)


def check_detector(detector: Any, *, sklearn: bool = True) -> None:
    """Run every check of ``detector``; raise an ``AssertionError`` naming each failing one.

    The battery: the score convention (higher = more anomalous, labels 1/0 from
    ``threshold_``, ``decision_function = score_samples - threshold_``), the scikit-learn
    estimator rules (``clone``, ``get_params``, pipelines, pickling), columns matched by name, a
    row scored alone as in a batch, errors for bad input, degenerate data, extreme values
    (finite scores, batch independence, monotone in the tail), the detector inside
    ``jupyter_ad.fit``, and scikit-learn's own estimator checks (``sklearn=False`` skips them).

    Parameters
    ----------
    detector : BaseDetector subclass or instance
        See :func:`detector_checks`.
    sklearn : bool, default True
        Also run scikit-learn's estimator checks.

    Raises
    ------
    AssertionError
        ``"MyDetector failed 2 of 40 checks: ..."``, one line per failing check.

    Examples
    --------
    >>> from jupyter_ad.core.detectors import ECOD
    >>> from jupyter_ad.testing import check_detector
    >>> check_detector(ECOD, sklearn=False)  # silent when every check passes
    """
    failures: list[str] = []
    total = 0
    label = getattr(detector, "__name__", type(detector).__name__)
    for name, check in detector_checks(detector, sklearn=sklearn):
        total += 1
        try:
            check()
        except unittest.SkipTest:
            continue
        except Exception as exc:  # AssertionError, or what a scikit-learn check raised
            first = (str(exc).strip().splitlines() or [""])[0]
            if not isinstance(exc, AssertionError) or not first:
                first = f"{type(exc).__name__}: {first}"
            failures.append(f"{name}: {first}")
    if failures:
        raise AssertionError(f"{label} failed {len(failures)} of {total} checks:\n- "
                             + "\n- ".join(failures))
