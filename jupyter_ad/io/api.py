"""Top-level store functions: :func:`load` and :func:`models`."""

from __future__ import annotations

import os
from typing import Any

from jupyter_ad.errors import UntrustedModelError

__all__ = ["load", "models"]


def load(spec: str | os.PathLike[str], *, trusted: bool = False,
         root: str | os.PathLike[str] | None = None) -> Any:
    """Load a saved model: ``"name"`` (latest), ``"name@3"``, ``"name@production"`` (the
    version an alias points to), the path of a version folder, or an MLflow registry URI
    (``"models:/name@production"``, needs ``jupyter-ad[mlflow]``).

    The model is monitored (see :mod:`jupyter_ad.monitoring`): each scoring call appends a
    record to the database beside the store, unless ``[monitoring] enabled = false``.

    Models are verified against the store key's signature first; a file signed with another
    key, or altered since, raises :class:`~jupyter_ad.errors.UntrustedModelError` unless
    ``trusted=True`` (which unpickles it: only for files whose origin you trust).
    """
    return load_stored(spec, trusted=trusted, root=root)[0]


def load_stored(spec: str | os.PathLike[str], *, trusted: bool = False,
                root: str | os.PathLike[str] | None = None) -> tuple[Any, dict[str, Any]]:
    """:func:`load`, with the version's manifest (``name``, ``version``, ...): ``(model,
    manifest)``; for the front ends that show which version they use (streams).
    """
    from jupyter_ad.core.model import AnomalyModel
    from jupyter_ad.io.store import ModelStore, load_file

    if isinstance(spec, str) and spec.startswith(("models:/", "runs:/")):  # an MLflow registry
        from jupyter_ad.mlflow import load_model_manifest

        return load_model_manifest(spec, trusted=trusted, root=root)  # type: ignore[no-any-return]
    store = ModelStore(root)
    if isinstance(spec, os.PathLike) or (isinstance(spec, str) and os.sep in spec):
        obj, manifest = load_file(spec, trusted=trusted, store=store)
    else:
        obj, manifest = store.load(spec, trusted=trusted)
    if not isinstance(obj, AnomalyModel):
        raise UntrustedModelError(
            f"{spec!r} holds a {type(obj).__name__}, not a jupyter-ad AnomalyModel."
        )
    from jupyter_ad.monitoring import attach  # every scoring call is recorded (if on)

    attach(obj, str(manifest.get("name") or spec), manifest.get("version"), root=store.root)
    return obj, manifest


def models(*, root: str | os.PathLike[str] | None = None) -> Any:
    """A DataFrame of every saved model version: name, version, created, algorithm, features,
    metrics, aliases, status (``ok``, ``broken``, ``old key``), problem, path.
    """
    from jupyter_ad.io.store import ModelStore

    return ModelStore(root).list()
