"""The IPython magics: ``%detect``, ``%%detect``, ``%ad_compare``, ``%ad_explain`` and
``%ad_template``.

Each magic only parses what was typed (:mod:`._parser`) and calls plain library functions
(:mod:`._run`); user mistakes become one-line ``UsageError`` (:mod:`._errors`).
"""

from __future__ import annotations

from typing import Any

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument, magic_arguments

from jupyter_ad.magics import _cell, _parser, _run
from jupyter_ad.magics._config import JupyterAD
from jupyter_ad.magics._errors import usage_errors

__all__ = ["JupyterADMagics"]

DETECT_USAGE = ("%detect DF [-a ALGO] [-c CONTAMINATION | --threshold T | --top-k K] "
                "[--features a,b] [--exclude c] [--params JSON] [--labels COL] [-o NAME] "
                "[--no-panel]")
CELL_USAGE = "%%detect [DF] [-o NAME] [--no-panel], then one 'key: value' option per line"
COMPARE_USAGE = ("%ad_compare DF [-a iforest,ecod,knn] [--labels COL] [-c CONTAMINATION] "
                 "[-o NAME] [--no-panel]")
EXPLAIN_USAGE = "%ad_explain RES ROW [-o NAME] [--no-panel]"
TEMPLATE_USAGE = ("%ad_template TEMPLATE [-o PATH] [--data PATH] [--target COL] [-a ALGO] "
                  "[--title TEXT] [--force] | %ad_template --list")


@magics_class
class JupyterADMagics(Magics):
    """Anomaly-detection magics; defaults come from the ``JupyterAD`` configurable.

    Parameters
    ----------
    shell : InteractiveShell
        The running IPython shell.
    settings : JupyterAD
        The ``%config``-settable defaults.
    """

    def __init__(self, shell: Any, settings: JupyterAD) -> None:
        super().__init__(shell)
        self.settings = settings

    # -- %detect -------------------------------------------------------------------------------
    @line_magic("detect")
    @no_var_expand
    @magic_arguments()
    @argument("data", nargs="?", metavar="DF",
              help="Variable holding the data (DataFrame, array, table), or a quoted path of a "
                   "CSV, Parquet or JSON-lines file.")
    @argument("-a", "--algorithm", metavar="ALGO",
              help="Detector name (see jupyter_ad.list_detectors()), a comma-separated ensemble "
                   "such as iforest,ecod, or auto. Default: %%config JupyterAD.default_algorithm.")
    @argument("-c", "--contamination",
              help="Expected share of anomalies in (0, 0.5], e.g. 0.05 or 5%%, or auto. "
                   "Default: %%config JupyterAD.contamination.")
    @argument("--threshold", metavar="T", help="Flag rows whose score is above T instead.")
    @argument("-k", "--top-k", metavar="K", dest="top_k",
              help="Flag exactly the K highest-scoring rows instead.")
    @argument("--features", metavar="a,b", action="append",
              help="Only use these columns (comma-separated).")
    @argument("--exclude", metavar="c", action="append",
              help="Leave these columns out (comma-separated; repeatable).")
    @argument("--params", metavar="JSON",
              help="Detector parameters: a JSON object or k=v,k=v, e.g. "
                   "'{\"n_estimators\": 300}'.")
    @argument("--labels", metavar="COL",
              help="Column of known labels (1 = anomaly): left out of the features; ROC-AUC and "
                   "average precision against it are printed.")
    @argument("-o", "--output", metavar="NAME",
              help="Store the DetectionResult in this variable (it is always in _ad_last too).")
    @argument("--no-panel", action="store_true",
              help="Print the text summary instead of showing the panel.")
    def detect_line(self, line: str) -> None:
        """Detect anomalies in a DataFrame (or file) of the notebook.

        Calls ``jupyter_ad.detect(DF, ...)``, stores the ``DetectionResult`` in ``NAME``
        (``-o``) and in ``_ad_last``, and shows the detection panel (``--no-panel`` or
        ``%config JupyterAD.show_panel = False`` print ``res.summary()`` instead). Give at most
        one of ``-c``, ``--threshold`` and ``--top-k``. ``{x}`` and ``$x`` are not expanded.

        Examples::

            %detect df
            %detect df -a ecod --top-k 20 -o res
            %detect "data/transactions.csv" --exclude id --labels is_fraud --no-panel
        """
        with usage_errors("%detect"):
            args = _parser.parse_argv(self.detect_line.parser, line, DETECT_USAGE)
            opts = _options_from_args(args)
            _run.run_detect(self.shell, self.settings, opts, "%detect")

    @cell_magic("detect")
    @no_var_expand
    @magic_arguments()
    @argument("data", nargs="?", metavar="DF",
              help="Variable holding the data, or a quoted file path (or 'data:' in the body).")
    @argument("-o", "--output", metavar="NAME",
              help="Store the DetectionResult in this variable (or 'output:' in the body).")
    @argument("--no-panel", action="store_true",
              help="Print the text summary instead of showing the panel.")
    def detect_cell(self, line: str, cell: str) -> None:
        """Detect anomalies with options written one per line in the cell body.

        Grammar of the body: one ``key: value`` per line (``key = value`` works too); keys
        are case-insensitive and ``-`` and ``_`` are the same; blank lines and ``#`` comments
        (a whole line, or after a space) are ignored. Keys:

        - ``data``: variable name or file path (instead of DF on the first line)
        - ``algorithm``: detector name, comma-separated ensemble, or auto
        - ``contamination``: share in (0, 0.5], e.g. 0.05 or 5%, or auto
        - ``threshold``: a score; rows above it are anomalies
        - ``top_k`` (or ``top-k``): flag exactly this many rows
        - ``features`` / ``exclude``: column names, comma-separated
        - ``params``: JSON object, or ``k=v, k=v``
        - ``labels``: column of known labels (1 = anomaly), left out of the features
        - ``output``: variable to store the DetectionResult in (like -o)
        - ``panel``: true or false

        Give at most one of contamination, threshold and top_k. Example::

            %%detect df -o res
            algorithm: iforest
            contamination: 0.02      # about 2% fraud expected
            exclude: id, created_at
            params: n_estimators=300
        """
        with usage_errors("%%detect"):
            args = _parser.parse_argv(self.detect_cell.parser, line, CELL_USAGE)
            if args.output is not None:
                _parser.check_name(args.output)
            line_opts = _parser.DetectOptions(data=args.data, output=args.output,
                                              panel=False if args.no_panel else None)
            opts = line_opts.merge(_cell.parse_cell(cell))
            if opts.output is not None:
                _parser.check_name(opts.output)
            _run.run_detect(self.shell, self.settings, opts, "%%detect")

    # -- %ad_compare ---------------------------------------------------------------------------
    @line_magic("ad_compare")
    @no_var_expand
    @magic_arguments()
    @argument("data", nargs="?", metavar="DF",
              help="Variable holding the data, or a quoted file path.")
    @argument("-a", "--algorithms", metavar="ALGOS",
              help="Comma-separated detector names, or fast (default) or all.")
    @argument("--labels", metavar="COL",
              help="Column of known labels (1 = anomaly, 0 = normal, empty = unknown): ranks "
                   "by average precision and adds ROC-AUC, F1, precision@k.")
    @argument("-c", "--contamination",
              help="How each detector's threshold is set (for F1 and the number flagged).")
    @argument("--features", metavar="a,b", action="append", help="Only use these columns.")
    @argument("--exclude", metavar="c", action="append", help="Leave these columns out.")
    @argument("--params", metavar="JSON",
              help="Parameters per detector, e.g. '{\"knn\": {\"n_neighbors\": 10}}'.")
    @argument("--n-seeds", type=int, default=1, metavar="N",
              help="Repeat randomised detectors with N seeds to show the spread.")
    @argument("-o", "--output", metavar="NAME",
              help="Store the ComparisonResult in this variable (it is always in "
                   "_ad_last_compare too).")
    @argument("--no-panel", action="store_true",
              help="Print the leaderboard instead of showing the panel.")
    def ad_compare(self, line: str) -> None:
        """Run several detectors on the same data and rank them.

        Calls ``jupyter_ad.compare(DF, ...)``, stores the ``ComparisonResult`` in ``NAME``
        (``-o``) and ``_ad_last_compare``, and shows the comparison panel (or, with
        ``--no-panel``, prints the leaderboard).

        Examples::

            %ad_compare df -a iforest,ecod,knn --labels is_fraud -o cmp
        """
        with usage_errors("%ad_compare"):
            args = _parser.parse_argv(self.ad_compare.parser, line, COMPARE_USAGE)
            args.features = ",".join(args.features) if args.features else None
            args.exclude = ",".join(args.exclude) if args.exclude else None
            _run.run_compare(self.shell, self.settings, args, "%ad_compare")

    # -- %ad_explain ---------------------------------------------------------------------------
    @line_magic("ad_explain")
    @no_var_expand
    @magic_arguments()
    @argument("result", nargs="?", metavar="RES",
              help="Variable holding a DetectionResult (e.g. from %%detect df -o res, or "
                   "_ad_last).")
    @argument("row", nargs="?", metavar="ROW",
              help="Row to explain: an index label of the data, else a position.")
    @argument("-o", "--output", metavar="NAME",
              help="Store the Explanation in this variable (it is always in "
                   "_ad_last_explanation too).")
    @argument("--no-panel", action="store_true",
              help="Print the contributions table instead of drawing the chart.")
    def ad_explain(self, line: str) -> None:
        """Explain why one row got its anomaly score.

        Calls ``RES.explain(ROW)``, stores the ``Explanation`` in ``NAME`` (``-o``) and
        ``_ad_last_explanation``, prints its sentence and draws its contribution chart.

        Examples::

            %ad_explain res 42 -o why
        """
        with usage_errors("%ad_explain"):
            args = _parser.parse_argv(self.ad_explain.parser, line, EXPLAIN_USAGE)
            if args.result is None or args.row is None:
                raise _parser.OptionError(f"give a result and a row; usage: {EXPLAIN_USAGE}")
            _run.run_explain(self.shell, self.settings, args, "%ad_explain")


    # -- %ad_template --------------------------------------------------------------------------
    @line_magic("ad_template")
    @no_var_expand
    @magic_arguments()
    @argument("template", nargs="?", metavar="TEMPLATE",
              help="Template name: quickstart, tutorial, comparison, thresholds, "
                   "train-save-score (see --list).")
    @argument("-o", "--output", metavar="PATH",
              help="Notebook file to write (default: TEMPLATE.ipynb).")
    @argument("--data", metavar="PATH", help="CSV/Parquet file the notebook reads "
              "(default: the bundled transactions).")
    @argument("--target", metavar="COL", help="Label column, left out of the features.")
    @argument("-a", "--algorithm", metavar="ALGO", help="Detector name (default auto).")
    @argument("--title", metavar="TEXT", help="Title of the notebook.")
    @argument("--force", action="store_true", help="Overwrite an existing file.")
    @argument("--list", action="store_true", help="List the templates.")
    def ad_template(self, line: str) -> Any:
        """Write a ready-to-run notebook from a template.

        Calls :func:`jupyter_ad.notebooks.write`; an existing file is kept unless ``--force``.

        Examples::

            %ad_template quickstart -o quick.ipynb --data sales.csv --target is_fraud
        """
        with usage_errors("%ad_template"):
            args = _parser.parse_argv(self.ad_template.parser, line, TEMPLATE_USAGE)
            from jupyter_ad import notebooks

            if args.list:
                return notebooks.list_templates()
            if args.template is None:
                raise _parser.OptionError(f"name a template; usage: {TEMPLATE_USAGE}")
            path = notebooks.write(
                args.template, args.output or f"{args.template}.ipynb", force=args.force,
                data=args.data, target=args.target, algorithm=args.algorithm or "auto",
                title=args.title)
            print(f"Wrote {path}. Open it and run all cells.")
            return None


def _options_from_args(args: Any) -> _parser.DetectOptions:
    """:class:`DetectOptions` from the parsed ``%detect`` line."""
    opts = _parser.DetectOptions(data=args.data, labels=args.labels)
    if args.output is not None:
        opts.output = _parser.check_name(args.output)
    if args.algorithm is not None:
        opts.algorithm = _parser.parse_algorithm(args.algorithm)
    if args.contamination is not None:
        opts.contamination = _parser.parse_contamination(args.contamination)
    if args.threshold is not None:
        opts.threshold = _parser.parse_threshold(args.threshold)
    if args.top_k is not None:
        opts.top_k = _parser.parse_top_k(args.top_k)
    if args.features:
        opts.features = _parser.parse_columns(",".join(args.features), "features")
    if args.exclude:
        opts.exclude = _parser.parse_columns(",".join(args.exclude), "exclude")
    if args.params is not None:
        opts.params = _parser.parse_params(args.params)
    if args.no_panel:
        opts.panel = False
    opts.check()
    return opts
