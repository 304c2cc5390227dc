"""Top-level store functions: :func:`load` and :func:`models`."""

from __future__ import annotations

import os
from typing import Any

from jupyter_ad.errors import UntrustedModelError

__all__ = ["load", "models"]


def load(spec: str | os.PathLike[str], *, trusted: bool = False,
         root: str | os.PathLike[str] | None = None) -> Any:
    """Load a saved model: ``"name"`` (latest), ``"name@3"``, ``"name@production"`` (the
    version an alias points to), or the path of a version folder.

    Models are verified against the store key's signature first; a file signed with another
    key, or altered since, raises :class:`~jupyter_ad.errors.UntrustedModelError` unless
    ``trusted=True`` (which unpickles it: only for files whose origin you trust).
    """
    from jupyter_ad.core.model import AnomalyModel
    from jupyter_ad.io.store import ModelStore, load_file

    store = ModelStore(root)
    if isinstance(spec, os.PathLike) or (isinstance(spec, str) and os.sep in spec):
        obj, _ = load_file(spec, trusted=trusted, store=store)
    else:
        obj, _ = store.load(spec, trusted=trusted)
    if not isinstance(obj, AnomalyModel):
        raise UntrustedModelError(
            f"{spec!r} holds a {type(obj).__name__}, not a jupyter-ad AnomalyModel."
        )
    return obj


def models(*, root: str | os.PathLike[str] | None = None) -> Any:
    """A DataFrame of every saved model version: name, version, created, algorithm, features,
    metrics, aliases, status (``ok``, ``broken``, ``old key``), problem, path.
    """
    from jupyter_ad.io.store import ModelStore

    return ModelStore(root).list()
