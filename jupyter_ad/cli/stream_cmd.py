"""``jupyter-ad stream``: score a stream of events with a saved model, as a Unix filter or a
long-running consumer.

``cat events.jsonl | jupyter-ad stream --model fraud --source - --sink -`` reads JSON lines
on standard input and writes scored JSON lines to standard output. SIGINT (Ctrl-C) or SIGTERM
stops it cleanly: the batch in hand is written and acknowledged, then a summary goes to
stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from typing import Any

from jupyter_ad.cli._base import EXIT_DATA, EXIT_OK, add_options

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    """Register the ``stream`` sub-command."""
    from jupyter_ad.stream.options import STREAM

    p = sub.add_parser(
        "stream", help="score a stream of events (Kafka, Redis Streams, JSON lines)",
        description="Score events from a source with a saved model in micro-batches and "
                    "write them, with score, label, confidence, model_version, event_id, "
                    "event_time and processing_time, to a sink. Options not given come from "
                    "the [stream] table of jupyter-ad.toml or JUPYTER_AD_STREAM_* variables.")
    p.add_argument("-m", "--model", required=True, help="NAME or NAME@VERSION in the store")
    p.add_argument("--source", required=True, metavar="URL",
                   help="kafka://BROKERS/TOPIC?group=G, redis://HOST:PORT/DB/STREAM?group=G, "
                        "jsonl:PATH or - (standard input)")
    p.add_argument("--sink", default="-", metavar="URL",
                   help="kafka://BROKERS/TOPIC, redis://HOST:PORT/DB/STREAM, jsonl:PATH, "
                        "parquet:PATH or - (standard output, the default)")
    add_options(p, STREAM)
    p.add_argument("--store", default=None, help="model store folder ($JUPYTER_AD_HOME)")
    p.add_argument("--trusted", action="store_true",
                   help="load a model the store cannot verify (only if you trust its origin)")
    p.add_argument("--stats-json", action="store_true",
                   help="print the final statistics as JSON on stderr")


def run(args: argparse.Namespace, progress: Any) -> int:
    """Run the stream until the source ends or a signal stops it."""
    from jupyter_ad.options.arguments import given
    from jupyter_ad.stream.api import stream
    from jupyter_ad.stream.options import STREAM

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("jupyter-ad stream: %(message)s"))
    logger = logging.getLogger("jupyter_ad.stream")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    runner = stream(args.source, args.model, args.sink, start=False, store=args.store,
                    trusted=args.trusted, **given(args, STREAM))
    previous = {}

    def stop(signum: int, frame: Any) -> None:
        runner.stop(timeout=0)

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, stop)
    try:
        stats = runner.run()
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        logger.removeHandler(handler)
    if args.stats_json:
        print(json.dumps(stats), file=sys.stderr)
    else:
        print(f"jupyter-ad stream: {stats['status']}: {stats['scored']:,} event(s) scored, "
              f"{stats['anomalies']:,} anomal{'y' if stats['anomalies'] == 1 else 'ies'}, "
              f"{stats['poison']:,} dead-lettered, {stats['redelivered']:,} redelivered, "
              f"model {stats['model_version']}", file=sys.stderr)
    if stats["status"] == "failed":
        print(f"jupyter-ad stream: error: {stats['error']}", file=sys.stderr)
        return EXIT_DATA
    return EXIT_OK
