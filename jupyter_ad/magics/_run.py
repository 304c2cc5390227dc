"""What the magics do once their arguments are parsed: call the library, store, show."""

from __future__ import annotations

from typing import Any

from jupyter_ad.magics import _display, _labels
from jupyter_ad.magics._config import JupyterAD
from jupyter_ad.magics._errors import OptionError
from jupyter_ad.magics._namespace import LAST, resolve_data, resolve_variable, store
from jupyter_ad.magics._parser import DetectOptions

__all__ = ["LAST_COMPARISON", "LAST_EXPLANATION", "run_compare", "run_detect", "run_explain"]

LAST_COMPARISON = "_ad_last_compare"
LAST_EXPLANATION = "_ad_last_explanation"


def _detect_kwargs(opts: DetectOptions, settings: JupyterAD) -> dict[str, Any]:
    opts.check()
    kwargs: dict[str, Any] = {
        "algorithm": opts.algorithm if opts.algorithm is not None else _default_algorithm(
            settings),
        "params": opts.params,
        "threshold": opts.threshold,
        "top_k": opts.top_k,
        "features": opts.features,
        "exclude": opts.exclude,
    }
    if opts.threshold is None and opts.top_k is None:
        kwargs["contamination"] = (opts.contamination if opts.contamination is not None
                                   else settings.contamination)
    return kwargs


def _default_algorithm(settings: JupyterAD) -> str | list[str]:
    from jupyter_ad.magics._parser import parse_algorithm

    try:
        return parse_algorithm(settings.default_algorithm)
    except OptionError as exc:
        raise OptionError(f"JupyterAD.default_algorithm: {exc}; fix it with %config "
                          "JupyterAD.default_algorithm = 'auto'") from None


def run_detect(shell: Any, settings: JupyterAD, opts: DetectOptions, magic: str) -> None:
    """``ad.detect`` on the data named in ``opts``; store the result; show it."""
    import jupyter_ad as ad

    data = resolve_data(shell, opts.data, magic)
    kwargs = _detect_kwargs(opts, settings)
    y = None
    if opts.labels is not None:
        from jupyter_ad.data.readers import as_dataframe

        data = as_dataframe(data)
        y = _labels.label_values(data, opts.labels)
        if opts.features is not None and opts.labels in opts.features:
            raise OptionError(f"the label column {opts.labels!r} cannot also be a feature; "
                              "remove it from features")
        kwargs["exclude"] = [*(opts.exclude or []), opts.labels]
    res = ad.detect(data, **kwargs)
    store(shell, res, opts.output, LAST)
    panel = settings.show_panel if opts.panel is None else opts.panel
    token = (opts.data or "").strip()
    _display.show_detection(res, panel=panel, max_points=settings.max_points,
                            var_name=opts.output or LAST,
                            data_name=token if token.isidentifier() else repr(token))
    if y is not None and opts.labels is not None:
        print(_labels.describe(_labels.label_metrics(y, res.scores, res.labels), opts.labels))


def run_compare(shell: Any, settings: JupyterAD, args: Any, magic: str) -> None:
    """``ad.compare`` on the data named in ``args``; store the comparison; show it."""
    import jupyter_ad as ad
    from jupyter_ad.magics import _parser

    data = resolve_data(shell, args.data, magic)
    algorithms: Any = "fast"
    if args.algorithms is not None:
        text = args.algorithms.strip().lower()
        if text in ("fast", "all"):
            algorithms = text
        else:
            parsed = _parser.parse_algorithm(text)
            if parsed == "auto":
                raise OptionError("compare needs detector names (or fast, all), not auto; "
                                  "e.g. -a iforest,ecod,knn")
            algorithms = [parsed] if isinstance(parsed, str) else parsed
    kwargs: dict[str, Any] = {
        "labels": args.labels,
        "contamination": (_parser.parse_contamination(args.contamination)
                          if args.contamination is not None else settings.contamination),
        "features": _parser.parse_columns(args.features, "features") if args.features else None,
        "exclude": _parser.parse_columns(args.exclude, "exclude") if args.exclude else None,
        "params": _parser.parse_params(args.params) if args.params else None,
        "n_seeds": args.n_seeds,
    }
    output = _parser.check_name(args.output) if args.output else None
    if args.labels is not None:
        from jupyter_ad.data.readers import as_dataframe

        data = as_dataframe(data)
        _labels.label_values(data, args.labels)
    if args.n_seeds < 1:
        raise OptionError(f"--n-seeds must be a whole number >= 1, got {args.n_seeds}")
    cmp = ad.compare(data, algorithms, **kwargs)
    store(shell, cmp, output, LAST_COMPARISON)
    panel = settings.show_panel and not args.no_panel
    _display.show_comparison(cmp, panel=panel)


def run_explain(shell: Any, settings: JupyterAD, args: Any, magic: str) -> None:
    """``RES.explain(ROW)``; store the explanation; show its sentence and chart."""
    from jupyter_ad.magics import _parser

    example = f"res = ad.detect(df), or %detect df -o res, then {magic} res 0"
    result = resolve_variable(shell, args.result, example)
    if not callable(getattr(result, "explain", None)):
        raise OptionError(f"{args.result!r} is a {type(result).__name__}, not a detection "
                          f"result; run %detect df -o res first, then {magic} res ROW")
    output = _parser.check_name(args.output) if args.output else None
    row = _parser.parse_row(args.row)
    explanation = result.explain(row)
    store(shell, explanation, output, LAST_EXPLANATION)
    panel = settings.show_panel and not args.no_panel
    _display.show_explanation(explanation, panel=panel)
