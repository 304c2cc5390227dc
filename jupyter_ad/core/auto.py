"""What ``algorithm="auto"`` (the default) runs, chosen from the data's properties.

The rule, in order:

* **Fewer than 3 rows**: ``ecod`` (parameter-free and defined for any row count).
* **Up to 100,000 rows**: an ensemble of ``iforest``, ``copod`` and ``knn``: three different
  views of "unusual" (isolation by random splits, extreme values in single features, distance
  to the nearest neighbours). Each member's scores are put on one scale with robust z-scores of
  its training scores, then averaged.
* **More rows**: ``iforest`` + ``copod`` (both linear in the number of rows; exact k-NN is
  quadratic).

Measured on the 22 ADBench files in ``../shared/datasets`` (fit on all rows and score them,
50k-row subsample, ``benchmarks/adbench_default.py``): mean ROC-AUC 0.809 for the three-member
ensemble, 0.792 for Isolation Forest alone, 0.786 for iforest + copod, 0.766 for COPOD and
0.738 for k-NN alone.
"""

from __future__ import annotations

__all__ = ["LARGE_DATA_ROWS", "choose_algorithm"]

LARGE_DATA_ROWS = 100_000


def choose_algorithm(n_rows: int, n_features: int) -> tuple[list[str] | str, str]:
    """The algorithm(s) ``"auto"`` resolves to, and a one-line reason."""
    if n_rows < 3:
        return "ecod", f"only {n_rows} rows: ECOD needs no neighbours or sub-samples"
    if n_rows <= LARGE_DATA_ROWS:
        return (["iforest", "copod", "knn"],
                "iforest + copod + knn (robust z-score mean): random-split isolation, "
                "per-feature tails and neighbour distance")
    return (["iforest", "copod"],
            f"more than {LARGE_DATA_ROWS:,} rows: iforest + copod, both linear in the rows")
