"""Running detectors over datasets under a protocol: :func:`run_benchmark`.

Detectors come from the registry by name with their default parameters (``random_state`` set
to the seed where they have one) and get the protocol's min-max scaled matrix directly.
``auto`` is jupyter-ad's default (:func:`jupyter_ad.detect`): it gets the unscaled rows and
preprocesses them itself, as it would for a user (``ad.detect(X).scores`` under ``fit-all``,
``ad.fit(train).score_samples(test)`` under ``adbench``).

With ``pyod_defaults`` (the default under the ``adbench`` protocol) the detectors ADBench ran
from PyOD (:data:`PYOD_CLASSES`) are the PyOD classes themselves with PyOD's default
parameters, so the comparison with the paper is like for like; the one change is PCA's
``svd_solver="full"``: PyOD's PCA score is a distance to the component vectors, so it depends
on their signs, and scikit-learn 1.5 made ``svd_solver="auto"`` pick a solver with other signs
for tall data than the one of the paper's time (``"full"``).

Under ``fit-all`` the metrics use the training scores (what ``ad.detect`` returns:
leave-one-out for neighbour methods) and ``score_seconds`` is the time to score those rows again.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

from jupyter_ad.bench.datasets import BenchDataset, load_datasets
from jupyter_ad.bench.protocols import Fold, Protocol, get_protocol
from jupyter_ad.core.detectors.base import finite_scores, import_object
from jupyter_ad.errors import ParameterError
from jupyter_ad.evaluate.compare import FAST_DETECTORS
from jupyter_ad.evaluate.metrics import average_precision, roc_auc

__all__ = ["AUTO", "FAST", "PAPER", "PYOD_CLASSES", "RESULT_COLUMNS", "BenchmarkResult",
           "resolve_algorithms", "run_benchmark"]

AUTO = "auto"
FAST = (*FAST_DETECTORS, AUTO)  # iforest, ecod, copod, hbos, pca, loda, auto
# registry name -> (PyOD class, parameters that differ from PyOD's defaults)
PYOD_CLASSES: dict[str, tuple[str, dict[str, Any]]] = {
    "iforest": ("pyod.models.iforest.IForest", {}),
    "copod": ("pyod.models.copod.COPOD", {}),
    "hbos": ("pyod.models.hbos.HBOS", {}),
    "pca": ("pyod.models.pca.PCA", {"svd_solver": "full"}),
    "ecod": ("pyod.models.ecod.ECOD", {}),
    "knn": ("pyod.models.knn.KNN", {}),
    "lof": ("pyod.models.lof.LOF", {}),
    "ocsvm": ("pyod.models.ocsvm.OCSVM", {}),
    "cblof": ("pyod.models.cblof.CBLOF", {}),
    "loda": ("pyod.models.loda.LODA", {}),
}
PAPER = tuple(PYOD_CLASSES)
RESULT_COLUMNS = ["dataset", "detector", "seed", "roc_auc", "average_precision", "fit_seconds",
                  "score_seconds"]

Progress = Callable[[str], None]


@dataclass
class BenchmarkResult:
    """Everything a benchmark run measured.

    Attributes
    ----------
    results : pandas.DataFrame
        One row per (dataset, detector, seed): :data:`RESULT_COLUMNS`.
    datasets : pandas.DataFrame
        One row per dataset (index ``dataset``): rows, features, anomalies, reference_name.
    protocol : Protocol
        The protocol used.
    detectors : list of str
        The detectors run, in order.
    pyod_defaults : bool
        Whether :data:`PYOD_CLASSES` ran as PyOD classes with PyOD's defaults.
    failures : list of dict
        ``dataset``, ``detector``, ``seed``, ``error`` of each run that raised.
    """

    results: pd.DataFrame
    datasets: pd.DataFrame
    protocol: Protocol
    detectors: list[str]
    pyod_defaults: bool
    failures: list[dict[str, Any]] = field(default_factory=list)

    def summary(self, metric: str = "roc_auc") -> pd.DataFrame:
        """Dataset x detector mean of ``metric`` over seeds (datasets and detectors in order)."""
        table = self.results.pivot_table(index="dataset", columns="detector", values=metric,
                                         aggfunc="mean", dropna=False)
        return table.reindex(index=self.datasets.index, columns=self.detectors)

    def means(self, metric: str = "roc_auc") -> pd.Series:
        """Mean of ``metric`` per detector over the datasets (best first)."""
        return self.summary(metric).mean().sort_values(ascending=False)


def resolve_algorithms(algorithms: str | Sequence[str]) -> list[str]:
    """Detector names from ``"fast"``, ``"paper"``, ``"all"`` or names (``"a,b"`` or a list).

    ``fast`` is iforest, ecod, copod, hbos, pca, loda and auto; ``paper`` the detectors of the
    ADBench table that jupyter-ad has (pca, ocsvm, lof, cblof, hbos, knn, copod, ecod, loda,
    iforest); ``all`` every registered detector and auto. Unknown names raise
    :class:`~jupyter_ad.errors.UnknownAlgorithmError`.
    """
    from jupyter_ad.core.registry import get_detector_info, list_detectors

    keyword = algorithms.strip().lower() if isinstance(algorithms, str) else None
    if keyword == "fast":
        names = list(FAST)
    elif keyword == "paper":
        names = list(PAPER)
    elif keyword == "all":
        names = [*list_detectors().index, AUTO]
    else:
        items = algorithms.split(",") if isinstance(algorithms, str) else list(algorithms)
        names = [str(a).strip().lower() for a in items if str(a).strip()]
    if not names:
        raise ParameterError("No detectors given: use names like 'iforest,copod', or 'fast', "
                             "'paper' or 'all'.")
    for name in names:
        if name != AUTO:
            get_detector_info(name)
    return list(dict.fromkeys(names))


class _PyODRun:
    """A PyOD model behind the fit / training scores / score interface of the runner."""

    def __init__(self, name: str, seed: int) -> None:
        path, params = PYOD_CLASSES[name]
        self.model = import_object(path)(**params)
        if "random_state" in self.model.get_params():
            self.model.set_params(random_state=seed)

    def fit(self, X: np.ndarray) -> Any:
        return self.model.fit(X)

    def training_scores(self) -> np.ndarray:
        return np.asarray(self.model.decision_scores_)

    def score(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.decision_function(X))


class _RegistryRun:
    """A registry detector with its defaults, seeded."""

    def __init__(self, name: str, seed: int) -> None:
        from jupyter_ad.core.registry import build_detector

        self.detector = build_detector(name)
        if "random_state" in self.detector.get_params(deep=False):
            self.detector.set_params(random_state=seed)

    def fit(self, X: np.ndarray) -> Any:
        return self.detector.fit(X)

    def training_scores(self) -> np.ndarray:
        return np.asarray(self.detector.decision_scores_)

    def score(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.detector.score_samples(X))


def _run_auto(ds: BenchDataset, fold: Fold) -> tuple[np.ndarray, float, float]:
    import jupyter_ad as ad

    fit_rows = ds.raw_rows(fold.fit_rows)
    start = time.perf_counter()
    train_scores: np.ndarray | None = None
    if fold.same_rows:
        res = ad.detect(fit_rows, random_state=fold.seed)
        model, train_scores = res.model, np.asarray(res.scores)
    else:
        model = ad.fit(fit_rows, random_state=fold.seed)
    fit_s = time.perf_counter() - start
    score_rows = fit_rows if fold.same_rows else ds.raw_rows(fold.score_rows)
    start = time.perf_counter()
    scored = model.score_samples(score_rows)
    score_s = time.perf_counter() - start
    return (scored if train_scores is None else train_scores), fit_s, score_s


def _run_one(name: str, ds: BenchDataset, fold: Fold, X_fit: np.ndarray, X_score: np.ndarray,
             pyod_defaults: bool) -> tuple[np.ndarray, float, float]:
    """Scores of the fold's scored rows, fit seconds, score seconds."""
    if name == AUTO:
        return _run_auto(ds, fold)
    run: _PyODRun | _RegistryRun = (_PyODRun(name, fold.seed)
                                    if pyod_defaults and name in PYOD_CLASSES
                                    else _RegistryRun(name, fold.seed))
    start = time.perf_counter()
    run.fit(X_fit)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    scored = run.score(X_score)
    score_s = time.perf_counter() - start
    return (run.training_scores() if fold.same_rows else scored), fit_s, score_s


def _metrics(y: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    if y.min() == y.max():
        return np.nan, np.nan
    s = finite_scores(scores)
    return roc_auc(y, s), average_precision(y, s)


def _scaled(ds: BenchDataset, fold: Fold) -> tuple[np.ndarray, np.ndarray]:
    X_fit = ds.X[fold.fit_rows]
    scaler = MinMaxScaler().fit(X_fit)
    X_fit = scaler.transform(X_fit)
    return X_fit, (X_fit if fold.same_rows else scaler.transform(ds.X[fold.score_rows]))


def _dataset_table(datasets: list[BenchDataset]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"dataset": d.name, "rows": d.shape[0], "features": d.shape[1],
          "anomalies": int(d.y.sum()), "reference_name": d.reference_name} for d in datasets]
    ).set_index("dataset")


def run_benchmark(
    data: str | os.PathLike[str] | Iterable[str | os.PathLike[str] | BenchDataset],
    algorithms: str | Sequence[str] = "fast",
    *,
    protocol: str | Protocol = "adbench",
    n_seeds: int | None = None,
    max_rows: int | None = None,
    label_column: str | None = None,
    pyod_defaults: bool | None = None,
    duplicate_padding: bool = False,
    on_progress: Progress | None = None,
) -> BenchmarkResult:
    """Run detectors on labelled datasets under a protocol and measure them.

    Parameters
    ----------
    data : path, list of paths, or list of BenchDataset
        ADBench ``.npz`` files, folders of them, or labelled tables (see
        :func:`jupyter_ad.bench.datasets.load_datasets`).
    algorithms : str or list of str, default "fast"
        Detector names, ``"fast"``, ``"paper"`` or ``"all"`` (see :func:`resolve_algorithms`);
        ``"auto"`` is jupyter-ad's default.
    protocol : {"adbench", "fit-all"} or Protocol, default "adbench"
        See :mod:`jupyter_ad.bench.protocols`.
    n_seeds, max_rows : int, optional
        Seeds ``0 .. n_seeds - 1`` and the row cap (defaults: the protocol's).
    label_column : str, optional
        Label column of table inputs.
    pyod_defaults : bool, optional
        Run :data:`PYOD_CLASSES` as PyOD's own classes with PyOD's defaults (default: only
        under the ``adbench`` protocol).
    duplicate_padding : bool, default False
        ADBench's padding of files under 1,000 rows (``adbench`` protocol only).
    on_progress : callable, optional
        Called with a short message before each dataset.

    Returns
    -------
    BenchmarkResult
    """
    names = resolve_algorithms(algorithms)
    proto = get_protocol(protocol, n_seeds=n_seeds, max_rows=max_rows,
                         duplicate_padding=duplicate_padding)
    use_pyod = proto.name == "adbench" if pyod_defaults is None else bool(pyod_defaults)
    items = [data] if isinstance(data, str | os.PathLike | BenchDataset) else list(data)
    datasets = [d for d in items if isinstance(d, BenchDataset)]
    paths = [d for d in items if not isinstance(d, BenchDataset)]
    if paths:
        datasets += load_datasets(paths, label_column=label_column)
    if not datasets:
        raise ParameterError("No datasets to benchmark.")
    rows: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for ds in datasets:
        if on_progress is not None:
            on_progress(f"{ds.name} ({ds.shape[0]:,} rows x {ds.shape[1]} features)")
        for fold in proto.folds(ds.y):
            X_fit, X_score = _scaled(ds, fold)
            y = ds.y[fold.score_rows]
            for name in names:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        scores, fit_s, score_s = _run_one(name, ds, fold, X_fit, X_score,
                                                          use_pyod)
                    auc, ap = _metrics(y, scores)
                except Exception as exc:  # a benchmark reports a failing detector, goes on
                    failures.append({"dataset": ds.name, "detector": name, "seed": fold.seed,
                                     "error": f"{type(exc).__name__}: {exc}"})
                    auc = ap = fit_s = score_s = np.nan
                rows.append(dict(zip(RESULT_COLUMNS, (ds.name, name, fold.seed, auc, ap, fit_s,
                                                      score_s), strict=True)))
    return BenchmarkResult(results=pd.DataFrame(rows, columns=RESULT_COLUMNS),
                           datasets=_dataset_table(datasets), protocol=proto, detectors=names,
                           pyod_defaults=use_pyod, failures=failures)
