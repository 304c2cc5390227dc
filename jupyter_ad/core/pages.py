"""Ordinary memory pages while the library fits a model (Linux).

NumPy asks Linux for transparent huge pages (``madvise(MADV_HUGEPAGE)``) for every array of
4 MB or more. Where ``/sys/kernel/mm/transparent_hugepage/defrag`` is ``madvise`` (the default
of Debian and Ubuntu) and memory is fragmented, the first write to such an array can stall
while the kernel compacts memory (NumPy issue 31590). On the 2-core reference machine after
16 hours of uptime, ``ad.detect`` on 1,000,000 x 20 took 2.8-3.3 s on its first call with the
advice and 1.0 s without; on 10,000,000 x 20, 24.9 s against 7.3 s.

:func:`ordinary_pages` switches NumPy's advice off while the library fits (``fit``,
``fit_detect``, ``ad.detect``), and back to what it was afterwards, so the rest of the process
keeps NumPy's behaviour. Batch scoring keeps the advice: a model scores batches again and
again, and once huge pages are free they are faster (1,000,000 rows scored in 0.39-0.54 s with
them, 0.57-0.69 s without). It does nothing when ``NUMPY_MADVISE_HUGEPAGE`` is set (the user
has chosen) or when this NumPy has no switch.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

__all__ = ["ordinary_pages"]

_LOCK = threading.Lock()
_state = {"depth": 0, "before": True}


def _switches() -> tuple[Callable[[], bool], Callable[[bool], bool]] | None:
    """NumPy's getter and setter of the huge-page advice, or None (not Linux, an old NumPy)."""
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    multiarray = getattr(core, "multiarray", None)
    get = getattr(multiarray, "_get_madvise_hugepage", None)
    set_ = getattr(multiarray, "_set_madvise_hugepage", None)
    return (get, set_) if get is not None and set_ is not None else None


@contextmanager
def ordinary_pages() -> Iterator[None]:
    """NumPy allocations inside use ordinary pages; nested and concurrent uses are counted,
    and the last one out restores the advice as it was before the first one came in. Also a
    decorator: ``@ordinary_pages()``.
    """
    switches = None if "NUMPY_MADVISE_HUGEPAGE" in os.environ else _switches()
    if switches is None:
        yield
        return
    get, set_ = switches
    with _LOCK:
        if _state["depth"] == 0:
            _state["before"] = bool(get())
            set_(False)
        _state["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                set_(bool(_state["before"]))

