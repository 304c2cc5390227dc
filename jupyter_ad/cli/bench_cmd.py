"""``jupyter-ad benchmark``: detectors on labelled datasets, optionally against the paper.

``jupyter-ad benchmark DIR_OR_FILES... [--protocol adbench|fit-all] [--algorithms fast]
[--labels y] [--seeds N] [--max-rows N] [--reference CSV] [-o OUT_DIR]``

Inputs are ADBench ``.npz`` files (``X``, ``y``), folders of them, or CSV/Parquet tables with
a label column. Writes ``results.csv``, ``summary.csv``, ``summary.md`` and ``chart.html`` to
``OUT_DIR`` (default ``./jupyter-ad-benchmark/``) and prints the table. Exit status: 0 on
success, 2 on usage errors, 1 on data errors or when every run failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jupyter_ad.cli._base import CliParser, report_error
from jupyter_ad.cli.progress import Progress
from jupyter_ad.errors import DataFileError, JupyterADError

__all__ = ["add_parser", "parse_args", "run"]

DEFAULT_OUTPUT = "jupyter-ad-benchmark"
EXIT_OK, EXIT_DATA = 0, 1


def add_parser(subparsers: Any) -> None:
    """Add the ``benchmark`` sub-command to ``subparsers`` (created with
    ``parser_class=CliParser`` by :func:`jupyter_ad.cli.main.build_parser`).
    """
    p = subparsers.add_parser(
        "benchmark", help="ROC-AUC of detectors on labelled datasets (ADBench protocol)",
        description="Run detectors on ADBench .npz files (X, y), folders of them, or labelled "
        "CSV/Parquet tables; write results.csv, summary.csv, summary.md and chart.html.")
    p.add_argument("inputs", nargs="+", metavar="DIR_OR_FILE",
                   help=".npz files, folders of .npz files, or CSV/Parquet files")
    p.add_argument("--protocol", choices=("adbench", "fit-all"), default="adbench",
                   help="adbench (default): stratified 70/30 split per seed, min-max scaled on "
                   "train, ROC-AUC on test; fit-all: fit and score all rows")
    p.add_argument("-a", "--algorithms", default="fast",
                   help="detector names (iforest,copod,...), fast (default: iforest, ecod, "
                   "copod, hbos, pca, loda, auto), paper (the ADBench table's) or all")
    p.add_argument("--label-column", dest="labels", help=argparse.SUPPRESS)  # old name
    p.add_argument("--labels", dest="labels", default=None, metavar="COLUMN",
                   help="label column of CSV/Parquet inputs (required for them): 1 = anomaly")
    p.add_argument("--seeds", type=int, default=None, metavar="N",
                   help="seeds 0..N-1 (default 3 for adbench, 1 for fit-all)")
    p.add_argument("--max-rows", type=int, default=None, metavar="N",
                   help="subsample larger files (default 10,000 for adbench as in ADBench, "
                   "50,000 for fit-all)")
    p.add_argument("--pyod-defaults", action=argparse.BooleanOptionalAction, default=None,
                   help="run iforest, copod, hbos, pca, ecod, knn, lof, ocsvm, cblof and loda as "
                   "PyOD's classes with PyOD's defaults, like the paper (default: on for "
                   "adbench, off for fit-all)")
    p.add_argument("--duplicate-padding", action="store_true",
                   help="pad files under 1,000 rows with duplicates as ADBench did (adbench)")
    ref = p.add_mutually_exclusive_group()
    ref.add_argument("--reference", default=None, metavar="CSV",
                     help="the paper's ROC-AUC table (x100) to compare with (default: "
                     "../shared/datasets/adbench_tableD4_aucroc.csv if it exists)")
    ref.add_argument("--no-reference", action="store_true", help="no comparison with the paper")
    p.add_argument("-o", "--output-dir", default=DEFAULT_OUTPUT,
                   help=f"output folder (default ./{DEFAULT_OUTPUT}/)")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``jupyter-ad benchmark ARGV`` with the CLI's own parser class (for tests/scripts).

    Bad options raise the CLI's usage error instead of exiting.
    """
    parser = CliParser(prog="jupyter-ad")
    parser.add_argument("-q", "--quiet", action="store_true")
    sub = parser.add_subparsers(dest="command", parser_class=CliParser)
    add_parser(sub)
    return parser.parse_args(["benchmark", *argv])


def _reference(args: argparse.Namespace) -> tuple[Path | None, bool]:
    """The reference table to use and whether the user asked for it explicitly."""
    from jupyter_ad.bench.report import default_reference_path

    if args.no_reference:
        return None, False
    if args.reference:
        path = Path(args.reference).expanduser()
        if not path.is_file():
            raise DataFileError(f"No reference table at {str(path)!r}.")
        return path, True
    return default_reference_path(), False


def _benchmark(args: argparse.Namespace, progress: Progress) -> int:
    from jupyter_ad.bench import (
        build_report,
        get_protocol,
        load_datasets,
        resolve_algorithms,
        run_benchmark,
        write_outputs,
    )
    from jupyter_ad.io.output import check_output_path

    quiet = bool(getattr(args, "quiet", False))
    check_output_path(Path(args.output_dir).expanduser() / "results.csv", suffixes=None,
                      make_parents=True, what="output folder")  # before any work
    names = resolve_algorithms(args.algorithms)
    protocol = get_protocol(args.protocol, n_seeds=args.seeds, max_rows=args.max_rows,
                            duplicate_padding=args.duplicate_padding)
    reference, explicit = _reference(args)
    progress.stage("reading")
    datasets = load_datasets(args.inputs, label_column=args.labels)
    progress.stage("benchmarking")

    def say(message: str) -> None:
        if not quiet:
            print(f"benchmarking {message}", file=sys.stderr, flush=True)

    result = run_benchmark(datasets, names, protocol=protocol, pyod_defaults=args.pyod_defaults,
                           on_progress=say)
    report = build_report(result, reference)
    if not explicit and report.comparison is not None and report.comparison.empty:
        report = build_report(result)  # the default table does not cover these datasets
    progress.stage("writing")
    paths = write_outputs(report, args.output_dir)
    print(report.text())
    print(f"\nWrote {', '.join(p.name for p in paths.values())} to "
          f"{paths['results.csv'].parent}")
    if result.results["roc_auc"].notna().any():
        return EXIT_OK
    print("jupyter-ad benchmark: error: every run failed (see the failures above).",
          file=sys.stderr)
    return EXIT_DATA


def run(args: argparse.Namespace, progress: Progress) -> int:
    """``jupyter-ad benchmark``: 0 on success, 2 on usage errors, 1 on data errors."""
    try:
        return _benchmark(args, progress)
    except JupyterADError as exc:
        return report_error("benchmark", exc)
