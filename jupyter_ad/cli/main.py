"""``jupyter-ad``: detect, train, score, check, list models, and a demo, from the shell.

Exit status: 0 on success, 2 on usage errors (unknown options, bad option values), 1 on data
or model errors. Errors go to stderr as one line; results to stdout or the ``-o`` file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from jupyter_ad.cli._base import (
    DETECT_OPTIONS,
    EXIT_USAGE,
    CliParser,
    UsageError,
    add_data_argument,
    add_options,
    config_file,
    print_warnings,
    report_error,
)
from jupyter_ad.cli.progress import Progress
from jupyter_ad.errors import JupyterADError
from jupyter_ad.options import OPTIONS

__all__ = ["build_parser", "main"]


def _add_detection_options(p: argparse.ArgumentParser) -> None:
    add_data_argument(p)
    add_options(p, DETECT_OPTIONS)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``jupyter-ad``."""
    from jupyter_ad import __version__

    parser = CliParser(prog="jupyter-ad", description="Anomaly detection from the command line. "
                       "Options not given take their values from JUPYTER_AD_* environment "
                       "variables or jupyter-ad.toml ('jupyter-ad config' shows them).")
    parser.add_argument("--version", action="version", version=f"jupyter-ad {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--config", metavar="PATH", default=None,
                        help="configuration file to use (default: ./jupyter-ad.toml over the "
                             "user config folder's)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CliParser)

    p = sub.add_parser("detect", help="find anomalies in a file")
    _add_detection_options(p)
    add_options(p, OPTIONS.select("labels"))
    p.add_argument("-o", "--output", help="write rows + score/label/confidence/rank "
                   "(.csv, .parquet, .json, .jsonl)")
    p.add_argument("--force", action="store_true", help="let -o replace the input file")
    p.add_argument("-n", "--top", type=int, default=10, help="top anomalies to print (10)")

    p = sub.add_parser("train", help="fit a model and save it in the model store")
    _add_detection_options(p)
    p.add_argument("--name", required=True, help="model name in the store")
    p.add_argument("--store", default=None, help="model store folder ($JUPYTER_AD_HOME)")

    p = sub.add_parser("score", help="score a file with a saved model")
    p.add_argument("data", help="CSV/TSV, Parquet or JSON-lines file")
    p.add_argument("-m", "--model", required=True, help="NAME or NAME@VERSION")
    p.add_argument("-o", "--output", help="output file (.csv, .parquet, .json, .jsonl)")
    p.add_argument("--force", action="store_true", help="let -o replace the input file")
    p.add_argument("-n", "--top", type=int, default=10, help="top anomalies to print (10)")
    p.add_argument("--store", default=None, help="model store folder ($JUPYTER_AD_HOME)")
    p.add_argument("--trusted", action="store_true",
                   help="load a model the store cannot verify (only if you trust its origin)")
    p.add_argument("--ignore-extra-columns", action="store_true",
                   help="score even if the file has columns the model has not seen")

    p = sub.add_parser("check", help="data-quality report of a file")
    p.add_argument("data", help="CSV/TSV, Parquet or JSON-lines file")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("algorithms", help="list the available detectors")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("config", help="show every option's effective value and its source")
    p.add_argument("--json", action="store_true", help="print JSON")

    for module in dict.fromkeys(_command_modules().values()):  # once per module
        module.add_parser(sub)

    p = sub.add_parser("demo", help="detect anomalies in a bundled dataset (no set-up)")
    p.add_argument("-o", "--output", default="jupyter-ad-demo.csv",
                   help="result file (default jupyter-ad-demo.csv)")
    p.add_argument("-n", "--top", type=int, default=10, help="top anomalies to print (10)")
    return parser


def _command_modules() -> dict[str, Any]:
    """Sub-commands that live in their own module: name -> module with add_parser/run."""
    from jupyter_ad.cli import (
        bench_cmd,
        deploy_cmd,
        keys_cmd,
        models_cmd,
        monitor_cmd,
        new_cmd,
        report_cmd,
        serve_cmd,
        stream_cmd,
    )

    return {"benchmark": bench_cmd, "models": models_cmd, "new": new_cmd, "report": report_cmd,
            "serve": serve_cmd, "keys": keys_cmd, "deploy": deploy_cmd, "stream": stream_cmd,
            "monitor": monitor_cmd, "feedback": monitor_cmd}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"{exc}\nRun 'jupyter-ad --help' for usage.", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from jupyter_ad.cli import commands

    progress = Progress(enabled=not args.quiet)
    modules = _command_modules()
    try:
        with print_warnings(args.command), config_file(args.config):
            if args.command in modules:
                return int(modules[args.command].run(args, progress))
            return int(getattr(commands, f"run_{args.command}")(args, progress))
    except JupyterADError as exc:
        return report_error(args.command, exc)
    except KeyboardInterrupt:
        print("jupyter-ad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `jupyter-ad detect x.csv | head`: the reader left early
        sys.stderr.close()
        return 0
    finally:
        progress.close()
