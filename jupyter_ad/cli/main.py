"""``jupyter-ad``: detect, train, score, check, list models, and a demo, from the shell.

Exit status: 0 on success, 2 on usage errors (unknown options, bad option values), 1 on data
or model errors. Errors go to stderr as one line; results to stdout or the ``-o`` file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from jupyter_ad.cli.progress import Progress
from jupyter_ad.errors import JupyterADError, ParameterError

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    """Raised by the parser instead of exiting, so main() controls the exit status."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # pragma: no cover - exercised through main()
        raise _UsageError(f"{self.prog}: {message}")


def _csv_list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _json_dict(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON ({exc.msg}): {text!r}") from exc
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"must be a JSON object like '{{\"k\": 1}}': {text!r}")
    return value


def _contamination(text: str) -> float | str:
    """A share like 0.02 (or 2%), or a threshold method name (checked by the core)."""
    text = text.strip()
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        return text


def _add_detection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", help="CSV/TSV, Parquet or JSON-lines file")
    p.add_argument("-a", "--algorithm", default="auto",
                   help="detector name, comma-separated names (ensemble), or auto (default)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("-c", "--contamination", type=_contamination, default=None,
                       help="expected share of anomalies in (0, 0.5] (0.02 or 2%%), or a "
                       "threshold method: auto (default), tukey-iqr, mad, zscore, otsu, gesd")
    group.add_argument("--threshold", type=float, default=None, help="explicit score threshold")
    group.add_argument("--top-k", type=int, default=None, help="flag the K highest scores")
    p.add_argument("--params", type=_json_dict, default=None,
                   help='detector parameters as JSON, e.g. \'{"n_estimators": 300}\'')
    p.add_argument("--ensemble", type=_json_dict, default=None,
                   help='how an ensemble combines, e.g. \'{"combination": "aom"}\'')
    p.add_argument("--preprocessing", type=_json_dict, default=None,
                   help='preprocessing options, e.g. \'{"scaling": "minmax"}\'')
    p.add_argument("--features", type=_csv_list, default=None, help="columns to use (a,b,c)")
    p.add_argument("--exclude", type=_csv_list, default=None, help="columns to leave out")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``jupyter-ad``."""
    from jupyter_ad import __version__

    parser = _Parser(prog="jupyter-ad", description="Anomaly detection from the command line.")
    parser.add_argument("--version", action="version", version=f"jupyter-ad {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("detect", help="find anomalies in a file")
    _add_detection_options(p)
    p.add_argument("-o", "--output", help="write rows + score/label/confidence/rank "
                   "(.csv, .parquet, .json, .jsonl)")
    p.add_argument("-n", "--top", type=int, default=10, help="top anomalies to print (10)")

    p = sub.add_parser("train", help="fit a model and save it in the model store")
    _add_detection_options(p)
    p.add_argument("--name", required=True, help="model name in the store")
    p.add_argument("--max-rows", type=int, default=None,
                   help="fit on a random sample of at most this many rows (Parquet files are "
                   "sampled in batches, so they may be larger than memory)")
    p.add_argument("--store", default=None, help="model store folder ($JUPYTER_AD_HOME)")

    p = sub.add_parser("score", help="score a file with a saved model")
    p.add_argument("data", help="CSV/TSV, Parquet or JSON-lines file")
    p.add_argument("-m", "--model", required=True, help="NAME or NAME@VERSION")
    p.add_argument("-o", "--output", help="output file (.csv, .parquet, .json, .jsonl)")
    p.add_argument("-n", "--top", type=int, default=10, help="top anomalies to print (10)")
    p.add_argument("--store", default=None, help="model store folder ($JUPYTER_AD_HOME)")
    p.add_argument("--trusted", action="store_true",
                   help="load a model the store cannot verify (only if you trust its origin)")
    p.add_argument("--ignore-extra-columns", action="store_true",
                   help="score even if the file has columns the model has not seen")

    p = sub.add_parser("models", help="list saved models")
    p.add_argument("--store", default=None, help="model store folder ($JUPYTER_AD_HOME)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("check", help="data-quality report of a file")
    p.add_argument("data", help="CSV/TSV, Parquet or JSON-lines file")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("algorithms", help="list the available detectors")
    p.add_argument("--json", action="store_true", help="print JSON")

    for module in _command_modules().values():
        module.add_parser(sub)

    p = sub.add_parser("demo", help="detect anomalies in a bundled dataset (no set-up)")
    p.add_argument("-o", "--output", default="jupyter-ad-demo.csv",
                   help="result file (default jupyter-ad-demo.csv)")
    p.add_argument("-n", "--top", type=int, default=10, help="top anomalies to print (10)")
    return parser


def report_error(command: str, exc: JupyterADError) -> int:
    """Print ``exc`` as one line on stderr; its exit status: 2 for usage, 1 for data errors."""
    print(f"jupyter-ad {command}: error: {exc}", file=sys.stderr)
    return EXIT_USAGE if isinstance(exc, ParameterError) else EXIT_DATA


def _command_modules() -> dict[str, Any]:
    """Sub-commands that live in their own module: name -> module with add_parser/run."""
    from jupyter_ad.cli import bench_cmd, new_cmd, report_cmd

    return {"benchmark": bench_cmd, "new": new_cmd, "report": report_cmd}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
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
