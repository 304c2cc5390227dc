"""``jupyter-ad new TEMPLATE -o notebook.ipynb``: a ready-to-run notebook from a template.

``jupyter-ad new --list`` lists the templates. The main parser calls :func:`add_parser` and
dispatches to :func:`run`.
"""

from __future__ import annotations

import argparse
from typing import Any

from jupyter_ad.cli.progress import Progress
from jupyter_ad.errors import ParameterError

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``new`` sub-command to ``subparsers``.

    ``subparsers`` comes from ``parser.add_subparsers(..., parser_class=CliParser)``
    (:mod:`jupyter_ad.cli._base`, which turns usage errors into exit status 2).
    """
    p: argparse.ArgumentParser = subparsers.add_parser(
        "new", help="write a ready-to-run notebook from a template",
        description="Write a notebook from a template (see --list). Your values go into its "
                    "parameters cell; run it top to bottom.")
    p.add_argument("template", nargs="?", metavar="TEMPLATE",
                   help="template name: quickstart, tutorial, comparison, thresholds, "
                        "train-save-score")
    p.add_argument("--list", action="store_true", help="list the templates and exit")
    p.add_argument("--data", default=None,
                   help="CSV/Parquet file the notebook reads (default: bundled transactions)")
    p.add_argument("--target", dest="target", help=argparse.SUPPRESS)  # old name
    p.add_argument("--labels", dest="target", default=None, metavar="COLUMN",
                   help="label column (1 = anomaly): not a feature, used to evaluate")
    p.add_argument("-a", "--algorithm", default="auto", help="detector name or auto (default)")
    p.add_argument("--title", default=None, help="notebook title")
    p.add_argument("-o", "--output", default=None,
                   help="notebook file to write (default: TEMPLATE.ipynb)")
    p.add_argument("--force", action="store_true", help="replace the notebook if it exists")
    return p


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Run ``jupyter-ad new``; returns the exit status (usage errors raise ParameterError)."""
    from jupyter_ad import notebooks

    if args.list:
        table = notebooks.list_templates()
        width = max(len(n) for n in table["name"]) if len(table) else 0
        for name, description in table.itertuples(index=False):
            print(f"{name:<{width}}  {description}")
        return 0
    if not args.template:
        raise ParameterError("give a TEMPLATE (jupyter-ad new --list shows them), e.g. "
                             "'jupyter-ad new quickstart -o quickstart.ipynb'.")
    output = args.output or f"{args.template.strip().lower().replace('_', '-')}.ipynb"
    _check_before_writing(args, output)
    progress.stage("rendering")
    path = notebooks.write(args.template, output, force=args.force, data=args.data,
                           target=args.target, algorithm=args.algorithm, title=args.title)
    print(f"Wrote {path}. Open it in Jupyter (jupyter lab {_quote(str(path))}) and run all "
          "cells.")
    return 0


def _check_before_writing(args: argparse.Namespace, output: str) -> None:
    """Refuse, before anything is written, a data file that does not exist (the notebook
    would fail on its first cell) and a notebook path that cannot be written.
    """
    from pathlib import Path

    from jupyter_ad.data.readers import check_data_file
    from jupyter_ad.io.output import check_output_path

    target = output if Path(output).suffix else f"{output}.ipynb"
    check_output_path(target, suffixes=None, make_parents=True, what="notebook")
    if args.data is not None:
        check_data_file(args.data)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
