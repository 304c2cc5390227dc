"""``jupyter-ad monitor NAME`` and ``jupyter-ad feedback NAME FILE --labels COL``.

``monitor`` prints a model's monitoring records and exits with :data:`EXIT_ALERT` (3) when
the latest record crosses a limit given on the command line, so a scheduled job can alert on
it; ``--alerts FILE`` also sends each crossed limit to the channels of a streaming alerts
file (webhook, email, log). ``feedback`` stores true labels of scored rows (a file written
by ``jupyter-ad score`` plus a column of true labels) for the precision figures.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

import pandas as pd

from jupyter_ad.cli.progress import Progress
from jupyter_ad.errors import ParameterError

__all__ = ["EXIT_ALERT", "COMMANDS", "add_parser", "run"]

#: Exit status of ``jupyter-ad monitor`` when the latest record crosses a limit.
EXIT_ALERT = 3
COMMANDS = ("monitor", "feedback")
_SHOWN = ["record", "time", "version", "source", "rows", "anomaly_rate", "drift",
          "drift_column", "latency_ms", "n_feedback", "alert_precision", "precision_at_k"]


def add_parser(subparsers: Any) -> None:
    """Add the ``monitor`` and ``feedback`` sub-commands."""
    p = subparsers.add_parser(
        "monitor", help="a saved model's monitoring records; exit 3 when a limit is crossed",
        description="Print the monitoring records of a saved model (every scoring call of a "
                    "model loaded from the store is one). With limits, exit with status 3 "
                    "when the latest record crosses one (for scheduled jobs).")
    p.add_argument("name", metavar="NAME", help="model name (fraud) or one version (fraud@2)")
    p.add_argument("-n", "--last", type=int, default=20, help="records to print (20)")
    p.add_argument("--max-anomaly-rate", type=float, metavar="R",
                   help="alert when the latest anomaly rate is above R (e.g. 0.05)")
    p.add_argument("--max-drift", type=float, metavar="D",
                   help="alert when the latest drift (largest KS distance) is above D (0-1)")
    p.add_argument("--min-precision", type=float, metavar="P",
                   help="alert when the latest alert precision from feedback is below P")
    p.add_argument("--alerts", metavar="PATH",
                   help="also send each crossed limit to the channels of this alerts file "
                        "(the streaming alerts TOML: webhook, email, log)")
    p.add_argument("--json", action="store_true", help="print JSON records")
    p.add_argument("--store", default=None, help="model store folder")

    p = subparsers.add_parser(
        "feedback", help="store true labels of scored rows (for precision over time)",
        description="Store the true labels of rows a model scored: FILE is a file written "
                    "by 'jupyter-ad score' (its score and label columns) with a column of "
                    "true labels (1 = anomaly, 0 = normal, empty = not labelled).")
    p.add_argument("name", metavar="NAME", help="model name (fraud), version or alias")
    p.add_argument("data", metavar="FILE",
                   help="scored CSV/Parquet file with a column of true labels")
    p.add_argument("--labels", required=True, metavar="COL", help="the true-label column")
    p.add_argument("--record", type=int, default=None,
                   help="the record the rows belong to (default: the latest of the version)")
    p.add_argument("--store", default=None, help="model store folder")


def _version(name: str, root: Any) -> tuple[str, int | None]:
    """The name and version of ``name``, ``name@3`` or ``name@alias`` (``None``: any)."""
    base, _, tail = name.partition("@")
    if not tail or tail == "latest":
        return base, None
    if tail.isdigit():
        return base, int(tail)
    from jupyter_ad.io.store import ModelStore

    store: Any = ModelStore(root)
    if not hasattr(store, "alias_version"):
        raise ParameterError(f"Invalid model spec {name!r}: write 'name' or 'name@N'.")
    return base, int(store.alias_version(base, tail))


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Run ``monitor`` or ``feedback``; returns the exit status."""
    if args.command == "feedback":
        return _feedback(args)
    from jupyter_ad.monitoring import history

    channels = _channels(args.alerts) if args.alerts else {}  # a bad file fails first
    name, version = _version(args.name, args.store)
    h = history(name, version=version, root=args.store)
    if args.json:
        print(h.drop(columns="drift_columns").tail(args.last).to_json(
            orient="records", date_format="iso"))
    elif h.empty:
        print(f"No monitoring records for {args.name!r} yet: score with a model loaded from "
              "the store (jupyter-ad score FILE --model NAME).")
    else:
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(h[_SHOWN].tail(args.last).to_string(index=False, float_format="{:.4g}".format))
    return _alerts(args, h, channels)


def _alerts(args: argparse.Namespace, h: pd.DataFrame, channels: dict[str, Any]) -> int:
    limits = [("anomaly_rate", args.max_anomaly_rate, 1, "anomaly rate"),
              ("drift", args.max_drift, 1, "drift"),
              ("alert_precision", args.min_precision, -1, "alert precision")]
    if h.empty or all(limit is None for _, limit, _, _ in limits):
        return 0
    last = h.iloc[-1]
    crossed = []
    for column, limit, sign, label in limits:
        value = float(last[column])
        if limit is not None and not math.isnan(value) and sign * (value - limit) > 0:
            word = "above" if sign > 0 else "below"
            crossed.append((column, value, limit, f"{label} {value:.4g} is {word} {limit:g}"))
    record = int(last["record"])
    for column, value, limit, text in crossed:
        print(f"jupyter-ad monitor: alert: {args.name} record {record}: {text}", file=sys.stderr)
        alert = {"rule": "monitor", "kind": "monitor", "key": f"{args.name}:{record}:{column}",
                 "message": f"{args.name} record {record}: {text}", "time": time.time(),
                 "model": args.name, "record": record, "metric": column, "value": value,
                 "limit": limit}
        for name, channel in channels.items():
            try:
                channel.send(alert)
            except Exception as exc:  # the exit status still says a limit was crossed
                print(f"jupyter-ad monitor: warning: alert not delivered via {name}: "
                      f"{type(exc).__name__}: {exc}", file=sys.stderr)
    return EXIT_ALERT if crossed else 0


def _channels(path: str) -> dict[str, Any]:
    """The channels of an alerts file (its rules are for streams; every channel is used)."""
    from jupyter_ad.stream.alerts.config import load_alerts

    _rules, channels = load_alerts(path)
    return channels


def _feedback(args: argparse.Namespace) -> int:
    from jupyter_ad.data.readers import read_file
    from jupyter_ad.errors import ColumnMismatchError
    from jupyter_ad.monitoring import feedback

    name, version = _version(args.name, args.store)
    frame = read_file(args.data)
    missing = [c for c in (args.labels, "score", "label") if c not in frame.columns]
    if missing:
        raise ColumnMismatchError(
            f"{args.data} has no column {missing[0]!r}; give a file written by 'jupyter-ad "
            "score' (score and label columns) and name the true labels with --labels.")
    n = feedback(name, frame[args.labels].to_numpy(), scores=frame["score"].to_numpy(),
                 predicted=frame["label"].to_numpy(), rows=list(frame.index),
                 record=args.record, version=version, source="cli", root=args.store)
    print(f"Stored {n:,} labelled rows for {args.name}; see 'jupyter-ad monitor {name}'.")
    return 0
