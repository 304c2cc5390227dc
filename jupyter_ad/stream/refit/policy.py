"""When and how a stream refits its model on the window of recent events.

The new model is fitted in a thread of its own (scoring goes on with the current one), saved
as the next version in the model store when the stream's model has a name, and swapped in
between two micro-batches.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["RefitPolicy", "Refitter"]


@dataclass
class RefitPolicy:
    """``every``: refit every N events (0: never); ``on_drift``: refit when features drift."""

    every: int = 0
    on_drift: bool = False

    def due(self, events_since: int, drifted: bool) -> bool:
        """Whether a refit is due."""
        return (self.every > 0 and events_since >= self.every) or (self.on_drift and drifted)


@dataclass
class Refitter:
    """Fits a clone of the model on a window in a thread; :meth:`ready` hands over the
    result once.
    """

    name: str | None = None  # the model's name in the store
    store: Any = None
    _thread: threading.Thread | None = None
    _result: tuple[Any, str] | None = None
    error: str = ""
    count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def busy(self) -> bool:
        """A refit is running."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, model: Any, window: pd.DataFrame, base_version: str) -> bool:
        """Start refitting ``model``'s clone on ``window`` (``False`` if one is running)."""
        if self.busy or not len(window):
            return False
        self._thread = threading.Thread(target=self._fit, args=(model, window, base_version),
                                        daemon=True, name="jupyter-ad-refit")
        self._thread.start()
        return True

    def _fit(self, model: Any, window: pd.DataFrame, base_version: str) -> None:
        from sklearn.base import clone

        try:
            columns = [c for c in model.feature_names_in_ if c in window.columns]
            new = clone(model).fit(window[columns])
            if self.name:
                version = str(new.save(self.name, root=self.store))
            else:
                version = f"{base_version.split('+')[0]}+refit{self.count + 1}"
        except Exception as exc:  # a failed refit keeps the current model
            self.error = f"{type(exc).__name__}: {exc}"
            return
        with self._lock:
            self.count += 1
            self._result = (new, version)

    def ready(self) -> tuple[Any, str] | None:
        """The refitted model and its version, once (``None`` until one is ready)."""
        with self._lock:
            result, self._result = self._result, None
        return result

    def join(self, timeout: float | None = None) -> None:
        """Wait for a running refit."""
        if self._thread is not None:
            self._thread.join(timeout)
