"""Checks of the score convention and the scikit-learn estimator rules every detector follows.

Each check takes ``make``, a function returning a fresh unfitted detector, and raises an
``AssertionError`` that says what is wrong and how the convention reads.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np

from jupyter_ad.testing._data import planted, planted_frame

__all__ = ["BEHAVIOUR_CHECKS"]

Make = Callable[[], Any]


def _auc(y: np.ndarray, scores: np.ndarray) -> float:
    from jupyter_ad.evaluate.metrics import roc_auc

    return roc_auc(y, scores)


def _close(a: Any, b: Any, what: str, rtol: float = 1e-9, atol: float = 1e-12) -> None:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not np.allclose(a, b, rtol=rtol, atol=atol):
        raise AssertionError(f"{what}: {a[:5]} ... differs from {b[:5]} ...")


def _raises(call: Callable[[], Any], kinds: tuple[type[BaseException], ...],
            words: tuple[str, ...], what: str) -> None:
    """``call()`` must raise one of ``kinds`` whose message has one of ``words``."""
    try:
        call()
    except kinds as exc:
        if words and not any(w in str(exc) for w in words):
            raise AssertionError(
                f"{what}: the {type(exc).__name__} should mention {' or '.join(words)!r}, "
                f"got: {exc}") from exc
        return
    except Exception as exc:
        raise AssertionError(
            f"{what}: expected {' or '.join(k.__name__ for k in kinds)}, got "
            f"{type(exc).__name__}: {exc}") from exc
    raise AssertionError(f"{what}: nothing was raised")


def check_fit_returns_self(make: Make) -> None:
    """``fit`` returns the detector and sets finite training scores and a threshold."""
    X, _ = planted()
    det = make()
    if det.fit(X) is not det:
        raise AssertionError("fit(X) must return the detector itself (return self).")
    scores = np.asarray(det.decision_scores_)
    if scores.shape != (X.shape[0],) or not np.isfinite(scores).all():
        raise AssertionError(f"decision_scores_ must be one finite score per training row, got "
                             f"shape {scores.shape} with {int((~np.isfinite(scores)).sum())} "
                             "non-finite.")
    if not np.isfinite(float(det.threshold_)):
        raise AssertionError(f"threshold_ must be a finite number, got {det.threshold_!r}.")
    if det.n_features_in_ != X.shape[1]:
        raise AssertionError(f"n_features_in_ is {det.n_features_in_}, not {X.shape[1]}.")


def check_higher_scores_for_planted_outliers(make: Make) -> None:
    """Rows pushed 8 sd out score higher (higher score = more anomalous)."""
    X, y = planted()
    det = make().fit(X)
    for what, scores in (("decision_scores_", det.decision_scores_),
                         ("score_samples(X)", det.score_samples(X))):
        auc = _auc(y, np.asarray(scores))
        if auc <= 0.85:
            raise AssertionError(
                f"Rows pushed 8 standard deviations out do not score higher in {what}: ROC-AUC "
                f"{auc:.2f} (1 = all above, 0.5 = chance, 0 = reversed). The convention is "
                "higher score = more anomalous: negate scores that run the other way.")


def check_labels_follow_the_threshold(make: Make) -> None:
    """``predict`` is 1 above ``threshold_``, else 0; ``decision_function = score - threshold_``."""
    X, _ = planted()
    det = make().fit(X)
    scores, threshold = det.score_samples(X), float(det.threshold_)
    labels = np.asarray(det.predict(X))
    if labels.dtype.kind not in "iu" or not set(np.unique(labels)) <= {0, 1}:
        raise AssertionError(f"predict must return integers 1 (anomaly) and 0 (normal), got "
                             f"{labels.dtype} values {np.unique(labels)[:5]}.")
    if not np.array_equal(labels, (scores > threshold).astype(labels.dtype)):
        raise AssertionError("predict(X) must be 1 exactly where score_samples(X) > threshold_.")
    _close(det.decision_function(X), scores - threshold,
           "decision_function(X) must be score_samples(X) - threshold_ (> 0 means anomaly)")
    again = make().fit_predict(X)
    if not np.array_equal(again, labels):
        raise AssertionError("fit_predict(X) must equal fit(X).predict(X).")


def _same_params(a: Any, b: Any) -> bool:
    if hasattr(a, "get_params") and hasattr(b, "get_params"):
        return type(a) is type(b) and _same_params(a.get_params(), b.get_params())
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_params(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same_params(x, z) for x, z in zip(a, b, strict=True))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    if a is b or type(a) is not type(b):
        return a is b
    if hasattr(a, "__dict__") and not callable(a):  # a plain object: cloning deep-copies it
        return _same_params(vars(a), vars(b))
    return bool(a == b)


def check_clone_and_params(make: Make) -> None:
    """``get_params``/``set_params``/``clone`` work (``__init__`` only stores parameters)."""
    from sklearn.base import clone

    det = make()
    params = det.get_params()
    try:
        twin = clone(det)
    except RuntimeError as exc:  # scikit-learn saw __init__ change a parameter
        raise AssertionError(f"clone(detector) fails: {exc}. __init__ must store each "
                             "parameter under its own name, unchanged.") from exc
    if not _same_params(twin.get_params(), params):
        raise AssertionError("clone(detector) has other parameters: __init__ must store each "
                             "parameter under its own name, unchanged.")
    if twin.set_params(**det.get_params(deep=False)) is not twin:
        raise AssertionError("set_params(...) must return the detector itself.")
    fitted = make().fit(planted()[0])
    if hasattr(clone(fitted), "decision_scores_"):
        raise AssertionError("clone() of a fitted detector must be unfitted: keep fitted state "
                             "in attributes ending with '_' set in fit, not in __init__.")


def check_works_in_a_pipeline(make: Make) -> None:
    """The detector is the last step of a scikit-learn ``Pipeline``."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = planted()
    pipe = make_pipeline(StandardScaler(), make()).fit(X)
    auc = _auc(y, pipe.score_samples(X))
    if auc <= 0.85:
        raise AssertionError(f"In a Pipeline after StandardScaler, planted outliers get ROC-AUC "
                             f"{auc:.2f} (expected > 0.85).")
    if not set(np.unique(pipe.predict(X))) <= {0, 1}:
        raise AssertionError("In a Pipeline, predict must return 1 (anomaly) and 0 (normal).")


def check_pickle_round_trip(make: Make) -> None:
    """A fitted detector survives pickling (saved models are pickled) with the same scores."""
    X, _ = planted()
    det = make().fit(X)
    try:
        loaded = pickle.loads(pickle.dumps(det))
    except Exception as exc:
        raise AssertionError(
            f"A fitted detector must pickle (models are saved that way): {type(exc).__name__}: "
            f"{exc}. Define its class and any function it holds at module level.") from exc
    _close(loaded.score_samples(X), det.score_samples(X), "scores after pickling")
    if float(loaded.threshold_) != float(det.threshold_):
        raise AssertionError("threshold_ changed after pickling.")


def check_columns_matched_by_name(make: Make) -> None:
    """Fitted on a DataFrame, it scores a frame with the columns in another order the same."""
    frame, _ = planted_frame()
    det = make().fit(frame)
    shuffled = frame[list(reversed(frame.columns))]
    _close(det.score_samples(shuffled), det.score_samples(frame),
           "scores of the same DataFrame with its columns in reverse order")


def check_a_row_alone_scores_as_in_a_batch(make: Make) -> None:
    """Scoring never re-fits: a row gets the same score alone as in a batch."""
    X, _ = planted()
    det = make().fit(X[50:])
    batch = det.score_samples(X[:50])
    for i in (0, 3, 17, 49):
        _close(det.score_samples(X[i:i + 1]), batch[i:i + 1],
               f"row {i} scored alone vs in a batch of 50 (scores must come from the fitted "
               "state alone, never from the other rows being scored)")


def check_bad_input(make: Make) -> None:
    """Unfitted use, NaN/inf, another width and 1-D input raise jupyter-ad errors."""
    from jupyter_ad.errors import DataError, NotFittedError

    X, _ = planted(n=60)
    det = make()
    for method in ("score_samples", "decision_function", "predict"):
        _raises(functools.partial(getattr(det, method), X), (NotFittedError,), ("fit",),
                f"{method} before fit")
    bad = X.copy()
    bad[1, 2] = np.nan
    _raises(lambda: make().fit(bad), (DataError,), ("NaN",), "fit on data with a NaN")
    det.fit(X)
    bad[1, 2] = np.inf
    _raises(lambda: det.score_samples(bad), (DataError,), ("inf",), "scoring an inf")
    _raises(lambda: det.score_samples(X[:, :3]), (DataError,), ("features",),
            "scoring rows of 3 features after fitting on 4")
    _raises(lambda: det.score_samples(X[0]), (DataError,), ("Reshape",), "scoring a 1-D array")


def check_degenerate_data(make: Make) -> None:
    """Heavily duplicated rows and a constant column still give finite scores."""
    rng = np.random.default_rng(0)
    X = np.repeat(rng.normal(size=(5, 3)), 20, axis=0)
    X = np.vstack([X, [[50.0, 50.0, 50.0]]])
    X = np.column_stack([X, np.ones(len(X))])  # a constant column
    det = make().fit(X)
    for what, scores in (("decision_scores_", det.decision_scores_),
                         ("score_samples(X)", det.score_samples(X))):
        if not np.isfinite(scores).all():
            raise AssertionError(f"{what} has non-finite values on duplicated rows and a "
                                 "constant column: scores must always be finite.")


BEHAVIOUR_CHECKS: list[tuple[str, Callable[[Make], None]]] = [
    ("fit_returns_self", check_fit_returns_self),
    ("higher_scores_for_planted_outliers", check_higher_scores_for_planted_outliers),
    ("labels_follow_the_threshold", check_labels_follow_the_threshold),
    ("clone_and_params", check_clone_and_params),
    ("works_in_a_pipeline", check_works_in_a_pipeline),
    ("pickle_round_trip", check_pickle_round_trip),
    ("columns_matched_by_name", check_columns_matched_by_name),
    ("a_row_alone_scores_as_in_a_batch", check_a_row_alone_scores_as_in_a_batch),
    ("bad_input", check_bad_input),
    ("degenerate_data", check_degenerate_data),
]
