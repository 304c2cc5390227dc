"""``jupyter-ad report data.csv -o report.html``: a one-file HTML report that opens offline.

With ``--compare`` the report compares detectors instead (``ad.compare``). The main parser
calls :func:`add_parser` and dispatches to :func:`run`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from jupyter_ad.cli._base import add_data_argument, add_options
from jupyter_ad.cli.progress import Progress
from jupyter_ad.options import OPTIONS
from jupyter_ad.options.arguments import given

__all__ = ["add_parser", "run"]


_REPORT_OPTIONS = ("algorithm", "contamination", "threshold", "top_k", "features", "exclude",
                   "params", "preprocessing", "ensemble", "random_state", "labels")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``report`` sub-command to ``subparsers`` (a :class:`~jupyter_ad.cli._base.CliParser`
    sub-parser group).
    """
    p: argparse.ArgumentParser = subparsers.add_parser(
        "report", help="write a one-file HTML report (charts included, works offline)",
        description="Detect anomalies in a file and write a self-contained HTML report: "
                    "summary, charts, top rows and their explanations.")
    add_data_argument(p)
    add_options(p, OPTIONS.select(*_REPORT_OPTIONS))
    p.add_argument("-o", "--output", default=None,
                   help="HTML file to write (default: DATA-report.html in this folder)")
    p.add_argument("--title", default=None, help="report title")
    p.add_argument("-n", "--top", type=int, default=20, help="rows in the top table (20)")
    p.add_argument("--explain", type=int, default=5, help="top rows to explain (5; 0 = none)")
    p.add_argument("--compare", action="store_true",
                   help="compare detectors (the fast ones unless -a names some) instead")
    return p


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Run ``jupyter-ad report``; returns the exit status."""
    import jupyter_ad as ad
    from jupyter_ad.data.readers import read_file
    from jupyter_ad.evaluate.labels import split_labels

    options = given(args, OPTIONS.select(*_REPORT_OPTIONS[:-1]))
    labels = args.labels
    if not args.compare:
        ad.AnomalyModel(**options).check_options()
    progress.stage("reading")
    frame = read_file(args.data)
    y = split_labels(frame, labels)[1] if labels is not None else None
    output = args.output or f"{Path(args.data).name.split('.')[0] or 'data'}-report.html"
    if args.compare:
        progress.stage("comparing")
        algorithm = options.pop("algorithm", "auto")
        for unused in ("threshold", "top_k", "ensemble"):
            options.pop(unused, None)
        features = frame.drop(columns=[labels]) if labels is not None else frame
        comparison = ad.compare(features, "fast" if algorithm == "auto" else algorithm,
                                labels=y, **options)
        progress.stage("writing")
        path = comparison.to_html(output, title=args.title)
        print(f"Best detector: {comparison.best} (by {comparison.metric}).")
    else:
        if labels is not None:
            options["exclude"] = [*(options.get("exclude") or []), labels]
        progress.stage("detecting")
        res = ad.detect(frame, **options)
        print(res.summary())
        progress.stage("writing")
        path = res.to_html(output, title=args.title, n_top=args.top, n_explain=args.explain)
    print(f"\nWrote {path}: one HTML file, open it in any browser (it works offline).")
    return 0
