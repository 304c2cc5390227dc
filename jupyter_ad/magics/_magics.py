"""The IPython magics: ``%detect``, ``%%detect``, ``%ad_compare``, ``%ad_explain`` and
``%ad_template``.

Each magic only parses what was typed (its parser is built from the option spec, so the flags
are those of the ``jupyter-ad`` command) and calls plain library functions (:mod:`._run`);
user mistakes become one-line ``UsageError`` (:mod:`._errors`).
"""

from __future__ import annotations

import argparse
from typing import Any

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class, no_var_expand

from jupyter_ad.magics import _cell, _parser, _run
from jupyter_ad.magics._errors import OptionError, usage_errors
from jupyter_ad.options import DETECTION, OPTIONS

__all__ = ["COMPARE_OPTIONS", "DETECT_OPTIONS", "JupyterADMagics"]

#: The options of ``%detect`` and ``%%detect``: every detection option, and labels.
DETECT_OPTIONS = OPTIONS.select(*DETECTION, "labels")
#: The options of ``%ad_compare``.
COMPARE_OPTIONS = OPTIONS.select("algorithms", "labels", "contamination", "features", "exclude",
                                 "params", "preprocessing", "random_state", "n_seeds")

_DATA_HELP = ("Variable holding the data (DataFrame, array, table), or a quoted path of a CSV, "
              "Parquet or JSON-lines file.")
DETECT_PARSER = _parser.magic_parser(
    "%detect", DETECT_OPTIONS, positionals=[("DF", _DATA_HELP)],
    output="Store the DetectionResult in this variable (it is always in _ad_last too).")
CELL_PARSER = _parser.magic_parser(
    "%%detect", OPTIONS.select(), positionals=[("DF", _DATA_HELP + " Or 'data:' in the body.")],
    output="Store the DetectionResult in this variable (or 'output:' in the body).")
COMPARE_PARSER = _parser.magic_parser(
    "%ad_compare", COMPARE_OPTIONS, positionals=[("DF", _DATA_HELP)],
    output="Store the ComparisonResult in this variable (it is always in _ad_last_compare "
           "too).")
EXPLAIN_PARSER = _parser.magic_parser(
    "%ad_explain", OPTIONS.select(),
    positionals=[("RES", "Variable holding a DetectionResult (e.g. from %detect df -o res, "
                  "or _ad_last)."),
                 ("ROW", "Row to explain: an index label of the data, else a position.")],
    output="Store the Explanation in this variable (it is always in _ad_last_explanation "
           "too).")
def _line(name: str) -> Any:
    """IPython's ``line_magic(name)`` (typed loosely: its stubs confuse mypy)."""
    return line_magic(name)


def _cell_magic(name: str) -> Any:
    """IPython's ``cell_magic(name)``."""
    return cell_magic(name)


TEMPLATE_USAGE = ("%ad_template TEMPLATE [-o PATH] [--data PATH] [--labels COL] [-a ALGO] "
                  "[--title TEXT] [--force] | %ad_template --list")


def _template_parser() -> Any:
    parser = _parser._Parser(prog="%ad_template", add_help=False)
    parser.add_argument("template", nargs="?", metavar="TEMPLATE",
                        help="Template name: quickstart, tutorial, comparison, thresholds, "
                             "train-save-score (see --list).")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="Notebook file to write (default: TEMPLATE.ipynb).")
    parser.add_argument("--data", metavar="PATH", help="CSV/Parquet file the notebook reads "
                        "(default: the bundled transactions).")
    parser.add_argument("--target", dest="target", help=argparse.SUPPRESS)  # old name
    parser.add_argument("--labels", dest="target", metavar="COL",
                        help="Label column, left out of the features.")
    parser.add_argument("-a", "--algorithm", metavar="ALGO", help="Detector name (default auto).")
    parser.add_argument("--title", metavar="TEXT", help="Title of the notebook.")
    parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")
    parser.add_argument("--list", action="store_true", help="List the templates.")
    return parser


TEMPLATE_PARSER = _template_parser()


@magics_class
class JupyterADMagics(Magics):
    """Anomaly-detection magics; session defaults come from ``%config JupyterAD``.

    Parameters
    ----------
    shell : InteractiveShell
        The running IPython shell.
    settings : JupyterAD
        The ``%config``-settable defaults.
    """

    def __init__(self, shell: Any, settings: Any) -> None:
        super().__init__(shell)
        self.settings = settings

    @_line("detect")
    @no_var_expand
    def detect_line(self, line: str) -> None:
        with usage_errors("%detect"):
            args = _parser.parse_argv(DETECT_PARSER, line)
            values = {name: getattr(args, name) for name in DETECT_OPTIONS}
            _run.run_detect(self.shell, args.df, values, output=_name(args.output),
                            panel=args.panel, magic="%detect")

    @_cell_magic("detect")
    @no_var_expand
    def detect_cell(self, line: str, cell: str) -> None:
        with usage_errors("%%detect"):
            args = _parser.parse_argv(CELL_PARSER, line)
            body = _cell.parse_cell(cell, DETECT_OPTIONS)
            line_values = {"data": args.df, "output": _name(args.output), "panel": args.panel}
            for key, value in line_values.items():
                if value is not None and body.get(key) not in (None, value):
                    raise OptionError(f"{key} is given both on the %%detect line and in the "
                                      "cell body; keep one")
                body.setdefault(key, value)
            values = {name: body.get(name) for name in DETECT_OPTIONS}
            _run.run_detect(self.shell, body.get("data"), values, output=body.get("output"),
                            panel=body.get("panel"), magic="%%detect")

    @_line("ad_compare")
    @no_var_expand
    def ad_compare(self, line: str) -> None:
        with usage_errors("%ad_compare"):
            args = _parser.parse_argv(COMPARE_PARSER, line)
            values = {name: getattr(args, name) for name in COMPARE_OPTIONS}
            _run.run_compare(self.shell, args.df, values, output=_name(args.output),
                             panel=args.panel, magic="%ad_compare")

    @_line("ad_explain")
    @no_var_expand
    def ad_explain(self, line: str) -> None:
        with usage_errors("%ad_explain"):
            args = _parser.parse_argv(EXPLAIN_PARSER, line)
            if args.res is None or args.row is None:
                usage = EXPLAIN_PARSER.format_usage().strip().removeprefix("usage: ")
                raise OptionError(f"give a result and a row; usage: {usage}")
            _run.run_explain(self.shell, args.res, args.row, output=_name(args.output),
                             panel=args.panel, magic="%ad_explain")

    @_line("ad_template")
    @no_var_expand
    def ad_template(self, line: str) -> Any:
        with usage_errors("%ad_template"):
            args = _parser.parse_argv(TEMPLATE_PARSER, line)
            from jupyter_ad import notebooks

            if args.list:
                return notebooks.list_templates()
            if args.template is None:
                raise OptionError(f"name a template; usage: {TEMPLATE_USAGE}")
            path = notebooks.write(
                args.template, args.output or f"{args.template}.ipynb", force=args.force,
                data=args.data, target=args.target, algorithm=args.algorithm or "auto",
                title=args.title)
            print(f"Wrote {path}. Open it and run all cells.")
            return None


def _name(output: str | None) -> str | None:
    return None if output is None else _parser.check_name(output)


_DOCS = {
    "detect_line": (DETECT_PARSER, """Detect anomalies in a DataFrame (or file) of the notebook.

Calls ``jupyter_ad.detect(DF, ...)``, stores the ``DetectionResult`` in ``NAME`` (``-o``) and in
``_ad_last``, and shows the detection panel (``--no-panel`` or ``%config JupyterAD.panel =
False`` print ``res.summary()`` instead). Give at most one of ``-c``, ``--threshold`` and
``--top-k``. Options not given take the session, environment or jupyter-ad.toml defaults
(``jupyter_ad.config()`` shows them). ``{x}`` and ``$x`` are not expanded.

Examples::

    %detect df
    %detect df -a ecod --top-k 20 -o res
    %detect "data/transactions.csv" --exclude id --labels is_fraud --no-panel
"""),
    "detect_cell": (CELL_PARSER, """Detect anomalies with options written one per line in the
cell body.

Grammar of the body: one ``key: value`` per line (``key = value`` works too); keys are
case-insensitive and ``-`` and ``_`` are the same; blank lines and ``#`` comments (a whole line,
or after a space) are ignored. The keys are the long flags of ``%detect`` (algorithm,
contamination, threshold, top_k, features, exclude, params, preprocessing, ensemble,
random_state, max_rows, labels) plus ``data``, ``output`` and ``panel``. Example::

    %%detect df -o res
    algorithm: iforest
    contamination: 0.02      # about 2% fraud expected
    exclude: id, created_at
    params: n_estimators=300
"""),
    "ad_compare": (COMPARE_PARSER, """Run several detectors on the same data and rank them.

Calls ``jupyter_ad.compare(DF, ...)``, stores the ``ComparisonResult`` in ``NAME`` (``-o``) and
``_ad_last_compare``, and shows the comparison panel (or, with ``--no-panel``, prints the
leaderboard).

Examples::

    %ad_compare df -a iforest,ecod,knn --labels is_fraud -o cmp
"""),
    "ad_explain": (EXPLAIN_PARSER, """Explain why one row got its anomaly score.

Calls ``RES.explain(ROW)``, stores the ``Explanation`` in ``NAME`` (``-o``) and
``_ad_last_explanation``, prints its sentence and draws its contribution chart.

Examples::

    %ad_explain res 42 -o why
"""),
    "ad_template": (TEMPLATE_PARSER, """Write a ready-to-run notebook from a template.

Calls :func:`jupyter_ad.notebooks.write`; an existing file is kept unless ``--force``.

Examples::

    %ad_template quickstart -o quick.ipynb --data sales.csv --labels is_fraud
"""),
}

for _method, (_p, _text) in _DOCS.items():  # ``%detect?`` shows the text and the options
    getattr(JupyterADMagics, _method).__doc__ = f"{_text}\n{_p.format_help()}"
