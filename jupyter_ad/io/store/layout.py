"""The store on disk: private folders and files, atomic writes, locks, and housekeeping.

Layout (folders 0700, files 0600 on POSIX systems: the store is private to its user)::

    <store>/
      <name>/
        <version>/model.pkl, manifest.json    a saved version (complete or absent)
        aliases.json                          aliases and their history (signed)
        .last-version                         highest version ever used (never reused)
        .lock                                 taken while aliases change or versions go
        .tmp-<hex>/ + .tmp-<hex>.lock         a save in progress (the writer holds the lock)
        .del-<hex>/                           a delete in progress

A killed save leaves its ``.tmp-<hex>`` folder and lock file behind; the next process that
opens the store removes every such folder whose writer is gone (its lock is free: locks die
with their process), whatever its name, and never one whose writer still runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["PRIVATE_DIR", "PRIVATE_FILE", "clean_stale", "fsync", "fsync_dir", "last_version",
           "locked", "make_private_dir", "new_temp_folder", "open_private", "read_json",
           "release_temp_folder", "remember_version", "write_private"]

PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
LOCK_FILE, MARKER_FILE = ".lock", ".last-version"
_LEGACY_STALE_SECONDS = 3600.0  # temp folders without a lock file (older versions)
_CLEAN_EVERY_SECONDS = 30.0
_cleaned: dict[str, float] = {}
_cleaned_guard = threading.Lock()


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) if needed; the folders made here are 0700."""
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, PRIVATE_DIR)
            with contextlib.suppress(OSError):
                os.chmod(folder, PRIVATE_DIR)  # the umask may have removed bits: set exactly
    return path


def fsync_dir(path: Path) -> None:
    """Make a rename or link inside ``path`` durable, where the platform allows."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync(fh: IO[Any]) -> None:
    """Flush ``fh`` to disk."""
    fh.flush()
    os.fsync(fh.fileno())


def open_private(path: Path, mode: str = "wb") -> IO[Any]:
    """A new file, created 0600 (never an existing one: ``O_EXCL``)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, PRIVATE_FILE)
    return os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8")


def write_private(path: Path, data: bytes | str) -> None:
    """Replace ``path`` atomically by a 0600 file holding ``data``."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open_private(tmp, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fsync(fh)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    fsync_dir(path.parent)


def read_json(path: Path) -> Any:
    """The JSON document in ``path``."""
    return json.loads(path.read_text(encoding="utf-8"))


# -- locks ---------------------------------------------------------------------------------------
def _try_lock(fd: int, *, blocking: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        mode = msvcrt.LK_LOCK if blocking else msvcrt.LK_NBLCK  # type: ignore[attr-defined]
        try:
            msvcrt.locking(fd, mode, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold ``folder/.lock`` (exclusive, between processes) while the block runs."""
    make_private_dir(folder)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        _try_lock(fd, blocking=True)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def new_temp_folder(folder: Path) -> tuple[Path, int]:
    """A fresh ``.tmp-<hex>`` folder for a save, and the descriptor of its held lock file.

    The lock file is made (and locked) before the folder, so a temp folder without a lock, or
    with a free one, has no live writer.
    """
    token = secrets.token_hex(16)
    lock_path = folder / f".tmp-{token}.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    _try_lock(fd, blocking=True)
    tmp = folder / f".tmp-{token}"
    try:
        os.mkdir(tmp, PRIVATE_DIR)
        with contextlib.suppress(OSError):
            os.chmod(tmp, PRIVATE_DIR)
    except BaseException:
        release_temp_folder(tmp, fd)
        raise
    return tmp, fd


def release_temp_folder(tmp: Path, fd: int) -> None:
    """Remove what is left of ``tmp`` (nothing after a successful rename) and its lock."""
    shutil.rmtree(tmp, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        tmp.with_name(tmp.name + ".lock").unlink()
    with contextlib.suppress(OSError):
        os.close(fd)


# -- housekeeping ----------------------------------------------------------------------------
def clean_stale(root: Path, *, force: bool = False) -> list[Path]:
    """Remove the temp folders of saves whose process is gone, and unfinished deletes, in every
    name of the store (at most every 30 s per store and process unless ``force``).

    Returns the folders removed.
    """
    key, now = str(root), time.monotonic()
    with _cleaned_guard:
        if not force and now - _cleaned.get(key, -1e9) < _CLEAN_EVERY_SECONDS:
            return []
        _cleaned[key] = now
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(root):
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                removed += _clean_name(Path(entry.path))
    return removed


def _clean_name(folder: Path) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    names, removed = {e.name for e in entries}, []
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(".del-") and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        elif entry.name.startswith(".tmp-") and entry.name.endswith(".lock"):
            if entry.name[:-5] not in names and _lock_is_free(path):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()  # a lock left without its folder
        elif entry.name.startswith(".tmp-") and entry.is_dir(follow_symlinks=False) and (
                _writer_gone(path, entry.name + ".lock" in names)):
                shutil.rmtree(path, ignore_errors=True)
                with contextlib.suppress(FileNotFoundError):
                    path.with_name(entry.name + ".lock").unlink()
                removed.append(path)
    return removed


def _writer_gone(tmp: Path, has_lock: bool) -> bool:
    if has_lock:
        return _lock_is_free(tmp.with_name(tmp.name + ".lock"))
    try:  # no lock file: a folder of an older version of jupyter-ad; judged by its age
        mtimes = [e.stat(follow_symlinks=False).st_mtime for e in os.scandir(tmp)]
        newest = max([tmp.stat().st_mtime, *mtimes])
    except OSError:
        return False
    return time.time() - newest > _LEGACY_STALE_SECONDS


def _lock_is_free(lock_path: Path) -> bool:
    """Whether nobody holds ``lock_path`` (the lock is taken and given back at once)."""
    try:
        fd = os.open(lock_path, os.O_RDWR)
    except OSError:
        return False
    try:
        return _try_lock(fd, blocking=False)
    finally:
        os.close(fd)


# -- version numbers -------------------------------------------------------------------------
def last_version(folder: Path) -> int:
    """The highest version number ever used under ``folder`` (0 if none was recorded)."""
    try:
        return max(0, int((folder / MARKER_FILE).read_text(encoding="ascii").strip()))
    except (OSError, ValueError):
        return 0


def remember_version(folder: Path, version: int) -> None:
    """Record that ``version`` was used (before it is deleted), so it is never used again."""
    if version > last_version(folder):
        write_private(folder / MARKER_FILE, f"{version}\n")
