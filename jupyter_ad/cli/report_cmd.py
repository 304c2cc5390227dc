"""``jupyter-ad report data.csv -o report.html``: a one-file HTML report that opens offline.

With ``--compare`` the report compares detectors instead (``ad.compare``). The main parser
calls :func:`add_parser` and dispatches to :func:`run`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from jupyter_ad.cli.progress import Progress

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``report`` sub-command to ``subparsers``.

    ``subparsers`` comes from ``parser.add_subparsers(..., parser_class=_Parser)`` (the
    parser class of :mod:`jupyter_ad.cli.main`).
    """
    from jupyter_ad.cli.main import _contamination, _csv_list

    p: argparse.ArgumentParser = subparsers.add_parser(
        "report", help="write a one-file HTML report (charts included, works offline)",
        description="Detect anomalies in a file and write a self-contained HTML report: "
                    "summary, charts, top rows and their explanations.")
    p.add_argument("data", help="CSV/TSV, Parquet or JSON-lines file")
    p.add_argument("-o", "--output", default=None,
                   help="HTML file to write (default: DATA-report.html in this folder)")
    p.add_argument("-a", "--algorithm", default="auto",
                   help="detector name, comma-separated names (an ensemble; with --compare the "
                        "detectors compared), or auto (default)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("-c", "--contamination", type=_contamination, default=None,
                       help="expected share of anomalies in (0, 0.5], or auto (default)")
    group.add_argument("--threshold", type=float, default=None, help="explicit score threshold")
    group.add_argument("--top-k", type=int, default=None, help="flag the K highest scores")
    p.add_argument("--target", default=None,
                   help="label column (1 = anomaly): left out of the features; with --compare "
                        "the detectors are ranked against it")
    p.add_argument("--exclude", type=_csv_list, default=None, help="columns to leave out")
    p.add_argument("--title", default=None, help="report title")
    p.add_argument("-n", "--top", type=int, default=20, help="rows in the top table (20)")
    p.add_argument("--explain", type=int, default=5, help="top rows to explain (5; 0 = none)")
    p.add_argument("--compare", action="store_true",
                   help="compare detectors (the fast ones unless -a names some) instead")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return p


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Run ``jupyter-ad report``; returns the exit status."""
    import jupyter_ad as ad
    from jupyter_ad.data.readers import read_file
    from jupyter_ad.errors import ParameterError

    progress.stage("reading")
    frame = read_file(args.data)
    exclude = list(args.exclude or [])
    if args.target is not None:
        if args.target not in frame.columns:
            raise ParameterError(f"--target: no column named {args.target!r}; columns are "
                                 f"{', '.join(map(repr, list(frame.columns)[:20]))}.")
        exclude.append(args.target)
    output = args.output or f"{Path(args.data).name.split('.')[0] or 'data'}-report.html"
    names = [a.strip() for a in args.algorithm.split(",") if a.strip()] or ["auto"]
    if args.compare:
        progress.stage("comparing")
        features = frame.drop(columns=[args.target]) if args.target is not None else frame
        comparison = ad.compare(features, "fast" if names == ["auto"] else names,
                                labels=frame[args.target] if args.target is not None else None,
                                contamination=args.contamination,
                                exclude=args.exclude or None, random_state=args.seed)
        progress.stage("writing")
        path = comparison.to_html(output, title=args.title)
        print(f"Best detector: {comparison.best} (by {comparison.metric}).")
    else:
        progress.stage("detecting")
        res = ad.detect(frame, algorithm=names[0] if len(names) == 1 else names,
                        contamination=args.contamination, threshold=args.threshold,
                        top_k=args.top_k, exclude=exclude or None, random_state=args.seed)
        print(res.summary())
        progress.stage("writing")
        path = res.to_html(output, title=args.title, n_top=args.top, n_explain=args.explain)
    print(f"\nWrote {path}: one HTML file, open it in any browser (it works offline).")
    return 0
