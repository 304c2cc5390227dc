"""Default versus tuned parameters (``ad.tune``) for knn and iforest, with 5% of rows labelled.

Protocol, per ADBench file (subsampled to ``--max-rows`` rows with seed 0): label a random 5%
of the rows (seed 0; the rest are missing), then for each detector

* **default CV AP**: ``ad.validate(X, algo, labels=labels5, cv=3)``, mean held-out average
  precision on the labelled rows, default parameters;
* **tuned CV AP**: ``ad.tune(X, algo, labels=labels5, n_trials=..., cv=3).best_score``, the same
  criterion for the best trial (the best of many on the same folds: optimistic);
* **hidden AP**: average precision on the other 95% of rows (labels the tuning never saw) of
  ``ad.detect(X, algo, params=...)`` with the default and with the tuned parameters: the
  honest check of whether tuning on 5% of the labels helps.

Files where the 5% hold fewer than 2 anomalies are skipped (tune refuses them).

Run: ``python benchmarks/tuning.py [--trials 20] [--max-rows 3000] [--files cardio,...]``
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _adbench import ADBENCH, iter_datasets

import jupyter_ad as ad

DEFAULT_FILES = ("6_cardio", "29_Pima", "38_thyroid", "30_satellite", "47_yeast", "42_WBC")
ALGORITHMS = ("knn", "iforest")
SHARE = 0.05


def five_percent(y: np.ndarray, seed: int = 0) -> np.ndarray:
    """Labels for a random 5% of the rows, missing elsewhere."""
    chosen = np.random.default_rng(seed).choice(y.size, max(1, round(SHARE * y.size)),
                                                replace=False)
    labels = np.full(y.size, np.nan)
    labels[chosen] = y[chosen]
    return labels


def run(files: tuple[str, ...], trials: int, max_rows: int) -> pd.DataFrame:
    rows = []
    for name, X, y in iter_datasets(ADBENCH, max_rows=max_rows):
        if name not in files:
            continue
        labels = five_percent(y)
        hidden = np.isnan(labels)
        if np.nansum(labels) < 2:
            print(f"{name}: {int(np.nansum(labels))} anomalies in the 5% labelled, skipped")
            continue
        for algo in ALGORITHMS:
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                default = ad.validate(X, algo, labels=labels, cv=3)
                tuned = ad.tune(X, algo, labels=labels, n_trials=trials, cv=3)
                plain = ad.detect(X, algo).scores
                better = ad.detect(X, algo, params=tuned.best_params).scores
            row = {
                "dataset": name, "algorithm": algo, "rows": len(y),
                "labelled": int((~hidden).sum()), "anomalies_labelled": int(np.nansum(labels)),
                "default_cv_ap": default.mean["average_precision"],
                "tuned_cv_ap": tuned.best_score,
                "default_hidden_ap": average_precision_score(y[hidden], plain[hidden]),
                "tuned_hidden_ap": average_precision_score(y[hidden], better[hidden]),
                "best_params": tuned.best_params, "seconds": time.perf_counter() - start,
            }
            rows.append(row)
            print(f"{name:14s} {algo:8s} CV AP {row['default_cv_ap']:.3f} -> "
                  f"{row['tuned_cv_ap']:.3f}   hidden AP {row['default_hidden_ap']:.3f} -> "
                  f"{row['tuned_hidden_ap']:.3f}   {tuned.best_params}  "
                  f"({row['seconds']:.0f} s)", flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--max-rows", type=int, default=3000)
    parser.add_argument("--files", default=",".join(DEFAULT_FILES))
    args = parser.parse_args()
    table = run(tuple(args.files.split(",")), args.trials, args.max_rows)
    if table.empty:
        print(f"No ADBench files found in {ADBENCH}.")
        return
    means = table.groupby("algorithm")[["default_cv_ap", "tuned_cv_ap", "default_hidden_ap",
                                        "tuned_hidden_ap"]].mean()
    print(f"\nMeans over {table['dataset'].nunique()} files ({args.trials} trials, 3-fold CV on "
          "the 5% labelled rows):")
    print(means.round(3).to_string())


if __name__ == "__main__":
    main()
