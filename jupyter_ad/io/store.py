"""A local, versioned, atomic and tamper-evident model store.

Layout: ``<root>/.store-key`` (32 random bytes that sign every manifest) and, per saved
version, ``<root>/<name>/<version>/`` holding ``model.pkl`` (pickle protocol 5) and
``manifest.json`` (format, name, version, created, sha256, libraries, metadata, and an
HMAC-SHA256 ``signature``). A save writes into a hidden ``.tmp-<uuid>`` folder and renames it
into place, so a version folder is complete or absent even if the process is killed. Loading
checks the hash and the signature *before* unpickling (which can run arbitrary code): a model
altered since saving, or copied from another store, is refused unless ``trusted=True``.
"""

from __future__ import annotations

import builtins
import contextlib
import difflib
import errno
import hashlib
import hmac
import json
import os
import pickle
import platform
import re
import secrets
import shutil
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from jupyter_ad.errors import (
    ModelNotFoundError,
    ModelStoreError,
    ParameterError,
    UntrustedModelError,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMAT", "ModelRef", "ModelStore", "load_file", "parse_spec"]

FORMAT = "jupyter-ad-model/1"
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_NAME_RULE = (
    "a model name has 1-100 characters (letters, digits, '_', '.', '-') and starts with a "
    "letter or digit, e.g. 'fraud-v2'"
)
_VERSION_RE = re.compile(r"[1-9][0-9]*")
_KEY_FILE, _MODEL_FILE, _MANIFEST_FILE = ".store-key", "model.pkl", "manifest.json"
_STALE_SECONDS = 3600.0
_LIBRARIES = ("numpy", "pandas", "scikit-learn", "pyod", "scipy")
_LIST_COLUMNS = ["name", "version", "created", "algorithm", "features", "metrics", "path"]
_TRUST_HINT = "pass trusted=True only if you trust where the file came from"


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


def _check_name(name: object, spec: object = None) -> str:
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        where = f" in spec {spec!r}" if spec is not None else ""
        raise ParameterError(f"Invalid model name {name!r}{where}: {_NAME_RULE}.")
    return name


def parse_spec(spec: str) -> tuple[str, int | None]:
    """Split ``"name"``, ``"name@latest"`` or ``"name@3"`` into the name and version.

    Returns
    -------
    tuple of (str, int or None)
        The name, and the version number or ``None`` for the newest.

    Raises
    ------
    ParameterError
        If the name breaks the naming rule or the version is not a whole number >= 1.
    """
    if not isinstance(spec, str):
        raise ParameterError(
            f"A model spec must be a string like 'fraud' or 'fraud@3', not {type(spec).__name__}."
        )
    name, sep, version = spec.strip().partition("@")
    _check_name(name, spec)
    if not sep or version == "latest":
        return name, None
    if not re.fullmatch(r"[0-9]+", version) or int(version) < 1:
        raise ParameterError(
            f"Invalid model spec {spec!r}: write 'name', 'name@latest', or 'name@N' with a "
            f"version number N of 1 or more, e.g. '{name}@1'."
        )
    return name, int(version)


def _jsonable(value: Any, where: str = "") -> Any:
    """Return ``value`` as plain JSON types (numpy and pandas values converted)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, np.generic):
        return _jsonable(value.item(), where)
    if isinstance(value, int | float):
        return int(value) if isinstance(value, int) else float(value)
    if isinstance(value, Mapping):
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            raise ParameterError(f"metadata{where} has the key {bad[0]!r}; keys must be strings.")
        return {str(k): _jsonable(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, builtins.list | tuple):
        return [_jsonable(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if callable(getattr(value, "tolist", None)):  # numpy arrays, pandas Index and Series
        return _jsonable(value.tolist(), where)
    raise ParameterError(
        f"metadata{where} has type {type(value).__name__}, which cannot be stored as JSON; convert "
        "it to a str, number, bool, None, list or dict."
    )


def _sign(key: bytes, manifest: Mapping[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, canonical.encode("ascii"), hashlib.sha256).hexdigest()


def _same(found: object, expected: str) -> bool:
    return isinstance(found, str) and hmac.compare_digest(
        found.encode("utf-8", "replace"), expected.encode("utf-8")
    )


def _library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for dist in ("jupyter-ad", *_LIBRARIES):
        try:
            versions[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            versions[dist] = "0+unknown" if dist == "jupyter-ad" else None
    return versions


def _fsync(fh: IO[Any]) -> None:
    fh.flush()
    os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    """Make a rename or link inside ``path`` durable, where the platform allows."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class _HashingWriter:
    """A file wrapper for :func:`pickle.dump` that hashes what it writes."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh, self.sha256 = fh, hashlib.sha256()

    def write(self, data: Any) -> int:
        self.sha256.update(data)
        return self._fh.write(data)


class ModelStore:
    """A folder of saved models, each name holding numbered versions.

    Parameters
    ----------
    root : str or os.PathLike, optional
        The store folder, created on first save. Default: the ``JUPYTER_AD_HOME`` environment
        variable if set, else ``platformdirs.user_data_dir("jupyter-ad") / "models"``.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        if root is None:
            import platformdirs

            env = os.environ.get("JUPYTER_AD_HOME")
            root = env or Path(platformdirs.user_data_dir("jupyter-ad")) / "models"
        if not isinstance(root, str | os.PathLike):
            raise ParameterError(f"root must be a str or path, not {type(root).__name__}.")
        self.root: Path = Path(root).expanduser().absolute()

    def __repr__(self) -> str:
        return f"ModelStore({str(self.root)!r})"

    def _read_key(self) -> bytes | None:
        path = self.root / _KEY_FILE
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            return None
        if len(key) != 32:
            raise ModelStoreError(
                f"The store key {path} is damaged ({len(key)} bytes, not 32); restore it from a "
                "backup, or delete it to start a new key (older models then need trusted=True)."
            )
        return key

    def _ensure_key(self) -> bytes:
        key = self._read_key()
        if key is not None:
            return key
        self.root.mkdir(parents=True, exist_ok=True)
        path, tmp = self.root / _KEY_FILE, self.root / f"{_KEY_FILE}.tmp-{uuid.uuid4().hex}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
                _fsync(fh)
            with contextlib.suppress(FileExistsError):  # another process made the key first
                os.link(tmp, path)  # unlike rename, never replaces an existing key
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(self.root)
        key = self._read_key()
        if key is None:  # pragma: no cover - deleted between link and read
            raise ModelStoreError(f"The store key {path} vanished while being created.")
        return key

    def _names(self) -> builtins.list[str]:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            names = [e.name for e in os.scandir(self.root) if _NAME_RE.fullmatch(e.name)]
            return sorted(n for n in names if self.versions(n))
        return []

    def versions(self, name: str) -> builtins.list[int]:
        """Return the saved version numbers of ``name``, oldest first (``[]`` if none).

        Raises
        ------
        ParameterError
            If ``name`` breaks the naming rule.
        """
        folder = self.root / _check_name(name)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            entries = builtins.list(os.scandir(folder))
            return sorted(
                int(e.name) for e in entries if _VERSION_RE.fullmatch(e.name) and e.is_dir()
            )
        return []

    def list(self) -> pd.DataFrame:
        """Return one row per saved (name, version), sorted by name and version.

        Columns: ``name``, ``version``, ``created`` (UTC, ISO 8601), ``algorithm``,
        ``features`` and ``metrics`` (from the metadata; ``None`` where absent) and ``path``.
        Manifests are read but not verified; :meth:`load` verifies.
        """
        import pandas as pd

        rows = []
        for name in self._names():
            for version in self.versions(name):
                folder = self.root / name / str(version)
                try:
                    manifest = json.loads((folder / _MANIFEST_FILE).read_text(encoding="utf-8"))
                    meta, created = manifest.get("metadata"), manifest.get("created")
                except (OSError, ValueError, AttributeError):  # unreadable: list it anyway
                    meta, created = {}, None
                meta = meta if isinstance(meta, dict) else {}
                fields = {k: meta.get(k) for k in ("algorithm", "features", "metrics")}
                rows.append({"name": name, "version": version, "created": created, **fields})
                rows[-1]["path"] = str(folder)
        return pd.DataFrame(rows, columns=_LIST_COLUMNS).astype({"version": "int64"})

    def _resolve(self, name: str, version: int | None) -> Path:
        available = self.versions(name)
        if not available:
            names = self._names()
            close = difflib.get_close_matches(name, names, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            saved = ", ".join(names) if names else "none, the store is empty"
            raise ModelNotFoundError(
                f"No model {name!r} in the store at {self.root}.{hint} Saved models: {saved}."
            )
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
            1-100 letters, digits, ``_``, ``.`` or ``-``, starting with a letter or digit.
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
        _check_name(name)
        if metadata is not None and not isinstance(metadata, Mapping):
            raise ParameterError(f"metadata must be a dict, not {type(metadata).__name__}.")
        meta = _jsonable(dict(metadata or {}))
        folder = self.root / name
        tmp = folder / f".tmp-{uuid.uuid4().hex}"
        try:
            key = self._ensure_key()
            folder.mkdir(parents=True, exist_ok=True)
            self._clean_stale(folder)
            tmp.mkdir()
            with open(tmp / _MODEL_FILE, "wb") as fh:
                writer = _HashingWriter(fh)
                try:
                    pickle.dump(obj, writer, protocol=5)
                except Exception as exc:
                    raise ModelStoreError(
                        f"Cannot pickle the {type(obj).__name__} to save as {name!r}: {exc}"
                    ) from exc
                _fsync(fh)
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "name": name,
                "version": max(self.versions(name), default=0) + 1,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "sha256": writer.sha256.hexdigest(),
                "libraries": _library_versions(),
                "metadata": meta,
            }
            for _ in range(1000):
                manifest["signature"] = _sign(key, manifest)
                with open(tmp / _MANIFEST_FILE, "w", encoding="utf-8") as text:
                    json.dump(manifest, text, indent=2, sort_keys=True)
                    _fsync(text)
                target = folder / str(manifest["version"])
                try:
                    os.rename(tmp, target)
                except OSError as exc:  # a concurrent save took this version: try the next
                    if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY) and not target.exists():
                        raise
                    manifest["version"] = max(manifest["version"], *self.versions(name)) + 1
                    continue
                _fsync_dir(folder)
                return ModelRef(name, manifest["version"], target)
            raise ModelStoreError(f"Found no free version for {name!r} in {folder}.")
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, OSError) and not isinstance(exc, ModelStoreError):
                raise ModelStoreError(f"Cannot save model {name!r} in {self.root}: {exc}") from exc
            raise

    @staticmethod
    def _clean_stale(folder: Path) -> None:
        """Remove temp and trash folders of saves and deletes killed over an hour ago."""
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if entry.name.startswith((".tmp-", ".del-")) and entry.is_dir():
                    mtimes = [e.stat().st_mtime for e in [entry, *os.scandir(entry)]]
                    if time.time() - max(mtimes) > _STALE_SECONDS:
                        shutil.rmtree(entry.path, ignore_errors=True)

    def load(self, spec: str, *, trusted: bool = False) -> tuple[object, dict[str, Any]]:
        """Verify, then unpickle a saved model.

        Parameters
        ----------
        spec : str
            ``"name"`` or ``"name@latest"`` (the newest version), or ``"name@3"``.
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
            If the name or version does not exist; the message lists those that do.
        UntrustedModelError
            If ``model.pkl`` changed since saving, the manifest was edited, or another store
            (another ``.store-key``) signed it, and ``trusted`` is false.
        ModelStoreError
            If the files cannot be read or unpickled.
        """
        name, version = parse_spec(spec)
        folder = self._resolve(name, version)
        return _load_folder(folder, self, trusted=trusted, expected=(name, int(folder.name)))

    def delete(self, spec: str) -> None:
        """Delete ``"name@3"``, the newest version (``"name@latest"``), or all (``"name"``).

        Raises
        ------
        ModelNotFoundError
            If the name or version does not exist.
        """
        name, version = parse_spec(spec)
        resolved = self._resolve(name, version)
        folder, whole = resolved.parent, "@" not in spec
        for number in self.versions(name) if whole else [int(resolved.name)]:
            trash = folder / f".del-{uuid.uuid4().hex}"
            try:  # the rename removes the version at once; deleting the files may take a while
                os.rename(folder / str(number), trash)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise ModelStoreError(f"Cannot delete {name}@{number}: {exc}") from exc
            shutil.rmtree(trash, ignore_errors=True)
        _fsync_dir(folder)
        if whole:
            with contextlib.suppress(OSError):
                folder.rmdir()


def _manifest_problems(
    manifest: object, store: ModelStore, expected: tuple[str, int] | None
) -> builtins.list[str]:
    """What is wrong with a parsed manifest, checked against the key of ``store``."""
    if not isinstance(manifest, dict):
        return [f"{_MANIFEST_FILE} is not a JSON object"]
    problems = []
    if manifest.get("format") != FORMAT:
        problems.append(f"the manifest format is {manifest.get('format')!r}, not {FORMAT!r}")
    found = (manifest.get("name"), manifest.get("version"))
    if expected is not None and found != expected:
        problems.append(f"the manifest describes {found[0]}@{found[1]}, not the folder's")
    try:
        key = store._read_key()
        no_key = f"the store at {store.root} has no {_KEY_FILE} to check the signature"
    except OSError as exc:
        key, no_key = None, str(exc)
    if key is None:
        problems.append(no_key)
    elif not _same(manifest.get("signature"), _sign(key, manifest)):
        problems.append(
            "the signature does not match this store's key (the manifest was edited, or "
            "another store saved the model)"
        )
    return problems


def _load_folder(
    folder: Path, store: ModelStore, *, trusted: bool, expected: tuple[str, int] | None
) -> tuple[object, dict[str, Any]]:
    """Verify the files in ``folder`` with the key of ``store``, then unpickle."""
    problems: builtins.list[str] = []
    manifest: dict[str, Any] = {}
    try:
        loaded = json.loads((folder / _MANIFEST_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{_MANIFEST_FILE} is missing")
    except (OSError, ValueError) as exc:
        problems.append(f"{_MANIFEST_FILE} cannot be read ({exc})")
    else:
        problems = _manifest_problems(loaded, store, expected)
        manifest = loaded if isinstance(loaded, dict) else {}
    path = folder / _MODEL_FILE
    try:
        with open(path, "rb") as fh:
            sha = hashlib.sha256()
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                sha.update(chunk)
            if manifest and not _same(manifest.get("sha256"), sha.hexdigest()):
                problems.append(f"the SHA-256 of {_MODEL_FILE} does not match the manifest")
            if problems and not trusted:
                raise UntrustedModelError(
                    f"Refusing to unpickle {path}: {'; '.join(problems)}. Unpickling can run "
                    f"arbitrary code; {_TRUST_HINT}."
                )
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


def load_file(
    path: str | os.PathLike[str], *, trusted: bool = False, store: ModelStore | None = None
) -> tuple[object, dict[str, Any]]:
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
    store = store if store is not None else ModelStore()
    folder = Path(path).expanduser()
    if folder.is_file():
        folder = folder.parent
    if not folder.is_dir():
        raise ModelNotFoundError(
            f"No model folder at {folder}; pass the folder holding {_MODEL_FILE} and "
            f"{_MANIFEST_FILE}, e.g. {store.root / 'name' / '1'}."
        )
    return _load_folder(folder, store, trusted=trusted, expected=None)
