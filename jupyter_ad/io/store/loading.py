"""Verifying a saved version before it is unpickled, and judging it for the listing."""

from __future__ import annotations

import hashlib
import os
import pickle
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_ad.errors import (
    JupyterADWarning,
    ModelNotFoundError,
    ModelStoreError,
    UntrustedModelError,
)
from jupyter_ad.io.store.layout import read_json
from jupyter_ad.io.store.signing import LEGACY_KEY_FILE, key_id, signature_matches

if TYPE_CHECKING:
    from jupyter_ad.io.store.core import ModelStore

__all__ = ["FORMAT", "MANIFEST_FILE", "MODEL_FILE", "load_file", "load_folder", "status"]

FORMAT = "jupyter-ad-model/1"
MODEL_FILE, MANIFEST_FILE = "model.pkl", "manifest.json"
TRUST_HINT = "pass trusted=True only if you trust where the file came from"
_warned_legacy: set[str] = set()


def manifest_problems(manifest: object, store: ModelStore,
                      expected: tuple[str, int] | None) -> tuple[list[str], str | None]:
    """What is wrong with a parsed manifest, and which key signed it (``"user"``, ``"legacy"``
    for the key older stores kept inside the store, or ``None``).
    """
    if not isinstance(manifest, dict):
        return [f"{MANIFEST_FILE} is not a JSON object"], None
    problems = []
    if manifest.get("format") != FORMAT:
        problems.append(f"the manifest format is {manifest.get('format')!r}, not {FORMAT!r}")
    found = (manifest.get("name"), manifest.get("version"))
    if expected is not None and found != expected:
        problems.append(f"the manifest describes {found[0]}@{found[1]}, not the folder's")
    try:
        user_key = store.key.read()
    except OSError as exc:
        user_key, trouble = None, str(exc)
    else:
        trouble = ""
    legacy = store.legacy_key()
    if user_key is not None and signature_matches(manifest, user_key):
        return problems, "user"
    if legacy is not None and signature_matches(manifest, legacy):
        return problems, "legacy"
    if trouble:
        problems.append(trouble)
    elif user_key is None and legacy is None:
        problems.append(f"there is no store key at {store.key.describe()} to check the "
                        "signature")
    else:
        signer = manifest.get("key_id")
        which = f" (signed by key {signer}, this store's key is {key_id(user_key)})" if (
            isinstance(signer, str) and user_key is not None) else ""
        problems.append("the signature does not match this store's key (the manifest was "
                        f"edited, or another store or key saved the model){which}")
    return problems, None


def status(folder: Path, store: ModelStore, expected: tuple[str, int]) -> tuple[str, str | None]:
    """``("ok" | "old key" | "broken", problem)`` of a version, from its manifest (the model
    file is hashed only when loading).
    """
    try:
        manifest = read_json(folder / MANIFEST_FILE)
    except FileNotFoundError:
        return "broken", f"{MANIFEST_FILE} is missing"
    except (OSError, ValueError) as exc:
        return "broken", f"{MANIFEST_FILE} cannot be read ({exc})"
    problems, signer = manifest_problems(manifest, store, expected)
    if not (folder / MODEL_FILE).is_file():
        problems.append(f"{MODEL_FILE} is missing")
    if problems:
        return "broken", "; ".join(problems)
    return ("old key", f"signed with the key inside the store ({LEGACY_KEY_FILE}); run "
            "jupyter-ad models migrate-key") if signer == "legacy" else ("ok", None)


def load_folder(folder: Path, store: ModelStore, *, trusted: bool,
                expected: tuple[str, int] | None) -> tuple[object, dict[str, Any]]:
    """Verify the files in ``folder`` with the key of ``store``, then unpickle."""
    problems: list[str] = []
    manifest: dict[str, Any] = {}
    signer = None
    try:
        loaded = read_json(folder / MANIFEST_FILE)
    except FileNotFoundError:
        problems.append(f"{MANIFEST_FILE} is missing")
    except (OSError, ValueError) as exc:
        problems.append(f"{MANIFEST_FILE} cannot be read ({exc})")
    else:
        problems, signer = manifest_problems(loaded, store, expected)
        manifest = loaded if isinstance(loaded, dict) else {}
    path = folder / MODEL_FILE
    try:
        with open(path, "rb") as fh:
            sha = hashlib.sha256()
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                sha.update(chunk)
            if manifest and manifest.get("sha256") != sha.hexdigest():
                problems.append(f"the SHA-256 of {MODEL_FILE} does not match the manifest")
            if problems and not trusted:
                raise UntrustedModelError(
                    f"Refusing to unpickle {path}: {'; '.join(problems)}. Unpickling can run "
                    f"arbitrary code; {TRUST_HINT}."
                )
            if signer == "legacy" and not problems:
                _warn_legacy(store)
            fh.seek(0)  # unpickle the very bytes that were hashed, not a re-opened file
            try:
                obj = pickle.load(fh)
            except Exception as exc:
                saved = manifest.get("libraries", "unknown")
                raise ModelStoreError(
                    f"Cannot unpickle {path}: {exc!r}. It was saved with {saved}; try those "
                    "library versions."
                ) from exc
    except FileNotFoundError as exc:
        raise ModelStoreError(f"{path} is missing, so the model cannot be loaded.") from exc
    return obj, manifest


def _warn_legacy(store: ModelStore) -> None:
    if str(store.root) in _warned_legacy:
        return
    _warned_legacy.add(str(store.root))
    warnings.warn(
        f"The model store {store.root} keeps its signing key inside the store ({LEGACY_KEY_FILE}, "
        "an older layout): anyone who can write the store can sign models there. Run "
        "'jupyter-ad models migrate-key' (or ModelStore().migrate_key()) to re-sign its models "
        f"with your key ({store.key.describe()}) and remove the old key.",
        JupyterADWarning, stacklevel=4)


def load_file(path: str | os.PathLike[str], *, trusted: bool = False,
              store: ModelStore | None = None) -> tuple[object, dict[str, Any]]:
    """Verify, then unpickle the model in a version folder anywhere on disk.

    Parameters
    ----------
    path : str or os.PathLike
        A version folder holding ``model.pkl`` and ``manifest.json``, or either file in it.
    trusted : bool, default False
        Load even if verification fails; only if you trust where the file came from.
    store : ModelStore, optional
        The store whose key checks the signature; default ``ModelStore()``.

    Returns and raises as :meth:`ModelStore.load`.
    """
    from jupyter_ad.io.store.core import ModelStore

    store = store if store is not None else ModelStore()
    folder = Path(path).expanduser()
    if folder.is_file():
        folder = folder.parent
    if not folder.is_dir():
        raise ModelNotFoundError(
            f"No model folder at {folder}; pass the folder holding {MODEL_FILE} and "
            f"{MANIFEST_FILE}, e.g. {store.root / 'name' / '1'}."
        )
    return load_folder(folder, store, trusted=trusted, expected=None)
