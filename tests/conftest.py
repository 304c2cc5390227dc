"""Shared fixtures of the tests (the store isolation is in the repository's ``conftest.py``,
which also covers the doctests)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.browser import browser  # noqa: F401  (the browser tests' shared Chromium)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ADBENCH = SHARED / "datasets" / "adbench"


def planted_frame(n: int = 300, d: int = 4, n_out: int = 6, seed: int = 0) -> tuple[
        pd.DataFrame, np.ndarray]:
    """Gaussian rows with ``n_out`` rows pushed 8 sd out in one feature each; labels."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = np.zeros(n, dtype=int)
    for i in range(n_out):
        X[i, i % d] += 8.0
        y[i] = 1
    return pd.DataFrame(X, columns=[f"f{j}" for j in range(d)]), y


@pytest.fixture
def planted() -> tuple[pd.DataFrame, np.ndarray]:
    return planted_frame()


@pytest.fixture
def mixed_frame() -> pd.DataFrame:
    """A frame with every column kind the preprocessing handles."""
    rng = np.random.default_rng(1)
    n = 200
    df = pd.DataFrame({
        "id": np.arange(n),
        "amount": rng.lognormal(3, 0.5, n),
        "count": rng.poisson(3, n),
        "flag": rng.random(n) > 0.7,
        "city": rng.choice(["paris", "lyon", "nice"], n),
        "when": pd.date_range("2026-01-01", periods=n, freq="37min"),
        "const": 1.0,
    })
    df.loc[5, "amount"] = np.nan
    df.loc[7, "amount"] = 5000.0
    return df
