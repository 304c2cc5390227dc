"""Writing result tables to CSV, Parquet or JSON-lines, atomically, to a path checked first.

:func:`check_output_path` is called before any work is done (``jupyter-ad detect -o``, ``score
-o``, ``new -o``, ``demo -o``): it refuses a wrong extension (:class:`ParameterError`), a
folder, a folder that is missing or cannot be written, and one of the input files unless
``force`` (:class:`OutputError`). A write that fails anyway (disk full) raises
:class:`OutputError` too, and leaves no partial file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from jupyter_ad.errors import OutputError, ParameterError

__all__ = ["OUTPUT_COLUMNS", "OUTPUT_SUFFIXES", "check_output_path", "same_file",
           "stale_output_columns", "write_table"]

OUTPUT_SUFFIXES = (".csv", ".parquet", ".json", ".jsonl")
OUTPUT_COLUMNS = ("score", "label", "confidence", "rank")
_OUTPUT_NAME = re.compile(r"(score|label|confidence|rank)(_ad)*")


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same file (after resolving links; existing files compared
    by device and inode, so hard links count too).
    """
    pa, pb = Path(a).expanduser(), Path(b).expanduser()
    with contextlib.suppress(OSError):
        if pa.exists() and pb.exists():
            return os.path.samefile(pa, pb)
    return pa.resolve() == pb.resolve()


def check_output_path(path: str | os.PathLike[str], *,
                      inputs: Iterable[str | os.PathLike[str] | None] = (),
                      force: bool = False,
                      suffixes: Sequence[str] | None = OUTPUT_SUFFIXES,
                      make_parents: bool = False, what: str = "output") -> Path:
    """The output path, refused before any work if it cannot be written.

    Parameters
    ----------
    path : str or os.PathLike
    inputs : paths, optional
        Files the command reads: writing over one of them is refused unless ``force``.
    force : bool, default False
    suffixes : sequence of str or None
        Allowed extensions (``None``: any).
    make_parents : bool, default False
        The writer creates missing folders: the nearest existing one must be writable.
    what : str
        How the file is called in messages (``"output"``, ``"notebook"``...).

    Raises
    ------
    ParameterError
        A wrong extension.
    OutputError
        A folder, a missing or read-only folder, or one of ``inputs`` without ``force``.
    """
    text = os.fspath(path)
    target = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or target.is_dir():
        raise OutputError(f"The {what} {text!r} is a folder: give a file name, e.g. "
                          f"{str(target / ('results' + (suffixes[0] if suffixes else '')))!r}.")
    if suffixes is not None and target.suffix.lower() not in suffixes:
        raise ParameterError(
            f"Cannot write {text!r}: the extension must be one of {', '.join(suffixes)}."
        )
    for source in inputs:
        if source is not None and not force and same_file(source, target):
            raise OutputError(
                f"The {what} {text!r} is the input file {os.fspath(source)!r}: writing it would "
                "replace your data. Choose another name, or pass --force (force=True) to "
                "replace it."
            )
    folder = target.parent
    if make_parents:
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
    if not folder.exists():
        raise OutputError(f"Cannot write the {what} {text!r}: the folder {str(folder)!r} does "
                          "not exist. Create it first, or choose another folder.")
    if not folder.is_dir():
        raise OutputError(f"Cannot write the {what} {text!r}: {str(folder)!r} is a file, not a "
                          "folder.")
    _probe(folder, text, what)
    return target


def _probe(folder: Path, text: str, what: str) -> None:
    """Create and remove a file in ``folder``: permissions, read-only or special file systems
    all answer the one question that matters.
    """
    try:
        fd, probe = tempfile.mkstemp(prefix=".jupyter-ad-probe-", dir=folder)
    except OSError as exc:
        raise OutputError(f"Cannot write the {what} {text!r}: the folder {str(folder)!r} is not "
                          f"writable ({exc.strerror or exc}). Choose another folder.") from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def stale_output_columns(columns: Iterable[object], keep: Iterable[str] = ()) -> list[str]:
    """Input columns named like jupyter-ad's output columns (``score``, ``label``,
    ``confidence``, ``rank``, and those with ``_ad`` suffixes), except those in ``keep``.

    A file written by ``jupyter-ad detect -o`` carries them; read again, they are results of the
    earlier run, not features.
    """
    kept = set(keep)
    return [str(c) for c in columns
            if _OUTPUT_NAME.fullmatch(str(c)) and str(c) not in kept]


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str], *,
                inputs: Iterable[str | os.PathLike[str] | None] = (),
                force: bool = False) -> Path:
    """Write ``frame`` to ``path`` (format from the extension) via a temporary file + rename,
    so a failure never leaves a half-written file behind.

    Raises
    ------
    ParameterError, OutputError
        As :func:`check_output_path`; :class:`OutputError` also if the write fails.
    """
    target = check_output_path(path, inputs=inputs, force=force)
    suffix = target.suffix.lower()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"Cannot write {str(target)!r}: {exc.strerror or exc}.") from exc
    os.close(fd)
    try:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_json(tmp, orient="records", lines=True, date_format="iso")
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"Cannot write {str(target)!r}: {exc.strerror or exc}. Nothing was "
                          "written; check the free space and permissions.") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
