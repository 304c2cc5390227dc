"""Model validation: how well a detector does on rows it was not fitted on (US-022).

:func:`validate` holds out each of ``cv`` folds in turn, fits a ``clone`` of the model (an
:class:`~jupyter_ad.core.model.AnomalyModel`: preprocessing included) on the others and scores
the held-out rows with it.

**With labels** (1 = anomaly, 0 = normal, missing = unlabelled; or ``result.feedback``) the
folds are stratified and each gets ROC-AUC and average precision on its held-out labelled rows.
Every held-out fold needs a labelled anomaly and a labelled normal row: ``cv`` is lowered to
their number when smaller (and said so), and fewer than 2 is refused.

**Without labels**, the internal criteria of Goix (2016), "How to evaluate the quality of
unsupervised anomaly detection algorithms?" (arXiv:1607.01152), on the held-out rows, with
``s`` = minus the anomaly score: the area under the Excess-Mass curve
``EM(t) = max_u P(s >= u) - t Leb(s >= u)`` while EM > 0.9 (higher is better) and under the
Mass-Volume curve ``MV(a) = Leb(s >= u_a)`` for masses ``a`` in [0.9, 0.999] (lower is
better). Volumes are shares of the bounding box of the preprocessed rows, estimated with
``n_uniform`` uniform points (so ``t`` is in units of one over the box volume); above
``max_features`` features the detector is re-fitted on ``n_subsets`` random subsets of that
many features and the areas averaged, as the paper recommends. They are **advisory and can be
misleading**: see :data:`ADVISORY`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from jupyter_ad._warn import warn_user
from jupyter_ad.core.building import timed
from jupyter_ad.core.model import AnomalyModel
from jupyter_ad.core.result import DetectionResult
from jupyter_ad.data.readers import as_dataframe
from jupyter_ad.errors import DataError, DataQualityWarning, JupyterADWarning, ParameterError
from jupyter_ad.evaluate.labels import require, split_labels
from jupyter_ad.evaluate.metrics import (
    ADVISORY,
    average_precision,
    excess_mass,
    mass_volume,
    roc_auc,
)

__all__ = ["ADVISORY", "ValidationReport", "validate"]


@dataclass
class _Plan:
    """Everything the folds need, resolved once (tuning re-runs the folds every trial)."""

    frame: pd.DataFrame
    y: np.ndarray | None
    estimator: AnomalyModel  # unfitted: each fold fits a clone of it
    folds: np.ndarray
    cv: int
    internal: bool
    options: dict[str, int]
    notes: list[str] = field(default_factory=list)


def _template(algorithm: Any, params: dict[str, Any] | None, random_state: int,
              **fit_options: Any) -> AnomalyModel:
    """The unfitted model each fold clones: from a fitted model (what it fitted, with its
    options) or from an algorithm name and options.
    """
    if not isinstance(algorithm, AnomalyModel):
        return AnomalyModel(algorithm, params=params, random_state=random_state, **fit_options)
    if hasattr(algorithm, "learned_from_labels_"):
        raise ParameterError("A model re-ranked by labels cannot be re-fitted fold by fold; "
                             "validate the unsupervised result (before .learn()).")
    template: AnomalyModel = clone(algorithm)
    if hasattr(algorithm, "algorithm_"):  # validate what was fitted ("auto" resolved)
        template.set_params(algorithm=algorithm.algorithm_)
    if params:
        template.set_params(params={**(template.params or {}), **params})
    if template.random_state is None:
        template.set_params(random_state=random_state)
    return template


def plan_folds(data: Any, algorithm: Any = "auto", *, labels: Any = None, feedback: Any = None,
               params: dict[str, Any] | None = None, cv: int = 5, random_state: int = 0,
               features: Sequence[str] | None = None, exclude: Sequence[str] | None = None,
               preprocessing: dict[str, Any] | None = None, internal: bool | None = None,
               n_uniform: int = 10_000, max_features: int = 5, n_subsets: int = 10) -> _Plan:
    """Resolve the data, detector, labels and fold assignment of a validation run."""
    for name, value, low in (("cv", cv, 2), ("random_state", random_state, 0),
                             ("n_uniform", n_uniform, 100), ("max_features", max_features, 1),
                             ("n_subsets", n_subsets, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise ParameterError(f"{name} must be a whole number >= {low}, got {value!r}.")
    if isinstance(data, DetectionResult):
        frame = data.data
        feedback = data.feedback if labels is None and feedback is None else feedback
        auto = isinstance(algorithm, str) and algorithm.strip().lower() == "auto"
        algorithm = data.model if auto else algorithm
    else:
        frame = as_dataframe(data)
    if feedback is not None and not isinstance(feedback, Mapping):
        labels, feedback = feedback, None  # a labels array passed as feedback
    estimator = _template(algorithm, params, random_state, features=features, exclude=exclude,
                          preprocessing=preprocessing)
    if isinstance(labels, str):  # the label column is dropped: never a feature, nor excluded
        for key in ("features", "exclude"):
            columns = getattr(estimator, key)
            if columns is not None and not isinstance(columns, str):
                estimator.set_params(**{key: [c for c in columns if c != labels] or None})
    frame, y = split_labels(frame, labels, feedback=feedback or None)
    if y is not None and np.isnan(y).all():
        y = None
    notes: list[str] = []
    rng = np.random.default_rng(random_state)
    groups = [np.arange(len(frame))]
    if y is not None:
        require(y, anomalies=2, normal=2,
                what=f"Cross-validation with labels (every held-out fold needs one of each, so "
                     f"cv={cv} needs {cv} of each; or validate without labels)")
        n_pos, n_neg = int(np.sum(y == 1)), int(np.sum(y == 0))
        if min(n_pos, n_neg) < cv:
            note = (f"cv lowered from {cv} to {min(n_pos, n_neg)}: there are only {n_pos} "
                    f"labelled anomalies and {n_neg} labelled normal rows, and every held-out "
                    "fold needs at least one of each.")
            notes.append(note)
            warn_user(note, JupyterADWarning)
            cv = min(n_pos, n_neg)
        groups = [np.flatnonzero(y == 1), np.flatnonzero(y == 0), np.flatnonzero(np.isnan(y))]
    if len(frame) < 2 * cv:
        raise DataError(f"{cv}-fold cross-validation needs at least {2 * cv} rows, got "
                        f"{len(frame)}.")
    folds, offset = np.empty(len(frame), dtype=np.int64), 0
    for group in groups:  # round-robin over shuffled groups: stratified, balanced folds
        folds[rng.permutation(group)] = (np.arange(group.size) + offset) % cv
        offset += group.size
    internal = y is None if internal is None else bool(internal)
    return _Plan(frame, y, estimator, folds, cv, internal,
                 {"n_uniform": n_uniform, "max_features": max_features,
                  "n_subsets": n_subsets, "seed": random_state}, notes)


def _internal(detector: Any, X_train: np.ndarray, X_test: np.ndarray, options: dict[str, int],
              fold: int) -> tuple[float, float, bool]:
    rng = np.random.default_rng([options["seed"], fold])
    d, k = X_train.shape[1], options["max_features"]
    subsets = ([np.arange(d)] if d <= k else
               [np.sort(rng.choice(d, k, replace=False)) for _ in range(options["n_subsets"])])
    em, mv = [], []
    for cols in subsets:
        det = detector if len(cols) == d else clone(detector).fit(X_train[:, cols])
        both = np.vstack([X_train[:, cols], X_test[:, cols]])
        uniform = rng.uniform(both.min(axis=0), both.max(axis=0),
                              size=(options["n_uniform"], len(cols)))
        s_rows, s_unif = -det.score_samples(X_test[:, cols]), -det.score_samples(uniform)
        em.append(excess_mass(s_rows, s_unif))
        mv.append(mass_volume(s_rows, s_unif))
    return float(np.mean([e[0] for e in em])), float(np.mean(mv)), all(e[1] for e in em)


def run_folds(plan: _Plan, params: dict[str, Any] | None = None) -> tuple[pd.DataFrame, str]:
    """Fit and score every fold of ``plan`` (with ``params`` instead of the template's, if
    given): one row per fold, and the detector's name.
    """
    rows, name = [], ""
    for fold in range(plan.cv):
        test = plan.folds == fold
        train_frame, test_frame = plan.frame.iloc[~test], plan.frame.iloc[test]
        model: AnomalyModel = clone(plan.estimator)
        if params is not None:
            model.set_params(params=params or None)
        with warnings.catch_warnings():  # column warnings already show on detect/fit
            warnings.simplefilter("ignore", DataQualityWarning)
            _, seconds = timed(model.fit, train_frame)
            _, X_test, _ = model.preprocess(test_frame)
        scores = model.detector_.score_samples(X_test)
        name = model.algorithm_name
        row: dict[str, Any] = {"fold": fold, "n_train": int((~test).sum()),
                               "n_test": int(test.sum())}
        if plan.y is not None:
            y = plan.y[test]
            row.update(n_labelled=int((~np.isnan(y)).sum()), n_anomalies=int(np.sum(y == 1)),
                       roc_auc=roc_auc(y, scores), average_precision=average_precision(y, scores))
        if plan.internal:
            X_train = model.preprocess(train_frame)[1]
            em, mv, reached = _internal(model.detector_, X_train, X_test, plan.options, fold)
            row.update(excess_mass=em, mass_volume=mv, em_reached=reached)
        row["fit_seconds"] = round(float(seconds), 4)
        rows.append(row)
    return pd.DataFrame(rows).set_index("fold"), name


_METRICS = {"average_precision": "average precision", "roc_auc": "ROC-AUC",
            "excess_mass": "Excess-Mass area (higher is better)",
            "mass_volume": "Mass-Volume area (lower is better)"}


@dataclass(repr=False)
class ValidationReport:
    """Cross-validated quality of one detector.

    Attributes
    ----------
    algorithm, params : str, dict
        The detector (members joined by ``+`` for an ensemble) and its parameters.
    cv : int
        Folds actually used (may be lower than asked: see ``notes``).
    folds : pandas.DataFrame
        One row per fold: sizes, metrics, ``fit_seconds``.
    labelled, internal : bool
        Whether labels were used; whether the advisory EM / MV criteria were computed.
    """

    algorithm: str
    params: dict[str, Any]
    cv: int
    folds: pd.DataFrame
    labelled: bool
    internal: bool
    n_rows: int
    n_labelled: int = 0
    n_anomalies: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def metrics(self) -> list[str]:
        """Names of the metric columns present, most useful first."""
        return [m for m in _METRICS if m in self.folds.columns]

    @property
    def mean(self) -> dict[str, float]:
        """Mean of each metric over the folds."""
        return {m: float(self.folds[m].mean()) for m in self.metrics}

    @property
    def std(self) -> dict[str, float]:
        """Standard deviation of each metric over the folds."""
        return {m: float(self.folds[m].std(ddof=0)) for m in self.metrics}

    def to_frame(self) -> pd.DataFrame:
        """One row per fold (index ``fold``)."""
        return self.folds.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable report: settings, per-fold rows, mean/std, summary."""
        plain = (int, float, str, bool, type(None))
        return {"algorithm": self.algorithm, "cv": self.cv, "labelled": self.labelled,
                "params": {k: v if isinstance(v, plain) else repr(v)
                           for k, v in self.params.items()},
                "internal": self.internal, "n_rows": self.n_rows, "n_labelled": self.n_labelled,
                "n_anomalies": self.n_anomalies, "mean": self.mean, "std": self.std,
                "folds": json.loads(self.folds.reset_index().to_json(orient="records")),
                "notes": list(self.notes), "advisory": ADVISORY if self.internal else None,
                "summary": self.summary()}

    def summary(self) -> str:
        """A few plain sentences; with internal criteria, the advisory warning in full."""
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items()) or "default parameters"
        how = "stratified " if self.labelled else ""
        lines = [f"Validated {self.algorithm} ({params}) with {self.cv}-fold {how}"
                 f"cross-validation on {self.n_rows:,} rows"
                 + (f" ({self.n_labelled:,} labelled, {self.n_anomalies:,} anomalies)."
                    if self.labelled else " (no labels).")]
        for m in self.metrics:
            values = self.folds[m]
            lines.append(f"{_METRICS[m][0].upper()}{_METRICS[m][1:]}: {values.mean():.4g} "
                         f"+/- {values.std(ddof=0):.2g} (folds {values.min():.4g} to "
                         f"{values.max():.4g}).")
        lines.append("Each fold was fitted on the other folds and scored on its held-out rows"
                     + ("; metrics use the held-out labelled rows only." if self.labelled
                        else "."))
        if self.internal and not bool(self.folds["em_reached"].all()):
            lines.append("In some folds no uniform point fell in the detector's normal region, "
                         "so its volume could not be estimated: Excess-Mass is unreliable here "
                         "(raise n_uniform).")
        lines += self.notes
        if self.internal:
            lines.append(ADVISORY)
        return "\n".join(lines)

    def __repr__(self) -> str:
        scores = ", ".join(f"{m}={v:.4g}" for m, v in self.mean.items())
        return f"ValidationReport(algorithm={self.algorithm!r}, cv={self.cv}, {scores})"


def validate(data: Any, algorithm: Any = "auto", *, labels: Any = None, feedback: Any = None,
             params: dict[str, Any] | None = None, cv: int = 5, random_state: int = 0,
             features: Sequence[str] | None = None, exclude: Sequence[str] | None = None,
             preprocessing: dict[str, Any] | None = None, internal: bool | None = None,
             n_uniform: int = 10_000, max_features: int = 5,
             n_subsets: int = 10) -> ValidationReport:
    """Cross-validate a detector: with labels, ROC-AUC and average precision on held-out folds;
    without, the advisory Excess-Mass / Mass-Volume criteria (see the module docstring).

    Parameters
    ----------
    data : DataFrame, array, table, path or DetectionResult
        The rows (a result brings its rows, its model and its ``feedback``).
    algorithm : str, list of str, "auto" or AnomalyModel, default "auto"
        The detector to validate; a fitted model is re-fitted fold by fold with its algorithm,
        parameters and preprocessing. With a result and "auto", the result's model.
    labels : str or array-like, optional
        A column of ``data`` (left out of the features), an array or a Series: 1 = anomaly,
        0 = normal, missing = unlabelled.
    feedback : dict, optional
        Row label -> 1 or 0 (like ``result.feedback``), instead of ``labels``.
    params : dict, optional
        Detector parameters (added to a model's own).
    cv : int, default 5
        Number of folds; lowered (and said so) when there are fewer labelled anomalies.
    random_state : int, default 0
        Seed of the folds, the detectors, the uniform points and the feature subsets.
    features, exclude, preprocessing
        As for :func:`jupyter_ad.fit`.
    internal : bool, optional
        Compute Excess-Mass / Mass-Volume (default: only without labels).
    n_uniform, max_features, n_subsets : int
        Uniform points for the volumes; above ``max_features`` features, the number of random
        feature subsets of that size the criteria are averaged over.

    Returns
    -------
    ValidationReport

    Raises
    ------
    ParameterError
        Fewer than 2 labelled anomalies or normal rows, bad labels or options.

    Examples
    --------
    >>> import jupyter_ad as ad
    >>> df = ad.datasets.load_transactions(n_rows=600)
    >>> report = ad.validate(df, "iforest", labels="is_anomaly", cv=3)
    >>> report.mean["roc_auc"] > 0.8
    True
    """
    plan = plan_folds(data, algorithm, labels=labels, feedback=feedback, params=params, cv=cv,
                      random_state=random_state, features=features, exclude=exclude,
                      preprocessing=preprocessing, internal=internal, n_uniform=n_uniform,
                      max_features=max_features, n_subsets=n_subsets)
    folds, name = run_folds(plan)
    y = plan.y
    return ValidationReport(
        algorithm=name, params=dict(plan.estimator.params or {}), cv=plan.cv, folds=folds,
        labelled=y is not None,
        internal=plan.internal, n_rows=len(plan.frame),
        n_labelled=0 if y is None else int((~np.isnan(y)).sum()),
        n_anomalies=0 if y is None else int(np.sum(y == 1)), notes=list(plan.notes))
