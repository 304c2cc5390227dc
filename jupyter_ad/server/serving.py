"""The models a service serves, and how it swaps them when an alias moves.

Each served model is a :class:`Served` value (the model, its name, version and the spec it
follows). A request takes the current value once and uses it to the end, and a swap replaces
the value in one assignment after the new version has been loaded, verified by the store
(signature and hash before unpickling) and warmed up: no request fails or waits for a swap.

Served models are monitored (:mod:`jupyter_ad.monitoring`, unless ``[monitoring] enabled =
false``): each gets a tracker once warmed up, the routes fold their scoring calls into one
record per flush window (source ``service``), and :meth:`ModelSet.flush_monitoring` writes the
windows that are due (the service calls it every second, and at shutdown), as well as the
last rows of versions swapped out.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jupyter_ad.errors import JupyterADError, ModelNotFoundError, UntrustedModelError
from jupyter_ad.io.store import ModelStore, parse_ref

__all__ = ["ModelSet", "Served"]

log = logging.getLogger("jupyter_ad.server")


@dataclass(frozen=True)
class Served:
    """One loaded model version and the spec it was loaded for."""

    name: str
    version: int
    spec: str
    model: Any
    manifest: dict[str, Any] = field(repr=False)
    loaded_at: float = field(default_factory=time.time)

    @property
    def ref(self) -> str:
        """``"name@version"``."""
        return f"{self.name}@{self.version}"

    @property
    def follows(self) -> str:
        """What the spec follows: ``"alias production"``, ``"newest"`` or ``"pinned"``."""
        _, version, alias = parse_ref(self.spec)
        if alias is not None:
            return f"alias {alias}"
        return "pinned" if version is not None else "newest"

    _confidence_memo: dict[tuple[int, int], float] = field(default_factory=dict, repr=False)

    def confidence_one(self, score: float, label: int) -> float:
        """ExCeeD confidence of one row's label, as ``model.score`` computes it.

        :func:`~jupyter_ad.core.confidence.exceed_confidence` depends on a score only through
        its rank among the training scores; one call costs about as much as scoring a row (a
        SciPy binomial tail), so its value is remembered per (rank, label). Tested equal to
        ``model.score(rows).confidence``.
        """
        from jupyter_ad.core.confidence import exceed_confidence

        train = self.model.train_scores_sorted_
        memo_key = (int(np.searchsorted(train, score, side="right")), int(label))
        value = self._confidence_memo.get(memo_key)
        if value is None:
            value = float(exceed_confidence(np.array([score]), train, self.model.threshold_,
                                            np.array([label]))[0])
            if len(self._confidence_memo) < 100_000:
                self._confidence_memo[memo_key] = value
        return value


class ModelSet:
    """The served models, loaded from the store, re-checked by :meth:`refresh`.

    Parameters
    ----------
    specs : sequence of str
        ``NAME`` (the newest version), ``NAME@VERSION`` or ``NAME@ALIAS``; empty: every model
        in the store, each at its newest version (names saved later are picked up too).
    store : str, optional
        The store folder.
    on_swap : callable, optional
        Called with ``(old, new)`` after each swap (``old`` is ``None`` for a first load).
    """

    def __init__(self, specs: tuple[str, ...] | list[str], store: str | None = None, *,
                 on_swap: Callable[[Served | None, Served], None] | None = None) -> None:
        self.store = ModelStore(store)
        self.all_models = not specs
        self.specs: dict[str, str] = {}
        for spec in specs:
            name = parse_ref(spec)[0]
            if name in self.specs:
                raise JupyterADError(f"Model {name!r} is given twice in models "
                                     f"({self.specs[name]!r} and {spec!r}): serve one.")
            self.specs[name] = spec
        self._served: dict[str, Served] = {}
        self.problems: dict[str, str] = {}
        self._on_swap = on_swap
        self._lock = threading.Lock()
        self._retired: list[Served] = []  # swapped out: their last monitoring rows to write
        self._monitor_warned = False

    # -- reading --------------------------------------------------------------------------------
    def get(self, name: str) -> Served:
        """The served model called ``name`` (404 error if it is not served)."""
        served = self._served.get(name)
        if served is None:
            known = ", ".join(sorted(self._served)) or "none"
            raise ModelNotFoundError(f"No model {name!r} is served here; served models: "
                                     f"{known}.")
        return served

    def all(self) -> list[Served]:
        """Every served model, by name."""
        return [self._served[n] for n in sorted(self._served)]

    def ready(self) -> tuple[bool, dict[str, str]]:
        """Whether every wanted model is loaded, and what is wrong with the others."""
        missing = {n: self.problems.get(n, "not loaded yet") for n in self.specs
                   if n not in self._served}
        if self.all_models and not self._served:
            missing["*"] = self.problems.get("*", f"no model in the store at {self.store.root}")
        return not missing, missing

    # -- loading and swapping -------------------------------------------------------------------
    def _names(self) -> dict[str, str]:
        if not self.all_models:
            return dict(self.specs)
        with contextlib.suppress(OSError):
            found = {n: n for n in self.store._names()}
            self.specs = found
            return found
        return dict(self.specs)

    def target_version(self, spec: str) -> int:
        """The version ``spec`` points to now (no model file is read)."""
        name, version, alias = parse_ref(spec)
        if alias is not None:
            return int(self.store.alias_version(name, alias))
        if version is not None:
            return version
        versions = self.store.versions(name)
        if not versions:
            raise ModelNotFoundError(f"No model {name!r} in the store at {self.store.root}.")
        return int(versions[-1])

    def load_version(self, name: str, version: int, spec: str) -> Served:
        """Load, verify and warm up ``name@version`` (not served yet)."""
        from jupyter_ad.core.model import AnomalyModel

        model, manifest = self.store.load(f"{name}@{version}")  # verified before unpickling
        if not isinstance(model, AnomalyModel):
            raise UntrustedModelError(f"{name}@{version} holds a {type(model).__name__}, not "
                                      "a jupyter-ad AnomalyModel; it is not served.")
        model._check_fitted()
        _warm_up(model)  # before the tracker: warm-up calls are not monitoring records
        self._attach(model, name, version)
        return Served(name=name, version=version, spec=spec, model=model, manifest=manifest)

    def _attach(self, model: Any, name: str, version: int) -> None:
        """Give ``model`` its monitoring tracker (if monitoring is on); never fails a load."""
        from jupyter_ad.monitoring import attach

        try:
            attach(model, name, version, root=self.store.root)
        except Exception as exc:
            self._monitor_problem(f"{name}@{version}", exc)

    def _monitor_problem(self, ref: str, exc: Exception) -> None:
        if not self._monitor_warned:
            self._monitor_warned = True
            log.warning("monitoring failed; scoring goes on unrecorded", extra={
                "event": "monitoring_error", "model": ref,
                "error": f"{type(exc).__name__}: {exc}"})

    def flush_monitoring(self, *, force: bool = False) -> None:
        """Write the monitoring windows that are due (``force``: all of them), and every
        window of the versions swapped out since the last call. Never raises.
        """
        with self._lock:
            retired, self._retired = self._retired, []
            current = list(self._served.values())
        for served, everything in [(s, True) for s in retired] + [(s, force) for s in current]:
            tracker = served.model.__dict__.get("_monitor")
            if tracker is None:
                continue
            try:
                if everything:
                    tracker.flush(served.model)
                else:
                    tracker.flush_due(served.model)
            except Exception as exc:
                self._monitor_problem(served.ref, exc)

    def install(self, new: Served) -> None:
        """Serve ``new`` in place of the model of its name (one assignment)."""
        with self._lock:
            old = self._served.get(new.name)
            self._served[new.name] = new
            self.problems.pop(new.name, None)
            if old is not None and old.model is not new.model:
                self._retired.append(old)
        if self._on_swap is not None and (old is None or old.version != new.version):
            self._on_swap(old, new)

    def refresh(self, only: str | None = None) -> list[str]:
        """Load what the specs point to now where it differs from what is served.

        Returns the names swapped. A spec that cannot be followed (alias removed, file
        altered) keeps its current model and is reported in :attr:`problems` and the log.
        """
        swapped = []
        for name, spec in self._names().items():
            if only is not None and name != only:
                continue
            try:
                version = self.target_version(spec)
                current = self._served.get(name)
                if current is not None and current.version == version and current.spec == spec:
                    continue
                self.install(self.load_version(name, version, spec))
                swapped.append(name)
            except JupyterADError as exc:
                message = " ".join(str(exc).split())
                if self.problems.get(name) != message:
                    log.error("cannot load model", extra={"event": "model_error",
                                                          "model": spec, "error": message})
                self.problems[name] = message
        if self.all_models:
            for gone in set(self._served) - set(self.specs):
                with self._lock:
                    dropped = self._served.pop(gone, None)
                    if dropped is not None:
                        self._retired.append(dropped)
        return swapped


def _warm_up(model: Any) -> None:
    """Score a few training rows through both paths, so a first request is not slow."""
    rows = getattr(model, "reference_rows_", None)
    if rows is None or len(rows) == 0:
        return
    with contextlib.suppress(Exception):  # warm-up only: a failure shows on the first request
        model.score(rows.head(3)).confidence  # noqa: B018
        model.score_one(rows.iloc[0].to_dict())
