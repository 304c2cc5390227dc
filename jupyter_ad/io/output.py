"""Writing result tables to CSV, Parquet or JSON-lines, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from jupyter_ad.errors import ParameterError

__all__ = ["OUTPUT_SUFFIXES", "write_table"]

OUTPUT_SUFFIXES = (".csv", ".parquet", ".json", ".jsonl")


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` to ``path`` (format from the extension) via a temporary file + rename,
    so a failure never leaves a half-written file behind.
    """
    target = Path(path).expanduser()
    suffix = target.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise ParameterError(
            f"Cannot write {str(target)!r}: the extension must be one of "
            f"{', '.join(OUTPUT_SUFFIXES)}."
        )
    if not target.parent.exists():
        raise ParameterError(f"The folder {str(target.parent)!r} does not exist.")
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
