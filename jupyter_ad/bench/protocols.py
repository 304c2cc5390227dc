"""Evaluation protocols: which rows a detector is fitted on and which rows it is scored on.

Both protocols hand every detector a min-max scaled matrix (the scaler is fitted on the rows
the detector is fitted on), as ADBench does; no other preprocessing is applied.

``fit-all``
    Fit on all rows and score the same rows (what :func:`jupyter_ad.detect` and ``%%detect``
    do). Files over ``max_rows`` (default 50,000) are subsampled once, with seed 0; every seed
    sees the same rows, only the detectors' ``random_state`` changes.
``adbench``
    The protocol of ADBench (Han et al., NeurIPS 2022): per seed, files over ``max_rows``
    (default 10,000, ADBench's own cap) are subsampled with that seed, split 70/30 into train
    and test stratified on the label, min-max scaled with a scaler fitted on train, fitted on
    train and scored (ROC-AUC) on test; results are averaged over seeds ``0 .. n_seeds - 1``.
    ADBench also pads files under 1,000 rows to 1,000 by sampling rows with replacement; that
    padding is off by default (``duplicate_padding=True`` turns it on) because it copies rows
    into both train and test, which depresses neighbour methods (k-NN, LOF).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from jupyter_ad.errors import DataError, ParameterError

__all__ = ["PROTOCOLS", "AdbenchProtocol", "FitAllProtocol", "Fold", "Protocol", "get_protocol"]

ADBENCH_MIN_ROWS = 1_000


@dataclass(frozen=True)
class Fold:
    """The rows of one run: fit on ``fit_rows``, score ``score_rows`` (indices, may repeat)."""

    seed: int
    fit_rows: np.ndarray
    score_rows: np.ndarray
    same_rows: bool = False  # True when the rows scored are the rows fitted (fit-all)


class Protocol:
    """Base class: ``folds(y)`` yields one :class:`Fold` per seed."""

    name: str = ""
    default_max_rows: int = 50_000
    default_seeds: int = 1

    def __init__(self, n_seeds: int | None = None, max_rows: int | None = None) -> None:
        self.n_seeds = _positive("seeds", n_seeds, self.default_seeds)
        self.max_rows = _positive("max_rows", max_rows, self.default_max_rows)

    def folds(self, y: np.ndarray) -> Iterator[Fold]:  # pragma: no cover - abstract
        """One :class:`Fold` per seed for a dataset with labels ``y``."""
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        """One sentence on what the protocol does, for reports."""
        raise NotImplementedError


def _positive(name: str, value: Any, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ParameterError(f"{name} must be a whole number >= 1, got {value!r}.")
    return int(value)


def _subsample(n: int, max_rows: int, seed: int) -> np.ndarray:
    rows = np.arange(n)
    if n <= max_rows:
        return rows
    return np.random.default_rng(seed).choice(n, size=max_rows, replace=False)


class FitAllProtocol(Protocol):
    """Fit on all rows (subsampled to ``max_rows`` with seed 0) and score the same rows."""

    name = "fit-all"
    default_max_rows = 50_000
    default_seeds = 1

    def folds(self, y: np.ndarray) -> Iterator[Fold]:
        """The same rows for every seed (only the detectors' ``random_state`` changes)."""
        rows = _subsample(len(y), self.max_rows, 0)
        for seed in range(self.n_seeds):
            yield Fold(seed=seed, fit_rows=rows, score_rows=rows, same_rows=True)

    def describe(self) -> str:
        """One sentence on what the protocol does."""
        return (f"fit-all: min-max scaled, fitted on all rows and scored on the same rows "
                f"(files over {self.max_rows:,} rows subsampled with seed 0), "
                f"{self.n_seeds} seed(s).")


class AdbenchProtocol(Protocol):
    """ADBench's protocol: stratified 70/30 split per seed, min-max scaled on train."""

    name = "adbench"
    default_max_rows = 10_000
    default_seeds = 3

    def __init__(self, n_seeds: int | None = None, max_rows: int | None = None, *,
                 test_size: float = 0.3, duplicate_padding: bool = False) -> None:
        super().__init__(n_seeds, max_rows)
        if not 0 < test_size < 1:
            raise ParameterError(f"test_size must be in (0, 1), got {test_size!r}.")
        self.test_size = float(test_size)
        self.duplicate_padding = bool(duplicate_padding)

    def folds(self, y: np.ndarray) -> Iterator[Fold]:
        """Per seed: optional padding, subsampling, then a stratified train/test split."""
        y = np.asarray(y)
        counts = np.bincount(y.astype(np.int64), minlength=2)
        if counts.min() < 2:
            raise DataError(
                f"The adbench protocol needs at least 2 anomalies and 2 normal rows for a "
                f"stratified split; got {counts[1]} anomalies and {counts[0]} normal rows. "
                "Use --protocol fit-all."
            )
        for seed in range(self.n_seeds):
            rows = np.arange(len(y))
            if self.duplicate_padding and len(rows) < ADBENCH_MIN_ROWS:
                rows = np.random.default_rng(seed).choice(len(y), ADBENCH_MIN_ROWS, replace=True)
            if len(rows) > self.max_rows:
                rows = rows[_subsample(len(rows), self.max_rows, seed)]
            train, test = train_test_split(rows, test_size=self.test_size, shuffle=True,
                                           stratify=y[rows], random_state=seed)
            yield Fold(seed=seed, fit_rows=np.asarray(train), score_rows=np.asarray(test))

    def describe(self) -> str:
        """One sentence on what the protocol does."""
        padding = (f"files under {ADBENCH_MIN_ROWS:,} rows padded with duplicates as in "
                   "ADBench, " if self.duplicate_padding else "no duplicate padding, ")
        return (f"adbench: per seed, stratified {1 - self.test_size:.0%}/{self.test_size:.0%} "
                f"train/test split, min-max scaling fitted on train, fitted on train, scored on "
                f"test; files over {self.max_rows:,} rows subsampled per seed; {padding}"
                f"mean over seeds 0..{self.n_seeds - 1}.")


PROTOCOLS: dict[str, type[Protocol]] = {"fit-all": FitAllProtocol, "adbench": AdbenchProtocol}


def get_protocol(name: str | Protocol, *, n_seeds: int | None = None,
                 max_rows: int | None = None, duplicate_padding: bool = False) -> Protocol:
    """The protocol called ``name`` (``"fit-all"`` or ``"adbench"``), or ``name`` itself."""
    if isinstance(name, Protocol):
        return name
    key = str(name).strip().lower().replace("_", "-")
    if key == "adbench":
        return AdbenchProtocol(n_seeds, max_rows, duplicate_padding=duplicate_padding)
    if key == "fit-all":
        if duplicate_padding:
            raise ParameterError("duplicate padding belongs to the adbench protocol.")
        return FitAllProtocol(n_seeds, max_rows)
    raise ParameterError(f"Unknown protocol {name!r}; use 'fit-all' or 'adbench'.")
