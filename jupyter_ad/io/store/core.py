"""The model store: numbered versions of named models, saved atomically and signed."""

from __future__ import annotations

import builtins
import contextlib
import difflib
import errno
import hashlib
import json
import os
import pickle
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from jupyter_ad.errors import ModelNotFoundError, ModelStoreError, ParameterError
from jupyter_ad.io.store import aliases as _aliases
from jupyter_ad.io.store.layout import (
    clean_stale,
    fsync,
    fsync_dir,
    last_version,
    make_private_dir,
    new_temp_folder,
    open_private,
    release_temp_folder,
)
from jupyter_ad.io.store.loading import FORMAT, MANIFEST_FILE, MODEL_FILE, load_folder
from jupyter_ad.io.store.metadata import jsonable, library_versions
from jupyter_ad.io.store.names import check_name, parse_ref
from jupyter_ad.io.store.signing import StoreKey, key_id, read_legacy_key, sign

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ModelRef", "ModelStore"]

_VERSION_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class ModelRef:
    """A saved model version: ``name``, ``version`` (from 1) and its folder ``path``.

    ``str(ref)`` is the spec ``"name@version"`` that :meth:`ModelStore.load` accepts.
    """

    name: str
    version: int
    path: Path

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"


class _HashingWriter:
    """A file wrapper for :func:`pickle.dump` that hashes what it writes."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh, self.sha256 = fh, hashlib.sha256()

    def write(self, data: Any) -> int:
        self.sha256.update(data)
        return self._fh.write(data)


class ModelStore(_aliases.AliasMethods):
    """A folder of saved models, each name holding numbered versions (and aliases).

    Parameters
    ----------
    root : str or os.PathLike, optional
        The store folder, created (0700) on first save. Default: the ``JUPYTER_AD_HOME``
        environment variable if set, else ``platformdirs.user_data_dir("jupyter-ad") /
        "models"``.
    key_file : str or os.PathLike, optional
        The signing key's file. Default: ``$JUPYTER_AD_STORE_KEY`` (the key in hex),
        ``$JUPYTER_AD_STORE_KEY_FILE``, else ``store.key`` in the user configuration folder;
        always outside the store (see :mod:`jupyter_ad.io.store.signing`).
    """

    def __init__(self, root: str | os.PathLike[str] | None = None, *,
                 key_file: str | os.PathLike[str] | None = None) -> None:
        if root is None:
            import platformdirs

            env = os.environ.get("JUPYTER_AD_HOME")
            root = env or Path(platformdirs.user_data_dir("jupyter-ad")) / "models"
        if not isinstance(root, str | os.PathLike):
            raise ParameterError(f"root must be a str or path, not {type(root).__name__}.")
        self.root: Path = Path(root).expanduser().absolute()
        self.key = StoreKey.resolve(key_file)
        clean_stale(self.root)  # saves killed earlier leave temp folders: remove them

    def __repr__(self) -> str:
        return f"ModelStore({str(self.root)!r})"

    def migrate_key(self) -> dict[str, Any]:
        """Move a store of an older version off the key it kept inside (``.store-key``):
        re-sign what that key verifies with the user key, make the store private, remove the
        old key. See :func:`jupyter_ad.io.store.migrate.migrate_key`.
        """
        from jupyter_ad.io.store.migrate import migrate_key

        return migrate_key(self)

    def legacy_key(self) -> bytes | None:
        """The key older versions kept inside the store (verified, never used to sign)."""
        return read_legacy_key(self.root)

    def _verify_keys(self) -> builtins.list[bytes]:
        keys = []
        with contextlib.suppress(OSError):
            if (key := self.key.read()) is not None:
                keys.append(key)
        if (legacy := self.legacy_key()) is not None:
            keys.append(legacy)
        return keys

    # -- listing -------------------------------------------------------------------------------
    def _names(self) -> builtins.list[str]:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            names = []
            for entry in os.scandir(self.root):
                with contextlib.suppress(ParameterError):
                    names.append(check_name(entry.name))
            return sorted(n for n in names if self.versions(n))
        return []

    def versions(self, name: str) -> builtins.list[int]:
        """Return the saved version numbers of ``name``, oldest first (``[]`` if none).

        Raises
        ------
        ParameterError
            If ``name`` breaks the naming rule.
        """
        folder = self.root / check_name(name)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            return sorted(int(e.name) for e in os.scandir(folder) if e.name[:1] != "0"
                          and set(e.name) <= _VERSION_DIGITS and e.is_dir())
        return []

    def list(self) -> pd.DataFrame:
        """Return one row per saved (name, version), sorted by name and version.

        Columns: ``name``, ``version``, ``created`` (UTC, ISO 8601), ``algorithm``,
        ``features`` and ``metrics`` (from the metadata; ``None`` where absent), ``aliases``
        (the aliases pointing to it), ``status`` (``"ok"``; ``"broken"`` when the manifest is
        missing, unreadable or fails its signature, or the model file is missing; ``"old
        key"`` when signed with the key older stores kept inside the store), ``problem``
        (why) and ``path``. Signatures of manifests are checked; model files are hashed only
        when loading.
        """
        import pandas as pd

        from jupyter_ad.io.store.loading import status
        from jupyter_ad.io.store.metadata import LIST_COLUMNS, list_row

        rows = []
        for name in self._names():
            pointing = self._alias_map(name)
            for version in self.versions(name):
                folder = self.root / name / str(version)
                state, problem = status(folder, self, (name, version))
                rows.append(list_row(name, version, folder, pointing.get(version, []),
                                     state, problem))
        return pd.DataFrame(rows, columns=LIST_COLUMNS).astype({"version": "int64"})

    def _alias_map(self, name: str) -> dict[int, builtins.list[str]]:
        try:
            table = self.aliases(name)
        except ModelStoreError:
            return {}
        out: dict[int, builtins.list[str]] = {}
        for alias, version in sorted(table.items()):
            out.setdefault(version, []).append(alias)
        return out

    # -- resolving, saving, loading ------------------------------------------------------------
    def _resolve(self, name: str, version: int | None, alias: str | None = None, *,
                 trusted: bool = False) -> Path:
        available = self.versions(name)
        if not available:
            names = self._names()
            close = difflib.get_close_matches(name, names, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            saved = ", ".join(names) if names else "none, the store is empty"
            raise ModelNotFoundError(
                f"No model {name!r} in the store at {self.root}.{hint} Saved models: {saved}."
            )
        if alias is not None:
            version = self.alias_version(name, alias, trusted=trusted)
        if version is None:
            version = available[-1]
        elif version not in available:
            raise ModelNotFoundError(
                f"Model {name!r} has no version {version}; available versions: "
                f"{', '.join(map(str, available))}. Use '{name}@latest' for the newest."
            )
        return self.root / name / str(version)

    def save(self, name: str, obj: object, *, metadata: dict[str, Any] | None = None) -> ModelRef:
        """Save ``obj`` as the next version of ``name``, atomically.

        Parameters
        ----------
        name : str
            See :mod:`jupyter_ad.io.store.names` for the rule.
        obj : object
            Any picklable object, typically a fitted model.
        metadata : dict, optional
            JSON-serialisable facts kept in the manifest (numpy and pandas values are
            converted); ``algorithm``, ``features`` and ``metrics`` show in :meth:`list`.

        Returns
        -------
        ModelRef

        Raises
        ------
        ParameterError
            For a bad name, or metadata that cannot be stored as JSON.
        ModelStoreError
            If ``obj`` cannot be pickled or the files cannot be written.
        """
        check_name(name)
        if metadata is not None and not isinstance(metadata, Mapping):
            raise ParameterError(f"metadata must be a dict, not {type(metadata).__name__}.")
        meta = jsonable(dict(metadata or {}))
        folder = self.root / name
        try:
            key = self.key.ensure()
            make_private_dir(folder)
            tmp, lock = new_temp_folder(folder)
        except OSError as exc:
            if isinstance(exc, ModelStoreError):
                raise
            raise ModelStoreError(f"Cannot save model {name!r} in {self.root}: {exc}") from exc
        try:
            return self._write(folder, tmp, name, obj, meta, key)
        except OSError as exc:
            if isinstance(exc, ModelStoreError):
                raise
            raise ModelStoreError(f"Cannot save model {name!r} in {self.root}: {exc}") from exc
        finally:
            release_temp_folder(tmp, lock)

    def _write(self, folder: Path, tmp: Path, name: str, obj: object, meta: dict[str, Any],
               key: bytes) -> ModelRef:
        with open_private(tmp / MODEL_FILE) as fh:
            writer = _HashingWriter(fh)
            try:
                pickle.dump(obj, writer, protocol=5)
            except Exception as exc:
                raise ModelStoreError(
                    f"Cannot pickle the {type(obj).__name__} to save as {name!r}: {exc}"
                ) from exc
            fsync(fh)
        manifest: dict[str, Any] = {
            "format": FORMAT, "name": name, "version": self._next_version(name),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "sha256": writer.sha256.hexdigest(), "libraries": library_versions(),
            "metadata": meta, "key_id": key_id(key),
        }
        for _ in range(1000):
            manifest["signature"] = sign(key, manifest)
            with contextlib.suppress(FileNotFoundError):
                (tmp / MANIFEST_FILE).unlink()
            with open_private(tmp / MANIFEST_FILE, "w") as text:
                json.dump(manifest, text, indent=2, sort_keys=True)
                fsync(text)
            target = folder / str(manifest["version"])
            try:
                os.rename(tmp, target)
            except OSError as exc:  # a concurrent save took this version: try the next
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY) and not target.exists():
                    raise
                manifest["version"] = max(manifest["version"], self._next_version(name) - 1) + 1
                continue
            fsync_dir(folder)
            return ModelRef(name, manifest["version"], target)
        raise ModelStoreError(f"Found no free version for {name!r} in {folder}.")

    def _next_version(self, name: str) -> int:
        """One more than any version that exists or ever existed (numbers are never reused)."""
        return max(max(self.versions(name), default=0), last_version(self.root / name)) + 1

    def load(self, spec: str, *, trusted: bool = False) -> tuple[object, dict[str, Any]]:
        """Verify, then unpickle a saved model.

        Parameters
        ----------
        spec : str
            ``"name"`` or ``"name@latest"`` (the newest version), ``"name@3"``, or
            ``"name@production"`` (the version an alias points to).
        trusted : bool, default False
            Load even if verification fails. Unpickling can run arbitrary code: pass ``True``
            only if you trust where the file came from.

        Returns
        -------
        tuple of (object, dict)
            The model and its manifest.

        Raises
        ------
        ModelNotFoundError
            If the name, version or alias does not exist; the message lists those that do.
        UntrustedModelError
            If ``model.pkl`` changed since saving, the manifest (or the alias file) was edited,
            or another key signed it, and ``trusted`` is false.
        ModelStoreError
            If the files cannot be read or unpickled.
        """
        name, version, alias = parse_ref(spec)
        folder = self._resolve(name, version, alias, trusted=trusted)
        return load_folder(folder, self, trusted=trusted, expected=(name, int(folder.name)))

    def delete(self, spec: str) -> builtins.list[int]:
        """Delete ``"name@3"``, the newest version (``"name@latest"``), or all (``"name"``).

        A version an alias points to is not deleted (:class:`ModelStoreError` names the alias:
        point it elsewhere, or remove it, first). Deleted version numbers are never used again.
        Returns the deleted version numbers.

        Raises
        ------
        ModelNotFoundError
            If the name or version does not exist.
        ModelStoreError
            If an alias points to a version to delete, or the files cannot be removed.
        """
        name, version, alias = parse_ref(spec)
        if alias is not None:
            raise ParameterError(f"Delete a version by number, not through an alias: "
                                 f"{spec!r}. See the alias with store.aliases({name!r}).")
        self._resolve(name, version)
        folder = self.root / name
        with self._alias_lock(name) as doc:
            available = self.versions(name)
            doomed = available if "@" not in spec else [version or available[-1]]
            self._refuse_aliased(name, doc, doomed)
            self._forget_versions(name, doc, doomed, available)
            for number in doomed:
                trash = folder / f".del-{uuid.uuid4().hex}"
                try:  # the rename removes the version at once; the files may take a while
                    os.rename(folder / str(number), trash)
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    raise ModelStoreError(f"Cannot delete {name}@{number}: {exc}") from exc
                shutil.rmtree(trash, ignore_errors=True)
            fsync_dir(folder)
        return doomed

    def _refuse_aliased(self, name: str, doc: dict[str, Any],
                        doomed: builtins.list[int]) -> None:
        held = {alias: entry["version"] for alias, entry in doc["aliases"].items()
                if entry.get("version") in doomed}
        if held:
            alias, number = next(iter(held.items()))
            raise ModelStoreError(
                f"Cannot delete {name}@{number}: the alias {alias!r} points to it. Point the "
                f"alias elsewhere first (jupyter-ad models promote {name}@N --alias {alias}, "
                f"or store.set_alias({name!r}, {alias!r}, N)), or remove it "
                f"(store.remove_alias({name!r}, {alias!r}))."
            )
