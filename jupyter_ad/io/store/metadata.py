"""What a manifest records: JSON-safe metadata, library versions, and the listing's rows."""

from __future__ import annotations

import builtins
import platform
from collections.abc import Mapping
from datetime import date, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np

from jupyter_ad.errors import ParameterError
from jupyter_ad.io.store.layout import read_json

__all__ = ["LIBRARIES", "LIST_COLUMNS", "jsonable", "library_versions", "list_row"]

LIBRARIES = ("numpy", "pandas", "scikit-learn", "pyod", "scipy")
LIST_COLUMNS = ["name", "version", "created", "algorithm", "features", "metrics", "aliases",
                "status", "problem", "path"]


def jsonable(value: Any, where: str = "") -> Any:
    """Return ``value`` as plain JSON types (numpy and pandas values converted)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, np.generic):
        return jsonable(value.item(), where)
    if isinstance(value, int | float):
        return int(value) if isinstance(value, int) else float(value)
    if isinstance(value, Mapping):
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            raise ParameterError(f"metadata{where} has the key {bad[0]!r}; keys must be strings.")
        return {str(k): jsonable(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, builtins.list | tuple):
        return [jsonable(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if callable(getattr(value, "tolist", None)):  # numpy arrays, pandas Index and Series
        return jsonable(value.tolist(), where)
    raise ParameterError(
        f"metadata{where} has type {type(value).__name__}, which cannot be stored as JSON; convert "
        "it to a str, number, bool, None, list or dict."
    )


def library_versions() -> dict[str, str | None]:
    """Versions of Python, jupyter-ad and the libraries a pickled model depends on."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for dist in ("jupyter-ad", *LIBRARIES):
        try:
            versions[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            versions[dist] = "0+unknown" if dist == "jupyter-ad" else None
    return versions


def list_row(name: str, version: int, folder: Path, aliases: builtins.list[str], status: str,
             problem: str | None) -> dict[str, Any]:
    """One row of :meth:`ModelStore.list` (metadata read from the manifest, even a broken one:
    its ``status`` says whether to believe it).
    """
    try:
        manifest = read_json(folder / "manifest.json")
        meta, created = manifest.get("metadata"), manifest.get("created")
    except (OSError, ValueError, AttributeError):
        meta, created = {}, None
    meta = meta if isinstance(meta, dict) else {}
    return {"name": name, "version": version, "created": created,
            **{k: meta.get(k) for k in ("algorithm", "features", "metrics")},
            "aliases": aliases, "status": status, "problem": problem, "path": str(folder)}
