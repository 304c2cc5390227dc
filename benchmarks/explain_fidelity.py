"""Do explanations name the planted column? LIME-contrast vs plain LimeTabularExplainer.

Protocol (seed 0): 1,000 normal training rows of 20 independent standard-normal columns; test
rows whose columns are normal draws kept within +-2 sd, then +6 sd added to one (or two)
random known columns. For each detector: fit on the training rows, score the test rows with
``model.score`` and explain each.

* ``top1`` / ``top2``: share of rows whose top (top-2) contributing columns are exactly the
  planted ones, with the training rows as reference (``reference=train``).
* ``top1_med`` / ``top2_med``: the same with no normal rows at hand (the fallback that contrasts
  with the training medians).
* ``top1_raw``: one planted column, other columns plain normal draws (not kept within +-2 sd,
  so some rows have a second, naturally extreme column the detector may rank first).
* ``sec`` / ``cpu_sec``: mean wall-clock / CPU seconds per explanation (20 columns, default
  ``n_samples``, training rows as reference; CPU time counts every thread, and is the steadier
  figure on a busy machine); ``sec_1thread`` the wall-clock time with BLAS/OpenMP limited to
  one thread (on a shared machine, thread oversubscription dominates the k-NN and LOF times).
* ``lime_top1``: plain ``lime.lime_tabular.LimeTabularExplainer`` (regression on the score,
  default settings, training rows as its training data); its top column is the one with the
  largest positive weight (``lime_top1``) or the largest absolute weight (``lime_top1_abs``,
  LIME's own order).

Run: ``python benchmarks/explain_fidelity.py [--rows 50] [--quick]``
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

import jupyter_ad as ad
from jupyter_ad.explain import DEFAULT_SAMPLES, explain_row

ALGORITHMS = ("iforest", "ecod", "knn", "lof", "hbos", "pca")
D, N_TRAIN = 20, 1000


def planted(rng: np.random.Generator, n: int, n_planted: int, *,
            clean: bool = True) -> tuple[pd.DataFrame, list[set[str]]]:
    """Test rows with ``n_planted`` columns at +6 sd; the planted column names per row."""
    X = rng.normal(size=(n, D))
    while clean and (bad := np.abs(X) > 2).any():
        X[bad] = rng.normal(size=int(bad.sum()))
    which = [rng.choice(D, n_planted, replace=False) for _ in range(n)]
    for i, cols in enumerate(which):
        X[i, cols] += 6.0
    return pd.DataFrame(X, columns=COLUMNS), [{COLUMNS[k] for k in cols} for cols in which]


COLUMNS = [f"f{j:02d}" for j in range(D)]


def fidelity(res: ad.DetectionResult, truth: list[set[str]], reference: object,
             n_samples: int = DEFAULT_SAMPLES) -> tuple[float, float, float]:
    """(share of rows explained right, mean wall and CPU seconds per explanation)."""
    hits, start, cpu = 0, time.perf_counter(), time.process_time()
    for i, cols in enumerate(truth):
        exp = explain_row(res, i, reference=reference, n_samples=n_samples)
        hits += {c.feature for c in exp.columns[: len(cols)]} == cols
    n = len(truth)
    return hits / n, (time.perf_counter() - start) / n, (time.process_time() - cpu) / n


def plain_lime(model: ad.AnomalyModel, train: pd.DataFrame, res: ad.DetectionResult,
               truth: list[set[str]]) -> tuple[float, float]:
    """Top-1 share of plain LIME: by largest positive weight, and by largest |weight|."""
    from lime.lime_tabular import LimeTabularExplainer

    X_train = model.preprocess(train)[1]
    explainer = LimeTabularExplainer(X_train, mode="regression", feature_names=COLUMNS,
                                     random_state=0)
    hits, hits_abs = 0, 0
    for i, cols in enumerate(truth):
        exp = explainer.explain_instance(res.features[i], model.detector_.score_samples,
                                         num_features=D)
        weights = exp.as_map()[1]  # regression: label 1 holds the weights with their sign
        hits += COLUMNS[int(max(weights, key=lambda fw: fw[1])[0])] in cols
        hits_abs += COLUMNS[int(max(weights, key=lambda fw: abs(fw[1]))[0])] in cols
    return hits / len(truth), hits_abs / len(truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50, help="test rows per setting")
    parser.add_argument("--quick", action="store_true", help="10 rows, no plain LIME")
    parser.add_argument("--n-samples", type=int, default=DEFAULT_SAMPLES,
                        help="perturbed rows per explanation")
    args = parser.parse_args()
    n = 10 if args.quick else args.rows
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    train = pd.DataFrame(rng.normal(size=(N_TRAIN, D)), columns=COLUMNS)
    one, truth1 = planted(rng, n, 1)
    two, truth2 = planted(rng, n, 2)
    raw, truth_raw = planted(rng, n, 1, clean=False)
    rows = []
    for name in ALGORITHMS:
        model = ad.fit(train, algorithm=name)
        res1, res2, res_raw = model.score(one), model.score(two), model.score(raw)
        ns = args.n_samples
        top1, sec, cpu = fidelity(res1, truth1, train, ns)
        with threadpool_limits(1):
            sec_1thread = fidelity(res1, truth1, train, ns)[1]
        row = {"algorithm": name, "top1": top1, "top2": fidelity(res2, truth2, train, ns)[0],
               "top1_med": fidelity(res1, truth1, None, ns)[0],
               "top2_med": fidelity(res2, truth2, None, ns)[0],
               "top1_raw": fidelity(res_raw, truth_raw, train, ns)[0], "sec": sec,
               "cpu_sec": cpu, "sec_1thread": sec_1thread}
        if not args.quick:
            row["lime_top1"], row["lime_top1_abs"] = plain_lime(model, train, res1, truth1)
        rows.append(row)
        if len(rows) == 1:
            print("  ".join(f"{k:>13}" for k in row), flush=True)
        print("  ".join(f"{v:>13}" if isinstance(v, str) else f"{v:13.3f}" for v in row.values()),
              flush=True)
    table = pd.DataFrame(rows)
    print(f"\n{n} rows per setting, {D} columns, {N_TRAIN} training rows, n_samples {ns}. "
          "Means:")
    print(table.drop(columns="algorithm").mean().round(3).to_string())


if __name__ == "__main__":
    main()
