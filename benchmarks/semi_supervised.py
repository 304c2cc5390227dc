"""Average precision before and after ``ad.learn_from_labels`` with 1% of anomalies labelled.

Protocol: for each ADBench file (fit on all rows and score them, files over 50k rows subsampled
to 50k with seed 0, as in ``adbench_default.py``), run ``ad.detect(X)`` (unsupervised
``"auto"``), then label 1% of the anomalies (at least 2), chosen at random with seeds 0, 1 and
2, and nothing else, and call ``ad.learn_from_labels(res, labels)``. Average precision is
measured on the *unlabelled* rows only and averaged over the seeds. Prints one line per file
and the means; the target is at least +20% relative mean AP.

``--ablation`` also prints the re-ranking at each fixed weight of the evidence (1, 2, 4, 8),
computed from the fitted re-ranker, next to the learned scores (whose weight the held-out
check chose).

Run: ``python benchmarks/semi_supervised.py [--ablation]``
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

SEEDS = (0, 1, 2)
SHARE = 0.01


def pick_labels(y: np.ndarray, seed: int) -> np.ndarray:
    """Labels with 1% of the anomalies (at least 2) set to 1 and everything else missing."""
    anomalies = np.flatnonzero(y == 1)
    k = min(anomalies.size, max(2, round(SHARE * anomalies.size)))
    chosen = np.random.default_rng(seed).choice(anomalies, k, replace=False)
    labels = np.full(y.size, np.nan)
    labels[chosen] = 1.0
    return labels


def parts(new: ad.DetectionResult, base_scores: np.ndarray) -> dict[str, np.ndarray]:
    """Scores of the ablations: the tail surprisal plus the evidence at fixed weights."""
    det = new.model.detector_
    t = det._surprisal(base_scores)
    p = det._evidence(det._standardise(new.features))
    return {f"weight {w:g}": t + w * p for w in (1.0, 2.0, 4.0, 8.0)}


def run(folder: Path = ADBENCH, ablation: bool = False) -> pd.DataFrame:
    rows = []
    for name, X, y in iter_datasets(folder):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ad.detect(X)
        acc: dict[str, list[float]] = {}
        seconds = []
        for seed in SEEDS:
            labels = pick_labels(y, seed)
            start = time.perf_counter()
            new = ad.learn_from_labels(res, labels)
            seconds.append(time.perf_counter() - start)
            unlabelled = np.isnan(labels)
            scored = {"unsupervised": res.scores, "learned": new.scores}
            if ablation:
                scored |= parts(new, res.scores)
            for key, s in scored.items():
                acc.setdefault(key, []).append(
                    average_precision_score(y[unlabelled], s[unlabelled]))
        row = {"dataset": name, "rows": len(X), "anomalies": int(y.sum()),
               "labelled": int(np.sum(~np.isnan(pick_labels(y, 0)))),
               **{k: float(np.mean(v)) for k, v in acc.items()},
               "seconds": float(np.mean(seconds))}
        rows.append(row)
        print(f"{name:<20} AP {row['unsupervised']:.3f} -> {row['learned']:.3f}",
              file=sys.stderr)
    return pd.DataFrame(rows).set_index("dataset")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ablation", action="store_true",
                        help="also score fixed weights of the evidence")
    args = parser.parse_args()
    table = run(ablation=args.ablation)
    table["change"] = table["learned"] / table["unsupervised"] - 1
    print(table.round(3).to_string())
    ap_cols = [c for c in table.columns
               if c in ("unsupervised", "learned") or c.startswith("weight ")]
    means = table[ap_cols].mean()
    print(f"\nMean AP on unlabelled rows over {len(table)} files ({len(SEEDS)} seeds each):")
    for key, value in means.items():
        print(f"  {key:<13} {value:.4f}  ({value / means['unsupervised'] - 1:+.1%})")
    print(f"files better: {int((table['change'] > 0).sum())}, worse: "
          f"{int((table['change'] < 0).sum())}; mean seconds per learn: "
          f"{table['seconds'].mean():.2f}")


if __name__ == "__main__":
    main()
