"""Copy as code: the Python that reproduces a panel's result and threshold."""

from __future__ import annotations

from typing import Any

__all__ = ["reproduce_code"]

_DEFAULT_PREPROCESSING = {"scaling": "robust", "impute": "median", "categorical": "frequency",
                          "max_categories": 20, "drop_constant": True, "drop_id_like": True}


def reproduce_code(result: Any, *, var_name: str = "res", data_name: str = "df") -> str:
    """Python source that recomputes ``result`` from ``data_name`` and sets its threshold.

    The detection call names the detector(s) the model used (``"auto"`` resolved), its
    parameters, the features it used, non-default preprocessing options and how the original
    threshold was chosen; a second line sets the current threshold when it differs.

    Parameters
    ----------
    result : DetectionResult
        The result shown by the panel.
    var_name, data_name : str
        Names to use for the result and the data in the generated code.

    Returns
    -------
    str
        Source code, one statement per line; valid Python (``compile`` accepts it).
    """
    model = result.model
    algorithm = model.algorithm
    args = [data_name, f"algorithm={algorithm!r}" if isinstance(algorithm, str)
            else f"algorithm={list(algorithm)!r}"]
    if getattr(model, "params", None):
        args.append(f"params={dict(model.params)!r}")
    pre = getattr(model, "preprocessor_", None)
    options = pre.get_params() if pre is not None else {}
    for key in ("features", "exclude"):
        if options.get(key):
            args.append(f"{key}={list(options[key])!r}")
    changed = {k: v for k, v in options.items()
               if k in _DEFAULT_PREPROCESSING and v != _DEFAULT_PREPROCESSING[k]}
    if changed:
        args.append(f"preprocessing={changed!r}")
    rule = model.threshold_rule_
    if rule.method == "contamination":
        args.append(f"contamination={rule.parameter!r}")
    elif rule.method == "top_k":
        args.append(f"top_k={rule.parameter!r}")
    elif rule.method == "score":
        args.append(f"threshold={float(rule.value)!r}")
    seed = _random_state(model)
    if seed is not None:
        args.append(f"random_state={seed!r}")
    lines = ["import jupyter_ad as ad", "", f"{var_name} = ad.detect({', '.join(args)})"]
    if float(result.threshold) != float(rule.value):
        lines.append(f"{var_name}.threshold = {float(result.threshold)!r}")
    return "\n".join(lines)


def _random_state(model: Any) -> int | None:
    """The detector's seed when it is not the default of ``detect`` (0), else None."""
    try:
        seed = model.detector_.get_params(deep=False).get("random_state", 0)
    except AttributeError:
        return None
    return int(seed) if isinstance(seed, int) and not isinstance(seed, bool) and seed else None
