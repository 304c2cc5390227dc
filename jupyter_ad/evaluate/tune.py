"""Hyperparameter optimisation of one detector with Optuna (US-021): :func:`tune`.

Every trial is scored by cross-validation (:mod:`jupyter_ad.evaluate.validate`) on the same
folds. **With labels** (or ``result.feedback``) the objective is the mean held-out average
precision (or ROC-AUC). **Without labels** it is the mean held-out Excess-Mass area, an
*advisory* internal criterion that can be misleading
(:data:`~jupyter_ad.evaluate.metrics.ADVISORY`).

The search is Optuna's TPE sampler seeded by ``random_state``. The detector's defaults are the
first trial (or scored apart when they lie outside the space) and are kept if no trial beats
them. Default spaces (:data:`DEFAULT_SPACES`) cover iforest, knn, lof, hbos, ocsvm, pca, cblof,
loda, gmm, kde and inne; other detectors get one derived from their parameter rules (integers
from a fifth to five times the default, positive numbers from a tenth to ten times, bounded
numbers over their bounds, choices as they are). ``param_space`` overrides entries: a
``(low, high)`` range (``(low, high, "log")`` for a log scale; integers when both ends are), a
list of choices, or ``None`` to leave a parameter at its default. Neighbour counts, sample
sizes and cluster counts are capped at the rows of a training fold. Optuna is optional.
"""

from __future__ import annotations

import importlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from jupyter_ad.core.model import AnomalyModel
from jupyter_ad.core.registry import get_detector_info
from jupyter_ad.errors import JupyterADError, OptionalDependencyError, ParameterError
from jupyter_ad.evaluate.metrics import ADVISORY
from jupyter_ad.evaluate.search_space import DEFAULT_SPACES, Dim, search_space
from jupyter_ad.evaluate.validate import plan_folds, run_folds

__all__ = ["DEFAULT_SPACES", "INSTALL", "Dim", "TuningResult", "search_space", "tune"]

INSTALL = "pip install 'jupyter-ad[tuning]'  (or: pip install optuna)"
_METRICS = {"average_precision": "maximize", "roc_auc": "maximize",
            "excess_mass": "maximize", "mass_volume": "minimize"}
_ROW_CAPPED = ("n_neighbors", "max_samples", "n_clusters")
_NOT_SEARCHED = ("random_state", "n_jobs", "verbose", "max_reference")  # not model settings
_TUNE_SUBSETS = 5  # feature subsets per fold for the internal criteria (validate uses 10)


@dataclass(repr=False)
class TuningResult:
    """What :func:`tune` found.

    Attributes
    ----------
    best_params : dict
        The best trial's parameters (the others stay at the detector's defaults).
    best_score, default_score : float
        Mean cross-validated ``metric`` of the best trial (optimistic: the best of many on
        the same folds) and of the default parameters (NaN if they failed).
    metric : str
        ``"average_precision"``, ``"roc_auc"``, ``"excess_mass"`` or ``"mass_volume"``.
    trials : pandas.DataFrame
        One row per trial: ``value``, ``state``, ``seconds``, the parameters, ``error``.
    model : AnomalyModel
        Fitted on all rows with ``best_params`` (via :func:`jupyter_ad.fit`).
    space : dict
        Parameter name -> :class:`Dim` searched.
    """

    algorithm: str
    best_params: dict[str, Any]
    best_score: float
    metric: str
    default_score: float
    trials: pd.DataFrame
    model: AnomalyModel
    space: dict[str, Dim]
    cv: int
    n_labelled: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def advisory(self) -> bool:
        """True when the objective is an internal criterion (no labels)."""
        return self.metric in ("excess_mass", "mass_volume")

    def summary(self) -> str:
        """A few plain sentences (with the advisory warning when there were no labels)."""
        done = int((self.trials["state"] == "COMPLETE").sum())
        on = (f"on {self.n_labelled:,} labelled rows" if not self.advisory
              else "on unlabelled rows (internal criterion)")
        best = ", ".join(f"{k}={v!r}" for k, v in self.best_params.items())
        lines = [f"Tuned {self.algorithm} with Optuna (TPE): {len(self.trials)} trials "
                 f"({done} completed), {self.cv}-fold cross-validated "
                 f"{self.metric.replace('_', ' ')} {on}.",
                 f"Best {self.best_score:.4g} with {best}; the default parameters scored "
                 f"{self.default_score:.4g}.",
                 "Searched: " + "; ".join(f"{k} {d.describe()}" for k, d in self.space.items())
                 + ".",
                 "The best score is the best of all trials on the same folds, so it is "
                 "optimistic: check the model on rows the tuning did not see."]
        lines += self.notes
        if self.advisory:
            lines.append(ADVISORY)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable result (the model is summarised by its name and parameters)."""
        trials = self.trials.astype(object).where(self.trials.notna(), None)
        return {"algorithm": self.algorithm, "metric": self.metric,
                "best_params": _plain(self.best_params), "best_score": self.best_score,
                "default_score": None if math.isnan(self.default_score) else self.default_score,
                "cv": self.cv, "n_labelled": self.n_labelled, "advisory": self.advisory,
                "space": {k: d.describe() for k, d in self.space.items()},
                "trials": [_plain(r) for r in trials.to_dict(orient="records")],
                "notes": list(self.notes), "summary": self.summary()}

    def plot(self) -> Any:
        """An Altair chart: each trial's objective, and the best so far (imports altair now)."""
        return tuning_chart(self.trials, self.metric)

    def __repr__(self) -> str:
        return (f"TuningResult(algorithm={self.algorithm!r}, metric={self.metric!r}, "
                f"best_score={self.best_score:.4g}, best_params={self.best_params!r})")


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {str(k): v.item() if isinstance(v, np.generic) else v for k, v in values.items()}


def tuning_chart(trials: pd.DataFrame, metric: str) -> Any:
    """Objective per trial (points) and best so far (line), as an Altair chart."""
    import altair as alt

    done = trials[trials["state"] == "COMPLETE"]
    best = (done["value"].cummin() if _METRICS.get(metric) == "minimize"
            else done["value"].cummax())
    frame = pd.DataFrame({"trial": done.index.to_numpy(), "value": done["value"].to_numpy(),
                          "best so far": best.to_numpy()})
    base = alt.Chart(frame).encode(x=alt.X("trial:Q", title="trial"))
    points = base.mark_circle(size=50).encode(
        y=alt.Y("value:Q", title=metric.replace("_", " ")), tooltip=["trial", "value"])
    return (points + base.mark_line(color="#d62728").encode(y="best so far:Q")).properties(
        title=f"Tuning: {metric.replace('_', ' ')} by trial")


def _optuna() -> Any:
    try:
        return importlib.import_module("optuna")
    except ImportError as exc:
        raise OptionalDependencyError(f"tune() needs Optuna: {INSTALL}") from exc


def tune(data: Any, algorithm: str, *, labels: Any = None, feedback: Any = None,
         param_space: dict[str, Any] | None = None, n_trials: int = 30, cv: int = 3,
         timeout: float | None = None, random_state: int = 0,
         metric: str = "average_precision", features: Any = None, exclude: Any = None,
         preprocessing: dict[str, Any] | None = None) -> TuningResult:
    """Search a detector's parameters for the best cross-validated score (needs Optuna).

    Parameters
    ----------
    data : DataFrame, array, table, path or DetectionResult
        The rows (a result brings its ``feedback`` as labels).
    algorithm : str
        One registered detector name.
    labels : str or array-like, optional
        A column of ``data`` or an array: 1 = anomaly, 0 = normal, missing = unlabelled.
    feedback : dict or array-like, optional
        Row label -> 1/0 (like ``result.feedback``), or a labels array.
    param_space : dict, optional
        Name -> ``(low, high)``, ``(low, high, "log")``, ``[choices]`` or ``None`` (not
        searched); overrides the default space entry by entry (see the module docstring).
    n_trials : int, default 30
    cv : int, default 3
        Folds per trial (lowered when there are fewer labelled anomalies).
    timeout : float, optional
        Stop starting new trials after this many seconds.
    random_state : int, default 0
        Seed of the sampler, the folds and the detectors: the same call gives the same result.
    metric : str, default "average_precision"
        With labels ``"average_precision"`` or ``"roc_auc"``; ``"excess_mass"`` (the default
        without labels) or ``"mass_volume"`` are advisory internal criteria.
    features, exclude, preprocessing
        As for :func:`jupyter_ad.fit`.

    Returns
    -------
    TuningResult

    Raises
    ------
    OptionalDependencyError
        Optuna is not installed.
    ParameterError
        Unknown parameter names or values out of range in ``param_space``, bad options, too
        few labelled anomalies, or every trial failed.
    """
    optuna = _optuna()
    if not isinstance(algorithm, str) or algorithm.strip().lower() == "auto":
        raise ParameterError(f"tune needs one detector name, e.g. 'iforest'; got {algorithm!r}.")
    if metric not in _METRICS:
        raise ParameterError(f"metric must be one of {', '.join(_METRICS)}; got {metric!r}.")
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
        raise ParameterError(f"n_trials must be a whole number >= 1, got {n_trials!r}.")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)
                                or timeout <= 0):
        raise ParameterError(f"timeout must be a number of seconds > 0, got {timeout!r}.")
    name = get_detector_info(algorithm).name
    plan = plan_folds(data, name, labels=labels, feedback=feedback, cv=cv,
                      random_state=random_state, features=features, exclude=exclude,
                      preprocessing=preprocessing, n_subsets=_TUNE_SUBSETS)
    notes = list(plan.notes)
    if plan.y is None and metric in ("average_precision", "roc_auc"):
        notes.append(f"No labels: the objective is the Excess-Mass area instead of {metric}.")
        metric = "excess_mass"
    plan.internal = metric in ("excess_mass", "mass_volume")
    n_train = len(plan.frame) - int(np.bincount(plan.folds).max())
    space = search_space(name, param_space, n_train)
    defaults = get_detector_info(name).defaults
    start = {k: (float(defaults[k]) if d.kind == "float" else defaults[k])
             for k, d in space.items() if d.contains(defaults.get(k))}

    def objective(trial: Any) -> float:
        params = {n: d.suggest(trial, n) for n, d in space.items()}
        begin = time.perf_counter()
        try:
            value = float(run_folds(plan, params)[0][metric].mean())
        except (JupyterADError, ValueError, ArithmeticError) as exc:
            trial.set_user_attr("error", f"{type(exc).__name__}: {exc}"[:300])
            return math.nan
        finally:
            trial.set_user_attr("seconds", round(time.perf_counter() - begin, 4))
        return value if math.isfinite(value) else math.nan

    sampler = optuna.samplers.TPESampler(seed=random_state,
                                         n_startup_trials=min(10, max(2, n_trials // 3)))
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        study = optuna.create_study(direction=_METRICS[metric], sampler=sampler)
        if start:
            study.enqueue_trial(start)
        study.optimize(objective, n_trials=n_trials, timeout=timeout)
    finally:
        optuna.logging.set_verbosity(verbosity)
    trials = pd.DataFrame([{"trial": t.number, "value": math.nan if t.value is None else t.value,
                            "state": t.state.name, "seconds": t.user_attrs.get("seconds"),
                            **t.params, "error": t.user_attrs.get("error")}
                           for t in study.trials]).set_index("trial")
    if not (trials["state"] == "COMPLETE").any():
        raise ParameterError(f"Every trial of {name} failed; the first: {trials['error'].iloc[0]}")
    if len(start) == len(space) and trials["state"].iloc[0] == "COMPLETE":
        default_score = float(trials["value"].iloc[0])
    else:
        try:
            default_score = float(run_folds(plan, {})[0][metric].mean())
        except (JupyterADError, ValueError, ArithmeticError):
            default_score = math.nan
    best, best_score = _plain(study.best_params), float(study.best_value)
    if (default_score > best_score if _METRICS[metric] == "maximize"
            else default_score < best_score):
        best, best_score = {k: defaults[k] for k in space}, default_score
        notes.append("The default parameters scored better than every trial: best_params are "
                     "the defaults.")
    model: AnomalyModel = clone(plan.estimator).set_params(params=best).fit(plan.frame)
    return TuningResult(algorithm=name, best_params=best, best_score=best_score,
                        metric=metric, default_score=default_score, trials=trials, model=model,
                        space=space, cv=plan.cv, notes=notes,
                        n_labelled=0 if plan.y is None else int((~np.isnan(plan.y)).sum()))
