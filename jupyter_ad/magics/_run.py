"""What the magics do once their arguments are parsed: call the library, store, show."""

from __future__ import annotations

from typing import Any

from jupyter_ad.magics import _display
from jupyter_ad.magics._errors import OptionError
from jupyter_ad.magics._namespace import LAST, resolve_data, resolve_variable, store
from jupyter_ad.options import OPTIONS, resolve

__all__ = ["LAST_COMPARISON", "LAST_EXPLANATION", "run_compare", "run_detect", "run_explain"]

LAST_COMPARISON = "_ad_last_compare"
LAST_EXPLANATION = "_ad_last_explanation"
_DISPLAY = OPTIONS.select("panel", "max_points")


def _display_settings(panel: bool | None) -> tuple[bool, int]:
    """Whether to show the panel (the flag, else the configured default) and how many points."""
    settings = resolve(_DISPLAY, {"panel": panel})
    return bool(settings["panel"].value), int(settings["max_points"].value)


def _given(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def run_detect(shell: Any, data_token: str | None, values: dict[str, Any], *,
               output: str | None, panel: bool | None, magic: str) -> None:
    """``ad.detect`` on the data named by ``data_token``; store the result; show it."""
    import jupyter_ad as ad

    data = resolve_data(shell, data_token, magic)
    options = _given(values)
    labels = options.pop("labels", None)
    y = None
    if labels is not None:
        from jupyter_ad.data.readers import as_dataframe
        from jupyter_ad.evaluate.labels import split_labels

        data = as_dataframe(data)
        y = split_labels(data, labels)[1]
        if labels in (options.get("features") or []):
            raise OptionError(f"the label column {labels!r} cannot also be a feature; "
                              "remove it from features")
        options["exclude"] = [*(options.get("exclude") or []), labels]
    with _display.routine_notices() as notes:
        res = ad.detect(data, **options)
    store(shell, res, output, LAST)
    show, max_points = _display_settings(panel)
    token = (data_token or "").strip()
    _display.show_detection(res, panel=show, max_points=max_points, var_name=output or LAST,
                            data_name=token if token.isidentifier() else repr(token),
                            notes=notes)
    if y is not None and labels is not None:
        from jupyter_ad.evaluate.metrics import label_metrics

        print(_describe(label_metrics(y, res.scores, res.labels), labels))


def _describe(metrics: dict[str, float], column: str) -> str:
    """One line for the notebook."""
    return (f"Against labels {column!r} ({metrics['n_labelled']:,} labelled rows): ROC-AUC "
            f"{metrics['roc_auc']:.3f}, average precision {metrics['average_precision']:.3f}, "
            f"precision {metrics['precision']:.2f} and recall {metrics['recall']:.2f} of the "
            "flagged rows.")


def run_compare(shell: Any, data_token: str | None, values: dict[str, Any], *,
                output: str | None, panel: bool | None, magic: str) -> None:
    """``ad.compare`` on the data named by ``data_token``; store the comparison; show it."""
    import jupyter_ad as ad

    data = resolve_data(shell, data_token, magic)
    options = _given(values)
    algorithms = options.pop("algorithms", "fast")
    if options.get("labels") is not None:
        from jupyter_ad.data.readers import as_dataframe

        data = as_dataframe(data)
    with _display.routine_notices() as notes:
        cmp = ad.compare(data, algorithms, **options)
    store(shell, cmp, output, LAST_COMPARISON)
    _display.show_comparison(cmp, panel=_display_settings(panel)[0], data=data,
                             options=options, notes=notes)


def run_explain(shell: Any, result_name: str, row_text: str, *, output: str | None,
                panel: bool | None, magic: str) -> None:
    """``RES.explain(ROW)``; store the explanation; show its sentence and chart."""
    from jupyter_ad.magics import _parser

    example = f"res = ad.detect(df), or %detect df -o res, then {magic} res 0"
    result = resolve_variable(shell, result_name, example)
    if not callable(getattr(result, "explain", None)):
        raise OptionError(f"{result_name!r} is a {type(result).__name__}, not a detection "
                          f"result; run %detect df -o res first, then {magic} res ROW")
    explanation = result.explain(_parser.parse_row(row_text))
    store(shell, explanation, output, LAST_EXPLANATION)
    _display.show_explanation(explanation, panel=_display_settings(panel)[0])
