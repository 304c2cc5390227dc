"""ROC-AUC of ``ad.detect(X)`` with defaults vs PyOD's defaults, fit-all protocol.

Protocol: fit on all rows of each ADBench file and score the same rows; files over 50k rows
are subsampled to 50k (seed 0). PyOD detectors get min-max scaled input, as in the published
reference figures (../shared/datasets/README.md). Prints one table and the means.

Run: ``python benchmarks/adbench_default.py [--no-pyod]``
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import MinMaxScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _adbench import ADBENCH, iter_datasets

import jupyter_ad as ad


def pyod_models() -> dict[str, object]:
    from pyod.models.copod import COPOD
    from pyod.models.ecod import ECOD
    from pyod.models.hbos import HBOS
    from pyod.models.iforest import IForest
    from pyod.models.knn import KNN
    from pyod.models.pca import PCA

    return {"pyod_iforest": IForest(random_state=0), "pyod_hbos": HBOS(), "pyod_copod": COPOD(),
            "pyod_ecod": ECOD(), "pyod_pca": PCA(), "pyod_knn": KNN()}


def run(folder: Path = ADBENCH, with_pyod: bool = True) -> pd.DataFrame:
    """One row per dataset: ROC-AUC (and seconds) of jupyter-ad's default and PyOD's."""
    rows = []
    for name, X, y in iter_datasets(folder):
        row: dict[str, object] = {"dataset": name, "rows": len(X), "features": X.shape[1]}
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ad.detect(X)
        row["jupyter_ad_seconds"] = time.perf_counter() - start
        row["finite"] = bool(np.isfinite(res.scores).all())
        row["jupyter_ad"] = roc_auc_score(y, res.scores)
        if with_pyod:
            Xs = MinMaxScaler().fit_transform(X)
            for key, model in pyod_models().items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    scores = np.nan_to_num(model.fit(Xs).decision_scores_, nan=0.0,
                                           posinf=1e12, neginf=-1e12)
                row[key] = roc_auc_score(y, scores)
        rows.append(row)
        print(f"{name:<22} {row['jupyter_ad']:.3f}", file=sys.stderr)
    return pd.DataFrame(rows).set_index("dataset")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pyod", action="store_true", help="only jupyter-ad")
    args = parser.parse_args()
    table = run(with_pyod=not args.no_pyod)
    auc_cols = [c for c in table.columns if c == "jupyter_ad" or c.startswith("pyod_")]
    print(table[["rows", "features", *auc_cols]].round(3).to_string())
    means = table[auc_cols].mean()
    print("\nMean ROC-AUC over", len(table), "files:")
    for key, value in means.sort_values(ascending=False).items():
        print(f"  {key:<14} {value:.4f}")
    if "pyod_iforest" in means:
        ratio = means["jupyter_ad"] / means["pyod_iforest"]
        print(f"\njupyter-ad default / PyOD IForest: {ratio:.3f}")
    print(f"non-finite scores: {int((~table['finite']).sum())} file(s)")


if __name__ == "__main__":
    main()
