"""Bounded-memory work on Parquet files too large for memory: sample rows to fit on, and
score in batches streamed to a Parquet output.

Memory stays at about one decoded row group of the input plus one batch (``batch_rows`` rows:
the input columns, the preprocessed matrix and the outputs, a few times
``batch_rows x n_features x 8`` bytes) plus the model, whatever the file size: streaming
10M x 20 rows written in 1M-row groups peaked at about 1 GB of resident memory in all. Scores
equal in-memory scoring, since a row's score never depends on the other rows of its batch.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jupyter_ad.errors import DataFileError, OutputError, ParameterError

__all__ = ["DEFAULT_BATCH_ROWS", "sample_parquet", "score_parquet"]

DEFAULT_BATCH_ROWS = 262_144


def _open(source: str | os.PathLike[str]) -> Any:
    import pyarrow.parquet as pq

    path = Path(source).expanduser()
    if not path.exists():
        raise DataFileError(f"No such Parquet file: {str(path)!r}.")
    try:
        # without pre-buffering, decoded row groups are released as the batches move on
        return pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
    except Exception as exc:  # pyarrow raises its own types for non-Parquet files
        raise DataFileError(f"Could not read {str(path)!r} as Parquet: {exc}") from exc


def sample_parquet(source: str | os.PathLike[str], n_rows: int, *, seed: int = 0,
                   batch_rows: int = DEFAULT_BATCH_ROWS) -> pd.DataFrame:
    """A seeded uniform sample of ``n_rows`` rows (all rows if fewer), read batch by batch."""
    if n_rows < 1:
        raise ParameterError(f"n_rows must be >= 1, got {n_rows}.")
    file = _open(source)
    total = file.metadata.num_rows
    if total <= n_rows:
        return file.read().to_pandas()
    wanted = np.sort(np.random.default_rng(seed).choice(total, n_rows, replace=False))
    parts, start = [], 0
    for batch in file.iter_batches(batch_size=batch_rows):
        stop = start + batch.num_rows
        lo, hi = np.searchsorted(wanted, [start, stop])
        if hi > lo:
            parts.append(batch.take(wanted[lo:hi] - start).to_pandas())
        start = stop
    return pd.concat(parts, ignore_index=True)


def score_parquet(model: Any, source: str | os.PathLike[str], target: str | os.PathLike[str],
                  *, batch_rows: int = DEFAULT_BATCH_ROWS, extra_columns: str = "error",
                  keep_columns: bool = True, progress: bool = False, force: bool = False,
                  drop_columns: Sequence[str] = ()) -> dict[str, Any]:
    """Score ``source`` batch by batch with ``model`` and stream the rows to ``target``.

    Each output row holds the input columns (unless ``keep_columns=False``; ``drop_columns``
    are left out) plus ``score``, ``label`` and ``confidence`` (``score_ad``... when the input
    already has such a column, as :meth:`DetectionResult.to_frame` does). The output is written
    to a temporary file and renamed at the end, so an interrupted run never leaves a partial
    file; ``target`` may not be ``source`` unless ``force=True``. Returns counts and the path.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from jupyter_ad.engines.partition import score_partition
    from jupyter_ad.io.output import check_output_path

    file = _open(source)
    out_path = check_output_path(target, inputs=[source], force=force,
                                 suffixes=(".parquet", ".pq"))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp",
                                   dir=out_path.parent)
    except OSError as exc:
        raise OutputError(f"Cannot write {str(out_path)!r}: {exc.strerror or exc}.") from exc
    os.close(fd)
    bar = _bar(progress, file.metadata.num_rows)
    n_rows = n_flagged = 0
    writer = None
    try:
        for batch in file.iter_batches(batch_size=batch_rows):
            frame = batch.to_pandas()
            if drop_columns:
                frame = frame.drop(columns=list(drop_columns))
            scored = score_partition(frame, model, extra_columns=extra_columns)
            if keep_columns:
                taken = set(map(str, frame.columns))
                scored.columns = [f"{c}_ad" if c in taken else c for c in scored.columns]
            out = pd.concat([frame, scored], axis=1) if keep_columns else scored
            table = pa.Table.from_pandas(out, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema)
            writer.write_table(table)
            n_rows += len(frame)
            n_flagged += int(scored["label"].sum())
            if bar is not None:
                bar.update(len(frame))
        if writer is not None:
            writer.close()
            writer = None
        os.replace(tmp, out_path)
    except OSError as exc:
        _discard(writer, tmp)
        raise OutputError(f"Cannot write {str(out_path)!r}: {exc.strerror or exc}. Nothing was "
                          "written.") from exc
    except BaseException:
        _discard(writer, tmp)
        raise
    finally:
        if bar is not None:
            bar.close()
    return {"path": out_path, "n_rows": n_rows, "n_anomalies": n_flagged}


def _discard(writer: Any, tmp: str) -> None:
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.close()
    Path(tmp).unlink(missing_ok=True)


def _bar(enabled: bool, total: int) -> Any:
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="rows", unit_scale=True, desc="scoring")
