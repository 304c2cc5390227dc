"""Writing result tables to CSV, Parquet or JSON-lines, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from jupyter_ad.errors import ParameterError

__all__ = ["OUTPUT_SUFFIXES", "check_output_path", "write_table"]

OUTPUT_SUFFIXES = (".csv", ".parquet", ".json", ".jsonl")


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """The output path, refused early if its extension or folder is wrong."""
    target = Path(path).expanduser()
    if target.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ParameterError(
            f"Cannot write {str(target)!r}: the extension must be one of "
            f"{', '.join(OUTPUT_SUFFIXES)}."
        )
    if not target.parent.exists():
        raise ParameterError(f"The folder {str(target.parent)!r} does not exist.")
    return target


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` to ``path`` (format from the extension) via a temporary file + rename,
    so a failure never leaves a half-written file behind.
    """
    target = check_output_path(path)
    suffix = target.suffix.lower()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_json(tmp, orient="records", lines=True, date_format="iso")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
