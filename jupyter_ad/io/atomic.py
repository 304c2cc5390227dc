"""Atomic text writes: a temporary file in the target's folder, then a rename (or a link that
refuses to replace an existing file), so a failure never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from jupyter_ad.errors import OutputError

__all__ = ["write_text_atomic"]


def write_text_atomic(target: Path, text: str, *, replace: bool = True) -> Path:
    """Write ``text`` to ``target`` atomically.

    Parameters
    ----------
    target : Path
    text : str
    replace : bool, default True
        With ``False``, raise :class:`FileExistsError` if ``target`` exists (checked atomically
        by ``os.link`` where the file system has hard links).

    Raises
    ------
    FileExistsError
        ``replace=False`` and the file exists.
    OutputError
        The file cannot be written (missing or read-only folder, a folder in its place, disk
        full...); nothing was written.
    """
    target = Path(target)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        # O_EXCL: never follow or reuse an existing file; mode 0o666 minus the umask, like open()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            if replace:
                os.replace(tmp, target)
            else:
                _link_no_clobber(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    except FileExistsError:
        if replace:  # pragma: no cover - O_EXCL on a fresh random name
            raise OutputError(f"Cannot write {str(target)!r}: a temporary file collided.") from None
        raise
    except OSError as exc:
        where = f"{str(target)!r} is a folder" if target.is_dir() else exc.strerror or str(exc)
        raise OutputError(f"Cannot write {str(target)!r}: {where}. Nothing was written; choose "
                          "another path, or check the folder exists and is writable.") from exc
    return target


def _link_no_clobber(tmp: Path, target: Path) -> None:
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system: check, then rename
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.replace(tmp, target)
