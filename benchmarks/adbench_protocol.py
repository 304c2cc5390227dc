"""ADBench's protocol on the shared ADBench files, compared with the paper's Table D4.

Protocol (``jupyter_ad.bench``): per seed 0..2, stratified 70/30 train/test split, min-max
scaling fitted on train, fit on train, ROC-AUC on test; files over 10,000 rows subsampled per
seed as in ADBench; PyOD's classes with PyOD's defaults for the detectors of the paper.
Prints the table, the mean absolute difference per detector and the notes explaining the
known gaps (ECOD, KNN/LOF); exits 1 with ``--check`` when IForest, COPOD, HBOS or PCA is not
within 2 points of the paper.

Run: ``python benchmarks/adbench_protocol.py [--algorithms paper] [-o OUT_DIR] [--check]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _adbench import ADBENCH

from jupyter_ad.bench import build_report, run_benchmark, write_outputs
from jupyter_ad.bench.report import default_reference_path

CHECKED = ("iforest", "copod", "hbos", "pca")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ADBENCH), help="folder of ADBench .npz files")
    parser.add_argument("--algorithms", default="iforest,copod,hbos,pca,ecod,knn,lof,auto")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--duplicate-padding", action="store_true")
    parser.add_argument("--no-pyod-defaults", action="store_true",
                        help="jupyter-ad's registry detectors instead of PyOD's classes")
    parser.add_argument("-o", "--output-dir", default=None, help="also write the report files")
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 unless {', '.join(CHECKED)} are within 2 points")
    args = parser.parse_args()
    reference = default_reference_path()
    if reference is None:
        print("No ../shared/datasets/adbench_tableD4_aucroc.csv: cannot compare.",
              file=sys.stderr)
        return 1
    result = run_benchmark(args.data, args.algorithms, protocol="adbench", n_seeds=args.seeds,
                           duplicate_padding=args.duplicate_padding,
                           pyod_defaults=not args.no_pyod_defaults,
                           on_progress=lambda m: print(m, file=sys.stderr, flush=True))
    report = build_report(result, reference)
    print(report.text())
    if args.output_dir:
        write_outputs(report, args.output_dir)
    if args.check and report.agreement is not None:
        missed = [d for d in CHECKED if d in report.agreement.index
                  and not report.agreement.at[d, "within_2_points"]]
        if missed:
            print(f"\nNot within 2 points of the paper: {', '.join(missed)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
