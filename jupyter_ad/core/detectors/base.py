"""The detector base class: scikit-learn estimator rules plus one score convention.

Score convention (every detector, tested for each by :mod:`jupyter_ad.testing`):

* ``score_samples(X)``: a **higher score means more anomalous**; scores are always finite.
* ``threshold_``: the score above which a row is an anomaly (Tukey's fence on the training
  scores).
* ``decision_function(X) = score_samples(X) - threshold_``: **> 0 means anomaly**, higher =
  more anomalous (scikit-learn's sign is the opposite: there, negative means outlier).
* ``predict(X)``: **1 = anomaly** (``decision_function > 0``), 0 = normal (PyOD's labels;
  scikit-learn's outlier detectors return -1 and 1).

A row's score depends on the fitted state alone, never on the other rows scored with it.

Input given to a detector directly is checked like scikit-learn checks it (a 2-D array of
finite numbers of the fitted width; a DataFrame's columns are matched by name), with errors from
:mod:`jupyter_ad.errors` that say how to fix it. Extreme finite values are clipped to the
training median +- 10^12 spreads (see :func:`~._validation.input_bounds`): they still score as
the most extreme values, and the detector's arithmetic stays finite.
"""

from __future__ import annotations

import importlib
import math
import warnings
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin

from jupyter_ad.core.detectors._validation import (
    as_float_matrix,
    column_names,
    input_bounds,
    summarise,
)
from jupyter_ad.core.params import Rule, check_params
from jupyter_ad.errors import (
    ColumnMismatchError,
    DataError,
    JupyterADError,
    NotFittedError,
    ParameterError,
)

__all__ = ["BaseDetector", "finite_scores", "import_object"]

_BIG = float(np.finfo(np.float64).max)


def import_object(path: str) -> Any:
    """Import ``"package.module.Name"`` and return ``Name``."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def finite_scores(scores: Any, nan_value: float | None = None) -> np.ndarray:
    """Return scores as a 1-D float64 array with NaN/inf replaced, each value on its own.

    ``+inf`` becomes the largest float (more anomalous than any finite score), ``-inf`` the
    lowest, and ``NaN`` (a score that could not be computed) ``nan_value``. Detectors pass the
    median of their training scores, so a row's score never depends on the other rows scored
    with it; ``None`` takes the median of the finite ``scores`` given (for a whole data set,
    such as the training rows), or 0 when none is finite.
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    if (all(map(math.isfinite, s.tolist())) if s.size <= 8 else np.isfinite(s).all()):
        return s  # (a plain loop is cheaper than a ufunc for one row: the score_one path)
    s = s.copy()
    nan = np.isnan(s)
    if nan_value is None:
        finite = s[np.isfinite(s)]
        nan_value = float(np.median(finite)) if finite.size else 0.0
    s[nan] = nan_value
    return np.clip(s, -_BIG, _BIG)


def _library_error(owner: BaseDetector, exc: Exception, shape: tuple[int, ...]) -> Exception:
    """Our error for an exception a library raised while fitting: a parameter the library
    refused is a ParameterError; anything else is a problem of (or with) the data.
    """
    params = owner.get_params(deep=False)
    if any(c.__name__ == "InvalidParameterError" for c in type(exc).__mro__):
        return ParameterError(f"{type(owner).__name__} refused its parameters {params}: {exc}")
    return DataError(
        f"{type(owner).__name__} could not be fitted on data of shape {shape} "
        f"({type(exc).__name__}: {exc}). Look for degenerate columns (constant, nearly "
        "constant, many duplicate rows) or extreme values; or try other parameters "
        f"({params}) or another algorithm.")


class BaseDetector(OutlierMixin, BaseEstimator):  # type: ignore[misc]
    """Base class of every jupyter-ad detector.

    Subclasses store their parameters in ``__init__`` (nothing else), declare
    ``_param_rules``, and implement ``_fit(X)``, ``_score(X)`` and optionally
    ``_training_scores(X)`` (scores of the training rows, e.g. leave-one-out for neighbour
    methods). All work on a 2-D float64 array with finite values.

    Scores: higher = more anomalous, always finite; ``decision_function(X)`` is
    ``score_samples(X) - threshold_`` (> 0 means anomaly); ``predict(X)`` gives 1 for an
    anomaly and 0 for a normal row. A row's score never depends on the other rows scored.

    Input: a 2-D array-like of finite numbers (a DataFrame's columns are matched by name when
    it was fitted on one). Each feature is clipped to ``input_bounds_`` (the training median
    +- 10^12 spreads) before the detector sees it, which keeps its arithmetic finite for any
    finite input; values beyond still score as the most extreme ones.

    Attributes
    ----------
    decision_scores_ : ndarray of shape (n_samples,)
        Anomaly scores of the training rows (higher = more anomalous).
    threshold_ : float
        Score above which a row is labelled 1 by :meth:`predict` (Tukey's fence on the
        training scores; see :func:`jupyter_ad.core.thresholds.auto_threshold`).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names seen in ``fit``, when it was given a DataFrame with string column names.
    input_bounds_ : ndarray of shape (2, n_features)
        Lower and upper bound of each feature (not set by detectors that need none: ECOD and
        COPOD count values, which is exact for any finite value).
    """

    _param_rules: ClassVar[dict[str, Rule]] = {}
    _clip_input: ClassVar[bool] = True  # False: the detector is exact for any finite input

    # -- subclass hooks -------------------------------------------------------------------------
    def _fit(self, X: np.ndarray) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _score(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _training_scores(self, X: np.ndarray) -> np.ndarray:
        return self._score(X)

    # -- public scikit-learn API ----------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> BaseDetector:
        """Fit the detector on ``X`` (unsupervised: ``y`` is ignored) and return ``self``.

        Raises :class:`~jupyter_ad.errors.ParameterError` for a parameter outside its allowed
        values, and :class:`~jupyter_ad.errors.DataError` (or a subclass) for input it cannot
        use, or data the underlying library could not fit.
        """
        check_params(type(self).__name__, self.get_params(deep=False), self._param_rules)
        names = column_names(X)
        X = as_float_matrix(X, type(self).__name__)
        lo, hi = summarise(X, type(self).__name__)
        bounds = input_bounds(X) if self._clip_input else None
        if bounds is not None and ((lo < bounds[0]).any() or (hi > bounds[1]).any()):
            X = np.clip(X, bounds[0], bounds[1])
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                self._fit(X)
                train = finite_scores(self._training_scores(X))
        except JupyterADError:
            raise
        except (ValueError, TypeError, ArithmeticError, IndexError, AssertionError) as exc:
            raise _library_error(self, exc, X.shape) from exc  # (PyOD asserts on some data)
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = np.asarray(names, dtype=object)
        else:
            self.__dict__.pop("feature_names_in_", None)
        if bounds is not None:
            self.input_bounds_ = bounds
        self.decision_scores_ = train
        from jupyter_ad.core.thresholds import auto_threshold

        self.threshold_ = auto_threshold(train)
        return self

    def score_samples(self, X: Any) -> np.ndarray:
        """Anomaly score of each row of ``X``: higher means more anomalous; always finite."""
        self._check_fitted()
        return self._score_validated(self._check_array(X, fitting=False))

    def _score_validated(self, X: np.ndarray) -> np.ndarray:
        """Scores of ``X`` already known to be a finite 2-D float64 array of the fitted width
        within the input bounds: what :meth:`_check_array` returns, and what a model's
        preprocessing produces (its output is clipped far inside these bounds), so
        ``AnomalyModel`` scores its preprocessed rows without a second pass of checks.
        """
        with warnings.catch_warnings():  # (numpy's floating-point warnings included)
            warnings.simplefilter("ignore", RuntimeWarning)
            scores = self._score(X)
        s = np.asarray(scores, dtype=np.float64).ravel()
        if (all(map(math.isfinite, s.tolist())) if s.size <= 8 else np.isfinite(s).all()):
            return s
        return finite_scores(s, nan_value=float(np.median(self.decision_scores_)))

    def decision_function(self, X: Any) -> np.ndarray:
        """``score_samples(X) - threshold_``: > 0 means anomaly, higher = more anomalous."""
        return self.score_samples(X) - self.threshold_

    def predict(self, X: Any) -> np.ndarray:
        """Label each row: 1 = anomaly (score above ``threshold_``), 0 = normal."""
        return (self.score_samples(X) > self.threshold_).astype(np.int64)

    def __sklearn_is_fitted__(self) -> bool:
        """Whether :meth:`fit` has run (scikit-learn's ``check_is_fitted`` asks this)."""
        return hasattr(self, "decision_scores_")

    # -- helpers --------------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "decision_scores_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(X) before scoring."
            )

    def _check_array(self, X: Any, *, fitting: bool) -> np.ndarray:
        """``X`` as the finite 2-D float64 array the detector scores (``fitting=False``: of the
        fitted width, columns matched by name, clipped to ``input_bounds_``), or a named error.
        """
        owner = type(self).__name__
        if not fitting:
            X = self._match_columns(X)
        arr = as_float_matrix(X, owner)
        lo, hi = summarise(arr, owner)
        if fitting:
            return arr
        expected = self.n_features_in_
        if arr.shape[1] != expected:
            raise DataError(
                f"X has {arr.shape[1]} features, but {owner} is expecting {expected} features "
                f"as input: {owner} was fitted on {expected} features; give rows with the same "
                "columns, in the same order.")
        bounds = self.__dict__.get("input_bounds_")
        if bounds is not None and ((lo < bounds[0]).any() or (hi > bounds[1]).any()):
            arr = np.clip(arr, bounds[0], bounds[1])
        return arr

    def _match_columns(self, X: Any) -> Any:
        """A DataFrame's columns in the order seen in ``fit`` (when fitted on named columns)."""
        seen = self.__dict__.get("feature_names_in_")
        names = column_names(X) if seen is not None else None
        if seen is None or names is None or list(seen) == names:
            return X
        fitted = [str(n) for n in seen]
        missing = [n for n in fitted if n not in names]
        extra = [n for n in names if n not in set(fitted)]
        if missing or extra:
            raise ColumnMismatchError(
                f"{type(self).__name__} was fitted on columns {fitted}; the data "
                + (f"lacks {missing}" if missing else "")
                + (" and " if missing and extra else "")
                + (f"has unknown {extra}" if extra else "")
                + ". Give the same columns (in any order).")
        return X[fitted]
