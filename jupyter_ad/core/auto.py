"""What ``algorithm="auto"`` (the default) runs, chosen from the data's properties.

The rule, in order:

* **Fewer than 3 rows**: ``ecod`` (parameter-free and defined for any row count).
* **Up to 50,000 rows, while exact k-NN stays cheap** (``n_rows ** 2 * n_features`` at most
  ``5e10``, i.e. 50,000 rows at 20 features): an ensemble of ``iforest``, ``copod`` and
  ``knn``: three different views of "unusual" (isolation by random splits, extreme values in
  single features, distance to the nearest neighbours). Each member's scores are put on one
  scale with robust z-scores of its training scores, then averaged.
* **Larger data**: ``iforest`` alone, linear in the rows and the fastest detector we have
  (1M rows x 20 features detected end to end in about a second on 2 cores; see
  ``docs/benchmarks.md``). Exact k-NN is quadratic; COPOD was dropped from this branch when
  measurements showed it cost at least as much time as the forest and lowered the mean
  ROC-AUC.

Measured on the 22 ADBench files in ``../shared/datasets`` (fit on all rows and score them,
50k-row subsample; ``python benchmarks/adbench_default.py``, 2026-11-24): mean ROC-AUC 0.807 for
the small-data default, against 0.791 for PyOD's IForest, the best single PyOD default in the
same run (HBOS 0.771, COPOD 0.766, ECOD 0.759, PCA 0.745, KNN 0.723). k-NN alone is the weakest
of the three members, but it sees what the other two miss: dropping it costs about 0.02.

For the large-data branch (``python benchmarks/adbench_large_default.py``, 3 seeds, same files
and protocol, 2026-12-01): ``iforest`` 0.792, scikit-learn's ``IsolationForest()`` 0.792,
``iforest`` + ``copod`` 0.786.
"""

from __future__ import annotations

__all__ = ["KNN_MAX_WORK", "LARGE_DATA_ROWS", "choose_algorithm"]

LARGE_DATA_ROWS = 50_000
KNN_MAX_WORK = 5e10


def choose_algorithm(n_rows: int, n_features: int) -> tuple[list[str] | str, str]:
    """The algorithm(s) ``"auto"`` resolves to, and a one-line reason."""
    if n_rows < 3:
        return "ecod", f"only {n_rows} rows: ECOD needs no neighbours or sub-samples"
    if n_rows <= LARGE_DATA_ROWS and float(n_rows) ** 2 * n_features <= KNN_MAX_WORK:
        return (["iforest", "copod", "knn"],
                "iforest + copod + knn (robust z-score mean): random-split isolation, "
                "per-feature tails and neighbour distance")
    return ("iforest",
            f"{n_rows:,} rows x {n_features} features is too large for exact k-NN: iforest, "
            "linear in the rows")
