"""Loading the shared ADBench files (../shared/datasets/adbench) the same way everywhere."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

# ../shared beside the project; $JUPYTER_AD_SHARED names another folder holding datasets/
# (a git worktree elsewhere, a CI cache)
SHARED = Path(os.environ.get("JUPYTER_AD_SHARED")
              or Path(__file__).resolve().parents[2] / "shared")
ADBENCH = SHARED / "datasets" / "adbench"
MAX_ROWS = 50_000


def iter_datasets(folder: Path = ADBENCH, max_rows: int = MAX_ROWS,
                  seed: int = 0) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """Yield ``(name, X, y)`` for each ``.npz`` file, subsampled to ``max_rows`` rows."""
    for path in sorted(folder.glob("*.npz")):
        with np.load(path, allow_pickle=False) as data:
            X, y = data["X"].astype(np.float64), data["y"].astype(int)
        if len(X) > max_rows:
            idx = np.random.default_rng(seed).choice(len(X), max_rows, replace=False)
            X, y = X[idx], y[idx]
        yield path.stem, X, y
