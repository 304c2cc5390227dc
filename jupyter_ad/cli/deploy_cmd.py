"""``jupyter-ad deploy NAME@VERSION --alias production --labels holdout.csv``: promote a
challenger only if it does at least as well as the champion on labelled rows (for CI).

Exit status: 0 promoted (or would be, with ``--dry-run``), 3 not promoted (the challenger is
worse), 1 data or model errors, 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from jupyter_ad.cli.progress import Progress

__all__ = ["EXIT_NOT_PROMOTED", "add_parser", "run"]

EXIT_NOT_PROMOTED = 3


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``deploy`` sub-command."""
    from jupyter_ad.server.deploy import METRICS

    p: argparse.ArgumentParser = subparsers.add_parser(
        "deploy", help="promote a model version to an alias if it beats the champion",
        description="Score labelled rows with the challenger NAME@VERSION and with the version "
                    "the alias points to now (the champion); move the alias only if the "
                    "challenger's metrics are at least the champion's. Exit status 0: "
                    "promoted; 3: not promoted.")
    p.add_argument("spec", metavar="NAME@VERSION", help="the challenger, e.g. fraud@3")
    p.add_argument("--alias", required=True, help="the alias to move, e.g. production")
    p.add_argument("--labels", required=True, metavar="FILE",
                   help="labelled rows (CSV/Parquet/JSON lines): the features and a label "
                        "column (1 = anomaly, 0 = normal)")
    p.add_argument("--label-column", default=None, metavar="COLUMN",
                   help="the label column (default: is_anomaly, label, anomaly, y, ... if "
                        "exactly one is present)")
    p.add_argument("--metric", action="append", default=None, metavar="METRIC",
                   help=f"metric to compare, repeatable: {', '.join(METRICS)} (default: "
                        "roc_auc and average_precision)")
    p.add_argument("--tolerance", type=float, default=0.0,
                   help="how much worse a metric may be and still pass (0)")
    p.add_argument("--dry-run", action="store_true", help="decide, but do not move the alias")
    p.add_argument("--store", default=None, help="model store folder ($JUPYTER_AD_HOME)")
    p.add_argument("--json", action="store_true", help="print the decision as JSON")
    return p


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Run ``jupyter-ad deploy``; 0 when promoted, 3 when not."""
    from jupyter_ad.server.deploy import deploy

    metrics = tuple(m.strip() for arg in (args.metric or ["roc_auc,average_precision"])
                    for m in arg.split(",") if m.strip())
    progress.stage("scoring")
    decision = deploy(args.spec, args.alias, args.labels, label_column=args.label_column,
                      metrics=metrics, tolerance=args.tolerance, dry_run=args.dry_run,
                      store=args.store)
    progress.close()
    print(json.dumps(decision.to_dict(), indent=2) if args.json else decision.summary())
    return 0 if decision.promoted else EXIT_NOT_PROMOTED
