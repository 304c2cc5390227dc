"""Moving a store off the signing key older versions kept inside it (``<store>/.store-key``)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_ad.io.store.layout import PRIVATE_DIR, PRIVATE_FILE, read_json, write_private
from jupyter_ad.io.store.loading import MANIFEST_FILE, MODEL_FILE
from jupyter_ad.io.store.signing import LEGACY_KEY_FILE, key_id, sign, signature_matches

if TYPE_CHECKING:
    from jupyter_ad.io.store.core import ModelStore

__all__ = ["migrate_key"]


def migrate_key(store: ModelStore) -> dict[str, Any]:
    """Re-sign every version the in-store key verifies with the user key, make the store
    private (0700 folders, 0600 files), then remove ``.store-key``.

    Versions the old key does not verify (altered, or from elsewhere) are left as they are and
    listed under ``"refused"``: load them with ``trusted=True`` only if you trust them.

    Returns
    -------
    dict
        ``resigned`` and ``refused`` (specs), ``already`` (signed with the user key),
        ``key_removed`` (bool) and ``key`` (where the user key is).
    """
    legacy = store.legacy_key()
    report: dict[str, Any] = {"resigned": [], "refused": [], "already": [],
                              "key_removed": False, "key": store.key.describe()}
    if legacy is None:
        return report
    user = store.key.ensure()
    for name in store._names():
        folder = store.root / name
        _private(folder, PRIVATE_DIR)
        for version in store.versions(name):
            spec = f"{name}@{version}"
            outcome = _resign(folder / str(version), (name, version), legacy, user)
            report[outcome].append(spec)
    with contextlib.suppress(FileNotFoundError):
        (store.root / LEGACY_KEY_FILE).unlink()
        report["key_removed"] = True
    _private(store.root, PRIVATE_DIR)
    return report


def _resign(folder: Path, expected: tuple[str, int], legacy: bytes, user: bytes) -> str:
    _private(folder, PRIVATE_DIR)
    try:
        manifest = read_json(folder / MANIFEST_FILE)
        digest = hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()
    except (OSError, ValueError):
        return "refused"
    if not isinstance(manifest, dict):
        return "refused"
    _private(folder / MODEL_FILE, PRIVATE_FILE)
    _private(folder / MANIFEST_FILE, PRIVATE_FILE)
    if signature_matches(manifest, user):
        return "already"
    if not (signature_matches(manifest, legacy) and manifest.get("sha256") == digest
            and (manifest.get("name"), manifest.get("version")) == expected):
        return "refused"
    manifest["key_id"] = key_id(user)
    manifest["signature"] = sign(user, manifest)
    write_private(folder / MANIFEST_FILE, json.dumps(manifest, indent=2, sort_keys=True))
    return "resigned"


def _private(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError):
        os.chmod(path, mode)
