"""What ``algorithm="auto"`` (the default) runs, chosen from the data's size.

The rule, in order:

* **Fewer than 3 rows**: ``ecod`` (parameter-free and defined for any row count).
* **Up to 500,000 rows and 10 million values** (``n_rows * n_features``, i.e. 500,000 rows at 20
  features): ``iforest`` + ``sampled_knn``, each member's scores put on one scale with robust
  z-scores of its training scores, then averaged. Two views of "unusual": isolation by random
  splits, and distance to the 20th nearest of 512 seeded reference rows (on squashed robust
  z-scores, so one heavy-tailed column does not decide every distance). Both are linear in the
  rows and compiled: the pair costs about twice the forest alone, a fixed ``O(512 * d)`` per new
  row for the k-NN member (a few microseconds in ``score_one``).
* **Larger data**: ``iforest`` alone, the fastest detector we have (1M rows x 20 features
  detected end to end in about a second on 2 cores; see ``docs/benchmarks.md``). Above the
  limit the time *drops* (the k-NN member is left out): it never jumps up with one more row.

Why this pair (``python benchmarks/default_selection.py``, 2026-12-07; fit on all rows and score
them, files over 50,000 rows subsampled to 50,000, seeds 0-2): mean ROC-AUC over the 22 ADBench
files 0.821, against 0.792 for PyOD's IForest default (the best single PyOD default) and 0.809
for the former default (``iforest`` + ``copod`` + exact ``knn``, whose quadratic k-NN made it 12
times slower than scikit-learn at 50,000 rows). The rule: among candidates whose average
precision on the generated mixed tables is at least ``iforest``'s, the one whose largest
shortfall against the best candidate on any one file is smallest (minimax regret; no tuned
constant): the pair is never more than 0.057 behind the best candidate on any file (on
``letter``, where ``sampled_knn`` alone is better), ``sampled_knn`` alone up to 0.155 (on
``cardio``: 0.78 against 0.93 for PyOD's IForest; also weak on ``cover`` and ``shuttle``) and
``iforest`` alone up to 0.17. Replayed leave-one-file-out (chosen on 21 files, scored on the
22nd) the rule picks the pair every time, so the held-out mean is also 0.821. The former rule,
the cheapest candidate above IForest + 0.02, would now pick ``sampled_knn`` alone (the same
mean, cheaper, but with those losses and a lower AP on the card tables), and "best mean" flips
between the two near-tied candidates (0.797 held out). 256 reference rows and ``k = 10`` (the
default until 2026-12-07) give 0.817 beside ``iforest``, at half the k-NN cost. On the
card-transaction tables (:func:`jupyter_ad.datasets.load_card_transactions`, seeds 0-2) its AP
is 0.72-0.77 against 0.66-0.73 for ``iforest`` alone. Adding ``copod`` raises AP on the card
tables but lowers it on the demo transactions; the k-NN member without the squash drops AP on
the card tables to about 0.5.
"""

from __future__ import annotations

__all__ = ["LARGE_DATA_ROWS", "MAX_PAIR_VALUES", "choose_algorithm"]

#: Above this many rows "auto" runs ``iforest`` alone.
LARGE_DATA_ROWS = 500_000
#: ... or above this many values (rows x features): the k-NN member's cost grows with both.
MAX_PAIR_VALUES = LARGE_DATA_ROWS * 20


def choose_algorithm(n_rows: int, n_features: int) -> tuple[list[str] | str, str]:
    """The algorithm(s) ``"auto"`` resolves to, and a one-line reason."""
    if n_rows < 3:
        return "ecod", f"only {n_rows} rows: ECOD needs no neighbours or sub-samples"
    if n_rows <= LARGE_DATA_ROWS and n_rows * n_features <= MAX_PAIR_VALUES:
        return (["iforest", "sampled_knn"],
                "iforest + sampled_knn (robust z-score mean): random-split isolation and "
                "distance to a 512-row reference sample, both linear in the rows")
    return ("iforest",
            f"{n_rows:,} rows x {n_features} features is more than {LARGE_DATA_ROWS:,} rows or "
            f"{MAX_PAIR_VALUES:,} values: iforest alone, the fastest detector")
